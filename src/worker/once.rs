//! `newswire once`: poll every feed once, write every new article, exit.
//!
//! It is the daemon's topology ([`super::run`](mod@super::run)) with a scheduler that hands
//! out every feed once. Articles left pending by an earlier interrupted run
//! are resumed too, so a crash loses nothing even when the feeds now answer
//! 304. Records are flushed to every sink in batches, and only then marked
//! done in the state store: running `once` twice writes no record twice.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::WorkerError;
use super::run::{Mode, run_mode};
use super::writer::Summary;
use crate::config::Config;

/// Hooks for showing how far a pass is; `once` draws a progress bar with
/// them when stderr is a terminal. Every method defaults to doing nothing.
pub trait Progress: Send + Sync {
    /// The pass will poll `total` feeds.
    fn feeds(&self, _total: u64) {}
    /// One feed poll finished.
    fn feed_done(&self) {}
    /// `n` more articles are queued (resumed or found in a feed).
    fn articles(&self, _n: u64) {}
    /// One article was written, dead-lettered or skipped.
    fn article_done(&self) {}
}

/// No progress display.
impl Progress for () {}

/// Runs one pass over every feed and returns when every new article is
/// written or dead-lettered (or, after `shutdown`, drained). With `listen`,
/// the ops endpoint serves `/metrics` for the length of the pass.
pub async fn run_once(
    config: &Config,
    listen: Option<SocketAddr>,
    progress: Arc<dyn Progress>,
    shutdown: CancellationToken,
) -> Result<Summary, WorkerError> {
    run_mode(config, Mode::Once, shutdown, listen, progress).await
}
