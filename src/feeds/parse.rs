//! Feed bytes → entries with absolute links.
//!
//! feed-rs does the parsing; this module feeds it what it can take (UTF-8,
//! then the [`repair`]s, the lenient ones only after a
//! failure), isolates it (a panic becomes an
//! error for this feed only), and turns its model into the few facts the
//! poller needs: an absolute link per entry, GUID, title, date, categories,
//! and the feed's own refresh hints (`ttl`, `sy:updatePeriod`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::LazyLock;
use std::time::Duration;

use chrono::{DateTime, Utc};
use regex::Regex;
use url::Url;

use super::{repair, sitemap};
use crate::extract::metadata::dates::parse_date;
use crate::fetch::charset::decode_xml;

/// Why a feed body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// feed-rs rejected the body.
    #[error("cannot parse feed {url}: {message}")]
    Parse {
        /// The feed URL.
        url: String,
        /// feed-rs's message.
        message: String,
    },
    /// The body holds items, yet none could be read (a dialect feed-rs
    /// parses "successfully" into nothing).
    #[error("feed {url} has <item>/<entry> elements but none could be read")]
    Unreadable {
        /// The feed URL.
        url: String,
    },
    /// The parser panicked on this body.
    #[error("feed {url}: the parser failed on this body (internal error)")]
    Panic {
        /// The feed URL.
        url: String,
    },
}

/// One entry of a feed, reduced to what the worker needs.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    /// The article link, absolute.
    pub link: Url,
    /// The entry's GUID / id, as given.
    pub guid: Option<String>,
    /// The entry title, entities decoded.
    pub title: Option<String>,
    /// Published (or else updated) date.
    pub published: Option<DateTime<Utc>>,
    /// Category terms.
    pub categories: Vec<String>,
    /// The entry's full content as HTML (`content:encoded`, Atom
    /// `<content>`, JSON Feed `content_html`), at most
    /// [`MAX_ENTRY_CONTENT`] bytes: the article's text when its page cannot
    /// be fetched. Not the summary, which is a teaser.
    pub content: Option<String>,
}

/// The most of an entry's content kept (bytes): a whole article, not an
/// archive someone put in a feed.
pub const MAX_ENTRY_CONTENT: usize = 256 * 1024;

/// A parsed feed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedFeed {
    /// The feed's title, entities decoded.
    pub title: Option<String>,
    /// Entries with a usable link, in feed order.
    pub entries: Vec<FeedEntry>,
    /// Entries dropped because they had no usable link.
    pub skipped: usize,
    /// The feed's own idea of its refresh period (`ttl` or `sy:updatePeriod`).
    pub refresh_hint: Option<Duration>,
    /// The sitemaps a sitemap index lists (it has no entries of its own),
    /// most recently modified first: the poller reads the first few of
    /// them as this feed's entries. Empty for feeds and plain sitemaps.
    pub sitemaps: Vec<Url>,
}

/// The most a gzip-compressed feed or sitemap (`sitemap.xml.gz`, served
/// as a file rather than with `Content-Encoding`) may inflate to: the
/// sitemap protocol's own limit.
pub const MAX_INFLATED_FEED: usize = sitemapo::BYTE_LIMIT;

/// Parses a feed body fetched from `base` (the final URL, for relative
/// links): RSS, Atom, JSON Feed, or a sitemap (see [`super::sitemap`]),
/// gzip-compressed or not.
pub fn parse_feed(
    body: &[u8],
    content_type: Option<&str>,
    base: &Url,
) -> Result<ParsedFeed, FeedError> {
    let inflated;
    let body = if body.starts_with(&[0x1f, 0x8b]) {
        inflated = gunzip(body, base)?;
        inflated.as_slice()
    } else {
        body
    };
    let header_charset = content_type.and_then(crate::fetch::charset::charset_from_content_type);
    let decoded = decode_xml(body, header_charset).text;
    if sitemap::is_sitemap(&decoded) {
        return sitemap::parse_sitemap(&repair::declare_utf8(&decoded), base);
    }
    let text = repair::dialects(&decoded);
    let first = read(&text, base);
    let (feed, text) = match first {
        Ok(feed) => (feed, text),
        // Not XML as written: try again with the lenient repairs, and keep
        // the first error when they do not help.
        Err(err) => match repair::lenient(&text) {
            Some(fixed) => match read(&fixed, base) {
                Ok(feed) => {
                    tracing::debug!(feed = %base, error = %err, "feed read after repairs");
                    (feed, fixed)
                }
                Err(_) => return Err(err),
            },
            None => return Err(err),
        },
    };
    let mut out = ParsedFeed {
        title: feed.title.as_ref().map(|t| clean_text(&t.content)),
        refresh_hint: feed
            .ttl
            .map(|m| Duration::from_secs(u64::from(m) * 60))
            .or_else(|| update_period(&text)),
        ..ParsedFeed::default()
    };
    for entry in feed.entries {
        let Some(link) = entry_link(&entry, base) else {
            out.skipped += 1;
            continue;
        };
        out.entries.push(FeedEntry {
            link,
            guid: (!entry.id.is_empty()).then(|| entry.id.clone()),
            title: entry.title.as_ref().map(|t| clean_text(&t.content)),
            published: entry.published.or(entry.updated),
            categories: entry
                .categories
                .iter()
                .map(|c| clean_text(c.label.as_deref().unwrap_or(&c.term)))
                .filter(|c| !c.is_empty())
                .collect(),
            content: entry
                .content
                .and_then(|c| c.body)
                .filter(|b| !b.trim().is_empty() && b.len() <= MAX_ENTRY_CONTENT),
        });
    }
    Ok(out)
}

