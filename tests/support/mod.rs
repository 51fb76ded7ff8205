//! The simulated news web shared by the end-to-end tests: a tiny HTTP/1.1
//! server on 127.0.0.1 whose routes a test changes between runs (including
//! misbehaving ones: slow bodies, connection resets, no length), one-shot
//! responses for "fails first, then works", a log of the requests each path
//! received, and builders for articles, feeds and configs.
#![allow(dead_code)]

pub mod nats;

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// How the server misbehaves while sending a response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Behaviour {
    /// Headers and the whole body at once.
    #[default]
    Normal,
    /// The body in `chunk`-byte pieces with `pause` between them.
    Slow {
        /// Bytes per piece.
        chunk: usize,
        /// Silence between pieces.
        pause: Duration,
    },
    /// Half the status line and headers, then a TCP reset.
    ResetInHeaders,
    /// The headers (promising the whole body) and `after` body bytes, then a
    /// TCP reset.
    ResetInBody {
        /// Body bytes sent before the reset.
        after: usize,
    },
    /// No `Content-Length`: the body ends when the connection closes.
    NoLength,
    /// Silence for this long before anything is sent.
    Silent(Duration),
}

/// One response of the simulated server.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub behaviour: Behaviour,
}

impl Response {
    pub fn new(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.to_vec(),
            behaviour: Behaviour::Normal,
        }
    }

    pub fn with(mut self, behaviour: Behaviour) -> Response {
        self.behaviour = behaviour;
        self
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Request headers as received, names lowercased.
pub type Headers = HashMap<String, String>;

#[derive(Default)]
struct Routes {
    /// The standing answer per path (path includes the query).
    fixed: HashMap<String, Response>,
    /// One-shot answers served, in order, before the standing one.
    queued: HashMap<String, VecDeque<Response>>,
    /// Every request received, per path.
    log: HashMap<String, Vec<Headers>>,
    /// The body of every request received, per path.
    bodies: HashMap<String, Vec<Vec<u8>>>,
}

/// A tiny HTTP/1.1 server whose routes the test can change between runs.
/// Conditional GET as a real server does it: `If-None-Match` equal to the
/// route's `ETag`, or (without `If-None-Match`) `If-Modified-Since` equal to
/// its `Last-Modified`, gets a 304. A path with an unknown query string is
/// served as the bare path; unknown paths get a 404.
pub struct Site {
    pub base: String,
    routes: Arc<Mutex<Routes>>,
    /// Milliseconds every response waits before it is sent.
    delay_ms: Arc<std::sync::atomic::AtomicU64>,
}

impl Site {
    pub fn start() -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<Routes>> = Arc::default();
        let shared = Arc::clone(&routes);
        let delay_ms: Arc<std::sync::atomic::AtomicU64> = Arc::default();
        let delay = Arc::clone(&delay_ms);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(s) = stream else { continue };
                let routes = Arc::clone(&shared);
                let wait = delay.load(std::sync::atomic::Ordering::Relaxed);
                std::thread::spawn(move || {
                    std::thread::sleep(std::time::Duration::from_millis(wait));
                    serve(s, &routes);
                });
            }
        });
        Site {
            base,
            routes,
            delay_ms,
        }
    }

    /// Makes every later response wait `ms` milliseconds.
    pub fn set_delay_ms(&self, ms: u64) {
        self.delay_ms
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sets the standing answer of `path`.
    pub fn set(&self, path: &str, status: u16, headers: &[(&str, &str)], body: &[u8]) {
        self.respond(path, Response::new(status, headers, body));
    }

    /// Sets the standing answer of `path`.
    pub fn respond(&self, path: &str, response: Response) {
        let mut routes = self.routes.lock().unwrap();
        routes.fixed.insert(path.to_owned(), response);
    }

    /// Queues a one-shot answer for `path`, served before the standing one.
    pub fn once(&self, path: &str, response: Response) {
        let mut routes = self.routes.lock().unwrap();
        routes
            .queued
            .entry(path.to_owned())
            .or_default()
            .push_back(response);
    }

    /// `from` answers `status` with a `Location` of `to` (a path or a URL).
    pub fn redirect(&self, from: &str, status: u16, to: &str) {
        let location = if to.starts_with('/') {
            self.url(to)
        } else {
            to.to_owned()
        };
        self.set(from, status, &[("Location", &location)], b"");
    }

    /// How many requests `path` received.
    pub fn hits(&self, path: &str) -> usize {
        self.requests(path).len()
    }

    /// The headers of every request `path` received, oldest first.
    pub fn requests(&self, path: &str) -> Vec<Headers> {
        let routes = self.routes.lock().unwrap();
        routes.log.get(path).cloned().unwrap_or_default()
    }

    /// The body of every request `path` received (by `Content-Length`),
    /// oldest first.
    pub fn bodies(&self, path: &str) -> Vec<Vec<u8>> {
        let routes = self.routes.lock().unwrap();
        routes.bodies.get(path).cloned().unwrap_or_default()
    }
}

