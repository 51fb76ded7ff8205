//! End to end: the `newswire run` daemon against a simulated site on
//! 127.0.0.1 — polling again when due, the ops endpoint, a graceful
//! SIGTERM, and `kill -9` at arbitrary moments losing nothing.

mod support;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;
use support::{Response, Site, article, free_port, rss, status};

/// Config for `run`: quick schedule, small batches, a file sink.
fn run_config(dir: &Path, feeds: &[String], listen: Option<u16>, batch: usize) -> PathBuf {
    let feeds: String = feeds
        .iter()
        .map(|u| format!("[[feeds]]\nurl = \"{u}\"\n"))
        .collect();
    let listen = listen.map_or_else(String::new, |p| format!("127.0.0.1:{p}"));
    let path = dir.join("newswire.toml");
    std::fs::write(
        &path,
        format!(
            r#"[state]
dir = "{state}"
[fetch]
allow_private_addresses = true
per_host_interval = "1ms"
per_host_concurrency = 4
retries = 0
retries_later = 1
retry_later_delay = "200ms"
[schedule]
min_interval = "1s"
initial_interval = "1s"
max_interval = "2s"
jitter = 0.0
[worker]
fetch_concurrency = 4
batch_size = {batch}
flush_interval = "50ms"
grace_period = "20s"
[ops]
listen = "{listen}"
{feeds}
[[sinks]]
type = "file"
dir = "{out}"
"#,
            state = dir.join("state").display(),
            out = dir.join("out").display(),
        ),
    )
    .unwrap();
    path
}

fn spawn_run(config: &Path) -> Child {
    Command::cargo_bin("newswire")
        .unwrap()
        .env_remove("NEWSWIRE_CONFIG")
        .env("RUST_LOG", "info")
        .arg("-c")
        .arg(config)
        .arg("run")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Every record in every file of the sink directory (finished or `.part`).
fn records(dir: &Path) -> Vec<Value> {
    let Ok(entries) = std::fs::read_dir(dir.join("out")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        // A line being written right now may be incomplete: skip it.
        out.extend(text.lines().filter_map(|l| serde_json::from_str(l).ok()));
    }
    out
}

/// The URLs of every record written, sorted.
fn sorted_urls(dir: &Path) -> Vec<String> {
    let mut urls: Vec<String> = records(dir)
        .iter()
        .filter_map(|r| r["url"].as_str().map(str::to_owned))
        .collect();
    urls.sort_unstable();
    urls
}

/// Waits (bounded, so a bug fails instead of hanging) until `done` holds.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A plain HTTP GET: (status, body).
fn http_get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

fn terminate(child: &mut Child) {
    let pid = child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
}

/// Waits for the child to exit; returns its exit code and stderr.
fn wait_exit(mut child: Child) -> (Option<i32>, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("worker did not exit within 60 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.code(), stderr)
}

#[test]
fn run_polls_again_when_due_serves_ops_and_stops_cleanly_on_sigterm() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set("/b", 200, &[], &article("Bridge closes", "Bravo."));
    site.set("/c", 200, &[], &article("School opens library", "Charlie."));
    // Busy on the first request: deferred, then fetched again by the daemon.
    site.once("/d", Response::new(503, &[], b"busy"));
    site.set(
        "/d",
        200,
        &[],
        &article("Ferry timetable changes", "Delta."),
    );
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a", "/b", "/d"]));
    let port = free_port();
    let cfg = run_config(
        dir.path(),
        &[format!("{}/feed.xml", site.base)],
        Some(port),
        100,
    );
    // The page archive beside the records, in the same directory.
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!(
        "[archive]\ndir = \"{}\"\n",
        dir.path().join("out").display()
    ));
    std::fs::write(&cfg, text).unwrap();
    let mut child = spawn_run(&cfg);

    wait_until("the first three records", || records(dir.path()).len() >= 3);
    let (code, body) = http_get(port, "/healthz");
    assert_eq!((code, body.as_str()), (200, "ok\n"));
    let (code, body) = http_get(port, "/readyz");
    assert_eq!(code, 200, "{body}");
    // The counter moves right after the flush that made the records visible.
    wait_until("the written counter", || {
        http_get(port, "/metrics")
            .1
            .contains("newswire_articles_written_total 3")
    });
    let (code, metrics) = http_get(port, "/metrics");
    assert_eq!(code, 200);
    assert!(
        metrics.contains("newswire_articles_deferred_total 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("newswire_feeds_polled_total{result=\"ok\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("newswire_extract_stage_seconds_bucket{stage=\"content\""),
        "{metrics}"
    );
    assert!(metrics.contains("newswire_queued_jobs 0"), "{metrics}");
    assert!(
        metrics.contains("newswire_archived_pages_total 3"),
        "{metrics}"
    );

    // The feed gains an entry: the next scheduled poll finds it.
    site.set(
        "/feed.xml",
        200,
        &[],
        &rss(&site.base, &["/c", "/a", "/b", "/d"]),
    );
    wait_until("the fourth record", || records(dir.path()).len() >= 4);

    // The worker holds the store: `status` asks its ops endpoint instead.
    let live = status(&cfg);
    assert!(live.contains(&format!("{}/feed.xml", site.base)), "{live}");
    assert!(live.contains("last: Ok"), "{live}");
    let (code, json) = http_get(port, "/status");
    assert_eq!(code, 200, "{json}");
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["feeds"][0]["last_status"], "ok", "{report}");

    terminate(&mut child);
    let (code, stderr) = wait_exit(child);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("SIGTERM received"), "{stderr}");
    assert!(stderr.contains("worker stopped"), "{stderr}");

    let urls = sorted_urls(dir.path());
    assert_eq!(
        urls,
        [
            format!("{}/a", site.base),
            format!("{}/b", site.base),
            format!("{}/c", site.base),
            format!("{}/d", site.base)
        ]
    );
    // Files were completed at shutdown, the archive's too: no `.part` is
    // left.
    let names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".part")), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("pages-") && n.ends_with(".warc.gz")),
        "{names:?}"
    );
    let status = status(&cfg);
    assert!(
        status.contains("articles: 4 delivered, 0 dead-lettered, 0 pending"),
        "{status}"
    );
    assert!(status.contains("polls: "), "{status}");
}

