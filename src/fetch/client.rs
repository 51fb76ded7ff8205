//! The HTTP client used for article pages.
//!
//! reqwest decompresses gzip, brotli, zstd and deflate transparently; the body
//! is streamed and abandoned as soon as it passes `max_body_bytes`, so a
//! compression bomb or an endless response costs at most that much memory.
//! Redirects are capped and loops are named as such. Timeouts come back as
//! [`FetchError::Timeout`] naming the limit that passed (connect, read, or
//! the whole-request `fetch.timeout`, which is enforced here around headers
//! and body together).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::header::{self, HeaderMap};
use url::Url;

use super::guard;
use crate::config::FetchConfig;

/// Why a page could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The HTTP client could not be built (bad user agent, TLS setup).
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// Connecting, sending or reading failed.
    #[error("request to {url} failed: {}", chain(source))]
    Request {
        /// The URL requested.
        url: Url,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with a non-success status.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// The URL requested.
        url: Url,
        /// The status code.
        status: u16,
        /// The response headers (for `Retry-After` and friends).
        headers: Box<HeaderMap>,
    },
    /// The address guard refused the URL (a non-public IP literal).
    #[error("refused: {reason}")]
    Refused {
        /// Why, naming the URL and address.
        reason: String,
    },
    /// A timeout passed. Named apart from [`FetchError::Request`] so the
    /// reason says which limit (and which config key) was hit.
    #[error("{url}: timed out after {after:?} ({key})")]
    Timeout {
        /// The URL requested.
        url: Url,
        /// The limit that passed.
        after: Duration,
        /// The config key of that limit.
        key: &'static str,
    },
    /// The body was larger than `fetch.max_body_bytes`.
    #[error("{url}: body exceeds the {limit}-byte limit (fetch.max_body_bytes)")]
    TooLarge {
        /// The URL requested.
        url: Url,
        /// The configured limit.
        limit: u64,
    },
}

impl FetchError {
    /// A short, stable name of the failure's kind, for metrics labels.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::Client(_) => "client",
            FetchError::Request { .. } => "transport",
            FetchError::Status { status, .. } if *status >= 500 => "http_5xx",
            FetchError::Status { status: 429, .. } => "http_429",
            FetchError::Status { .. } => "http_4xx",
            FetchError::Refused { .. } => "refused",
            FetchError::Timeout { .. } => "timeout",
            FetchError::TooLarge { .. } => "too_large",
        }
    }
}

/// An error and its sources on one line: reqwest's own message ("error
/// sending request") hides the cause (refused address, DNS, TLS) in the chain.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// A fetched page: body plus the transport facts the record keeps.
#[derive(Debug, Clone)]
pub struct FetchedPage {
    /// The URL requested.
    pub url: Url,
    /// The URL after redirects.
    pub final_url: Url,
    /// HTTP status of the final response.
    pub status: u16,
    /// The `Content-Type` header, when sent.
    pub content_type: Option<String>,
    /// The decompressed body.
    pub body: Vec<u8>,
    /// Request start to end of body.
    pub elapsed: Duration,
    /// The response headers.
    pub headers: HeaderMap,
}

/// What article pages are requested as.
const ACCEPT_HTML: &str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5";

/// What feeds are requested as.
pub const ACCEPT_FEED: &str = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";

/// Options of one request beyond the URL.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The `Accept` header; HTML by default.
    pub accept: Option<&'static str>,
    /// `If-None-Match` validator.
    pub etag: Option<String>,
    /// `If-Modified-Since` validator.
    pub last_modified: Option<String>,
    /// Headers of the feed's own (`[[feeds]] headers`), over the defaults.
    pub headers: Option<Arc<HeaderMap>>,
}

/// Configured `headers` (a feed's, an HTTP sink's) as a header map, or
/// what is wrong with one of them (naming it, never its value: it may be a
/// secret).
pub fn header_map(headers: &BTreeMap<String, String>) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let key = header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("`{name}` is not an HTTP header name"))?;
        let value = header::HeaderValue::from_str(value)
            .map_err(|_| format!("the value of `{name}` is not a valid header value"))?;
        map.insert(key, value);
    }
    Ok(map)
}

/// An HTTP client configured from `[fetch]`.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    max_body_bytes: u64,
    /// `fetch.timeout`, enforced here rather than by reqwest so that a total
    /// timeout can be told apart from a read timeout.
    timeout: Duration,
    /// `fetch.read_timeout`, for naming a read timeout reqwest reports.
    read_timeout: Duration,
    /// `fetch.connect_timeout`, for naming a connect timeout.
    connect_timeout: Duration,
    /// True unless `fetch.allow_private_addresses` is set.
    guard: bool,
}

