//! One article: robots.txt, polite fetch, extraction.

use chrono::Utc;
use url::Url;

use super::{Shared, WorkerError, polite_get};
use crate::extract::Page;
use crate::fetch::{Request, retry};
use crate::ops::metrics;
use crate::record::{Article, HttpInfo, Status};
use crate::sinks::ArchivedPage;
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
        /// The fetched page, for the archive (`[archive]`), when it is on.
        page: Option<Box<ArchivedPage>>,
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
pub async fn process(shared: &Shared, mut job: ArticleJob) -> Result<ArticleOutcome, WorkerError> {
    let url = match Url::parse(&job.url) {
        Ok(u) => u,
        Err(e) => {
            return Ok(ArticleOutcome::Dead {
                reason: format!("bad article URL {}: {e}", job.url),
                job,
            });
        }
    };
    // A feed whose entries carry the whole article (`prefer_feed_content`):
    // the record comes from the entry and the page is not asked for, unless
    // the entry holds only a teaser.
    if job.prefer_feed_content
        && let Some(content) = job.feed_content.take()
        && let Some(record) = from_feed_content(shared, &job, &content).await?
    {
        metrics::count(metrics::ARTICLES_FROM_FEED);
        return deliver(shared, job, record, None).await;
    }
    if let Some(robots) = &shared.robots {
        let verdict = robots.check(&shared.fetcher, &url).await;
        if !verdict.allowed {
            return Ok(match verdict.unavailable {
                Some(why) => {
                    later(
                        shared,
                        job,
                        format!("robots.txt could not be read ({why}); {url} not fetched"),
                        None,
                    )
                    .await?
                }
                None => give_up(shared, job, format!("robots.txt disallows {url}")).await?,
            });
        }
        if let Some(delay) = verdict.crawl_delay {
            let host = url.host_str().unwrap_or_default();
            shared
                .hosts
                .pause(host, delay.min(std::time::Duration::from_secs(60)));
        }
    }
    let options = shared.feed_options.get(&job.feed.url);
    let request = Request {
        headers: options.and_then(|o| o.headers.clone()),
        ..Request::default()
    };
    let page = match polite_get(shared, &url, &request).await {
        Ok(page) => page,
        Err(e) if retry::is_transient(&e) => {
            let wait = retry::retry_after(&e);
            return later(shared, job, e.to_string(), wait).await;
        }
        Err(e) => return give_up(shared, job, e.to_string()).await,
    };
    let fetched_at = Utc::now();
    let archived = shared
        .config
        .archive
        .dir
        .is_some()
        .then(|| Box::new(ArchivedPage::of(&page, fetched_at)));
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
        fetched_at,
        content_selector: options.and_then(|o| o.selector.clone()),
        remove_selector: options.and_then(|o| o.remove.clone()),
    };
    metrics::count(metrics::ARTICLES_FETCHED);
    let record = extract(shared, input).await?;
    // Bytes that are not a readable page (empty, binary) make no record.
    if record.status == Status::Error {
        let reason = format!("cannot read {}: {}", job.url, record.warnings.join("; "));
        return give_up(shared, job, reason).await;
    }
    deliver(shared, job, record, archived).await
}

/// Runs the pipeline on the blocking pool, within the extraction permits.
async fn extract(shared: &Shared, input: Page) -> Result<Article, WorkerError> {
    let pipeline = shared.pipeline.clone();
    // A closed semaphore only happens at shutdown: extract anyway.
    let _permit = shared.extract_permits.acquire().await.ok();
    let started = std::time::Instant::now();
    let record = tokio::task::spawn_blocking(move || pipeline.run(input)).await?;
    metrics::step("extract", started.elapsed());
    metrics::count(metrics::ARTICLES_EXTRACTED);
    Ok(record)
}

/// A final failure: the article from its feed entry's content when the
/// entry carries the full text (`fetch.feed_content_fallback`) and it reads
/// as an article, else the dead letter.
async fn give_up(
    shared: &Shared,
    mut job: ArticleJob,
    reason: String,
) -> Result<ArticleOutcome, WorkerError> {
    let content = match job.feed_content.take() {
        Some(content) if shared.config.fetch.feed_content_fallback => content,
        _ => return Ok(ArticleOutcome::Dead { job, reason }),
    };
    let Some(mut record) = from_feed_content(shared, &job, &content).await? else {
        return Ok(ArticleOutcome::Dead { job, reason });
    };
    record.warnings.push(format!(
        "text from the feed entry: the page could not be fetched ({reason})"
    ));
    metrics::count(metrics::ARTICLES_FROM_FEED);
    deliver(shared, job, record, None).await
}

/// The record extracted from a feed entry's content (with the entry's
/// title), when it reads as an article rather than a teaser. The feed's
/// `remove_selector` applies (feeds carry furniture too: "The post …
/// appeared first on …"); its `content_selector`, made for the pages'
/// layout, does not.
async fn from_feed_content(
    shared: &Shared,
    job: &ArticleJob,
    content: &str,
) -> Result<Option<Article>, WorkerError> {
    let title = job.feed.entry_title.as_deref().unwrap_or_default();
    let html = format!(
        "<html><head><title>{}</title></head><body><article>{content}</article></body></html>",
        escape_text(title)
    );
    let mut page = Page::from_bytes(html.into_bytes(), Url::parse(&job.url).ok());
    page.remove_selector = shared
        .feed_options
        .get(&job.feed.url)
        .and_then(|o| o.remove.clone());
    let record = extract(shared, page).await?;
    Ok((record.status == Status::Ok).then_some(record))
}

/// `<`, `>` and `&` as entities, for text put into HTML.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The record of `job`, with its feed (and the entry's date when the page
/// gave none), unless its canonical article was delivered already under
/// another link.
async fn deliver(
    shared: &Shared,
    mut job: ArticleJob,
    mut record: Article,
    page: Option<Box<ArchivedPage>>,
) -> Result<ArticleOutcome, WorkerError> {
    // The record is made: the entry's content has done its part.
    job.feed_content = None;
    if record.published.is_none()
        && let Some(at) = job.feed.entry_published
        && at <= crate::extract::metadata::dates::latest(Utc::now())
    {
        record.published = Some(crate::record::DateField {
            value: at.to_rfc3339(),
            raw: at.to_rfc3339(),
            source: crate::record::DateSource::Feed,
        });
    }
    record.feed = Some(job.feed.clone());
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
        page,
    })
}

/// A transient failure: try the article again later (after
/// `fetch.retry_later_delay × 2^attempts`, or the server's `Retry-After` when
/// longer), or give up once `fetch.retries_later` later attempts are used.
async fn later(
    shared: &Shared,
    mut job: ArticleJob,
    reason: String,
    server_wait: Option<std::time::Duration>,
) -> Result<ArticleOutcome, WorkerError> {
    let fetch = &shared.config.fetch;
    if job.attempts >= fetch.retries_later {
        let reason = if job.attempts > 0 {
            format!("{reason} (gave up after {} later attempts)", job.attempts)
        } else {
            reason
        };
        return give_up(shared, job, reason).await;
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
    Ok(ArticleOutcome::Retry { job, reason })
}
