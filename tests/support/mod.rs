//! The simulated news web shared by the end-to-end tests: a tiny HTTP/1.1
//! server on 127.0.0.1 whose routes a test changes between runs, and
//! builders for articles and feeds.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use serde_json::Value;

/// A route: status, extra headers, body.
type Route = (u16, Vec<(String, String)>, Vec<u8>);

/// A tiny HTTP/1.1 server whose routes the test can change between runs.
/// A request with `If-None-Match` equal to the route's `ETag` gets a 304.
pub struct Site {
    pub base: String,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    /// Milliseconds every response waits before it is sent.
    delay_ms: Arc<std::sync::atomic::AtomicU64>,
}

impl Site {
    pub fn start() -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let shared = Arc::clone(&routes);
        let delay_ms: Arc<std::sync::atomic::AtomicU64> = Arc::default();
        let delay = Arc::clone(&delay_ms);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { continue };
                let routes = Arc::clone(&shared);
                let wait = delay.load(std::sync::atomic::Ordering::Relaxed);
                std::thread::spawn(move || {
                    std::thread::sleep(std::time::Duration::from_millis(wait));
                    let mut buf = vec![0u8; 8192];
                    let n = s.read(&mut buf).unwrap_or(0);
                    let req = String::from_utf8_lossy(&buf[..n]).to_string();
                    let path = req.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    let inm = req.lines().find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("if-none-match")
                            .then(|| v.trim().to_owned())
                    });
                    let route = routes.lock().unwrap().get(&path).cloned();
                    let (status, headers, body) =
                        route.unwrap_or((404, Vec::new(), b"not found".to_vec()));
                    let etag = headers
                        .iter()
                        .find(|(k, _)| k == "ETag")
                        .map(|(_, v)| v.clone());
                    let (status, body) = if status == 200 && etag.is_some() && etag == inm {
                        (304, Vec::new())
                    } else {
                        (status, body)
                    };
                    let mut head = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                        body.len()
                    );
                    for (k, v) in &headers {
                        head.push_str(&format!("{k}: {v}\r\n"));
                    }
                    head.push_str("\r\n");
                    let _ = s.write_all(head.as_bytes());
                    let _ = s.write_all(&body);
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

    pub fn set(&self, path: &str, status: u16, headers: &[(&str, &str)], body: &[u8]) {
        let headers = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.routes
            .lock()
            .unwrap()
            .insert(path.to_owned(), (status, headers, body.to_vec()));
    }
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
    let items: String = items
        .iter()
        .map(|p| format!("<item><title>{p}</title><link>{base}{p}</link><guid>{p}</guid></item>"))
        .collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test feed</title>{items}</channel></rss>")
        .into_bytes()
}

/// Writes the minimal test config (stdout sink, dead letter, one feed at
/// `/feed.xml`) into `dir`.
pub fn config(dir: &Path, site: &Site) -> std::path::PathBuf {
    let path = dir.join("newswire.toml");
    std::fs::write(
        &path,
        format!(
            r#"[state]
dir = "{state}"
[fetch]
allow_private_addresses = true
per_host_interval = "1ms"
retries = 0
[dead_letter]
path = "{dead}"
[[feeds]]
url = "{base}/feed.xml"
tags = ["test"]
[[sinks]]
type = "stdout"
"#,
            state = dir.join("state").display(),
            dead = dir.join("dead.ndjson").display(),
            base = site.base
        ),
    )
    .unwrap();
    path
}

/// Runs `newswire once`, asserts exit 0, returns the records and stderr.
pub fn once(config: &Path) -> (Vec<Value>, String) {
    let out = Command::cargo_bin("newswire")
        .unwrap()
        .env_remove("NEWSWIRE_CONFIG")
        .env_remove("RUST_LOG")
        .args(["-c"])
        .arg(config)
        .arg("once")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let records = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (records, stderr)
}