/// Answers one connection.
fn serve(mut s: TcpStream, routes: &Mutex<Routes>) {
    let Some((path, headers, body)) = read_request(&mut s) else {
        return;
    };
    let response = {
        let mut routes = routes.lock().unwrap();
        routes
            .log
            .entry(path.clone())
            .or_default()
            .push(headers.clone());
        routes.bodies.entry(path.clone()).or_default().push(body);
        let queued = routes.queued.get_mut(&path).and_then(VecDeque::pop_front);
        // Like most servers, ignore an unknown query string.
        let bare = path.split('?').next().unwrap_or_default();
        queued
            .or_else(|| routes.fixed.get(&path).cloned())
            .or_else(|| routes.fixed.get(bare).cloned())
            .unwrap_or_else(|| Response::new(404, &[], b"not found"))
    };
    let not_modified = response.status == 200
        && match headers.get("if-none-match") {
            Some(inm) => response.header("ETag") == Some(inm.as_str()),
            None => headers
                .get("if-modified-since")
                .is_some_and(|ims| response.header("Last-Modified") == Some(ims.as_str())),
        };
    let (status, body) = if not_modified {
        (304, Vec::new())
    } else {
        (response.status, response.body)
    };
    let mut head = format!("HTTP/1.1 {status} X\r\nconnection: close\r\n");
    if response.behaviour != Behaviour::NoLength {
        head.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    for (k, v) in &response.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    match response.behaviour {
        Behaviour::Silent(pause) => {
            std::thread::sleep(pause);
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
        Behaviour::Normal | Behaviour::NoLength => {
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
        Behaviour::Slow { chunk, pause } => {
            let _ = s.write_all(head.as_bytes());
            for piece in body.chunks(chunk.max(1)) {
                if s.write_all(piece).and_then(|()| s.flush()).is_err() {
                    return;
                }
                std::thread::sleep(pause);
            }
        }
        Behaviour::ResetInHeaders => {
            let _ = s.write_all(&head.as_bytes()[..head.len() / 2]);
            reset(s);
        }
        Behaviour::ResetInBody { after } => {
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body[..after.min(body.len())]);
            let _ = s.flush();
            // Let the client read what was sent before the reset discards it.
            std::thread::sleep(Duration::from_millis(50));
            reset(s);
        }
    }
}

/// Closes `s` with a TCP RST instead of a FIN.
fn reset(s: TcpStream) {
    let _ = socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO));
    drop(s);
}

