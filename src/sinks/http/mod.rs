//! The HTTP sink: records POSTed in batches to an endpoint — a Vector,
//! Logstash or Fluent Bit HTTP input, ClickHouse's `INSERT … FORMAT
//! JSONEachRow`, Elasticsearch's bulk API, a webhook.
//!
//! Records are buffered as request bodies of at most `max_request_bytes`;
//! [`HttpSink::flush`] sends them in order, and only a 2xx answer to every
//! one lets the worker mark the articles delivered. A failure that may pass
//! (no connection, a timeout, 408, 429, 5xx) is tried again with growing
//! waits, honouring `Retry-After`, for `retry_for`; any other answer fails
//! the flush at once, naming the status and the start of the body. Either
//! way the records stay pending in the state store and are sent again after
//! a restart, with the same `id`: the endpoint sees each record at least
//! once, and can drop repeats by `id`. Elasticsearch's bulk API gets its
//! own framing and answer check (`bulk.rs`).

mod bulk;

use std::collections::VecDeque;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio_util::sync::CancellationToken;

use crate::config::{Compression, HttpEncoding, HttpSinkConfig};
use crate::fetch::client::{chain, header_map};
use crate::fetch::retry::{backoff, retry_after_header};
use crate::ops::metrics;
use crate::record::Article;

/// The first wait before a failed request is sent again; it doubles with
/// each attempt, up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_millis(500);
/// The longest wait between two attempts (unless `Retry-After` asks more).
const LONGEST_WAIT: Duration = Duration::from_secs(30);
/// How much of a refusing answer's body is quoted in the error.
const QUOTED_BODY: usize = 300;

/// Bytes of a success answer read to its end, so that the connection goes
/// back to the pool (an unread body closes it). A longer answer (a bulk
/// API's per-record results) is dropped unread and costs a new connection.
const DRAINED_BODY: usize = 64 * 1024;

/// Why the HTTP sink failed; every variant names the endpoint.
#[derive(Debug, thiserror::Error)]
pub enum HttpSinkError {
    /// The configuration cannot make a client (a bad header, no TLS roots).
    #[error("http sink {url}: {message}")]
    Config {
        /// The endpoint.
        url: String,
        /// What is wrong.
        message: String,
    },
    /// A record could not be serialized or a body compressed.
    #[error("http sink {url}: {message}")]
    Encode {
        /// The endpoint.
        url: String,
        /// What failed.
        message: String,
    },
    /// The endpoint refused a request with a status that will not change by
    /// sending it again (400, 401, 403, 404, 413, …).
    #[error("http sink {url}: the endpoint answered {status}{hint}: {body}")]
    Refused {
        /// The endpoint.
        url: String,
        /// The answer's status.
        status: StatusCode,
        /// What to do about it, when the status says.
        hint: &'static str,
        /// The start of the answer's body.
        body: String,
    },
    /// Elasticsearch's bulk API took the request but refused records in a
    /// way sending them again would not mend (a mapping error), or did not
    /// answer as the bulk API does.
    #[error("http sink {url}: {message}")]
    Rejected {
        /// The endpoint.
        url: String,
        /// Which records and why.
        message: String,
    },
    /// Requests kept failing transiently for `retry_for`.
    #[error(
        "http sink {url}: {attempts} attempts over {elapsed:?} failed (retry_for is {retry_for:?}); the last: {last}"
    )]
    GaveUp {
        /// The endpoint.
        url: String,
        /// Requests sent.
        attempts: u32,
        /// Time spent on them.
        elapsed: Duration,
        /// The configured budget.
        retry_for: Duration,
        /// The last failure.
        last: String,
    },
    /// The worker's grace period ended while a request was being retried.
    #[error(
        "http sink {url}: the grace period ended before the endpoint took the records (they stay pending); the last: {last}"
    )]
    Abandoned {
        /// The endpoint.
        url: String,
        /// The last failure.
        last: String,
    },
}

/// A client for one endpoint and the request bodies it has not yet sent.
pub struct HttpSink {
    url: String,
    client: reqwest::Client,
    headers: HeaderMap,
    encoding: HttpEncoding,
    compression: Compression,
    max_request_bytes: usize,
    retry_for: Duration,
    /// The body being filled.
    open: Chunks,
    /// Full bodies waiting for the next flush, oldest first.
    sealed: VecDeque<Chunks>,
    /// Fires when the worker abandons its drain: retries stop.
    stop: CancellationToken,
    /// The index of `encoding = "elasticsearch"`.
    index: Option<String>,
}

impl std::fmt::Debug for HttpSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpSink")
            .field("url", &self.url)
            .field("sealed", &self.sealed.len())
            .finish()
    }
}

