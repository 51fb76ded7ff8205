//! End to end: `newswire once` against a simulated news site on 127.0.0.1.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use serde_json::Value;

/// A route: status, extra headers, body.
type Route = (u16, Vec<(String, String)>, Vec<u8>);

/// A tiny HTTP/1.1 server whose routes the test can change between runs.
/// A request with `If-None-Match` equal to the route's `ETag` gets a 304.
struct Site {
    base: String,
    routes: Arc<Mutex<HashMap<String, Route>>>,
}

impl Site {
    fn start() -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let shared = Arc::clone(&routes);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { continue };
                let routes = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let mut buf = vec![0u8; 8192];
                    let n = s.read(&mut buf).unwrap_or(0);
                    let req = String::from_utf8_lossy(&buf[..n]).to_string();
                    let path = req.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    let inm = req.lines().find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("if-none-match")
                            .then(|| v.trim().to_owned())
                    });
                    let route = routes.lock().unwrap().get(&path).cloned();
                    let (status, headers, body) =
                        route.unwrap_or((404, Vec::new(), b"not found".to_vec()));
                    let etag = headers
                        .iter()
                        .find(|(k, _)| k == "ETag")
                        .map(|(_, v)| v.clone());
                    let (status, body) = if status == 200 && etag.is_some() && etag == inm {
                        (304, Vec::new())
                    } else {
                        (status, body)
                    };
                    let mut head = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                        body.len()
                    );
                    for (k, v) in &headers {
                        head.push_str(&format!("{k}: {v}\r\n"));
                    }
                    head.push_str("\r\n");
                    let _ = s.write_all(head.as_bytes());
                    let _ = s.write_all(&body);
                });
            }
        });
        Site { base, routes }
    }

    fn set(&self, path: &str, status: u16, headers: &[(&str, &str)], body: &[u8]) {
        let headers = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.routes
            .lock()
            .unwrap()
            .insert(path.to_owned(), (status, headers, body.to_vec()));
    }
}

fn article(title: &str, words: &str) -> Vec<u8> {
    let paras = [
        "The council met on Tuesday to discuss the harbour plan, and residents asked many questions about costs, dates and the noise of the works.",
        "Engineers said the first phase would begin in the spring and last about eighteen months, with night work kept to a minimum near the houses.",
        "A local shop owner told the meeting that trade had already fallen since the car park closed, and asked the council for help with rents.",
    ];
    let body: String = paras
        .iter()
        .map(|p| format!("<p>{words} {p}</p>"))
        .collect();
    format!(
        "<html><head><title>{title}</title></head><body><nav><a href=/>Home</a></nav>\
         <article><h1>{title}</h1>{body}</article></body></html>"
    )
    .into_bytes()
}

fn rss(base: &str, items: &[&str]) -> Vec<u8> {
    let items: String = items
        .iter()
        .map(|p| format!("<item><title>{p}</title><link>{base}{p}</link><guid>{p}</guid></item>"))
        .collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test feed</title>{items}</channel></rss>")
        .into_bytes()
}

fn config(dir: &Path, site: &Site) -> std::path::PathBuf {
    let path = dir.join("newswire.toml");
    std::fs::write(
        &path,
        format!(
            r#"[state]
dir = "{state}"
[fetch]
allow_private_addresses = true
per_host_interval = "1ms"
retries = 0
[dead_letter]
path = "{dead}"
[[feeds]]
url = "{base}/feed.xml"
tags = ["test"]
[[sinks]]
type = "stdout"
"#,
            state = dir.join("state").display(),
            dead = dir.join("dead.ndjson").display(),
            base = site.base
        ),
    )
    .unwrap();
    path
}

fn once(config: &Path) -> (Vec<Value>, String) {
    let out = Command::cargo_bin("newswire")
        .unwrap()
        .env_remove("NEWSWIRE_CONFIG")
        .env_remove("RUST_LOG")
        .args(["-c"])
        .arg(config)
        .arg("once")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let records = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (records, stderr)
}