#[test]
fn kill_9_at_any_moment_loses_nothing_and_repeats_only_in_flight_records() {
    const FEEDS: usize = 4;
    const PER_FEED: usize = 50;
    const BATCH: usize = 5;
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let mut feed_urls = Vec::new();
    let mut all = Vec::new();
    for f in 0..FEEDS {
        let paths: Vec<String> = (0..PER_FEED).map(|i| format!("/f{f}/story-{i}")).collect();
        for p in &paths {
            site.set(
                p,
                200,
                &[],
                &article(&format!("Story {p}"), &format!("Number {p}.")),
            );
            all.push(format!("{}{p}", site.base));
        }
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        site.set(&format!("/feed{f}.xml"), 200, &[], &rss(&site.base, &refs));
        feed_urls.push(format!("{}/feed{f}.xml", site.base));
    }
    // Slow pages keep articles in flight when the kills land.
    site.set_delay_ms(80);
    let cfg = run_config(dir.path(), &feed_urls, None, BATCH);
    // With the page archive: a delivered record's page must survive the
    // kills too.
    let archive = dir.path().join("archive");
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!("[archive]\ndir = \"{}\"\n", archive.display()));
    std::fs::write(&cfg, text).unwrap();

    let kills_after_ms = [300u64, 500, 250, 700, 400, 600];
    for ms in kills_after_ms {
        let mut child = spawn_run(&cfg);
        std::thread::sleep(Duration::from_millis(ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    let before_last = records(dir.path()).len();

    let mut child = spawn_run(&cfg);
    wait_until("every article", || {
        let recs = records(dir.path());
        let urls: std::collections::HashSet<&str> =
            recs.iter().filter_map(|r| r["url"].as_str()).collect();
        all.iter().all(|u| urls.contains(u.as_str()))
    });
    terminate(&mut child);
    let (code, stderr) = wait_exit(child);
    assert_eq!(code, Some(0), "{stderr}");

    let recs = records(dir.path());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in &recs {
        *seen
            .entry(r["url"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    for url in &all {
        assert!(seen.contains_key(url), "{url} was lost");
    }
    assert_eq!(seen.len(), all.len(), "records for unknown urls");
    let repeated: usize = seen.values().map(|n| n - 1).sum();
    eprintln!(
        "{} kills; {before_last} records written before the last start; {repeated} repeated",
        kills_after_ms.len()
    );
    // Only a batch flushed but not yet marked done can repeat: at most one
    // batch per kill.
    assert!(
        repeated <= kills_after_ms.len() * BATCH,
        "{repeated} repeated records after {} kills (written before the last start: {before_last})",
        kills_after_ms.len()
    );
    let status = status(&cfg);
    assert!(
        status.contains(&format!(
            "articles: {} delivered, 0 dead-lettered, 0 pending",
            all.len()
        )),
        "{status}"
    );
    let archived = archived_urls(&archive);
    for url in &all {
        assert!(
            archived.contains(url),
            "{url} was delivered but its page is not archived"
        );
    }
}

/// The URLs of the pages in every archive file of `dir`, which must all be
/// complete (no `.part` left) and readable to the end.
fn archived_urls(dir: &Path) -> std::collections::HashSet<String> {
    let mut urls = std::collections::HashSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        assert!(
            path.to_string_lossy().ends_with(".warc.gz"),
            "{path:?} is not a finished archive file"
        );
        let file = std::fs::File::open(&path).unwrap();
        let reader = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(file));
        newswire::fetch::warc::read_pages(reader, 1 << 20, |page| {
            urls.insert(page.url.map(|u| u.to_string()).unwrap_or_default());
            Ok::<(), newswire::fetch::warc::WarcError>(())
        })
        .unwrap_or_else(|e| panic!("{path:?}: {e}"));
    }
    urls
}

/// SIGHUP reloads the configuration: a feed added to the file is polled
/// after the drain, the ops endpoint comes back, and a file that no longer
/// loads leaves the worker running on the configuration it had.
#[test]
fn sighup_reloads_the_configuration_and_keeps_the_old_one_when_the_new_is_bad() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set("/b", 200, &[], &article("Bridge closes", "Bravo."));
    site.set("/one.xml", 200, &[], &rss(&site.base, &["/a"]));
    site.set("/two.xml", 200, &[], &rss(&site.base, &["/b"]));
    let port = free_port();
    let one = format!("{}/one.xml", site.base);
    let two = format!("{}/two.xml", site.base);
    let cfg = run_config(dir.path(), std::slice::from_ref(&one), Some(port), 100);
    let mut child = spawn_run(&cfg);
    wait_until("the first record", || records(dir.path()).len() == 1);
    let hangup = |child: &Child| {
        let pid = child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-HUP", &pid])
                .status()
                .unwrap()
                .success()
        );
    };

    run_config(dir.path(), &[one.clone(), two.clone()], Some(port), 100);
    hangup(&child);
    wait_until("the added feed's record", || records(dir.path()).len() == 2);
    wait_until("the ops endpoint back", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    assert_eq!(http_get(port, "/healthz").0, 200);

    std::fs::write(&cfg, "[fetch]\nuser_agnt = \"typo\"\n").unwrap();
    hangup(&child);
    // The old configuration goes on: a new entry of feed two is fetched.
    site.set("/c", 200, &[], &article("School opens library", "Charlie."));
    site.set("/two.xml", 200, &[], &rss(&site.base, &["/c", "/b"]));
    wait_until("a record after the bad reload", || {
        records(dir.path()).len() == 3
    });

    terminate(&mut child);
    let (code, stderr) = wait_exit(child);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("configuration reloaded"), "{stderr}");
    assert!(
        stderr.contains("configuration not reloaded, going on with the running one"),
        "{stderr}"
    );
    assert!(stderr.contains("fetch.user_agnt"), "{stderr}");
    let urls = sorted_urls(dir.path());
    assert_eq!(
        urls,
        [
            format!("{}/a", site.base),
            format!("{}/b", site.base),
            format!("{}/c", site.base)
        ],
        "each article once, across the reloads"
    );
}

/// A `run` config with a grace period of 1 s and, as its only sink, an
/// HTTP sink posting to `/ingest` on `site` that never gives up by itself
/// (`retry_for` and `timeout` of an hour).
fn http_sink_config(dir: &Path, site: &Site) -> PathBuf {
    let cfg = run_config(dir, &[format!("{}/feed.xml", site.base)], None, 100);
    let text = std::fs::read_to_string(&cfg).unwrap();
    let sink = format!(
        "[[sinks]]\ntype = \"http\"\nurl = \"{}\"\nretry_for = \"1h\"\ntimeout = \"1h\"\n",
        site.url("/ingest")
    );
    let text = text.replace("grace_period = \"20s\"", "grace_period = \"1s\"");
    let text = text.replace(
        &format!(
            "[[sinks]]\ntype = \"file\"\ndir = \"{}\"\n",
            dir.join("out").display()
        ),
        &sink,
    );
    std::fs::write(&cfg, text).unwrap();
    cfg
}

/// An HTTP sink retrying a failing endpoint does not hold the worker past
/// its grace period at SIGTERM, and the records it could not deliver are
/// delivered by the next run.
#[test]
fn sigterm_ends_an_http_sinks_retries_after_the_grace_period_and_loses_nothing() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set("/b", 200, &[], &article("Bridge closes", "Bravo."));
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a", "/b"]));
    site.set("/ingest", 503, &[], b"down for maintenance");
    let cfg = http_sink_config(dir.path(), &site);

    let mut child = spawn_run(&cfg);
    wait_until("the sink retrying", || site.hits("/ingest") >= 2);
    terminate(&mut child);
    let (code, stderr) = wait_exit(child);
    assert_ne!(
        code,
        Some(0),
        "undelivered records are a failed run: {stderr}"
    );
    assert!(
        stderr.contains("the grace period ended before the endpoint took the records"),
        "{stderr}"
    );
    assert!(stderr.contains("down for maintenance"), "{stderr}");

    let tried = site.hits("/ingest");
    site.set("/ingest", 200, &[], b"");
    let once = Command::cargo_bin("newswire")
        .unwrap()
        .env_remove("NEWSWIRE_CONFIG")
        .arg("-c")
        .arg(&cfg)
        .arg("once")
        .output()
        .unwrap();
    assert_eq!(
        once.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&once.stderr)
    );
    let mut urls: Vec<String> = site.bodies("/ingest")[tried..]
        .iter()
        .flat_map(|body| {
            String::from_utf8_lossy(body)
                .lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap()["url"].to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    urls.sort();
    assert_eq!(
        urls,
        [
            format!("\"{}/a\"", site.base),
            format!("\"{}/b\"", site.base)
        ]
    );
}

/// Nor does a request to an endpoint that accepts the connection and then
/// never answers.
#[test]
fn sigterm_ends_an_http_sinks_request_to_a_silent_endpoint_after_the_grace_period() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    site.set("/a", 200, &[], &article("Harbour plan approved", "Alpha."));
    site.set("/feed.xml", 200, &[], &rss(&site.base, &["/a"]));
    site.respond(
        "/ingest",
        Response::new(200, &[], b"").with(support::Behaviour::Silent(Duration::from_secs(3600))),
    );
    let cfg = http_sink_config(dir.path(), &site);
    let mut child = spawn_run(&cfg);
    wait_until("the request sent", || site.hits("/ingest") >= 1);
    terminate(&mut child);
    let (code, stderr) = wait_exit(child);
    assert_ne!(code, Some(0), "{stderr}");
    assert!(stderr.contains("a request still in flight"), "{stderr}");
    let status = status(&cfg);
    assert!(
        status.contains("0 delivered, 0 dead-lettered, 1 pending"),
        "the article stays pending: {status}"
    );
}
