//! End-to-end tests of the `newswire` binary: `extract` and `check-config`,
//! success and failure paths, with every record validated against
//! `schema/article.schema.json`.
//!
//! - [`extract`]: files, stdin, encodings and hostile inputs.
//! - [`config`]: `check-config` and logging options.
//! - [`schema`]: the record schema itself.
//! - [`fetch`]: URLs against a loopback server.
//! - [`stages`]: near-duplicates, entities and quotations.

mod config;
mod extract;
mod fetch;
mod schema;
mod stages;

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn newswire() -> Command {
    let mut cmd = Command::cargo_bin("newswire").expect("binary builds");
    // Tests must not pick up a developer's environment or config.
    cmd.env_remove("NEWSWIRE_CONFIG")
        .env_remove("RUST_LOG")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/article.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("schema compiles")
}

/// Parses stdout as NDJSON and checks every line against the schema.
fn records(stdout: &[u8]) -> Vec<Value> {
    let v = validator();
    let text = std::str::from_utf8(stdout).expect("stdout is UTF-8");
    text.lines()
        .map(|line| {
            let rec: Value = serde_json::from_str(line).expect("each stdout line is JSON");
            let errors: Vec<String> = v.iter_errors(&rec).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "schema violations: {errors:?}\n{line}");
            rec
        })
        .collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts a user-facing failure: exit `code`, nothing on stdout, exactly one
/// `error:` line on stderr. Returns that line.
fn one_error_line(out: &std::process::Output, code: i32) -> String {
    assert_eq!(out.status.code(), Some(code));
    assert!(out.stdout.is_empty());
    let stderr = stderr_of(out);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error:"), "{stderr}");
    stderr
}

/// `len` deterministic pseudo-random bytes (xorshift), for binary inputs.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

const ARTICLE_TITLE: &str = "City council approves new riverside park after two-year debate";
