//! The tasks of the worker's topology (see [`super::run`](mod@super::run)): each one loops
//! over its input channel and ends when the input closes or shutdown fires.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Mutex, mpsc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::article::{ArticleOutcome, process};
use super::once::Progress;
use super::poll::poll_feed;
use super::queue::JobQueue;
use super::scheduler::Schedule;
use super::writer::{self, Summary, Writer};
use super::{Shared, WorkerError};
use crate::config::FeedConfig;
use crate::feeds::filter::EntryFilter;
use crate::ops::metrics;
use crate::ops::server::Health;
use crate::state::{ArticleJob, FeedStatus};

/// How often the writer saves the near-duplicate index and forgets ids past
/// the horizon.
const HOUSEKEEPING: Duration = Duration::from_secs(10 * 60);

/// Feed poll results over the worker's life, for the summary.
#[derive(Debug, Default)]
pub struct FeedTally {
    /// Feeds fetched and parsed.
    pub ok: AtomicU64,
    /// Feeds unchanged since the last poll.
    pub not_modified: AtomicU64,
    /// Feeds that failed.
    pub failed: AtomicU64,
}

/// Every feed's first due time: the one saved by the last run, or now.
pub async fn initial_schedule(
    shared: &Shared,
    feeds: &[FeedConfig],
) -> Result<Schedule<usize>, WorkerError> {
    let saved: std::collections::HashMap<String, Option<DateTime<Utc>>> = shared
        .blocking(|s| s.feeds())
        .await?
        .into_iter()
        .map(|f| (f.url, f.next_due))
        .collect();
    let now = Utc::now();
    let latest = now
        + chrono::Duration::from_std(shared.config.schedule.max_interval)
            .unwrap_or(chrono::Duration::days(1));
    let mut schedule = Schedule::default();
    for (i, feed) in feeds.iter().enumerate() {
        let due = saved.get(&feed.url).copied().flatten().unwrap_or(now);
        // A shorter max_interval than last time takes effect at once.
        schedule.insert(i, due.min(latest));
    }
    Ok(schedule)
}

