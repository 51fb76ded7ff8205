//! `newswire once`: poll every feed once, write every new article, exit.
//!
//! Articles left pending by an earlier interrupted run go first, so a crash
//! loses nothing even when the feeds now answer 304. Records are flushed to
//! every sink in batches, and only then marked done in the state store:
//! running `once` twice writes no record twice.

use std::collections::HashSet;

use chrono::Utc;
use futures_util::StreamExt;
use serde::Serialize;

use super::article::{ArticleOutcome, process};
use super::output::Output;
use super::poll::poll_feed;
use super::{Shared, WorkerError};
use crate::config::Config;
use crate::extract::stages::dedup::DedupEntry;
use crate::feeds::list::feed_list;
use crate::state::{FeedStatus, Outcome};

/// State-store key of the near-duplicate index snapshot.
const DEDUP_KEY: &str = "dedup_index";

/// What one pass did, printed by `once`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Feeds fetched and parsed.
    pub feeds_ok: u64,
    /// Feeds that answered 304 or sent the same body.
    pub feeds_not_modified: u64,
    /// Feeds that failed.
    pub feeds_failed: u64,
    /// Records written to every sink.
    pub articles_written: u64,
    /// Articles that went to the dead letter.
    pub articles_failed: u64,
    /// Links whose canonical article was already delivered.
    pub articles_duplicate: u64,
}

/// Runs one pass over every feed.
pub async fn run_once(config: &Config) -> Result<Summary, WorkerError> {
    let feeds = feed_list(config)?;
    let shared = Shared::new(config)?;
    let mut output = Output::open(config)?;
    let mut summary = Summary::default();

    // The near-duplicate index outlives the run: earlier runs' articles count.
    let remembered = shared
        .blocking(|s| s.meta::<Vec<DedupEntry>>(DEDUP_KEY))
        .await?;
    if let Some(entries) = remembered {
        shared.pipeline.restore_dedup(entries);
    }

    let mut jobs = shared.blocking(|s| s.pending()).await?;
    if !jobs.is_empty() {
        tracing::info!(
            count = jobs.len(),
            "resuming articles left pending by an earlier run"
        );
    }
    let polls = futures_util::stream::iter(feeds.iter())
        .map(|feed| poll_feed(&shared, feed))
        .buffer_unordered(config.worker.feed_concurrency);
    let results: Vec<_> = polls.collect().await;
    for result in results {
        let result = result?;
        match result.status {
            FeedStatus::Ok => summary.feeds_ok += 1,
            FeedStatus::NotModified => summary.feeds_not_modified += 1,
            FeedStatus::Failed | FeedStatus::New => summary.feeds_failed += 1,
        }
        jobs.extend(result.new_jobs);
    }
    let mut seen = HashSet::new();
    jobs.retain(|j| seen.insert(j.id.clone()));

    let mut outcomes = futures_util::stream::iter(jobs)
        .map(|job| {
            let shared = shared.clone();
            async move { process(&shared, job).await }
        })
        .buffer_unordered(config.worker.fetch_concurrency);
    let mut done: Vec<(String, Outcome)> = Vec::new();
    let mut unflushed = 0usize;
    while let Some(outcome) = outcomes.next().await {
        match outcome? {
            ArticleOutcome::Record { record, ids } => {
                output.write(&record)?;
                summary.articles_written += 1;
                unflushed += 1;
                done.extend(ids.into_iter().map(|id| (id, Outcome::Delivered)));
            }
            ArticleOutcome::Duplicate { job } => {
                summary.articles_duplicate += 1;
                done.push((job.id, Outcome::Delivered));
            }
            ArticleOutcome::Dead { job, reason } => {
                output.dead_letter(&job, &reason)?;
                summary.articles_failed += 1;
                done.push((job.id, Outcome::DeadLettered));
            }
        }
        if unflushed >= config.worker.batch_size {
            commit(&shared, &mut output, &mut done).await?;
            unflushed = 0;
        }
    }
    output.close()?;
    commit(&shared, &mut output, &mut done).await?;
    let entries = shared.pipeline.dedup_entries();
    shared
        .blocking(move |s| s.put_meta(DEDUP_KEY, &entries))
        .await?;
    let cutoff = Utc::now()
        - chrono::Duration::from_std(config.state.horizon).unwrap_or(chrono::Duration::days(90));
    let expired = shared.blocking(move |s| s.expire(cutoff)).await?;
    if expired > 0 {
        tracing::info!(expired, "forgot article ids past state.horizon");
    }
    Ok(summary)
}

/// Flushes every sink durably, then marks the flushed articles done.
async fn commit(
    shared: &Shared,
    output: &mut Output,
    done: &mut Vec<(String, Outcome)>,
) -> Result<(), WorkerError> {
    output.flush()?;
    let batch = std::mem::take(done);
    shared.blocking(move |s| s.finish(&batch, Utc::now())).await
}
