//! The extraction pipeline: page bytes in, one [`Article`] record out.
//!
//! A fixed, configurable list of stages runs over one [`Doc`] (the parsed
//! page plus the record being filled). Each stage is a plain function; a stage
//! that fails — or panics on input nobody foresaw — adds a warning and the
//! record still goes out. The same [`Pipeline`] serves `newswire extract` and
//! the daemon, so offline results are the daemon's results.
//!
//! Modules:
//! - [`input`]: bytes → text (gzip, size cap, binary check, charset).
//! - [`prestrip`]: script, style and SVG bodies cut before parsing, and
//!   nesting past a browser's depth limit flattened.
//! - [`doc`]: the parsed document shared by the stages.
//! - [`clean`], [`content`], [`metadata`]: the stages over the page.
//! - [`stages`]: the stages over the main text (language, entities, quotes,
//!   keywords, dedup).
//! - [`text`]: small text utilities shared by the stages.

pub mod clean;
pub mod content;
pub mod doc;
pub mod input;
pub mod metadata;
pub mod prestrip;
pub mod stages;
pub mod text;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use url::Url;

use crate::canonical;
use crate::config::{ExtractConfig, StageName};
use crate::record::{Article, HttpInfo, Status};

pub use doc::Doc;
pub use stages::dedup::{DedupEntry, SimHashIndex};

/// A page to extract: its bytes and what is known about where they came from.
#[derive(Debug, Clone)]
pub struct Page {
    /// Raw bytes: HTML, possibly gzip-compressed.
    pub bytes: Vec<u8>,
    /// The URL the page was linked as, when known.
    pub url: Option<Url>,
    /// The URL after redirects, when fetched.
    pub final_url: Option<Url>,
    /// When the bytes were fetched or read.
    pub fetched_at: DateTime<Utc>,
    /// Transport facts, when fetched over HTTP (charset is filled in here).
    pub http: Option<HttpInfo>,
    /// Where the article's text is on this page, when the user says so
    /// (see [`content::selector`]).
    pub content_selector: Option<content::ContentSelector>,
    /// Elements to leave out of this page, when the user says so (a
    /// feed's `remove_selector`): dropped before any stage runs.
    pub remove_selector: Option<content::ContentSelector>,
}

impl Page {
    /// A page read from disk or stdin, with an optional URL.
    pub fn from_bytes(bytes: Vec<u8>, url: Option<Url>) -> Page {
        Page {
            bytes,
            url,
            final_url: None,
            fetched_at: Utc::now(),
            http: None,
            content_selector: None,
            remove_selector: None,
        }
    }
}

/// Why a stage could not do its work on a document.
#[derive(Debug, thiserror::Error)]
#[error("stage {stage}: {message}")]
pub struct StageError {
    /// The stage that failed.
    pub stage: &'static str,
    /// What went wrong.
    pub message: String,
}

/// A stage: one plain function over the document.
type StageFn = fn(&mut Doc) -> Result<(), StageError>;

/// The configured list of stages.
///
/// `run` takes `&self` so one pipeline can serve several tasks. The one
/// piece of state shared across pages, the near-duplicate index, sits behind
/// a mutex that `run` holds only for one lookup and insert; clones of a
/// pipeline share the same index (it is an `Arc`).
#[derive(Debug, Clone)]
pub struct Pipeline {
    stages: Vec<(StageName, StageFn)>,
    max_html_bytes: usize,
    /// Whether the content stage also writes Markdown.
    markdown: bool,
    /// Present when the `dedup` stage is configured.
    dedup: Option<Arc<Mutex<SimHashIndex>>>,
    dedup_limits: (usize, u32),
}

