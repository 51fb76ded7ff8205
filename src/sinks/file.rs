//! The file sink: NDJSON files in a directory, rotated, optionally compressed.
//!
//! A file is written as `<name>.part` and renamed to `<name>` when it is
//! complete (rotation by size or age, or shutdown), so readers that pick up
//! finished files never see a half-written one. Records are buffered between
//! [`FileSink::flush`] calls; a flush appends them as one block (one gzip
//! member or zstd frame when compressed; both formats allow concatenation)
//! and fsyncs the file. Only then may the worker count those records as
//! delivered.
//!
//! After a crash, [`FileSink::open`] finishes the `.part` files it finds: it
//! keeps every complete line of every complete block (all that was flushed)
//! and drops the torn tail, whose records were never marked delivered and are
//! written again.
//!
//! The page archive ([`FileSink::open_archive`]) is the same machinery with
//! WARC files: a page is a gzip member of its own (see
//! [`archive`](super::archive)), and recovery keeps the complete members.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;

use super::archive::{ArchivedPage, warc_member};
use crate::config::{Compression, FileSinkConfig};
use crate::record::Article;

/// Suffix of files still being written.
const PART: &str = ".part";

/// Extension of the page archive's files.
const WARC_GZ: &str = ".warc.gz";

/// What a sink's files hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Records, one JSON object per line.
    Records,
    /// Pages, one gzip-compressed WARC record each.
    Warc,
}

/// Why the file sink failed.
#[derive(Debug, thiserror::Error)]
pub enum FileSinkError {
    /// A file-system operation failed (disk full, permissions, …).
    #[error("file sink: cannot {op} {path}: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// A record could not be serialized.
    #[error("file sink: cannot serialize record {id}: {message}")]
    Encode {
        /// The record's id.
        id: String,
        /// serde_json's message.
        message: String,
    },
}

/// One open output file.
#[derive(Debug)]
struct OpenFile {
    part: PathBuf,
    done: PathBuf,
    file: File,
    opened: Instant,
    bytes: u64,
}

/// A rotating NDJSON file sink.
#[derive(Debug)]
pub struct FileSink {
    config: FileSinkConfig,
    format: Format,
    current: Option<OpenFile>,
    /// Lines written since the last flush.
    buffer: Vec<u8>,
    seq: u64,
}

impl FileSink {
    /// Opens the sink: creates the directory and finishes `.part` files
    /// left by a crash. Returns the sink and the files it recovered.
    pub fn open(config: &FileSinkConfig) -> Result<(FileSink, Vec<PathBuf>), FileSinkError> {
        Self::open_as(config, Format::Records)
    }

    /// Opens the page archive in `config.dir` (its `compression` is not
    /// used: every page is a gzip member), finishing files left by a crash.
    pub fn open_archive(
        config: &FileSinkConfig,
    ) -> Result<(FileSink, Vec<PathBuf>), FileSinkError> {
        Self::open_as(config, Format::Warc)
    }

    fn open_as(
        config: &FileSinkConfig,
        format: Format,
    ) -> Result<(FileSink, Vec<PathBuf>), FileSinkError> {
        fs::create_dir_all(&config.dir).map_err(io_err("create directory", &config.dir))?;
        let recovered = recover_parts(config, format)?;
        Ok((
            FileSink {
                config: config.clone(),
                format,
                current: None,
                buffer: Vec::new(),
                seq: 0,
            },
            recovered,
        ))
    }

    /// Buffers one record; it is on disk after the next [`FileSink::flush`].
    pub fn write(&mut self, record: &Article) -> Result<(), FileSinkError> {
        serde_json::to_writer(&mut self.buffer, record).map_err(|e| FileSinkError::Encode {
            id: record.id.clone(),
            message: e.to_string(),
        })?;
        self.buffer.push(b'\n');
        Ok(())
    }

    /// Buffers one page of the archive; it is on disk after the next
    /// [`FileSink::flush`]. Returns its size in the file (compressed).
    pub fn write_page(&mut self, page: &ArchivedPage) -> Result<usize, FileSinkError> {
        let member = warc_member(page).map_err(io_err("compress a page for", &self.config.dir))?;
        self.buffer.extend_from_slice(&member);
        Ok(member.len())
    }

