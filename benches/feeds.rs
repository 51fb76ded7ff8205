//! Cost of reading a feed body into entries (`feeds::parse_feed`): an RSS
//! feed and a news sitemap of the same 1,000 articles, and a sitemap at
//! the protocol's limit of 50,000 URLs. The poller runs this once per
//! changed feed body, on the async threads.
//!
//! ```text
//! cargo bench --profile bench-fast --bench feeds
//! ```

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use newswire::feeds::parse_feed;
use url::Url;

fn main() {
    divan::main();
}

fn base() -> Url {
    Url::parse("https://news.example/feed.xml").expect("fixed URL")
}

/// An RSS 2.0 feed of `n` items, each with a title, date, category and a
/// paragraph of `content:encoded`.
fn rss(n: usize) -> Vec<u8> {
    let items: String = (0..n)
        .map(|i| {
            format!(
                "<item><title>Story number {i} about the harbour</title>\
                 <link>https://news.example/2026/12/{i}/story</link><guid>id-{i}</guid>\
                 <pubDate>Mon, 07 Dec 2026 08:{:02}:00 +0100</pubDate><category>Local</category>\
                 <content:encoded><![CDATA[<p>The council met on Tuesday to discuss plan {i}.</p>]]></content:encoded></item>",
                i % 60
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\
         <channel><title>News</title>{items}</channel></rss>"
    )
    .into_bytes()
}

/// A sitemap of `n` URLs, each with a news block when `news` is set.
fn sitemap(n: usize, news: bool) -> Vec<u8> {
    let urls: String = (0..n)
        .map(|i| {
            let block = if news {
                format!(
                    "<news:news><news:publication><news:name>News</news:name>\
                     <news:language>en</news:language></news:publication>\
                     <news:publication_date>2026-12-07T08:{:02}:00+01:00</news:publication_date>\
                     <news:title>Story number {i} about the harbour</news:title></news:news>",
                    i % 60
                )
            } else {
                String::new()
            };
            format!(
                "<url><loc>https://news.example/2026/12/{i}/story</loc>\
                 <lastmod>2026-12-07</lastmod>{block}</url>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">{urls}</urlset>"
    )
    .into_bytes()
}

fn bench(bencher: Bencher, body: Vec<u8>, entries: usize) {
    let base = base();
    bencher
        .counter(BytesCount::new(body.len()))
        .counter(ItemsCount::new(entries))
        .bench(|| {
            let feed = parse_feed(black_box(&body), None, &base).expect("benchmark feed parses");
            assert_eq!(feed.entries.len(), entries);
            feed
        });
}

#[divan::bench]
fn rss_1000_items(bencher: Bencher) {
    bench(bencher, rss(1000), 1000);
}

#[divan::bench]
fn news_sitemap_1000_urls(bencher: Bencher) {
    bench(bencher, sitemap(1000, true), 1000);
}

#[divan::bench(sample_count = 10)]
fn sitemap_50000_urls(bencher: Bencher) {
    bench(bencher, sitemap(50_000, false), 50_000);
}