/// Names the sink in messages: `http sink https://ingest.example/articles`.
impl std::fmt::Display for HttpSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "http sink {}", self.url)
    }
}

impl HttpSink {
    /// Builds the client; nothing is sent until the first flush. `stop`
    /// ends retries early (the worker's grace period is over).
    pub fn new(cfg: &HttpSinkConfig, stop: CancellationToken) -> Result<HttpSink, HttpSinkError> {
        let config_err = |message: String| HttpSinkError::Config {
            url: cfg.url.clone(),
            message,
        };
        let mut headers = header_map(&cfg.headers).map_err(config_err)?;
        let content_type = match cfg.encoding {
            HttpEncoding::Ndjson | HttpEncoding::Elasticsearch => "application/x-ndjson",
            HttpEncoding::Json => "application/json",
        };
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        match cfg.compression {
            Compression::None => {}
            Compression::Gzip => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            Compression::Zstd => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("zstd"));
            }
        }
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("newswire/", env!("CARGO_PKG_VERSION")))
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none());
        let read = |key: &str, path: &Path| {
            std::fs::read(path)
                .map_err(|e| config_err(format!("cannot read {key} {}: {e}", path.display())))
        };
        if let Some(ca) = &cfg.tls_ca {
            let roots = reqwest::Certificate::from_pem_bundle(&read("tls_ca", ca)?)
                .map_err(|e| config_err(format!("tls_ca {}: {}", ca.display(), chain(&e))))?;
            builder = builder.tls_certs_only(roots);
        }
        if let (Some(cert), Some(key)) = (&cfg.tls_cert, &cfg.tls_key) {
            let mut pem = read("tls_cert", cert)?;
            pem.push(b'\n');
            pem.extend(read("tls_key", key)?);
            let identity = reqwest::Identity::from_pem(&pem).map_err(|e| {
                config_err(format!(
                    "tls_cert {} with tls_key {}: {}",
                    cert.display(),
                    key.display(),
                    chain(&e)
                ))
            })?;
            builder = builder.identity(identity);
        }
        let client = builder.build().map_err(|e| config_err(chain(&e)))?;
        Ok(HttpSink {
            url: cfg.url.clone(),
            client,
            headers,
            encoding: cfg.encoding,
            compression: cfg.compression,
            max_request_bytes: cfg.max_request_bytes,
            retry_for: cfg.retry_for,
            open: Chunks::default(),
            sealed: VecDeque::new(),
            stop,
            index: (cfg.encoding == HttpEncoding::Elasticsearch)
                .then(|| cfg.index.clone().unwrap_or_default()),
        })
    }

    /// The largest record (JSON) a request body can hold.
    pub fn max_record_bytes(&self) -> usize {
        // A line's newline, or a JSON array's brackets; a bulk action line.
        let framing = 2 + self.index.as_deref().map_or(0, bulk::action_overhead);
        self.max_request_bytes.saturating_sub(framing)
    }

    /// Buffers one record.
    pub fn write(&mut self, record: &Article) -> Result<(), HttpSinkError> {
        let json = serde_json::to_vec(record).map_err(|e| HttpSinkError::Encode {
            url: self.url.clone(),
            message: format!("record {}: {e}", record.id),
        })?;
        self.push(&record.id, json);
        Ok(())
    }

    /// Buffers one record already serialized; a record that would take the
    /// open body past `max_request_bytes` starts a new one.
    pub fn push(&mut self, id: &str, mut json: Vec<u8>) {
        let action = self.index.as_deref().map(|index| bulk::action(index, id));
        let framing = 2 + action.as_ref().map_or(0, Vec::len);
        if !self.open.is_empty() && self.open.len + json.len() + framing > self.max_request_bytes {
            self.seal();
        }
        if let Some(action) = action {
            self.open.push(Bytes::from(action));
        }
        match self.encoding {
            HttpEncoding::Ndjson | HttpEncoding::Elasticsearch => {
                json.push(b'\n');
                self.open.push(Bytes::from(json));
            }
            HttpEncoding::Json => {
                let separator: &'static [u8] = if self.open.is_empty() { b"[" } else { b"," };
                self.open.push(Bytes::from_static(separator));
                self.open.push(Bytes::from(json));
            }
        }
    }

    /// Closes the open body and queues it.
    fn seal(&mut self) {
        if self.open.is_empty() {
            return;
        }
        if self.encoding == HttpEncoding::Json {
            self.open.push(Bytes::from_static(b"]"));
        }
        self.sealed.push_back(std::mem::take(&mut self.open));
    }

    /// Sends every buffered record; returns when the endpoint has accepted
    /// them all. A body that failed stays queued for the next flush.
    pub async fn flush(&mut self) -> Result<(), HttpSinkError> {
        self.seal();
        while let Some(body) = self.sealed.front() {
            let payload = body
                .compressed(self.compression)
                .map_err(|e| HttpSinkError::Encode {
                    url: self.url.clone(),
                    message: format!("compressing a request body: {e}"),
                })?;
            self.send(payload).await?;
            self.sealed.pop_front();
        }
        Ok(())
    }

    /// POSTs one body, trying again while the failure may pass.
    async fn send(&self, payload: Chunks) -> Result<(), HttpSinkError> {
        let started = Instant::now();
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let request = self
                .client
                .post(&self.url)
                .headers(self.headers.clone())
                .header(header::CONTENT_LENGTH, payload.len)
                .body(payload.body())
                .send();
            // A request to an endpoint that hangs ends with the drain too,
            // not `timeout` later.
            let sent = tokio::select! {
                () = self.stop.cancelled() => {
                    return Err(HttpSinkError::Abandoned {
                        url: self.url.clone(),
                        last: "a request still in flight".to_owned(),
                    });
                }
                sent = request => sent,
            };
            let (last, asked) = match sent {
                Ok(answer) if answer.status().is_success() && self.index.is_some() => {
                    match self.bulk_outcome(answer).await? {
                        bulk::Outcome::Stored => {
                            metrics::http_sink_request("ok");
                            return Ok(());
                        }
                        bulk::Outcome::Busy(why) => (format!("bulk: {why}"), None),
                        bulk::Outcome::Rejected(why) => {
                            metrics::http_sink_request("refused");
                            return Err(HttpSinkError::Rejected {
                                url: self.url.clone(),
                                message: why,
                            });
                        }
                    }
                }
                Ok(answer) if answer.status().is_success() => {
                    metrics::http_sink_request("ok");
                    // Accepted: only the connection's reuse waits on this.
                    tokio::select! {
                        () = self.stop.cancelled() => {}
                        () = drain(answer) => {}
                    }
                    return Ok(());
                }
                Ok(answer) => {
                    let status = answer.status();
                    let asked = retry_after_header(answer.headers());
                    let body = quoted_body(answer).await;
                    if !is_transient(status) {
                        metrics::http_sink_request("refused");
                        return Err(HttpSinkError::Refused {
                            url: self.url.clone(),
                            status,
                            hint: hint(status),
                            body,
                        });
                    }
                    (format!("{status}: {body}"), asked)
                }
                Err(e) => (chain(&e), None),
            };
            metrics::http_sink_request("failed");
            let wait = asked
                .unwrap_or_default()
                .max(backoff(FIRST_WAIT, attempts - 1).min(LONGEST_WAIT));
            let elapsed = started.elapsed();
            if elapsed + wait > self.retry_for {
                return Err(HttpSinkError::GaveUp {
                    url: self.url.clone(),
                    attempts,
                    elapsed,
                    retry_for: self.retry_for,
                    last,
                });
            }
            tracing::warn!(sink = %self, attempts, ?wait, "request failed, sending it again: {last}");
            tokio::select! {
                () = self.stop.cancelled() => {
                    return Err(HttpSinkError::Abandoned { url: self.url.clone(), last });
                }
                () = tokio::time::sleep(wait) => {}
            }
        }
    }
}

