//! `newswire once`: one pass over every feed, then a summary on stderr, with
//! a progress bar when stderr is a terminal.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use newswire::Config;
use newswire::worker::Progress;

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
    let bar = (!args.no_progress && std::io::stderr().is_terminal()).then(Bar::new);
    let progress: &dyn Progress = match &bar {
        Some(bar) => bar,
        None => &(),
    };
    let summary = runtime.block_on(newswire::worker::run_once(config, args.listen, progress));
    if let Some(bar) = &bar {
        bar.0.finish_and_clear();
    }
    let summary = summary?;
    eprintln!(
        "feeds: {} ok, {} not modified, {} failed; articles: {} written, {} failed, {} duplicate",
        summary.feeds_ok,
        summary.feeds_not_modified,
        summary.feeds_failed,
        summary.articles_written,
        summary.articles_failed,
        summary.articles_duplicate
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

/// A progress bar on stderr: feeds first, then articles.
struct Bar(ProgressBar);

impl Bar {
    fn new() -> Bar {
        let bar = ProgressBar::new(0);
        let style = ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} {elapsed}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Bar(bar)
    }
}

impl Progress for Bar {
    fn feeds(&self, total: u64) {
        self.0.set_prefix("feeds");
        self.0.set_length(total);
    }
    fn feed_done(&self) {
        self.0.inc(1);
    }
    fn articles(&self, n: u64) {
        self.0.set_prefix("articles");
        self.0.set_position(0);
        self.0.set_length(n);
    }
    fn article_done(&self) {
        self.0.inc(1);
    }
}
