//! Sitemaps as feeds.
//!
//! Many news sites that have no RSS feed, or one that carries only some
//! sections, publish a Google News sitemap (`<urlset>` with `<news:news>`:
//! the articles of the last two days, each with its title and publication
//! time), and every CMS publishes plain sitemaps of its posts. news-please
//! and trafilatura read both; so does newswire, wherever a feed URL may go.
//!
//! sitemapo does the parsing (the sitemap protocol and its news extension,
//! with the protocol's limits of 50,000 records and 50 MiB). This module
//! tells a sitemap from a feed by its root element and turns its records
//! into the poller's [`FeedEntry`]s. A sitemap index (`<sitemapindex>`)
//! yields no entries but the sitemaps it lists, most recently modified
//! first, which the poller reads in turn.

use chrono::{DateTime, Utc};
use sitemapo::Record;
use sitemapo::jiff::Timestamp;
use url::Url;

use super::parse::{FeedEntry, FeedError, ParsedFeed, clean_text};

/// How far into a body the root element is looked for: past the XML
/// declaration, stylesheet instructions and comments.
const ROOT_SCAN_BYTES: usize = 64 * 1024;

/// True when the root element of `text` is a sitemap's (`<urlset>` or
/// `<sitemapindex>`, with or without a namespace prefix).
pub(super) fn is_sitemap(text: &str) -> bool {
    root_name(text).is_some_and(|name| {
        let local = name.rsplit(':').next().unwrap_or(name);
        local == "urlset" || local == "sitemapindex"
    })
}

/// The name of the first element of `text`, skipping the prolog
/// (declaration, processing instructions, comments, doctype).
fn root_name(text: &str) -> Option<&str> {
    let mut rest = text.get(..ROOT_SCAN_BYTES.min(text.len())).unwrap_or(text);
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        let after = rest.strip_prefix('<')?;
        let skip_to = if after.starts_with('?') {
            "?>"
        } else if after.starts_with("!--") {
            "-->"
        } else if after.starts_with('!') {
            ">"
        } else {
            let end = after
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(after.len());
            return Some(&after[..end]);
        };
        let end = rest.find(skip_to)?;
        rest = &rest[end + skip_to.len()..];
    }
}

/// Reads a sitemap (already UTF-8, its declaration saying so) fetched from
/// `base`. Records before a malformed part or a limit are kept, with a log
/// line; a sitemap of which nothing could be read is an error.
pub(super) fn parse_sitemap(text: &str, base: &Url) -> Result<ParsedFeed, FeedError> {
    let mut out = ParsedFeed::default();
    let mut sitemaps: Vec<(Option<Timestamp>, Url)> = Vec::new();
    for record in sitemapo::Parser::new(text.as_bytes()) {
        match record {
            Ok(Record::Entry(entry)) => {
                if !matches!(entry.location.scheme(), "http" | "https") {
                    out.skipped += 1;
                    continue;
                }
                let news = entry.news.as_ref();
                if out.title.is_none() {
                    out.title = news.map(|n| clean_text(&n.publication.name));
                }
                out.entries.push(FeedEntry {
                    title: news.map(|n| clean_text(&n.title)).filter(|t| !t.is_empty()),
                    // The publication time, else when the page last changed:
                    // what `filter.max_age` and undated pages go by.
                    published: news
                        .map(|n| n.published)
                        .or(entry.modified)
                        .and_then(to_chrono),
                    link: entry.location,
                    guid: None,
                    categories: Vec::new(),
                    content: None,
                });
            }
            Ok(Record::Sitemap(sitemap)) => {
                if matches!(sitemap.location.scheme(), "http" | "https") {
                    sitemaps.push((sitemap.modified, sitemap.location));
                }
            }
            Err(e) if out.entries.is_empty() && sitemaps.is_empty() => {
                return Err(FeedError::Parse {
                    url: base.to_string(),
                    message: format!("sitemap: {e}"),
                });
            }
            Err(e) => {
                tracing::warn!(
                    feed = %base,
                    read = out.entries.len() + sitemaps.len(),
                    "sitemap read up to an error: {e}"
                );
                break;
            }
        }
    }
    if out.entries.is_empty() && sitemaps.is_empty() && text.contains("<loc") {
        return Err(FeedError::Unreadable {
            url: base.to_string(),
        });
    }
    // Most recently modified first; undated ones after, as listed.
    sitemaps.sort_by_key(|s| std::cmp::Reverse(s.0));
    out.sitemaps = sitemaps.into_iter().map(|(_, url)| url).collect();
    Ok(out)
}

