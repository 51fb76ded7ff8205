//! Several workers sharing one feed list through NATS JetStream
//! (`[cluster]`), so that each feed is polled by one worker and a dead
//! worker's feeds are taken over.
//!
//! Three key-value buckets, nothing home-made beside them:
//!
//! - **Leases** (`workers_bucket`): each worker keeps a key named after it,
//!   renewed every third of `lease`; the bucket's `max_age` is the lease, so
//!   the key of a worker that died vanishes on its own. The live workers are
//!   the bucket's keys, and [`assign::owner`] (rendezvous hashing) gives each
//!   feed to one of them; every worker computes the same split from the same
//!   list. A worker that cannot renew its lease for a whole lease polls
//!   nothing, since the others have taken its feeds by then.
//! - **Poll claims** (`polls_bucket`): before polling a feed, its owner
//!   claims it there for a lease. While the members change, two workers may
//!   briefly both take themselves for a feed's owner; only one gets the
//!   claim, and by the time it lapses both have renewed their view.
//! - **Delivered ids** (`seen_bucket`): the id of every article a worker
//!   delivered or dead-lettered, kept for `state.horizon`. A worker that
//!   takes a feed over has no local memory of its entries; it asks this
//!   bucket before fetching one, so a takeover does not deliver the feed's
//!   old articles again.
//!
//! What is left to chance: a worker that takes a feed over fetches the
//! entries the previous owner claimed but has not delivered yet (still in
//! its queue, or lost with it when it died). Such an article carries the
//! same id both times, and the JetStream sink's `Nats-Msg-Id` lets the
//! stream drop the second copy within its duplicate window.

pub mod assign;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_nats::jetstream::{self, kv};
use futures_util::{StreamExt, future::join_all};
use sha2::{Digest, Sha256};
use tokio::time::Instant;
use tokio_util::bytes::Bytes;
use tokio_util::sync::CancellationToken;

use crate::config::ClusterConfig;
use crate::ops::metrics;
use crate::sinks::nats::{ClientError, connect_client};
use crate::state::ArticleJob;

/// Why this worker could not join the cluster.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The NATS server could not be reached.
    #[error("cluster {url}: {source}")]
    Connect {
        /// The server.
        url: String,
        /// What failed.
        #[source]
        source: ClientError,
    },
    /// A bucket could not be opened or created.
    #[error("cluster {url}: key-value bucket {bucket}: {message}")]
    Bucket {
        /// The server.
        url: String,
        /// The bucket.
        bucket: String,
        /// What went wrong.
        message: String,
    },
    /// Another live worker holds this worker's id.
    #[error(
        "cluster {url}: worker id `{id}` is held by another live worker (its lease was renewed for {waited:?}); give each worker its own cluster.worker_id"
    )]
    IdInUse {
        /// The server.
        url: String,
        /// The id.
        id: String,
        /// How long this worker waited for the lease to lapse.
        waited: Duration,
    },
    /// The lease could not be written.
    #[error("cluster {url}: cannot write the lease of `{id}`: {message}")]
    Lease {
        /// The server.
        url: String,
        /// The worker id.
        id: String,
        /// What went wrong.
        message: String,
    },
}

/// This worker's membership: its lease, its view of the others, and the
/// shared record of delivered articles.
pub struct Cluster {
    id: String,
    url: String,
    lease: Duration,
    workers: kv::Store,
    polls: kv::Store,
    seen: kv::Store,
    view: RwLock<View>,
}

/// The members as last read, and when this worker's lease was last renewed.
#[derive(Debug, Default)]
struct View {
    members: Vec<String>,
    renewed: Option<Instant>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

impl Cluster {
    /// Connects, opens (or creates) both buckets, takes this worker's lease
    /// and reads the members. `horizon` is how long delivered ids are kept.
    pub async fn join(cfg: &ClusterConfig, horizon: Duration) -> Result<Cluster, ClusterError> {
        let url = cfg.url.clone();
        let client = connect_client(&url, cfg.auth(), cfg.connect_timeout)
            .await
            .map_err(|source| ClusterError::Connect {
                url: url.clone(),
                source,
            })?;
        let js = jetstream::new(client);
        let workers = open_bucket(
            &js,
            &url,
            kv::Config {
                bucket: cfg.workers_bucket.clone(),
                description: "newswire worker leases".to_owned(),
                history: 1,
                max_age: cfg.lease,
                storage: jetstream::stream::StorageType::Memory,
                ..Default::default()
            },
        )
        .await?;
        let lease = bucket_lease(&workers, cfg, &url).await?;
        let polls = open_bucket(
            &js,
            &url,
            kv::Config {
                bucket: cfg.polls_bucket.clone(),
                description: "newswire feed poll claims".to_owned(),
                history: 1,
                max_age: lease,
                storage: jetstream::stream::StorageType::Memory,
                ..Default::default()
            },
        )
        .await?;
        let seen = open_bucket(
            &js,
            &url,
            kv::Config {
                bucket: cfg.seen_bucket.clone(),
                description: "newswire delivered article ids".to_owned(),
                history: 1,
                max_age: horizon,
                storage: jetstream::stream::StorageType::File,
                ..Default::default()
            },
        )
        .await?;
        let id = if cfg.worker_id.is_empty() {
            default_worker_id()
        } else {
            cfg.worker_id.clone()
        };
        let cluster = Cluster {
            id,
            url,
            lease,
            workers,
            polls,
            seen,
            view: RwLock::new(View::default()),
        };
        cluster.take_lease().await?;
        cluster.renew().await?;
        tracing::info!(
            worker = %cluster.id,
            members = ?cluster.members(),
            "joined the cluster"
        );
        Ok(cluster)
    }

