//! The worker's topology, shared by `newswire run` and `newswire once`.
//!
//! ```text
//! scheduler ─due feeds─▶ pollers ─article jobs─▶ fetchers ─outcomes─▶ writer
//!     ▲                     │          (robots, limits, extract)     (sinks, state)
//!     └──── next due ───────┘ (run only)
//! ```
//!
//! Between the pollers and the fetchers sits a [`JobQueue`] with a line per
//! host, so fetchers are not stuck behind one host's politeness limits.
//! Every arrow is a bounded channel (`worker.queue_capacity`), so a slow
//! sink slows the fetchers, which slow the pollers, and memory stays flat
//! however many feeds there are. There are `worker.feed_concurrency`
//! pollers and `worker.fetch_concurrency` fetchers; extraction itself is
//! bounded by `worker.extract_threads`.
//!
//! In [`Mode::Daemon`] the scheduler hands out feeds when due, forever. In
//! [`Mode::Once`] it hands out every feed once and closes its channel; each
//! stage ends when its input closes, so the pass ends when the last record
//! is written.
//!
//! Shutdown has two steps. When `shutdown` fires, the scheduler, pollers and
//! fetchers stop taking work; articles already being fetched finish and the
//! writer drains them, flushes every sink and marks them done. If that takes
//! longer than `worker.grace_period`, the rest is abandoned: those articles
//! are still pending in the state store and are fetched again at the next
//! start, so nothing is lost either way.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::once::Progress;
use super::queue::JobQueue;
use super::tasks::{self, FeedTally, Poller};
use super::writer::{self, Summary, Writer};
use super::{Shared, WorkerError};
use crate::cluster::Cluster;
use crate::config::Config;
use crate::feeds::filter::EntryFilter;
use crate::feeds::list::feed_list;
use crate::ops::metrics;
use crate::ops::server::{self, Health};
use crate::state::ArticleJob;

/// How long the worker runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Poll every feed when due until shutdown (`newswire run`).
    Daemon,
    /// Poll every feed once, finish every article, return (`newswire once`).
    Once,
}

/// Runs the daemon until `shutdown` fires, then drains and returns what it
/// did. The ops endpoint listens on `ops.listen` unless that is empty.
pub async fn run(config: &Config, shutdown: CancellationToken) -> Result<Summary, WorkerError> {
    run_mode(
        config,
        Mode::Daemon,
        shutdown,
        config.ops.listen_addr(),
        Arc::new(()),
    )
    .await
}

