//! `newswire status`: what the state store knows, without starting a worker.

use std::process::ExitCode;

use newswire::Config;
use newswire::state::Store;

/// Options of `newswire status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Print one JSON object (`state`, `bytes`, `feeds`: every feed's saved
    /// state, `articles`: counts by state) instead of text, for scripts.
    #[arg(long)]
    json: bool,
}

/// Prints every feed's health and schedule, then article counts.
pub fn run(config: &Config, args: &StatusArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open(&config.state.dir)?;
    let mut feeds = store.feeds()?;
    feeds.sort_by(|a, b| a.url.cmp(&b.url));
    if args.json {
        let report = serde_json::json!({
            "state": store.path(),
            "bytes": store.file_size(),
            "feeds": feeds,
            "articles": store.article_counts()?,
        });
        println!("{report}");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "state: {} ({} bytes)",
        store.path().display(),
        store.file_size()
    );
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
    let counts = store.article_counts()?;
    println!(
        "feeds: {}; articles: {} delivered, {} dead-lettered, {} pending",
        feeds.len(),
        counts.delivered,
        counts.dead_lettered,
        counts.pending
    );
    Ok(ExitCode::SUCCESS)
}
