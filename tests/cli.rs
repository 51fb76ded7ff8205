//! End-to-end tests of the `newswire` binary: `extract` and `check-config`,
//! success and failure paths, with every record validated against
//! `schema/article.schema.json`.

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

#[test]
fn extract_gzip_and_plain_pages_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read(fixture("storm.html")).unwrap();
    let gz = dir.path().join("page.html.gz");
    std::fs::write(&gz, gzip(&html)).unwrap();
    let other = dir.path().join("other.html");
    std::fs::write(
        &other,
        "<html><head><title>Other story</title></head><body><article><p>A second, different article, with its own words.</p></article></body></html>",
    )
    .unwrap();

    let out = newswire()
        .arg("extract")
        .arg(&gz)
        .arg(&other)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 2);
    assert_eq!(
        recs[0]["title"],
        "Storm closes coastal roads, thousands without power"
    );
    assert_eq!(recs[0]["authors"][0], "Amara Okafor");
    assert_eq!(recs[0]["published"]["value"], "2024-01-16T07:30:00-05:00");
    assert_eq!(recs[0]["status"], "ok");
    let text = recs[0]["text"].as_str().unwrap();
    assert!(text.contains("cutting power to about 12,000 homes"));
    assert!(!text.contains("Share on"), "share bar leaked: {text}");
    assert!(!text.contains("cookies"), "cookie banner leaked: {text}");
    assert_eq!(recs[1]["title"], "Other story");
}

#[test]
fn unreadable_input_keeps_its_line_and_fails_the_run() {
    let missing = "/nonexistent/dir/page.html";
    let out = newswire()
        .arg("extract")
        .arg(missing)
        .arg(fixture("storm.html"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["status"], "error");
    assert!(recs[0]["warnings"][0].as_str().unwrap().contains(missing));
    assert_eq!(recs[1]["status"], "ok");
}

#[test]
fn empty_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.html");
    std::fs::write(&empty, b"").unwrap();

    let out = newswire().arg("extract").arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["status"], "error");
    assert!(recs[0]["warnings"][0].as_str().unwrap().contains("empty"));
}

#[test]
fn binary_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("image.html");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(noise(4096, 7));
    std::fs::write(&binary, png).unwrap();

    let out = newswire().arg("extract").arg(&binary).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["status"], "error");
    let warning = recs[0]["warnings"][0].as_str().unwrap();
    assert!(warning.contains("binary"), "{warning}");
}

#[test]
fn huge_page_gives_bounded_result() {
    const LIMIT: usize = 8 * 1024 * 1024; // extract.max_html_bytes default
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.html");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(b"<html><head><title>A very long report</title></head><body><article>")
        .unwrap();
    let mut written = 0;
    let mut n = 0;
    // Distinct paragraphs, so repeated-text removal cannot shrink the page.
    while written < 50 * 1024 * 1024 {
        let para = format!(
            "<p>Paragraph {n} of a very long report, with commas, and enough words to count as prose.</p>\n"
        );
        f.write_all(para.as_bytes()).unwrap();
        written += para.len();
        n += 1;
    }
    f.write_all(b"</article></body></html>").unwrap();
    f.into_inner().unwrap().sync_all().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() >= 50 * 1024 * 1024);

    let out = newswire().arg("extract").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert_ne!(recs[0]["status"], "error");
    assert_eq!(recs[0]["title"], "A very long report");
    let warnings: Vec<&str> = recs[0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(warnings.iter().any(|w| w.contains("cut")), "{warnings:?}");
    // The text comes from the first 8 MiB only: bounded, but not lost.
    let text = recs[0]["text"].as_str().unwrap();
    assert!(text.len() <= LIMIT, "text of {} bytes", text.len());
    assert!(text.starts_with("Paragraph 0 of a very long report"));
    assert!(recs[0]["word_count"].as_u64().unwrap() > 100_000);
}

