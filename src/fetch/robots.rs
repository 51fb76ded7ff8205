//! robots.txt: fetched once per origin, cached, consulted before every
//! article fetch.
//!
//! Rules follow RFC 9309 as robotxt implements it: the group of our product
//! token (the user agent up to the first `/`) or else `*`. A missing file
//! (4xx) allows everything; a server error or an unreachable host disallows
//! everything, as the RFC asks, but only for [`UNAVAILABLE_TTL`] (not the
//! full `fetch.robots_ttl`), and the verdict says why so the caller can tell
//! "disallowed" from "could not ask". `Crawl-delay` is
//! reported so the caller can space requests further. Concurrent checks of
//! one origin share a single fetch: a burst of articles from a new host
//! costs that host one robots.txt request, not one per article.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use robotxt::Robots;
use tokio::time::Instant;
use url::Url;

use super::{FetchError, Fetcher, lock};

/// Cached entries are dropped (oldest first) past this many origins.
const MAX_ORIGINS: usize = 10_000;

/// How long an unreadable robots.txt (5xx, timeout, reset) is remembered:
/// long enough not to hammer a struggling host, short enough that a blip
/// does not close the host for a day.
pub const UNAVAILABLE_TTL: Duration = Duration::from_secs(600);

/// The verdict for one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the URL may be fetched.
    pub allowed: bool,
    /// The origin's `Crawl-delay`, when it has one for us.
    pub crawl_delay: Option<Duration>,
    /// Why robots.txt could not be read, when that is the reason for a
    /// disallow.
    pub unavailable: Option<String>,
}

#[derive(Debug)]
struct Entry {
    robots: Robots,
    fetched: Instant,
    /// The fetch error, for a robots.txt that could not be read.
    unavailable: Option<String>,
}

impl Entry {
    fn verdict(&self, url: &Url) -> Verdict {
        Verdict {
            allowed: self.robots.is_url_allowed(url),
            crawl_delay: self.robots.crawl_delay(),
            unavailable: self.unavailable.clone(),
        }
    }
}

/// A cache of parsed robots.txt files by origin.
#[derive(Debug)]
pub struct RobotsCache {
    agent: String,
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
    /// Origins whose robots.txt is being fetched; later checks wait on the
    /// lock, then find the entry cached.
    inflight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl RobotsCache {
    /// A cache for `user_agent` (its product token is matched), keeping
    /// entries for `ttl`.
    pub fn new(user_agent: &str, ttl: Duration) -> RobotsCache {
        let agent = user_agent
            .split(['/', ' '])
            .next()
            .unwrap_or(user_agent)
            .to_ascii_lowercase();
        RobotsCache {
            agent,
            ttl,
            entries: Mutex::new(HashMap::new()),
            inflight: Mutex::new(HashMap::new()),
        }
    }

    /// May `url` be fetched? Fetches the origin's robots.txt when it is not
    /// cached or has expired.
    pub async fn check(&self, fetcher: &Fetcher, url: &Url) -> Verdict {
        let origin = url.origin().ascii_serialization();
        if let Some(v) = self.cached(&origin, url) {
            return v;
        }
        let flight = Arc::clone(lock(&self.inflight).entry(origin.clone()).or_default());
        let _fetching = flight.lock().await;
        if let Some(v) = self.cached(&origin, url) {
            return v;
        }
        let (robots, unavailable) = match robotxt::robots_url(url) {
            Ok(robots_url) => self.fetch(fetcher, &robots_url).await,
            // URLs that cannot have a robots.txt (no host) are not ours to judge.
            Err(_) => (Robots::allow_all(), None),
        };
        let entry = Entry {
            robots,
            fetched: Instant::now(),
            unavailable,
        };
        let verdict = entry.verdict(url);
        let mut entries = lock(&self.entries);
        if entries.len() >= MAX_ORIGINS
            && let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| e.fetched)
                .map(|(k, _)| k.clone())
        {
            entries.remove(&oldest);
        }
        entries.insert(origin.clone(), entry);
        drop(entries);
        // Waiters hold their own handle; newcomers find the entry cached.
        lock(&self.inflight).remove(&origin);
        verdict
    }

