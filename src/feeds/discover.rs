//! Feed discovery: a site's feeds from one of its pages, for
//! `newswire feeds discover`.
//!
//! Candidates come in four tiers, and a later tier is asked only when the
//! one before yields no feed: the feeds the page declares
//! (`<link rel="alternate" type="application/rss+xml">`, what browsers and
//! feed readers use), then links in the page whose address looks like a
//! feed (`…/feed`, `rss.xml`), then a few common paths at the site's root,
//! and last the site's news sitemap (named in its robots.txt, or at a
//! common path), which the worker reads as a feed.
//! Every candidate is fetched and parsed; only what parses as a feed is
//! reported, so a stale `<link>` or a guessed path that serves the home page
//! is never offered. At most [`MAX_CANDIDATES`] addresses are asked per
//! tier, one at a time: discovery is a one-off, and it should look like one
//! reader visiting, not a scan.

use std::collections::HashSet;

use serde::Serialize;
use url::Url;

use super::parse::parse_feed;
use crate::extract::doc::css;
use crate::fetch::client::ACCEPT_FEED;
use crate::fetch::robots::RobotsCache;
use crate::fetch::{FetchError, Fetcher, Request};

/// Paths tried at the site's root when the page names no feed: the
/// defaults of WordPress, Ghost, Hugo, Jekyll, Blogger and common static
/// site generators, most used first.
pub const COMMON_PATHS: &[&str] = &[
    "/feed",
    "/rss",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.json",
    "/feeds/posts/default",
];

/// Paths of a news sitemap tried when the site has no feed (besides the
/// sitemaps its robots.txt names): the names the common CMS plugins and
/// Google's examples use.
pub const NEWS_SITEMAP_PATHS: &[&str] = &[
    "/news-sitemap.xml",
    "/sitemap_news.xml",
    "/sitemap-news.xml",
    "/news_sitemap.xml",
];

/// The most addresses one tier may ask: a page that declares fifty feeds
/// (one per category) is read in part, not hammered.
pub const MAX_CANDIDATES: usize = 12;

/// `type` values of a `<link rel="alternate">` that names a feed.
const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/x.atom+xml",
    "application/x-atom+xml",
];

/// How a feed was found: says how much to trust it as *the* site feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    /// The address given is itself a feed.
    Itself,
    /// The page declares it with `<link rel="alternate">`.
    Declared,
    /// The page links to it with an address that looks like a feed.
    Linked,
    /// A common path at the site's root answered with a feed.
    Guessed,
    /// The site's news sitemap (from robots.txt or a common path).
    Sitemap,
}

impl Found {
    /// A few words for people, as in "declared by the page".
    pub fn describe(self) -> &'static str {
        match self {
            Found::Itself => "the address given",
            Found::Declared => "declared by the page",
            Found::Linked => "linked from the page",
            Found::Guessed => "a common path on the site",
            Found::Sitemap => "the site's news sitemap",
        }
    }
}

/// A feed that was fetched and parsed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiscoveredFeed {
    /// The feed's address, as declared or guessed (not the redirect target,
    /// which may be temporary).
    pub url: Url,
    /// The feed's own title.
    pub title: Option<String>,
    /// Entries with a usable link when it was read.
    pub entries: usize,
    /// How it was found.
    pub found: Found,
}

/// Why no feed could be offered.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// The address is not one the fetcher speaks (`ftp:`, `file:`).
    #[error("cannot discover feeds at {0}: only http and https addresses can be fetched")]
    Scheme(Url),
    /// The page itself could not be fetched.
    #[error("cannot discover feeds: {0}")]
    Fetch(#[from] FetchError),
    /// Nothing that was tried parses as a feed.
    #[error("no feed found for {url}: {why}")]
    NoFeed {
        /// The address given.
        url: Url,
        /// What was tried, and why each failed.
        why: String,
    },
}

