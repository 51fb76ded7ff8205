//! How records are made besides fetching and extracting a page: from the
//! feed entry's content (`prefer_feed_content`), by a feed's
//! `content_selector`, and again from the page archive (`[archive]`).

use std::path::Path;

use crate::record;
use crate::support::{FULL_TEXT, Site, article, config_with, ndjson, once, rss, rss_with_content};

/// Adds a key (a TOML line) to the one `[[feeds]]` table of `config`.
fn feed_option(config: &Path, line: &str) {
    let text = std::fs::read_to_string(config).unwrap();
    let tags = "tags = [\"test\"]";
    std::fs::write(config, text.replace(tags, &format!("{tags}\n{line}"))).unwrap();
}

#[test]
fn prefer_feed_content_makes_whole_entries_into_records_without_fetching_their_pages() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let feed = rss_with_content(
        &site.base,
        &[
            ("/whole", "Harbour plan approved", FULL_TEXT),
            ("/teaser", "Short item", "<p>Read more on our site.</p>"),
            ("/plain", "Bridge closes", ""),
        ],
    );
    site.set("/feed.xml", 200, &[], &feed);
    site.set(
        "/whole",
        200,
        &[],
        &article("The page's own title", "Page."),
    );
    site.set(
        "/teaser",
        200,
        &[],
        &article("Short item in full", "Teaser."),
    );
    site.set("/plain", 200, &[], &article("Bridge closes", "Bravo."));
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);
    feed_option(&cfg, "prefer_feed_content = true");

    let (records, stderr) = once(&cfg);
    assert_eq!(records.len(), 3, "{stderr}");
    let whole = record(&records, "/whole");
    assert_eq!(whole["title"], "Harbour plan approved");
    assert!(whole["text"].as_str().unwrap().contains("eighteen months"));
    assert_eq!(whole["http"], serde_json::Value::Null);
    assert_eq!(whole["published"]["source"], "feed");
    assert_eq!(
        site.hits("/whole"),
        0,
        "a whole entry's page is not fetched"
    );
    // A teaser, and an entry without content, are fetched as usual.
    assert_eq!(record(&records, "/teaser")["title"], "Short item in full");
    assert_eq!(site.hits("/teaser"), 1);
    assert_eq!(site.hits("/plain"), 1);
}

#[test]
fn a_feed_content_selector_picks_the_text_of_its_pages() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a"]));
    let para = "The council met on Tuesday to discuss the harbour plan, and residents asked many questions about costs, dates and the noise of the works.";
    site.set(
        "/a",
        200,
        &[],
        format!(
            "<html><body><div class=\"promo\"><p>{para}</p><p>{para}</p></div>\
             <div class=\"story-body\"><p>Work starts in spring.</p></div></body></html>"
        )
        .as_bytes(),
    );
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);
    feed_option(&cfg, "content_selector = \".story-body\"");
    let (records, stderr) = once(&cfg);
    assert_eq!(records.len(), 1, "{stderr}");
    assert_eq!(records[0]["text"], "Work starts in spring.");
}

/// A feed's `remove_selector` leaves a widget out that the general rules
/// keep: a box of prose inside the article.
#[test]
fn a_feed_remove_selector_leaves_its_elements_out() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a"]));
    let para = "The council met on Tuesday to discuss the harbour plan, and residents asked many questions about costs, dates and the noise of the works.";
    let boxed = "Our reporters cover every meeting of the council, and readers like you make that possible with a small gift each month.";
    site.set(
        "/a",
        200,
        &[],
        format!(
            "<html><body><article><p>{para}</p><div class=\"x-box\"><p>{boxed}</p></div>\
             <p>{para} Work starts in spring.</p></article></body></html>"
        )
        .as_bytes(),
    );
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);
    let (records, stderr) = once(&cfg);
    assert_eq!(records.len(), 1, "{stderr}");
    let kept = records[0]["text"].as_str().unwrap();
    assert!(
        kept.contains("small gift"),
        "the general rules keep it: {kept}"
    );

    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);
    feed_option(&cfg, "remove_selector = \"div.x-box\"");
    let (records, stderr) = once(&cfg);
    assert_eq!(records.len(), 1, "{stderr}");
    let text = records[0]["text"].as_str().unwrap();
    assert!(!text.contains("small gift"), "{text}");
    assert!(text.ends_with("Work starts in spring."), "{text}");

    // It applies to an entry's own content too, as feeds carry furniture.
    let content = format!("{FULL_TEXT}<div class=\"x-box\"><p>{boxed}</p></div>");
    let feed = rss_with_content(&site.base, &[("/whole", "Harbour plan approved", &content)]);
    site.set("/content.xml", 200, &[], &feed);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), &site, &[], &["/content.xml"]);
    feed_option(
        &cfg,
        "prefer_feed_content = true\nremove_selector = \".x-box\"",
    );
    let (records, stderr) = once(&cfg);
    assert_eq!(records.len(), 1, "{stderr}");
    assert_eq!(records[0]["http"], serde_json::Value::Null, "from the feed");
    let text = records[0]["text"].as_str().unwrap();
    assert!(text.contains("eighteen months"), "{text}");
    assert!(!text.contains("small gift"), "{text}");
}

