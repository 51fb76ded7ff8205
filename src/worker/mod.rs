//! The worker: feeds → polite fetcher → pipeline → sinks, with the state
//! store deciding what is new and recording what was delivered.
//!
//! - [`poll`]: one feed poll (conditional GET, parse, claim new entries,
//!   next due time).
//! - [`article`]: one article (robots.txt, per-host limits, retries,
//!   extraction on the blocking pool).
//! - [`queue`]: the fetchers' per-host, round-robin job queue.
//! - [`output`]: the sinks and the dead letter; durable flush, then the
//!   articles are marked done.
//! - [`writer`]: outcomes into the sinks; durable flush, then the
//!   articles are marked done.
//! - [`once`]: `newswire once`, one pass over every feed.
//! - [`options`]: a feed's selector and request headers, parsed once.
//! - [`run`](mod@run): the topology of `newswire run` (and `once`): bounded
//!   channels between the [`tasks`]; [`scheduler`] decides which feed is
//!   due.

pub mod article;
pub mod once;
pub mod options;
pub mod output;
pub mod poll;
pub mod queue;
pub mod run;
pub mod scheduler;
pub mod tasks;
pub mod writer;

use std::sync::Arc;

use crate::config::Config;
use crate::extract::Pipeline;
use crate::fetch::hosts::HostLimits;
use crate::fetch::robots::RobotsCache;
use crate::fetch::{FetchError, Fetcher};
use crate::state::Store;

pub use once::{Progress, run_once};
pub use run::run;
pub use writer::Summary;

/// Why the worker could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The state store failed.
    #[error(transparent)]
    State(#[from] crate::state::StateError),
    /// The feed list could not be read.
    #[error(transparent)]
    Opml(#[from] crate::feeds::opml::OpmlError),
    /// The HTTP client could not be built.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// A sink failed; records are not lost (they stay pending).
    #[error(transparent)]
    Sink(#[from] output::OutputError),
    /// The ops endpoint could not start.
    #[error(transparent)]
    Ops(#[from] crate::ops::server::ServerError),
    /// A filter rule could not be read (config validation reads them first).
    #[error(transparent)]
    Filter(#[from] crate::feeds::filter::RuleError),
    /// The cluster could not be joined.
    #[error(transparent)]
    Cluster(#[from] crate::cluster::ClusterError),
    /// A blocking task could not be joined (a bug or shutdown).
    #[error("internal task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

/// What every task of the worker shares.
#[derive(Debug, Clone)]
pub struct Shared {
    /// The configuration.
    pub config: Arc<Config>,
    /// The state store.
    pub store: Arc<Store>,
    /// The HTTP client.
    pub fetcher: Fetcher,
    /// Per-host limits.
    pub hosts: Arc<HostLimits>,
    /// robots.txt rules, when honoured.
    pub robots: Option<Arc<RobotsCache>>,
    /// The extraction pipeline.
    pub pipeline: Pipeline,
    /// Bounds extractions running at once to `worker.extract_threads`, so
    /// that many fetched pages queue as bytes rather than as parsed trees.
    pub extract_permits: Arc<tokio::sync::Semaphore>,
    /// This worker's share of the feeds and the shared delivered ids, when
    /// `[cluster]` is set; joined by [`run::run_mode`].
    pub cluster: Option<Arc<crate::cluster::Cluster>>,
    /// The feeds' selectors and headers by feed URL, parsed once.
    pub feed_options: Arc<std::collections::HashMap<String, options::FeedOptions>>,
}

impl Shared {
    /// Opens the state store and builds the client and pipeline.
    pub fn new(config: &Config) -> Result<Shared, WorkerError> {
        let store = Arc::new(Store::open_with_cache(
            &config.state.dir,
            config.state.cache_bytes,
        )?);
        let fetcher = Fetcher::new(&config.fetch)?;
        let robots = config.fetch.robots.then(|| {
            Arc::new(RobotsCache::new(
                &config.fetch.user_agent,
                config.fetch.robots_ttl,
            ))
        });
        Ok(Shared {
            config: Arc::new(config.clone()),
            store,
            fetcher,
            hosts: Arc::new(HostLimits::new(
                config.fetch.per_host_concurrency,
                config.fetch.per_host_interval,
            )),
            robots,
            pipeline: Pipeline::new(&config.extract),
            extract_permits: Arc::new(tokio::sync::Semaphore::new(config.worker.extract_threads())),
            cluster: None,
            feed_options: Arc::new(options::feed_options(config)),
        })
    }

    /// Runs a blocking state-store call off the async threads.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, crate::state::StateError> + Send + 'static,
    ) -> Result<T, WorkerError> {
        let store = Arc::clone(&self.store);
        Ok(tokio::task::spawn_blocking(move || f(&store)).await??)
    }
}

/// Drops the jobs another worker of the cluster already delivered (this
/// worker took their feed over, or left them pending when it stopped) and
/// marks them done here too, so that later polls skip them without asking
/// again. Without `[cluster]`, returns `jobs` as they are.
pub async fn skip_delivered_elsewhere(
    shared: &Shared,
    jobs: Vec<crate::state::ArticleJob>,
) -> Result<Vec<crate::state::ArticleJob>, WorkerError> {
    let Some(cluster) = &shared.cluster else {
        return Ok(jobs);
    };
    if jobs.is_empty() {
        return Ok(jobs);
    }
    let (fresh, delivered) = cluster.split_delivered(jobs).await;
    if !delivered.is_empty() {
        tracing::debug!(
            count = delivered.len(),
            "articles already delivered by another worker"
        );
        let done: Vec<_> = delivered
            .into_iter()
            .map(|id| (id, crate::state::Outcome::Delivered))
            .collect();
        shared
            .blocking(move |s| s.finish(&done, chrono::Utc::now()))
            .await?;
    }
    Ok(fresh)
}

/// GETs `url` under the host limits, retrying transient failures.
pub async fn polite_get(
    shared: &Shared,
    url: &url::Url,
    req: &crate::fetch::Request,
) -> Result<crate::fetch::FetchedPage, FetchError> {
    use crate::fetch::retry;
    let host = url.host_str().unwrap_or_default().to_owned();
    let mut attempt = 0;
    loop {
        let result = {
            let _permit = shared.hosts.acquire(&host).await;
            let started = std::time::Instant::now();
            let result = shared.fetcher.request(url, req).await;
            crate::ops::metrics::step("fetch", started.elapsed());
            result
        };
        if let Err(e) = &result {
            crate::ops::metrics::fetch_error(e.kind());
        }
        match result {
            Err(e) => match retry::retry_wait(&e, attempt, &shared.config.fetch) {
                Some(wait) => {
                    shared.hosts.pause(&host, wait);
                    tracing::debug!(%url, attempt, ?wait, "transient failure, retrying: {e}");
                    attempt += 1;
                }
                None => return Err(e),
            },
            other => return other,
        }
    }
}
