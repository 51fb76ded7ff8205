//! `newswire once`: poll every feed once, write every new article, exit.
//!
//! Articles left pending by an earlier interrupted run go first, so a crash
//! loses nothing even when the feeds now answer 304. Records are flushed to
//! every sink in batches, and only then marked done in the state store:
//! running `once` twice writes no record twice.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::article::process;
use super::poll::poll_feed;
use super::writer::{self, Summary, Writer};
use super::{Shared, WorkerError};
use crate::config::Config;
use crate::feeds::list::feed_list;
use crate::ops::server::{self, Health};
use crate::state::FeedStatus;

/// Hooks for showing how far a pass is; `once` draws a progress bar with
/// them when stderr is a terminal. Every method defaults to doing nothing.
pub trait Progress: Send + Sync {
    /// The pass will poll `total` feeds.
    fn feeds(&self, _total: u64) {}
    /// One feed poll finished.
    fn feed_done(&self) {}
    /// `n` more articles are queued.
    fn articles(&self, _n: u64) {}
    /// One article was written, dead-lettered or skipped.
    fn article_done(&self) {}
}

/// No progress display.
impl Progress for () {}

/// Runs one pass over every feed. With `listen`, the ops endpoint serves
/// `/metrics` for the length of the pass.
pub async fn run_once(
    config: &Config,
    listen: Option<SocketAddr>,
    progress: &dyn Progress,
) -> Result<Summary, WorkerError> {
    let feeds = feed_list(config)?;
    let shared = Shared::new(config)?;
    let stop_ops = CancellationToken::new();
    let _stop_ops_on_return = stop_ops.clone().drop_guard();
    let health = match listen {
        None => None,
        Some(addr) => {
            let health = Arc::new(Health::new(Arc::clone(&shared.store)));
            server::serve(addr, Arc::clone(&health), stop_ops.clone()).await?;
            health.set_accepting(true);
            Some(health)
        }
    };
    let mut writer = Writer::open(&shared, health)?;
    writer::restore_dedup(&shared).await?;

    let mut jobs = shared.blocking(|s| s.pending()).await?;
    if !jobs.is_empty() {
        tracing::info!(
            count = jobs.len(),
            "resuming articles left pending by an earlier run"
        );
    }
    progress.feeds(feeds.len() as u64);
    let mut feed_counts = Summary::default();
    let mut polls = futures_util::stream::iter(feeds.iter())
        .map(|feed| poll_feed(&shared, feed))
        .buffer_unordered(config.worker.feed_concurrency);
    while let Some(result) = polls.next().await {
        let result = result?;
        match result.status {
            FeedStatus::Ok => feed_counts.feeds_ok += 1,
            FeedStatus::NotModified => feed_counts.feeds_not_modified += 1,
            FeedStatus::Failed | FeedStatus::New => feed_counts.feeds_failed += 1,
        }
        jobs.extend(result.new_jobs);
        progress.feed_done();
    }
    drop(polls);
    let mut seen = HashSet::new();
    jobs.retain(|j| seen.insert(j.id.clone()));
    progress.articles(jobs.len() as u64);

    let mut outcomes = futures_util::stream::iter(jobs)
        .map(|job| {
            let shared = shared.clone();
            async move { process(&shared, job).await }
        })
        .buffer_unordered(config.worker.fetch_concurrency);
    while let Some(outcome) = outcomes.next().await {
        writer.accept(outcome?).await?;
        progress.article_done();
    }
    let mut summary = writer.close().await?;
    writer::expire_old_ids(&shared).await?;
    summary.feeds_ok = feed_counts.feeds_ok;
    summary.feeds_not_modified = feed_counts.feeds_not_modified;
    summary.feeds_failed = feed_counts.feeds_failed;
    Ok(summary)
}
