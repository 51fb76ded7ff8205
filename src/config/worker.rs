//! `[worker]`: concurrency and shutdown of `run` and `once`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Worker settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkerConfig {
    /// Feeds polled at the same time.
    pub feed_concurrency: usize,
    /// Article pages fetched at the same time (over all hosts).
    pub fetch_concurrency: usize,
    /// Threads extracting articles; 0 = one per CPU core.
    pub extract_threads: usize,
    /// Capacity of each queue between stages: the backpressure bound.
    pub queue_capacity: usize,
    /// Records written before the sinks are flushed durably and the
    /// articles marked delivered (also flushed every `flush_interval`).
    pub batch_size: usize,
    /// Longest time a written record waits for its durable flush.
    #[serde(with = "humantime_serde")]
    pub flush_interval: Duration,
    /// On SIGINT/SIGTERM, time allowed for in-flight articles to finish;
    /// what is still running then is abandoned and fetched again next start.
    #[serde(with = "humantime_serde")]
    pub grace_period: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            feed_concurrency: 8,
            fetch_concurrency: 32,
            extract_threads: 0,
            queue_capacity: 256,
            batch_size: 256,
            flush_interval: Duration::from_secs(1),
            grace_period: Duration::from_secs(30),
        }
    }
}

impl WorkerConfig {
    /// Adds every problem with these settings to `problems`.
    pub(crate) fn validate(&self, problems: &mut Vec<String>) {
        for (key, v) in [
            ("feed_concurrency", self.feed_concurrency),
            ("fetch_concurrency", self.fetch_concurrency),
            ("queue_capacity", self.queue_capacity),
            ("batch_size", self.batch_size),
        ] {
            if v == 0 {
                problems.push(format!("worker.{key} must be greater than 0"));
            }
        }
        if self.flush_interval.is_zero() {
            problems.push("worker.flush_interval must be greater than 0".to_owned());
        }
    }

    /// Extraction threads, with 0 resolved to the number of cores.
    pub fn extract_threads(&self) -> usize {
        match self.extract_threads {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        }
    }
}
