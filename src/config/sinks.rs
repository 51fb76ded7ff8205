//! `[[sinks]]` and `[dead_letter]`: where records go.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One output for records. Every record goes to every sink.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum SinkConfig {
    /// NDJSON on standard output (logs stay on stderr).
    Stdout,
    /// NDJSON files in a directory, rotated, optionally compressed.
    File(FileSinkConfig),
    /// One message per record on a NATS JetStream stream.
    Nats(NatsSinkConfig),
    /// Batches of records POSTed to an HTTP endpoint.
    Http(HttpSinkConfig),
}

/// An HTTP sink: each flush POSTs the records written since the last one,
/// in requests of at most `max_request_bytes`. A 2xx answer is what makes
/// the records delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSinkConfig {
    /// The endpoint (`http://` or `https://`).
    pub url: String,
    /// How records are laid out in a request body.
    #[serde(default)]
    pub encoding: HttpEncoding,
    /// The index records are stored in, with `encoding = "elasticsearch"`
    /// (required then, and read only then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// Compression of request bodies (`Content-Encoding`).
    #[serde(default)]
    pub compression: Compression,
    /// Headers sent with every request: an `Authorization`, an API key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The largest request body before compression; a record larger than
    /// this goes to the dead letter.
    #[serde(default = "default_max_request_bytes")]
    pub max_request_bytes: usize,
    /// How long one request may take, answer included.
    #[serde(default = "default_http_timeout", with = "humantime_serde")]
    pub timeout: Duration,
    /// How long a request that fails transiently (no connection, a timeout,
    /// 408, 429, 5xx) is tried again before the flush fails.
    #[serde(default = "default_retry_for", with = "humantime_serde")]
    pub retry_for: Duration,
    // The three TLS keys repeat those of the nats sink and `[cluster]`:
    // `deny_unknown_fields` rules out a flattened shared struct.
    /// PEM file of the CA that signed the endpoint's certificate, for an
    /// endpoint inside a private PKI; only this CA is then trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_ca: Option<PathBuf>,
    /// PEM client certificate, for endpoints that verify clients (with
    /// `tls_key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `tls_cert`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_key: Option<PathBuf>,
}

/// The body of an HTTP sink's request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HttpEncoding {
    /// One record per line (`application/x-ndjson`), as Vector's, Logstash's
    /// and Fluent Bit's HTTP inputs and ClickHouse's `JSONEachRow` read it.
    #[default]
    Ndjson,
    /// A JSON array of records (`application/json`), for webhooks.
    Json,
    /// Elasticsearch's and OpenSearch's `_bulk` API: an `index` action
    /// before each record, with the record's `id` as `_id` (a repeat
    /// replaces the earlier copy), and the answer checked record by record.
    Elasticsearch,
}

fn default_max_request_bytes() -> usize {
    10 * 1024 * 1024
}

fn default_http_timeout() -> Duration {
    Duration::from_secs(30)
}

fn default_retry_for() -> Duration {
    Duration::from_secs(300)
}

/// A NATS JetStream sink.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatsSinkConfig {
    /// Server URL, e.g. `nats://127.0.0.1:4222` (several: comma-separated).
    pub url: String,
    /// Subject every record is published on.
    #[serde(default = "default_subject")]
    pub subject: String,
    /// The stream that stores `subject`.
    #[serde(default = "default_stream")]
    pub stream: String,
    /// Create the stream (file storage) when it does not exist; when false,
    /// a missing stream is a startup error.
    #[serde(default = "default_true")]
    pub create_stream: bool,
    /// Window in which the server drops a record re-published with the same
    /// id (only used when newswire creates the stream).
    #[serde(default = "default_duplicate_window", with = "humantime_serde")]
    pub duplicate_window: Duration,
    /// A `.creds` file for servers that require authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<PathBuf>,
    /// PEM file of the CA that signed the server's certificate, when it is
    /// not in the system's roots; TLS is then required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_ca: Option<PathBuf>,
    /// PEM client certificate, for servers that verify clients (with
    /// `tls_key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `tls_cert`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_key: Option<PathBuf>,
    /// How long to wait for the connection at start.
    #[serde(default = "default_nats_connect_timeout", with = "humantime_serde")]
    pub connect_timeout: Duration,
    /// How long a flush waits for the stream to acknowledge a record.
    #[serde(default = "default_ack_timeout", with = "humantime_serde")]
    pub ack_timeout: Duration,
}

impl NatsSinkConfig {
    /// The credentials and TLS files of the connection.
    pub fn auth(&self) -> NatsAuth<'_> {
        NatsAuth {
            credentials: self.credentials.as_deref(),
            tls_ca: self.tls_ca.as_deref(),
            tls_cert: self.tls_cert.as_deref(),
            tls_key: self.tls_key.as_deref(),
        }
    }
}

/// The credentials and TLS files of a NATS connection, as the sink and the
/// cluster each configure them (`credentials`, `tls_ca`, `tls_cert`,
/// `tls_key`).
#[derive(Debug, Clone, Copy, Default)]
pub struct NatsAuth<'a> {
    /// A `.creds` file.
    pub credentials: Option<&'a std::path::Path>,
    /// The CA of the server's certificate.
    pub tls_ca: Option<&'a std::path::Path>,
    /// A client certificate.
    pub tls_cert: Option<&'a std::path::Path>,
    /// The client certificate's key.
    pub tls_key: Option<&'a std::path::Path>,
}

