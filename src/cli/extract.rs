//! `newswire extract`: saved pages (or one URL) → one record per input.
//!
//! Exactly one JSON line per input, in input order, even for inputs that
//! cannot be read: those get `status: "error"` and a warning, and the exit
//! code is 1 at the end. This makes the output joinable with the input list.
//! A web archive (WARC, plain or gzip, told by its first bytes) is the
//! exception: one line per HTML page it holds, in archive order, and one
//! error line if it breaks part way.

use std::io::{self, BufRead, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use newswire::extract::Page;
use newswire::extract::content::ContentSelector;
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
    /// HTML files, plain or gzip-compressed, or web archives (WARC, plain
    /// or gzip: every `200` HTML response in them); `-` reads stdin.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// A CSS selector for the article's text (as a feed's
    /// `content_selector`): the text of the matching elements, in page
    /// order; a page it matches no text on is extracted as usual, with a
    /// warning.
    #[arg(long, value_name = "CSS", value_parser = parse_selector)]
    selector: Option<ContentSelector>,
    /// A CSS selector for elements to leave out (as a feed's
    /// `remove_selector`): a widget the general rules keep as text.
    #[arg(long, value_name = "CSS", value_parser = parse_selector)]
    remove: Option<ContentSelector>,
    /// Also write the main text as Markdown, in the record's `markdown`
    /// (as `[extract] markdown = true` does).
    #[arg(long)]
    markdown: bool,
}

fn parse_selector(s: &str) -> Result<ContentSelector, String> {
    ContentSelector::parse(s).map_err(|e| e.to_string())
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
    let mut extract = config.extract.clone();
    extract.markdown |= args.markdown;
    let pipeline = Pipeline::new(&extract);
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
    // Every page goes through here, so `--selector` reaches each.
    let run = |mut page: Page| {
        page.content_selector = args.selector.clone();
        page.remove_selector = args.remove.clone();
        pipeline.run(page)
    };
    let mut emit = |record: Article| -> Result<(), SinkError> {
        if record.status == Status::Error {
            *failed += 1;
            tracing::warn!(id = %record.id, url = ?record.url, warnings = ?record.warnings, "input failed");
        }
        out.write(&record)
    };
    if args.files.is_empty() {
        let url = args.url.clone().context("--url is required without FILE")?;
        emit(fetch_and_extract(config, &run, url)?)?;
    }
    for path in &args.files {
        let name = path.to_string_lossy();
        let unreadable = |e: io::Error| {
            error_record(
                args.url.as_ref(),
                &name,
                format!("cannot read {}: {e}", path.display()),
            )
        };
        let input = if path.as_os_str() == "-" {
            read_input(path).map(Input::Bytes)
        } else {
            archive::open(path)
        };
        match input {
            Ok(Input::Bytes(bytes)) if archive::is_archive(&bytes) => {
                let reader = archive::reader(io::Cursor::new(bytes));
                archive::extract(reader, &name, config, &run, &mut emit)?;
            }
            Ok(Input::Archive(reader)) => {
                archive::extract(reader, &name, config, &run, &mut emit)?;
            }
            Ok(Input::Bytes(bytes)) => emit(run(Page::from_bytes(bytes, args.url.clone())))?,
            Err(e) => emit(unreadable(e))?,
        }
    }
    out.flush()?;
    Ok(())
}

/// One input: a page's bytes, or a web archive to stream.
enum Input {
    Bytes(Vec<u8>),
    Archive(Box<dyn BufRead>),
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
fn fetch_and_extract(
    config: &Config,
    run: &dyn Fn(Page) -> Article,
    url: Url,
) -> anyhow::Result<Article> {
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
            run(Page {
                bytes: page.body,
                url: Some(page.url),
                final_url: Some(page.final_url),
                fetched_at: chrono::Utc::now(),
                http: Some(http),
                content_selector: None,
                remove_selector: None,
            })
        }
        Err(e) => error_record(Some(&url), url.as_str(), e.to_string()),
    })
}

/// Web archives (WARC) among the inputs: told from pages by their first
/// bytes, streamed record by record.
mod archive {
    use std::fs::File;
    use std::io::{self, BufRead, BufReader, Read};
    use std::path::Path;

    use flate2::read::{GzDecoder, MultiGzDecoder};
    use newswire::Config;
    use newswire::extract::Page;
    use newswire::fetch::warc::{self, WarcError};
    use newswire::record::Article;
    use newswire::sinks::SinkError;

    use super::{Input, error_record};

    /// Opens `path`: a web archive (plain or gzip) is streamed, anything
    /// else read whole.
    pub(super) fn open(path: &Path) -> io::Result<Input> {
        // Enough of a gzip member to inflate the record's first bytes.
        let mut head = Vec::with_capacity(512);
        File::open(path)?.take(512).read_to_end(&mut head)?;
        if is_archive(&head) {
            Ok(Input::Archive(reader(File::open(path)?)))
        } else {
            std::fs::read(path).map(Input::Bytes)
        }
    }

    /// Whether `bytes` (plain or gzip; the first bytes of a file will do)
    /// are a web archive.
    pub(super) fn is_archive(bytes: &[u8]) -> bool {
        if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut inner = Vec::with_capacity(8);
            // A cut or broken stream keeps what it inflated before the cut;
            // a gzip file that is not a WARC inside reads as not one.
            let _ = GzDecoder::new(bytes).take(8).read_to_end(&mut inner);
            warc::is_warc(&inner)
        } else {
            warc::is_warc(bytes)
        }
    }

    /// A reader of the archive's records, through every gzip member when
    /// compressed (each record is a member of its own).
    pub(super) fn reader(source: impl Read + 'static) -> Box<dyn BufRead> {
        let mut buffered = BufReader::with_capacity(1 << 16, source);
        let gzip = buffered
            .fill_buf()
            .is_ok_and(|b| b.starts_with(&[0x1f, 0x8b]));
        if gzip {
            Box::new(BufReader::with_capacity(
                1 << 16,
                MultiGzDecoder::new(buffered),
            ))
        } else {
            Box::new(buffered)
        }
    }

    /// Why reading an archive stopped.
    enum Stop {
        Sink(SinkError),
        Warc(WarcError),
    }

    impl From<WarcError> for Stop {
        fn from(e: WarcError) -> Stop {
            Stop::Warc(e)
        }
    }

    /// Extracts every HTML page of the archive `name` and emits its record;
    /// an archive broken part way emits an error record for the rest.
    pub(super) fn extract(
        reader: Box<dyn BufRead>,
        name: &str,
        config: &Config,
        run: &dyn Fn(Page) -> Article,
        emit: &mut impl FnMut(Article) -> Result<(), SinkError>,
    ) -> Result<(), SinkError> {
        let read = warc::read_pages(reader, config.extract.max_html_bytes, |page| {
            emit(run(page)).map_err(Stop::Sink)
        });
        match read {
            Ok(counts) => {
                tracing::info!(
                    archive = name,
                    records = counts.records,
                    pages = counts.pages,
                    not_ok = counts.not_ok,
                    not_html = counts.not_html,
                    unreadable = counts.unreadable,
                    "archive read"
                );
                Ok(())
            }
            Err(Stop::Sink(e)) => Err(e),
            Err(Stop::Warc(e)) => emit(error_record(None, name, format!("archive {name}: {e}"))),
        }
    }
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
