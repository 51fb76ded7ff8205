//! End-to-end benchmark of the worker: a simulated news web on loopback
//! (many feeds across many hosts, every entry a generated article page) and
//! the real `newswire once` binary with every stage on.
//!
//! ```console
//! $ cargo build --release && cargo run --release --example e2e_bench -- --feeds 10000 --entries 20
//! ```
//!
//! Prints articles/s, the worker's CPU time, its peak RSS and the state
//! store's size. The simulated web runs in this process on 127.0.x.y
//! addresses (one per host), so its CPU is reported separately; it competes
//! with the worker for the same cores, as a real network stack would not.
//!
//! With `--cluster nats://HOST:PORT` the workers join a `[cluster]` on that
//! (already running) NATS server, and `--workers N` runs N of them at once,
//! each with its own state, sharing the feeds:
//!
//! `--sink http` posts the records to an endpoint of the simulated web (an
//! HTTP sink, NDJSON, uncompressed), which counts them.
//!
//! `E2E_STDERR=1` prints what the workers wrote to stderr (with
//! `MIMALLOC_SHOW_STATS=1`, the allocator's statistics at exit).
//!
//! `--archive` turns the page archive on (`[archive]`, a `.warc.gz` of every
//! page in the worker's directory) and prints its size, to see what keeping
//! the pages costs.
//!
//! ```console
//! $ nats-server -js -p 4333 -sd /tmp/js &
//! $ cargo run --release --example e2e_bench -- --feeds 2000 --cluster nats://127.0.0.1:4333 --workers 2
//! ```

use std::io::{BufRead, BufReader, Read};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::Path as UrlPath;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};

/// Records (lines) and bytes the simulated web's `/ingest` received.
static INGESTED: (AtomicU64, AtomicU64) = (AtomicU64::new(0), AtomicU64::new(0));

struct Args {
    feeds: usize,
    entries: usize,
    hosts: usize,
    sink: String,
    binary: Option<PathBuf>,
    cluster: Option<String>,
    workers: usize,
    archive: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        feeds: 10_000,
        entries: 20,
        hosts: 250,
        sink: "stdout".to_owned(),
        binary: None,
        cluster: None,
        workers: 1,
        archive: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| die(&format!("{a} needs a value")))
        };
        match a.as_str() {
            "--feeds" => args.feeds = value().parse().unwrap_or_else(|_| die("--feeds N")),
            "--entries" => args.entries = value().parse().unwrap_or_else(|_| die("--entries N")),
            "--hosts" => args.hosts = value().parse().unwrap_or_else(|_| die("--hosts N")),
            "--sink" => args.sink = value(),
            "--binary" => args.binary = Some(PathBuf::from(value())),
            "--cluster" => args.cluster = Some(value()),
            "--workers" => args.workers = value().parse().unwrap_or_else(|_| die("--workers N")),
            "--archive" => args.archive = true,
            _ => die(&format!(
                "unknown argument {a}; usage: e2e_bench [--feeds N] [--entries N] [--hosts N] [--sink stdout|file|http] [--binary PATH] [--cluster NATS_URL] [--workers N] [--archive]"
            )),
        }
    }
    if args.workers == 0 || (args.workers > 1 && args.cluster.is_none()) {
        die("--workers N needs N >= 1, and --cluster when N > 1");
    }
    args
}

fn die(msg: &str) -> ! {
    eprintln!("e2e_bench: {msg}");
    std::process::exit(2)
}

/// The loopback address of host `h`: 127.0.1.0 + h.
fn host_ip(h: usize) -> Ipv4Addr {
    let n = 256 + h as u32;
    Ipv4Addr::new(127, 0, (n >> 8) as u8, n as u8)
}

/// A small deterministic generator so every page differs but runs repeat.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[(self.next() % words.len() as u64) as usize]
    }
}