/// The proxies the environment names, as reqwest reads them.
fn env_proxies() -> impl Iterator<Item = String> {
    [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .into_iter()
    .filter_map(|name| std::env::var(name).ok())
    .filter(|v| !v.is_empty())
}

impl Fetcher {
    /// Builds the client from `config`.
    pub fn new(config: &FetchConfig) -> Result<Self, FetchError> {
        let guard = !config.allow_private_addresses;
        let max_redirects = config.max_redirects;
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().contains(attempt.url()) {
                let to = attempt.url().to_string();
                return attempt.error(format!("redirect loop: back to {to}"));
            }
            if attempt.previous().len() > max_redirects {
                return attempt.error(format!(
                    "more than {max_redirects} redirects (fetch.max_redirects)"
                ));
            }
            if guard && let Err(why) = guard::check_url(attempt.url()) {
                return attempt.error(why);
            }
            attempt.follow()
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .redirect(redirects);
        let mut proxies = Vec::new();
        match config.proxy.as_str() {
            // reqwest reads the environment's proxy variables itself.
            "" => proxies.extend(env_proxies()),
            "off" => builder = builder.no_proxy(),
            url => {
                builder = builder.proxy(reqwest::Proxy::all(url).map_err(FetchError::Client)?);
                proxies.push(url.to_owned());
            }
        }
        if guard {
            let trusted = proxies
                .iter()
                .filter_map(|p| Url::parse(p).ok()?.host_str().map(str::to_owned))
                .collect();
            builder = builder.dns_resolver(guard::GuardedResolver { trusted });
        }
        let client = builder.build().map_err(FetchError::Client)?;
        Ok(Fetcher {
            client,
            max_body_bytes: config.max_body_bytes,
            timeout: config.timeout,
            read_timeout: config.read_timeout,
            connect_timeout: config.connect_timeout,
            guard,
        })
    }

    /// GETs an HTML page and reads the whole body, up to the size cap.
    pub async fn get(&self, url: &Url) -> Result<FetchedPage, FetchError> {
        self.request(url, &Request::default()).await
    }

    /// GETs `url` as described by `req`. A `304 Not Modified` answer to a
    /// conditional request is a success with status 304 and an empty body.
    /// The whole exchange, body included, is bounded by `fetch.timeout`.
    pub async fn request(&self, url: &Url, req: &Request) -> Result<FetchedPage, FetchError> {
        if self.guard
            && let Err(reason) = guard::check_url(url)
        {
            return Err(FetchError::Refused { reason });
        }
        match tokio::time::timeout(self.timeout, self.exchange(url, req)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout {
                url: url.clone(),
                after: self.timeout,
                key: "fetch.timeout",
            }),
        }
    }

    /// One request and its body, without the total deadline.
    async fn exchange(&self, url: &Url, req: &Request) -> Result<FetchedPage, FetchError> {
        let started = Instant::now();
        let request_err = |source: reqwest::Error| {
            if source.is_timeout() {
                let (after, key) = if source.is_connect() {
                    (self.connect_timeout, "fetch.connect_timeout")
                } else {
                    (self.read_timeout, "fetch.read_timeout")
                };
                return FetchError::Timeout {
                    url: url.clone(),
                    after,
                    key,
                };
            }
            FetchError::Request {
                url: url.clone(),
                source,
            }
        };
        let mut builder = self
            .client
            .get(url.clone())
            .header(header::ACCEPT, req.accept.unwrap_or(ACCEPT_HTML));
        if let Some(etag) = &req.etag {
            builder = builder.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &req.last_modified {
            builder = builder.header(header::IF_MODIFIED_SINCE, lm);
        }
        if let Some(headers) = &req.headers {
            builder = builder.headers(HeaderMap::clone(headers));
        }
        let response = builder.send().await.map_err(request_err)?;
        let status = response.status().as_u16();
        let final_url = response.url().clone();
        let headers = response.headers().clone();
        if status == 304 && (req.etag.is_some() || req.last_modified.is_some()) {
            return Ok(FetchedPage {
                url: url.clone(),
                final_url,
                status,
                content_type: None,
                body: Vec::new(),
                elapsed: started.elapsed(),
                headers,
            });
        }
        if !response.status().is_success() {
            return Err(FetchError::Status {
                url: url.clone(),
                status,
                headers: Box::new(headers),
            });
        }
        if response
            .content_length()
            .is_some_and(|len| len > self.max_body_bytes)
        {
            return Err(self.too_large(url));
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(request_err)?;
            if body.len() as u64 + chunk.len() as u64 > self.max_body_bytes {
                return Err(self.too_large(url));
            }
            body.extend_from_slice(&chunk);
        }
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(FetchedPage {
            url: url.clone(),
            final_url,
            status,
            content_type,
            body,
            elapsed: started.elapsed(),
            headers,
        })
    }

    fn too_large(&self, url: &Url) -> FetchError {
        FetchError::TooLarge {
            url: url.clone(),
            limit: self.max_body_bytes,
        }
    }
}
