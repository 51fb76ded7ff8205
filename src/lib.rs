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
//! - [`extract`]: the [`Pipeline`] of extraction stages over one page.
//! - [`fetch`]: the HTTP client and charset detection.
//! - [`canonical`]: canonical URLs and stable record ids.
//! - [`config`]: the TOML configuration with `NEWSWIRE_*` overrides.
//! - [`sinks`]: NDJSON output.
//! - [`ops`]: logging (and later metrics and health).
//!
//! The `newswire` binary is a thin command line over this library.

pub mod canonical;
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
