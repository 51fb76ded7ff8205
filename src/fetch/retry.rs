//! Which failures are worth another attempt, and how long to wait.

use std::time::Duration;

use chrono::Utc;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::FetchError;
use crate::config::FetchConfig;

/// True for failures that may pass by themselves: connection errors,
/// timeouts, 408, 429 and 5xx. A 404 or a refused address will not.
pub fn is_transient(err: &FetchError) -> bool {
    match err {
        FetchError::Request { source, .. } => {
            // A redirect refused by our own policy (loop, cap, guard) is final.
            !source.is_redirect() && !source.is_builder()
        }
        FetchError::Timeout { .. } => true,
        FetchError::Status { status, .. } => matches!(status, 408 | 429 | 500..=599),
        FetchError::Client(_) | FetchError::Refused { .. } | FetchError::TooLarge { .. } => false,
    }
}

/// The server's `Retry-After`, in seconds or as an HTTP date, if it sent one
/// with this error.
pub fn retry_after(err: &FetchError) -> Option<Duration> {
    match err {
        FetchError::Status { headers, .. } => retry_after_header(headers),
        _ => None,
    }
}

/// Parses a `Retry-After` header (delta-seconds or HTTP date).
pub fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    (when.with_timezone(&Utc) - Utc::now()).to_std().ok()
}

/// How long to wait before retry number `attempt + 1` of a request that
/// failed with `err`, or `None` when it should not be retried now: the
/// failure is final, the `fetch.retries` are used up, or the server asked
/// (`Retry-After`) for longer than `fetch.timeout` or the longest configured
/// backoff. Such a server is tried again at the next poll instead of holding
/// a task (and, in `once`, the whole run) for hours.
pub fn retry_wait(err: &FetchError, attempt: u32, config: &FetchConfig) -> Option<Duration> {
    if attempt >= config.retries || !is_transient(err) {
        return None;
    }
    let wait = retry_after(err)
        .unwrap_or_default()
        .max(backoff(config.retry_backoff, attempt));
    let longest = config.timeout.max(backoff(
        config.retry_backoff,
        config.retries.saturating_sub(1),
    ));
    (wait <= longest).then_some(wait)
}

/// Exponential backoff: `base × 2^attempt`, capped at ten minutes.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    base.saturating_mul(1u32 << attempt.min(16))
        .min(Duration::from_secs(600))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use url::Url;

    fn status(code: u16, retry_after: Option<&str>) -> FetchError {
        let mut headers = HeaderMap::new();
        if let Some(v) = retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from_str(v).unwrap());
        }
        FetchError::Status {
            url: Url::parse("http://x/").unwrap(),
            status: code,
            headers: Box::new(headers),
        }
    }

    #[test]
    fn transient_statuses() {
        assert!(is_transient(&status(503, None)));
        assert!(is_transient(&status(429, None)));
        assert!(!is_transient(&status(404, None)));
        assert!(!is_transient(&status(410, None)));
    }

    #[test]
    fn retry_after_seconds_and_date() {
        assert_eq!(
            retry_after(&status(429, Some("120"))),
            Some(Duration::from_secs(120))
        );
        let later = (Utc::now() + chrono::Duration::seconds(300)).to_rfc2822();
        let d = retry_after(&status(503, Some(&later))).unwrap();
        assert!(d > Duration::from_secs(290) && d <= Duration::from_secs(300));
        assert_eq!(retry_after(&status(503, Some("soon"))), None);
    }

    #[test]
    fn retry_wait_gives_up_on_final_errors_spent_retries_and_long_retry_after() {
        let cfg = FetchConfig {
            retries: 2,
            retry_backoff: Duration::from_secs(1),
            timeout: Duration::from_secs(60),
            ..FetchConfig::default()
        };
        assert_eq!(
            retry_wait(&status(503, None), 0, &cfg),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            retry_wait(&status(503, None), 1, &cfg),
            Some(Duration::from_secs(2))
        );
        assert_eq!(retry_wait(&status(503, None), 2, &cfg), None);
        assert_eq!(retry_wait(&status(404, None), 0, &cfg), None);
        assert_eq!(
            retry_wait(&status(429, Some("30")), 0, &cfg),
            Some(Duration::from_secs(30))
        );
        assert_eq!(retry_wait(&status(429, Some("7200")), 0, &cfg), None);
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let b = Duration::from_secs(2);
        assert_eq!(backoff(b, 0), Duration::from_secs(2));
        assert_eq!(backoff(b, 3), Duration::from_secs(16));
        assert_eq!(backoff(b, 30), Duration::from_secs(600));
    }
}
