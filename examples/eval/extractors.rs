//! The extractors under comparison, behind one shape: newswire's pipeline and
//! the two open Rust peers the issue sets as the bar (rs-trafilatura,
//! dom_smoothie). Each gets the same decompressed page bytes and URL; what
//! they return is reduced to the fields the benchmark scores.

use std::panic::{AssertUnwindSafe, catch_unwind};

use newswire::Pipeline;
use newswire::extract::Page;
use newswire::record::Article;

/// What the benchmark scores, from any extractor.
#[derive(Debug, Default)]
pub struct Extracted {
    pub text: String,
    pub title: Option<String>,
    /// Author names joined with ", ".
    pub author: Option<String>,
    /// Published date, ISO-8601-like (only the first 10 characters count).
    pub date: Option<String>,
    /// newswire's page status (`ok`, `paywall`, …); peers have none.
    pub status: Option<String>,
    /// newswire's whole record (for `--records`); peers have none.
    pub record: Option<Box<Article>>,
}

/// One extractor, by name.
pub enum Extractor {
    Newswire(Box<Pipeline>),
    RsTrafilatura,
    DomSmoothie,
}

impl Extractor {
    pub fn name(&self) -> &'static str {
        match self {
            Extractor::Newswire(_) => "newswire",
            Extractor::RsTrafilatura => "rs-trafilatura",
            Extractor::DomSmoothie => "dom_smoothie",
        }
    }

    /// Extracts one page. A peer that fails or panics yields an empty result
    /// (scored as a miss), as it would in production.
    pub fn run(&self, html: &[u8], url: Option<&url::Url>) -> Extracted {
        match self {
            Extractor::Newswire(p) => {
                let record = p.run(Page::from_bytes(html.to_vec(), url.cloned()));
                Extracted {
                    status: serde_json::to_value(record.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned)),
                    author: (!record.authors.is_empty()).then(|| record.authors.join(", ")),
                    date: record.published.as_ref().map(|d| d.value.clone()),
                    title: record.title.clone(),
                    text: record.text.clone(),
                    record: Some(Box::new(record)),
                }
            }
            Extractor::RsTrafilatura => {
                let options = rs_trafilatura::Options {
                    url: url.map(url::Url::to_string),
                    ..rs_trafilatura::Options::default()
                };
                let result = catch_unwind(AssertUnwindSafe(|| {
                    rs_trafilatura::extract_bytes_with_options(html, &options)
                }));
                match result {
                    Ok(Ok(r)) => Extracted {
                        text: r.content_text,
                        title: r.metadata.title,
                        author: r.metadata.author,
                        date: r.metadata.date.map(|d| d.to_rfc3339()),
                        status: None,
                        record: None,
                    },
                    _ => Extracted::default(),
                }
            }
            Extractor::DomSmoothie => {
                let text = String::from_utf8_lossy(html);
                let config = dom_smoothie::Config {
                    text_mode: dom_smoothie::TextMode::Formatted,
                    ..dom_smoothie::Config::default()
                };
                let result = catch_unwind(AssertUnwindSafe(|| {
                    dom_smoothie::Readability::new(
                        text.as_ref(),
                        url.map(url::Url::as_str),
                        Some(config),
                    )
                    .and_then(|mut r| r.parse())
                }));
                match result {
                    Ok(Ok(a)) => Extracted {
                        text: a.text_content.to_string(),
                        title: Some(a.title).filter(|t| !t.is_empty()),
                        author: a.byline,
                        date: a.published_time,
                        status: None,
                        record: None,
                    },
                    _ => Extracted::default(),
                }
            }
        }
    }
}
