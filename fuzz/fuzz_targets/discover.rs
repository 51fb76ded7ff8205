//! A page's feed candidates: `page_links` must return, never panic, and
//! offer only http(s) URLs.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use newswire::feeds::discover::page_links;
use url::Url;

static PAGE: LazyLock<Url> =
    LazyLock::new(|| Url::parse("https://news.example/section/").expect("fixed URL"));

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let links = page_links(&html, &PAGE);
    for url in links.declared.iter().chain(&links.linked) {
        assert!(matches!(url.scheme(), "http" | "https"), "{url}");
    }
});