    /// Writes the buffered records durably (fsync), then rotates the file
    /// when it is past `max_bytes` or `max_age`.
    pub fn flush(&mut self) -> Result<(), FileSinkError> {
        if !self.buffer.is_empty() {
            let block = match self.format {
                Format::Records => encode_block(&self.buffer, self.config.compression)
                    .map_err(io_err("compress a block for", &self.config.dir))?,
                Format::Warc => std::mem::take(&mut self.buffer),
            };
            let file = self.current_file()?;
            file.file
                .write_all(&block)
                .map_err(io_err("write", &file.part))?;
            file.file.sync_data().map_err(io_err("fsync", &file.part))?;
            file.bytes += block.len() as u64;
            self.buffer.clear();
        }
        let due = self.current.as_ref().is_some_and(|f| {
            f.bytes >= self.config.max_bytes || f.opened.elapsed() >= self.config.max_age
        });
        if due {
            self.finish_current()?;
        }
        Ok(())
    }

    /// Flushes and completes the current file (on shutdown).
    pub fn close(&mut self) -> Result<(), FileSinkError> {
        self.flush()?;
        self.finish_current()
    }

    /// Time until the open file must rotate by age, if one is open.
    pub fn rotation_due_in(&self) -> Option<Duration> {
        self.current
            .as_ref()
            .map(|f| self.config.max_age.saturating_sub(f.opened.elapsed()))
    }

    fn current_file(&mut self) -> Result<&mut OpenFile, FileSinkError> {
        if self.current.is_none() {
            self.seq += 1;
            let extension = match self.format {
                Format::Records => format!(".ndjson{}", extension(self.config.compression)),
                Format::Warc => WARC_GZ.to_owned(),
            };
            let name = format!(
                "{}-{}-{:04}{extension}",
                self.config.prefix,
                Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
                self.seq,
            );
            let done = self.config.dir.join(&name);
            let part = self.config.dir.join(format!("{name}{PART}"));
            let file = OpenOptions::new()
                .create_new(true)
                .append(true)
                .open(&part)
                .map_err(io_err("create", &part))?;
            self.current = Some(OpenFile {
                part,
                done,
                file,
                opened: Instant::now(),
                bytes: 0,
            });
        }
        // Set just above; the branch cannot be taken.
        self.current.as_mut().ok_or_else(|| FileSinkError::Io {
            op: "open",
            path: self.config.dir.clone(),
            source: io::Error::other("no open file"),
        })
    }

    fn finish_current(&mut self) -> Result<(), FileSinkError> {
        if let Some(f) = self.current.take() {
            f.file.sync_all().map_err(io_err("fsync", &f.part))?;
            fs::rename(&f.part, &f.done).map_err(io_err("rename", &f.part))?;
            sync_dir(&self.config.dir)?;
        }
        Ok(())
    }
}

/// The file name extension for a compression.
fn extension(c: Compression) -> &'static str {
    match c {
        Compression::None => "",
        Compression::Gzip => ".gz",
        Compression::Zstd => ".zst",
    }
}

/// One flush's lines as a self-contained block.
fn encode_block(lines: &[u8], c: Compression) -> io::Result<Vec<u8>> {
    match c {
        Compression::None => Ok(lines.to_vec()),
        Compression::Gzip => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(lines)?;
            enc.finish()
        }
        Compression::Zstd => zstd::encode_all(lines, 3),
    }
}