/// Runs the worker in `mode`; see the module docs.
pub async fn run_mode(
    config: &Config,
    mode: Mode,
    shutdown: CancellationToken,
    listen: Option<SocketAddr>,
    progress: Arc<dyn Progress>,
) -> Result<Summary, WorkerError> {
    let feeds = Arc::new(feed_list(config)?);
    let global = EntryFilter::global(
        config.filter.max_age,
        &config.filter.block,
        &config.filter.keep,
    )?;
    let filters = Arc::new(
        feeds
            .iter()
            .map(|f| global.with_rules(&f.block, &f.keep))
            .collect::<Result<Vec<_>, _>>()?,
    );
    let mut shared = Shared::new(config)?;
    // Joined before anything is scheduled, so that the first polls already
    // leave the other workers' feeds alone.
    if let Some(cluster) = &config.cluster {
        if !config
            .sinks
            .iter()
            .any(|s| matches!(s, crate::config::SinkConfig::Nats(_)))
        {
            tracing::warn!(
                "[cluster] without a nats sink: while workers join or leave, an article may be written twice (a JetStream stream drops such copies by their id)"
            );
        }
        shared.cluster = Some(Arc::new(
            Cluster::join(cluster, config.state.horizon).await?,
        ));
    }
    // The lease is renewed from here on: opening the sinks (a NATS
    // connection, a file sink finishing a crash's `.part` files) may take
    // longer than the lease itself.
    let mut tasks = JoinSet::new();
    if let Some(cluster) = &shared.cluster {
        tasks.spawn(Arc::clone(cluster).keep_alive(shutdown.clone()));
    }
    let health = Arc::new(Health::new(Arc::clone(&shared.store)));
    // The ops endpoint outlives the drain, so /readyz reports it.
    let stop_ops = CancellationToken::new();
    let _stop_ops_on_return = stop_ops.clone().drop_guard();
    let ops = match listen {
        Some(addr) => Some(server::serve(addr, Arc::clone(&health), stop_ops.clone()).await?),
        None => None,
    };
    // Articles that failed transiently come back through the retry task
    // (daemon); in `once` they wait, pending, for a later pass.
    let (retry_tx, retry_rx) = mpsc::unbounded_channel();
    let abandon = CancellationToken::new();
    let writer = Writer::open(
        &shared,
        Some(Arc::clone(&health)),
        (mode == Mode::Daemon).then_some(retry_tx),
        &abandon,
    )
    .await?;
    writer::restore_dedup(&shared).await?;
    writer::expire_old_ids(&shared).await?;
    let now = chrono::Utc::now();
    let pending = shared.blocking(|s| s.pending()).await?;
    // In a cluster, another worker may have delivered them meanwhile.
    let (pending, waiting): (Vec<_>, Vec<_>) = super::skip_delivered_elsewhere(&shared, pending)
        .await?
        .into_iter()
        .partition(|job| job.not_before.is_none_or(|t| t <= now));
    let schedule = tasks::initial_schedule(&shared, &feeds).await?;
    metrics::gauge_set(metrics::FEEDS, feeds.len() as f64);
    progress.feeds(feeds.len() as u64);
    progress.articles(pending.len() as u64);
    tracing::info!(
        feeds = feeds.len(),
        pending = pending.len(),
        waiting_for_retry = waiting.len(),
        ?mode,
        "worker started"
    );

    let tally = Arc::new(FeedTally::default());
    let cap = config.worker.queue_capacity;
    let (due_tx, due_rx) = mpsc::channel::<usize>(cap);
    let (back_tx, back_rx) = mpsc::channel(feeds.len().max(1));
    let (job_tx, job_rx) = mpsc::channel::<ArticleJob>(cap);
    let (out_tx, out_rx) = mpsc::channel(cap);

    tasks.spawn(tasks::scheduler(
        schedule,
        due_tx,
        (mode == Mode::Daemon).then_some(back_rx),
        shutdown.clone(),
    ));
    tasks.spawn(tasks::resume(pending, job_tx.clone(), shutdown.clone()));
    if mode == Mode::Daemon {
        tasks.spawn(tasks::retry_later(
            waiting,
            retry_rx,
            job_tx.clone(),
            shutdown.clone(),
        ));
    }
    let due_rx = Arc::new(Mutex::new(due_rx));
    for _ in 0..config.worker.feed_concurrency {
        tasks.spawn(tasks::poller(Poller {
            shared: shared.clone(),
            feeds: Arc::clone(&feeds),
            filters: Arc::clone(&filters),
            due: Arc::clone(&due_rx),
            back: (mode == Mode::Daemon).then(|| back_tx.clone()),
            jobs: job_tx.clone(),
            tally: Arc::clone(&tally),
            progress: Arc::clone(&progress),
            shutdown: shutdown.clone(),
        }));
    }
    drop((job_tx, back_tx));
    // Up to 16 channel-fulls wait in per-host lines, so that the fetchers
    // find work on other hosts while one host is at its politeness limit.
    let queue = JobQueue::new(cap.saturating_mul(16), config.fetch.per_host_concurrency);
    tasks.spawn(tasks::fill_queue(
        job_rx,
        Arc::clone(&queue),
        shutdown.clone(),
    ));
    for _ in 0..config.worker.fetch_concurrency {
        tasks.spawn(tasks::fetcher(
            shared.clone(),
            Arc::clone(&queue),
            out_tx.clone(),
            shutdown.clone(),
            abandon.clone(),
        ));
    }
    drop(out_tx);
    tasks.spawn(tasks::grace_timer(
        config.worker.grace_period,
        Arc::clone(&health),
        shutdown.clone(),
        abandon.clone(),
    ));
    health.set_accepting(true);

    // The writer runs here: it ends when every fetcher has ended, that is
    // after the last job (once), after shutdown and the drain, or at once on
    // a sink failure.
    let result = tasks::write_loop(writer, out_rx, &shared, progress.as_ref()).await;
    health.set_accepting(false);
    abandon.cancel();
    shutdown.cancel();
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined
            && e.is_panic()
        {
            tracing::error!("a worker task panicked: {e}");
        }
    }
    if let Some(cluster) = &shared.cluster {
        cluster.leave().await;
    }
    // The endpoint holds the state store (through `health`): let it end,
    // so that a reload (`run` on SIGHUP) can open the store again.
    stop_ops.cancel();
    if let Some(ops) = ops
        && tokio::time::timeout(std::time::Duration::from_secs(5), ops)
            .await
            .is_err()
    {
        tracing::warn!("the ops endpoint did not stop within 5 s");
    }
    let mut summary = result?;
    summary.feeds_ok = tally.ok.load(Ordering::Relaxed);
    summary.feeds_not_modified = tally.not_modified.load(Ordering::Relaxed);
    summary.feeds_failed = tally.failed.load(Ordering::Relaxed);
    Ok(summary)
}