    /// The sitemaps the robots.txt of `url`'s origin names (`Sitemap:`
    /// lines), fetching the file when it is not cached.
    pub async fn sitemaps(&self, fetcher: &Fetcher, url: &Url) -> Vec<Url> {
        self.check(fetcher, url).await;
        let origin = url.origin().ascii_serialization();
        lock(&self.entries)
            .get(&origin)
            .map(|e| e.robots.sitemaps().to_vec())
            .unwrap_or_default()
    }

    fn cached(&self, origin: &str, url: &Url) -> Option<Verdict> {
        let entries = lock(&self.entries);
        let entry = entries.get(origin)?;
        let ttl = match entry.unavailable {
            Some(_) => self.ttl.min(UNAVAILABLE_TTL),
            None => self.ttl,
        };
        (entry.fetched.elapsed() < ttl).then(|| entry.verdict(url))
    }

    /// The parsed file, and the error when it could not be read.
    async fn fetch(&self, fetcher: &Fetcher, robots_url: &Url) -> (Robots, Option<String>) {
        match fetcher.get(robots_url).await {
            Ok(page) => (Robots::parse(&page.body, self.agent.as_str()), None),
            Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => {
                (Robots::allow_all(), None)
            }
            Err(e) => {
                tracing::info!(url = %robots_url, "robots.txt unavailable, host treated as disallowed for now: {e}");
                (Robots::disallow_all(), Some(e.to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FetchConfig;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A loopback server answering every request with `status` and `body`,
    /// counting requests.
    fn serve(status: u16, body: &'static str) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&hits);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { continue };
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                counter.fetch_add(1, Ordering::SeqCst);
                let _ = write!(
                    s,
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        (base, hits)
    }

    fn fetcher() -> Fetcher {
        Fetcher::new(&FetchConfig {
            allow_private_addresses: true,
            ..FetchConfig::default()
        })
        .unwrap()
    }

    #[tokio::test]
    async fn disallow_rules_apply_to_our_token_and_are_cached() {
        let (base, hits) = serve(
            200,
            "User-agent: newswire\nDisallow: /private/\nCrawl-delay: 3\n\nUser-agent: *\nDisallow: /\n",
        );
        let cache = RobotsCache::new("newswire/0.1 (+x)", Duration::from_secs(60));
        let f = fetcher();
        let open = Url::parse(&format!("{base}/news/a")).unwrap();
        let closed = Url::parse(&format!("{base}/private/b")).unwrap();
        let v = cache.check(&f, &open).await;
        assert!(v.allowed);
        assert_eq!(v.crawl_delay, Some(Duration::from_secs(3)));
        assert!(!cache.check(&f, &closed).await.allowed);
        assert_eq!(hits.load(Ordering::SeqCst), 1, "robots.txt fetched once");
    }

    #[tokio::test]
    async fn concurrent_checks_of_one_origin_fetch_once() {
        let (base, hits) = serve(200, "User-agent: *\nDisallow: /private/\n");
        let cache = Arc::new(RobotsCache::new("newswire", Duration::from_secs(60)));
        let f = fetcher();
        let checks = (0..8).map(|i| {
            let (cache, f) = (Arc::clone(&cache), f.clone());
            let url = Url::parse(&format!("{base}/news/{i}")).unwrap();
            tokio::spawn(async move { cache.check(&f, &url).await.allowed })
        });
        for check in checks.collect::<Vec<_>>() {
            assert!(check.await.unwrap());
        }
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn missing_robots_allows_and_server_error_disallows() {
        let (base, _) = serve(404, "");
        let cache = RobotsCache::new("newswire", Duration::from_secs(60));
        let url = Url::parse(&format!("{base}/a")).unwrap();
        assert!(cache.check(&fetcher(), &url).await.allowed);
        let (base, _) = serve(503, "");
        let url = Url::parse(&format!("{base}/a")).unwrap();
        let v = cache.check(&fetcher(), &url).await;
        assert!(!v.allowed);
        assert!(v.unavailable.unwrap().contains("HTTP 503"));
    }
}
