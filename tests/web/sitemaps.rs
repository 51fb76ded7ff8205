//! Sitemaps in place of feeds: news sitemaps, compressed sitemaps and
//! sitemap indexes.

use crate::record;
use crate::support::{Site, article, config_with, gzip, once, status};

/// A `<urlset>` of `(path, lastmod)` pages on `base`, each with a news
/// block when `news` is set.
fn urlset(base: &str, pages: &[(&str, &str)], news: bool) -> Vec<u8> {
    let urls: String = pages
        .iter()
        .map(|(path, lastmod)| {
            let block = if news {
                format!(
                    "<news:news><news:publication><news:name>Harbour Herald</news:name>\
                     <news:language>en</news:language></news:publication>\
                     <news:publication_date>{lastmod}</news:publication_date>\
                     <news:title>News at {path}</news:title></news:news>"
                )
            } else {
                String::new()
            };
            format!("<url><loc>{base}{path}</loc><lastmod>{lastmod}</lastmod>{block}</url>")
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>"#
    )
    .into_bytes()
}

/// Serves an article at each of `paths`.
fn articles(site: &Site, paths: &[&str]) {
    for (i, path) in paths.iter().enumerate() {
        let title = format!("Harbour story number {i}");
        site.set(path, 200, &[], &article(&title, &title));
    }
}

#[test]
fn news_sitemaps_and_compressed_sitemaps_are_read_as_feeds() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    articles(&site, &["/news/a", "/news/b", "/posts/c"]);
    site.set(
        "/news-sitemap.xml",
        200,
        &[("Content-Type", "application/xml")],
        &urlset(
            &site.base,
            &[
                ("/news/a", "2026-12-06T08:30:00+01:00"),
                ("/news/b", "2026-12-06T09:00:00Z"),
            ],
            true,
        ),
    );
    // A `.xml.gz` file: gzip bytes as the body, no `Content-Encoding`.
    site.set(
        "/post-sitemap.xml.gz",
        200,
        &[("Content-Type", "application/x-gzip")],
        &gzip(&urlset(&site.base, &[("/posts/c", "2026-12-05")], false)),
    );
    let cfg = config_with(
        dir.path(),
        &site,
        &[],
        &["/news-sitemap.xml", "/post-sitemap.xml.gz"],
    );
    let (recs, stderr) = once(&cfg);
    assert_eq!(recs.len(), 3, "{stderr}");
    let a = record(&recs, "/news/a");
    assert_eq!(a["feed"]["title"], "Harbour Herald");
    assert_eq!(a["feed"]["entry_title"], "News at /news/a");
    assert_eq!(a["feed"]["entry_published"], "2026-12-06T07:30:00Z");
    let c = record(&recs, "/posts/c");
    assert_eq!(c["feed"]["entry_title"], serde_json::Value::Null);
    assert_eq!(c["feed"]["entry_published"], "2026-12-05T00:00:00Z");
    assert_eq!(c["title"], "Harbour story number 2");
    let text = status(&cfg);
    assert_eq!(text.matches("last: Ok").count(), 2, "{text}");

    // Known entries are not fetched again.
    let (again, _) = once(&cfg);
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(site.hits("/news/a"), 1);
}

#[test]
fn a_sitemap_index_is_read_through_its_most_recent_sitemaps() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    // `note` changes the body without changing what it lists.
    let index = |base: &str, note: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/sitemap-2019.xml</loc><lastmod>2019-12-31</lastmod></sitemap>
<sitemap><loc>{base}/sitemap-2026-11.xml</loc><lastmod>2026-11-30</lastmod></sitemap>
<sitemap><loc>{base}/sitemap-2026-12.xml</loc><lastmod>2026-12-06</lastmod></sitemap>
<sitemap><loc>{base}/sitemap-2026-10.xml</loc><lastmod>2026-10-31</lastmod></sitemap>
</sitemapindex><!-- {note} -->"#
        )
        .into_bytes()
    };
    // With validators: an index read in part must be asked for in full
    // again, not answered 304.
    site.set(
        "/sitemap_index.xml",
        200,
        &[("ETag", "\"v1\"")],
        &index(&site.base, "first"),
    );
    articles(&site, &["/2026/12/a", "/2026/11/b", "/2019/c"]);
    let month = |path: &str, page: &str, date: &str| {
        site.set(path, 200, &[], &urlset(&site.base, &[(page, date)], false));
    };
    month("/sitemap-2026-12.xml", "/2026/12/a", "2026-12-06");
    month("/sitemap-2026-11.xml", "/2026/11/b", "2026-11-30");
    month("/sitemap-2019.xml", "/2019/c", "2019-12-31");
    // The third most recent sitemap fails this time.
    site.set("/sitemap-2026-10.xml", 500, &[], b"down");
    let cfg = config_with(dir.path(), &site, &[], &["/sitemap_index.xml"]);

    let (recs, stderr) = once(&cfg);
    let mut urls: Vec<&str> = recs.iter().filter_map(|r| r["url"].as_str()).collect();
    urls.sort_unstable();
    assert_eq!(
        urls,
        [site.url("/2026/11/b"), site.url("/2026/12/a")],
        "{stderr}"
    );
    // Only the three most recently modified sitemaps are asked for.
    assert_eq!(site.hits("/sitemap-2019.xml"), 0);
    assert_eq!(site.hits("/sitemap-2026-10.xml"), 1);
    assert!(status(&cfg).contains("last: Ok"));

    // The index is unchanged, but one of its sitemaps failed: it is read
    // again, and the sitemap that failed gives its article now.
    month("/sitemap-2026-10.xml", "/2019/c", "2026-10-31");
    let (recs, _) = once(&cfg);
    assert_eq!(recs.len(), 1, "{recs:?}");
    assert_eq!(recs[0]["url"], site.url("/2019/c"));
    assert_eq!(site.hits("/sitemap-2026-12.xml"), 2);

    // Read in full and unchanged since: nothing is fetched but the index.
    once(&cfg);
    assert_eq!(site.hits("/sitemap-2026-12.xml"), 2);

    // When none of its sitemaps can be read, the feed fails and says why.
    for path in [
        "/sitemap-2026-12.xml",
        "/sitemap-2026-11.xml",
        "/sitemap-2026-10.xml",
    ] {
        site.set(path, 404, &[], b"gone");
    }
    site.set(
        "/sitemap_index.xml",
        200,
        &[("ETag", "\"v2\"")],
        &index(&site.base, "changed"),
    );
    let (recs, _) = once(&cfg);
    assert!(recs.is_empty());
    let text = status(&cfg);
    assert!(
        text.contains("none of its sitemaps could be read"),
        "{text}"
    );
    assert!(text.contains("answered HTTP 404"), "{text}");
}