impl NatsAuth<'_> {
    /// Adds a problem when only one of `tls_cert` and `tls_key` is set;
    /// `prefix` names the table (`sinks[0]`, `cluster`).
    pub(crate) fn validate(&self, prefix: &str, problems: &mut Vec<String>) {
        validate_client_certificate(prefix, self.tls_cert, self.tls_key, problems);
    }
}

/// Adds a problem when only one of a client certificate (`tls_cert`) and
/// its key (`tls_key`) is set; `prefix` names the table.
fn validate_client_certificate(
    prefix: &str,
    cert: Option<&std::path::Path>,
    key: Option<&std::path::Path>,
    problems: &mut Vec<String>,
) {
    if cert.is_some() != key.is_some() {
        problems.push(format!(
            "{prefix}.tls_cert and {prefix}.tls_key go together: set both or neither"
        ));
    }
}

fn default_subject() -> String {
    "newswire.articles".to_owned()
}

fn default_stream() -> String {
    "NEWSWIRE".to_owned()
}

fn default_true() -> bool {
    true
}

fn default_duplicate_window() -> Duration {
    Duration::from_secs(24 * 3600)
}

fn default_nats_connect_timeout() -> Duration {
    Duration::from_secs(10)
}

fn default_ack_timeout() -> Duration {
    Duration::from_secs(10)
}

/// A rotating NDJSON file sink.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSinkConfig {
    /// Output directory (created when missing).
    pub dir: PathBuf,
    /// File name prefix; files are `<prefix>-<UTC time>-<seq>.ndjson[.gz|.zst]`.
    #[serde(default = "default_prefix")]
    pub prefix: String,
    /// A file is closed and a new one started past this many bytes written.
    #[serde(default = "default_max_bytes")]
    pub max_bytes: u64,
    /// A file is closed and a new one started when it is this old.
    #[serde(default = "default_max_age", with = "humantime_serde")]
    pub max_age: Duration,
    /// Compression of finished files.
    #[serde(default)]
    pub compression: Compression,
}

fn default_prefix() -> String {
    "articles".to_owned()
}

fn default_max_bytes() -> u64 {
    128 * 1024 * 1024
}

fn default_max_age() -> Duration {
    Duration::from_secs(3600)
}

/// Compression of file sink output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// Plain NDJSON.
    #[default]
    None,
    /// gzip (`.ndjson.gz`).
    Gzip,
    /// zstd (`.ndjson.zst`).
    Zstd,
}

impl SinkConfig {
    /// Adds every problem with this sink to `problems`; `index` locates it.
    pub(crate) fn validate(&self, index: usize, problems: &mut Vec<String>) {
        if let SinkConfig::Nats(n) = self {
            if n.url.trim().is_empty() {
                problems.push(format!("sinks[{index}].url must name a NATS server"));
            }
            if n.subject.is_empty() || n.subject.contains([' ', '*', '>']) {
                problems.push(format!(
                    "sinks[{index}].subject must be a literal subject (no spaces or wildcards)"
                ));
            }
            if n.stream.is_empty() || n.stream.contains(['.', ' ', '*', '>']) {
                problems.push(format!(
                    "sinks[{index}].stream must be a stream name (no dots, spaces or wildcards)"
                ));
            }
            n.auth().validate(&format!("sinks[{index}]"), problems);
            if n.ack_timeout.is_zero() {
                problems.push(format!("sinks[{index}].ack_timeout must be greater than 0"));
            }
        }
        if let SinkConfig::Http(h) = self {
            if let Some(problem) = super::http_url_problem(&h.url) {
                problems.push(format!("sinks[{index}].url {problem}"));
            }
            if let Err(e) = crate::fetch::client::header_map(&h.headers) {
                problems.push(format!("sinks[{index}].headers: {e}"));
            }
            if h.max_request_bytes < 1024 {
                problems.push(format!(
                    "sinks[{index}].max_request_bytes must be at least 1024"
                ));
            }
            validate_client_certificate(
                &format!("sinks[{index}]"),
                h.tls_cert.as_deref(),
                h.tls_key.as_deref(),
                problems,
            );
            if h.timeout.is_zero() {
                problems.push(format!("sinks[{index}].timeout must be greater than 0"));
            }
            let bulk = h.encoding == HttpEncoding::Elasticsearch;
            match h.index.as_deref() {
                None | Some("") if bulk => problems.push(format!(
                    "sinks[{index}].index is required with encoding = \"elasticsearch\" (the index records are stored in)"
                )),
                Some(_) if !bulk => problems.push(format!(
                    "sinks[{index}].index is read only with encoding = \"elasticsearch\""
                )),
                _ => {}
            }
        }
        if let SinkConfig::File(f) = self {
            if f.dir.as_os_str().is_empty() {
                problems.push(format!("sinks[{index}].dir must not be empty"));
            }
            if f.max_bytes < 1024 {
                problems.push(format!("sinks[{index}].max_bytes must be at least 1024"));
            }
            if f.max_age.is_zero() {
                problems.push(format!("sinks[{index}].max_age must be greater than 0"));
            }
            if f.prefix.is_empty() || f.prefix.contains('/') {
                problems.push(format!(
                    "sinks[{index}].prefix must be a non-empty file name part"
                ));
            }
        }
    }
}

/// Where records that cannot be produced are kept, with the reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeadLetterConfig {
    /// NDJSON file appended to; unset = dead letters are only counted and logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
}
