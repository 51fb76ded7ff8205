//! `[state]`: where the worker remembers feeds and articles.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// State store settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StateConfig {
    /// Directory of the state database (created when missing). One worker
    /// process per directory.
    pub dir: PathBuf,
    /// Article ids not seen in any feed for this long are forgotten, which
    /// keeps the store bounded.
    #[serde(with = "humantime_serde")]
    pub horizon: Duration,
    /// Memory the store may use to cache its pages. Reads of hot feed state
    /// and recent ids come from here; the rest is read from disk.
    pub cache_bytes: usize,
}

impl Default for StateConfig {
    fn default() -> Self {
        StateConfig {
            dir: PathBuf::from("state"),
            horizon: Duration::from_secs(90 * 24 * 3600),
            cache_bytes: 32 * 1024 * 1024,
        }
    }
}

impl StateConfig {
    /// Adds every problem with these settings to `problems`.
    pub(crate) fn validate(&self, problems: &mut Vec<String>) {
        if self.dir.as_os_str().is_empty() {
            problems.push("state.dir must not be empty".to_owned());
        }
        if self.horizon < Duration::from_secs(3600) {
            problems.push("state.horizon must be at least 1h".to_owned());
        }
        if self.cache_bytes < 1024 * 1024 {
            problems.push("state.cache_bytes must be at least 1048576 (1 MiB)".to_owned());
        }
    }
}