/// Finds the feeds of the site `url` belongs to. With `robots`, a guessed
/// path is asked only when the site's robots.txt allows it; what the page
/// itself declares or links is fetched as a reader would.
pub async fn discover(
    fetcher: &Fetcher,
    robots: Option<&RobotsCache>,
    url: &Url,
) -> Result<Vec<DiscoveredFeed>, DiscoverError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(DiscoverError::Scheme(url.clone()));
    }
    let page = fetcher.get(url).await?;
    if looks_like_feed(page.content_type.as_deref(), &page.body)
        && let Ok(feed) = parse_feed(&page.body, page.content_type.as_deref(), &page.final_url)
    {
        return Ok(vec![DiscoveredFeed {
            url: url.clone(),
            title: feed.title,
            entries: feed.entries.len(),
            found: Found::Itself,
        }]);
    }
    let html = crate::fetch::charset::decode_html(
        &page.body,
        page.content_type
            .as_deref()
            .and_then(crate::fetch::charset::charset_from_content_type),
        None,
    )
    .text;
    let links = page_links(&html, &page.final_url);
    let mut asked: HashSet<Url> = HashSet::from([url.clone(), page.final_url.clone()]);
    let mut failures = Vec::new();
    for (found, candidates) in [
        (Found::Declared, links.declared),
        (Found::Linked, links.linked),
    ] {
        let feeds = try_all(fetcher, None, found, candidates, &mut asked, &mut failures).await;
        if !feeds.is_empty() {
            return Ok(feeds);
        }
    }
    let guessed = COMMON_PATHS
        .iter()
        .filter_map(|p| page.final_url.join(p).ok())
        .collect();
    let mut feeds = try_all(
        fetcher,
        robots,
        Found::Guessed,
        guessed,
        &mut asked,
        &mut failures,
    )
    .await;
    if feeds.is_empty() {
        let sitemaps = sitemap_candidates(fetcher, robots, &page.final_url).await;
        feeds = try_all(
            fetcher,
            robots,
            Found::Sitemap,
            sitemaps,
            &mut asked,
            &mut failures,
        )
        .await;
    }
    if feeds.is_empty() {
        return Err(DiscoverError::NoFeed {
            url: url.clone(),
            why: explain(&failures),
        });
    }
    Ok(feeds)
}

/// Fetches and parses each candidate not asked before; keeps what parses.
async fn try_all(
    fetcher: &Fetcher,
    robots: Option<&RobotsCache>,
    found: Found,
    candidates: Vec<Url>,
    asked: &mut HashSet<Url>,
    failures: &mut Vec<String>,
) -> Vec<DiscoveredFeed> {
    let mut feeds = Vec::new();
    let fresh: Vec<Url> = candidates
        .into_iter()
        .filter(|u| asked.insert(u.clone()))
        .take(MAX_CANDIDATES)
        .collect();
    for url in fresh {
        if let Some(robots) = robots
            && !robots.check(fetcher, &url).await.allowed
        {
            failures.push(format!("{url}: disallowed by robots.txt"));
            continue;
        }
        match read_feed(fetcher, &url).await {
            // A sitemap is offered only when it is a news sitemap: a site's
            // general sitemap lists every page it has, not its news.
            Ok(feed)
                if found == Found::Sitemap && !feed.entries.iter().any(|e| e.title.is_some()) =>
            {
                failures.push(format!("{url}: a sitemap without news entries"));
            }
            Ok(feed) => {
                // Sites answer several common paths with the same feed
                // (`/feed` and `/rss` both): the first guess that is a feed
                // is enough, and the rest are not asked.
                let stop = matches!(found, Found::Guessed | Found::Sitemap);
                feeds.push(DiscoveredFeed {
                    url,
                    title: feed.title,
                    entries: feed.entries.len(),
                    found,
                });
                if stop {
                    break;
                }
            }
            Err(why) => {
                tracing::debug!(%url, %why, "not a feed");
                failures.push(why);
            }
        }
    }
    feeds
}

/// The sitemaps the site's robots.txt names (when robots.txt is honoured),
/// those that say `news` first, then the [`NEWS_SITEMAP_PATHS`].
async fn sitemap_candidates(
    fetcher: &Fetcher,
    robots: Option<&RobotsCache>,
    page: &Url,
) -> Vec<Url> {
    let mut named = match robots {
        Some(robots) => robots.sitemaps(fetcher, page).await,
        None => Vec::new(),
    };
    named.sort_by_key(|u| !u.as_str().to_ascii_lowercase().contains("news"));
    named.retain(|u| matches!(u.scheme(), "http" | "https"));
    named.extend(NEWS_SITEMAP_PATHS.iter().filter_map(|p| page.join(p).ok()));
    named
}

