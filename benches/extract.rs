//! Extractor benchmarks (divan) on a few representative pages: our own
//! news-article fixture, and three real pages from the WCXB development split
//! (a public-domain government article, a Stack Exchange question page, a
//! Wikipedia list page; licenses in `tests/fixtures/bench/README.md`).
//!
//! ```text
//! cargo bench --bench extract
//! ```
//!
//! `pipeline` is the whole `extract` path (decode, parse, every stage),
//! `pipeline_markdown` the same with the Markdown written too;
//! `parse` is HTML parsing alone, to show how much of the time the stages add;
//! `depth_scan` the nesting guard's pass alone, and `pipeline_deep_page` a
//! hostile page of 100,000 nested `<div>`s.

/// The binary's allocator (see `src/main.rs`), so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use newswire::Pipeline;
use newswire::config::ExtractConfig;
use newswire::extract::{Doc, Page};
use newswire::record::Article;

fn main() {
    divan::main();
}

/// (name, bytes (possibly gzip), URL)
const PAGES: &[(&str, &[u8], &str)] = &[
    (
        "news_article",
        include_bytes!("../tests/fixtures/article.html"),
        "https://www.valleygazette.example/news/2024/03/11/riverside-park-approved",
    ),
    (
        "gov_article",
        include_bytes!("../tests/fixtures/bench/0074.html.gz"),
        "https://www.cdc.gov/nutrition/features/healthy-eating-tips.html",
    ),
    (
        "forum_question",
        include_bytes!("../tests/fixtures/bench/0172.html.gz"),
        "https://cooking.stackexchange.com/questions/12068/catering-event-for-1st-time-how-should-i-prepare",
    ),
    (
        "wiki_listing",
        include_bytes!("../tests/fixtures/bench/2904.html.gz"),
        "https://en.wikipedia.org/wiki/List_of_programming_languages",
    ),
];

const NAMES: &[&str] = &[
    "news_article",
    "gov_article",
    "forum_question",
    "wiki_listing",
];

fn page(name: &str) -> (&'static [u8], url::Url) {
    let (_, bytes, url) = PAGES
        .iter()
        .find(|(n, _, _)| *n == name)
        .unwrap_or_else(|| panic!("no bench page {name}"));
    (
        bytes,
        url::Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}")),
    )
}

/// The page as text (gunzipped), for the parse-only benchmark.
fn page_text(name: &str) -> String {
    use std::io::Read;
    let (bytes, _) = page(name);
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut out)
            .unwrap_or_else(|e| panic!("gunzip {name}: {e}"));
        out
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

#[divan::bench(args = NAMES)]
fn pipeline(bencher: divan::Bencher, name: &str) {
    let (bytes, url) = page(name);
    let pipeline = Pipeline::new(&ExtractConfig::default());
    bencher
        .with_inputs(|| Page::from_bytes(bytes.to_vec(), Some(url.clone())))
        .bench_values(|p| pipeline.run(p));
}

/// [`pipeline`] with `[extract] markdown` on: what writing the Markdown
/// beside the text costs.
#[divan::bench(args = NAMES)]
fn pipeline_markdown(bencher: divan::Bencher, name: &str) {
    let (bytes, url) = page(name);
    let pipeline = Pipeline::new(&ExtractConfig {
        markdown: true,
        ..ExtractConfig::default()
    });
    bencher
        .with_inputs(|| Page::from_bytes(bytes.to_vec(), Some(url.clone())))
        .bench_values(|p| pipeline.run(p));
}

#[divan::bench(args = NAMES)]
fn parse(bencher: divan::Bencher, name: &str) {
    let text = page_text(name);
    bencher.bench(|| {
        Doc::parse(
            divan::black_box(&text),
            None,
            Article::new(chrono::Utc::now()),
        )
    });
}

/// The nesting guard alone ([`newswire::extract::prestrip::depth`]) on the
/// page as the pipeline hands it over (scripts and unread attributes cut):
/// what the extra pass costs on a real page that it leaves alone.
#[divan::bench(args = NAMES)]
fn depth_scan(bencher: divan::Bencher, name: &str) {
    let text = page_text(name);
    let stripped = newswire::extract::prestrip::strip(&text);
    bencher
        .bench(|| newswire::extract::prestrip::depth::flatten(divan::black_box(&stripped)).len());
}

/// A hostile page: 100,000 nested `<div>`s around one paragraph (1.1 MB).
/// Unflattened, the tree builder takes minutes on it.
#[divan::bench]
fn pipeline_deep_page(bencher: divan::Bencher) {
    const DEPTH: usize = 100_000;
    let html = format!(
        "<html><head><title>Deep</title></head><body>{}<p>The storm reached the coast before dawn, and the harbour stayed shut all day.</p>{}</body></html>",
        "<div>".repeat(DEPTH),
        "</div>".repeat(DEPTH)
    );
    let pipeline = Pipeline::new(&ExtractConfig::default());
    bencher
        .with_inputs(|| Page::from_bytes(html.clone().into_bytes(), None))
        .bench_values(|p| pipeline.run(p));
}
