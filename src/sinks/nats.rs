//! The NATS JetStream sink: each record is published to a subject stored by
//! a stream, with `Nats-Msg-Id` set to the record id.
//!
//! A record counts as durably accepted once the stream acknowledges it, so
//! [`NatsSink::flush`] waits for every outstanding acknowledgement; only then
//! does the worker mark the articles delivered. A record re-published after a
//! crash carries the same `Nats-Msg-Id` and the server drops it within the
//! stream's duplicate window: consumers see each article once.

use std::path::PathBuf;
use std::time::Duration;

use async_nats::jetstream::{self, context::PublishAckFuture, stream};

use crate::config::NatsSinkConfig;
use crate::record::Article;

/// Why the NATS sink failed; every variant names the server and subject.
#[derive(Debug, thiserror::Error)]
pub enum NatsSinkError {
    /// The credentials file could not be read.
    #[error("nats sink {url}: cannot read credentials {path}: {source}")]
    Credentials {
        /// The server.
        url: String,
        /// The credentials file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The server could not be reached.
    #[error("nats sink {url}: cannot connect: {source}")]
    Connect {
        /// The server.
        url: String,
        /// The client's error.
        #[source]
        source: async_nats::ConnectError,
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

impl NatsSink {
    /// Connects, and checks (or creates) the stream, so that a wrong server
    /// or stream is a startup error rather than a failed first flush.
    pub async fn connect(cfg: &NatsSinkConfig) -> Result<NatsSink, NatsSinkError> {
        let url = cfg.url.clone();
        let mut options = async_nats::ConnectOptions::new()
            .name(concat!("newswire/", env!("CARGO_PKG_VERSION")))
            .connection_timeout(cfg.connect_timeout);
        if let Some(path) = &cfg.credentials {
            options = options.credentials_file(path).await.map_err(|source| {
                NatsSinkError::Credentials {
                    url: url.clone(),
                    path: path.clone(),
                    source,
                }
            })?;
        }
        let client =
            options
                .connect(url.as_str())
                .await
                .map_err(|source| NatsSinkError::Connect {
                    url: url.clone(),
                    source,
                })?;
        let mut context = jetstream::new(client);
        context.set_timeout(cfg.ack_timeout);
        let stream_err = |message: String| NatsSinkError::Stream {
            url: url.clone(),
            stream: cfg.stream.clone(),
            message,
        };
        if cfg.create_stream {
            context
                .get_or_create_stream(stream::Config {
                    name: cfg.stream.clone(),
                    subjects: vec![cfg.subject.clone()],
                    storage: stream::StorageType::File,
                    duplicate_window: cfg.duplicate_window,
                    ..Default::default()
                })
                .await
                .map_err(|e| stream_err(e.to_string()))?;
        } else {
            context
                .get_stream(&cfg.stream)
                .await
                .map_err(|e| stream_err(format!("{e} (create it, or set create_stream = true)")))?;
        }
        Ok(NatsSink {
            url,
            subject: cfg.subject.clone(),
            context,
            ack_timeout: cfg.ack_timeout,
            pending: Vec::new(),
        })
    }

    /// Publishes one record; its acknowledgement is awaited by `flush`.
    pub async fn write(&mut self, record: &Article) -> Result<(), NatsSinkError> {
        let payload = serde_json::to_vec(record).map_err(|e| self.publish_err(e.to_string()))?;
        let mut headers = async_nats::HeaderMap::new();
        headers.insert("Nats-Msg-Id", record.id.as_str());
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
