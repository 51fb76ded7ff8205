//! Sinks: where finished records go.
//!
//! - [`ndjson`]: one JSON object per line to any writer (stdout).
//! - [`file`](mod@file): rotating, optionally compressed NDJSON files, fsync'd per
//!   flush, written under a `.part` name and renamed when complete.
//! - [`nats`]: NATS JetStream, one message per record, deduplicated by id.
//! - [`http`]: batches of records POSTed to an HTTP endpoint.
//! - [`archive`]: the fetched pages as WARC records, for `[archive]`
//!   (written by a [`FileSink`] opened with [`FileSink::open_archive`]).

pub mod archive;
pub mod file;
pub mod http;
pub mod nats;
pub mod ndjson;

pub use archive::ArchivedPage;
pub use file::{FileSink, FileSinkError};
pub use http::{HttpSink, HttpSinkError};
pub use nats::{NatsSink, NatsSinkError};
pub use ndjson::{NdjsonWriter, SinkError};