#[test]
fn archived_pages_extract_again_into_the_same_records() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a", "/b"]));
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    // A legacy charset and a compressed transfer: the archive keeps the
    // decoded body with the header that names its charset.
    let latin1: Vec<u8> = String::from_utf8(article("Caf\u{e9} reopens", "Bravo."))
        .unwrap()
        .chars()
        .map(|c| c as u8)
        .collect();
    site.set(
        "/b",
        200,
        &[
            ("Content-Type", "text/html; charset=iso-8859-1"),
            ("Content-Encoding", "gzip"),
        ],
        &crate::support::gzip(&latin1),
    );
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);
    let archive = dir.path().join("archive");
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!("[archive]\ndir = \"{}\"\n", archive.display()));
    std::fs::write(&cfg, text).unwrap();

    let (records, stderr) = once(&cfg);
    assert_eq!(records.len(), 2, "{stderr}");
    let files: Vec<_> = std::fs::read_dir(&archive)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].to_string_lossy().ends_with(".warc.gz"),
        "{files:?}"
    );

    let out = crate::support::newswire(&cfg)
        .arg("extract")
        .arg(&files[0])
        .output()
        .unwrap();
    let again = ndjson(&out);
    assert_eq!(again.len(), 2);
    for first in &records {
        let path = first["url"]
            .as_str()
            .unwrap()
            .trim_start_matches(&site.base);
        let second = record(&again, path);
        assert_eq!(second["id"], first["id"]);
        assert_eq!(second["title"], first["title"]);
        assert_eq!(second["text"], first["text"]);
        assert_eq!(second["http"]["charset"], first["http"]["charset"]);
    }
    assert_eq!(record(&again, "/b")["title"], "Café reopens");
}

#[test]
fn a_feeds_headers_go_with_its_requests_and_its_articles_only() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/walled.xml", 200, &[], &rss(&site.base, &["/w"]));
    site.set("/open.xml", 200, &[], &rss(&site.base, &["/o"]));
    site.set("/w", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set("/o", 200, &[], &article("Bridge closes", "Bravo."));
    let cfg = config_with(dir.path(), &site, &[], &["/walled.xml", "/open.xml"]);
    // Only the first feed's table gets the headers.
    let text = std::fs::read_to_string(&cfg).unwrap();
    let text = text.replacen(
        "tags = [\"test\"]",
        "tags = [\"test\"]\nheaders = { Cookie = \"consent=yes\", \"User-Agent\" = \"reader/2\" }",
        1,
    );
    std::fs::write(&cfg, text).unwrap();

    let (records, stderr) = once(&cfg);
    assert_eq!(records.len(), 2, "{stderr}");
    for path in ["/walled.xml", "/w"] {
        let asked = &site.requests(path)[0];
        assert_eq!(
            asked.get("cookie").map(String::as_str),
            Some("consent=yes"),
            "{path}"
        );
        assert_eq!(
            asked.get("user-agent").map(String::as_str),
            Some("reader/2"),
            "{path}"
        );
    }
    for path in ["/open.xml", "/o"] {
        let asked = &site.requests(path)[0];
        assert_eq!(asked.get("cookie"), None, "{path}");
        assert!(
            asked
                .get("user-agent")
                .is_some_and(|ua| ua.starts_with("newswire/")),
            "{path}: {asked:?}"
        );
    }
}
