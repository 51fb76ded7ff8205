//! `newswire extract` on files, stdin and hostile inputs: one line per input,
//! in order, an error record for what cannot be read, and a clear error when
//! nothing can be extracted at all.

use super::*;

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

/// A page nested a hundred thousand `<div>`s deep (time quadratic in the
/// depth for the HTML tree builder: minutes, unflattened) reads in full.
#[test]
fn absurdly_deep_page_is_flattened_text_kept() {
    const DEPTH: usize = 100_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.html");
    let prose =
        "<p>The storm reached the coast before dawn, and the harbour stayed shut all day.</p>";
    let page = format!(
        "<html><head><title>Deep</title></head><body>{}{prose}{}<p>Tail paragraph after the nesting, which the reader sees too.</p></body></html>",
        "<div>".repeat(DEPTH),
        "</div>".repeat(DEPTH)
    );
    std::fs::write(&path, page).unwrap();

    let out = newswire().arg("extract").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["title"], "Deep");
    let text = recs[0]["text"].as_str().unwrap();
    assert!(text.contains("The storm reached the coast"), "{text}");
    assert!(text.contains("Tail paragraph after the nesting"), "{text}");
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

/// A WARC record of type `kind` for `target`.
fn warc_record(kind: &str, target: &str, date: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Date: {date}\r\nWARC-Target-URI: {target}\r\nContent-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// A web archive (gzip, one member per record, as Common Crawl writes
/// them) gives one record per `200` HTML response, with the archived URL,
/// fetch time and charset; a break part way gives an error line after the
/// pages before it.
#[test]
fn extract_reads_every_html_page_of_a_web_archive() {
    let (request, response) = ("request", "response");
    let dir = tempfile::tempdir().unwrap();
    let storm = std::fs::read(fixture("storm.html")).unwrap();
    let mut page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n".to_vec();
    page.extend_from_slice(&storm);
    let latin1 = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n<html><head><title>Caf\xe9 reopens</title></head><body><article><p>The caf\xe9 on the corner reopened on Monday after a long winter of repairs, its owners said.</p></article></body></html>";
    let date = "2024-01-16T13:00:00Z";
    let members = [
        warc_record(
            request,
            "https://herald.example/storm",
            date,
            b"GET /storm HTTP/1.1\r\n\r\n",
        ),
        warc_record(response, "https://herald.example/storm", date, &page),
        warc_record(
            response,
            "https://herald.example/missing",
            date,
            b"HTTP/1.1 404 Not Found\r\n\r\n",
        ),
        warc_record(response, "https://cafe.example/news", date, latin1),
    ];
    let archive = dir.path().join("crawl.warc.gz");
    std::fs::write(
        &archive,
        members.iter().flat_map(|m| gzip(m)).collect::<Vec<u8>>(),
    )
    .unwrap();

    let out = newswire().arg("extract").arg(&archive).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 2, "{recs:#?}");
    assert_eq!(recs[0]["url"], "https://herald.example/storm");
    assert_eq!(
        recs[0]["title"],
        "Storm closes coastal roads, thousands without power"
    );
    assert_eq!(recs[0]["fetched_at"], "2024-01-16T13:00:00Z");
    assert_eq!(recs[1]["title"], "Café reopens");
    assert_eq!(recs[1]["http"]["charset"], "windows-1252");
    for r in &recs {
        assert!(validator().is_valid(r), "{r}");
    }
    assert!(stderr_of(&out).contains("pages=2"), "{}", stderr_of(&out));

    // Cut in the middle of the last record: the first page, then an error line.
    let plain: Vec<u8> = members.concat();
    let cut = dir.path().join("cut.warc");
    std::fs::write(&cut, &plain[..plain.len() - 40]).unwrap();
    let out = newswire().arg("extract").arg(&cut).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 2, "{recs:#?}");
    assert_eq!(recs[0]["url"], "https://herald.example/storm");
    assert_eq!(recs[1]["status"], "error");
    let warning = recs[1]["warnings"][0].as_str().unwrap();
    assert!(
        warning.starts_with(&format!("archive {}: record 4", cut.display())),
        "{warning}"
    );
}

