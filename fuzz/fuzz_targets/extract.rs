//! Page bytes → record through every stage: `Pipeline::run` must return a
//! record for any input, no stage may panic (libFuzzer's hook aborts on any
//! panic, caught or not), and the record must be valid against
//! `schema/article.schema.json`, formats included (`date-time`, `uri`):
//! the schema is the contract with every downstream reader. Markdown is
//! on, so its renderer meets the same inputs.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use newswire::Pipeline;
use newswire::config::ExtractConfig;
use newswire::extract::Page;
use url::Url;

static PIPELINE: LazyLock<Pipeline> = LazyLock::new(|| {
    Pipeline::new(&ExtractConfig {
        markdown: true,
        ..ExtractConfig::default()
    })
});
static URL: LazyLock<Url> =
    LazyLock::new(|| Url::parse("https://news.example/2024/01/16/story.html").expect("fixed URL"));
static SCHEMA: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schema/article.schema.json"))
            .expect("the schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
});

fuzz_target!(|data: &[u8]| {
    let record = PIPELINE.run(Page::from_bytes(data.to_vec(), Some(URL.clone())));
    let value = serde_json::to_value(&record).expect("a record always serializes");
    let errors: Vec<String> = SCHEMA.iter_errors(&value).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "schema violations: {errors:?}\n{value}");
});
