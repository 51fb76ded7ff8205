//! Article fetches: redirects, error statuses, Retry-After, retries and
//! connection resets.

use crate::support::{
    Behaviour, FULL_TEXT, Response, Site, article, config_with, dead_letters, once, rss,
    rss_with_content, status,
};
use crate::{reason, record};

/// Retries on, with a backoff short enough for tests.
const RETRIES: &[(&str, &str)] = &[("retries", "2"), ("retry_backoff", "\"10ms\"")];

#[test]
fn redirected_article_keeps_both_urls_and_the_target_is_not_new_later() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.redirect("/old", 301, "/moved");
    site.redirect("/moved", 302, "/new");
    site.set(
        "/new",
        200,
        &[],
        &article("Harbour plan approved", "Alpha."),
    );
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/old"]));
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 1, "{stderr}");
    let r = &recs[0];
    assert_eq!(r["url"], site.url("/old"));
    assert_eq!(r["final_url"], site.url("/new"));
    assert_eq!(r["http"]["status"], 200);
    assert_eq!(r["title"], "Harbour plan approved");

    // Another feed entry links to the redirect's target: already delivered.
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/new", "/old"]));
    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty(), "{stderr}");
    assert!(stderr.contains("0 written, 0 failed"), "{stderr}");
    let text = status(&cfg);
    assert!(text.contains("0 dead-lettered, 0 pending"), "{text}");
}

#[test]
fn redirect_loops_and_chains_past_the_cap_are_dead_letters_with_reasons() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.redirect("/loop-a", 302, "/loop-b");
    site.redirect("/loop-b", 302, "/loop-a");
    // Six hops: one more than max_redirects.
    for i in 1..=6 {
        site.redirect(&format!("/long{i}"), 301, &format!("/long{}", i + 1));
    }
    site.set("/long7", 200, &[], &article("Too far away", "Golf."));
    // Exactly max_redirects hops: followed.
    for i in 1..=3 {
        site.redirect(&format!("/hop{i}"), 307, &format!("/hop{}", i + 1));
    }
    site.set("/hop4", 200, &[], &article("Three hops away", "Hotel."));
    site.set(
        "/feed.xml",
        200,
        &[],
        &rss(&site.base, &["/loop-a", "/long1", "/hop1"]),
    );
    let cfg = config_with(
        dir.path(),
        &site,
        &[
            ("max_redirects", "3"),
            ("retries", "2"),
            ("retry_backoff", "\"10ms\""),
        ],
        &["/feed.xml"],
    );
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 1, "{stderr}");
    assert_eq!(record(&recs, "/hop1")["final_url"], site.url("/hop4"));
    let dead = dead_letters(dir.path());
    assert_eq!(dead.len(), 2, "{dead:#?}");
    let looped = reason(&dead, "/loop-a");
    assert!(looped.contains("redirect loop"), "{looped}");
    assert!(looped.contains("/loop-a"), "{looped}");
    let long = reason(&dead, "/long1");
    assert!(
        long.contains("more than 3 redirects (fetch.max_redirects)"),
        "{long}"
    );
    // Our own redirect policy is final: no retries.
    assert_eq!(site.hits("/loop-a"), 1);
    assert_eq!(site.hits("/long1"), 1);
    assert_eq!(site.hits("/long7"), 0);
    let text = status(&cfg);
    // Delivered ids: the feed link /hop1 and the page's own id (/hop4).
    assert!(
        text.contains("2 delivered, 2 dead-lettered, 0 pending"),
        "{text}"
    );
}

