//! `newswire run`: the daemon.
//!
//! ```text
//! scheduler ─due feeds─▶ pollers ─article jobs─▶ fetchers ─outcomes─▶ writer
//!     ▲                     │          (robots, limits, extract)     (sinks, state)
//!     └──── next due ───────┘
//! ```
//!
//! Every arrow is a bounded channel (`worker.queue_capacity`), so a slow
//! sink slows the fetchers, which slow the pollers, and memory stays flat.
//! There are `worker.feed_concurrency` pollers and `worker.fetch_concurrency`
//! fetchers; extraction itself is bounded by `worker.extract_threads`.
//!
//! Shutdown has two steps. When `shutdown` fires, the scheduler, pollers and
//! fetchers stop taking work; articles already being fetched finish and the
//! writer drains them, flushes every sink and marks them done. If that takes
//! longer than `worker.grace_period`, the rest is abandoned: those articles
//! are still pending in the state store and are fetched again at the next
//! start, so nothing is lost either way.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::article::{ArticleOutcome, process};
use super::poll::poll_feed;
use super::scheduler::Schedule;
use super::writer::{self, Summary, Writer};
use super::{Shared, WorkerError};
use crate::config::{Config, FeedConfig};
use crate::feeds::list::feed_list;
use crate::ops::metrics;
use crate::ops::server::{self, Health};
use crate::state::{ArticleJob, FeedStatus};

/// How often the writer saves the near-duplicate index and forgets ids past
/// the horizon.
const HOUSEKEEPING: Duration = Duration::from_secs(10 * 60);

/// Feed poll results over the daemon's life, for the final summary.
#[derive(Debug, Default)]
struct FeedTally {
    ok: AtomicU64,
    not_modified: AtomicU64,
    failed: AtomicU64,
}

/// Runs the daemon until `shutdown` fires, then drains and returns what it did.
pub async fn run(config: &Config, shutdown: CancellationToken) -> Result<Summary, WorkerError> {
    let feeds = Arc::new(feed_list(config)?);
    let shared = Shared::new(config)?;
    let health = Arc::new(Health::new(Arc::clone(&shared.store)));
    // The ops endpoint outlives the drain, so /readyz reports it.
    let stop_ops = CancellationToken::new();
    let _stop_ops_on_return = stop_ops.clone().drop_guard();
    if let Some(addr) = config.ops.listen_addr() {
        server::serve(addr, Arc::clone(&health), stop_ops.clone()).await?;
    }
    let writer = Writer::open(&shared, Some(Arc::clone(&health)))?;
    writer::restore_dedup(&shared).await?;
    writer::expire_old_ids(&shared).await?;
    let pending = shared.blocking(|s| s.pending()).await?;
    let schedule = initial_schedule(&shared, &feeds).await?;
    metrics::gauge_set(metrics::FEEDS, feeds.len() as f64);
    tracing::info!(
        feeds = feeds.len(),
        pending = pending.len(),
        "worker started"
    );

    let abandon = CancellationToken::new();
    let tally = Arc::new(FeedTally::default());
    let cap = config.worker.queue_capacity;
    let (due_tx, due_rx) = mpsc::channel::<usize>(cap);
    let (back_tx, back_rx) = mpsc::channel(feeds.len().max(1));
    let (job_tx, job_rx) = mpsc::channel::<ArticleJob>(cap);
    let (out_tx, out_rx) = mpsc::channel::<ArticleOutcome>(cap);

    let mut tasks = JoinSet::new();
    tasks.spawn(scheduler(schedule, due_tx, back_rx, shutdown.clone()));
    tasks.spawn(resume(pending, job_tx.clone(), shutdown.clone()));
    let due_rx = Arc::new(Mutex::new(due_rx));
    for _ in 0..config.worker.feed_concurrency {
        tasks.spawn(poller(Poller {
            shared: shared.clone(),
            feeds: Arc::clone(&feeds),
            due: Arc::clone(&due_rx),
            back: back_tx.clone(),
            jobs: job_tx.clone(),
            tally: Arc::clone(&tally),
            shutdown: shutdown.clone(),
        }));
    }
    drop((job_tx, back_tx));
    let job_rx = Arc::new(Mutex::new(job_rx));
    for _ in 0..config.worker.fetch_concurrency {
        tasks.spawn(fetcher(
            shared.clone(),
            Arc::clone(&job_rx),
            out_tx.clone(),
            shutdown.clone(),
            abandon.clone(),
        ));
    }
    drop(out_tx);
    tasks.spawn(grace_timer(
        config.worker.grace_period,
        Arc::clone(&health),
        shutdown.clone(),
        abandon.clone(),
    ));
    health.set_accepting(true);

    // The writer runs here: it ends when every fetcher has ended, that is
    // after shutdown and the drain (or at once on a sink failure).
    let result = write_loop(writer, out_rx, &shared).await;
    health.set_accepting(false);
    shutdown.cancel();
    abandon.cancel();
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined
            && e.is_panic()
        {
            tracing::error!("a worker task panicked: {e}");
        }
    }
    let mut summary = result?;
    summary.feeds_ok = tally.ok.load(Ordering::Relaxed);
    summary.feeds_not_modified = tally.not_modified.load(Ordering::Relaxed);
    summary.feeds_failed = tally.failed.load(Ordering::Relaxed);
    Ok(summary)
}

