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
    /// What to leave out of this feed's pages (`remove_selector`).
    pub remove: Option<ContentSelector>,
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
            let parse = |key: &str, source: &Option<String>| {
                source.as_deref().and_then(|source| {
                    ContentSelector::parse(source)
                        .inspect_err(|e| tracing::warn!(feed = %f.url, "{key} ignored: {e}"))
                        .ok()
                })
            };
            let selector = parse("content_selector", &f.content_selector);
            let remove = parse("remove_selector", &f.remove_selector);
            let headers = (!f.headers.is_empty())
                .then(|| crate::fetch::client::header_map(&f.headers))
                .and_then(|map| {
                    map.inspect_err(|e| tracing::warn!(feed = %f.url, "headers ignored: {e}"))
                        .ok()
                })
                .map(Arc::new);
            let options = FeedOptions {
                selector,
                remove,
                headers,
            };
            (options.selector.is_some() || options.remove.is_some() || options.headers.is_some())
                .then(|| (f.url.clone(), options))
        })
        .collect()
}
