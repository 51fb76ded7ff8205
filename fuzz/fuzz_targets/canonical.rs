//! URLs as feeds write them → canonical URL and id: `canonicalize` must
//! never panic, and must be idempotent through a string round trip (the
//! state store keeps the string): a canonical URL canonicalized again is
//! the same URL, so an article keeps one id however often it is seen.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newswire::canonical::{article_id, canonicalize};
use url::Url;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Article URLs are http(s) only (feed links and page URLs are filtered
    // to those); the url crate's own `file:` normalization is not
    // idempotent (`file:e:.` → `file:///e:/.` → `file:///e:/`).
    let Ok(url) = Url::parse(text) else {
        return;
    };
    if !matches!(url.scheme(), "http" | "https") {
        return;
    }
    let once = canonicalize(&url);
    let again = Url::parse(once.as_str())
        .map(|u| canonicalize(&u))
        .unwrap_or_else(|e| panic!("canonical {once} does not parse: {e}"));
    assert_eq!(once.as_str(), again.as_str(), "from {text:?}");
    assert_eq!(article_id(once.as_str()), article_id(again.as_str()));
});