/// A request body as the pieces it was written in: one per record (the
/// JSON the worker serialized, not copied again), so that a body of up to
/// `max_request_bytes` is neither one allocation of megabytes nor copied
/// for a retry.
#[derive(Debug, Default, Clone)]
struct Chunks {
    parts: Vec<Bytes>,
    /// Their total size.
    len: usize,
}

/// Compressed output is cut in pieces of this size.
const COMPRESSED_PIECE: usize = 32 * 1024;

impl Chunks {
    fn push(&mut self, part: Bytes) {
        self.len += part.len();
        self.parts.push(part);
    }

    fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The body as compressed for sending (the same pieces without
    /// compression).
    fn compressed(&self, c: Compression) -> std::io::Result<Chunks> {
        fn encode(parts: &[Bytes], mut enc: impl Write) -> std::io::Result<()> {
            parts.iter().try_for_each(|part| enc.write_all(part))
        }
        let mut out = Pieces::default();
        match c {
            Compression::None => return Ok(self.clone()),
            Compression::Gzip => {
                let mut enc =
                    flate2::write::GzEncoder::new(&mut out, flate2::Compression::default());
                encode(&self.parts, &mut enc)?;
                enc.finish()?;
            }
            Compression::Zstd => {
                let mut enc = zstd::stream::write::Encoder::new(&mut out, 3)?;
                encode(&self.parts, &mut enc)?;
                enc.finish()?;
            }
        }
        Ok(out.finish())
    }

    /// A request body streaming the pieces; clones only their handles, so
    /// a retry sends the same bytes again.
    fn body(&self) -> reqwest::Body {
        let parts = self.parts.clone();
        reqwest::Body::wrap_stream(futures_util::stream::iter(
            parts.into_iter().map(Ok::<_, std::io::Error>),
        ))
    }
}

/// An `io::Write` that collects what an encoder writes in pieces of
/// [`COMPRESSED_PIECE`] bytes.
#[derive(Default)]
struct Pieces {
    done: Chunks,
    current: Vec<u8>,
}

impl Pieces {
    fn finish(mut self) -> Chunks {
        if !self.current.is_empty() {
            self.done.push(Bytes::from(self.current));
        }
        self.done
    }
}

impl Write for Pieces {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.current.capacity() == 0 {
            self.current.reserve_exact(COMPRESSED_PIECE);
        }
        let room = COMPRESSED_PIECE - self.current.len();
        let n = room.min(buf.len());
        self.current.extend_from_slice(&buf[..n]);
        if self.current.len() == COMPRESSED_PIECE {
            let full = std::mem::take(&mut self.current);
            self.done.push(Bytes::from(full));
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Answers that may change when the same request is sent again.
fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500..=599)
}

/// What to change, for the refusals whose cause is in the config.
fn hint(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 | 403 => " (check the sink's `headers`: the credentials)",
        404 | 405 => " (check the sink's `url`)",
        413 => " (lower the sink's `max_request_bytes`)",
        415 => " (check the sink's `encoding` and `compression`)",
        _ => "",
    }
}

