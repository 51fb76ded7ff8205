//! Date strings as pages and feeds write them → RFC 3339: `parse_date` must
//! return, never panic (slicing, overflowing years, odd zones), and what it
//! returns must parse back and not lie in the future.
#![no_main]

use chrono::{DateTime, TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use newswire::extract::metadata::dates::parse_date;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now = Utc
        .with_ymd_and_hms(2026, 3, 1, 12, 0, 0)
        .single()
        .expect("fixed time");
    if let Some(value) = parse_date(text, now) {
        let parsed = DateTime::parse_from_rfc3339(&value)
            .unwrap_or_else(|e| panic!("{value:?} from {text:?} is not RFC 3339: {e}"));
        assert!(
            parsed.with_timezone(&Utc) <= now + chrono::Duration::days(1),
            "{value:?} from {text:?} is in the future"
        );
    }
});
