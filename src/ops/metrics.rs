//! Prometheus metrics: what the worker counts and how long each step takes.
//!
//! Counters and histograms are recorded through the `metrics` facade
//! wherever the work happens; without an installed recorder they cost next to
//! nothing, so `extract` and the tests never pay for them. [`install`] sets
//! up the Prometheus recorder once per process for `run` (and `once
//! --listen`), and the ops server renders it on `/metrics`.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};

/// Feeds polled, by result (`ok`, `not_modified`, `failed`).
pub const FEEDS_POLLED: &str = "newswire_feeds_polled_total";
/// Article pages fetched successfully.
pub const ARTICLES_FETCHED: &str = "newswire_articles_fetched_total";
/// Article pages that went through the extraction pipeline.
pub const ARTICLES_EXTRACTED: &str = "newswire_articles_extracted_total";
/// Records durably written to every sink.
pub const ARTICLES_WRITTEN: &str = "newswire_articles_written_total";
/// Articles that went to the dead letter.
pub const ARTICLES_DEAD: &str = "newswire_articles_dead_lettered_total";
/// Links skipped because their canonical article was already delivered.
pub const ARTICLES_DUPLICATE: &str = "newswire_articles_duplicate_total";
/// Failed HTTP requests (each attempt), by kind (`timeout`, `http_5xx`, …).
pub const FETCH_ERRORS: &str = "newswire_fetch_errors_total";
/// Article jobs waiting in the per-host queue for a fetcher.
pub const QUEUED_JOBS: &str = "newswire_queued_jobs";
/// Articles that failed transiently and were deferred to a later try.
pub const ARTICLES_DEFERRED: &str = "newswire_articles_deferred_total";
/// Seconds per worker step (`poll`, `fetch`, `extract`, `flush`).
pub const STEP_SECONDS: &str = "newswire_step_seconds";
/// Seconds per extraction stage (`clean`, `content`, `metadata`, …).
pub const STAGE_SECONDS: &str = "newswire_extract_stage_seconds";
/// Feeds the scheduler knows.
pub const FEEDS: &str = "newswire_feeds";
/// Articles claimed but not yet written or dead-lettered.
pub const ARTICLES_IN_FLIGHT: &str = "newswire_articles_in_flight";
/// Articles whose page could not be fetched, written from their feed
/// entry's content instead.
pub const ARTICLES_FROM_FEED: &str = "newswire_articles_from_feed_content_total";
/// Feed entries the filter turned away, by reason.
pub const ENTRIES_FILTERED: &str = "newswire_entries_filtered_total";
/// Live workers of the cluster, as this worker last read them.
pub const CLUSTER_MEMBERS: &str = "newswire_cluster_members";
/// Due feeds this worker left to another member of the cluster.
pub const FEEDS_LEFT_TO_OTHERS: &str = "newswire_feeds_left_to_others_total";
/// Pages written to the page archive (`[archive]`).
pub const ARCHIVED_PAGES: &str = "newswire_archived_pages_total";
/// Bytes (compressed) written to the page archive.
pub const ARCHIVED_BYTES: &str = "newswire_archived_bytes_total";

/// Requests of the HTTP sinks, by result (`ok`, `failed` and sent again
/// or given up, `refused`).
pub const HTTP_SINK_REQUESTS: &str = "newswire_http_sink_requests_total";

/// Histogram buckets, in seconds: 100 µs (an extraction stage) to 2 min (a
/// slow fetch with retries).
const BUCKETS: &[f64] = &[
    0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide Prometheus recorder (idempotent) and returns
/// the handle that renders it.
pub fn install() -> Result<PrometheusHandle, BuildError> {
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), BUCKETS)?
        .install_recorder()?;
    describe();
    Ok(HANDLE.get_or_init(|| handle).clone())
}

