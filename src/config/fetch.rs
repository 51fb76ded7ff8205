//! `[fetch]`: the HTTP client that talks to publishers.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// HTTP client settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    /// Sent with every request; publishers use it to reach the operator.
    pub user_agent: String,
    /// Time allowed to establish a connection.
    #[serde(with = "humantime_serde")]
    pub connect_timeout: Duration,
    /// Longest silence allowed while reading a response.
    #[serde(with = "humantime_serde")]
    pub read_timeout: Duration,
    /// Whole-request deadline, body included.
    #[serde(with = "humantime_serde")]
    pub timeout: Duration,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Largest body accepted, after decompression; larger ones are aborted.
    pub max_body_bytes: u64,
    /// Allow loopback, private and link-local addresses. Off in production so
    /// that a feed cannot make the worker fetch internal services.
    pub allow_private_addresses: bool,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: concat!(
                "newswire/",
                env!("CARGO_PKG_VERSION"),
                " (+https://github.com/newswire/newswire)"
            )
            .to_owned(),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(20),
            timeout: Duration::from_secs(60),
            max_redirects: 5,
            max_body_bytes: 8 * 1024 * 1024,
            allow_private_addresses: false,
        }
    }
}

impl FetchConfig {
    /// Adds every problem with these settings to `problems`.
    pub(crate) fn validate(&self, problems: &mut Vec<String>) {
        if self.user_agent.trim().is_empty() {
            problems.push("fetch.user_agent must not be empty".to_owned());
        }
        if self.max_body_bytes == 0 {
            problems.push("fetch.max_body_bytes must be greater than 0".to_owned());
        }
        for (key, d) in [
            ("connect_timeout", self.connect_timeout),
            ("read_timeout", self.read_timeout),
            ("timeout", self.timeout),
        ] {
            if d.is_zero() {
                problems.push(format!("fetch.{key} must be greater than 0"));
            }
        }
    }
}
