//! Web archive bytes → pages: `read_pages` must return, never panic, and
//! every page it hands on must be a `200` with a URL, a body within the cap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newswire::fetch::warc::{WarcError, read_pages};

const CAP: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let _ = read_pages::<_, WarcError>(data, CAP, |page| {
        assert!(page.url.is_some());
        assert_eq!(page.http.as_ref().map(|h| h.status), Some(200));
        assert!(page.bytes.len() <= CAP + 64 * 1024);
        Ok(())
    });
});
