//! Feed polling: validators, body hash, entry identity, feed formats and
//! feed-level failures.

use chrono::{DateTime, Utc};

use crate::record;
use crate::support::{Response, Site, article, config_with, once, rss, rss_items, status};

#[test]
fn etag_last_modified_and_validator_less_feeds_are_polled_conditionally() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    let lm = "Sun, 29 Nov 2026 08:00:00 GMT";
    let body = rss(&site.base, &["/a"]);
    site.set("/etag.xml", 200, &[("ETag", "\"e1\"")], &body);
    site.set("/lm.xml", 200, &[("Last-Modified", lm)], &body);
    site.set("/plain.xml", 200, &[], &body);
    let cfg = config_with(
        dir.path(),
        &site,
        &[],
        &["/etag.xml", "/lm.xml", "/plain.xml"],
    );

    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 1, "one article listed by three feeds: {stderr}");
    assert!(stderr.contains("3 ok"), "{stderr}");

    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty(), "{stderr}");
    assert!(stderr.contains("3 not modified"), "{stderr}");
    // The validators each server gave were sent back.
    let etag = site.requests("/etag.xml");
    assert_eq!(
        etag[1].get("if-none-match").map(String::as_str),
        Some("\"e1\"")
    );
    let lms = site.requests("/lm.xml");
    assert_eq!(
        lms[1].get("if-modified-since").map(String::as_str),
        Some(lm)
    );
    assert!(!lms[1].contains_key("if-none-match"));
    // No validators: the body is fetched again and its hash says "same".
    let plain = site.requests("/plain.xml");
    assert_eq!(plain.len(), 2);
    assert!(!plain[1].contains_key("if-modified-since") && !plain[1].contains_key("if-none-match"));
    assert_eq!(site.hits("/a"), 1);
    let text = status(&cfg);
    assert_eq!(text.matches("last: NotModified").count(), 3, "{text}");
    assert!(text.contains("articles: 1 delivered"), "{text}");

    // A validator-less feed that changes is read again.
    site.set(
        "/b",
        200,
        &[],
        &article("Bridge closes for repairs", "Bravo."),
    );
    site.set("/plain.xml", 200, &[], &rss(&site.base, &["/b", "/a"]));
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 1, "{stderr}");
    record(&recs, "/b");
    assert!(stderr.contains("1 ok, 2 not modified"), "{stderr}");
}

#[test]
fn guid_and_title_changes_do_not_make_an_entry_new() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set(
        "/feed.xml",
        200,
        &[],
        &rss_items(&site.base, &[("/a", "guid-1", "Harbour plan approved")]),
    );
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);
    let (recs, _) = once(&cfg);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["feed"]["entry_id"], "guid-1");

    // The publisher re-issues the entry: new GUID, edited title, a tracking
    // parameter on the same link.
    site.set(
        "/feed.xml",
        200,
        &[],
        &rss_items(
            &site.base,
            &[(
                "/a?utm_source=rss&utm_medium=feed",
                "guid-2",
                "Harbour plan approved, with changes",
            )],
        ),
    );
    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty(), "{stderr}");
    assert!(stderr.contains("1 ok"), "the feed did change: {stderr}");
    assert_eq!(site.hits("/a"), 1);
    assert!(site.hits("/a?utm_source=rss&utm_medium=feed") == 0);
    let text = status(&cfg);
    assert!(text.contains("articles: 1 "), "{text}");
    assert!(
        text.contains("1 delivered, 0 dead-lettered, 0 pending"),
        "{text}"
    );
}