/// Finishes `.part` files of this sink left by a crash: keeps the complete
/// lines of the complete blocks (the complete pages of an archive) and
/// renames the result.
fn recover_parts(config: &FileSinkConfig, format: Format) -> Result<Vec<PathBuf>, FileSinkError> {
    let dir = &config.dir;
    let mut recovered = Vec::new();
    let entries = fs::read_dir(dir).map_err(io_err("list", dir))?;
    for entry in entries {
        let path = entry.map_err(io_err("list", dir))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(done_name) = name.strip_suffix(PART) else {
            continue;
        };
        // Records and pages may share a directory and a prefix: each sink
        // finishes only its own kind of file.
        if !done_name.starts_with(&format!("{}-", config.prefix))
            || done_name.ends_with(WARC_GZ) != (format == Format::Warc)
        {
            continue;
        }
        let compression = if done_name.ends_with(".gz") {
            Compression::Gzip
        } else if done_name.ends_with(".zst") {
            Compression::Zstd
        } else {
            Compression::None
        };
        let raw = fs::read(&path).map_err(io_err("read", &path))?;
        let done = dir.join(done_name);
        let block = match format {
            Format::Records => {
                let lines = complete_lines(&raw, compression);
                if lines.is_empty() {
                    Vec::new()
                } else {
                    encode_block(&lines, compression).map_err(io_err("compress", &path))?
                }
            }
            Format::Warc => complete_members(&raw).to_vec(),
        };
        if block.is_empty() {
            fs::remove_file(&path).map_err(io_err("remove", &path))?;
            continue;
        }
        let tmp = dir.join(format!("{done_name}.recover"));
        fs::write(&tmp, &block).map_err(io_err("write", &tmp))?;
        File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(io_err("fsync", &tmp))?;
        fs::rename(&tmp, &done).map_err(io_err("rename", &tmp))?;
        fs::remove_file(&path).map_err(io_err("remove", &path))?;
        recovered.push(done);
    }
    if !recovered.is_empty() {
        sync_dir(dir)?;
    }
    Ok(recovered)
}

/// The decodable prefix of a possibly torn file, cut after its last newline.
fn complete_lines(raw: &[u8], c: Compression) -> Vec<u8> {
    let mut out = Vec::new();
    // A torn last block makes the decoder fail; what it produced before that
    // stays in `out` (std's `read_to_end` contract).
    let _ = match c {
        Compression::None => {
            out.extend_from_slice(raw);
            Ok(0)
        }
        Compression::Gzip => flate2::read::MultiGzDecoder::new(raw).read_to_end(&mut out),
        Compression::Zstd => match zstd::stream::read::Decoder::new(raw) {
            Ok(mut d) => d.read_to_end(&mut out),
            Err(e) => Err(e),
        },
    };
    let keep = out.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    out.truncate(keep);
    out
}

/// The complete gzip members at the start of a possibly torn file.
fn complete_members(raw: &[u8]) -> &[u8] {
    let mut rest = raw;
    while !rest.is_empty() {
        let mut member = flate2::bufread::GzDecoder::new(rest);
        if io::copy(&mut member, &mut io::sink()).is_err() {
            break;
        }
        let after = member.into_inner();
        if after.len() == rest.len() {
            break;
        }
        rest = after;
    }
    &raw[..raw.len() - rest.len()]
}

/// fsyncs a directory so that a rename in it is durable.
fn sync_dir(dir: &Path) -> Result<(), FileSinkError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err("fsync directory", dir))
}

