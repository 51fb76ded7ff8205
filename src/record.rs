//! The article record: newswire's contract with downstream users.
//!
//! One [`Article`] becomes one NDJSON line. The shape is versioned by
//! [`SCHEMA`] and described by `schema/article.schema.json`; a test validates
//! real output against that file so the two cannot drift apart. Fields are
//! only ever *added* within a schema version, never renamed or removed.
//!
//! Types here:
//! - [`Article`]: the record itself.
//! - [`HttpInfo`], [`FeedInfo`]: where the bytes came from.
//! - [`DateField`], [`DateSource`]: a date with its raw text and provenance.
//! - [`Language`], [`Entity`], [`Quote`], [`Keyword`]: stage outputs.
//! - [`Status`]: what kind of page this turned out to be.
//! - [`Producer`]: which build wrote the record.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The schema identifier written into every record.
pub const SCHEMA: &str = "newswire.article/1";

/// One extracted article, as written to the sinks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Always [`SCHEMA`]; lets consumers reject records they do not understand.
    pub schema: String,
    /// Stable identifier: a hash of the canonical URL, so re-fetches and
    /// re-deliveries of the same article carry the same id.
    pub id: String,
    /// The URL as linked from the feed (or given on the command line).
    pub url: Option<String>,
    /// Normalized URL: `rel=canonical` honoured, tracking parameters removed.
    pub canonical_url: Option<String>,
    /// The URL after redirects.
    pub final_url: Option<String>,
    /// When the page was fetched (or read from disk), RFC 3339 UTC.
    pub fetched_at: DateTime<Utc>,
    /// Transport facts; absent for pages read from files.
    pub http: Option<HttpInfo>,
    /// The feed entry that led to this article; absent outside the daemon.
    pub feed: Option<FeedInfo>,
    /// Headline, with site-name suffixes removed.
    pub title: Option<String>,
    /// Author names, cleaned of "By", dates and job titles.
    pub authors: Vec<String>,
    /// Publication date.
    pub published: Option<DateField>,
    /// Last modification date.
    pub modified: Option<DateField>,
    /// Publisher or site name.
    pub site_name: Option<String>,
    /// Summary as given by the page (meta description, og:description).
    pub description: Option<String>,
    /// Lead image URL, absolute.
    pub image: Option<String>,
    /// Section or category as given by the page.
    pub section: Option<String>,
    /// Tags or keywords as given by the page (not computed ones).
    pub tags: Vec<String>,
    /// Detected language of the main text.
    pub language: Option<Language>,
    /// Main text: paragraphs separated by a blank line, headings on their own line.
    pub text: String,
    /// The same text as Markdown (headings, lists, links, emphasis, quotes,
    /// code, tables), when `[extract] markdown` is on; absent otherwise,
    /// so records without it stay as they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markdown: Option<String>,
    /// Number of words in `text`.
    pub word_count: usize,
    /// Minutes an adult needs to read `text` at 230 words per minute,
    /// rounded up; 0 for no text.
    pub reading_time_minutes: usize,
    /// Named entities found in the text.
    pub entities: Vec<Entity>,
    /// Direct quotations with their speakers.
    pub quotes: Vec<Quote>,
    /// Key phrases of the text.
    pub keywords: Vec<Keyword>,
    /// 64-bit SimHash of the text as 16 lower-case hex digits.
    pub simhash: Option<String>,
    /// Id of an earlier article whose text is a near-duplicate of this one
    /// (SimHash within `extract.dedup_max_distance` bits), as remembered by
    /// the pipeline's bounded index.
    pub duplicate_of: Option<String>,
    /// What the page turned out to be.
    pub status: Status,
    /// Problems met while producing this record; the record still went out.
    pub warnings: Vec<String>,
    /// The program that wrote the record.
    pub producer: Producer,
}

impl Article {
    /// An empty record for a page fetched (or read) at `fetched_at`.
    ///
    /// Stages fill it in; `status` starts as [`Status::Empty`] until the content
    /// stage finds text.
    pub fn new(fetched_at: DateTime<Utc>) -> Self {
        Article {
            schema: SCHEMA.to_owned(),
            id: String::new(),
            url: None,
            canonical_url: None,
            final_url: None,
            fetched_at,
            http: None,
            feed: None,
            title: None,
            authors: Vec::new(),
            published: None,
            modified: None,
            site_name: None,
            description: None,
            image: None,
            section: None,
            tags: Vec::new(),
            language: None,
            text: String::new(),
            markdown: None,
            word_count: 0,
            reading_time_minutes: 0,
            entities: Vec::new(),
            quotes: Vec::new(),
            keywords: Vec::new(),
            simhash: None,
            duplicate_of: None,
            status: Status::Empty,
            warnings: Vec::new(),
            producer: Producer::default(),
        }
    }
}

