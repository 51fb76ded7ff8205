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
fn empty_and_binary_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.html");
    std::fs::write(&empty, b"").unwrap();
    let binary = dir.path().join("image.html");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..4000u32).map(|i| (i * 31 % 251) as u8));
    std::fs::write(&binary, png).unwrap();

    let out = newswire()
        .arg("extract")
        .arg(&empty)
        .arg(&binary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["status"], "error");
    assert!(recs[0]["warnings"][0].as_str().unwrap().contains("empty"));
    assert_eq!(recs[1]["status"], "error");
    assert!(recs[1]["warnings"][0].as_str().unwrap().contains("binary"));
}

#[test]
fn huge_page_gives_bounded_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.html");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(b"<html><body><article>").unwrap();
    let para = b"<p>Paragraph of a very long page, with commas, and enough words to count.</p>\n";
    for _ in 0..(50 * 1024 * 1024 / para.len()) {
        f.write_all(para).unwrap();
    }
    f.write_all(b"</article></body></html>").unwrap();
    drop(f);

    let out = newswire().arg("extract").arg(&path).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert_ne!(recs[0]["status"], "error");
    let warning = recs[0]["warnings"][0].as_str().unwrap();
    assert!(warning.contains("cut to"), "{warning}");
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
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
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
