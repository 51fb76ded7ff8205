//! `[schedule]`: how often feeds are polled.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Polling interval bounds and backoff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScheduleConfig {
    /// No feed is polled more often than this, whatever it publishes or asks.
    #[serde(with = "humantime_serde")]
    pub min_interval: Duration,
    /// Every feed is polled at least this often, also a failing one.
    #[serde(with = "humantime_serde")]
    pub max_interval: Duration,
    /// The interval of a feed whose publishing rate is not known yet.
    #[serde(with = "humantime_serde")]
    pub initial_interval: Duration,
    /// Random spread added to each interval, as a fraction of it (0.1 = ±10%),
    /// so that feeds added together do not stay in lockstep.
    pub jitter: f64,
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            min_interval: Duration::from_secs(5 * 60),
            max_interval: Duration::from_secs(24 * 3600),
            initial_interval: Duration::from_secs(30 * 60),
            jitter: 0.1,
        }
    }
}

impl ScheduleConfig {
    /// Adds every problem with these settings to `problems`.
    pub(crate) fn validate(&self, problems: &mut Vec<String>) {
        if self.min_interval.is_zero() {
            problems.push("schedule.min_interval must be greater than 0".to_owned());
        }
        if self.max_interval < self.min_interval {
            problems.push("schedule.max_interval must not be less than min_interval".to_owned());
        }
        if !(0.0..=0.5).contains(&self.jitter) {
            problems.push("schedule.jitter must be between 0 and 0.5".to_owned());
        }
    }
}