#[test]
fn not_found_and_gone_are_final_without_retries() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/gone", 410, &[], b"gone");
    // /missing is not routed: 404.
    site.set(
        "/feed.xml",
        200,
        &[],
        &rss(&site.base, &["/missing", "/gone"]),
    );
    let cfg = config_with(dir.path(), &site, RETRIES, &["/feed.xml"]);
    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty());
    assert!(stderr.contains("2 failed"), "{stderr}");
    let dead = dead_letters(dir.path());
    assert!(reason(&dead, "/missing").contains("answered HTTP 404"));
    assert!(reason(&dead, "/gone").contains("answered HTTP 410"));
    assert_eq!((site.hits("/missing"), site.hits("/gone")), (1, 1));
    // The feed changes; the dead articles are not tried again.
    site.set(
        "/feed.xml",
        200,
        &[],
        &rss(&site.base, &["/gone", "/missing", "/x"]),
    );
    once(&cfg);
    assert_eq!((site.hits("/missing"), site.hits("/gone")), (1, 1));
    let text = status(&cfg);
    assert!(
        text.contains("0 delivered, 3 dead-lettered, 0 pending"),
        "{text}"
    );
}

#[test]
fn rate_limited_and_unavailable_articles_are_retried_and_written() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.once(
        "/a",
        Response::new(429, &[("Retry-After", "1")], b"slow down"),
    );
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.once("/b", Response::new(503, &[("Retry-After", "0")], b"busy"));
    site.once("/b", Response::new(503, &[], b"still busy"));
    site.set(
        "/b",
        200,
        &[],
        &article("Bridge closes for repairs", "Bravo."),
    );
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a", "/b"]));
    let cfg = config_with(dir.path(), &site, RETRIES, &["/feed.xml"]);
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 2, "{stderr}");
    assert_eq!(record(&recs, "/a")["http"]["status"], 200);
    assert_eq!(record(&recs, "/b")["title"], "Bridge closes for repairs");
    assert_eq!((site.hits("/a"), site.hits("/b")), (2, 3));
    assert!(dead_letters(dir.path()).is_empty());
    assert!(status(&cfg).contains("2 delivered, 0 dead-lettered"));
}

#[test]
fn server_errors_are_retried_then_dead_lettered() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/broken", 500, &[], b"internal error");
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/broken"]));
    let cfg = config_with(dir.path(), &site, RETRIES, &["/feed.xml"]);
    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty());
    assert!(stderr.contains("1 failed"), "{stderr}");
    assert_eq!(site.hits("/broken"), 3, "one attempt and two retries");
    let why = reason(&dead_letters(dir.path()), "/broken");
    assert!(why.contains("answered HTTP 500"), "{why}");
    assert!(status(&cfg).contains("0 delivered, 1 dead-lettered"));
}

#[test]
fn connection_resets_are_retried_and_named() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let page = article("Harbour plan approved", "Alpha.");
    site.respond(
        "/in-headers",
        Response::new(200, &[], &page).with(Behaviour::ResetInHeaders),
    );
    site.respond(
        "/in-body",
        Response::new(200, &[], &page).with(Behaviour::ResetInBody { after: 100 }),
    );
    // Resets once, then works.
    site.once(
        "/flaky",
        Response::new(200, &[], &page).with(Behaviour::ResetInBody { after: 10 }),
    );
    site.set(
        "/flaky",
        200,
        &[],
        &article("Bridge closes for repairs", "Bravo."),
    );
    site.set(
        "/feed.xml",
        200,
        &[],
        &rss(&site.base, &["/in-headers", "/in-body", "/flaky"]),
    );
    let cfg = config_with(
        dir.path(),
        &site,
        &[("retries", "1"), ("retry_backoff", "\"10ms\"")],
        &["/feed.xml"],
    );
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 1, "{stderr}");
    assert_eq!(
        record(&recs, "/flaky")["title"],
        "Bridge closes for repairs"
    );
    assert_eq!(site.hits("/flaky"), 2);
    assert_eq!((site.hits("/in-headers"), site.hits("/in-body")), (2, 2));
    let dead = dead_letters(dir.path());
    for path in ["/in-headers", "/in-body"] {
        let why = reason(&dead, path);
        assert!(why.contains(&site.url(path)), "{why}");
        assert!(why.contains("connection"), "{why}");
    }
    assert!(status(&cfg).contains("1 delivered, 2 dead-lettered, 0 pending"));
}