#[test]
fn stdin_and_url_option() {
    let html = std::fs::read(fixture("storm.html")).unwrap();
    let out = newswire()
        .args(["extract", "--url", "https://herald.example/amp/storm", "-"])
        .write_stdin(html)
        .output()
        .unwrap();
    assert!(out.status.success());
    let recs = records(&out.stdout);
    assert_eq!(recs[0]["url"], "https://herald.example/amp/storm");
    assert_eq!(
        recs[0]["canonical_url"],
        "https://herald.example/local/2024/01/16/storm-roads"
    );
    assert_eq!(recs[0]["image"], "https://herald.example/img/storm.jpg");
}

#[test]
fn windows_1252_page_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin.html");
    std::fs::write(
        &path,
        b"<html><head><meta charset=\"windows-1252\"><title>Caf\xe9</title></head><body><article><p>Le caf\xe9 est ouvert, d\xe9j\xe0, \x93depuis\x94 longtemps.</p></article></body></html>",
    )
    .unwrap();
    let out = newswire().arg("extract").arg(&path).output().unwrap();
    let recs = records(&out.stdout);
    assert_eq!(recs[0]["title"], "Café");
    assert!(recs[0]["text"].as_str().unwrap().contains("déjà, “depuis”"));
}

#[test]
fn extract_without_inputs_is_a_usage_error() {
    let out = newswire().arg("extract").output().unwrap();
    let stderr = one_error_line(&out, 1);
    assert!(stderr.starts_with("error: nothing to extract"), "{stderr}");
}

#[test]
fn check_config_prints_resolved_config() {
    let out = newswire()
        .args(["check-config", "-c", "config/newswire.toml"])
        .env("NEWSWIRE_FETCH__USER_AGENT", "testbot/1.0")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("[fetch]"));
    assert!(stdout.contains("user_agent = \"testbot/1.0\""), "{stdout}");
}

#[test]
fn check_config_names_bad_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[fetch]\nuser_agnt = \"x\"\n").unwrap();
    let out = newswire()
        .arg("check-config")
        .arg("-c")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("fetch.user_agnt"), "{stderr}");
    assert!(stderr.contains("line 2"), "{stderr}");
}

#[test]
fn check_config_rejects_bad_values_and_missing_file() {
    let out = newswire()
        .args(["check-config", "-c", "/nonexistent/newswire.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read config file"));

    let out = newswire()
        .args(["check-config", "-c", "config/newswire.toml"])
        .env("NEWSWIRE_FETCH__TIMEOUT", "soon")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fetch.timeout"), "{stderr}");
    assert!(stderr.contains("NEWSWIRE_FETCH__TIMEOUT"), "{stderr}");
}

#[test]
fn invalid_log_filter_is_a_clear_error() {
    let out = newswire()
        .args(["check-config"])
        .env("RUST_LOG", "newswire=[[[")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid log filter"));
}

#[test]
fn json_logs_go_to_stderr_only() {
    let out = newswire()
        .args(["--log-format", "json", "extract", "/nonexistent.html"])
        .output()
        .unwrap();
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr.lines().next().unwrap();
    let log: Value = serde_json::from_str(first).expect("log line is JSON");
    assert_eq!(log["level"], "WARN");
}

