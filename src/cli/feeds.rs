//! `newswire feeds`: bring feed lists in.
//!
//! Both subcommands print `[[feeds]]` tables on stdout, ready to append to
//! the config file (`>> config/newswire.toml`), and say on stderr what they
//! left out and why. Neither edits a file: the config stays the user's, and
//! its comments survive.

use std::collections::HashSet;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use newswire::Config;
use newswire::config::FeedConfig;
use newswire::feeds::discover::{DiscoveredFeed, discover};
use newswire::feeds::list::feed_list;
use newswire::feeds::opml::{parse_opml, read_opml};
use newswire::fetch::Fetcher;
use newswire::fetch::robots::RobotsCache;
use serde::Serialize;
use url::Url;

/// Arguments of `newswire feeds`.
#[derive(Debug, Args)]
pub struct FeedsArgs {
    #[command(subcommand)]
    command: FeedsCommand,
}

#[derive(Debug, Subcommand)]
enum FeedsCommand {
    /// Print the feeds of an OPML file (a feed reader's export) as
    /// `[[feeds]]` config, folders as tags; feeds the config already
    /// lists are left out.
    Import {
        /// The OPML file; `-` reads stdin.
        #[arg(value_name = "OPML")]
        file: PathBuf,
        /// Print feeds the config already lists too.
        #[arg(long)]
        all: bool,
    },
    /// Find a site's feeds from one of its pages (its `<link
    /// rel="alternate">`, feed-like links, then common paths) and print
    /// each one that parses as `[[feeds]]` config.
    Discover {
        /// A page of the site, or a feed's own address.
        #[arg(value_name = "URL")]
        url: Url,
        /// One JSON object per feed instead of config.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `feeds import` or `feeds discover`.
pub fn run(config: &Config, args: FeedsArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        FeedsCommand::Import { file, all } => import(config, &file, all),
        FeedsCommand::Discover { url, json } => discover_feeds(config, &url, json),
    }
}

/// `feeds import`: OPML → `[[feeds]]` tables.
fn import(config: &Config, file: &Path, all: bool) -> anyhow::Result<ExitCode> {
    let feeds = if file.as_os_str() == "-" {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .context("cannot read OPML from stdin")?;
        parse_opml(&text).map_err(|e| anyhow::anyhow!("cannot parse OPML from stdin: {e}"))?
    } else {
        read_opml(file)?
    };
    let mut known: HashSet<String> = if all {
        HashSet::new()
    } else {
        configured_urls(config)
    };
    let (mut kept, mut listed, mut invalid) = (Vec::new(), 0usize, 0usize);
    for feed in feeds {
        if let Some(problem) = feed.url_problem() {
            tracing::warn!("skipped {problem}");
            invalid += 1;
        } else if known.insert(feed.url.clone()) {
            kept.push(feed);
        } else {
            listed += 1;
        }
    }
    print_config(&kept)?;
    eprintln!(
        "imported {} feeds; skipped {listed} already listed (or twice in the file) and {invalid} with an unusable URL",
        kept.len()
    );
    if kept.is_empty() && listed == 0 {
        anyhow::bail!("{} holds no feed that can be imported", file.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The URLs the config already polls. An unreadable `feeds_opml` is only a
/// warning here: the import must not fail for another file's sake.
fn configured_urls(config: &Config) -> HashSet<String> {
    let feeds = feed_list(config).unwrap_or_else(|e| {
        tracing::warn!("{e}; comparing with the [[feeds]] of the config only");
        config.feeds.clone()
    });
    feeds.into_iter().map(|f| f.url).collect()
}

/// `feeds discover`: a page → its feeds.
fn discover_feeds(config: &Config, url: &Url, json: bool) -> anyhow::Result<ExitCode> {
    let runtime = super::small_runtime()?;
    let fetcher = Fetcher::new(&config.fetch)?;
    let robots = config
        .fetch
        .robots
        .then(|| RobotsCache::new(&config.fetch.user_agent, config.fetch.robots_ttl));
    let found = runtime.block_on(discover(&fetcher, robots.as_ref(), url))?;
    let mut out = io::stdout().lock();
    for feed in &found {
        if json {
            serde_json::to_writer(&mut out, feed)?;
            writeln!(out)?;
        } else {
            writeln!(out, "# {}", describe(feed))?;
            print_to(&mut out, &[FeedConfig::new(feed.url.as_str())])?;
        }
    }
    out.flush().context("cannot write stdout")?;
    Ok(ExitCode::SUCCESS)
}

/// One comment line about a found feed: title, size, how it was found.
fn describe(feed: &DiscoveredFeed) -> String {
    // `parse_feed` has collapsed the title's white space: one line, as a
    // TOML comment must be.
    let title = feed
        .title
        .as_deref()
        .filter(|t| !t.is_empty())
        .unwrap_or("(untitled)");
    format!(
        "{title}: {} entries, {}",
        feed.entries,
        feed.found.describe()
    )
}

/// Prints `feeds` as `[[feeds]]` tables on stdout.
fn print_config(feeds: &[FeedConfig]) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    print_to(&mut out, feeds)?;
    out.flush().context("cannot write stdout")
}

/// Writes `feeds` as `[[feeds]]` tables, a blank line between them.
fn print_to(out: &mut impl Write, feeds: &[FeedConfig]) -> anyhow::Result<()> {
    #[derive(Serialize)]
    struct Tables<'a> {
        feeds: &'a [FeedConfig],
    }
    if feeds.is_empty() {
        return Ok(());
    }
    let text = toml::to_string(&Tables { feeds }).context("cannot write the feeds as TOML")?;
    out.write_all(text.as_bytes())
        .context("cannot write stdout")
}
