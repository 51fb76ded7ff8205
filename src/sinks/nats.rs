//! The NATS JetStream sink: each record is published to a subject stored by
//! a stream, with `Nats-Msg-Id` set to the record id.
//!
//! A record counts as durably accepted once the stream acknowledges it, so
//! [`NatsSink::flush`] waits for every outstanding acknowledgement; only then
//! does the worker mark the articles delivered. A record re-published after a
//! crash carries the same `Nats-Msg-Id` and the server drops it within the
//! stream's duplicate window: consumers see each article once.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_nats::jetstream::{self, context::PublishAckFuture, stream};

use crate::config::{NatsAuth, NatsSinkConfig};
use crate::record::Article;

/// Why the NATS sink failed; every variant names the server and subject.
#[derive(Debug, thiserror::Error)]
pub enum NatsSinkError {
    /// The server could not be reached, or the credentials not read.
    #[error("nats sink {url}: {source}")]
    Connect {
        /// The server.
        url: String,
        /// What failed.
        #[source]
        source: ClientError,
    },
    /// The stream is missing (and not to be created) or cannot be created.
    #[error("nats sink {url}: stream {stream}: {message}")]
    Stream {
        /// The server.
        url: String,
        /// The stream.
        stream: String,
        /// What went wrong.
        message: String,
    },
    /// A record is larger than the server or the stream takes. The
    /// worker checks [`NatsSink::max_record_bytes`] before publishing, so
    /// this only guards direct users of the sink.
    #[error(
        "nats sink {url}: a record of {bytes} bytes is over the {limit}-byte limit of {subject} (headers aside)"
    )]
    TooLarge {
        /// The server.
        url: String,
        /// The subject.
        subject: String,
        /// The record's size.
        bytes: usize,
        /// The largest record the server and stream take.
        limit: usize,
    },
    /// A record could not be published or was not acknowledged.
    #[error("nats sink {url}: publishing to {subject}: {message}")]
    Publish {
        /// The server.
        url: String,
        /// The subject.
        subject: String,
        /// What went wrong.
        message: String,
    },
}

/// A connected JetStream publisher.
pub struct NatsSink {
    url: String,
    subject: String,
    context: jetstream::Context,
    ack_timeout: Duration,
    /// The largest record that can be published (see [`NatsSink::max_record_bytes`]).
    max_record_bytes: usize,
    /// What sets that limit, for messages (`server max_payload 1048576`).
    limited_by: String,
    /// Acknowledgements not yet awaited, oldest first.
    pending: Vec<PublishAckFuture>,
}

impl std::fmt::Debug for NatsSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NatsSink")
            .field("url", &self.url)
            .field("subject", &self.subject)
            .field("pending", &self.pending.len())
            .finish()
    }
}

/// Names the sink in messages: `nats sink nats://host:4222 subject news`.
impl std::fmt::Display for NatsSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "nats sink {} subject {}", self.url, self.subject)
    }
}

impl NatsSink {
    /// Connects, and checks (or creates) the stream, so that a wrong server
    /// or stream is a startup error rather than a failed first flush.
    pub async fn connect(cfg: &NatsSinkConfig) -> Result<NatsSink, NatsSinkError> {
        let url = cfg.url.clone();
        let client = connect_client(&url, cfg.auth(), cfg.connect_timeout)
            .await
            .map_err(|source| NatsSinkError::Connect {
                url: url.clone(),
                source,
            })?;
        let max_payload = client.server_info().max_payload;
        let mut context = jetstream::new(client);
        context.set_timeout(cfg.ack_timeout);
        let stream_err = |message: String| NatsSinkError::Stream {
            url: url.clone(),
            stream: cfg.stream.clone(),
            message,
        };
        let stream = if cfg.create_stream {
            context
                .get_or_create_stream(stream::Config {
                    name: cfg.stream.clone(),
                    subjects: vec![cfg.subject.clone()],
                    storage: stream::StorageType::File,
                    duplicate_window: cfg.duplicate_window,
                    ..Default::default()
                })
                .await
                .map_err(|e| stream_err(e.to_string()))?
        } else {
            context
                .get_stream(&cfg.stream)
                .await
                .map_err(|e| stream_err(format!("{e} (create it, or set create_stream = true)")))?
        };
        let stream_limit = usize::try_from(stream.cached_info().config.max_message_size)
            .ok()
            .filter(|&n| n > 0);
        Ok(NatsSink {
            url,
            subject: cfg.subject.clone(),
            context,
            ack_timeout: cfg.ack_timeout,
            max_record_bytes: record_limit(max_payload, stream_limit),
            limited_by: match stream_limit {
                Some(n) if n < max_payload => format!("stream {} max_msg_size {n}", cfg.stream),
                _ => format!("server max_payload {max_payload}"),
            },
            pending: Vec::new(),
        })
    }

    /// The largest record, in bytes of JSON, that the server
    /// (`max_payload`, 1 MiB unless configured) and the stream
    /// (`max_msg_size`) accept, less room for the headers. A larger one
    /// would fail on every attempt: the worker dead-letters it instead.
    pub fn max_record_bytes(&self) -> usize {
        self.max_record_bytes
    }

