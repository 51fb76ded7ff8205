//! The feed list: `[[feeds]]` plus `feeds_opml`, de-duplicated by URL.

use std::collections::HashSet;

use super::opml::{OpmlError, read_opml};
use crate::config::{Config, FeedConfig};

/// Every feed the worker polls. A feed listed twice keeps its first entry
/// (the config's, which can carry an interval and tags).
pub fn feed_list(config: &Config) -> Result<Vec<FeedConfig>, OpmlError> {
    let mut feeds = config.feeds.clone();
    if let Some(path) = &config.feeds_opml {
        feeds.extend(read_opml(path)?);
    }
    let mut seen = HashSet::new();
    feeds.retain(|f| seen.insert(f.url.clone()));
    Ok(feeds)
}
