//! One feed poll: conditional GET, parse, claim new entries, schedule.

use std::time::Duration;

use chrono::Utc;
use sha2::{Digest, Sha256};
use url::Url;

use super::{Shared, WorkerError, polite_get};
use crate::canonical;
use crate::config::{FeedConfig, ScheduleConfig};
use crate::feeds::parse_feed;
use crate::fetch::client::ACCEPT_FEED;
use crate::fetch::{Request, retry};
use crate::record::FeedInfo;
use crate::state::{ArticleJob, FeedState, FeedStatus};

/// What one poll found.
#[derive(Debug, Clone)]
pub struct PollResult {
    /// How the poll ended.
    pub status: FeedStatus,
    /// Entries never seen before, now pending.
    pub new_jobs: Vec<ArticleJob>,
}

/// Polls one feed and saves its state.
pub async fn poll_feed(shared: &Shared, feed: &FeedConfig) -> Result<PollResult, WorkerError> {
    let url_str = feed.url.clone();
    let mut state = shared
        .blocking(move |s| s.feed(&url_str))
        .await?
        .unwrap_or_else(|| FeedState::new(&feed.url));
    let now = Utc::now();
    state.polls += 1;
    state.last_polled = Some(now);
    let mut new_jobs = Vec::new();
    let mut server_wait = None;
    let outcome = match Url::parse(&feed.url) {
        Err(e) => Err(format!("bad feed URL: {e}")),
        Ok(url) => {
            let req = Request {
                accept: Some(ACCEPT_FEED),
                etag: state.etag.clone(),
                last_modified: state.last_modified.clone(),
            };
            match polite_get(shared, &url, &req).await {
                Ok(page) if page.status == 304 => Ok(FeedStatus::NotModified),
                Ok(page) => {
                    let header = |name| {
                        page.headers
                            .get(name)
                            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                            .map(str::to_owned)
                    };
                    state.etag = header(reqwest::header::ETAG);
                    state.last_modified = header(reqwest::header::LAST_MODIFIED);
                    server_wait = max_age(&page.headers);
                    let hash = canonical::hex(&Sha256::digest(&page.body));
                    if state.body_hash.as_deref() == Some(hash.as_str()) {
                        Ok(FeedStatus::NotModified)
                    } else {
                        match parse_feed(&page.body, page.content_type.as_deref(), &page.final_url)
                        {
                            Err(e) => Err(e.to_string()),
                            Ok(parsed) => {
                                state.body_hash = Some(hash);
                                state.title = parsed.title.clone().or(state.title.take());
                                state.skipped_entries += parsed.skipped as u64;
                                if parsed.skipped > 0 {
                                    tracing::info!(feed = %feed.url, skipped = parsed.skipped, "entries without a usable link skipped");
                                }
                                server_wait = server_wait.max(parsed.refresh_hint);
                                let jobs = jobs_of(feed, parsed.title.as_deref(), parsed.entries);
                                new_jobs = shared.blocking(move |s| s.claim_new(jobs, now)).await?;
                                Ok(FeedStatus::Ok)
                            }
                        }
                    }
                }
                Err(e) => {
                    server_wait = retry::retry_after(&e);
                    Err(e.to_string())
                }
            }
        }
    };
    let status = match outcome {
        Ok(status) => {
            state.error_streak = 0;
            state.last_error = None;
            if !new_jobs.is_empty() {
                state.last_new_entry = Some(now);
                state.articles += new_jobs.len() as u64;
            }
            status
        }
        Err(why) => {
            tracing::warn!(feed = %feed.url, "poll failed: {why}");
            state.error_streak += 1;
            state.failures += 1;
            state.last_error = Some(why);
            FeedStatus::Failed
        }
    };
    state.last_status = status;
    let interval = next_interval(
        &shared.config.schedule,
        feed,
        &state,
        !new_jobs.is_empty(),
        server_wait,
    );
    state.interval_secs = interval.as_secs();
    state.next_due = chrono::Duration::from_std(interval).ok().map(|d| now + d);
    let saved = state.clone();
    shared.blocking(move |s| s.put_feed(&saved)).await?;
    Ok(PollResult { status, new_jobs })
}

/// Turns feed entries into jobs keyed by the canonical link's id.
fn jobs_of(
    feed: &FeedConfig,
    title: Option<&str>,
    entries: Vec<crate::feeds::FeedEntry>,
) -> Vec<ArticleJob> {
    let mut seen = std::collections::HashSet::new();
    entries
        .into_iter()
        .filter_map(|e| {
            let id = canonical::article_id(canonical::canonicalize(&e.link).as_str());
            seen.insert(id.clone()).then(|| ArticleJob {
                id,
                url: e.link.to_string(),
                feed: FeedInfo {
                    url: feed.url.clone(),
                    title: title.map(str::to_owned),
                    entry_id: e.guid,
                    entry_title: e.title,
                    entry_published: e.published,
                    categories: e.categories,
                    tags: feed.tags.clone(),
                },
            })
        })
        .collect()
}

/// The next interval: the feed's fixed one, else adaptive (shorter after
/// new entries, longer after none), never shorter than what the server asked
/// for, doubled per consecutive error, within `[min, max]`.
fn next_interval(
    cfg: &ScheduleConfig,
    feed: &FeedConfig,
    state: &FeedState,
    found_new: bool,
    server_wait: Option<Duration>,
) -> Duration {
    let previous = Duration::from_secs(state.interval_secs);
    let base = if let Some(fixed) = feed.interval {
        fixed
    } else if previous.is_zero() {
        cfg.initial_interval
    } else if found_new {
        previous.mul_f64(0.75)
    } else {
        previous.mul_f64(1.5)
    };
    let interval = if state.error_streak > 0 {
        cfg.min_interval
            .saturating_mul(1u32 << state.error_streak.min(16))
    } else {
        base
    };
    // The server's wish (Retry-After on a 503, max-age) holds on errors too.
    let interval = interval
        .max(server_wait.unwrap_or_default())
        .clamp(cfg.min_interval, cfg.max_interval);
    let spread = 1.0 + cfg.jitter * (unit_random() * 2.0 - 1.0);
    interval.mul_f64(spread.max(0.0))
}

/// `Cache-Control: max-age` as a lower bound for the next poll.
fn max_age(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let cc = headers.get(reqwest::header::CACHE_CONTROL)?.to_str().ok()?;
    cc.split(',').find_map(|d| {
        let secs = d.trim().strip_prefix("max-age=")?.parse::<u64>().ok()?;
        Some(Duration::from_secs(secs))
    })
}

/// A number in [0, 1) that differs per call: enough for jitter.
fn unit_random() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let h = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    (h >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_holds_while_the_feed_is_failing() {
        let cfg = ScheduleConfig::default();
        let feed = FeedConfig {
            url: "http://x/feed".to_owned(),
            interval: None,
            tags: Vec::new(),
        };
        let mut state = FeedState::new(&feed.url);
        state.error_streak = 1;
        let asked = Duration::from_secs(7200);
        let next = next_interval(&cfg, &feed, &state, false, Some(asked));
        assert!(next >= asked.mul_f64(1.0 - cfg.jitter), "{next:?}");
        // Without a server wish, the error backoff applies.
        let next = next_interval(&cfg, &feed, &state, false, None);
        assert!(
            next <= (cfg.min_interval * 2).mul_f64(1.0 + cfg.jitter),
            "{next:?}"
        );
    }
}
