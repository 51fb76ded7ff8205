//! The last step of `run` and `once`: records into the sinks, failures into
//! the dead letter, and — only after a durable flush — the articles marked
//! done in the state store.
//!
//! Keeping this in one place is what makes the delivery guarantee hold for
//! both commands: an id is marked done strictly after every sink has fsync'd
//! the record, so a crash repeats at most the records of the batch in flight.

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use serde::Serialize;

use super::article::ArticleOutcome;
use super::output::{Output, OutputError};
use super::{Shared, WorkerError};
use crate::extract::stages::dedup::DedupEntry;
use crate::ops::metrics;
use crate::ops::server::Health;
use crate::state::{ArticleJob, Outcome};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// State-store key of the near-duplicate index snapshot.
const DEDUP_KEY: &str = "dedup_index";

/// What a pass (or a daemon's lifetime) did; `once` prints it.
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
    /// Articles that failed transiently and stay pending for a later try.
    pub articles_deferred: u64,
}

/// Buffers outcomes into the sinks and commits them in batches.
#[derive(Debug)]
pub struct Writer {
    shared: Shared,
    output: Output,
    done: Vec<(String, Outcome)>,
    unflushed: usize,
    health: Option<Arc<Health>>,
    /// Where deferred articles go to be tried again (the daemon's retry
    /// task); without it they wait for the next start.
    retry: Option<mpsc::UnboundedSender<ArticleJob>>,
    /// Article counts so far (the feed counts are the caller's).
    pub summary: Summary,
}

impl Writer {
    /// Opens every sink (finishing files a crash left behind); `abandon`
    /// ends a sink's retries when the drain is given up.
    pub async fn open(
        shared: &Shared,
        health: Option<Arc<Health>>,
        retry: Option<mpsc::UnboundedSender<ArticleJob>>,
        abandon: &CancellationToken,
    ) -> Result<Writer, WorkerError> {
        Ok(Writer {
            shared: shared.clone(),
            output: Output::open(&shared.config, abandon).await?,
            done: Vec::new(),
            unflushed: 0,
            health,
            retry,
            summary: Summary::default(),
        })
    }

    /// Takes one outcome; commits when a batch is full.
    pub async fn accept(&mut self, outcome: ArticleOutcome) -> Result<(), WorkerError> {
        match outcome {
            ArticleOutcome::Record {
                record,
                ids,
                job,
                page,
            } => match self.output.write(&record).await {
                Ok(()) => {
                    if let Some(page) = page {
                        self.output.archive(&page)?;
                    }
                    self.unflushed += 1;
                    self.done
                        .extend(ids.into_iter().map(|id| (id, Outcome::Delivered)));
                }
                // It would fail the same way on every attempt: a dead
                // letter, not a failed run (and a crash loop on restart).
                Err(e @ OutputError::TooLarge { .. }) => {
                    self.dead_letter(&job, &e.to_string(), ids)?;
                }
                Err(e) => return Err(e.into()),
            },
            ArticleOutcome::Duplicate { job } => {
                self.summary.articles_duplicate += 1;
                metrics::count(metrics::ARTICLES_DUPLICATE);
                self.done.push((job.id, Outcome::Delivered));
            }
            ArticleOutcome::Retry { job, reason } => {
                tracing::info!(url = %job.url, attempts = job.attempts, not_before = ?job.not_before, "article deferred: {reason}");
                let saved = job.clone();
                self.shared.blocking(move |s| s.defer(&saved)).await?;
                self.summary.articles_deferred += 1;
                metrics::count(metrics::ARTICLES_DEFERRED);
                if let Some(retry) = &self.retry {
                    // The retry task only ends at shutdown; then the job
                    // simply stays pending.
                    let _ = retry.send(job);
                }
            }
            ArticleOutcome::Dead { job, reason } => {
                let id = job.id.clone();
                self.dead_letter(&job, &reason, [id])?;
            }
        }
        if self.unflushed >= self.shared.config.worker.batch_size {
            self.commit().await?;
        }
        Ok(())
    }

    /// Writes `job` to the dead letter; `ids` are done once committed.
    fn dead_letter(
        &mut self,
        job: &ArticleJob,
        reason: &str,
        ids: impl IntoIterator<Item = String>,
    ) -> Result<(), WorkerError> {
        self.output.dead_letter(job, reason)?;
        self.summary.articles_failed += 1;
        metrics::count(metrics::ARTICLES_DEAD);
        self.done
            .extend(ids.into_iter().map(|id| (id, Outcome::DeadLettered)));
        Ok(())
    }

    /// Whether something awaits [`Writer::commit`].
    pub fn has_uncommitted(&self) -> bool {
        !self.done.is_empty() || self.unflushed > 0
    }

    /// Flushes every sink durably, then marks the flushed articles done.
    pub async fn commit(&mut self) -> Result<(), WorkerError> {
        if !self.has_uncommitted() {
            return Ok(());
        }
        let started = Instant::now();
        let flushed = self.output.flush().await;
        if let Some(health) = &self.health {
            health.set_sinks_ok(flushed.is_ok());
        }
        flushed?;
        metrics::step("flush", started.elapsed());
        let written = std::mem::take(&mut self.unflushed) as u64;
        self.summary.articles_written += written;
        metrics::counter_add(metrics::ARTICLES_WRITTEN, written);
        let batch = std::mem::take(&mut self.done);
        let ids: Vec<String> = match &self.shared.cluster {
            Some(_) => batch.iter().map(|(id, _)| id.clone()).collect(),
            None => Vec::new(),
        };
        self.shared
            .blocking(move |s| s.finish(&batch, Utc::now()))
            .await?;
        if let Some(cluster) = &self.shared.cluster {
            cluster.mark_done(&ids).await;
        }
        Ok(())
    }

    /// Commits, completes every sink and saves the near-duplicate index.
    pub async fn close(mut self) -> Result<Summary, WorkerError> {
        self.commit().await?;
        self.output.close().await?;
        save_dedup(&self.shared).await?;
        Ok(self.summary)
    }
}

/// Restores the near-duplicate index saved by an earlier run, so that
/// `duplicate_of` can point at articles delivered before a restart.
pub async fn restore_dedup(shared: &Shared) -> Result<(), WorkerError> {
    let remembered = shared
        .blocking(|s| s.meta::<Vec<DedupEntry>>(DEDUP_KEY))
        .await?;
    if let Some(entries) = remembered {
        shared.pipeline.restore_dedup(entries);
    }
    Ok(())
}

/// Saves the near-duplicate index in the state store.
pub async fn save_dedup(shared: &Shared) -> Result<(), WorkerError> {
    let entries = shared.pipeline.dedup_entries();
    shared
        .blocking(move |s| s.put_meta(DEDUP_KEY, &entries))
        .await
}

/// Forgets article ids last seen longer than `state.horizon` ago.
pub async fn expire_old_ids(shared: &Shared) -> Result<(), WorkerError> {
    let horizon = chrono::Duration::from_std(shared.config.state.horizon)
        .unwrap_or(chrono::Duration::days(90));
    let cutoff = Utc::now() - horizon;
    let expired = shared.blocking(move |s| s.expire(cutoff)).await?;
    if expired > 0 {
        tracing::info!(expired, "forgot article ids past state.horizon");
    }
    Ok(())
}
