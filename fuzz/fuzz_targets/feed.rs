//! Feed bytes → entries: `parse_feed` must return, never panic or hang.
//!
//! feed-rs itself is run under `catch_unwind` by `parse_feed` (it panics on
//! some inputs, see DESIGN.md), so the default panic hook is put back: a
//! panic caught there is the designed isolation, not a finding. A panic that
//! escapes `parse_feed` still aborts the run.
#![no_main]

use std::sync::{LazyLock, Once};

use libfuzzer_sys::fuzz_target;
use newswire::feeds::parse_feed;
use url::Url;

static BASE: LazyLock<Url> =
    LazyLock::new(|| Url::parse("https://news.example/section/feed.xml").expect("fixed URL"));

fuzz_target!(|data: &[u8]| {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let _ = std::panic::take_hook();
    });
    // Two content types: none (detection) and a declared legacy charset.
    let _ = parse_feed(data, None, &BASE);
    let _ = parse_feed(data, Some("application/rss+xml; charset=iso-8859-1"), &BASE);
});