impl Pipeline {
    /// Builds the pipeline named by `[extract]`.
    pub fn new(config: &ExtractConfig) -> Pipeline {
        let stages = config
            .stages
            .iter()
            .map(|&name| (name, stage_fn(name)))
            .collect();
        let dedup_limits = (config.dedup_capacity, config.dedup_max_distance);
        let dedup = config.stages.contains(&StageName::Dedup).then(|| {
            Arc::new(Mutex::new(SimHashIndex::new(
                dedup_limits.0,
                dedup_limits.1,
            )))
        });
        Pipeline {
            stages,
            max_html_bytes: config.max_html_bytes,
            markdown: config.markdown,
            dedup,
            dedup_limits,
        }
    }

    /// The near-duplicate index's entries, oldest first: what the daemon
    /// saves in its state store. Empty when `dedup` is not configured.
    pub fn dedup_entries(&self) -> Vec<DedupEntry> {
        self.dedup.as_ref().map_or_else(Vec::new, |ix| {
            let ix = ix.lock().unwrap_or_else(PoisonError::into_inner);
            ix.entries().cloned().collect()
        })
    }

    /// Replaces the near-duplicate index with `entries` (oldest first), as
    /// saved by [`Pipeline::dedup_entries`], within the configured capacity.
    pub fn restore_dedup(&self, entries: impl IntoIterator<Item = DedupEntry>) {
        if let Some(ix) = &self.dedup {
            let (capacity, distance) = self.dedup_limits;
            let restored = SimHashIndex::from_entries(capacity, distance, entries);
            *ix.lock().unwrap_or_else(PoisonError::into_inner) = restored;
        }
    }

    /// Runs every stage over `page` and returns its record.
    ///
    /// Never fails: input that cannot be decoded gives a record with
    /// [`Status::Error`] and a warning saying why.
    pub fn run(&self, page: Page) -> Article {
        let mut record = Article::new(page.fetched_at);
        let base = page.final_url.clone().or_else(|| page.url.clone());
        record.url = page.url.as_ref().map(Url::to_string);
        record.final_url = page.final_url.as_ref().map(Url::to_string);
        match &base {
            Some(u) => set_identity(&mut record, u),
            None => record.id = canonical::content_id(&page.bytes),
        }
        record.http = page.http.clone();

        let header_charset = page
            .http
            .as_ref()
            .and_then(|h| h.content_type.as_deref())
            .and_then(crate::fetch::charset::charset_from_content_type);
        let tld = base
            .as_ref()
            .and_then(|u| u.domain())
            .and_then(|d| d.rsplit('.').next());
        let text = match input::decode_page(
            &page.bytes,
            self.max_html_bytes,
            header_charset,
            tld.map(str::as_bytes),
        ) {
            Ok(text) => text,
            Err(e) => {
                record.status = Status::Error;
                record.warnings.push(e.to_string());
                return record;
            }
        };
        record.warnings.extend(text.warnings);
        if let Some(http) = &mut record.http {
            http.charset = Some(text.decoded.encoding.name().to_lowercase());
        }

        let mut doc = Doc::parse_for(&text.decoded.text, base, record, self.markdown);
        doc.content_selector = page.content_selector;
        if let Some(remove) = &page.remove_selector {
            remove.drop_matches(&mut doc);
        }
        for (name, stage) in &self.stages {
            let started = std::time::Instant::now();
            let outcome = catch_unwind(AssertUnwindSafe(|| stage(&mut doc)));
            metrics::histogram!(crate::ops::metrics::STAGE_SECONDS, "stage" => name.as_str())
                .record(started.elapsed().as_secs_f64());
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(e)) => doc.record.warnings.push(e.to_string()),
                Err(_) => doc.record.warnings.push(format!(
                    "stage {}: internal error (panic); skipped",
                    name.as_str()
                )),
            }
        }
        let mut record = doc.finish();
        if self.stages.iter().any(|(name, _)| {
            matches!(
                name,
                StageName::Entities | StageName::Quotes | StageName::Keywords
            )
        }) && let Some(warning) = stages::analysis_warning(&record)
        {
            record.warnings.push(warning);
        }
        if let Some(canon) = record.canonical_url.clone()
            && let Ok(u) = Url::parse(&canon)
        {
            set_identity(&mut record, &u);
        }
        record.reading_time_minutes = stages::reading_time_minutes(record.word_count);
        // After the id is final: the index remembers articles by id.
        if let Some(index) = &self.dedup {
            stages::dedup::mark_duplicate(index, &mut record);
        }
        record
    }
}