    /// This worker's id among the members.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The live workers as last read, sorted.
    pub fn members(&self) -> Vec<String> {
        self.read_view().members.clone()
    }

    /// Whether this worker polls `feed` now: it is the feed's owner among
    /// the members, and its own lease is current.
    pub fn owns(&self, feed: &str) -> bool {
        let view = self.read_view();
        let current = view.renewed.is_some_and(|t| t.elapsed() < self.lease);
        current && assign::owner(feed, &view.members) == Some(self.id.as_str())
    }

    /// Claims `feed` for one poll; false when another worker polled it
    /// within the last lease (or the claim cannot be asked for). The claim
    /// lapses with the bucket's `max_age`; an owner that polls its feed
    /// again sooner renews its own claim.
    pub async fn claim_poll(&self, feed: &str) -> bool {
        let key = crate::canonical::hex(&Sha256::digest(feed.as_bytes()));
        let mine = Bytes::from(self.id.clone());
        let refused = |e: &dyn std::fmt::Display| {
            tracing::warn!(%feed, "cluster {}: cannot claim the feed for a poll, leaving it for now: {e}", self.url);
            false
        };
        match self.polls.create(&key, mine.clone()).await {
            Ok(_) => true,
            Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => {
                match self.polls.entry(key.as_str()).await {
                    Ok(Some(entry)) if entry.value == mine => self
                        .polls
                        .update(&key, mine, entry.revision)
                        .await
                        .map(|_| true)
                        .unwrap_or_else(|e| refused(&e)),
                    Ok(Some(_)) => false,
                    // It lapsed in between.
                    Ok(None) => self.polls.create(&key, mine).await.is_ok(),
                    Err(e) => refused(&e),
                }
            }
            Err(e) => refused(&e),
        }
    }

    /// How long a feed this worker does not own waits before it asks again:
    /// a takeover happens within a lease or so of the owner's death.
    pub fn recheck(&self) -> Duration {
        self.lease
    }

    /// Creates this worker's key. A key of the same name left by this
    /// worker's predecessor (a crash, a quick restart) lapses within a
    /// lease; one that is still renewed after that belongs to a live twin.
    async fn take_lease(&self) -> Result<(), ClusterError> {
        let started = Instant::now();
        let limit = self.lease + self.lease / 2;
        loop {
            match self.workers.create(&self.id, self.lease_value()).await {
                Ok(_) => return Ok(()),
                Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => {
                    if started.elapsed() >= limit {
                        return Err(ClusterError::IdInUse {
                            url: self.url.clone(),
                            id: self.id.clone(),
                            waited: started.elapsed(),
                        });
                    }
                    tracing::info!(worker = %self.id, "waiting for an earlier lease of this worker id to lapse");
                    tokio::time::sleep(self.lease / 4).await;
                }
                Err(e) => return Err(self.lease_err(e.to_string())),
            }
        }
    }

    /// Renews this worker's lease and reads the members.
    async fn renew(&self) -> Result<(), ClusterError> {
        let started = Instant::now();
        self.workers
            .put(&self.id, self.lease_value())
            .await
            .map_err(|e| self.lease_err(e.to_string()))?;
        let mut members = Vec::new();
        let mut keys = self
            .workers
            .keys()
            .await
            .map_err(|e| self.lease_err(format!("cannot list the workers: {e}")))?;
        while let Some(key) = keys.next().await {
            members.push(key.map_err(|e| self.lease_err(format!("cannot list the workers: {e}")))?);
        }
        if !members.contains(&self.id) {
            members.push(self.id.clone());
        }
        members.sort();
        members.dedup();
        metrics::gauge_set(metrics::CLUSTER_MEMBERS, members.len() as f64);
        let mut view = self.view.write().unwrap_or_else(|e| e.into_inner());
        if view.members != members {
            tracing::info!(worker = %self.id, ?members, "cluster members changed");
        }
        *view = View {
            members,
            renewed: Some(started),
        };
        Ok(())
    }

    /// Renews the lease every third of it until `shutdown`. A failed renewal
    /// is logged and tried again; [`Cluster::owns`] answers false once the
    /// lease has run out.
    pub async fn keep_alive(self: Arc<Self>, shutdown: CancellationToken) {
        let every = self.lease / 3;
        loop {
            tokio::select! {
                biased;
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(every) => {}
            }
            if let Err(e) = self.renew().await {
                tracing::warn!("{e}; polling stops if the lease runs out");
            }
        }
    }