#[test]
fn an_article_in_two_feeds_is_fetched_and_written_once() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set(
        "/robots.txt",
        200,
        &[],
        b"User-agent: *\nDisallow: /private/\n",
    );
    site.set(
        "/shared",
        200,
        &[],
        &article("Harbour plan approved", "Alpha."),
    );
    site.set(
        "/one",
        200,
        &[],
        &article("Bridge closes for repairs", "Bravo."),
    );
    site.set(
        "/two",
        200,
        &[],
        &article("School opens new library", "Charlie."),
    );
    site.set(
        "/news.xml",
        200,
        &[],
        &rss(&site.base, &["/shared", "/one"]),
    );
    site.set(
        "/local.xml",
        200,
        &[],
        &rss(&site.base, &["/two", "/shared?fbclid=xyz"]),
    );
    let cfg = config_with(dir.path(), &site, &[], &["/news.xml", "/local.xml"]);
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 3, "{stderr}");
    let ids: std::collections::HashSet<_> = recs.iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids.len(), 3);
    // Whichever feed claimed it first, the shared article was fetched once.
    let shared = || site.hits("/shared") + site.hits("/shared?fbclid=xyz");
    assert_eq!(shared(), 1);
    // Politeness: one robots.txt fetch for the whole run.
    assert_eq!(site.hits("/robots.txt"), 1);
    let text = status(&cfg);
    assert!(
        text.contains("3 delivered, 0 dead-lettered, 0 pending"),
        "{text}"
    );
    // Next run: both feeds unchanged (by hash), nothing fetched again.
    let (recs, _) = once(&cfg);
    assert!(recs.is_empty());
    assert_eq!(shared(), 1);
}

#[test]
fn atom_and_json_feeds_are_read() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set(
        "/news/a",
        200,
        &[],
        &article("Harbour plan approved", "Alpha."),
    );
    site.set(
        "/news/b",
        200,
        &[],
        &article("Bridge closes for repairs", "Bravo."),
    );
    let atom = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}/news/">
  <title>Atom news</title><id>urn:x</id><updated>2026-11-29T08:00:00Z</updated>
  <entry><title>Harbour plan approved</title><id>urn:a</id><link href="a"/>
    <updated>2026-11-29T08:00:00Z</updated></entry>
</feed>"#,
        base = site.base
    );
    site.set(
        "/atom.xml",
        200,
        &[("Content-Type", "application/atom+xml")],
        atom.as_bytes(),
    );
    let json = format!(
        r#"{{"version":"https://jsonfeed.org/version/1.1","title":"JSON news",
            "items":[{{"id":"b1","url":"{base}/news/b","title":"Bridge closes",
                       "date_published":"2026-11-29T09:00:00+01:00"}}]}}"#,
        base = site.base
    );
    site.set(
        "/feed.json",
        200,
        &[("Content-Type", "application/feed+json")],
        json.as_bytes(),
    );
    let recs = each_feed_gives_one_record(dir.path(), &site, &["/atom.xml", "/feed.json"]);
    let a = record(&recs, "/news/a");
    assert_eq!(a["feed"]["title"], "Atom news");
    assert_eq!(a["feed"]["entry_id"], "urn:a");
    let b = record(&recs, "/news/b");
    assert_eq!(b["feed"]["title"], "JSON news");
    assert_eq!(b["feed"]["entry_title"], "Bridge closes");
    assert_eq!(b["feed"]["entry_published"], "2026-11-29T08:00:00Z");
}

/// Runs `once` over `feeds` (paths on `site`), asserts that each was read
/// (`status` says Ok) and gave one record, and returns the records.
fn each_feed_gives_one_record(
    dir: &std::path::Path,
    site: &Site,
    feeds: &[&str],
) -> Vec<serde_json::Value> {
    let cfg = config_with(dir, site, &[], feeds);
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), feeds.len(), "{stderr}");
    let text = status(&cfg);
    assert_eq!(text.matches("last: Ok").count(), feeds.len(), "{text}");
    recs
}