const NOUNS: &[&str] = &[
    "council",
    "harbour",
    "budget",
    "school",
    "bridge",
    "hospital",
    "railway",
    "market",
    "election",
    "court",
    "river",
    "museum",
    "factory",
    "festival",
    "library",
    "airport",
    "police",
    "union",
    "farmers",
    "storm",
    "teachers",
    "tenants",
    "reservoir",
    "stadium",
    "clinic",
    "ferry",
];
const VERBS: &[&str] = &[
    "approved",
    "delayed",
    "rejected",
    "expanded",
    "reviewed",
    "funded",
    "closed",
    "reopened",
    "questioned",
    "welcomed",
    "criticised",
    "announced",
];
const NAMES: &[&str] = &[
    "Maria Lopez",
    "John Carter",
    "Aisha Khan",
    "Peter Novak",
    "Li Wei",
    "Sarah O'Neill",
    "Tom Becker",
    "Fatima Diallo",
];
const PLACES: &[&str] = &[
    "Bristol", "Leeds", "Lyon", "Porto", "Gdansk", "Dublin", "Malmo", "Ghent",
];

fn sentence(rng: &mut Rng) -> String {
    format!(
        "The {} {} the plan for the {} in {} after {} weeks of talks with the {}.",
        rng.pick(NOUNS),
        rng.pick(VERBS),
        rng.pick(NOUNS),
        rng.pick(PLACES),
        rng.next() % 40 + 2,
        rng.pick(NOUNS)
    )
}