    /// Gives the lease up, so that the others take this worker's feeds at
    /// their next renewal rather than after the lease.
    pub async fn leave(&self) {
        match self.workers.delete(&self.id).await {
            Ok(()) => tracing::info!(worker = %self.id, "left the cluster"),
            Err(e) => {
                tracing::warn!(worker = %self.id, "cannot give the lease up, it lapses on its own: {e}")
            }
        }
    }

    /// Splits newly claimed jobs into those to fetch and the ids another
    /// worker already delivered. When the bucket cannot be asked, the job is
    /// fetched: a duplicate is better than a loss, and the stream's
    /// duplicate window catches most.
    pub async fn split_delivered(&self, jobs: Vec<ArticleJob>) -> (Vec<ArticleJob>, Vec<String>) {
        let answers = join_all(jobs.iter().map(|job| self.seen.get(job.id.as_str()))).await;
        let mut fresh = Vec::new();
        let mut delivered = Vec::new();
        for (job, answer) in jobs.into_iter().zip(answers) {
            match answer {
                Ok(Some(_)) => delivered.push(job.id),
                Ok(None) => fresh.push(job),
                Err(e) => {
                    tracing::warn!(id = %job.id, url = %job.url, "cluster {}: cannot ask whether the article was delivered, fetching it: {e}", self.url);
                    fresh.push(job);
                }
            }
        }
        (fresh, delivered)
    }

    /// Records that these articles are done (delivered or dead-lettered),
    /// for workers that take their feeds over later. Failures are logged:
    /// the articles are delivered either way.
    pub async fn mark_done(&self, ids: &[String]) {
        let value = Bytes::from(self.id.clone());
        let puts = join_all(ids.iter().map(|id| self.seen.put(id, value.clone()))).await;
        let failed = puts.iter().filter(|r| r.is_err()).count();
        if let Some(Err(e)) = puts.into_iter().find(Result::is_err) {
            tracing::warn!(
                failed,
                "cluster {}: cannot record delivered articles: {e}",
                self.url
            );
        }
    }

    fn read_view(&self) -> std::sync::RwLockReadGuard<'_, View> {
        self.view.read().unwrap_or_else(|e| e.into_inner())
    }

    fn lease_value(&self) -> Bytes {
        Bytes::from(format!(
            "{{\"version\":\"{}\",\"pid\":{}}}",
            env!("CARGO_PKG_VERSION"),
            std::process::id()
        ))
    }

    fn lease_err(&self, message: String) -> ClusterError {
        ClusterError::Lease {
            url: self.url.clone(),
            id: self.id.clone(),
            message,
        }
    }
}

/// Opens `config.bucket`, creating it when missing. An existing bucket
/// keeps its settings (another worker made it).
async fn open_bucket(
    js: &jetstream::Context,
    url: &str,
    config: kv::Config,
) -> Result<kv::Store, ClusterError> {
    if let Ok(store) = js.get_key_value(config.bucket.as_str()).await {
        return Ok(store);
    }
    let bucket = config.bucket.clone();
    match js.create_key_value(config).await {
        Ok(store) => Ok(store),
        // Another worker may have created it in between.
        Err(e) => js
            .get_key_value(bucket.as_str())
            .await
            .map_err(|_| ClusterError::Bucket {
                url: url.to_owned(),
                bucket,
                message: e.to_string(),
            }),
    }
}

/// How long a lease lasts: the leases bucket's `max_age`, which all workers
/// share, even when it differs from this worker's `cluster.lease` (the
/// bucket was made by a worker with another setting). Renewing by a longer
/// configured lease would let the key lapse between renewals.
async fn bucket_lease(
    workers: &kv::Store,
    cfg: &ClusterConfig,
    url: &str,
) -> Result<Duration, ClusterError> {
    let bucket_err = |message: String| ClusterError::Bucket {
        url: url.to_owned(),
        bucket: cfg.workers_bucket.clone(),
        message,
    };
    let max_age = workers
        .status()
        .await
        .map_err(|e| bucket_err(e.to_string()))?
        .max_age();
    if max_age.is_zero() {
        return Err(bucket_err(
            "has no max_age, so a dead worker's lease would never lapse; delete the bucket (newswire creates it) or give it a max_age".to_owned(),
        ));
    }
    if max_age != cfg.lease {
        tracing::warn!(
            bucket = %cfg.workers_bucket,
            "the bucket keeps leases for {max_age:?} (set when it was created), not cluster.lease = {:?}: using {max_age:?}",
            cfg.lease
        );
    }
    Ok(max_age)
}

/// The host name and the process id, as a key-value key: unique among
/// running workers without configuration, and telling in logs.
fn default_worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let host: String = host
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let host = if host.is_empty() {
        "newswire".to_owned()
    } else {
        host
    };
    format!("{host}-{}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_worker_id_is_a_valid_key() {
        let id = default_worker_id();
        assert!(crate::config::is_kv_key(&id), "{id}");
        assert!(id.ends_with(&format!("-{}", std::process::id())), "{id}");
    }
}