impl HttpSink {
    /// Reads a 2xx answer of the bulk API and says what became of the
    /// records. An answer that is not a bulk response, or is cut, fails.
    async fn bulk_outcome(
        &self,
        mut answer: reqwest::Response,
    ) -> Result<bulk::Outcome, HttpSinkError> {
        let rejected = |message: String| HttpSinkError::Rejected {
            url: self.url.clone(),
            message,
        };
        let read = tokio::select! {
            () = self.stop.cancelled() => {
                return Err(HttpSinkError::Abandoned {
                    url: self.url.clone(),
                    last: "reading the bulk answer".to_owned(),
                });
            }
            read = read_at_most(&mut answer, bulk::MAX_ANSWER + 1) => read,
        };
        match read {
            (body, Ok(true)) => bulk::outcome(&body).map_err(rejected),
            (_, Ok(false)) => Err(rejected(format!(
                "the bulk answer is over {} MiB; add `?filter_path=errors,items.*.status,items.*._id,items.*.error` to the url",
                bulk::MAX_ANSWER >> 20
            ))),
            // A cut answer: the records may or may not be stored.
            (_, Err(e)) => Ok(bulk::Outcome::Busy(format!(
                "reading the answer: {}",
                chain(&e)
            ))),
        }
    }
}

/// Reads `answer` to its end, or until [`DRAINED_BODY`] bytes have come.
async fn drain(mut answer: reqwest::Response) {
    // The records are accepted: how the body ends only decides whether
    // the connection is reused.
    let _ = read_at_most(&mut answer, DRAINED_BODY + 1).await;
}

/// Reads `answer`'s body to its end, or until it holds `limit` bytes or
/// more (in whole chunks): the bytes, and whether the end came (`Err` when
/// the body broke off).
async fn read_at_most(
    answer: &mut reqwest::Response,
    limit: usize,
) -> (Vec<u8>, Result<bool, reqwest::Error>) {
    let mut bytes = Vec::new();
    while bytes.len() < limit {
        match answer.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) => return (bytes, Ok(true)),
            Err(e) => return (bytes, Err(e)),
        }
    }
    (bytes, Ok(false))
}

/// The start of an answer's body, on one line, for an error message. The
/// rest is not read: a misbehaving endpoint cannot fill memory.
async fn quoted_body(mut answer: reqwest::Response) -> String {
    let (bytes, _) = read_at_most(&mut answer, QUOTED_BODY).await;
    let text = String::from_utf8_lossy(&bytes);
    let mut line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > QUOTED_BODY {
        line = line.chars().take(QUOTED_BODY).collect::<String>() + "…";
    }
    if line.is_empty() {
        "(no body)".to_owned()
    } else {
        line
    }
}

#[cfg(test)]
mod tests;
