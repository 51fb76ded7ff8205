//! Sinks: where finished records go.
//!
//! - [`ndjson`]: one JSON object per line to any writer (stdout today; the
//!   file sink and JetStream build on it).

pub mod ndjson;

pub use ndjson::{NdjsonWriter, SinkError};