/// Every feed's first due time: the one saved by the last run, or now.
async fn initial_schedule(shared: &Shared, feeds: &[FeedConfig]) -> Result<Schedule, WorkerError> {
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
/// time. Ends at shutdown.
async fn scheduler(
    mut schedule: Schedule,
    due: mpsc::Sender<usize>,
    mut back: mpsc::Receiver<(usize, DateTime<Utc>)>,
    shutdown: CancellationToken,
) {
    loop {
        while let Some(i) = schedule.pop_due(Utc::now()) {
            tokio::select! {
                biased;
                () = shutdown.cancelled() => return,
                sent = due.send(i) => if sent.is_err() { return },
            }
        }
        // Sleep at most a minute: the wall clock may jump (suspend, NTP).
        let wait = schedule
            .wait(Utc::now())
            .unwrap_or(Duration::MAX)
            .min(Duration::from_secs(60));
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

/// Queues the articles an earlier run left pending.
async fn resume(jobs: Vec<ArticleJob>, out: mpsc::Sender<ArticleJob>, shutdown: CancellationToken) {
    if !jobs.is_empty() {
        tracing::info!(
            count = jobs.len(),
            "resuming articles left pending by an earlier run"
        );
    }
    for job in jobs {
        tokio::select! {
            biased;
            () = shutdown.cancelled() => return,
            sent = out.send(job) => if sent.is_err() { return },
        }
    }
}

/// What a poller task needs.
struct Poller {
    shared: Shared,
    feeds: Arc<Vec<FeedConfig>>,
    due: Arc<Mutex<mpsc::Receiver<usize>>>,
    back: mpsc::Sender<(usize, DateTime<Utc>)>,
    jobs: mpsc::Sender<ArticleJob>,
    tally: Arc<FeedTally>,
    shutdown: CancellationToken,
}

/// Polls due feeds and queues their new entries. A poll cut short by
/// shutdown loses nothing: claimed entries are pending in the store.
async fn poller(p: Poller) {
    loop {
        let next = async { p.due.lock().await.recv().await };
        let i = tokio::select! {
            biased;
            () = p.shutdown.cancelled() => return,
            i = next => match i { Some(i) => i, None => return },
        };
        let Some(feed) = p.feeds.get(i) else { continue };
        let polled = tokio::select! {
            biased;
            () = p.shutdown.cancelled() => return,
            polled = poll_feed(&p.shared, feed) => polled,
        };
        let next_due = match polled {
            Ok(result) => {
                let counter = match result.status {
                    FeedStatus::Ok => &p.tally.ok,
                    FeedStatus::NotModified => &p.tally.not_modified,
                    FeedStatus::Failed | FeedStatus::New => &p.tally.failed,
                };
                counter.fetch_add(1, Ordering::Relaxed);
                for job in result.new_jobs {
                    tokio::select! {
                        biased;
                        () = p.shutdown.cancelled() => return,
                        sent = p.jobs.send(job) => if sent.is_err() { return },
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
        if p.back.send((i, next_due)).await.is_err() {
            return;
        }
    }
}

/// Fetches and extracts queued articles. Stops taking jobs at shutdown and
/// drops the one in hand when the grace period is over.
async fn fetcher(
    shared: Shared,
    jobs: Arc<Mutex<mpsc::Receiver<ArticleJob>>>,
    out: mpsc::Sender<ArticleOutcome>,
    shutdown: CancellationToken,
    abandon: CancellationToken,
) {
    loop {
        let next = async { jobs.lock().await.recv().await };
        let job = tokio::select! {
            biased;
            () = shutdown.cancelled() => return,
            job = next => match job { Some(job) => job, None => return },
        };
        metrics::gauge_add(metrics::ARTICLES_IN_FLIGHT, 1.0);
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
async fn grace_timer(
    grace: Duration,
    health: Arc<Health>,
    shutdown: CancellationToken,
    abandon: CancellationToken,
) {
    tokio::select! {
        () = shutdown.cancelled() => {}
        () = abandon.cancelled() => return,
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
async fn write_loop(
    mut writer: Writer,
    mut outcomes: mpsc::Receiver<ArticleOutcome>,
    shared: &Shared,
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