/// Inflates a gzip-compressed body, at most [`MAX_INFLATED_FEED`] bytes.
fn gunzip(body: &[u8], base: &Url) -> Result<Vec<u8>, FeedError> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(body)
        .take(MAX_INFLATED_FEED as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| FeedError::Parse {
            url: base.to_string(),
            message: format!("gzip-compressed body cannot be decompressed: {e}"),
        })?;
    if out.len() > MAX_INFLATED_FEED {
        return Err(FeedError::Parse {
            url: base.to_string(),
            message: format!("gzip-compressed body inflates past {MAX_INFLATED_FEED} bytes"),
        });
    }
    Ok(out)
}

/// One parse of `text`, isolated: a panic in feed-rs is this feed's error,
/// and a body with items of which none could be read is an error too.
///
/// Each parse gets a parser of its own: feed-rs keeps per-entry state
/// (Media RSS scopes) in the parser, and a parse that failed mid-entry
/// leaves it behind, so a reused parser panics on the next body.
fn read(text: &str, base: &Url) -> Result<feed_rs::model::Feed, FeedError> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        .timestamp_parser(|s| {
            parse_date(s, Utc::now())
                .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
                .map(|d| d.with_timezone(&Utc))
        })
        .build();
    let parsed = catch_unwind(AssertUnwindSafe(|| parser.parse(text.as_bytes())));
    match parsed {
        Ok(Ok(feed)) if feed.entries.is_empty() && has_items(text) => Err(FeedError::Unreadable {
            url: base.to_string(),
        }),
        Ok(Ok(feed)) => Ok(feed),
        Ok(Err(e)) => Err(FeedError::Parse {
            url: base.to_string(),
            message: e.to_string(),
        }),
        Err(_) => Err(FeedError::Panic {
            url: base.to_string(),
        }),
    }
}

/// The entry's article link: an `alternate` (or unlabelled) link, else any
/// link, else a GUID that is itself a URL (RSS `isPermaLink`).
fn entry_link(entry: &feed_rs::model::Entry, base: &Url) -> Option<Url> {
    let preferred = entry
        .links
        .iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .or_else(|| entry.links.first())
        .map(|l| l.href.as_str());
    let candidate = preferred.or_else(|| {
        let id = entry.id.trim();
        (id.starts_with("http://") || id.starts_with("https://")).then_some(id)
    })?;
    let url = base.join(candidate.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// True when an XML body has item or entry elements.
fn has_items(text: &str) -> bool {
    text.contains("<item") || text.contains("<entry")
}

/// `sy:updatePeriod` × `sy:updateFrequency` (RSS syndication module).
fn update_period(text: &str) -> Option<Duration> {
    static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"<sy:updatePeriod>\s*(\w+)\s*</sy:updatePeriod>").expect("static regex")
    });
    static FREQ: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"<sy:updateFrequency>\s*(\d+)\s*</sy:updateFrequency>").expect("static regex")
    });
    let period = PERIOD.captures(text)?.get(1)?.as_str();
    let secs: u64 = match period {
        "hourly" => 3600,
        "daily" => 86_400,
        "weekly" => 7 * 86_400,
        "monthly" => 30 * 86_400,
        "yearly" => 365 * 86_400,
        _ => return None,
    };
    let freq: u64 = FREQ
        .captures(text)
        .and_then(|c| c.get(1)?.as_str().parse().ok())
        .filter(|&f| f > 0)
        .unwrap_or(1);
    Some(Duration::from_secs(secs / freq))
}