fn article_page(feed: usize, entry: usize) -> String {
    let mut rng = Rng(((feed as u64) << 20 | entry as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let title = format!(
        "{} {} {} in {}",
        rng.pick(NOUNS),
        rng.pick(VERBS),
        rng.pick(NOUNS),
        rng.pick(PLACES)
    );
    let author = rng.pick(NAMES);
    let mut body = String::new();
    for p in 0..8 {
        body.push_str("<p>");
        for _ in 0..4 {
            body.push_str(&sentence(&mut rng));
            body.push(' ');
        }
        if p % 3 == 1 {
            body.push_str(&format!(
                "\u{201c}We will keep working on the {} until it is done,\u{201d} said {}.",
                rng.pick(NOUNS),
                rng.pick(NAMES)
            ));
        }
        body.push_str("</p>\n");
    }
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | Example News</title>
<meta property="og:title" content="{title}"><meta name="author" content="{author}">
<meta property="article:published_time" content="2026-11-{day:02}T08:{min:02}:00Z">
<link rel="canonical" href="/a/{feed}/{entry}"></head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By {author}</p>
{body}</article>
<aside class="related"><h2>Related</h2><ul><li><a href="/a/{feed}/0">More news</a></li></ul></aside></main>
<footer><p>Copyright Example News</p></footer></body></html>"#,
        day = entry % 28 + 1,
        min = entry % 60,
    )
}

fn feed_xml(base: &str, feed: usize, entries: usize) -> String {
    let items: String = (0..entries)
        .map(|e| {
            format!(
                "<item><title>Story {feed}-{e}</title><link>{base}/a/{feed}/{e}</link><guid>{feed}-{e}</guid>\
                 <pubDate>Sun, 29 Nov 2026 08:{:02}:00 GMT</pubDate></item>",
                e % 60
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {feed}</title>\
         <link>{base}/</link>{items}</channel></rss>"
    )
}

async fn serve_web(args: &Args) -> u16 {
    let entries = args.entries;
    // One port, many loopback addresses: every host gets its own limits.
    let probe =
        std::net::TcpListener::bind((host_ip(0), 0)).unwrap_or_else(|e| die(&e.to_string()));
    let port = probe
        .local_addr()
        .map(|a| a.port())
        .unwrap_or_else(|e| die(&e.to_string()));
    drop(probe);
    for h in 0..args.hosts {
        let addr = SocketAddr::new(IpAddr::V4(host_ip(h)), port);
        let base = format!("http://{addr}");
        let app = Router::new()
            .route(
                "/feed/{n}",
                get(move |UrlPath(n): UrlPath<String>| {
                    let base = base.clone();
                    async move {
                        let n: usize = n.trim_end_matches(".xml").parse().unwrap_or(0);
                        (
                            [(header::CONTENT_TYPE, "application/rss+xml")],
                            feed_xml(&base, n, entries),
                        )
                    }
                }),
            )
            .route(
                "/a/{feed}/{entry}",
                get(|UrlPath((f, e)): UrlPath<(usize, usize)>| async move {
                    (
                        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                        article_page(f, e),
                    )
                }),
            )
            .route(
                "/robots.txt",
                get(|| async { "User-agent: *\nAllow: /\n".into_response() }),
            )
            .route(
                "/ingest",
                post(|body: axum::body::Bytes| async move {
                    let lines = memchr::memchr_iter(b'\n', &body).count() as u64;
                    INGESTED.0.fetch_add(lines, Ordering::Relaxed);
                    INGESTED.1.fetch_add(body.len() as u64, Ordering::Relaxed);
                    axum::http::StatusCode::NO_CONTENT
                }),
            );
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .unwrap_or_else(|e| die(&format!("cannot listen on {addr}: {e}")));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
    }
    port
}

fn write_config(dir: &Path, args: &Args, port: u16, worker: usize) -> PathBuf {
    let mut text = format!(
        r#"[state]
dir = "{state}"
[fetch]
allow_private_addresses = true
per_host_interval = "100ms"
[worker]
fetch_concurrency = 64
[log]
level = "warn"
"#,
        state = dir.join("state").display()
    );
    if args.sink == "file" {
        text.push_str(&format!(
            "[[sinks]]\ntype = \"file\"\ndir = \"{}\"\ncompression = \"zstd\"\n",
            dir.join("out").display()
        ));
    } else if args.sink == "http" {
        text.push_str(&format!(
            "[[sinks]]\ntype = \"http\"\nurl = \"http://{}:{port}/ingest\"\n",
            host_ip(0)
        ));
    } else {
        text.push_str("[[sinks]]\ntype = \"stdout\"\n");
    }
    if args.archive {
        text.push_str(&format!(
            "[archive]\ndir = \"{}\"\n",
            dir.join("archive").display()
        ));
    }
    if let Some(url) = &args.cluster {
        text.push_str(&format!(
            "[cluster]\nurl = \"{url}\"\nworker_id = \"bench-{worker}\"\nlease = \"3s\"\n"
        ));
    }
    for n in 0..args.feeds {
        let ip = host_ip(n % args.hosts);
        text.push_str(&format!(
            "[[feeds]]\nurl = \"http://{ip}:{port}/feed/{n}.xml\"\n"
        ));
    }
    let path = dir.join("newswire.toml");
    std::fs::write(&path, text).unwrap_or_else(|e| die(&e.to_string()));
    path
}

fn rusage(who: libc::c_int) -> (f64, f64, i64) {
    // SAFETY: getrusage fills the zeroed struct we own.
    let mut r: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(who, &mut r) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (secs(r.ru_utime), secs(r.ru_stime), r.ru_maxrss)
}

fn main() {
    let args = parse_args();
    let binary = args.binary.clone().unwrap_or_else(|| {
        let exe = std::env::current_exe().unwrap_or_else(|e| die(&e.to_string()));
        // target/<profile>/examples/e2e_bench → target/<profile>/newswire
        exe.parent()
            .and_then(Path::parent)
            .map(|d| d.join("newswire"))
            .unwrap_or_else(|| die("cannot find the newswire binary; pass --binary"))
    });
    if !binary.is_file() {
        die(&format!(
            "{} not found: build it first (cargo build --release)",
            binary.display()
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap_or_else(|e| die(&e.to_string()));
    let port = runtime.block_on(serve_web(&args));
    let dir = tempfile::tempdir().unwrap_or_else(|e| die(&e.to_string()));
    let configs: Vec<PathBuf> = (0..args.workers)
        .map(|w| {
            let d = dir.path().join(format!("worker-{w}"));
            std::fs::create_dir_all(&d).unwrap_or_else(|e| die(&e.to_string()));
            write_config(&d, &args, port, w)
        })
        .collect();
    eprintln!(
        "e2e_bench: {} feeds x {} entries on {} hosts, sink {}, {} worker(s){}, binary {}",
        args.feeds,
        args.entries,
        args.hosts,
        args.sink,
        args.workers,
        args.cluster
            .as_deref()
            .map(|u| format!(" in a cluster on {u}"))
            .unwrap_or_default(),
        binary.display()
    );
    let self_before = rusage(libc::RUSAGE_SELF);
    let started = Instant::now();
    let runs: Vec<_> = configs.iter().map(|c| spawn_worker(&binary, c)).collect();
    let mut status = None;
    let (mut written, mut lines, mut bytes) = (0.0, 0, 0);
    let mut summaries = Vec::new();
    let mut stderrs = String::new();
    for (mut child, counter, stderr_reader) in runs {
        let s = child.wait().unwrap_or_else(|e| die(&e.to_string()));
        if !s.success() || status.is_none() {
            status = Some(s);
        }
        let (l, b) = counter.join().unwrap_or((0, 0));
        let stderr = stderr_reader.join().unwrap_or_default();
        let summary = stderr
            .lines()
            .rev()
            .find(|l| l.starts_with("feeds:"))
            .unwrap_or("")
            .to_owned();
        written += summary
            .split("articles: ")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
            .unwrap_or(l as f64);
        lines += l;
        bytes += b;
        summaries.push(summary);
        stderrs.push_str(&stderr);
    }
    let status = status.unwrap_or_else(|| die("no worker ran"));

    let wall = started.elapsed();
    let (user, sys, max_rss_kb) = rusage(libc::RUSAGE_CHILDREN);
    let self_after = rusage(libc::RUSAGE_SELF);
    let state_bytes: u64 = (0..args.workers)
        .map(|w| {
            let d = dir.path().join(format!("worker-{w}"));
            std::fs::metadata(d.join("state").join("newswire.redb"))
                .map(|m| m.len())
                .unwrap_or(0)
        })
        .sum();
    let out_bytes: u64 = (0..args.workers)
        .map(|w| dir_size(&dir.path().join(format!("worker-{w}")).join("out")))
        .sum();
    let secs = wall.as_secs_f64();
    println!("exit status        {status}");
    for summary in &summaries {
        println!("summary            {summary}");
    }
    println!("wall time          {secs:.1} s");
    println!("articles/s         {:.0}", written / secs);
    println!(
        "worker CPU         {:.1} s user + {:.1} s sys = {:.0}% of one core",
        user,
        sys,
        (user + sys) / secs * 100.0
    );
    println!(
        "worker peak RSS    {:.1} MB (the largest worker)",
        max_rss_kb as f64 / 1024.0
    );
    println!(
        "simulated web CPU  {:.1} s",
        (self_after.0 - self_before.0) + (self_after.1 - self_before.1)
    );
    println!("state store        {:.1} MB", state_bytes as f64 / 1e6);
    if args.archive {
        let archive_bytes: u64 = (0..args.workers)
            .map(|w| dir_size(&dir.path().join(format!("worker-{w}")).join("archive")))
            .sum();
        println!(
            "page archive       {:.1} MB (WARC, gzip)",
            archive_bytes as f64 / 1e6
        );
    }
    if args.sink == "file" {
        println!("output (zstd)      {:.1} MB", out_bytes as f64 / 1e6);
    } else if args.sink == "http" {
        println!(
            "output (http)      {} records, {:.1} MB received",
            INGESTED.0.load(Ordering::Relaxed),
            INGESTED.1.load(Ordering::Relaxed) as f64 / 1e6
        );
    } else {
        println!(
            "output (stdout)    {lines} records, {:.1} MB",
            bytes as f64 / 1e6
        );
    }
    if std::env::var_os("E2E_STDERR").is_some() {
        eprintln!("{stderrs}");
    }
    if !status.success() {
        eprintln!("{stderrs}");
        std::process::exit(1);
    }
}

/// Starts one `newswire once`; returns it with threads that count its
/// stdout records (and bytes) and collect its stderr.
fn spawn_worker(
    binary: &Path,
    config: &Path,
) -> (
    std::process::Child,
    std::thread::JoinHandle<(u64, u64)>,
    std::thread::JoinHandle<String>,
) {
    let mut child = Command::new(binary)
        .arg("-c")
        .arg(config)
        .args(["once", "--no-progress"])
        .env_remove("NEWSWIRE_CONFIG")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| die(&format!("cannot start {}: {e}", binary.display())));
    let stdout = child.stdout.take().unwrap_or_else(|| die("no stdout"));
    let counter = std::thread::spawn(move || {
        let (mut lines, mut bytes) = (0u64, 0u64);
        let mut reader = BufReader::with_capacity(1 << 20, stdout);
        let mut line = Vec::new();
        while reader
            .read_until(b'\n', &mut line)
            .map(|n| n > 0)
            .unwrap_or(false)
        {
            lines += 1;
            bytes += line.len() as u64;
            line.clear();
        }
        (lines, bytes)
    });
    let stderr = child.stderr.take();
    let collector = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut e) = stderr {
            let _ = e.read_to_string(&mut text);
        }
        text
    });
    (child, counter, collector)
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|it| {
            it.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