fn io_err<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> FileSinkError + 'a {
    move |source| FileSinkError::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dir: &Path, c: Compression, max_bytes: u64) -> FileSinkConfig {
        FileSinkConfig {
            dir: dir.to_path_buf(),
            prefix: "articles".into(),
            max_bytes,
            max_age: Duration::from_secs(3600),
            compression: c,
        }
    }

    fn record(id: &str) -> Article {
        let mut a = Article::new(Utc::now());
        a.id = id.into();
        a
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }

    fn read_ids(path: &Path, c: Compression) -> Vec<String> {
        let raw = fs::read(path).unwrap();
        let text = complete_lines(&raw, c);
        String::from_utf8(text)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn files_rotate_by_size_and_complete_files_lose_the_part_suffix() {
        for c in [Compression::None, Compression::Gzip, Compression::Zstd] {
            let dir = tempfile::tempdir().unwrap();
            let (mut sink, _) = FileSink::open(&config(dir.path(), c, 1024)).unwrap();
            for i in 0..6 {
                sink.write(&record(&format!("id{i}"))).unwrap();
                sink.flush().unwrap(); // each record is >1 KiB: one file each
            }
            sink.write(&record("last")).unwrap();
            sink.close().unwrap();
            let names = files(dir.path());
            assert!(names.iter().all(|n| !n.ends_with(PART)), "{names:?}");
            let mut ids = Vec::new();
            for n in &names {
                ids.extend(read_ids(&dir.path().join(n), c));
            }
            assert_eq!(
                ids,
                ["id0", "id1", "id2", "id3", "id4", "id5", "last"],
                "{c:?}"
            );
        }
    }

    #[test]
    fn torn_part_file_is_recovered_with_every_flushed_record() {
        for c in [Compression::None, Compression::Gzip, Compression::Zstd] {
            let dir = tempfile::tempdir().unwrap();
            let cfg = config(dir.path(), c, 1 << 30);
            let part = {
                let (mut sink, _) = FileSink::open(&cfg).unwrap();
                sink.write(&record("a")).unwrap();
                sink.write(&record("b")).unwrap();
                sink.flush().unwrap();
                let part = sink.current.as_ref().unwrap().part.clone();
                std::mem::forget(sink); // a crash: nothing is finished
                part
            };
            // A torn, unflushed tail after the durable block.
            let mut f = OpenOptions::new().append(true).open(&part).unwrap();
            let tail = match c {
                Compression::None => b"{\"id\":\"c".to_vec(),
                _ => {
                    let block = encode_block(b"{\"id\":\"c\"}\n", c).unwrap();
                    block[..block.len() / 2].to_vec()
                }
            };
            f.write_all(&tail).unwrap();
            let (_sink, recovered) = FileSink::open(&cfg).unwrap();
            assert_eq!(recovered.len(), 1, "{c:?}");
            assert_eq!(read_ids(&recovered[0], c), ["a", "b"], "{c:?}");
            assert!(files(dir.path()).iter().all(|n| !n.ends_with(PART)));
        }
    }

    #[test]
    fn a_torn_archive_keeps_its_complete_pages_and_records_files_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        // Records and pages in one directory, under one prefix.
        let cfg = config(dir.path(), Compression::Gzip, 1 << 30);
        let page = |url: &str| ArchivedPage {
            url: url.to_owned(),
            fetched_at: Utc::now(),
            status: 200,
            headers: vec![("content-type".to_owned(), "text/html".to_owned())],
            body: b"<p>Text.</p>".to_vec(),
        };
        let (mut records, _) = FileSink::open(&cfg).unwrap();
        records.write(&record("r")).unwrap();
        records.flush().unwrap();
        let part = {
            let (mut archive, _) = FileSink::open_archive(&cfg).unwrap();
            archive.write_page(&page("https://news.example/a")).unwrap();
            archive.write_page(&page("https://news.example/b")).unwrap();
            archive.flush().unwrap();
            let part = archive.current.as_ref().unwrap().part.clone();
            std::mem::forget(archive); // a crash
            part
        };
        assert!(
            part.to_string_lossy().ends_with(".warc.gz.part"),
            "{part:?}"
        );
        let torn = warc_member(&page("https://news.example/c")).unwrap();
        let mut f = OpenOptions::new().append(true).open(&part).unwrap();
        f.write_all(&torn[..torn.len() / 2]).unwrap();

        let (_archive, recovered) = FileSink::open_archive(&cfg).unwrap();
        assert_eq!(recovered.len(), 1);
        let reader = io::BufReader::new(flate2::read::MultiGzDecoder::new(
            File::open(&recovered[0]).unwrap(),
        ));
        let mut urls = Vec::new();
        crate::fetch::warc::read_pages(reader, 1 << 20, |p| {
            urls.push(p.url.unwrap().to_string());
            Ok::<(), crate::fetch::warc::WarcError>(())
        })
        .unwrap();
        assert_eq!(urls, ["https://news.example/a", "https://news.example/b"]);
        // The records file is still being written, not "recovered".
        assert!(
            files(dir.path())
                .iter()
                .any(|n| n.ends_with(".ndjson.gz.part"))
        );
    }
}