#[test]
fn extract_gzip_fixture_and_plain_page_print_two_lines_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read(fixture("article.html")).unwrap();
    let gz = dir.path().join("page.html.gz");
    std::fs::write(&gz, gzip(&html)).unwrap();
    let other = dir.path().join("other.html");
    std::fs::copy(fixture("storm.html"), &other).unwrap();

    let out = newswire()
        .arg("extract")
        .arg(&gz)
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let stdout = std::str::from_utf8(&out.stdout).unwrap();
    assert!(stdout.ends_with('\n'), "last line unterminated: {stdout}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    let recs = records(&out.stdout);
    assert_eq!(recs[0]["title"], ARTICLE_TITLE);
    assert_eq!(recs[0]["status"], "ok");
    assert_eq!(recs[0]["authors"], serde_json::json!(["Helena Marsh"]));
    assert_eq!(recs[0]["published"]["value"], "2024-03-11T18:45:00+01:00");
    assert_eq!(recs[0]["published"]["source"], "json-ld");
    assert_eq!(recs[0]["site_name"], "Valley Gazette");
    let text = recs[0]["text"].as_str().unwrap();
    assert!(text.contains("voted 7-2 on Monday evening"), "{text}");
    for furniture in [
        "Subscribe",
        "Sign up",
        "Related stories",
        "All rights reserved",
    ] {
        assert!(!text.contains(furniture), "{furniture:?} leaked: {text}");
    }
    assert_eq!(
        recs[1]["title"],
        "Storm closes coastal roads, thousands without power"
    );

    // Reversed inputs, reversed lines; the gzip copy reads like the original.
    let out = newswire()
        .arg("extract")
        .arg(&other)
        .arg(fixture("article.html"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let swapped = records(&out.stdout);
    assert_eq!(swapped.len(), 2);
    assert_eq!(swapped[0]["title"], recs[1]["title"]);
    assert_eq!(swapped[1]["id"], recs[0]["id"]);
    assert_eq!(swapped[1]["text"], recs[0]["text"]);
}

#[test]
fn missing_file_alone_is_an_error_record() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-page.html");
    let out = newswire().arg("extract").arg(&missing).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["status"], "error");
    let warning = recs[0]["warnings"][0].as_str().unwrap();
    assert!(warning.contains(&*missing.to_string_lossy()), "{warning}");
    // The failure is also logged, on stderr.
    assert!(
        stderr_of(&out).contains("no-such-page.html"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn mixed_inputs_keep_one_line_each_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.html");
    let empty = dir.path().join("empty.html");
    std::fs::write(&empty, b"").unwrap();
    let directory = dir.path().join("a-directory");
    std::fs::create_dir(&directory).unwrap();

    let out = newswire()
        .arg("extract")
        .arg(fixture("article.html"))
        .arg(&missing)
        .arg(fixture("storm.html"))
        .arg(&empty)
        .arg(&directory)
        .arg(fixture("article.html"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let recs = records(&out.stdout);
    let statuses: Vec<&str> = recs.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["ok", "error", "ok", "error", "error", "ok"]);
    assert_eq!(recs[0]["title"], ARTICLE_TITLE);
    assert!(
        recs[1]["warnings"][0]
            .as_str()
            .unwrap()
            .contains(&*missing.to_string_lossy())
    );
    assert!(recs[2]["title"].as_str().unwrap().starts_with("Storm"));
    assert!(
        recs[4]["warnings"][0]
            .as_str()
            .unwrap()
            .contains(&*directory.to_string_lossy())
    );
    assert_eq!(recs[5]["id"], recs[0]["id"]);
    // Distinct failed inputs get distinct ids.
    assert_ne!(recs[1]["id"], recs[3]["id"]);
    assert_ne!(recs[3]["id"], recs[4]["id"]);
}

#[test]
fn stdin_dash_reads_the_page() {
    let html = std::fs::read(fixture("article.html")).unwrap();
    let out = newswire()
        .args(["extract", "-"])
        .write_stdin(html.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["title"], ARTICLE_TITLE);
    assert_eq!(recs[0]["url"], Value::Null);

    // Between files, stdin keeps its place; gzip on stdin is decompressed.
    let out = newswire()
        .arg("extract")
        .arg(fixture("storm.html"))
        .arg("-")
        .arg(fixture("storm.html"))
        .write_stdin(gzip(&html))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[1]["title"], ARTICLE_TITLE);
    assert_eq!(recs[0]["title"], recs[2]["title"]);
}

#[test]
fn stdout_carries_only_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.html");
    std::fs::write(&empty, b"").unwrap();
    for format in ["text", "json"] {
        let out = newswire()
            .args(["--log-format", format, "extract"])
            .arg(fixture("article.html"))
            .arg(dir.path().join("missing.html"))
            .arg(&empty)
            .env("NEWSWIRE_LOG__LEVEL", "trace")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
        // `records` fails on any line that is not a schema-valid record.
        let recs = records(&out.stdout);
        assert_eq!(recs.len(), 3, "{format}");
        let stderr = stderr_of(&out);
        assert!(stderr.contains("WARN"), "{format}: {stderr}");
        assert!(!stderr.contains("\"schema\":"), "{format}: {stderr}");
    }
}

#[test]
fn check_config_env_override_shows_in_output() {
    let out = newswire()
        .args(["check-config", "-c", "config/newswire.toml"])
        .env("NEWSWIRE_FETCH__USER_AGENT", "zz")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("[fetch]"), "{stdout}");
    let printed: toml::Table = toml::from_str(&stdout).expect("check-config prints TOML");
    assert_eq!(printed["fetch"]["user_agent"].as_str(), Some("zz"));
}