/// Sets `canonical_url` and `id` from `url`.
fn set_identity(record: &mut Article, url: &Url) {
    let canon = canonical::canonicalize(url);
    record.id = canonical::article_id(canon.as_str());
    record.canonical_url = Some(canon.into());
}

fn stage_fn(name: StageName) -> StageFn {
    match name {
        StageName::Clean => clean::run,
        StageName::Content => content::run,
        StageName::Metadata => metadata::run,
        StageName::Language => stages::language::run,
        StageName::Entities => stages::entities::run,
        StageName::Quotes => stages::quotes::run,
        StageName::Keywords => stages::keywords::run,
        StageName::Dedup => stages::dedup::run,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipeline() -> Pipeline {
        Pipeline::new(&ExtractConfig::default())
    }

    #[test]
    fn binary_input_gives_error_record() {
        let rec = pipeline().run(Page::from_bytes(b"\x7FELF\x02\x01".to_vec(), None));
        assert_eq!(rec.status, Status::Error);
        assert!(rec.warnings[0].contains("ELF"));
    }

    #[test]
    fn id_follows_canonical_link() {
        let html = r#"<html><head><link rel="canonical" href="/story?utm_source=x"></head>
            <body><article><p>Some words here that make a paragraph of text.</p></article></body></html>"#;
        let url = Url::parse("https://ex.com/amp/story").unwrap();
        let rec = pipeline().run(Page::from_bytes(html.as_bytes().to_vec(), Some(url)));
        assert_eq!(rec.canonical_url.as_deref(), Some("https://ex.com/story"));
        assert_eq!(rec.id, canonical::article_id("https://ex.com/story"));
        assert_eq!(rec.url.as_deref(), Some("https://ex.com/amp/story"));
    }

    /// A page with the test story as its article text.
    fn story_page(prefix: &str) -> Page {
        let story = include_str!("../../tests/fixtures/dedup/story.txt");
        let html = format!("<html><body><article><p>{prefix}{story}</p></article></body></html>");
        Page::from_bytes(html.into_bytes(), None)
    }

    #[test]
    fn clones_share_the_dedup_index_and_it_survives_a_restart() {
        let first = pipeline();
        let a = first.run(story_page(""));
        assert_eq!(a.duplicate_of, None);
        // Another task's handle sees what the first one remembered.
        let b = first.clone().run(story_page("EASTMERE (Wire) - "));
        assert_eq!(b.duplicate_of.as_deref(), Some(a.id.as_str()));
        // A new process restored from the saved entries finds it too.
        let saved = first.dedup_entries();
        assert_eq!(saved.len(), 2);
        let restarted = pipeline();
        restarted.restore_dedup(saved);
        let c = restarted.run(story_page("Update: "));
        assert_eq!(c.duplicate_of.as_deref(), Some(a.id.as_str()));
        assert_eq!(c.reading_time_minutes, 2);
    }

    #[test]
    fn without_dedup_stage_nothing_is_remembered() {
        let config = ExtractConfig {
            stages: vec![StageName::Clean, StageName::Content],
            ..ExtractConfig::default()
        };
        let p = Pipeline::new(&config);
        let rec = p.run(story_page(""));
        assert_eq!(rec.simhash, None);
        assert!(p.dedup_entries().is_empty());
    }

    #[test]
    fn without_url_id_is_content_hash() {
        let rec = pipeline().run(Page::from_bytes(b"<p>hello</p>".to_vec(), None));
        assert_eq!(rec.id.len(), 32);
        let again = pipeline().run(Page::from_bytes(b"<p>hello</p>".to_vec(), None));
        assert_eq!(rec.id, again.id);
    }
}