#[test]
fn a_selector_chooses_the_text_and_a_page_it_misses_falls_back_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let para = "The council met on Tuesday to discuss the harbour plan, and residents asked many questions about costs, dates and the noise of the works.";
    // The general rules would take the longer block; the selector says
    // the story is the short one.
    let chosen = dir.path().join("chosen.html");
    std::fs::write(
        &chosen,
        format!(
            "<html><body><div class=\"promo\"><p>{para}</p><p>{para}</p><p>{para}</p></div>\
             <div id=\"story\"><h2>What was decided</h2><p>Work starts in spring.</p>\
             <div class=\"share-buttons\">Share on Facebook</div></div></body></html>"
        ),
    )
    .unwrap();
    let missed = dir.path().join("missed.html");
    std::fs::write(
        &missed,
        format!("<html><body><article><p>{para}</p></article></body></html>"),
    )
    .unwrap();
    let out = newswire()
        .args(["extract", "--selector", "#story, .sidebar"])
        .arg(&chosen)
        .arg(&missed)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out.stdout);
    assert_eq!(
        recs[0]["text"],
        "What was decided\n\nWork starts in spring."
    );
    assert_eq!(recs[0]["warnings"], serde_json::json!([]));
    assert_eq!(recs[1]["text"], para);
    let warning = recs[1]["warnings"][0].as_str().unwrap();
    assert!(
        warning.starts_with("content selector `#story, .sidebar` matched no text"),
        "{warning}"
    );

    let out = newswire()
        .args(["extract", "--selector", "div["])
        .arg(&chosen)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`div[` is not a CSS selector"), "{stderr}");

    // `--remove` leaves elements out; with `--selector` too, out of the
    // chosen text.
    let recs = extract_ok(
        ["--selector", "#story", "--remove", "h2, .nothing"],
        &chosen,
    );
    assert_eq!(recs[0]["text"], "Work starts in spring.");
    assert_eq!(extract_ok(["--remove", "p"], &missed)[0]["text"], "");
}

/// `newswire extract ARGS PAGE`, which must succeed: its records.
fn extract_ok<'a>(args: impl IntoIterator<Item = &'a str>, page: &Path) -> Vec<Value> {
    let out = newswire()
        .arg("extract")
        .args(args)
        .arg(page)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    records(&out.stdout)
}

/// `--markdown` (or `[extract] markdown = true`) adds the text as Markdown,
/// links resolved against `--url`; without it the record has no such key.
#[test]
fn markdown_is_written_when_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(
        &page,
        "<html><body><article><h2>What changed</h2>\
         <p>The council <em>approved</em> the plan; see <a href=\"/plan\">the full plan</a> for details.</p>\
         <ul><li>Work starts in spring.</li><li>Roads close at night.</li></ul></article></body></html>",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let url = ["--url", "https://news.example/town/story"];
        extract_ok(extra.iter().copied().chain(url), &page).remove(0)
    };
    let expected = "## What changed\n\n\
        The council *approved* the plan; see [the full plan](https://news.example/plan) for details.\n\n\
        - Work starts in spring.\n\n- Roads close at night.";
    let with_flag = run(&["--markdown"]);
    assert_eq!(with_flag["markdown"], expected);
    let plain = run(&[]);
    assert!(plain.get("markdown").is_none(), "{plain}");
    assert_eq!(plain["text"], with_flag["text"]);

    let config = dir.path().join("newswire.toml");
    std::fs::write(&config, "[extract]\nmarkdown = true\n").unwrap();
    let from_config = run(&["-c", config.to_str().unwrap()]);
    assert_eq!(from_config["markdown"], expected);
}
