//! Record outputs: the configured sinks, the dead letter, and the page
//! archive.
//!
//! Writes are buffered; [`Output::flush`] makes every sink durable, and only
//! after it returns may the caller mark the flushed articles done.

use std::fs::{File, OpenOptions};
use std::io::{self, Stdout, Write};
use std::path::PathBuf;

use chrono::Utc;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, SinkConfig};
use crate::record::Article;
use crate::sinks::{
    ArchivedPage, FileSink, FileSinkError, HttpSink, HttpSinkError, NatsSink, NatsSinkError,
    NdjsonWriter, SinkError,
};
use crate::state::ArticleJob;

/// Why an output failed.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// stdout failed.
    #[error(transparent)]
    Stdout(#[from] SinkError),
    /// A file sink failed.
    #[error(transparent)]
    File(#[from] FileSinkError),
    /// The NATS sink failed.
    #[error(transparent)]
    Nats(#[from] NatsSinkError),
    /// An HTTP sink failed.
    #[error(transparent)]
    Http(#[from] HttpSinkError),
    /// The record is larger than a sink takes. It could never be
    /// written, so the article goes to the dead letter instead of failing
    /// the run; no sink has it.
    #[error("the record is {bytes} bytes, over the {limit}-byte limit of {sink}")]
    TooLarge {
        /// The record's size (JSON).
        bytes: usize,
        /// The smallest limit among the sinks.
        limit: usize,
        /// The sink that sets it.
        sink: String,
    },
    /// The dead-letter file failed.
    #[error("dead letter {path}: {source}")]
    DeadLetter {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

enum Sink {
    Stdout(NdjsonWriter<Stdout>),
    File(FileSink),
    Nats(Box<NatsSink>),
    Http(Box<HttpSink>),
}

/// All outputs of the worker.
pub struct Output {
    sinks: Vec<Sink>,
    /// The smallest record size limit among the sinks, and the sink.
    limit: Option<(usize, String)>,
    dead_letter: Option<(PathBuf, File)>,
    /// The page archive (`[archive]`), when on.
    archive: Option<FileSink>,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("sinks", &self.sinks.len())
            .finish()
    }
}

impl Output {
    /// Opens every configured sink (finishing files left by a crash).
    /// `abandon` fires when the worker gives up its drain: sinks then stop
    /// retrying a failing endpoint.
    pub async fn open(config: &Config, abandon: &CancellationToken) -> Result<Output, OutputError> {
        let mut sinks = Vec::new();
        for sink in &config.sinks {
            match sink {
                SinkConfig::Stdout => {
                    sinks.push(Sink::Stdout(NdjsonWriter::new(io::stdout(), "stdout")))
                }
                SinkConfig::File(cfg) => {
                    let (file, recovered) = FileSink::open(cfg)?;
                    for path in recovered {
                        tracing::warn!(file = %path.display(), "finished an output file left by an interrupted run");
                    }
                    sinks.push(Sink::File(file));
                }
                SinkConfig::Nats(cfg) => {
                    sinks.push(Sink::Nats(Box::new(NatsSink::connect(cfg).await?)));
                }
                SinkConfig::Http(cfg) => {
                    sinks.push(Sink::Http(Box::new(HttpSink::new(cfg, abandon.clone())?)));
                }
            }
        }
        let dead_letter = match &config.dead_letter.path {
            None => None,
            Some(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|source| OutputError::DeadLetter {
                        path: path.clone(),
                        source,
                    })?;
                }
                let file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|source| OutputError::DeadLetter {
                        path: path.clone(),
                        source,
                    })?;
                Some((path.clone(), file))
            }
        };
        let limit = sinks
            .iter()
            .filter_map(|sink| match sink {
                Sink::Nats(n) => Some((
                    n.max_record_bytes(),
                    format!("{n} ({}, less room for headers)", n.limited_by()),
                )),
                Sink::Http(h) => Some((h.max_record_bytes(), format!("{h} (max_request_bytes)"))),
                Sink::Stdout(_) | Sink::File(_) => None,
            })
            .min_by_key(|(limit, _)| *limit);
        let archive = match config.archive.files() {
            None => None,
            Some(cfg) => {
                let (archive, recovered) = FileSink::open_archive(&cfg)?;
                for path in recovered {
                    tracing::warn!(file = %path.display(), "finished an archive file left by an interrupted run");
                }
                Some(archive)
            }
        };
        Ok(Output {
            sinks,
            limit,
            dead_letter,
            archive,
        })
    }

    /// Buffers one record in every sink; one that some sink cannot take
    /// goes to none ([`OutputError::TooLarge`]).
    pub async fn write(&mut self, record: &Article) -> Result<(), OutputError> {
        // The NATS and HTTP sinks' JSON (there is a limit only with them), serialized
        // once and checked before any sink writes. Should it not serialize,
        // each sink's own `write` reports why.
        let json = self
            .limit
            .as_ref()
            .and_then(|_| serde_json::to_vec(record).ok());
        if let (Some((limit, sink)), Some(json)) = (&self.limit, &json)
            && json.len() > *limit
        {
            return Err(OutputError::TooLarge {
                bytes: json.len(),
                limit: *limit,
                sink: sink.clone(),
            });
        }
        for sink in &mut self.sinks {
            match sink {
                Sink::Stdout(w) => w.write(record)?,
                Sink::File(f) => f.write(record)?,
                Sink::Nats(n) => match &json {
                    Some(json) => n.publish(&record.id, json.clone()).await?,
                    None => n.write(record).await?,
                },
                Sink::Http(h) => match &json {
                    Some(json) => h.push(&record.id, json.clone()),
                    None => h.write(record)?,
                },
            }
        }
        Ok(())
    }

    /// Buffers a fetched page in the archive, when there is one; it is
    /// durable after the next [`Output::flush`], with the records.
    pub fn archive(&mut self, page: &ArchivedPage) -> Result<(), OutputError> {
        if let Some(archive) = &mut self.archive {
            let bytes = archive.write_page(page)?;
            crate::ops::metrics::count(crate::ops::metrics::ARCHIVED_PAGES);
            crate::ops::metrics::counter_add(crate::ops::metrics::ARCHIVED_BYTES, bytes as u64);
        }
        Ok(())
    }

    /// Appends a dead letter (durably) and logs it.
    pub fn dead_letter(&mut self, job: &ArticleJob, reason: &str) -> Result<(), OutputError> {
        tracing::warn!(url = %job.url, feed = %job.feed.url, "article dead-lettered: {reason}");
        if let Some((path, file)) = &mut self.dead_letter {
            let line = json!({
                "id": job.id,
                "url": job.url,
                "feed": job.feed,
                "reason": reason,
                "at": Utc::now(),
            });
            let mut bytes = line.to_string().into_bytes();
            bytes.push(b'\n');
            file.write_all(&bytes)
                .and_then(|()| file.sync_data())
                .map_err(|source| OutputError::DeadLetter {
                    path: path.clone(),
                    source,
                })?;
        }
        Ok(())
    }

    /// Makes everything written so far durable in every sink.
    pub async fn flush(&mut self) -> Result<(), OutputError> {
        for sink in &mut self.sinks {
            match sink {
                Sink::Stdout(w) => w.flush()?,
                Sink::File(f) => f.flush()?,
                Sink::Nats(n) => n.flush().await?,
                Sink::Http(h) => h.flush().await?,
            }
        }
        if let Some(archive) = &mut self.archive {
            archive.flush()?;
        }
        Ok(())
    }

    /// Flushes and completes every sink (shutdown).
    pub async fn close(&mut self) -> Result<(), OutputError> {
        for sink in &mut self.sinks {
            match sink {
                Sink::Stdout(w) => w.flush()?,
                Sink::File(f) => f.close()?,
                Sink::Nats(n) => n.flush().await?,
                Sink::Http(h) => h.flush().await?,
            }
        }
        if let Some(archive) = &mut self.archive {
            archive.close()?;
        }
        Ok(())
    }
}
