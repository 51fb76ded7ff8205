//! Page bytes → record through every stage: `Pipeline::run` must return a
//! record for any input, and no stage may panic (libFuzzer's hook aborts on
//! any panic, caught or not).
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use newswire::Pipeline;
use newswire::extract::Page;
use url::Url;

static PIPELINE: LazyLock<Pipeline> = LazyLock::new(|| Pipeline::new(&Default::default()));
static URL: LazyLock<Url> =
    LazyLock::new(|| Url::parse("https://news.example/2024/01/16/story.html").expect("fixed URL"));

fuzz_target!(|data: &[u8]| {
    let record = PIPELINE.run(Page::from_bytes(data.to_vec(), Some(URL.clone())));
    // The record must serialize: it is what every sink writes.
    serde_json::to_vec(&record).expect("a record always serializes");
});
