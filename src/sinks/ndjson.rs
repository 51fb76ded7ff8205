//! NDJSON encoding: one record, one line, nothing else on the stream.

use std::io::{self, Write};

use crate::record::Article;

/// Why a record could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// The record could not be serialized (a bug: records are plain data).
    #[error("cannot serialize record {id}: {message}")]
    Encode {
        /// The record's id.
        id: String,
        /// serde_json's message.
        message: String,
    },
    /// The underlying writer failed (disk full, closed pipe).
    #[error("cannot write {target}: {error}")]
    Write {
        /// What was being written to.
        target: &'static str,
        /// The I/O error.
        error: io::Error,
    },
}

impl SinkError {
    /// True when the reader went away (`newswire extract … | head`): not a
    /// failure of newswire, just nobody left to read.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, SinkError::Write { error, .. } if error.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Writes records as NDJSON to `W`.
pub struct NdjsonWriter<W: Write> {
    out: W,
    target: &'static str,
    written: u64,
}

impl<W: Write> NdjsonWriter<W> {
    /// Wraps `out`; `target` names it in errors (`stdout`, a file name).
    pub fn new(out: W, target: &'static str) -> Self {
        NdjsonWriter {
            out,
            target,
            written: 0,
        }
    }

    /// Writes one record as one line.
    pub fn write(&mut self, record: &Article) -> Result<(), SinkError> {
        let line = serde_json::to_vec(record).map_err(|e| SinkError::Encode {
            id: record.id.clone(),
            message: e.to_string(),
        })?;
        self.out
            .write_all(&line)
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(|error| self.write_error(error))?;
        self.written += 1;
        Ok(())
    }

    /// Flushes buffered lines to the underlying writer.
    pub fn flush(&mut self) -> Result<(), SinkError> {
        self.out.flush().map_err(|error| self.write_error(error))
    }

    /// Records written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    fn write_error(&self, error: io::Error) -> SinkError {
        SinkError::Write {
            target: self.target,
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_record() {
        let mut w = NdjsonWriter::new(Vec::new(), "memory");
        let mut a = Article::new(chrono::Utc::now());
        a.text = "line one\n\nline two".into();
        w.write(&a).unwrap();
        w.write(&a).unwrap();
        w.flush().unwrap();
        assert_eq!(w.written(), 2);
        let out = String::from_utf8(w.out).unwrap();
        assert_eq!(out.lines().count(), 2);
        assert!(out.ends_with('\n'));
    }

    #[test]
    fn broken_pipe_is_recognized() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut w = NdjsonWriter::new(Closed, "stdout");
        let err = w.write(&Article::new(chrono::Utc::now())).unwrap_err();
        assert!(err.is_broken_pipe());
        assert!(err.to_string().starts_with("cannot write stdout"));
    }
}