#[test]
fn feeds_broken_the_common_ways_are_read() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set(
        "/news/a",
        200,
        &[],
        &article("Q and A on the harbour", "Alpha."),
    );
    site.set("/news/b", 200, &[], &article("Old dialect story", "Bravo."));
    // A PHP warning before the document, raw HTML in a description, bare
    // ampersands in a title and a link: not XML, yet what publishers serve.
    let broken = format!(
        "<br />\n<b>Warning</b>: Undefined variable $x in <b>/srv/feed.php</b> on line <b>9</b><br />\n\
         <?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Q & A desk</title>\
         <item><title>Q & A on the harbour</title><link>{base}/news/a?from=rss&amp;x=1&y=2</link>\
         <description><p>Read <b>more</p></description></item></channel></rss>",
        base = site.base
    );
    site.set("/broken.xml", 200, &[], broken.as_bytes());
    // Atom 0.3, which feed-rs reads as an empty feed.
    let atom03 = format!(
        r#"<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">
<title mode="escaped">Old dialect</title><entry><title mode="escaped">Old dialect story</title>
<link rel="alternate" type="text/html" href="{base}/news/b"/><id>tag:b</id>
<issued>2026-11-28T10:00:00Z</issued></entry></feed>"#,
        base = site.base
    );
    site.set("/atom03.xml", 200, &[], atom03.as_bytes());
    let recs = each_feed_gives_one_record(dir.path(), &site, &["/broken.xml", "/atom03.xml"]);
    let a = record(&recs, "/news/a?from=rss&x=1&y=2");
    assert_eq!(a["feed"]["title"], "Q & A desk");
    assert_eq!(a["feed"]["entry_title"], "Q & A on the harbour");
    let b = record(&recs, "/news/b");
    assert_eq!(b["feed"]["title"], "Old dialect");
    assert_eq!(b["feed"]["entry_published"], "2026-11-28T10:00:00Z");
}

#[test]
fn malformed_atom_and_json_feeds_fail_with_reasons() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set(
        "/atom.xml",
        200,
        &[("Content-Type", "application/atom+xml")],
        b"<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title><entry><title>x</entry>",
    );
    site.set(
        "/feed.json",
        200,
        &[("Content-Type", "application/feed+json")],
        br#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"#,
    );
    let cfg = config_with(dir.path(), &site, &[], &["/atom.xml", "/feed.json"]);
    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty());
    assert!(
        stderr.contains("0 ok, 0 not modified, 2 failed"),
        "{stderr}"
    );
    let text = status(&cfg);
    assert!(
        text.contains(&format!("cannot parse feed {}", site.url("/atom.xml"))),
        "{text}"
    );
    assert!(
        text.contains(&format!("cannot parse feed {}", site.url("/feed.json"))),
        "{text}"
    );
    assert_eq!(text.matches("error streak: 1").count(), 2, "{text}");
}

#[test]
fn private_addresses_are_refused_unless_allowed() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a"]));
    let port = site.base.rsplit(':').next().unwrap();
    let cfg = config_with(
        dir.path(),
        &site,
        &[("allow_private_addresses", "false")],
        &["/feed.xml", &format!("http://localhost:{port}/feed.xml")],
    );
    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty());
    assert!(stderr.contains("2 failed"), "{stderr}");
    assert_eq!(site.hits("/feed.xml"), 0, "nothing reached the server");
    let text = status(&cfg);
    assert!(text.contains("refused"), "{text}");
    assert!(
        text.contains("localhost resolves to no public address"),
        "{text}"
    );
}

#[test]
fn feed_answering_503_fails_says_why_and_is_next_due_after_retry_after() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set(
        "/feed.xml",
        503,
        &[("Retry-After", "7200")],
        b"down for maintenance",
    );
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);
    let before = Utc::now();
    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty());
    assert!(stderr.contains("1 failed"), "{stderr}");
    let text = status(&cfg);
    assert!(text.contains("last: Failed ("), "{text}");
    assert!(text.contains("HTTP 503"), "{text}");
    assert!(text.contains("error streak: 1"), "{text}");
    let due = next_due(&text, &site.url("/feed.xml"));
    // 7200 s less the 10 % jitter: well past the 10-minute error backoff.
    assert!(
        due - before >= chrono::Duration::seconds(6400),
        "next due {due} ignores Retry-After: {text}"
    );

    // The feed recovers: its state is cleared.
    site.respond(
        "/feed.xml",
        Response::new(200, &[], &rss(&site.base, &["/a"])),
    );
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    let (recs, _) = once(&cfg);
    assert_eq!(recs.len(), 1);
    let text = status(&cfg);
    assert!(text.contains("last: Ok  "), "{text}");
    assert!(text.contains("error streak: 0"), "{text}");
}