#[test]
fn once_writes_new_articles_and_never_the_same_twice() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set(
        "/b",
        200,
        &[],
        &article("Bridge closes for repairs", "Bravo."),
    );
    site.set(
        "/c",
        200,
        &[],
        &article("School opens new library", "Charlie."),
    );
    // The same article twice under one canonical id (tracking parameter).
    site.set(
        "/feed.xml",
        200,
        &[("ETag", "\"v1\"")],
        &rss(&site.base, &["/a", "/b", "/b?utm_source=rss"]),
    );
    let cfg = config(dir.path(), &site);

    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 2, "{stderr}");
    let urls: Vec<&str> = recs.iter().map(|r| r["url"].as_str().unwrap()).collect();
    assert!(urls.iter().any(|u| u.ends_with("/a")) && urls.iter().any(|u| u.ends_with("/b")));
    assert_eq!(recs[0]["feed"]["title"], "Test feed");
    assert_eq!(recs[0]["feed"]["tags"][0], "test");
    assert!(stderr.contains("2 written"), "{stderr}");

    // The feed gains an entry (and a new validator): only that one is new.
    site.set(
        "/feed.xml",
        200,
        &[("ETag", "\"v2\"")],
        &rss(&site.base, &["/c", "/a", "/b"]),
    );
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 1, "{stderr}");
    assert!(recs[0]["url"].as_str().unwrap().ends_with("/c"));

    // Unchanged feed: 304, nothing written.
    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty(), "{stderr}");
    assert!(stderr.contains("1 not modified"), "{stderr}");
}

#[test]
fn failed_and_disallowed_articles_go_to_the_dead_letter() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/ok", 200, &[], &article("A good page", "Delta."));
    site.set("/private/x", 200, &[], &article("Hidden", "Echo."));
    site.set(
        "/robots.txt",
        200,
        &[],
        b"User-agent: *\nDisallow: /private/\n",
    );
    // /gone is not routed: 404.
    site.set(
        "/feed.xml",
        200,
        &[],
        &rss(&site.base, &["/ok", "/gone", "/private/x"]),
    );
    let cfg = config(dir.path(), &site);
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 1, "{stderr}");
    assert!(stderr.contains("2 failed"), "{stderr}");
    let dead = std::fs::read_to_string(dir.path().join("dead.ndjson")).unwrap();
    let reasons: Vec<Value> = dead
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reasons.len(), 2);
    assert!(dead.contains("404"), "{dead}");
    assert!(dead.contains("robots.txt disallows"), "{dead}");
    // Dead letters are final: the next pass does not retry them.
    let (recs, _) = once(&cfg);
    assert!(recs.is_empty());
}

#[test]
fn broken_feed_is_counted_as_failed_and_named() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/feed.xml", 200, &[], b"<html>this is not a feed");
    let cfg = config(dir.path(), &site);
    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty());
    assert!(stderr.contains("1 failed"), "{stderr}");
    assert!(stderr.contains("feed.xml"), "{stderr}");
    // The state store says why, for `newswire status`.
    let out = Command::cargo_bin("newswire")
        .unwrap()
        .env_remove("NEWSWIRE_CONFIG")
        .arg("-c")
        .arg(&cfg)
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("last: Failed (cannot parse feed"), "{text}");
    assert!(text.contains("error streak: 1"), "{text}");
}

#[test]
fn near_duplicate_of_an_article_from_an_earlier_run_is_marked() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let story = article("Harbour plan approved", "Alpha.");
    site.set("/first", 200, &[], &story);
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/first"]));
    let cfg = config(dir.path(), &site);
    let (first, _) = once(&cfg);
    assert_eq!(first.len(), 1);
    // The same story syndicated under another URL, found by a later run.
    site.set("/copy", 200, &[], &story);
    site.set(
        "/feed.xml",
        200,
        &[],
        &rss(&site.base, &["/copy", "/first"]),
    );
    let (second, stderr) = once(&cfg);
    assert_eq!(second.len(), 1, "{stderr}");
    assert_eq!(
        second[0]["duplicate_of"], first[0]["id"],
        "{} {} {}",
        first[0]["word_count"], first[0]["status"], first[0]["simhash"]
    );
}
