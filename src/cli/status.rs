//! `newswire status`: what the state store knows, without starting a worker.

use std::process::ExitCode;

use anyhow::Context;
use newswire::Config;
use newswire::state::{StateError, StatusReport, Store};

/// The report of the worker that holds the store, from `/status` on its
/// ops endpoint (an unspecified listen address is asked on loopback).
fn from_endpoint(addr: std::net::SocketAddr) -> anyhow::Result<StatusReport> {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let url = format!("http://{addr}/status");
    let runtime = super::small_runtime()?;
    runtime.block_on(async {
        let response = reqwest::Client::builder()
            .no_proxy()
            .timeout(std::time::Duration::from_secs(10))
            .build()?
            .get(&url)
            .send()
            .await
            .with_context(|| format!("GET {url}"))?
            .error_for_status()
            .with_context(|| format!("GET {url}"))?;
        let body = response
            .bytes()
            .await
            .with_context(|| format!("GET {url}"))?;
        serde_json::from_slice::<StatusReport>(&body)
            .with_context(|| format!("GET {url}: not a status report"))
    })
}

/// Options of `newswire status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Print one JSON object (`state`, `bytes`, `feeds`: every feed's saved
    /// state, `articles`: counts by state) instead of text, for scripts.
    #[arg(long)]
    json: bool,
}

/// Prints every feed's health and schedule, then article counts. While a
/// worker holds the store, asks its ops endpoint instead.
pub fn run(config: &Config, args: &StatusArgs) -> anyhow::Result<ExitCode> {
    let report = match Store::open(&config.state.dir) {
        Ok(store) => store.report()?,
        Err(StateError::Locked { path }) => match config.ops.listen_addr() {
            Some(addr) => from_endpoint(addr).with_context(|| {
                format!(
                    "state store {} is in use by a running worker, and its ops endpoint did not answer",
                    path.display()
                )
            })?,
            None => return Err(StateError::Locked { path }.into()),
        },
        Err(e) => return Err(e.into()),
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    let StatusReport {
        state,
        bytes,
        feeds,
        articles: counts,
    } = report;
    println!("state: {} ({} bytes)", state.display(), bytes);
    for f in &feeds {
        let due = f
            .next_due
            .map_or_else(|| "-".to_owned(), |d| d.to_rfc3339());
        println!(
            "{url}\n  last: {status:?}{error}  polls: {polls}  failures: {failures}  error streak: {streak}\n  articles: {articles}  skipped entries: {skipped}  filtered: {filtered}  next due: {due}",
            url = f.url,
            status = f.last_status,
            error = f
                .last_error
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default(),
            polls = f.polls,
            failures = f.failures,
            streak = f.error_streak,
            articles = f.articles,
            skipped = f.skipped_entries,
            filtered = f.filtered_entries,
        );
    }
    println!(
        "feeds: {}; articles: {} delivered, {} dead-lettered, {} pending",
        feeds.len(),
        counts.delivered,
        counts.dead_lettered,
        counts.pending
    );
    Ok(ExitCode::SUCCESS)
}
