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
}

impl Default for StateConfig {
    fn default() -> Self {
        StateConfig {
            dir: PathBuf::from("state"),
            horizon: Duration::from_secs(90 * 24 * 3600),
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
    }
}