/// Transport facts of the response the article came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpInfo {
    /// HTTP status code of the final response.
    pub status: u16,
    /// `Content-Type` header as sent.
    pub content_type: Option<String>,
    /// Charset the body was decoded with (after detection), e.g. `utf-8`.
    pub charset: Option<String>,
    /// Size of the (decompressed) body in bytes.
    pub bytes: u64,
    /// Time from request to complete body, in milliseconds.
    pub elapsed_ms: u64,
}

/// The feed entry an article was discovered through.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedInfo {
    /// URL of the feed.
    pub url: String,
    /// Title of the feed.
    pub title: Option<String>,
    /// The entry's GUID / id as given by the feed (not trusted as identity).
    pub entry_id: Option<String>,
    /// The entry's title.
    pub entry_title: Option<String>,
    /// The entry's publication date, RFC 3339.
    pub entry_published: Option<DateTime<Utc>>,
    /// The entry's categories.
    pub categories: Vec<String>,
    /// The labels given to the feed in the config (`[[feeds]] tags`).
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A date together with the text it was read from and where that text was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateField {
    /// Normalized RFC 3339 value; the offset is kept when the page gave one.
    pub value: String,
    /// The string as found in the page.
    pub raw: String,
    /// Where it was found.
    pub source: DateSource,
}

/// Where a date was found, from most to least trustworthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateSource {
    /// JSON-LD (`datePublished`, `dateModified`).
    JsonLd,
    /// A `<meta>` tag (`article:published_time`, `date`, …).
    Meta,
    /// A `<time datetime>` element.
    Time,
    /// The article URL (`/2024/05/17/…`).
    Url,
    /// The feed entry.
    Feed,
    /// Visible text near the headline.
    Text,
}

/// Detected language of the main text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Language {
    /// ISO 639-1 code, e.g. `en`.
    pub code: String,
    /// Detector confidence in `0.0..=1.0`; 0 when taken from page metadata.
    pub confidence: f64,
}

/// A named entity mentioned in the article, counted once per article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// The fullest form of the name in the article.
    pub name: String,
    /// `person`, `organization`, `location`, or another type.
    #[serde(rename = "type")]
    pub kind: String,
    /// How many times the entity is mentioned, under any alias.
    pub mentions: usize,
    /// Other forms of the name seen in the article.
    pub aliases: Vec<String>,
}

/// A direct quotation and who said it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// The quoted words, without the quote marks.
    pub text: String,
    /// Speaker, normalized to the entity's fullest name; `None` when unknown.
    pub speaker: Option<String>,
    /// The attribution cue, e.g. `said`, `told reporters`, `according to`.
    pub cue: Option<String>,
    /// True for a fragment quoted inside reported speech.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

/// A key phrase with its relevance score (higher is more key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Keyword {
    /// Lower-case phrase.
    pub term: String,
    /// Relevance relative to the article's best phrase (which has 1.0);
    /// higher is more key. Not comparable across articles.
    pub score: f64,
}

/// What kind of page the record describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// An article with main text.
    Ok,
    /// A paywall teaser: the visible text is not the whole article.
    Paywall,
    /// A cookie or consent wall stood in front of the content.
    ConsentWall,
    /// A page with no article on it (a listing, a home page).
    NotArticle,
    /// The page had no extractable text at all.
    Empty,
    /// The input could not be read or decoded; `warnings` says why.
    Error,
}

/// The program that wrote the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Producer {
    /// Always `newswire`.
    pub name: String,
    /// The crate version that produced the record.
    pub version: String,
}

impl Default for Producer {
    fn default() -> Self {
        Producer {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_serializes_in_snake_case() {
        let json = serde_json::to_string(&Status::ConsentWall).unwrap();
        assert_eq!(json, "\"consent_wall\"");
    }

    #[test]
    fn new_record_round_trips() {
        let a = Article::new(Utc::now());
        let line = serde_json::to_string(&a).unwrap();
        let back: Article = serde_json::from_str(&line).unwrap();
        assert_eq!(a, back);
        assert!(line.starts_with("{\"schema\":\"newswire.article/1\""));
    }
}
