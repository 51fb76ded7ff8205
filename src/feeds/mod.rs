//! Feeds: where article links come from.
//!
//! - [`parse`]: feed bytes (RSS 0.9x/1.0/2.0, Atom, JSON Feed, sitemaps) → entries,
//!   with the repairs real feeds need before feed-rs accepts them.
//! - [`repair`]: what feed-rs needs done to real feeds before it reads them.
//! - [`sitemap`]: sitemaps (news sitemaps above all) read as feeds.
//! - [`opml`]: feed lists from OPML files.
//! - [`list`]: the configured feeds plus the OPML ones, de-duplicated.
//! - [`discover`]: a site's feeds from one of its pages (`feeds discover`).
//! - [`filter`]: which entries become articles (block and keep rules, age).

pub mod discover;
pub mod filter;
pub mod list;
pub mod opml;
pub mod parse;
pub mod repair;
pub mod sitemap;

pub use parse::{FeedEntry, FeedError, ParsedFeed, parse_feed};
