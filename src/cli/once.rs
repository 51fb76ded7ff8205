//! `newswire once`: one pass over every feed, then a summary on stderr.

use std::process::ExitCode;

use anyhow::Context;
use newswire::Config;

/// Polls every feed once and writes every new article.
pub fn run(config: &Config) -> anyhow::Result<ExitCode> {
    if config.feeds.is_empty() && config.feeds_opml.is_none() {
        anyhow::bail!("no feeds configured: add [[feeds]] url = \"…\" or feeds_opml to the config");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let summary = runtime.block_on(newswire::worker::run_once(config))?;
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
