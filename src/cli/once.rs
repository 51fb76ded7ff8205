//! `newswire once`: one pass over every feed, then a summary on stderr, with
//! a progress bar when stderr is a terminal.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use newswire::Config;
use newswire::worker::Progress;
use tokio_util::sync::CancellationToken;

/// Options of `once`.
#[derive(Debug, Args)]
pub struct OnceArgs {
    /// Serve /metrics, /healthz and /readyz on this address during the pass.
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// No progress bar, even on a terminal.
    #[arg(long)]
    no_progress: bool,
}

/// Polls every feed once and writes every new article.
pub fn run(config: &Config, args: OnceArgs) -> anyhow::Result<ExitCode> {
    require_feeds(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let bar = (!args.no_progress && std::io::stderr().is_terminal()).then(|| Arc::new(Bar::new()));
    let progress: Arc<dyn Progress> = match &bar {
        Some(bar) => Arc::clone(bar) as Arc<dyn Progress>,
        None => Arc::new(()),
    };
    let summary = runtime.block_on(async {
        let shutdown = CancellationToken::new();
        tokio::spawn(super::run::watch_signals(shutdown.clone()));
        newswire::worker::run_once(config, args.listen, progress, shutdown).await
    });
    if let Some(bar) = &bar {
        bar.bar.finish_and_clear();
    }
    let summary = summary?;
    eprintln!(
        "feeds: {} ok, {} not modified, {} failed; articles: {} written, {} failed, {} duplicate, {} to retry later",
        summary.feeds_ok,
        summary.feeds_not_modified,
        summary.feeds_failed,
        summary.articles_written,
        summary.articles_failed,
        summary.articles_duplicate,
        summary.articles_deferred
    );
    Ok(ExitCode::SUCCESS)
}

/// Fails with a helpful message when the config names no feed.
pub fn require_feeds(config: &Config) -> anyhow::Result<()> {
    if config.feeds.is_empty() && config.feeds_opml.is_none() {
        anyhow::bail!("no feeds configured: add [[feeds]] url = \"…\" or feeds_opml to the config");
    }
    Ok(())
}

/// A progress bar on stderr over feeds and articles together; the message
/// gives each count.
struct Bar {
    bar: ProgressBar,
    feeds: AtomicU64,
    feeds_done: AtomicU64,
    articles: AtomicU64,
    articles_done: AtomicU64,
}

impl Bar {
    fn new() -> Bar {
        let bar = ProgressBar::new(0);
        let style = ProgressStyle::with_template("[{bar:30}] {msg} ({elapsed})")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Bar {
            bar,
            feeds: AtomicU64::new(0),
            feeds_done: AtomicU64::new(0),
            articles: AtomicU64::new(0),
            articles_done: AtomicU64::new(0),
        }
    }

    fn redraw(&self) {
        let n = |a: &AtomicU64| a.load(Ordering::Relaxed);
        self.bar.set_message(format!(
            "feeds {}/{} · articles {}/{}",
            n(&self.feeds_done),
            n(&self.feeds),
            n(&self.articles_done),
            n(&self.articles)
        ));
    }
}

impl Progress for Bar {
    fn feeds(&self, total: u64) {
        self.feeds.fetch_add(total, Ordering::Relaxed);
        self.bar.inc_length(total);
        self.redraw();
    }
    fn feed_done(&self) {
        self.feeds_done.fetch_add(1, Ordering::Relaxed);
        self.bar.inc(1);
        self.redraw();
    }
    fn articles(&self, n: u64) {
        self.articles.fetch_add(n, Ordering::Relaxed);
        self.bar.inc_length(n);
        self.redraw();
    }
    fn article_done(&self) {
        self.articles_done.fetch_add(1, Ordering::Relaxed);
        self.bar.inc(1);
        self.redraw();
    }
}