/// Hands due feeds to the pollers and takes them back with their next due
/// time. Without a way back (`once`), it hands out every feed once and
/// ends, which closes the pollers' input. Ends at shutdown.
pub async fn scheduler(
    mut schedule: Schedule<usize>,
    due: mpsc::Sender<usize>,
    mut back: Option<mpsc::Receiver<(usize, DateTime<Utc>)>>,
    shutdown: CancellationToken,
) {
    loop {
        // In `once`, every feed is due now.
        let now = if back.is_some() {
            Utc::now()
        } else {
            DateTime::<Utc>::MAX_UTC
        };
        while let Some(i) = schedule.pop_due(now) {
            if !send(&due, i, &shutdown).await {
                return;
            }
        }
        let Some(back) = back.as_mut() else { return };
        let wait = next_look(&schedule);
        tokio::select! {
            biased;
            () = shutdown.cancelled() => return,
            returned = back.recv() => match returned {
                Some((i, next)) => schedule.insert(i, next),
                None => return,
            },
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Sends `item` down a bounded channel unless shutdown comes first.
/// False when the task should end: shutdown, or the receiver is gone.
async fn send<T>(out: &mpsc::Sender<T>, item: T, shutdown: &CancellationToken) -> bool {
    tokio::select! {
        biased;
        () = shutdown.cancelled() => false,
        sent = out.send(item) => sent.is_ok(),
    }
}

/// How long a task holding a [`Schedule`] sleeps before it looks again:
/// until the first item is due, but at most a minute, since the wall
/// clock may jump (suspend, NTP).
fn next_look<T>(schedule: &Schedule<T>) -> Duration {
    schedule
        .wait(Utc::now())
        .unwrap_or(Duration::MAX)
        .min(Duration::from_secs(60))
}

/// Queues the articles an earlier run left pending.
pub async fn resume(
    jobs: Vec<ArticleJob>,
    out: mpsc::Sender<ArticleJob>,
    shutdown: CancellationToken,
) {
    if !jobs.is_empty() {
        tracing::info!(
            count = jobs.len(),
            "resuming articles left pending by an earlier run"
        );
    }
    for job in jobs {
        if !send(&out, job, &shutdown).await {
            return;
        }
    }
}

/// Holds deferred articles (transient failures) until their not-before
/// time, then queues them again. Daemon only; ends at shutdown, when the
/// articles it holds simply stay pending in the store.
pub async fn retry_later(
    initial: Vec<ArticleJob>,
    mut incoming: mpsc::UnboundedReceiver<ArticleJob>,
    jobs: mpsc::Sender<ArticleJob>,
    shutdown: CancellationToken,
) {
    let mut waiting = Schedule::default();
    for job in initial {
        hold(&mut waiting, job);
    }
    loop {
        while let Some(job) = waiting.pop_due(Utc::now()) {
            if !send(&jobs, job, &shutdown).await {
                return;
            }
        }
        let wait = next_look(&waiting);
        tokio::select! {
            biased;
            () = shutdown.cancelled() => return,
            job = incoming.recv() => match job {
                Some(job) => hold(&mut waiting, job),
                None => return,
            },
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Puts a deferred job in line for its not-before time.
fn hold(waiting: &mut Schedule<ArticleJob>, job: ArticleJob) {
    let due = job.not_before.unwrap_or(DateTime::<Utc>::MIN_UTC);
    waiting.insert(job, due);
}

/// What a poller task needs.
pub struct Poller {
    /// Client, store, pipeline.
    pub shared: Shared,
    /// The feed list; the channels carry indexes into it.
    pub feeds: Arc<Vec<FeedConfig>>,
    /// Each feed's entry filter, by the same index.
    pub filters: Arc<Vec<EntryFilter>>,
    /// Due feeds, shared by every poller.
    pub due: Arc<Mutex<mpsc::Receiver<usize>>>,
    /// Polled feeds and their next due time (daemon only).
    pub back: Option<mpsc::Sender<(usize, DateTime<Utc>)>>,
    /// New articles for the fetchers.
    pub jobs: mpsc::Sender<ArticleJob>,
    /// Poll results.
    pub tally: Arc<FeedTally>,
    /// Progress display.
    pub progress: Arc<dyn Progress>,
    /// Stop taking feeds.
    pub shutdown: CancellationToken,
}

/// Polls due feeds and queues their new entries. A poll cut short by
/// shutdown loses nothing: claimed entries are pending in the store.
pub async fn poller(p: Poller) {
    loop {
        let next = async { p.due.lock().await.recv().await };
        let i = tokio::select! {
            biased;
            () = p.shutdown.cancelled() => return,
            i = next => match i { Some(i) => i, None => return },
        };
        let Some((feed, filter)) = p.feeds.get(i).zip(p.filters.get(i)) else {
            continue;
        };
        if let Some(cluster) = &p.shared.cluster
            && !(cluster.owns(&feed.url) && cluster.claim_poll(&feed.url).await)
        {
            // Another worker polls it; ask again later, in case that one dies.
            metrics::count(metrics::FEEDS_LEFT_TO_OTHERS);
            p.progress.feed_done();
            let again = Utc::now()
                + chrono::Duration::from_std(cluster.recheck())
                    .unwrap_or(chrono::Duration::seconds(30));
            if let Some(back) = &p.back
                && back.send((i, again)).await.is_err()
            {
                return;
            }
            continue;
        }
        let polled = tokio::select! {
            biased;
            () = p.shutdown.cancelled() => return,
            polled = poll_feed(&p.shared, feed, filter) => polled,
        };
        let next_due = match polled {
            Ok(result) => {
                let counter = match result.status {
                    FeedStatus::Ok => &p.tally.ok,
                    FeedStatus::NotModified => &p.tally.not_modified,
                    FeedStatus::Failed | FeedStatus::New => &p.tally.failed,
                };
                counter.fetch_add(1, Ordering::Relaxed);
                p.progress.articles(result.new_jobs.len() as u64);
                for job in result.new_jobs {
                    if !send(&p.jobs, job, &p.shutdown).await {
                        return;
                    }
                }
                result.next_due
            }
            Err(e) => {
                // The store failed under this poll; try the feed again later.
                tracing::error!(feed = %feed.url, "poll failed: {e}");
                p.tally.failed.fetch_add(1, Ordering::Relaxed);
                Utc::now()
                    + chrono::Duration::from_std(p.shared.config.schedule.min_interval)
                        .unwrap_or(chrono::Duration::minutes(5))
            }
        };
        p.progress.feed_done();
        if let Some(back) = &p.back
            && back.send((i, next_due)).await.is_err()
        {
            return;
        }
    }
}

/// Moves jobs from the pollers' channel into the per-host queue; closes
/// the queue when every poller has finished (or at shutdown).
pub async fn fill_queue(
    mut jobs: mpsc::Receiver<ArticleJob>,
    queue: Arc<JobQueue>,
    shutdown: CancellationToken,
) {
    loop {
        let job = tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            job = jobs.recv() => match job { Some(job) => job, None => break },
        };
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            () = queue.push(job) => {}
        }
        metrics::gauge_set(metrics::QUEUED_JOBS, queue.len() as f64);
    }
    queue.close();
}

/// Fetches and extracts queued articles. Stops taking jobs at shutdown and
/// drops the one in hand when the grace period is over.
pub async fn fetcher(
    shared: Shared,
    queue: Arc<JobQueue>,
    out: mpsc::Sender<ArticleOutcome>,
    shutdown: CancellationToken,
    abandon: CancellationToken,
) {
    loop {
        let (job, _host_slot) = tokio::select! {
            biased;
            () = shutdown.cancelled() => return,
            next = queue.next() => match next { Some(next) => next, None => return },
        };
        metrics::gauge_add(metrics::ARTICLES_IN_FLIGHT, 1.0);
        metrics::gauge_set(metrics::QUEUED_JOBS, queue.len() as f64);
        let url = job.url.clone();
        let outcome = tokio::select! {
            biased;
            () = abandon.cancelled() => return,
            outcome = process(&shared, job) => outcome,
        };
        match outcome {
            Ok(outcome) => {
                if out.send(outcome).await.is_err() {
                    return;
                }
            }
            Err(e) => {
                // Only the store or the runtime fail here; the article
                // stays pending and is retried at the next start.
                metrics::gauge_add(metrics::ARTICLES_IN_FLIGHT, -1.0);
                tracing::error!(%url, "article failed: {e}");
            }
        }
    }
}

/// After shutdown, waits out the grace period, then abandons what is left.
pub async fn grace_timer(
    grace: Duration,
    health: Arc<Health>,
    shutdown: CancellationToken,
    abandon: CancellationToken,
) {
    // The end of a pass (abandon fired with shutdown) is no shutdown.
    tokio::select! {
        biased;
        () = abandon.cancelled() => return,
        () = shutdown.cancelled() => {}
    }
    if abandon.is_cancelled() {
        return;
    }
    health.set_accepting(false);
    tracing::info!(
        ?grace,
        "shutting down: finishing articles in flight, then flushing"
    );
    tokio::select! {
        () = abandon.cancelled() => {}
        () = tokio::time::sleep(grace) => {
            tracing::warn!(
                "grace period over: abandoning articles still in flight; they stay pending and are fetched at the next start"
            );
            abandon.cancel();
        }
    }
}

/// Writes outcomes as they come, commits every `worker.flush_interval` (or
/// full batch), and keeps the dedup index and id horizon up to date.
pub async fn write_loop(
    mut writer: Writer,
    mut outcomes: mpsc::Receiver<ArticleOutcome>,
    shared: &Shared,
    progress: &dyn Progress,
) -> Result<Summary, WorkerError> {
    let flush_every = shared.config.worker.flush_interval;
    let mut flush_at: Option<Instant> = None;
    let mut housekeeping = tokio::time::interval_at(Instant::now() + HOUSEKEEPING, HOUSEKEEPING);
    loop {
        tokio::select! {
            outcome = outcomes.recv() => {
                let Some(outcome) = outcome else { break };
                writer.accept(outcome).await?;
                metrics::gauge_add(metrics::ARTICLES_IN_FLIGHT, -1.0);
                progress.article_done();
                if writer.has_uncommitted() {
                    flush_at.get_or_insert_with(|| Instant::now() + flush_every);
                } else {
                    flush_at = None;
                }
            }
            () = sleep_until(flush_at) => {
                writer.commit().await?;
                flush_at = None;
            }
            _ = housekeeping.tick() => {
                writer::save_dedup(shared).await?;
                writer::expire_old_ids(shared).await?;
            }
        }
    }
    writer.close().await
}

/// Sleeps until `at`, or forever when there is nothing to wait for.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
