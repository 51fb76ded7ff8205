//! `[filter]`: which feed entries become articles, for every feed (each
//! `[[feeds]]` table may add rules of its own).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::feeds::filter::check_rules;

/// Entry filters applied to every feed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FilterConfig {
    /// Entries published longer ago than this are skipped, so a new feed's
    /// archive is not fetched; entries without a date are kept. Unset: no
    /// limit.
    #[serde(with = "humantime_serde", skip_serializing_if = "Option::is_none")]
    pub max_age: Option<Duration>,
    /// An entry matching any of these rules is skipped (`url:REGEX`,
    /// `title:REGEX`, `category:REGEX`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub block: Vec<String>,
    /// When set, only entries matching one of these rules are kept.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keep: Vec<String>,
}

impl FilterConfig {
    /// Adds every problem with these settings to `problems`.
    pub(crate) fn validate(&self, problems: &mut Vec<String>) {
        check_rules("filter.block", &self.block, problems);
        check_rules("filter.keep", &self.keep, problems);
    }
}
