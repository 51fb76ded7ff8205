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
    /// Requests to one host at the same time.
    pub per_host_concurrency: usize,
    /// Least time between the starts of two requests to one host.
    #[serde(with = "humantime_serde")]
    pub per_host_interval: Duration,
    /// Extra attempts for transient failures (connection errors, timeouts,
    /// 5xx, 429), with exponential backoff.
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one.
    #[serde(with = "humantime_serde")]
    pub retry_backoff: Duration,
    /// When an article still fails transiently after `retries`, it is tried
    /// again this many more times on later passes before the dead letter.
    pub retries_later: u32,
    /// Delay before the first later attempt; doubled for each further one
    /// (a longer `Retry-After` wins; capped at `schedule.max_interval`).
    #[serde(with = "humantime_serde")]
    pub retry_later_delay: Duration,
    /// Honour robots.txt for article pages.
    pub robots: bool,
    /// How long a host's robots.txt is cached.
    #[serde(with = "humantime_serde")]
    pub robots_ttl: Duration,
    /// An HTTP(S) proxy every request goes through (`http://proxy:3128`,
    /// credentials as `http://user:pass@proxy:3128`). Empty: the proxy of
    /// the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`,
    /// `NO_PROXY`), if any; `off`: none, whatever the environment says.
    pub proxy: String,
    /// When an article's page cannot be fetched for good (403, 404, robots
    /// disallow, retries used up) and its feed entry carries the full
    /// content, extract that instead of dead-lettering the article; the
    /// record says so in `warnings`.
    pub feed_content_fallback: bool,
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
            per_host_concurrency: 2,
            per_host_interval: Duration::from_secs(1),
            retries: 2,
            retry_backoff: Duration::from_secs(2),
            retries_later: 3,
            retry_later_delay: Duration::from_secs(10 * 60),
            robots: true,
            robots_ttl: Duration::from_secs(24 * 3600),
            proxy: String::new(),
            feed_content_fallback: true,
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
        if self.per_host_concurrency == 0 {
            problems.push("fetch.per_host_concurrency must be greater than 0".to_owned());
        }
        if !matches!(self.proxy.as_str(), "" | "off")
            && let Some(problem) = super::http_url_problem(&self.proxy)
        {
            problems.push(format!(
                "fetch.proxy {problem} (a URL like http://proxy:3128, empty for the environment's, or off)"
            ));
        }
        for (key, d) in [
            ("retry_later_delay", self.retry_later_delay),
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