/// Decodes entities feed-rs leaves literal (`&aacute;`) and collapses space.
pub(super) fn clean_text(s: &str) -> String {
    crate::extract::text::normalize_space(&html_escape::decode_html_entities(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example/feeds/main.xml").unwrap()
    }

    const RSS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>
<title>Example &amp; News</title><sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>
<item><title>Caf&amp;eacute; opens</title><link>/2026/11/cafe</link><guid>id-1</guid>
<pubDate>Sun, 29 Nov 2026 08:00:00 +0100</pubDate><category>Local</category></item>
<item><title>No link here</title><description>x</description></item>
<item><title>Permalink guid</title><guid isPermaLink="true">https://news.example/p/2</guid></item>
</channel></rss>"#;

    #[test]
    fn rss_entries_resolve_links_decode_titles_and_count_linkless() {
        let f = parse_feed(RSS.as_bytes(), None, &base()).unwrap();
        assert_eq!(f.title.as_deref(), Some("Example & News"));
        assert_eq!(f.entries.len(), 2);
        assert_eq!(f.skipped, 1);
        let e = &f.entries[0];
        assert_eq!(e.link.as_str(), "https://news.example/2026/11/cafe");
        assert_eq!(e.title.as_deref(), Some("Café opens"));
        assert_eq!(e.guid.as_deref(), Some("id-1"));
        assert_eq!(e.categories, ["Local"]);
        assert_eq!(
            e.published.unwrap().to_rfc3339(),
            "2026-11-29T07:00:00+00:00"
        );
        assert_eq!(f.entries[1].link.as_str(), "https://news.example/p/2");
        assert_eq!(f.refresh_hint, Some(Duration::from_secs(1800)));
    }

    #[test]
    fn atom_and_json_feed() {
        let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>A</title><id>urn:a</id><updated>2026-11-01T00:00:00Z</updated>
<entry><title>One</title><id>urn:1</id><link rel="alternate" href="https://a.example/1"/>
<updated>2026-11-02T10:00:00Z</updated></entry></feed>"#;
        let f = parse_feed(atom.as_bytes(), None, &base()).unwrap();
        assert_eq!(f.entries[0].link.as_str(), "https://a.example/1");
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J",
            "items":[{"id":"1","url":"https://j.example/a","title":"Ja"}]}"#;
        let f = parse_feed(json.as_bytes(), Some("application/feed+json"), &base()).unwrap();
        assert_eq!(f.entries[0].link.as_str(), "https://j.example/a");
    }

    #[test]
    fn latin1_feed_missing_version_and_final_bracket_is_repaired() {
        let mut body =
            b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><title>T</title>\
<item><title>Gr\xFC\xDFe</title><link>https://x.example/a</link></item></channel></rss"
                .to_vec();
        body.extend_from_slice(b"\n");
        let f = parse_feed(&body, None, &base()).unwrap();
        assert_eq!(f.entries[0].title.as_deref(), Some("Grüße"));
    }

    #[test]
    fn utf16_declared_feed_does_not_panic() {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><title>T</title>\
<item><title>x</title><link>https://x.example/a</link></item></channel></rss>";
        let mut body = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            body.extend_from_slice(&u.to_be_bytes());
        }
        let f = parse_feed(&body, None, &base()).unwrap();
        assert_eq!(f.entries.len(), 1);
    }

    #[test]
    fn garbage_is_an_error_naming_the_feed() {
        let err = parse_feed(b"<html><body>not a feed", None, &base()).unwrap_err();
        assert!(
            err.to_string().contains("news.example/feeds/main.xml"),
            "{err}"
        );
        let err = parse_feed(b"", None, &base()).unwrap_err();
        assert!(matches!(err, FeedError::Parse { .. }));
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn compressed_legacy_charset_sitemaps_are_read_and_bombs_refused() {
        // Latin-1 bytes under a Latin-1 declaration, gzip-compressed.
        let mut xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\
            <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
            xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\
            <url><loc>https://news.example/cafe</loc><news:news><news:publication>\
            <news:name>N</news:name><news:language>fr</news:language></news:publication>\
            <news:publication_date>2026-12-01</news:publication_date>\
            <news:title>Caf"
            .to_vec();
        xml.push(0xE9);
        xml.extend_from_slice(b" ouvert</news:title></news:news></url></urlset>");
        let f = parse_feed(&gzip(&xml), None, &base()).unwrap();
        assert_eq!(f.entries.len(), 1);
        assert_eq!(f.entries[0].title.as_deref(), Some("Café ouvert"));

        let bomb = gzip(&vec![b' '; MAX_INFLATED_FEED + 1]);
        let err = parse_feed(&bomb, None, &base()).unwrap_err().to_string();
        assert!(err.contains("inflates past"), "{err}");
        let err = parse_feed(&[0x1f, 0x8b, 8, 0, 1, 2], None, &base()).unwrap_err();
        assert!(err.to_string().contains("cannot be decompressed"), "{err}");
    }

    #[test]
    fn ttl_is_a_refresh_hint() {
        let rss = r#"<rss version="2.0"><channel><title>T</title><ttl>90</ttl>
<item><link>https://x.example/a</link></item></channel></rss>"#;
        let f = parse_feed(rss.as_bytes(), None, &base()).unwrap();
        assert_eq!(f.refresh_hint, Some(Duration::from_secs(5400)));
    }

    /// The dialects and defects DESIGN.md lists from ~8,000 public feeds,
    /// each read through `parse_feed` with its entries.
    #[test]
    fn real_world_defects_are_read() {
        let cases: &[(&str, &str, &[&str])] = &[
            (
                "RSS 2.0 under a default namespace",
                r#"<?xml version="1.0"?><rss version="2.0" xmlns="http://backend.userland.com/rss2"><channel><title>T</title><item><title>A</title><link>https://x.example/a</link></item></channel></rss>"#,
                &["A"],
            ),
            (
                "RSS 0.90",
                r#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>T</title><link>https://x.example/</link></channel><item><title>A</title><link>https://x.example/a</link></item></rdf:RDF>"#,
                &["A"],
            ),
            (
                "Atom 0.3",
                r#"<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#"><title mode="escaped">T</title><entry><title mode="escaped">A &amp;amp; B</title><link rel="alternate" type="text/html" href="https://x.example/a"/><id>1</id><issued>2024-01-02T03:04:05Z</issued></entry></feed>"#,
                &["A & B"],
            ),
            (
                "Atom text/plain",
                r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title type="text/plain">T</title><id>x</id><updated>2024-01-02T03:04:05Z</updated><entry><title type="text/plain">A</title><id>1</id><link href="https://x.example/a"/><updated>2024-01-02T03:04:05Z</updated></entry></feed>"#,
                &["A"],
            ),
            (
                "raw HTML in a description",
                r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A</title><link>https://x.example/a</link><description><p>Hello <b>world</p></description></item><item><title>B</title><link>https://x.example/b</link></item></channel></rss>"#,
                &["A", "B"],
            ),
            (
                "raw HTML in Atom content",
                r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>x</id><updated>2024-01-02T03:04:05Z</updated><entry><title>A</title><id>1</id><link href="https://x.example/a"/><updated>2024-01-02T03:04:05Z</updated><content type="html"><p>Hi <br></p></content></entry></feed>"#,
                &["A"],
            ),
            (
                "bare ampersands",
                r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T & x</title><item><title>Q & A</title><link>https://x.example/a?x=1&y=2</link></item></channel></rss>"#,
                &["Q & A"],
            ),
            (
                "a PHP warning before the document",
                "<br />\n<b>Warning</b>: x in <b>/var/www/x.php</b> on line <b>3</b><br />\n<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><item><title>A</title><link>https://x.example/a</link></item></channel></rss>",
                &["A"],
            ),
            (
                "a download cut mid-item",
                r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A</title><link>https://x.example/a</link></item><item><title>B</title><link>https://x.exa"#,
                &["A"],
            ),
        ];
        for (name, body, titles) in cases {
            let f = parse_feed(body.as_bytes(), None, &base())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let got: Vec<&str> = f
                .entries
                .iter()
                .filter_map(|e| e.title.as_deref())
                .collect();
            assert_eq!(&got, titles, "{name}");
        }
    }

    #[test]
    fn repaired_links_and_dates_are_right() {
        let f = parse_feed(
            br#"<rss version="2.0"><channel><title>T</title><item><title>A</title><link>https://x.example/a?x=1&y=2</link><pubdate>Tue, 10 Jun 2003 04:00:00 GMT</pubdate></item></channel></rss>"#,
            None,
            &base(),
        )
        .unwrap();
        assert_eq!(f.entries[0].link.as_str(), "https://x.example/a?x=1&y=2");
        assert_eq!(
            f.entries[0].published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2003-06-10T04:00:00+00:00")
        );
        let f = parse_feed(
            br#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>T</title><entry><title>A</title><link rel="alternate" type="text/html" href="https://x.example/a"/><id>1</id><issued>2024-01-02T03:04:05Z</issued></entry></feed>"#,
            None,
            &base(),
        )
        .unwrap();
        assert_eq!(
            f.entries[0].published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-01-02T03:04:05+00:00")
        );
    }

    #[test]
    fn what_repairs_cannot_mend_keeps_the_first_error() {
        let err = parse_feed(
            b"<rss version=\"2.0\"><channel><title>T</title>",
            None,
            &base(),
        )
        .unwrap_err();
        assert!(matches!(err, FeedError::Parse { .. }), "{err}");
    }
}
