//! Fetching through a forward proxy: `fetch.proxy`, the environment's
//! `HTTP_PROXY`, and `fetch.proxy = "off"`. The site plays the proxy: it
//! answers requests in absolute form (`GET http://host/path`) from its
//! routes and keeps the target each request named.

use crate::support::{Site, article, config_with, free_port, newswire, once, rss};

/// A feed and an article on a host name no resolver knows, so that only a
/// proxy can fetch them.
const HOST: &str = "http://news.example.test";

fn serve_behind_proxy(site: &Site) {
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set("/feed.xml", 200, &[], &rss(HOST, &["/a"]));
}

fn proxied_targets(site: &Site, path: &str) -> Vec<String> {
    site.requests(path)
        .iter()
        .filter_map(|h| h.get("request-target").cloned())
        .collect()
}

/// `newswire once` with `HTTP_PROXY` set to `proxy`: it succeeds and
/// writes one record.
fn once_with_env_proxy(cfg: &std::path::Path, proxy: &str) {
    let out = newswire(cfg)
        .env("HTTP_PROXY", proxy)
        .arg("once")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines = String::from_utf8_lossy(&out.stdout).lines().count();
    assert_eq!(lines, 1, "{stderr}");
}

#[test]
fn configured_proxy_carries_feeds_articles_and_robots_even_with_the_guard_on() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    serve_behind_proxy(&site);
    // By name: the guard must let the proxy's own private address through.
    let proxy = format!("\"{}\"", site.base.replace("127.0.0.1", "localhost"));
    let feed = format!("{HOST}/feed.xml");
    let cfg = config_with(
        dir.path(),
        &site,
        &[("allow_private_addresses", "false"), ("proxy", &proxy)],
        &[&feed],
    );
    let (records, stderr) = once(&cfg);
    assert_eq!(records.len(), 1, "{stderr}");
    assert_eq!(records[0]["url"], format!("{HOST}/a"));
    assert_eq!(proxied_targets(&site, "/feed.xml"), [feed]);
    assert_eq!(proxied_targets(&site, "/a"), [format!("{HOST}/a")]);
    assert_eq!(
        proxied_targets(&site, "/robots.txt"),
        [format!("{HOST}/robots.txt")]
    );
}

#[test]
fn the_environments_proxy_is_used_unless_the_config_says_off() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    serve_behind_proxy(&site);
    let cfg = config_with(dir.path(), &site, &[], &[&format!("{HOST}/feed.xml")]);
    once_with_env_proxy(&cfg, &site.base);
    assert_eq!(proxied_targets(&site, "/a"), [format!("{HOST}/a")]);

    // `off`: straight to the site, past a proxy that does not answer.
    let direct = Site::start();
    direct.set("/b", 200, &[], &article("Bridge closes", "Bravo."));
    direct.set("/feed.xml", 200, &[], &rss(&direct.base, &["/b"]));
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), &direct, &[("proxy", "\"off\"")], &["/feed.xml"]);
    let dead_proxy = format!("http://127.0.0.1:{}", free_port());
    once_with_env_proxy(&cfg, &dead_proxy);
    assert_eq!(direct.hits("/b"), 1);
}

#[test]
fn a_proxy_that_is_not_a_url_is_a_config_error() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), &site, &[("proxy", "\"socks5://p:1080\"")], &[]);
    let out = newswire(&cfg).arg("check-config").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("fetch.proxy `socks5://p:1080`: scheme `socks5` is not http or https"),
        "{stderr}"
    );
}