fn to_chrono(t: Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.as_second(), u32::try_from(t.subsec_nanosecond()).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example/sitemap.xml").unwrap()
    }

    const NEWS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="/sitemap.xsl"?>
<!-- generated -->
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://news.example/2026/12/07/storm</loc>
    <lastmod>2026-12-07T12:00:00Z</lastmod>
    <news:news>
      <news:publication><news:name>Example &amp; News</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2026-12-07T08:30:00+01:00</news:publication_date>
      <news:title>Storm  closes roads</news:title>
    </news:news>
  </url>
  <url><loc>https://news.example/about</loc><lastmod>2025-01-02</lastmod></url>
  <url><loc>ftp://news.example/file</loc></url>
  <url><loc>https://news.example/undated</loc></url>
</urlset>"#;

    #[test]
    fn news_sitemap_entries_have_titles_dates_and_the_publication_name() {
        assert!(is_sitemap(NEWS));
        let f = parse_sitemap(NEWS, &base()).unwrap();
        assert_eq!(f.title.as_deref(), Some("Example & News"));
        assert_eq!(f.skipped, 1);
        assert_eq!(f.entries.len(), 3);
        let e = &f.entries[0];
        assert_eq!(e.link.as_str(), "https://news.example/2026/12/07/storm");
        assert_eq!(e.title.as_deref(), Some("Storm closes roads"));
        assert_eq!(
            e.published.unwrap().to_rfc3339(),
            "2026-12-07T07:30:00+00:00"
        );
        // A plain entry is dated by its `lastmod`, or not at all.
        assert_eq!(f.entries[1].title, None);
        assert_eq!(
            f.entries[1].published.unwrap().to_rfc3339(),
            "2025-01-02T00:00:00+00:00"
        );
        assert_eq!(f.entries[2].published, None);
        assert!(f.sitemaps.is_empty());
    }

    #[test]
    fn an_index_lists_its_sitemaps_most_recent_first() {
        let index = r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example/undated.xml</loc></sitemap>
<sitemap><loc>https://news.example/old.xml</loc><lastmod>2020-01-01</lastmod></sitemap>
<sitemap><loc>https://news.example/new.xml</loc><lastmod>2026-12-01T00:00:00Z</lastmod></sitemap>
</sitemapindex>"#;
        assert!(is_sitemap(index));
        let f = parse_sitemap(index, &base()).unwrap();
        assert!(f.entries.is_empty());
        let urls: Vec<&str> = f.sitemaps.iter().map(Url::as_str).collect();
        assert_eq!(
            urls,
            [
                "https://news.example/new.xml",
                "https://news.example/old.xml",
                "https://news.example/undated.xml"
            ]
        );
    }

    #[test]
    fn feeds_and_pages_are_not_sitemaps() {
        assert!(!is_sitemap(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"></rss>"
        ));
        assert!(!is_sitemap("<feed xmlns=\"http://www.w3.org/2005/Atom\"/>"));
        assert!(!is_sitemap(
            "<!DOCTYPE html><html><body>urlset</body></html>"
        ));
        assert!(!is_sitemap(
            "{\"version\": \"https://jsonfeed.org/version/1.1\"}"
        ));
        assert!(!is_sitemap("<!-- never closed"));
        assert!(is_sitemap("\u{feff}<sm:urlset xmlns:sm=\"x\"/>"));
    }

    #[test]
    fn a_broken_sitemap_keeps_what_came_before_the_break() {
        let cut = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
            <url><loc>https://news.example/a</loc></url>\
            <url><loc>https://news.example/b</loc></url>\
            <url><loc>https://news.example/c</lo";
        let f = parse_sitemap(cut, &base()).unwrap();
        let urls: Vec<&str> = f.entries.iter().map(|e| e.link.as_str()).collect();
        assert_eq!(urls, ["https://news.example/a", "https://news.example/b"]);

        let err = parse_sitemap("<urlset><url><loc>https://x.example/</x></url>", &base())
            .unwrap_err()
            .to_string();
        assert!(err.contains("news.example/sitemap.xml"), "{err}");
        let unreadable = parse_sitemap("<urlset><url><loc>not a url</loc></url></urlset>", &base());
        assert!(matches!(unreadable, Err(FeedError::Unreadable { .. })));
    }
}
