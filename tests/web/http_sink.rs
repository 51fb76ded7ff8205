//! The HTTP sink against a loopback endpoint: what each request carries,
//! transient failures sent again, refusals that stop the run without
//! losing a record, and records too large for a request.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{Response, Site, article, config_with, dead_letters, newswire, rss};

/// Three articles at `/a`, `/b`, `/c`, listed by `/feed.xml`.
fn three_articles(site: &Site) {
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a", "/b", "/c"]));
    for (path, title) in [("/a", "Alpha"), ("/b", "Bravo"), ("/c", "Charlie")] {
        site.set(path, 200, &[], &article(title, title));
    }
}

/// A test config whose only sink is an HTTP sink with the `keys` given
/// (TOML lines) posting to `/ingest` on `site`.
fn http_config(dir: &Path, site: &Site, keys: &[&str]) -> PathBuf {
    let cfg = config_with(dir, site, &[], &["/feed.xml"]);
    let text = std::fs::read_to_string(&cfg).unwrap();
    let sink = format!(
        "[[sinks]]\ntype = \"http\"\nurl = \"{}\"\n{}\n",
        site.url("/ingest"),
        keys.join("\n")
    );
    std::fs::write(&cfg, text.replace("[[sinks]]\ntype = \"stdout\"\n", &sink)).unwrap();
    cfg
}

/// The ids of the records in NDJSON request bodies.
fn ids(bodies: &[Vec<u8>]) -> Vec<String> {
    let mut ids: Vec<String> = bodies
        .iter()
        .flat_map(|b| {
            String::from_utf8(b.clone())
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .map(|line| {
            let record: Value = serde_json::from_str(&line).unwrap();
            record["id"].as_str().unwrap().to_owned()
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn records_are_posted_as_ndjson_and_a_failed_request_is_sent_again() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    three_articles(&site);
    site.set("/ingest", 200, &[], b"");
    site.once(
        "/ingest",
        Response::new(503, &[("Retry-After", "0")], b"busy"),
    );
    let cfg = http_config(
        dir.path(),
        &site,
        &["headers = { Authorization = \"Bearer s3cret\" }"],
    );

    let out = newswire(&cfg).arg("once").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(out.stdout.is_empty(), "records go to the endpoint only");
    assert!(stderr.contains("503"), "the retry is logged: {stderr}");

    let requests = site.requests("/ingest");
    let bodies = site.bodies("/ingest");
    assert!(requests.len() >= 2, "{requests:?}");
    for request in &requests {
        assert_eq!(request[":method"], "POST");
        assert_eq!(request["content-type"], "application/x-ndjson");
        assert_eq!(request["authorization"], "Bearer s3cret");
        assert!(request["user-agent"].starts_with("newswire/"));
        // A length, not chunks: some endpoints take no chunked bodies.
        assert!(request.contains_key("content-length"), "{request:?}");
        assert!(!request.contains_key("transfer-encoding"), "{request:?}");
    }
    // The refused body is sent again as it was.
    assert_eq!(bodies[0], bodies[1]);
    let delivered = ids(&bodies[1..]);
    assert_eq!(delivered.len(), 3, "each record once: {delivered:?}");
    delivered.windows(2).for_each(|w| assert_ne!(w[0], w[1]));

    // Delivered means done: a second pass sends nothing.
    let out = newswire(&cfg).arg("once").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(site.hits("/ingest"), requests.len());
}

#[test]
fn a_refusing_endpoint_stops_the_run_and_the_next_run_delivers_every_record() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    three_articles(&site);
    site.set("/ingest", 401, &[], b"{\"error\": \"bad token\"}");
    let cfg = http_config(dir.path(), &site, &[]);

    let out = newswire(&cfg).arg("once").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains(&site.url("/ingest")), "{stderr}");
    assert!(stderr.contains("401"), "{stderr}");
    assert!(stderr.contains("credentials"), "{stderr}");
    assert!(stderr.contains("bad token"), "{stderr}");
    assert_eq!(site.hits("/ingest"), 1, "a refusal is not sent again");

    site.set("/ingest", 204, &[], b"");
    let out = newswire(&cfg).arg("once").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bodies = site.bodies("/ingest");
    assert_eq!(ids(&bodies[1..]).len(), 3, "nothing was lost");
}

#[test]
fn an_endpoint_down_past_retry_for_fails_the_run_and_loses_nothing() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    three_articles(&site);
    site.set("/ingest", 502, &[], b"bad gateway");
    let cfg = http_config(dir.path(), &site, &["retry_for = \"1s\""]);

    let out = newswire(&cfg).arg("once").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("retry_for"), "{stderr}");
    assert!(stderr.contains("502"), "{stderr}");
    let tried = site.hits("/ingest");
    assert!(tried >= 2, "transient failures are sent again: {tried}");

    site.set("/ingest", 200, &[], b"");
    let out = newswire(&cfg).arg("once").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(ids(&site.bodies("/ingest")[tried..]).len(), 3);
}

#[test]
fn gzip_json_arrays_and_records_too_large_for_a_request() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    three_articles(&site);
    site.set("/ingest", 200, &[], b"");
    let cfg = http_config(
        dir.path(),
        &site,
        &["encoding = \"json\"", "compression = \"gzip\""],
    );
    let out = newswire(&cfg).arg("once").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let request = &site.requests("/ingest")[0];
    assert_eq!(request["content-type"], "application/json");
    assert_eq!(request["content-encoding"], "gzip");
    let mut json = String::new();
    flate2::read::GzDecoder::new(&site.bodies("/ingest")[0][..])
        .read_to_string(&mut json)
        .unwrap();
    let records: Vec<Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(records.len(), 3);

    // Every record is over 1 KiB: each goes to the dead letter, none is
    // sent, and the run goes on.
    let small = tempfile::tempdir().unwrap();
    let site = Site::start();
    three_articles(&site);
    let cfg = http_config(small.path(), &site, &["max_request_bytes = 1024"]);
    let out = newswire(&cfg).arg("once").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(site.hits("/ingest"), 0);
    let dead = dead_letters(small.path());
    assert_eq!(dead.len(), 3);
    assert!(
        dead[0]["reason"]
            .as_str()
            .unwrap()
            .contains("max_request_bytes"),
        "{dead:?}"
    );
}
