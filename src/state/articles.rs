//! Article ids: which articles are pending, delivered or dead-lettered.
//!
//! An entry becomes *pending* when a poll first sees it (together with what
//! is needed to fetch it again), and *done* only after every sink has
//! durably accepted its record (or it went to the dead letter). Pending
//! entries are re-queued at start-up, so a crash loses nothing even when the
//! feed itself answers 304 afterwards. Done ids are kept while the article
//! still appears in a feed, and expire `state.horizon` after it last did.

use chrono::{DateTime, Utc};
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use super::{ARTICLES, StateError, Store, encode};
use crate::record::FeedInfo;

/// One article to fetch: what the poller hands on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleJob {
    /// The article id (hash of the canonical link).
    pub id: String,
    /// The link as given by the feed (absolute).
    pub url: String,
    /// The feed and entry it came from.
    pub feed: FeedInfo,
    /// Earlier passes that failed transiently on this article.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub attempts: u32,
    /// Not to be fetched again before this time (after a transient failure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<DateTime<Utc>>,
    /// The entry's full content from the feed (HTML), to extract when the
    /// page cannot be fetched (`fetch.feed_content_fallback`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed_content: Option<String>,
    /// Make the record from `feed_content` without fetching the page, when
    /// that content reads as an article (the feed's `prefer_feed_content`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prefer_feed_content: bool,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// How an article left the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every sink accepted the record.
    Delivered,
    /// The record could not be produced; the dead letter has the reason.
    DeadLettered,
}

/// Where an article is in its life.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ArticleState {
    /// Seen in a feed, not yet delivered.
    Pending {
        /// What is needed to fetch it again after a restart.
        job: Box<ArticleJob>,
    },
    /// Finished.
    Done {
        /// How.
        outcome: Outcome,
        /// When.
        at: DateTime<Utc>,
    },
}

/// The stored value for one article id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleRecord {
    /// Pending or done.
    #[serde(flatten)]
    pub state: ArticleState,
    /// When a feed last listed it: the expiry clock.
    pub last_seen: DateTime<Utc>,
}

/// Counts of article ids by state, for `status` and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleCounts {
    /// Pending ids.
    pub pending: u64,
    /// Delivered ids.
    pub delivered: u64,
    /// Dead-lettered ids.
    pub dead_lettered: u64,
}