/// Fetches and parses `url` as a feed, or says why not.
async fn read_feed(fetcher: &Fetcher, url: &Url) -> Result<super::ParsedFeed, String> {
    let request = Request {
        accept: Some(ACCEPT_FEED),
        ..Request::default()
    };
    let page = fetcher
        .request(url, &request)
        .await
        .map_err(|e| e.to_string())?;
    parse_feed(&page.body, page.content_type.as_deref(), &page.final_url).map_err(|e| e.to_string())
}

/// One line of what was tried: the count and the first few reasons.
fn explain(failures: &[String]) -> String {
    const SHOWN: usize = 3;
    if failures.is_empty() {
        return "the page names no feed and no common path could be tried".to_owned();
    }
    let mut why = format!(
        "the page names no readable feed and none of {} addresses tried is one ({}",
        failures.len(),
        failures[..failures.len().min(SHOWN)].join("; ")
    );
    if failures.len() > SHOWN {
        why.push_str("; …");
    }
    why.push(')');
    why
}

/// Whether a fetched body may be a feed rather than a page: a feed media
/// type, or a body that opens like XML or JSON rather than HTML.
fn looks_like_feed(content_type: Option<&str>, body: &[u8]) -> bool {
    let media = content_type.unwrap_or_default().to_ascii_lowercase();
    if (media.contains("xml") && !media.contains("xhtml")) || media.contains("json") {
        return true;
    }
    let start = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let start = start.trim_start_matches('\u{feff}').trim_start();
    ["<rss", "<feed", "<rdf", "<urlset", "<sitemapindex", "{"]
        .iter()
        .any(|p| start.starts_with(p))
        || start.starts_with("<?xml") && !start.contains("<html") && !start.contains("<!doctype")
}

/// Feed candidates named by a page, in document order, deduplicated.
#[derive(Debug, Default, PartialEq)]
pub struct PageLinks {
    /// `<link rel="alternate">` (or `rel="feed"`) with a feed type.
    pub declared: Vec<Url>,
    /// `<a href>` whose address looks like a feed.
    pub linked: Vec<Url>,
}

/// Reads the feed candidates of `html`, resolving them against `<base href>`
/// when the page has one, else against `page_url`.
pub fn page_links(html: &str, page_url: &Url) -> PageLinks {
    let doc = scraper::Html::parse_document(html);
    let base = doc
        .select(css!("base[href]"))
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page_url.join(h.trim()).ok())
        .unwrap_or_else(|| page_url.clone());
    let resolve = |href: &str| {
        base.join(href.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
    };
    let mut links = PageLinks::default();
    let mut seen = HashSet::new();
    for link in doc.select(css!("link[href][rel]")) {
        let el = link.value();
        let rel = el.attr("rel").unwrap_or_default().to_ascii_lowercase();
        let rels: Vec<&str> = rel.split_ascii_whitespace().collect();
        let media = el
            .attr("type")
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let is_feed = rels.contains(&"feed")
            || rels.contains(&"alternate")
                && (FEED_TYPES.contains(&media.as_str())
                    // JSON Feed 1.0's type, also WordPress's REST API links:
                    // only when the link says it is a feed.
                    || media == "application/json"
                        && el
                            .attr("title")
                            .is_some_and(|t| t.to_ascii_lowercase().contains("feed")));
        if let Some(url) = el.attr("href").filter(|_| is_feed).and_then(resolve)
            && seen.insert(url.clone())
        {
            links.declared.push(url);
        }
    }
    for a in doc.select(css!("a[href]")) {
        if let Some(url) = a.value().attr("href").and_then(resolve)
            && looks_like_feed_address(&url)
            && seen.insert(url.clone())
        {
            links.linked.push(url);
        }
    }
    links
}