#[test]
fn check_config_missing_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.toml");
    let out = newswire()
        .arg("check-config")
        .arg("-c")
        .arg(&missing)
        .output()
        .unwrap();
    let stderr = one_error_line(&out, 2);
    assert!(stderr.contains("absent.toml"), "{stderr}");
}

#[test]
fn invalid_log_level_from_env_is_a_clear_error() {
    let out = newswire()
        .args(["check-config", "-c", "config/newswire.toml"])
        .env("NEWSWIRE_LOG__LEVEL", "[[[")
        .output()
        .unwrap();
    // A bad config value is a config error: exit 2.
    let stderr = one_error_line(&out, 2);
    assert!(stderr.contains("[[["), "{stderr}");
    assert!(stderr.contains("log.level"), "{stderr}");
}

/// The schema file itself: valid 2020-12, and strict enough to catch drift.
#[test]
fn schema_is_valid_and_strict() {
    use newswire::record::{
        Article, DateField, DateSource, Entity, FeedInfo, HttpInfo, Keyword, Language, Quote,
        Status,
    };

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/article.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::meta::validate(&schema).expect("schema is a valid JSON Schema");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let v = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();

    // A record with every optional part filled in, as serde writes it.
    let now = chrono::Utc::now();
    let mut a = Article::new(now);
    a.id = "0123456789abcdef0123456789abcdef".into();
    a.url = Some("https://ex.com/a".into());
    a.canonical_url = Some("https://ex.com/a".into());
    a.final_url = Some("https://ex.com/a".into());
    a.http = Some(HttpInfo {
        status: 200,
        content_type: Some("text/html".into()),
        charset: Some("utf-8".into()),
        bytes: 1234,
        elapsed_ms: 56,
    });
    a.feed = Some(FeedInfo {
        url: "https://ex.com/feed.xml".into(),
        title: Some("Ex".into()),
        entry_id: Some("tag:ex.com,2024:1".into()),
        entry_title: Some("A".into()),
        entry_published: Some(now),
        categories: vec!["World".into()],
        tags: vec!["news".into()],
    });
    a.title = Some("A".into());
    a.authors = vec!["Jane Roe".into()];
    let date = DateField {
        value: "2024-05-17T10:00:00+02:00".into(),
        raw: "17 May 2024".into(),
        source: DateSource::JsonLd,
    };
    a.published = Some(date.clone());
    a.modified = Some(DateField {
        source: DateSource::Text,
        ..date
    });
    a.language = Some(Language {
        code: "en".into(),
        confidence: 0.9,
    });
    a.text = "Words.".into();
    a.word_count = 1;
    a.entities = vec![Entity {
        name: "Jane Roe".into(),
        kind: "person".into(),
        mentions: 2,
        aliases: vec!["Roe".into()],
    }];
    a.quotes = vec![
        Quote {
            text: "Hello".into(),
            speaker: Some("Jane Roe".into()),
            cue: Some("said".into()),
            partial: true,
        },
        Quote {
            text: "Bye".into(),
            speaker: None,
            cue: None,
            partial: false,
        },
    ];
    a.keywords = vec![Keyword {
        term: "words".into(),
        score: 0.5,
    }];
    a.simhash = Some("0123456789abcdef".into());
    a.duplicate_of = Some("fedcba9876543210fedcba9876543210".into());
    a.status = Status::ConsentWall;
    a.warnings = vec!["w".into()];
    let full = serde_json::to_value(&a).unwrap();
    let errors: Vec<String> = v.iter_errors(&full).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}\n{full}");
    assert_eq!(full["quotes"][0]["partial"], true);
    assert!(full["quotes"][1].get("partial").is_none());

    // Every serialized key is declared, and every declared key is required
    // (except `partial`, which serde omits when false).
    fn check_keys(schema: &Value, instance: &Value, at: &str) {
        let props = schema["properties"].as_object().unwrap();
        let obj = instance.as_object().unwrap();
        let declared: std::collections::BTreeSet<&str> = props.keys().map(String::as_str).collect();
        let written: std::collections::BTreeSet<&str> = obj.keys().map(String::as_str).collect();
        let mut required: std::collections::BTreeSet<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert_eq!(declared, written, "{at}: declared vs written keys");
        assert_eq!(schema["additionalProperties"], false, "{at}");
        required.insert("partial");
        assert!(declared.is_subset(&required), "{at}: not all required");
        for (k, p) in props {
            assert!(p["description"].is_string(), "{at}.{k}: no description");
        }
    }
    let props = &schema["properties"];
    check_keys(&schema, &full, "record");
    for key in [
        "http",
        "feed",
        "published",
        "modified",
        "language",
        "producer",
    ] {
        check_keys(&props[key], &full[key], key);
    }
    for key in ["entities", "quotes", "keywords"] {
        check_keys(&props[key]["items"], &full[key][0], key);
    }
    // A fresh record (nulls and empty lists everywhere) validates too.
    let mut fresh = serde_json::to_value(Article::new(now)).unwrap();
    fresh["id"] = "00000000000000000000000000000000".into();
    assert!(v.is_valid(&fresh), "{fresh}");

    // Each of these breaks the contract and must be rejected.
    type Breakage = Box<dyn Fn(&mut Value)>;
    let broken: Vec<(&str, Breakage)> = vec![
        ("extra key", Box::new(|r| r["extra"] = 1.into())),
        (
            "missing key",
            Box::new(|r| drop(r.as_object_mut().unwrap().remove("title"))),
        ),
        (
            "wrong schema",
            Box::new(|r| r["schema"] = "newswire.article/2".into()),
        ),
        ("short id", Box::new(|r| r["id"] = "abc".into())),
        (
            "upper-case id",
            Box::new(|r| r["id"] = "0123456789ABCDEF0123456789ABCDEF".into()),
        ),
        ("bad status", Box::new(|r| r["status"] = "fine".into())),
        (
            "bad date source",
            Box::new(|r| r["published"]["source"] = "html".into()),
        ),
        (
            "extra date key",
            Box::new(|r| r["published"]["tz"] = "UTC".into()),
        ),
        ("bad simhash", Box::new(|r| r["simhash"] = "xyz".into())),
        (
            "partial not bool",
            Box::new(|r| r["quotes"][0]["partial"] = "yes".into()),
        ),
        (
            "extra quote key",
            Box::new(|r| r["quotes"][1]["lang"] = "en".into()),
        ),
        (
            "extra http key",
            Box::new(|r| r["http"]["server"] = "nginx".into()),
        ),
        (
            "negative count",
            Box::new(|r| r["word_count"] = (-1).into()),
        ),
        (
            "bad fetched_at",
            Box::new(|r| r["fetched_at"] = "yesterday".into()),
        ),
        ("null text", Box::new(|r| r["text"] = Value::Null)),
        (
            "author not string",
            Box::new(|r| r["authors"] = serde_json::json!([1])),
        ),
    ];
    for (what, breakage) in broken {
        let mut r = full.clone();
        breakage(&mut r);
        assert!(!v.is_valid(&r), "schema accepted a record with {what}");
    }
}

