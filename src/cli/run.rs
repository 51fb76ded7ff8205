//! `newswire run`: the daemon, until SIGINT or SIGTERM.
//!
//! The first signal starts a graceful shutdown (stop taking work, drain
//! within `worker.grace_period`, flush, save state). A second signal exits
//! at once; the state store is still consistent and whatever was in flight
//! is fetched again at the next start.
//!
//! SIGHUP reloads the configuration: the worker drains as for a shutdown,
//! then starts again in the same process with the file read anew (feeds,
//! filters, sinks, limits; the log settings stay as they were at start). A
//! file that no longer loads is reported and the running configuration
//! kept. Nothing is lost in between: what was pending stays pending in the
//! state store.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use newswire::Config;
use newswire::config::ConfigError;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Runs the worker until told to stop; `reload` reads the configuration
/// again on SIGHUP.
pub fn run(
    config: Config,
    reload: impl Fn() -> Result<Config, ConfigError>,
) -> anyhow::Result<ExitCode> {
    super::once::require_feeds(&config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let shutdown = CancellationToken::new();
        tokio::spawn(watch_signals(shutdown.clone()));
        let hangup = Arc::new(Notify::new());
        tokio::spawn(watch_hangup(Arc::clone(&hangup)));
        let mut config = config;
        loop {
            let round = shutdown.child_token();
            let worker = tokio::spawn({
                let (config, round) = (config.clone(), round.clone());
                async move { newswire::worker::run(&config, round).await }
            });
            let reloading = tokio::select! {
                () = hangup.notified() => {
                    round.cancel();
                    true
                }
                // Shutdown, or the worker ended on its own (an error).
                () = round.cancelled() => false,
            };
            let summary = worker.await.context("the worker task failed")??;
            log_summary(&summary);
            if !reloading || shutdown.is_cancelled() {
                return Ok(ExitCode::SUCCESS);
            }
            match reload().map_err(anyhow::Error::from).and_then(|c| {
                super::once::require_feeds(&c)?;
                Ok(c)
            }) {
                Ok(new) => {
                    tracing::info!(feeds = new.feeds.len(), "configuration reloaded");
                    config = new;
                }
                Err(e) => tracing::error!(
                    "configuration not reloaded, going on with the running one: {}",
                    super::one_line(&e)
                ),
            }
        }
    })
}

fn log_summary(summary: &newswire::worker::Summary) {
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
}

/// Wakes the run loop on every SIGHUP.
async fn watch_hangup(hangup: Arc<Notify>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP: the configuration cannot be reloaded");
            return;
        };
        while hup.recv().await.is_some() {
            tracing::info!("SIGHUP received: draining, then reloading the configuration");
            hangup.notify_one();
        }
    }
    #[cfg(not(unix))]
    let _ = hangup;
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
