//! The simulated news web: `newswire once` against a loopback site that
//! misbehaves the way publishers do. Every test asserts both what was written
//! (records, dead letters) and what the worker remembers afterwards
//! (`newswire status`, request counts on the site).
//!
//! - [`feeds`]: conditional GET, body hash, GUID/title changes, duplicates
//!   across feeds, Atom and JSON Feed, feed-level failures and Retry-After.
//! - [`http`]: redirects, statuses, retries and connection resets.
//! - [`bodies`]: slow, huge, compressed and non-UTF-8 bodies.
//! - [`discover`]: `feeds discover` and `feeds import`.
//! - [`proxy`]: fetching through a forward proxy, configured or from the environment.
//! - [`sitemaps`]: news sitemaps, compressed sitemaps and sitemap indexes as feeds.
//! - [`http_sink`]: records posted to an HTTP endpoint, retries and refusals.
//! - [`records`]: records from feed content, by a content selector, and again from the page archive.

#[path = "../support/mod.rs"]
mod support;

mod bodies;
mod discover;
mod feeds;
mod http;
mod http_sink;
mod proxy;
mod records;
mod sitemaps;

use serde_json::Value;

/// The record whose `url` ends with `path`.
fn record<'a>(records: &'a [Value], path: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r["url"].as_str().is_some_and(|u| u.ends_with(path)))
        .unwrap_or_else(|| panic!("no record for {path} in {records:#?}"))
}

/// The dead-letter reason of the article whose URL ends with `path`.
fn reason(dead: &[Value], path: &str) -> String {
    dead.iter()
        .find(|d| d["url"].as_str().is_some_and(|u| u.ends_with(path)))
        .and_then(|d| d["reason"].as_str())
        .unwrap_or_else(|| panic!("no dead letter for {path} in {dead:#?}"))
        .to_owned()
}
