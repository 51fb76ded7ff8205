//! One feed poll: conditional GET, parse, claim new entries, schedule.

use std::time::Duration;

use chrono::Utc;
use sha2::{Digest, Sha256};
use url::Url;

use super::{Shared, WorkerError, polite_get, skip_delivered_elsewhere};
use crate::canonical;
use crate::config::{FeedConfig, ScheduleConfig};
use crate::feeds::filter::{EntryFilter, Verdict};
use crate::feeds::{ParsedFeed, parse_feed};
use crate::fetch::client::ACCEPT_FEED;
use crate::fetch::{Request, retry};
use crate::ops::metrics;
use crate::record::FeedInfo;
use crate::state::{ArticleJob, FeedState, FeedStatus};

/// What one poll found.
#[derive(Debug, Clone)]
pub struct PollResult {
    /// How the poll ended.
    pub status: FeedStatus,
    /// Entries never seen before, now pending.
    pub new_jobs: Vec<ArticleJob>,
    /// When the feed should be polled next.
    pub next_due: chrono::DateTime<Utc>,
}

/// Polls one feed and saves its state.
pub async fn poll_feed(
    shared: &Shared,
    feed: &FeedConfig,
    filter: &EntryFilter,
) -> Result<PollResult, WorkerError> {
    let url_str = feed.url.clone();
    let mut state = shared
        .blocking(move |s| s.feed(&url_str))
        .await?
        .unwrap_or_else(|| FeedState::new(&feed.url));
    let now = Utc::now();
    let started = std::time::Instant::now();
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
                headers: feed_headers(shared, feed),
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
                        let parsed =
                            parse_feed(&page.body, page.content_type.as_deref(), &page.final_url)
                                .map_err(|e| e.to_string());
                        let parsed = match parsed {
                            Ok(index) if !index.sitemaps.is_empty() => {
                                read_index(shared, feed, index).await
                            }
                            other => other.map(|feed| (feed, true)),
                        };
                        match parsed {
                            Err(e) => Err(e),
                            Ok((parsed, complete)) => {
                                // An index some of whose sitemaps failed is
                                // read again next time, unchanged or not:
                                // no validators, no body hash.
                                state.body_hash = complete.then_some(hash);
                                if !complete {
                                    state.etag = None;
                                    state.last_modified = None;
                                }
                                state.title = parsed.title.clone().or(state.title.take());
                                state.skipped_entries += parsed.skipped as u64;
                                if parsed.skipped > 0 {
                                    tracing::info!(feed = %feed.url, skipped = parsed.skipped, "entries without a usable link skipped");
                                }
                                server_wait = server_wait.max(parsed.refresh_hint);
                                let entries = filtered(filter, parsed.entries, now, &mut state);
                                let jobs = jobs_of(feed, parsed.title.as_deref(), entries);
                                new_jobs = shared.blocking(move |s| s.claim_new(jobs, now)).await?;
                                new_jobs = skip_delivered_elsewhere(shared, new_jobs).await?;
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
    let next_due = chrono::Duration::from_std(interval)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(chrono::DateTime::<Utc>::MAX_UTC);
    state.next_due = Some(next_due);
    let saved = state.clone();
    shared.blocking(move |s| s.put_feed(&saved)).await?;
    metrics::step("poll", started.elapsed());
    metrics::feed_polled(match status {
        FeedStatus::Ok => "ok",
        FeedStatus::NotModified => "not_modified",
        FeedStatus::Failed | FeedStatus::New => "failed",
    });
    Ok(PollResult {
        status,
        new_jobs,
        next_due,
    })
}

/// The feed's own request headers (`[[feeds]] headers`), if it has any.
fn feed_headers(
    shared: &Shared,
    feed: &FeedConfig,
) -> Option<std::sync::Arc<reqwest::header::HeaderMap>> {
    shared
        .feed_options
        .get(&feed.url)
        .and_then(|o| o.headers.clone())
}

/// How many of a sitemap index's sitemaps are read, most recently
/// modified first: a news site's index lists its current sitemap first by
/// date, and the others hold its archive.
pub const INDEX_SITEMAPS: usize = 3;

/// Reads the first [`INDEX_SITEMAPS`] sitemaps `index` lists into one
/// feed, and says whether every one of them was read. An error when none
/// could be; an index inside an index is not followed.
async fn read_index(
    shared: &Shared,
    feed: &FeedConfig,
    index: ParsedFeed,
) -> Result<(ParsedFeed, bool), String> {
    let feed_url = feed.url.as_str();
    let mut out = ParsedFeed {
        title: index.title,
        ..ParsedFeed::default()
    };
    let mut failures = Vec::new();
    let req = Request {
        accept: Some(ACCEPT_FEED),
        headers: feed_headers(shared, feed),
        ..Request::default()
    };
    let listed = index.sitemaps.len();
    for url in index.sitemaps.iter().take(INDEX_SITEMAPS) {
        let read = match polite_get(shared, url, &req).await {
            Ok(page) => parse_feed(&page.body, page.content_type.as_deref(), &page.final_url)
                .map_err(|e| e.to_string()),
            Err(e) => Err(format!("sitemap: {e}")),
        };
        match read {
            Ok(child) if !child.sitemaps.is_empty() => {
                tracing::warn!(feed = feed_url, sitemap = %url, "a sitemap index inside a sitemap index is not followed");
            }
            Ok(child) => {
                out.title = out.title.or(child.title);
                out.skipped += child.skipped;
                out.entries.extend(child.entries);
            }
            Err(why) => failures.push(why),
        }
    }
    tracing::debug!(
        feed = feed_url,
        listed,
        read = listed.min(INDEX_SITEMAPS) - failures.len(),
        "sitemap index read"
    );
    match failures.first() {
        None => Ok((out, true)),
        Some(first) if failures.len() == listed.min(INDEX_SITEMAPS) => Err(format!(
            "sitemap index: none of its sitemaps could be read ({first})"
        )),
        Some(first) => {
            tracing::warn!(
                feed = feed_url,
                failed = failures.len(),
                "sitemap index read in part: {first}"
            );
            Ok((out, false))
        }
    }
}

/// The entries that pass the feed's filter; counts the others in the
/// feed's state and in the metrics.
fn filtered(
    filter: &EntryFilter,
    entries: Vec<crate::feeds::FeedEntry>,
    now: chrono::DateTime<Utc>,
    state: &mut FeedState,
) -> Vec<crate::feeds::FeedEntry> {
    if filter.is_empty() {
        return entries;
    }
    entries
        .into_iter()
        .filter(|e| match filter.verdict(e, now) {
            Verdict::Keep => true,
            other => {
                state.filtered_entries += 1;
                metrics::entry_filtered(other.label());
                false
            }
        })
        .collect()
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
                feed_content: e.content,
                prefer_feed_content: feed.prefer_feed_content,
                ..ArticleJob::default()
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
    let mut interval = base.max(server_wait.unwrap_or_default());
    if state.error_streak > 0 {
        interval = cfg
            .min_interval
            .saturating_mul(1u32 << state.error_streak.min(16))
            .max(server_wait.unwrap_or_default());
    }
    let interval = interval.clamp(cfg.min_interval, cfg.max_interval);
    let spread = 1.0 + cfg.jitter * (unit_random() * 2.0 - 1.0);
    interval.mul_f64(spread.max(0.0))
}

/// How long the server says the feed stays fresh: `Cache-Control: max-age`,
/// else `Expires` (relative to now). A lower bound for the next poll.
fn max_age(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(cc) = header(reqwest::header::CACHE_CONTROL) {
        let max_age = cc.split(',').find_map(|d| {
            let secs = d.trim().strip_prefix("max-age=")?.parse::<u64>().ok()?;
            Some(Duration::from_secs(secs))
        });
        if max_age.is_some() {
            return max_age;
        }
    }
    let expires = chrono::DateTime::parse_from_rfc2822(header(reqwest::header::EXPIRES)?).ok()?;
    (expires.with_timezone(&Utc) - Utc::now()).to_std().ok()
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

    fn cfg() -> ScheduleConfig {
        ScheduleConfig {
            jitter: 0.0,
            ..ScheduleConfig::default()
        }
    }

    fn feed(interval: Option<Duration>) -> FeedConfig {
        FeedConfig {
            interval,
            ..FeedConfig::new("http://example.com/feed")
        }
    }

    fn state(interval_secs: u64, error_streak: u32) -> FeedState {
        let mut s = FeedState::new("http://example.com/feed");
        s.interval_secs = interval_secs;
        s.error_streak = error_streak;
        s
    }

    const MIN: u64 = 60;

    #[test]
    fn first_poll_uses_the_initial_interval() {
        let got = next_interval(&cfg(), &feed(None), &state(0, 0), false, None);
        assert_eq!(got, cfg().initial_interval);
    }

    #[test]
    fn adaptive_interval_shrinks_on_news_and_grows_on_silence() {
        let s = state(40 * MIN, 0);
        let faster = next_interval(&cfg(), &feed(None), &s, true, None);
        let slower = next_interval(&cfg(), &feed(None), &s, false, None);
        assert_eq!(faster, Duration::from_secs(30 * MIN));
        assert_eq!(slower, Duration::from_secs(60 * MIN));
    }

    #[test]
    fn interval_stays_within_min_and_max() {
        let fast = next_interval(&cfg(), &feed(None), &state(6 * MIN, 0), true, None);
        assert_eq!(fast, cfg().min_interval);
        let slow = next_interval(&cfg(), &feed(None), &state(20 * 3600, 0), false, None);
        assert_eq!(slow, cfg().max_interval);
        let fixed = next_interval(
            &cfg(),
            &feed(Some(Duration::from_secs(1))),
            &state(0, 0),
            false,
            None,
        );
        assert_eq!(fixed, cfg().min_interval, "a fixed interval is clamped too");
    }

    #[test]
    fn server_hints_are_a_lower_bound() {
        let hint = Some(Duration::from_secs(3 * 3600));
        let got = next_interval(&cfg(), &feed(None), &state(10 * MIN, 0), true, hint);
        assert_eq!(got, Duration::from_secs(3 * 3600));
    }

    #[test]
    fn errors_back_off_exponentially_but_never_past_max_or_below_retry_after() {
        let s = |streak| state(10 * MIN, streak);
        let one = next_interval(&cfg(), &feed(None), &s(1), false, None);
        let three = next_interval(&cfg(), &feed(None), &s(3), false, None);
        assert_eq!(one, cfg().min_interval * 2);
        assert_eq!(three, cfg().min_interval * 8);
        let many = next_interval(&cfg(), &feed(None), &s(30), false, None);
        assert_eq!(many, cfg().max_interval, "a failing feed is still polled");
        let retry_after = Some(Duration::from_secs(2 * 3600));
        let got = next_interval(&cfg(), &feed(None), &s(1), false, retry_after);
        assert_eq!(got, Duration::from_secs(2 * 3600));
    }

    #[test]
    fn jitter_spreads_within_its_fraction() {
        let c = ScheduleConfig {
            jitter: 0.1,
            ..ScheduleConfig::default()
        };
        for _ in 0..50 {
            let got = next_interval(&c, &feed(None), &state(0, 0), false, None);
            let base = c.initial_interval.as_secs_f64();
            assert!(
                (base * 0.9..=base * 1.1).contains(&got.as_secs_f64()),
                "{got:?}"
            );
        }
    }

    #[test]
    fn freshness_comes_from_max_age_else_expires() {
        use reqwest::header::{CACHE_CONTROL, EXPIRES, HeaderMap, HeaderValue};
        let mut h = HeaderMap::new();
        h.insert(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=900"),
        );
        assert_eq!(max_age(&h), Some(Duration::from_secs(900)));
        let mut h = HeaderMap::new();
        let later = (Utc::now() + chrono::Duration::hours(2)).to_rfc2822();
        h.insert(EXPIRES, HeaderValue::from_str(&later).unwrap());
        let got = max_age(&h).unwrap();
        assert!(
            got > Duration::from_secs(7000) && got <= Duration::from_secs(7200),
            "{got:?}"
        );
        let mut h = HeaderMap::new();
        h.insert(EXPIRES, HeaderValue::from_static("0"));
        assert_eq!(max_age(&h), None, "an invalid Expires means already stale");
        assert_eq!(max_age(&HeaderMap::new()), None);
    }
}