#[test]
fn unreadable_robots_txt_is_named_as_the_reason() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/robots.txt", 503, &[], b"busy");
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set(
        "/b",
        200,
        &[],
        &article("Bridge closes for repairs", "Bravo."),
    );
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a", "/b"]));
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);
    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty(), "{stderr}");
    // RFC 9309: an unreachable robots.txt means "disallow everything"; the
    // articles are not fetched, and the reason says robots.txt was unreadable.
    assert_eq!((site.hits("/a"), site.hits("/b")), (0, 0));
    assert_eq!(site.hits("/robots.txt"), 1);
    let dead = dead_letters(dir.path());
    let why = reason(&dead, "/a");
    assert!(why.contains("robots.txt could not be read"), "{why}");
    assert!(why.contains("HTTP 503"), "{why}");
    assert!(status(&cfg).contains("0 delivered, 2 dead-lettered"));
}

#[test]
fn transient_failures_are_tried_again_on_later_passes_then_dead_lettered() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    // Fails on the first pass, works on the second.
    site.once("/flaky", Response::new(503, &[], b"busy"));
    site.set(
        "/flaky",
        200,
        &[],
        &article("Harbour plan approved", "Alpha."),
    );
    site.set("/down", 500, &[], b"internal error");
    site.set(
        "/feed.xml",
        200,
        &[],
        &rss(&site.base, &["/flaky", "/down"]),
    );
    let cfg = config_with(
        dir.path(),
        &site,
        &[("retries_later", "1"), ("retry_later_delay", "\"1ms\"")],
        &["/feed.xml"],
    );

    let (recs, stderr) = once(&cfg);
    assert!(recs.is_empty(), "{stderr}");
    assert!(stderr.contains("2 to retry later"), "{stderr}");
    assert!(dead_letters(dir.path()).is_empty(), "not dead yet");
    assert!(status(&cfg).contains("0 dead-lettered, 2 pending"));

    // The feed is unchanged (same body), yet the deferred articles come back.
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 1, "{stderr}");
    assert!(recs[0]["url"].as_str().unwrap().ends_with("/flaky"));
    let why = reason(&dead_letters(dir.path()), "/down");
    assert!(why.contains("gave up after 1 later attempts"), "{why}");
    assert!(
        status(&cfg).contains("1 delivered, 1 dead-lettered, 0 pending"),
        "{}",
        status(&cfg)
    );
    assert_eq!(site.hits("/down"), 2, "one request per pass");
}

/// An article whose page cannot be fetched for good, but whose feed entry
/// carries the full text, is written from the entry, saying so; an entry
/// with only a teaser still goes to the dead letter. A page without a date
/// takes the entry's.
#[test]
fn unfetchable_articles_are_written_from_their_feed_entry_content() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let feed = rss_with_content(
        &site.base,
        &[
            ("/walled", "Harbour plan approved", FULL_TEXT),
            ("/gone", "Short item", "<p>Read more on our site.</p>"),
            ("/a", "Bridge closes", ""),
        ],
    );
    site.set("/feed.xml", 200, &[], &feed);
    site.set("/walled", 403, &[], b"forbidden");
    site.set("/gone", 404, &[], b"not found");
    site.set("/a", 200, &[], &article("Bridge closes", "Bravo."));
    let cfg = config_with(dir.path(), &site, &[], &["/feed.xml"]);

    let (records, stderr) = once(&cfg);
    assert_eq!(records.len(), 2, "{stderr}");
    let walled = record(&records, "/walled");
    assert_eq!(walled["title"], "Harbour plan approved");
    assert!(
        walled["text"].as_str().unwrap().contains("eighteen months"),
        "{walled}"
    );
    let warning = walled["warnings"][0].as_str().unwrap();
    assert!(
        warning.starts_with("text from the feed entry: the page could not be fetched")
            && warning.contains("403"),
        "{warning}"
    );
    assert_eq!(walled["published"]["source"], "feed");
    let fetched = record(&records, "/a");
    assert_eq!(fetched["published"]["value"], "2024-01-16T07:30:00+00:00");
    assert_eq!(fetched["published"]["source"], "feed");
    let dead = dead_letters(dir.path());
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert!(reason(&dead, "/gone").contains("404"));
}
