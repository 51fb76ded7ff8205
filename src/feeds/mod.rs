//! Feeds: where article links come from.
//!
//! - [`parse`]: feed bytes (RSS 0.9x/1.0/2.0, Atom, JSON Feed) → entries,
//!   with the repairs real feeds need before feed-rs accepts them.
//! - [`opml`]: feed lists from OPML files.
//! - [`list`]: the configured feeds plus the OPML ones, de-duplicated.
//! - [`discover`]: a site's feeds from one of its pages (`feeds discover`).

pub mod discover;
pub mod list;
pub mod opml;
pub mod parse;

pub use parse::{FeedEntry, FeedError, ParsedFeed, parse_feed};