/// Reads a request (from a TCP or a TLS stream); returns its path, headers
/// (the method as `:method`) and body (by `Content-Length`).
pub fn read_request(s: &mut impl Read) -> Option<(String, Headers, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let mut body = buf.split_off(head_end);
    let req = String::from_utf8_lossy(&buf).to_string();
    let target = req.split_whitespace().nth(1)?.to_owned();
    let mut headers: Headers = req
        .lines()
        .skip(1)
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        })
        .collect();
    // A request for `http://host/path` (absolute form) is what a forward
    // proxy gets: serve the path, and keep the target for the test.
    let path = match target.strip_prefix("http://") {
        Some(rest) => {
            headers.insert("request-target".to_owned(), target.clone());
            rest.find('/')
                .map_or("/".to_owned(), |i| rest[i..].to_owned())
        }
        None => target,
    };
    if let Some(method) = req.split_whitespace().next() {
        headers.insert(":method".to_owned(), method.to_owned());
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    while body.len() < length {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((path, headers, body))
}

pub fn article(title: &str, words: &str) -> Vec<u8> {
    let paras = [
        "The council met on Tuesday to discuss the harbour plan, and residents asked many questions about costs, dates and the noise of the works.",
        "Engineers said the first phase would begin in the spring and last about eighteen months, with night work kept to a minimum near the houses.",
        "A local shop owner told the meeting that trade had already fallen since the car park closed, and asked the council for help with rents.",
    ];
    let body: String = paras
        .iter()
        .map(|p| format!("<p>{words} {p}</p>"))
        .collect();
    format!(
        "<html><head><title>{title}</title></head><body><nav><a href=/>Home</a></nav>\
         <article><h1>{title}</h1>{body}</article></body></html>"
    )
    .into_bytes()
}

pub fn rss(base: &str, items: &[&str]) -> Vec<u8> {
    let items: Vec<(&str, &str, &str)> = items.iter().map(|p| (*p, *p, *p)).collect();
    rss_items(base, &items)
}

/// An RSS feed of `(link path, guid, title)` items.
pub fn rss_items(base: &str, items: &[(&str, &str, &str)]) -> Vec<u8> {
    let items: String = items
        .iter()
        .map(|(p, guid, title)| {
            let p = p.replace('&', "&amp;");
            format!("<item><title>{title}</title><link>{base}{p}</link><guid>{guid}</guid></item>")
        })
        .collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test feed</title>{items}</channel></rss>")
        .into_bytes()
}

/// Three paragraphs of article text, as HTML: what a feed entry that
/// carries the whole article holds.
pub const FULL_TEXT: &str = "<p>The council met on Tuesday to discuss the harbour plan, and residents asked many questions about costs, dates and the noise of the works.</p><p>Engineers said the first phase would begin in the spring and last about eighteen months, with night work kept to a minimum near the houses.</p><p>A local shop owner told the meeting that trade had already fallen since the car park closed, and asked the council for help with rents.</p>";

/// An RSS feed of `(link path, title, content)` items on `base`, each
/// dated 16 Jan 2024 and, unless `content` is empty, with it as
/// `content:encoded`.
pub fn rss_with_content(base: &str, items: &[(&str, &str, &str)]) -> Vec<u8> {
    let items: String = items
        .iter()
        .map(|(path, title, content)| {
            let content = if content.is_empty() {
                String::new()
            } else {
                format!("<content:encoded><![CDATA[{content}]]></content:encoded>")
            };
            format!(
                "<item><title>{title}</title><link>{base}{path}</link><pubDate>Tue, 16 Jan 2024 07:30:00 GMT</pubDate>{content}</item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>News</title>{items}</channel></rss>"
    )
    .into_bytes()
}

/// gzip-compresses `bytes`.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// Writes the minimal test config (stdout sink, dead letter, one feed at
/// `/feed.xml`) into `dir`.
pub fn config(dir: &Path, site: &Site) -> PathBuf {
    config_with(dir, site, &[], &["/feed.xml"])
}

/// Writes a test config into `dir`: the `[fetch]` keys of [`config`] with
/// `fetch` overriding or adding keys (values in TOML syntax), one feed per
/// path (or absolute URL) in `feeds`, a stdout sink and a dead letter at `dir/dead.ndjson`.
pub fn config_with(dir: &Path, site: &Site, fetch: &[(&str, &str)], feeds: &[&str]) -> PathBuf {
    let mut keys: Vec<(&str, &str)> = vec![
        ("allow_private_addresses", "true"),
        ("per_host_interval", "\"1ms\""),
        ("retries", "0"),
        // Transient failures go straight to the dead letter unless a test
        // asks for later attempts.
        ("retries_later", "0"),
    ];
    for (k, v) in fetch {
        match keys.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v,
            None => keys.push((k, v)),
        }
    }
    let fetch: String = keys.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
    let feeds: String = feeds
        .iter()
        .map(|p| {
            let url = if p.starts_with('/') {
                site.url(p)
            } else {
                (*p).to_owned()
            };
            format!("[[feeds]]\nurl = \"{url}\"\ntags = [\"test\"]\n")
        })
        .collect();
    let path = dir.join("newswire.toml");
    std::fs::write(
        &path,
        format!(
            "[state]\ndir = \"{state}\"\n[fetch]\n{fetch}[dead_letter]\npath = \"{dead}\"\n{feeds}[[sinks]]\ntype = \"stdout\"\n",
            state = dir.join("state").display(),
            dead = dir.join("dead.ndjson").display(),
        ),
    )
    .unwrap();
    path
}

/// `newswire -c config`, without the developer's `NEWSWIRE_CONFIG` and
/// `RUST_LOG`: add the subcommand (and, for stdout, what to write to).
pub fn newswire(config: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_newswire"));
    cmd.env_remove("NEWSWIRE_CONFIG").env_remove("RUST_LOG");
    // The tests talk to loopback servers directly, whatever proxy the
    // machine running them has.
    for var in PROXY_VARS {
        cmd.env_remove(var);
    }
    cmd.arg("-c").arg(config);
    cmd
}

/// The environment variables that name a proxy (reqwest reads them).
pub const PROXY_VARS: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Runs `newswire once`, asserts exit 0, returns the records and stderr.
pub fn once(config: &Path) -> (Vec<Value>, String) {
    let out = newswire(config).arg("once").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    (ndjson(&out), stderr)
}

/// Asserts that a run exited 0 and returns the JSON lines it printed.
pub fn ndjson(out: &std::process::Output) -> Vec<Value> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A port nothing listens on right now (for a server a test starts, or
/// to stand for a dead host).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `newswire status` and returns its stdout.
pub fn status(config: &Path) -> String {
    let out = newswire(config).arg("status").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// The dead-letter lines written so far under `dir` (none if no file).
pub fn dead_letters(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("dead.ndjson"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