#[test]
fn feed_with_a_reset_connection_fails_and_is_retried_next_run() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.respond(
        "/feed.xml",
        Response::new(200, &[], &rss(&site.base, &["/a"]))
            .with(crate::support::Behaviour::ResetInBody { after: 20 }),
    );
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);
    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty());
    assert!(stderr.contains("1 failed"), "{stderr}");
    let text = status(&cfg);
    assert!(text.contains("last: Failed ("), "{text}");
    assert!(text.contains("/feed.xml"), "{text}");
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a"]));
    let (recs, _) = once(&cfg);
    assert_eq!(recs.len(), 1);
}

#[test]
fn server_cache_hints_set_the_next_poll() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let body = rss(&site.base, &["/a"]);
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set(
        "/cached.xml",
        200,
        &[("Cache-Control", "public, max-age=10800")],
        &body,
    );
    let later = (Utc::now() + chrono::Duration::hours(4)).to_rfc2822();
    site.set("/date.xml", 503, &[("Retry-After", &later)], b"maintenance");
    let cfg = config_with(dir.path(), &site, &[], &["/cached.xml", "/date.xml"]);
    let before = Utc::now();
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 1, "{stderr}");
    assert!(
        stderr.contains("1 ok, 0 not modified, 1 failed"),
        "{stderr}"
    );
    let text = status(&cfg);
    // Both well past the defaults (30 min first interval, 10 min backoff),
    // allowing for the 10 % jitter.
    let cached = next_due(&text, &site.url("/cached.xml")) - before;
    assert!(cached >= chrono::Duration::minutes(160), "{cached} {text}");
    let dated = next_due(&text, &site.url("/date.xml")) - before;
    assert!(dated >= chrono::Duration::minutes(210), "{dated} {text}");
}

#[test]
fn moved_feeds_are_followed_and_oversized_feeds_fail() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.redirect("/old.xml", 301, "/news/feed.xml");
    // Relative links resolve against where the feed really is.
    site.set(
        "/news/feed.xml",
        200,
        &[],
        b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Moved</title>\
          <item><title>A</title><link>a</link></item></channel></rss>",
    );
    site.set(
        "/news/a",
        200,
        &[],
        &article("Harbour plan approved", "Alpha."),
    );
    let mut big = rss(&site.base, &["/news/a"]);
    big.resize(300_000, b' ');
    site.set("/big.xml", 200, &[], &big);
    let cfg = config_with(
        dir.path(),
        &site,
        &[("max_body_bytes", "200000")],
        &["/old.xml", "/big.xml"],
    );
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 1, "{stderr}");
    assert_eq!(recs[0]["url"], site.url("/news/a"));
    assert_eq!(recs[0]["feed"]["url"], site.url("/old.xml"));
    assert!(
        stderr.contains("1 ok, 0 not modified, 1 failed"),
        "{stderr}"
    );
    let text = status(&cfg);
    assert!(
        text.contains("exceeds the 200000-byte limit (fetch.max_body_bytes)"),
        "{text}"
    );
}

#[test]
fn long_retry_after_is_not_slept_through_when_retries_are_on() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/feed.xml", 503, &[("Retry-After", "7200")], b"down");
    site.once(
        "/a",
        Response::new(429, &[("Retry-After", "7200")], b"later"),
    );
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set("/news.xml", 200, &[], &rss(&site.base, &["/a"]));
    let cfg = config_with(
        dir.path(),
        &site,
        &[("retries", "2"), ("retry_backoff", "\"10ms\"")],
        &["/feed.xml", "/news.xml"],
    );
    let (_, stderr) = once(&cfg);
    assert!(
        stderr.contains("1 ok, 0 not modified, 1 failed"),
        "{stderr}"
    );
    assert_eq!(site.hits("/feed.xml"), 1, "not retried within the run");
    assert_eq!(site.hits("/a"), 1, "not retried within the run");
    let text = status(&cfg);
    assert!(text.contains("HTTP 503"), "{text}");
}