impl Store {
    /// Records the entries of one poll and returns those that are new.
    ///
    /// In one transaction: ids never seen become pending and are returned;
    /// ids already known only get their `last_seen` refreshed (a pending one
    /// is already queued, a done one is not fetched twice).
    pub fn claim_new(
        &self,
        jobs: Vec<ArticleJob>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ArticleJob>, StateError> {
        let path = self.path.clone();
        self.write(move |txn| {
            let mut table = txn.open_table(ARTICLES)?;
            let mut fresh = Vec::new();
            for job in jobs {
                let key = job.id.clone();
                let existing = table.get(key.as_str())?.map(|v| v.value().to_vec());
                let known = existing.and_then(|bytes| {
                    serde_json::from_slice::<ArticleRecord>(&bytes)
                        .inspect_err(|e| {
                            tracing::warn!(store = %path.display(), id = %key, "unreadable article state, fetching again: {e}");
                        })
                        .ok()
                });
                let record = match known {
                    Some(mut rec) => {
                        rec.last_seen = now;
                        rec
                    }
                    None => {
                        fresh.push(job.clone());
                        ArticleRecord {
                            state: ArticleState::Pending { job: Box::new(job) },
                            last_seen: now,
                        }
                    }
                };
                table.insert(key.as_str(), encode(&record).as_slice())?;
            }
            Ok(fresh)
        })
    }

    /// Every pending article, to re-queue at start-up.
    pub fn pending(&self) -> Result<Vec<ArticleJob>, StateError> {
        Ok(self
            .all::<ArticleRecord>(ARTICLES)?
            .into_iter()
            .filter_map(|(_, rec)| match rec.state {
                ArticleState::Pending { job } => Some(*job),
                ArticleState::Done { .. } => None,
            })
            .collect())
    }

    /// Keeps a transiently failed article pending with its new attempt count
    /// and not-before time, durably, so a restart honours the delay too.
    pub fn defer(&self, job: &ArticleJob) -> Result<(), StateError> {
        let record = ArticleRecord {
            state: ArticleState::Pending {
                job: Box::new(job.clone()),
            },
            last_seen: Utc::now(),
        };
        self.write(|txn| {
            txn.open_table(ARTICLES)?
                .insert(job.id.as_str(), encode(&record).as_slice())?;
            Ok(())
        })
    }

    /// True when `id` was already delivered or dead-lettered.
    pub fn is_done(&self, id: &str) -> Result<bool, StateError> {
        Ok(matches!(
            self.get::<ArticleRecord>(ARTICLES, id)?,
            Some(ArticleRecord {
                state: ArticleState::Done { .. },
                ..
            })
        ))
    }

    /// Marks articles done, in one durable transaction. Each item is
    /// `(id, outcome)`; call only after the sinks have flushed.
    pub fn finish(&self, done: &[(String, Outcome)], now: DateTime<Utc>) -> Result<(), StateError> {
        if done.is_empty() {
            return Ok(());
        }
        self.write(|txn| {
            let mut table = txn.open_table(ARTICLES)?;
            for (id, outcome) in done {
                let record = ArticleRecord {
                    state: ArticleState::Done {
                        outcome: *outcome,
                        at: now,
                    },
                    last_seen: now,
                };
                table.insert(id.as_str(), encode(&record).as_slice())?;
            }
            Ok(())
        })
    }

    /// Forgets done ids whose feeds stopped listing them before `cutoff`.
    /// Returns how many were removed. Pending ids are never expired.
    pub fn expire(&self, cutoff: DateTime<Utc>) -> Result<u64, StateError> {
        self.write(|txn| {
            let mut table = txn.open_table(ARTICLES)?;
            let mut removed = 0u64;
            table.retain(|_, v| {
                let keep = match serde_json::from_slice::<ArticleRecord>(v) {
                    Ok(rec) => {
                        matches!(rec.state, ArticleState::Pending { .. }) || rec.last_seen >= cutoff
                    }
                    Err(_) => false,
                };
                if !keep {
                    removed += 1;
                }
                keep
            })?;
            Ok(removed)
        })
    }

    /// Article ids by state.
    pub fn article_counts(&self) -> Result<ArticleCounts, StateError> {
        let mut counts = ArticleCounts::default();
        for (_, rec) in self.all::<ArticleRecord>(ARTICLES)? {
            match rec.state {
                ArticleState::Pending { .. } => counts.pending += 1,
                ArticleState::Done {
                    outcome: Outcome::Delivered,
                    ..
                } => counts.delivered += 1,
                ArticleState::Done {
                    outcome: Outcome::DeadLettered,
                    ..
                } => counts.dead_lettered += 1,
            }
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn job(id: &str) -> ArticleJob {
        ArticleJob {
            id: id.to_owned(),
            url: format!("http://x/{id}"),
            feed: FeedInfo {
                url: "http://x/feed".into(),
                ..FeedInfo::default()
            },
            ..ArticleJob::default()
        }
    }

    #[test]
    fn deferred_job_stays_pending_with_its_attempts() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = Utc::now();
        store.claim_new(vec![job("a")], now).unwrap();
        let mut later = job("a");
        later.attempts = 1;
        later.not_before = Some(now + Duration::minutes(10));
        store.defer(&later).unwrap();
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.pending().unwrap(), vec![later]);
        assert!(!store.is_done("a").unwrap());
    }

    #[test]
    fn new_ids_are_claimed_once_and_survive_reopen_as_pending() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        {
            let s = Store::open(dir.path()).unwrap();
            let fresh = s.claim_new(vec![job("a"), job("b")], now).unwrap();
            assert_eq!(fresh.len(), 2);
            let again = s.claim_new(vec![job("a"), job("c")], now).unwrap();
            assert_eq!(again, vec![job("c")]);
        }
        let s = Store::open(dir.path()).unwrap();
        let mut pending: Vec<String> = s.pending().unwrap().into_iter().map(|j| j.id).collect();
        pending.sort();
        assert_eq!(pending, ["a", "b", "c"]);
    }

    #[test]
    fn done_ids_are_not_claimed_again_and_expire_after_horizon() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let t0 = Utc::now() - Duration::days(100);
        s.claim_new(vec![job("a"), job("b")], t0).unwrap();
        s.finish(&[("a".into(), Outcome::Delivered)], t0).unwrap();
        assert!(s.is_done("a").unwrap());
        assert!(!s.is_done("b").unwrap());
        assert!(s.claim_new(vec![job("a")], t0).unwrap().is_empty());
        let counts = s.article_counts().unwrap();
        assert_eq!((counts.pending, counts.delivered), (1, 1));
        // 90 days later: the done id expires, the pending one stays.
        let removed = s.expire(Utc::now() - Duration::days(90)).unwrap();
        assert_eq!(removed, 1);
        assert_eq!(s.pending().unwrap().len(), 1);
        assert!(!s.is_done("a").unwrap());
    }
}
