//! Per-feed state: HTTP validators, schedule and health.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{FEEDS, StateError, Store, encode};

/// What happened at a feed's last poll.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedStatus {
    /// Never polled.
    #[default]
    New,
    /// Fetched and parsed.
    Ok,
    /// 304 Not Modified, or the same body as last time.
    NotModified,
    /// Fetching or parsing failed; `last_error` says why.
    Failed,
}

/// Everything the worker remembers about one feed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedState {
    /// The feed URL (the key).
    pub url: String,
    /// The feed's own title, from its last successful parse.
    pub title: Option<String>,
    /// `ETag` of the last 200 response.
    pub etag: Option<String>,
    /// `Last-Modified` of the last 200 response.
    pub last_modified: Option<String>,
    /// SHA-256 of the last body, for servers whose validators never change.
    pub body_hash: Option<String>,
    /// When the feed is next due.
    pub next_due: Option<DateTime<Utc>>,
    /// The current interval in seconds (adaptive, before jitter and backoff).
    pub interval_secs: u64,
    /// Consecutive failed polls; drives the backoff.
    pub error_streak: u32,
    /// Result of the last poll.
    pub last_status: FeedStatus,
    /// Why the last poll failed (kept until the next success).
    pub last_error: Option<String>,
    /// When the feed was last polled.
    pub last_polled: Option<DateTime<Utc>>,
    /// When a poll last found new entries.
    pub last_new_entry: Option<DateTime<Utc>>,
    /// Polls in total.
    pub polls: u64,
    /// Failed polls in total.
    pub failures: u64,
    /// New articles found in total.
    pub articles: u64,
    /// Entries skipped because they had no usable link, in total.
    pub skipped_entries: u64,
    /// Entry sightings the filter turned away (`[filter]`, the feed's
    /// `block` and `keep`), in total; an entry left in the feed counts at
    /// every poll that reads it.
    pub filtered_entries: u64,
}

impl FeedState {
    /// The state of a feed never polled.
    pub fn new(url: &str) -> FeedState {
        FeedState {
            url: url.to_owned(),
            ..FeedState::default()
        }
    }
}

impl Store {
    /// The state of `url`, if it was ever saved.
    pub fn feed(&self, url: &str) -> Result<Option<FeedState>, StateError> {
        self.get(FEEDS, url)
    }

    /// Every saved feed state.
    pub fn feeds(&self) -> Result<Vec<FeedState>, StateError> {
        Ok(self.all(FEEDS)?.into_iter().map(|(_, v)| v).collect())
    }

    /// Saves one feed's state durably.
    pub fn put_feed(&self, state: &FeedState) -> Result<(), StateError> {
        let bytes = encode(state);
        self.write(|txn| {
            txn.open_table(FEEDS)?
                .insert(state.url.as_str(), bytes.as_slice())?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_state_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut s = FeedState::new("http://x/feed");
        s.etag = Some("\"v1\"".into());
        s.error_streak = 3;
        s.last_status = FeedStatus::Failed;
        store.put_feed(&s).unwrap();
        assert_eq!(store.feed("http://x/feed").unwrap(), Some(s));
        assert_eq!(store.feeds().unwrap().len(), 1);
        assert_eq!(store.feed("http://other").unwrap(), None);
    }
}
