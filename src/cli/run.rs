//! `newswire run`: the daemon, until SIGINT or SIGTERM.
//!
//! The first signal starts a graceful shutdown (stop taking work, drain
//! within `worker.grace_period`, flush, save state). A second signal exits
//! at once; the state store is still consistent and whatever was in flight
//! is fetched again at the next start.

use std::process::ExitCode;

use anyhow::Context;
use newswire::Config;
use tokio_util::sync::CancellationToken;

/// Runs the worker until told to stop.
pub fn run(config: &Config) -> anyhow::Result<ExitCode> {
    super::once::require_feeds(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let summary = runtime.block_on(async {
        let shutdown = CancellationToken::new();
        tokio::spawn(watch_signals(shutdown.clone()));
        newswire::worker::run(config, shutdown).await
    })?;
    tracing::info!(
        feeds_ok = summary.feeds_ok,
        feeds_not_modified = summary.feeds_not_modified,
        feeds_failed = summary.feeds_failed,
        articles_written = summary.articles_written,
        articles_failed = summary.articles_failed,
        articles_duplicate = summary.articles_duplicate,
        articles_deferred = summary.articles_deferred,
        "worker stopped"
    );
    Ok(ExitCode::SUCCESS)
}

/// Cancels `shutdown` on the first SIGINT/SIGTERM; exits on the second.
pub(super) async fn watch_signals(shutdown: CancellationToken) {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    for count in 0.. {
        #[cfg(unix)]
        let signal = tokio::select! {
            _ = tokio::signal::ctrl_c() => "SIGINT",
            Some(()) = async { term.as_mut()?.recv().await } => "SIGTERM",
        };
        #[cfg(not(unix))]
        let signal = {
            let _ = tokio::signal::ctrl_c().await;
            "SIGINT"
        };
        if count == 0 {
            tracing::info!("{signal} received: shutting down (send again to stop at once)");
            shutdown.cancel();
        } else {
            tracing::warn!("{signal} received again: stopping now");
            std::process::exit(130);
        }
    }
}