/// Serves `responses` (raw HTTP/1.1 responses), one per connection, on
/// 127.0.0.1, and returns the base URL.
fn serve(responses: Vec<Vec<u8>>) -> String {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for response in responses {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(&response);
        }
    });
    format!("http://{addr}")
}

fn http_response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("\r\n");
    let mut bytes = r.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

#[test]
fn url_alone_fetches_the_page() {
    let body = gzip(b"<html><head><title>Fetched</title></head><body><article><p>Caf\xe9 news, fetched over HTTP, with gzip.</p></article></body></html>");
    let base = serve(vec![http_response(
        "200 OK",
        &[
            ("Content-Type", "text/html; charset=windows-1252"),
            ("Content-Encoding", "gzip"),
        ],
        &body,
    )]);
    let url = format!("{base}/news/story?utm_source=feed");
    let out = newswire()
        .args(["extract", "--url", &url])
        .env("NEWSWIRE_FETCH__ALLOW_PRIVATE_ADDRESSES", "true")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out.stdout);
    assert_eq!(recs[0]["title"], "Fetched");
    assert_eq!(recs[0]["http"]["status"], 200);
    assert_eq!(recs[0]["http"]["charset"], "windows-1252");
    assert_eq!(recs[0]["canonical_url"], format!("{base}/news/story"));
    assert!(recs[0]["text"].as_str().unwrap().contains("Café news"));
}

