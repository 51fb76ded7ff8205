//! `newswire feeds discover` and `feeds import` against a loopback site:
//! every feed offered was fetched and parsed, the tiers are asked in order,
//! and the printed config is config `check-config` accepts.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Output, Stdio};

use serde_json::Value;

use crate::support::{Site, config, newswire, rss};

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Site Atom</title><id>urn:x</id>
<updated>2026-11-01T10:00:00Z</updated>
<entry><title>One</title><id>urn:1</id><link href="/one"/><updated>2026-11-01T10:00:00Z</updated></entry>
</feed>"#;

/// A loopback site and a config for it (in the returned directory).
fn setup() -> (tempfile::TempDir, Site, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = Site::start();
    let cfg = config(dir.path(), &site);
    (dir, site, cfg)
}

/// Asserts exit 0 and returns stdout.
fn success(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn page(head: &str, body: &str) -> Vec<u8> {
    format!("<!DOCTYPE html><html><head><title>Home</title>{head}</head><body>{body}</body></html>")
        .into_bytes()
}

fn html(site: &Site, path: &str, head: &str, body: &str) {
    site.set(
        path,
        200,
        &[("Content-Type", "text/html; charset=utf-8")],
        &page(head, body),
    );
}

fn discover(config: &std::path::Path, url: &str, extra: &[&str]) -> Output {
    newswire(config)
        .args(["feeds", "discover", url])
        .args(extra)
        .output()
        .unwrap()
}

/// The `url`s of the `[[feeds]]` tables in TOML `text`.
fn feed_urls(text: &str) -> Vec<String> {
    let doc: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    doc.get("feeds")
        .and_then(|f| f.as_array())
        .map(|feeds| {
            feeds
                .iter()
                .map(|f| f["url"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn declared_feeds_are_checked_each_and_stale_ones_left_out() {
    let (_dir, site, cfg) = setup();
    html(
        &site,
        "/news/",
        r#"<link rel="alternate" type="application/rss+xml" title="All" href="/feed.xml">
           <link rel="alternate" type="application/rss+xml" title="Gone" href="/old.rss">
           <link rel="alternate" type="application/atom+xml" href="atom">"#,
        r#"<a href="/rss">RSS</a>"#,
    );
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a", "/b"]));
    site.set(
        "/news/atom",
        200,
        &[("Content-Type", "application/atom+xml")],
        ATOM.as_bytes(),
    );
    site.set("/rss", 200, &[], &rss(&site.base, &["/c"]));

    let stdout = success(&discover(&cfg, &site.url("/news/"), &[]));
    assert_eq!(
        feed_urls(&stdout),
        [site.url("/feed.xml"), site.url("/news/atom")]
    );
    assert!(
        stdout.contains("# Test feed: 2 entries, declared by the page"),
        "{stdout}"
    );
    assert!(
        stdout.contains("# Site Atom: 1 entries, declared by the page"),
        "{stdout}"
    );
    assert_eq!(site.hits("/old.rss"), 1, "the stale link was asked");
    // Declared feeds were found: linked and guessed addresses are not asked.
    assert_eq!(site.hits("/rss"), 0);
    assert_eq!(site.hits("/feed"), 0);
}

#[test]
fn feed_like_links_come_before_common_paths() {
    let (_dir, site, cfg) = setup();
    html(
        &site,
        "/",
        "",
        r#"<a href="/about">About</a> <a href="/blog/rss/">Blog RSS</a>"#,
    );
    site.set("/blog/rss/", 200, &[], &rss(&site.base, &["/a"]));
    site.set("/feed", 200, &[], &rss(&site.base, &["/b"]));

    let lines: Vec<Value> = success(&discover(&cfg, &site.url("/"), &["--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["url"], site.url("/blog/rss/"));
    assert_eq!(lines[0]["found"], "linked");
    assert_eq!(lines[0]["entries"], 1);
    assert_eq!(lines[0]["title"], "Test feed");
    assert_eq!(site.hits("/about"), 0);
    assert_eq!(site.hits("/feed"), 0);
}

#[test]
fn common_paths_are_tried_in_order_within_robots_txt_and_one_is_kept() {
    let (_dir, site, cfg) = setup();
    html(&site, "/", "", "<p>No feed named here.</p>");
    // A prefix rule: /feed, /feed.xml and /feed.json are all out of bounds.
    site.set("/robots.txt", 200, &[], b"User-agent: *\nDisallow: /feed\n");
    site.set("/feed", 200, &[], &rss(&site.base, &["/x"]));
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/x"]));
    // Answers with the home page, as many sites do for unknown paths.
    html(&site, "/rss", "", "<p>Home again.</p>");
    site.set("/rss.xml", 200, &[], &rss(&site.base, &["/a", "/b", "/c"]));
    site.set("/atom.xml", 200, &[], &rss(&site.base, &["/a"]));

    let stdout = success(&discover(&cfg, &site.url("/"), &[]));
    assert_eq!(feed_urls(&stdout), [site.url("/rss.xml")]);
    assert!(
        stdout.contains("3 entries, a common path on the site"),
        "{stdout}"
    );
    assert_eq!(
        site.hits("/feed") + site.hits("/feed.xml"),
        0,
        "robots.txt disallows /feed*"
    );
    assert_eq!(site.hits("/rss"), 1);
    assert_eq!(
        site.hits("/atom.xml"),
        0,
        "the first feed found ends the guessing"
    );
}

#[test]
fn a_site_without_feeds_is_offered_its_news_sitemap_not_its_general_one() {
    let (_dir, site, cfg) = setup();
    html(&site, "/", "", "<p>No feed named here.</p>");
    let sitemap = |news: bool| {
        let block = if news {
            "<news:news><news:publication><news:name>Harbour Herald</news:name>\
             <news:language>en</news:language></news:publication>\
             <news:publication_date>2026-12-06</news:publication_date>\
             <news:title>Storm</news:title></news:news>"
        } else {
            ""
        };
        format!(
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
             xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\
             <url><loc>{}/storm</loc>{block}</url></urlset>",
            site.base
        )
        .into_bytes()
    };
    site.set(
        "/robots.txt",
        200,
        &[],
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}/sitemap.xml\n",
            site.base
        )
        .as_bytes(),
    );
    site.set("/sitemap.xml", 200, &[], &sitemap(false));
    site.set("/sitemap_news.xml", 200, &[], &sitemap(true));
    site.set("/sitemap-news.xml", 200, &[], &sitemap(true));

    let stdout = success(&discover(&cfg, &site.url("/"), &[]));
    assert_eq!(feed_urls(&stdout), [site.url("/sitemap_news.xml")]);
    assert!(
        stdout.contains("# Harbour Herald: 1 entries, the site's news sitemap"),
        "{stdout}"
    );
    // robots.txt's sitemap was read and passed over; the first news
    // sitemap ends the search.
    assert_eq!(site.hits("/sitemap.xml"), 1);
    assert_eq!(site.hits("/sitemap-news.xml"), 0);
}

#[test]
fn a_feed_address_is_its_own_answer() {
    let (_dir, site, cfg) = setup();
    site.set(
        "/atom",
        200,
        &[("Content-Type", "application/atom+xml")],
        ATOM.as_bytes(),
    );
    let stdout = success(&discover(&cfg, &site.url("/atom"), &[]));
    assert_eq!(feed_urls(&stdout), [site.url("/atom")]);
    assert!(stdout.contains("the address given"), "{stdout}");
    assert_eq!(site.hits("/atom"), 1);
}

#[test]
fn no_feed_anywhere_is_one_clear_error() {
    let (_dir, site, cfg) = setup();
    html(
        &site,
        "/",
        r#"<link rel="alternate" type="application/rss+xml" href="/gone.xml">"#,
        "",
    );
    let out = discover(&cfg, &site.url("/"), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    let line = stderr.lines().last().unwrap_or_default();
    assert!(line.starts_with("error: no feed found for"), "{stderr}");
    // The declared link, every common path and the news sitemap paths
    // were asked.
    assert!(line.contains("none of 13 addresses tried"), "{line}");
    assert!(line.contains("/gone.xml answered HTTP 404"), "{line}");

    // A dead page is named as such.
    site.set("/down", 503, &[], b"");
    let out = discover(&cfg, &site.url("/down"), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("cannot discover feeds:") && stderr.contains("503"),
        "{stderr}"
    );
}

#[test]
fn private_addresses_and_other_schemes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let site = Site::start();
    let path = dir.path().join("plain.toml");
    std::fs::write(&path, "").unwrap();
    let out = discover(&path, &site.url("/"), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("refused"), "{stderr}");
    assert_eq!(site.hits("/"), 0);

    let out = discover(&path, "ftp://files.example/pub/", &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("only http and https"), "{stderr}");
}

const OPML: &str = r#"<?xml version="1.0"?>
<opml><head><title>Export</title></head><body>
  <outline text="World">
    <outline text="Wire" type="rss" xmlUrl="https://wire.example/rss"/>
    <outline text="Local">
      <outline text="Town" type="rss" xmlUrl="https://town.example/feed.xml"/>
    </outline>
  </outline>
  <outline text="Configured already" type="rss" xmlUrl="CONFIGURED"/>
  <outline text="Twice" type="rss" xmlUrl="https://wire.example/rss"/>
  <outline text="Not HTTP" type="rss" xmlUrl="ftp://files.example/feed"/>
  <outline text="Tech" type="rss" xmlUrl="https://tech.example/atom"/>
</body></opml>"#;

#[test]
fn import_prints_new_feeds_with_folders_as_tags_and_the_config_takes_them() {
    let (dir, site, cfg) = setup();
    let opml = dir.path().join("export.opml");
    std::fs::write(&opml, OPML.replace("CONFIGURED", &site.url("/feed.xml"))).unwrap();

    let out = newswire(&cfg)
        .args(["feeds", "import"])
        .arg(&opml)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        feed_urls(&stdout),
        [
            "https://wire.example/rss",
            "https://town.example/feed.xml",
            "https://tech.example/atom"
        ]
    );
    let doc: toml::Table = toml::from_str(&stdout).unwrap();
    let tags = |i: usize| doc["feeds"][i].get("tags").cloned();
    assert_eq!(tags(0), Some(toml::Value::Array(vec!["World".into()])));
    assert_eq!(
        tags(1),
        Some(toml::Value::Array(vec!["World".into(), "Local".into()]))
    );
    assert_eq!(tags(2), None);
    assert!(stderr.contains("ftp://files.example/feed"), "{stderr}");
    assert!(
        stderr.contains(
            "imported 3 feeds; skipped 2 already listed (or twice in the file) and 1 with an unusable URL"
        ),
        "{stderr}"
    );

    // What was printed is config: appended, check-config takes it.
    let mut file = std::fs::OpenOptions::new().append(true).open(&cfg).unwrap();
    file.write_all(stdout.as_bytes()).unwrap();
    let out = newswire(&cfg).arg("check-config").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resolved = String::from_utf8_lossy(&out.stdout);
    assert!(
        resolved.contains("https://town.example/feed.xml"),
        "{resolved}"
    );

    // Run again: everything is listed now.
    let out = newswire(&cfg)
        .args(["feeds", "import"])
        .arg(&opml)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn import_reads_stdin_and_names_a_file_that_is_not_opml() {
    let (dir, site, cfg) = setup();
    let mut child = newswire(&cfg)
        .args(["feeds", "import", "-", "--all"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            OPML.replace("CONFIGURED", &site.url("/feed.xml"))
                .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    // --all keeps the feed the config lists.
    assert_eq!(feed_urls(&String::from_utf8_lossy(&out.stdout)).len(), 4);

    let bad = dir.path().join("feeds.txt");
    std::fs::write(&bad, "https://wire.example/rss\n").unwrap();
    let out = newswire(&cfg)
        .args(["feeds", "import"])
        .arg(&bad)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.starts_with("error: cannot parse OPML file") && stderr.contains("feeds.txt"),
        "{stderr}"
    );
}
