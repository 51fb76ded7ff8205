//! One article: robots.txt, polite fetch, extraction.

use chrono::Utc;
use url::Url;

use super::{Shared, WorkerError, polite_get};
use crate::extract::Page;
use crate::fetch::{Request, retry};
use crate::ops::metrics;
use crate::record::{Article, HttpInfo, Status};
use crate::state::ArticleJob;

/// How one article ended.
#[derive(Debug)]
pub enum ArticleOutcome {
    /// A record to write; `ids` are the ids to mark delivered (the feed
    /// link's and, when the page names another canonical URL, the record's).
    Record {
        /// The record.
        record: Box<Article>,
        /// Ids to mark delivered once written.
        ids: Vec<String>,
        /// The job, for the dead letter should no sink take the record.
        job: ArticleJob,
    },
    /// The page's canonical article was already delivered under another
    /// link: nothing to write, the link is done.
    Duplicate {
        /// The job.
        job: ArticleJob,
    },
    /// A transient failure: the article stays pending and is tried again
    /// after `job.not_before` (its `attempts` already counts this one).
    Retry {
        /// The job, with its new attempt count and not-before time.
        job: ArticleJob,
        /// Why this attempt failed.
        reason: String,
    },
    /// No record can be produced.
    Dead {
        /// The job.
        job: ArticleJob,
        /// Why.
        reason: String,
    },
}

/// Fetches and extracts one article.
pub async fn process(shared: &Shared, job: ArticleJob) -> Result<ArticleOutcome, WorkerError> {
    let url = match Url::parse(&job.url) {
        Ok(u) => u,
        Err(e) => {
            return Ok(ArticleOutcome::Dead {
                reason: format!("bad article URL {}: {e}", job.url),
                job,
            });
        }
    };
    if let Some(robots) = &shared.robots {
        let verdict = robots.check(&shared.fetcher, &url).await;
        if !verdict.allowed {
            return Ok(match verdict.unavailable {
                Some(why) => later(
                    shared,
                    job,
                    format!("robots.txt could not be read ({why}); {url} not fetched"),
                    None,
                ),
                None => ArticleOutcome::Dead {
                    reason: format!("robots.txt disallows {url}"),
                    job,
                },
            });
        }
        if let Some(delay) = verdict.crawl_delay {
            let host = url.host_str().unwrap_or_default();
            shared
                .hosts
                .pause(host, delay.min(std::time::Duration::from_secs(60)));
        }
    }
    let page = match polite_get(shared, &url, &Request::default()).await {
        Ok(page) => page,
        Err(e) if retry::is_transient(&e) => {
            let wait = retry::retry_after(&e);
            return Ok(later(shared, job, e.to_string(), wait));
        }
        Err(e) => {
            return Ok(ArticleOutcome::Dead {
                reason: e.to_string(),
                job,
            });
        }
    };
    let input = Page {
        http: Some(HttpInfo {
            status: page.status,
            content_type: page.content_type.clone(),
            charset: None,
            bytes: page.body.len() as u64,
            elapsed_ms: u64::try_from(page.elapsed.as_millis()).unwrap_or(u64::MAX),
        }),
        bytes: page.body,
        url: Some(url),
        final_url: Some(page.final_url),
        fetched_at: Utc::now(),
    };
    metrics::count(metrics::ARTICLES_FETCHED);
    let pipeline = shared.pipeline.clone();
    let feed = job.feed.clone();
    let mut record = {
        // A closed semaphore only happens at shutdown: extract anyway.
        let _permit = shared.extract_permits.acquire().await.ok();
        let started = std::time::Instant::now();
        let record = tokio::task::spawn_blocking(move || pipeline.run(input)).await?;
        metrics::step("extract", started.elapsed());
        record
    };
    metrics::count(metrics::ARTICLES_EXTRACTED);
    // Bytes that are not a readable page (empty, binary) make no record.
    if record.status == Status::Error {
        return Ok(ArticleOutcome::Dead {
            reason: format!("cannot read {}: {}", job.url, record.warnings.join("; ")),
            job,
        });
    }
    record.feed = Some(feed);
    let mut ids = vec![job.id.clone()];
    if record.id != job.id {
        let id = record.id.clone();
        if shared.blocking(move |s| s.is_done(&id)).await? {
            return Ok(ArticleOutcome::Duplicate { job });
        }
        ids.push(record.id.clone());
    }
    Ok(ArticleOutcome::Record {
        record: Box::new(record),
        ids,
        job,
    })
}

/// A transient failure: try the article again later (after
/// `fetch.retry_later_delay × 2^attempts`, or the server's `Retry-After` when
/// longer), or give up once `fetch.retries_later` later attempts are used.
fn later(
    shared: &Shared,
    mut job: ArticleJob,
    reason: String,
    server_wait: Option<std::time::Duration>,
) -> ArticleOutcome {
    let fetch = &shared.config.fetch;
    if job.attempts >= fetch.retries_later {
        let reason = if job.attempts > 0 {
            format!("{reason} (gave up after {} later attempts)", job.attempts)
        } else {
            reason
        };
        return ArticleOutcome::Dead { job, reason };
    }
    let wait = fetch
        .retry_later_delay
        .saturating_mul(1u32 << job.attempts.min(16))
        .max(server_wait.unwrap_or_default())
        .min(shared.config.schedule.max_interval);
    job.attempts += 1;
    job.not_before = chrono::Duration::from_std(wait)
        .ok()
        .and_then(|d| Utc::now().checked_add_signed(d));
    ArticleOutcome::Retry { job, reason }
}
