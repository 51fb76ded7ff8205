//! OPML text → feed list: `parse_opml` must return, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newswire::feeds::opml::parse_opml;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_opml(text);
    }
});
