//! newswire turns news feeds into clean, structured article records.
//!
//! The data flows in one direction, and the modules follow it:
//!
//! ```text
//! feeds ──► fetch ──► extract (clean → content → metadata → …) ──► sinks
//!                 config · state · ops beside
//! ```
//!
//! - [`record`]: the [`Article`] record, newswire's contract with its users.
//! - [`feeds`]: feed bodies (RSS, Atom, JSON Feed) and OPML lists → entries.
//! - [`fetch`]: the polite HTTP client (robots.txt, per-host pacing,
//!   retries) and charset detection.
//! - [`extract`]: the [`Pipeline`] of extraction stages over one page.
//! - [`sinks`]: where records go: stdout, rotating files, NATS JetStream.
//! - [`worker`]: `once` and `run`: polling, fetching, extraction and
//!   delivery as tasks over bounded channels, one shutdown token.
//! - [`state`]: what has been seen and delivered, across restarts.
//! - [`canonical`]: canonical URLs and stable record ids.
//! - [`config`]: the TOML configuration with `NEWSWIRE_*` overrides.
//! - [`ops`]: logging, Prometheus metrics and the health endpoints.
//! - [`cluster`]: several workers sharing the feeds through NATS JetStream.
//!
//! The `newswire` binary is a thin command line over this library.

#![warn(missing_docs)]

pub mod canonical;
pub mod cluster;
pub mod config;
pub mod extract;
pub mod feeds;
pub mod fetch;
pub mod ops;
pub mod record;
pub mod sinks;
pub mod state;
pub mod worker;

pub use config::Config;
pub use extract::{Page, Pipeline};
pub use record::Article;