/// Help texts shown on `/metrics`.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(FEEDS_POLLED, "Feeds polled, by result.");
    describe_counter!(ARTICLES_FETCHED, "Article pages fetched.");
    describe_counter!(ARTICLES_EXTRACTED, "Article pages extracted.");
    describe_counter!(ARTICLES_WRITTEN, "Records durably written to every sink.");
    describe_counter!(ARTICLES_DEAD, "Articles sent to the dead letter.");
    describe_counter!(
        ARTICLES_DUPLICATE,
        "Links whose canonical article was already delivered."
    );
    describe_counter!(
        ARTICLES_DEFERRED,
        "Articles deferred to a later try after a transient failure."
    );
    describe_counter!(
        FETCH_ERRORS,
        "Failed HTTP requests (each attempt), by kind."
    );
    describe_gauge!(QUEUED_JOBS, "Article jobs waiting for a fetcher.");
    describe_histogram!(
        STEP_SECONDS,
        metrics::Unit::Seconds,
        "Time per worker step."
    );
    describe_histogram!(
        STAGE_SECONDS,
        metrics::Unit::Seconds,
        "Time per extraction stage."
    );
    describe_gauge!(FEEDS, "Feeds the scheduler knows.");
    describe_gauge!(ARTICLES_IN_FLIGHT, "Articles claimed and not yet done.");
    describe_gauge!(
        CLUSTER_MEMBERS,
        "Live workers of the cluster, as last read."
    );
    describe_counter!(
        FEEDS_LEFT_TO_OTHERS,
        "Due feeds left to another worker of the cluster."
    );
    describe_counter!(ARCHIVED_PAGES, "Pages written to the page archive.");
    describe_counter!(ARCHIVED_BYTES, "Bytes (gzip) written to the page archive.");
    describe_counter!(HTTP_SINK_REQUESTS, "Requests of the HTTP sinks, by result.");
}

/// Counts a feed entry the filter turned away (`reason`: `too_old`,
/// `blocked`, `not_kept`).
pub fn entry_filtered(reason: &'static str) {
    metrics::counter!(ENTRIES_FILTERED, "reason" => reason).increment(1);
}

/// Counts one request of an HTTP sink (`result`: `ok`, `failed`,
/// `refused`).
pub fn http_sink_request(result: &'static str) {
    metrics::counter!(HTTP_SINK_REQUESTS, "result" => result).increment(1);
}

/// Records how long one worker step took.
pub fn step(step: &'static str, took: Duration) {
    metrics::histogram!(STEP_SECONDS, "step" => step).record(took.as_secs_f64());
}

/// Counts a feed poll by its result.
pub fn feed_polled(result: &'static str) {
    metrics::counter!(FEEDS_POLLED, "result" => result).increment(1);
}

/// Counts a failed HTTP request by its kind.
pub fn fetch_error(kind: &'static str) {
    metrics::counter!(FETCH_ERRORS, "kind" => kind).increment(1);
}

/// Adds one to a plain counter.
pub fn count(name: &'static str) {
    counter_add(name, 1);
}

/// Adds `n` to a plain counter.
pub fn counter_add(name: &'static str, n: u64) {
    if n > 0 {
        metrics::counter!(name).increment(n);
    }
}

/// Sets a gauge.
pub fn gauge_set(name: &'static str, value: f64) {
    metrics::gauge!(name).set(value);
}

/// Moves a gauge by `delta`.
pub fn gauge_add(name: &'static str, delta: f64) {
    metrics::gauge!(name).increment(delta);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installed_recorder_renders_counters_and_buckets() {
        let handle = install().unwrap();
        // A second install is harmless.
        assert!(install().is_ok());
        feed_polled("ok");
        count(ARTICLES_WRITTEN);
        step("fetch", Duration::from_millis(3));
        let text = handle.render();
        assert!(
            text.contains("newswire_feeds_polled_total{result=\"ok\"}"),
            "{text}"
        );
        assert!(text.contains("newswire_articles_written_total"), "{text}");
        assert!(
            text.contains("newswire_step_seconds_bucket{step=\"fetch\",le=\"0.005\"}"),
            "{text}"
        );
    }
}
