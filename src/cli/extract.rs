//! `newswire extract`: saved pages (or one URL) → one record per input.
//!
//! Exactly one JSON line per input, in input order, even for inputs that
//! cannot be read: those get `status: "error"` and a warning, and the exit
//! code is 1 at the end. This makes the output joinable with the input list.

use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use newswire::extract::Page;
use newswire::fetch::Fetcher;
use newswire::record::{Article, HttpInfo, Status};
use newswire::sinks::{NdjsonWriter, SinkError};
use newswire::{Config, Pipeline};
use url::Url;

/// Arguments of `newswire extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The page's URL: resolves relative links and gives the record its id.
    /// Alone (no FILE), the page is fetched from it.
    #[arg(long, value_name = "URL")]
    url: Option<Url>,
    /// HTML files, plain or gzip-compressed; `-` reads stdin.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// Runs the extraction and prints the records.
pub fn run(config: &Config, args: ExtractArgs) -> anyhow::Result<ExitCode> {
    if args.files.is_empty() && args.url.is_none() {
        anyhow::bail!("nothing to extract: give one or more FILEs, `-` for stdin, or --url URL");
    }
    if args.url.is_some() && args.files.len() > 1 {
        anyhow::bail!(
            "--url names one page; it cannot be used with {} files",
            args.files.len()
        );
    }
    let pipeline = Pipeline::new(&config.extract);
    let stdout = io::stdout();
    let mut out = NdjsonWriter::new(BufWriter::new(stdout.lock()), "stdout");
    let mut failed = 0usize;
    if let Err(e) = extract_all(config, &args, &pipeline, &mut out, &mut failed) {
        // A closed pipe (`| head`) ends the run quietly; anything else is an error.
        if !e
            .downcast_ref::<SinkError>()
            .is_some_and(SinkError::is_broken_pipe)
        {
            return Err(e);
        }
    }
    if failed > 0 {
        tracing::warn!(failed, "some inputs could not be extracted");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Extracts every input in order and writes its record; counts failures.
fn extract_all(
    config: &Config,
    args: &ExtractArgs,
    pipeline: &Pipeline,
    out: &mut NdjsonWriter<impl Write>,
    failed: &mut usize,
) -> anyhow::Result<()> {
    let mut emit = |record: Article| -> Result<(), SinkError> {
        if record.status == Status::Error {
            *failed += 1;
            tracing::warn!(id = %record.id, url = ?record.url, warnings = ?record.warnings, "input failed");
        }
        out.write(&record)
    };
    if args.files.is_empty() {
        let url = args.url.clone().context("--url is required without FILE")?;
        emit(fetch_and_extract(config, pipeline, url)?)?;
    }
    for path in &args.files {
        let record = match read_input(path) {
            Ok(bytes) => pipeline.run(Page::from_bytes(bytes, args.url.clone())),
            Err(e) => error_record(
                args.url.as_ref(),
                &path.to_string_lossy(),
                format!("cannot read {}: {e}", path.display()),
            ),
        };
        emit(record)?;
    }
    out.flush()?;
    Ok(())
}

/// Reads a file, or stdin for `-`.
fn read_input(path: &PathBuf) -> io::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::stdin().lock().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path)
    }
}

/// Fetches `url` and extracts it; a fetch failure becomes an error record.
fn fetch_and_extract(config: &Config, pipeline: &Pipeline, url: Url) -> anyhow::Result<Article> {
    let runtime = super::small_runtime()?;
    let fetcher = Fetcher::new(&config.fetch)?;
    let fetched = runtime.block_on(fetcher.get(&url));
    Ok(match fetched {
        Ok(page) => {
            let http = HttpInfo {
                status: page.status,
                content_type: page.content_type.clone(),
                charset: None,
                bytes: page.body.len() as u64,
                elapsed_ms: page.elapsed.as_millis() as u64,
            };
            pipeline.run(Page {
                bytes: page.body,
                url: Some(page.url),
                final_url: Some(page.final_url),
                fetched_at: chrono::Utc::now(),
                http: Some(http),
            })
        }
        Err(e) => error_record(Some(&url), url.as_str(), e.to_string()),
    })
}

/// The record for an input that could not be read at all. Without a URL
/// its id derives from `name` (the path), so it is stable across runs.
fn error_record(url: Option<&Url>, name: &str, warning: String) -> Article {
    let mut record =
        Pipeline::new(&Default::default()).run(Page::from_bytes(Vec::new(), url.cloned()));
    if url.is_none() {
        record.id = newswire::canonical::content_id(name.as_bytes());
    }
    record.warnings = vec![warning];
    record.status = Status::Error;
    record
}
