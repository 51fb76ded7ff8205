//! Which failures are worth another attempt, and how long to wait.

use std::time::Duration;

use chrono::Utc;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::FetchError;

/// True for failures that may pass by themselves: connection errors,
/// timeouts, 408, 429 and 5xx. A 404 or a refused address will not.
pub fn is_transient(err: &FetchError) -> bool {
    match err {
        FetchError::Request { source, .. } => {
            // A redirect refused by our own policy (loop, cap, guard) is final.
            !source.is_redirect() && !source.is_builder()
        }
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
    fn backoff_doubles_and_caps() {
        let b = Duration::from_secs(2);
        assert_eq!(backoff(b, 0), Duration::from_secs(2));
        assert_eq!(backoff(b, 3), Duration::from_secs(16));
        assert_eq!(backoff(b, 30), Duration::from_secs(600));
    }
}
