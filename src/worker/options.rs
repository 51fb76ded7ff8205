//! What a `[[feeds]]` table asks of the requests and extraction of its
//! articles, parsed once at start and looked up by feed URL.

use std::collections::HashMap;
use std::sync::Arc;

use reqwest::header::HeaderMap;

use crate::config::Config;
use crate::extract::content::ContentSelector;

/// One feed's options beyond its URL and schedule.
#[derive(Debug, Clone, Default)]
pub struct FeedOptions {
    /// Where the article text is on this feed's pages (`content_selector`).
    pub selector: Option<ContentSelector>,
    /// Headers for the feed's requests and its articles' (`headers`).
    pub headers: Option<Arc<HeaderMap>>,
}

/// The options of every feed that has some, by feed URL. The
/// configuration was validated, so each parses; one that does not (a
/// config built in code) is left out with a log line.
pub fn feed_options(config: &Config) -> HashMap<String, FeedOptions> {
    config
        .feeds
        .iter()
        .filter_map(|f| {
            let selector = f.content_selector.as_deref().and_then(|source| {
                ContentSelector::parse(source)
                    .inspect_err(|e| tracing::warn!(feed = %f.url, "content_selector ignored: {e}"))
                    .ok()
            });
            let headers = (!f.headers.is_empty())
                .then(|| crate::fetch::client::header_map(&f.headers))
                .and_then(|map| {
                    map.inspect_err(|e| tracing::warn!(feed = %f.url, "headers ignored: {e}"))
                        .ok()
                })
                .map(Arc::new);
            (selector.is_some() || headers.is_some())
                .then(|| (f.url.clone(), FeedOptions { selector, headers }))
        })
        .collect()
}