    /// What sets [`NatsSink::max_record_bytes`], to name in a message: the
    /// server's `max_payload` or the stream's `max_msg_size`, with its value.
    pub fn limited_by(&self) -> &str {
        &self.limited_by
    }

    /// Publishes one record; its acknowledgement is awaited by `flush`.
    pub async fn write(&mut self, record: &Article) -> Result<(), NatsSinkError> {
        let payload = serde_json::to_vec(record).map_err(|e| self.publish_err(e.to_string()))?;
        self.publish(&record.id, payload).await
    }

    /// Publishes a record already serialized (`payload`, the JSON of the
    /// record whose id is `id`); its acknowledgement is awaited by `flush`.
    pub async fn publish(&mut self, id: &str, payload: Vec<u8>) -> Result<(), NatsSinkError> {
        if payload.len() > self.max_record_bytes {
            return Err(NatsSinkError::TooLarge {
                url: self.url.clone(),
                subject: self.subject.clone(),
                bytes: payload.len(),
                limit: self.max_record_bytes,
            });
        }
        let mut headers = async_nats::HeaderMap::new();
        headers.insert("Nats-Msg-Id", id);
        let ack = self
            .context
            .publish_with_headers(self.subject.clone(), headers, payload.into())
            .await
            .map_err(|e| self.publish_err(e.to_string()))?;
        self.pending.push(ack);
        Ok(())
    }

    /// Waits until the stream has stored every record published so far.
    pub async fn flush(&mut self) -> Result<(), NatsSinkError> {
        for ack in std::mem::take(&mut self.pending) {
            match tokio::time::timeout(self.ack_timeout, ack.into_future()).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return Err(self.publish_err(e.to_string())),
                Err(_) => {
                    return Err(self
                        .publish_err(format!("no acknowledgement within {:?}", self.ack_timeout)));
                }
            }
        }
        Ok(())
    }

    fn publish_err(&self, message: String) -> NatsSinkError {
        NatsSinkError::Publish {
            url: self.url.clone(),
            subject: self.subject.clone(),
            message,
        }
    }
}

/// Why a connection to a NATS server could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The credentials file could not be read.
    #[error("cannot read credentials {path}: {source}")]
    Credentials {
        /// The credentials file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A TLS file (`tls_ca`, `tls_cert`, `tls_key`) could not be read.
    #[error("cannot read {key} {path}: {source}")]
    TlsFile {
        /// The setting that names the file.
        key: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The server could not be reached or refused the client.
    #[error("cannot connect: {0}")]
    Connect(#[from] async_nats::ConnectError),
}

/// Connects to `url` (several servers: comma-separated) as newswire, with
/// the `.creds` file and TLS files of `auth`: the one way the sink and the
/// cluster membership each open their connection. A CA or a client
/// certificate makes TLS required, so a misconfigured server fails the
/// start instead of carrying records in the clear.
pub async fn connect_client(
    url: &str,
    auth: NatsAuth<'_>,
    timeout: Duration,
) -> Result<async_nats::Client, ClientError> {
    let mut options = async_nats::ConnectOptions::new()
        .name(concat!("newswire/", env!("CARGO_PKG_VERSION")))
        .connection_timeout(timeout);
    if let Some(path) = auth.credentials {
        options =
            options
                .credentials_file(path)
                .await
                .map_err(|source| ClientError::Credentials {
                    path: path.to_path_buf(),
                    source,
                })?;
    }
    // async-nats reads the files at connect time and names no file when one
    // is missing: check them here.
    let readable = |key: &'static str, path: &Path| {
        std::fs::File::open(path)
            .map(drop)
            .map_err(|source| ClientError::TlsFile {
                key,
                path: path.to_path_buf(),
                source,
            })
    };
    if let Some(ca) = auth.tls_ca {
        readable("tls_ca", ca)?;
        options = options
            .add_root_certificates(ca.to_path_buf())
            .require_tls(true);
    }
    if let (Some(cert), Some(key)) = (auth.tls_cert, auth.tls_key) {
        readable("tls_cert", cert)?;
        readable("tls_key", key)?;
        options = options
            .add_client_certificate(cert.to_path_buf(), key.to_path_buf())
            .require_tls(true);
    }
    Ok(options.connect(url).await?)
}

/// Room left for the headers (`Nats-Msg-Id` and the protocol's own) within
/// a message's size limit.
const HEADER_ROOM: usize = 512;

/// The largest record that fits both the server's `max_payload` and the
/// stream's `max_msg_size` (when it sets one), headers aside.
fn record_limit(max_payload: usize, stream_limit: Option<usize>) -> usize {
    stream_limit
        .map_or(max_payload, |s| s.min(max_payload))
        .saturating_sub(HEADER_ROOM)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_limit_is_the_smaller_of_server_and_stream_less_headers() {
        assert_eq!(record_limit(1 << 20, None), (1 << 20) - HEADER_ROOM);
        assert_eq!(record_limit(1 << 20, Some(65_536)), 65_536 - HEADER_ROOM);
        assert_eq!(record_limit(65_536, Some(1 << 20)), 65_536 - HEADER_ROOM);
        assert_eq!(record_limit(100, None), 0);
    }
}