/// Whether an address reads like a feed's: `/feed`, `/rss/`, `atom.xml`,
/// `.rss`, `?feed=rss2`.
fn looks_like_feed_address(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    matches!(last, "feed" | "rss" | "atom" | "feeds" | "rss2")
        || [".rss", ".rdf", ".atom"].iter().any(|e| last.ends_with(e))
        || matches!(
            last,
            "rss.xml" | "atom.xml" | "feed.xml" | "index.xml" | "feed.json" | "index.rss"
        )
        || url.query().is_some_and(|q| {
            q.split('&')
                .any(|kv| kv.starts_with("feed=") || kv == "format=rss" || kv == "format=atom")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example/politics/story.html").expect("test URL")
    }

    #[test]
    fn declared_feeds_come_in_document_order_resolved_and_once() {
        let html = r#"<html><head>
            <link rel="alternate" type="application/rss+xml" title="News" href="/feed.xml">
            <link rel="alternate" type="application/atom+xml; charset=utf-8" href="atom.xml">
            <link rel="Alternate" type="application/feed+json" href="https://news.example/feed.json">
            <link rel="alternate" type="application/rss+xml" href="/feed.xml">
            <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
            <link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/1">
            <link rel="stylesheet" type="text/css" href="/site.css">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            </head><body></body></html>"#;
        let links = page_links(html, &base());
        let got: Vec<&str> = links.declared.iter().map(Url::as_str).collect();
        assert_eq!(
            got,
            [
                "https://news.example/feed.xml",
                "https://news.example/politics/atom.xml",
                "https://news.example/feed.json",
            ]
        );
        assert!(links.linked.is_empty());
    }

    #[test]
    fn base_href_resolves_relative_feeds() {
        let html = r#"<head><base href="https://cdn.example/site/">
            <link rel="alternate" type="application/rss+xml" href="rss.xml"></head>"#;
        let links = page_links(html, &base());
        assert_eq!(
            links.declared[0].as_str(),
            "https://cdn.example/site/rss.xml"
        );
    }

    #[test]
    fn links_that_look_like_feeds_are_the_second_tier() {
        let html = r#"<body>
            <a href="/about">About</a>
            <a href="/feed/">RSS</a>
            <a href="https://feeds.example.net/news.rss">All news</a>
            <a href="/blog/?feed=rss2">Blog feed</a>
            <a href="/feedback">Feedback</a>
            <a href="/rss-readers-compared">Story</a>
            <a href="mailto:desk@news.example">Mail</a>
            </body>"#;
        let links = page_links(html, &base());
        let got: Vec<&str> = links.linked.iter().map(Url::as_str).collect();
        assert_eq!(
            got,
            [
                "https://news.example/feed/",
                "https://feeds.example.net/news.rss",
                "https://news.example/blog/?feed=rss2",
            ]
        );
    }

    #[test]
    fn json_link_counts_only_when_it_says_feed() {
        let html =
            r#"<link rel="alternate" type="application/json" title="JSON Feed" href="/feed.json">"#;
        assert_eq!(page_links(html, &base()).declared.len(), 1);
    }

    #[test]
    fn bodies_are_told_apart_by_type_then_opening() {
        assert!(looks_like_feed(Some("application/rss+xml"), b"<html>"));
        assert!(looks_like_feed(
            None,
            b"\xef\xbb\xbf  <?xml version=\"1.0\"?><rss>"
        ));
        assert!(looks_like_feed(
            Some("text/plain"),
            b"{\"version\": \"https://jsonfeed.org/version/1.1\"}"
        ));
        assert!(!looks_like_feed(
            Some("text/html"),
            b"<!DOCTYPE html><html>"
        ));
        assert!(!looks_like_feed(
            Some("application/xhtml+xml"),
            b"<?xml version=\"1.0\"?><!DOCTYPE html><html>"
        ));
    }

    #[test]
    fn failures_are_summed_up_in_one_line() {
        assert!(explain(&[]).contains("no common path"));
        let many: Vec<String> = (0..5).map(|i| format!("u{i}: 404")).collect();
        let why = explain(&many);
        assert!(why.contains("none of 5 addresses"), "{why}");
        assert!(why.contains("u0: 404; u1: 404; u2: 404; …"), "{why}");
        assert!(!why.contains('\n'));
    }
}