#[test]
fn url_fetch_failure_is_an_error_record() {
    let base = serve(vec![http_response("404 Not Found", &[], b"gone")]);
    let url = format!("{base}/missing");
    let out = newswire()
        .args(["extract", "--url", &url])
        .env("NEWSWIRE_FETCH__ALLOW_PRIVATE_ADDRESSES", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out.stdout);
    assert_eq!(recs[0]["status"], "error");
    assert!(recs[0]["warnings"][0].as_str().unwrap().contains("404"));
}

#[test]
fn private_addresses_are_refused_by_default() {
    let base = serve(vec![http_response("200 OK", &[], b"<p>internal</p>")]);
    let port = base.rsplit(':').next().unwrap().to_owned();
    // An IP literal, and a host name that resolves to loopback.
    for url in [
        format!("{base}/admin"),
        format!("http://localhost:{port}/admin"),
    ] {
        let out = newswire()
            .args(["extract", "--url", &url])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let recs = records(&out.stdout);
        let warning = recs[0]["warnings"][0].as_str().unwrap();
        assert!(
            warning.contains("allow_private_addresses"),
            "{url}: {warning}"
        );
    }
}

/// Two copies of one story (the second with a wire dateline and another
/// headline) in one `extract` run: the second names the first as its
/// near-duplicate; an unrelated page does not.
#[test]
fn near_duplicate_inputs_are_marked_across_one_run() {
    let story = std::fs::read_to_string(fixture("dedup/story.txt")).unwrap();
    let page = |title: &str, text: &str| {
        let paragraphs: String = text
            .split("\n\n")
            .map(|p| format!("<p>{p}</p>\n"))
            .collect();
        format!(
            "<html lang=\"en\"><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.html");
    let copy = dir.path().join("copy.html");
    std::fs::write(&first, page("Eastmere dock strike ends", &story)).unwrap();
    std::fs::write(
        &copy,
        page(
            "Port workers back after deal",
            &format!("EASTMERE (Wire) - {story}\n\nReporting by Jane Doe."),
        ),
    )
    .unwrap();
    let out = newswire()
        .arg("extract")
        .args([&first, &copy])
        .arg(fixture("article.html"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 3);
    assert_ne!(recs[0]["id"], recs[1]["id"]);
    assert_eq!(recs[0]["duplicate_of"], Value::Null);
    assert_eq!(recs[1]["duplicate_of"], recs[0]["id"]);
    assert_eq!(recs[2]["duplicate_of"], Value::Null);
    assert_eq!(recs[0]["language"]["code"], "en");
    assert!(recs[0]["keywords"].as_array().unwrap().len() >= 3);
    assert!(recs[0]["reading_time_minutes"].as_u64().unwrap() >= 1);
}

#[test]
fn extract_fills_entities_and_quotes() {
    let out = newswire()
        .arg("extract")
        .arg(fixture("article.html"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let rec = &records(&out.stdout)[0];
    let entities = rec["entities"].as_array().unwrap();
    let delaney = entities
        .iter()
        .find(|e| e["name"] == "Ruth Delaney")
        .unwrap_or_else(|| panic!("no Ruth Delaney in {entities:?}"));
    assert_eq!(delaney["type"], "person");
    assert!(
        entities
            .iter()
            .any(|e| e["name"] == "Millbrook" && e["type"] == "location"),
        "{entities:?}"
    );
    let quotes = rec["quotes"].as_array().unwrap();
    assert_eq!(quotes.len(), 2, "{quotes:?}");
    assert!(
        quotes
            .iter()
            .all(|q| q["speaker"] == "Ruth Delaney" && q["cue"] == "told")
    );
}
