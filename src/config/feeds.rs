//! `[[feeds]]` and `feeds_opml`: which feeds the worker polls.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One feed to poll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// The feed's URL (RSS, Atom or JSON Feed).
    pub url: String,
    /// A fixed polling interval for this feed, overriding the adaptive one
    /// (still bounded by `schedule.min_interval`).
    #[serde(
        default,
        with = "humantime_serde",
        skip_serializing_if = "Option::is_none"
    )]
    pub interval: Option<Duration>,
    /// Labels copied into every record from this feed (`feed.tags`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Entries of this feed matching any of these rules are skipped, besides
    /// `filter.block` (`url:REGEX`, `title:REGEX`, `category:REGEX`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub block: Vec<String>,
    /// When set, only entries of this feed matching one of these rules are
    /// kept (and `filter.keep` applies as well).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keep: Vec<String>,
    /// Make each record from its entry's full content in the feed
    /// (`content:encoded`, Atom `<content>`, JSON Feed `content_html`)
    /// instead of fetching the page: for feeds that carry whole articles,
    /// one request per poll instead of one per article. An entry without
    /// content, or with only a teaser, is fetched as usual.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prefer_feed_content: bool,
    /// A CSS selector for the article's text on this feed's pages
    /// (Miniflux's scraper rules), for a site the general rules misread.
    /// A page it matches no text on is extracted as usual, with a warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_selector: Option<String>,
    /// A CSS selector for elements to leave out of this feed's pages
    /// (Miniflux's `remove()` rewrite rule, trafilatura's `prune_xpath`):
    /// a site's widget that the general rules keep as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_selector: Option<String>,
    /// HTTP headers sent with this feed's requests and its articles'
    /// (Miniflux's per-feed cookie and user agent): a consent cookie for
    /// a site that otherwise serves its consent wall, another
    /// `User-Agent`, an `Authorization` for a private feed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

impl FeedConfig {
    /// A feed with no options, e.g. from an OPML file.
    pub fn new(url: impl Into<String>) -> FeedConfig {
        FeedConfig {
            url: url.into(),
            interval: None,
            tags: Vec::new(),
            block: Vec::new(),
            keep: Vec::new(),
            prefer_feed_content: false,
            content_selector: None,
            remove_selector: None,
            headers: BTreeMap::new(),
        }
    }

    /// Adds every problem with this feed to `problems`; `index` locates it
    /// (`feeds[3].url`).
    pub(crate) fn validate(&self, index: usize, problems: &mut Vec<String>) {
        if let Some(problem) = self.url_problem() {
            problems.push(format!("feeds[{index}].url {problem}"));
        }
        if self.interval.is_some_and(|d| d.is_zero()) {
            problems.push(format!("feeds[{index}].interval must be greater than 0"));
        }
        crate::feeds::filter::check_rules(&format!("feeds[{index}].block"), &self.block, problems);
        crate::feeds::filter::check_rules(&format!("feeds[{index}].keep"), &self.keep, problems);
        for (key, selector) in [
            ("content_selector", &self.content_selector),
            ("remove_selector", &self.remove_selector),
        ] {
            if let Some(Err(e)) = selector
                .as_deref()
                .map(crate::extract::content::ContentSelector::parse)
            {
                problems.push(format!("feeds[{index}].{key}: {e}"));
            }
        }
        if let Err(e) = crate::fetch::client::header_map(&self.headers) {
            problems.push(format!("feeds[{index}].headers: {e}"));
        }
    }

    /// What is wrong with the URL, naming it, if anything: public so that
    /// `feeds import` refuses what `check-config` would.
    pub fn url_problem(&self) -> Option<String> {
        super::http_url_problem(&self.url)
    }
}