/// The `next due:` time `newswire status` printed for `feed`.
fn next_due(status: &str, feed: &str) -> DateTime<Utc> {
    let block = &status[status.find(&format!("{feed}\n")).unwrap()..];
    let at = block.find("next due: ").unwrap() + "next due: ".len();
    let value = block[at..].split_whitespace().next().unwrap();
    DateTime::parse_from_rfc3339(value)
        .unwrap()
        .with_timezone(&Utc)
}

/// `[filter]` and a feed's own `block` and `keep` rules decide which
/// entries become articles; the rest are never fetched, and `status`
/// counts them.
#[test]
fn filter_rules_and_maximum_age_decide_which_entries_are_fetched() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let today = Utc::now().to_rfc2822();
    let item = |path: &str, title: &str, category: &str, date: &str| {
        let date = if date.is_empty() {
            String::new()
        } else {
            format!("<pubDate>{date}</pubDate>")
        };
        format!(
            "<item><title>{title}</title><link>{}</link><category>{category}</category>{date}</item>",
            site.url(path)
        )
    };
    let items = [
        item("/news/a", "Budget passes", "Politics", &today),
        item("/video/b", "Watch: the budget debate", "Politics", &today),
        item("/news/c", "Sponsored: a new phone", "Politics", &today),
        item(
            "/news/d",
            "Budget of 2019",
            "Politics",
            "Tue, 10 Jun 2019 04:00:00 GMT",
        ),
        item("/news/e", "Football result", "Sport", &today),
        item("/news/f", "Tax vote tonight", "Politics", ""),
    ];
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>News</title>{}</channel></rss>",
        items.concat()
    );
    site.set("/feed.xml", 200, &[], feed.as_bytes());
    for p in [
        "/news/a", "/video/b", "/news/c", "/news/d", "/news/e", "/news/f",
    ] {
        site.set(p, 200, &[], &article(&format!("Story {p}"), "Words."));
    }
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);
    let text = std::fs::read_to_string(&cfg).unwrap().replace(
        "tags = [\"test\"]\n",
        "tags = [\"test\"]\nblock = [\"title:(?i)^sponsored\"]\nkeep = [\"category:(?i)^politics$\"]\n",
    ) + "[filter]\nmax_age = \"30days\"\nblock = [\"url:/video/\"]\n";
    std::fs::write(&cfg, text).unwrap();

    let (records, stderr) = once(&cfg);
    let mut urls: Vec<&str> = records.iter().filter_map(|r| r["url"].as_str()).collect();
    urls.sort_unstable();
    assert_eq!(urls, [site.url("/news/a"), site.url("/news/f")], "{stderr}");
    for p in ["/video/b", "/news/c", "/news/d", "/news/e"] {
        assert_eq!(site.hits(p), 0, "{p} was fetched");
    }
    assert!(status(&cfg).contains("filtered: 4"), "{}", status(&cfg));
    let out = crate::support::newswire(&cfg)
        .args(["status", "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["feeds"][0]["filtered_entries"], 4, "{report}");
    assert_eq!(report["feeds"][0]["last_status"], "ok", "{report}");
    assert_eq!(report["articles"]["delivered"], 2, "{report}");

    // A rule that does not name a field is a config error, named.
    std::fs::write(
        &cfg,
        std::fs::read_to_string(&cfg)
            .unwrap()
            .replace("url:/video/", "/video/"),
    )
    .unwrap();
    let out = crate::support::newswire(&cfg)
        .arg("check-config")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .contains("filter.block[0]: rule `/video/` must start with url:, title: or category:"),
        "{stderr}"
    );
}
