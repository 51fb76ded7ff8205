//! End to end: `newswire once` against a simulated news site on 127.0.0.1.

mod support;

use serde_json::Value;
use support::{Site, article, config, newswire, once, rss, status};

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
    let text = status(&cfg);
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

/// A sink that cannot write (stdout on a full disk) fails the run with a
/// clear error and marks nothing as delivered: the next run writes every
/// article that the failed one could not.
#[test]
#[cfg(target_os = "linux")]
fn full_disk_fails_the_run_and_loses_nothing() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set(
        "/b",
        200,
        &[],
        &article("Bridge closes for repairs", "Bravo."),
    );
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a", "/b"]));
    let cfg = config(dir.path(), &site);

    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full exists on Linux");
    let out = newswire(&cfg).arg("once").stdout(full).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");

    let (recs, stderr) = once(&cfg);
    let mut urls: Vec<&str> = recs.iter().map(|r| r["url"].as_str().unwrap()).collect();
    urls.sort_unstable();
    assert_eq!(urls.len(), 2, "{stderr}");
    assert!(
        urls[0].ends_with("/a") && urls[1].ends_with("/b"),
        "{urls:?}"
    );
}
