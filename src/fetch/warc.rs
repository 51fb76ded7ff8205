//! Pages fetched earlier, from web archives (WARC files, plain or with
//! gzip members, as Common Crawl, wget and Heritrix write them), so that
//! `newswire extract` can process a crawl as news-please does.
//!
//! Each `response` record is an HTTP response as received: its status line
//! and headers give the status and `Content-Type` (and the charset), and a
//! chunked body is put back together. `resource` records hold a document
//! with no HTTP around it. Only `200` HTML responses become pages; the rest
//! are counted as skipped. Records are streamed: a record's body is read up
//! to the page size cap and the rest skipped, and a record's WARC head may
//! not pass 64 KiB, so an archive of any size runs in bounded memory.
//!
//! The record framing (a `WARC/1.x` line, `Name: value` lines, a blank
//! line, `Content-Length` bytes, a blank line) is read here rather than
//! with the `warc` crate: fuzzing found that crate panicking on a header
//! value that is not UTF-8 (a Latin-1 byte in a target URI, which real
//! crawls hold), and it reads header lines without a bound.

use std::io::{BufRead, Read};

use chrono::{DateTime, Utc};
use url::Url;

use crate::extract::Page;
use crate::record::HttpInfo;

/// Bytes of HTTP status line and headers read beyond the page size cap.
const HEAD_ROOM: usize = 64 * 1024;

/// The largest WARC record head (version line and headers).
const MAX_WARC_HEAD: u64 = 64 * 1024;

/// Why an archive could not be read on; what was read before stands.
#[derive(Debug, thiserror::Error)]
#[error("record {record}: {message}")]
pub struct WarcError {
    /// The 1-based number of the record that failed.
    pub record: u64,
    /// What was wrong with it.
    pub message: String,
}

/// What an archive held, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WarcCounts {
    /// Records of every type.
    pub records: u64,
    /// HTML pages handed on.
    pub pages: u64,
    /// Responses that were not `200`.
    pub not_ok: u64,
    /// Responses and resources that were not HTML.
    pub not_html: u64,
    /// Responses whose HTTP head or target URI could not be read.
    pub unreadable: u64,
}

/// Whether `head` (the first bytes of a file, decompressed) opens a WARC
/// record.
pub fn is_warc(head: &[u8]) -> bool {
    head.starts_with(b"WARC/")
}

/// One record's head: the WARC headers newswire reads.
#[derive(Debug, Default)]
struct Head {
    kind: String,
    target: Option<String>,
    content_type: Option<String>,
    date: Option<DateTime<Utc>>,
    length: u64,
}

/// Reads the next record head; `None` at the end of the archive.
fn read_head(reader: &mut impl BufRead) -> Result<Option<Head>, String> {
    let mut limited = reader.take(MAX_WARC_HEAD);
    let mut line = Vec::new();
    // Blank lines between records are tolerated.
    loop {
        line.clear();
        if limited
            .read_until(b'\n', &mut line)
            .map_err(|e| e.to_string())?
            == 0
        {
            return Ok(None);
        }
        if !line.trim_ascii().is_empty() {
            break;
        }
    }
    if !line.starts_with(b"WARC/") {
        return Err(format!(
            "expected a WARC/1.x line, found `{}`",
            String::from_utf8_lossy(line.trim_ascii())
                .chars()
                .take(60)
                .collect::<String>()
        ));
    }
    let mut head = Head::default();
    let mut length = None;
    loop {
        line.clear();
        let n = limited
            .read_until(b'\n', &mut line)
            .map_err(|e| e.to_string())?;
        if n == 0 || !line.ends_with(b"\n") {
            return Err(if limited.limit() == 0 {
                format!("a record head over {MAX_WARC_HEAD} bytes")
            } else {
                "the archive ends within a record head".to_owned()
            });
        }
        let text = String::from_utf8_lossy(line.trim_ascii());
        if text.is_empty() {
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            return Err(format!(
                "a header line without a colon: `{}`",
                text.chars().take(60).collect::<String>()
            ));
        };
        let value = value.trim().to_owned();
        match name.trim().to_ascii_lowercase().as_str() {
            "warc-type" => head.kind = value.to_ascii_lowercase(),
            "warc-target-uri" => head.target = Some(value),
            "content-type" => head.content_type = Some(value),
            "warc-date" => {
                head.date = DateTime::parse_from_rfc3339(&value)
                    .ok()
                    .map(|d| d.with_timezone(&Utc))
            }
            "content-length" => length = value.parse::<u64>().ok(),
            _ => {}
        }
    }
    head.length = length.ok_or("a record without a valid Content-Length")?;
    Ok(Some(head))
}

/// Reads every record of the archive in `reader` (decompressed already)
/// and hands each HTML page to `each`, in archive order. `max_bytes` caps
/// what is read of one body. An error of `each` stops the reading and is
/// returned as is.
pub fn read_pages<R: BufRead, E: From<WarcError>>(
    mut reader: R,
    max_bytes: usize,
    mut each: impl FnMut(Page) -> Result<(), E>,
) -> Result<WarcCounts, E> {
    let mut counts = WarcCounts::default();
    loop {
        let number = counts.records + 1;
        let fail = |message: String| WarcError {
            record: number,
            message,
        };
        let Some(head) = read_head(&mut reader).map_err(fail)? else {
            return Ok(counts);
        };
        counts.records = number;
        let wanted = matches!(head.kind.as_str(), "response" | "resource");
        let cap = if wanted {
            (max_bytes + HEAD_ROOM) as u64
        } else {
            0
        };
        let mut body = (&mut reader).take(head.length);
        let mut bytes = Vec::new();
        (&mut body)
            .take(cap)
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("cannot read the body: {e}")))?;
        let skipped = std::io::copy(&mut body, &mut std::io::sink())
            .map_err(|e| fail(format!("cannot read the body: {e}")))?;
        if bytes.len() as u64 + skipped < head.length {
            return Err(fail(format!(
                "the archive ends within the record ({} of {} bytes)",
                bytes.len() as u64 + skipped,
                head.length
            ))
            .into());
        }
        if !wanted {
            continue;
        }
        let Some(url) = head
            .target
            .as_deref()
            .and_then(|t| Url::parse(t.trim_matches(['<', '>'])).ok())
        else {
            counts.unreadable += 1;
            continue;
        };
        let (status, content_type, body) = if head.kind == "response" {
            match split_http(&bytes) {
                Some(parts) => parts,
                None => {
                    counts.unreadable += 1;
                    continue;
                }
            }
        } else {
            (200, head.content_type, bytes)
        };
        if status != 200 {
            counts.not_ok += 1;
            continue;
        }
        if !is_html(content_type.as_deref(), &body) {
            counts.not_html += 1;
            continue;
        }
        counts.pages += 1;
        let http = HttpInfo {
            status,
            content_type,
            charset: None,
            bytes: body.len() as u64,
            elapsed_ms: 0,
        };
        each(Page {
            bytes: body,
            url: Some(url.clone()),
            final_url: Some(url),
            fetched_at: head.date.unwrap_or_else(Utc::now),
            http: Some(http),
            content_selector: None,
            remove_selector: None,
        })?;
    }
}

/// An HTTP response → (status, `Content-Type`, body), the body de-chunked
/// when it was sent chunked. `None` when the head cannot be parsed.
fn split_http(bytes: &[u8]) -> Option<(u16, Option<String>, Vec<u8>)> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(head_len) = response.parse(bytes).ok()? else {
        return None;
    };
    let status = response.code?;
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_owned())
    };
    let chunked =
        header("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let body = &bytes[head_len..];
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_vec()
    };
    Some((status, header("content-type"), body))
}

/// Puts a chunked body back together; a cut or malformed tail ends it.
fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    while let Ok(httparse::Status::Complete((start, size))) = httparse::parse_chunk_size(data) {
        if size == 0 {
            break;
        }
        let end = start.saturating_add(usize::try_from(size).unwrap_or(usize::MAX));
        let Some(chunk) = data.get(start..end.min(data.len())) else {
            break;
        };
        out.extend_from_slice(chunk);
        if end > data.len() {
            break;
        }
        // The CRLF after the chunk.
        data = data.get(end + 2..).unwrap_or_default();
    }
    out
}

/// HTML by its declared type, or by its first bytes when none is declared.
fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    match content_type {
        Some(t) => {
            let t = t.to_ascii_lowercase();
            t.contains("html")
        }
        None => {
            let start = body
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(0);
            body[start..].first() == Some(&b'<')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The WARC record types the tests write.
    #[derive(Clone, Copy, PartialEq)]
    enum RecordType {
        WarcInfo,
        Request,
        Response,
        Resource,
    }

    /// An archive of `(type, target, body)` records.
    fn archive(records: &[(RecordType, &str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (kind, target, body) in records {
            let (name, content_type) = match kind {
                RecordType::WarcInfo => ("warcinfo", "application/warc-fields"),
                RecordType::Request => ("request", "application/http; msgtype=request"),
                RecordType::Response => ("response", "application/http; msgtype=response"),
                RecordType::Resource => ("resource", "text/html"),
            };
            out.extend_from_slice(
                format!(
                    "WARC/1.0\r\nWARC-Type: {name}\r\nWARC-Date: 2024-01-16T13:00:00Z\r\nWARC-Target-URI: {target}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            );
            out.extend_from_slice(body);
            out.extend_from_slice(b"\r\n\r\n");
        }
        out
    }

    fn pages(bytes: &[u8], max: usize) -> (Vec<Page>, WarcCounts) {
        let mut pages = Vec::new();
        let counts = read_pages::<_, WarcError>(bytes, max, |p| {
            pages.push(p);
            Ok(())
        })
        .unwrap();
        (pages, counts)
    }

    const PAGE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n<html><body><p>Caf\xe9</p></body></html>";

    #[test]
    fn html_responses_become_pages_and_the_rest_is_counted() {
        let chunked = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n<html>\r\n7\r\n</html>\r\n0\r\n\r\n";
        let bytes = archive(&[
            (RecordType::WarcInfo, "", b"software: test"),
            (
                RecordType::Request,
                "https://n.example/a",
                b"GET /a HTTP/1.1\r\n\r\n",
            ),
            (RecordType::Response, "https://n.example/a", PAGE),
            (
                RecordType::Response,
                "https://n.example/gone",
                b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>no</p>",
            ),
            (
                RecordType::Response,
                "https://n.example/logo.png",
                b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
            ),
            (RecordType::Response, "https://n.example/c", chunked),
            (
                RecordType::Resource,
                "https://n.example/r",
                b"<html>saved</html>",
            ),
            (RecordType::Response, "https://n.example/bad", b"garbage"),
        ]);
        let (pages, counts) = pages(&bytes, 1 << 20);
        let urls: Vec<&str> = pages
            .iter()
            .filter_map(|p| p.url.as_ref().map(Url::as_str))
            .collect();
        assert_eq!(
            urls,
            [
                "https://n.example/a",
                "https://n.example/c",
                "https://n.example/r"
            ]
        );
        assert!(pages[0].bytes.ends_with(b"Caf\xe9</p></body></html>"));
        let http = pages[0].http.as_ref().unwrap();
        assert_eq!(
            http.content_type.as_deref(),
            Some("text/html; charset=iso-8859-1")
        );
        assert_eq!(pages[1].bytes, b"<html></html>");
        assert_eq!(
            counts,
            WarcCounts {
                records: 8,
                pages: 3,
                not_ok: 1,
                not_html: 1,
                unreadable: 1
            }
        );
    }

    #[test]
    fn a_body_past_the_cap_is_cut_and_the_next_record_still_read() {
        let mut big = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>".to_vec();
        big.extend(std::iter::repeat_n(b'x', 300_000));
        let bytes = archive(&[
            (RecordType::Response, "https://n.example/big", &big),
            (RecordType::Response, "https://n.example/a", PAGE),
        ]);
        let (pages, counts) = pages(&bytes, 100_000);
        assert_eq!(counts.pages, 2);
        assert!(
            pages[0].bytes.len() <= 100_000 + HEAD_ROOM,
            "{}",
            pages[0].bytes.len()
        );
        assert_eq!(
            pages[1].url.as_ref().map(Url::as_str),
            Some("https://n.example/a")
        );
    }

    #[test]
    fn a_broken_record_stops_the_reading_with_its_number() {
        let mut bytes = archive(&[(RecordType::Response, "https://n.example/a", PAGE)]);
        bytes.extend_from_slice(b"WARC/1.0\r\nthis is not a header\r\n\r\n");
        let mut seen = 0;
        let err = read_pages::<_, WarcError>(&bytes[..], 1 << 20, |_| {
            seen += 1;
            Ok(())
        })
        .unwrap_err();
        assert_eq!(seen, 1, "the record before the break is read");
        assert_eq!(err.record, 2, "{err}");
        assert!(err.message.contains("without a colon"), "{err}");
        assert!(is_warc(&bytes));
        assert!(!is_warc(b"<html>"));
    }

    #[test]
    fn hostile_heads_are_errors_not_panics() {
        let read = |bytes: &[u8]| {
            read_pages::<_, WarcError>(bytes, 1 << 20, |_| Ok(())).map_err(|e| e.to_string())
        };
        // A target URI that is not UTF-8 (a Latin-1 byte) is read, lossily.
        let mut latin1 = archive(&[(RecordType::Response, "https://n.example/caf\u{e9}", PAGE)]);
        let at = latin1.windows(2).position(|w| w == "é".as_bytes()).unwrap();
        latin1.splice(at..at + 2, [0xe9]);
        assert_eq!(read(&latin1).map(|c| c.pages), Ok(1));
        let no_length = b"WARC/1.0\r\nWARC-Type: response\r\n\r\nbody";
        assert!(read(no_length).unwrap_err().contains("Content-Length"));
        let mut endless = b"WARC/1.0\r\nX-Pad: ".to_vec();
        endless.extend(std::iter::repeat_n(b'a', 100_000));
        assert!(read(&endless).unwrap_err().contains("over 65536 bytes"));
        assert!(
            read(b"GIF89a")
                .unwrap_err()
                .contains("expected a WARC/1.x line")
        );
        let (pages, _) = pages(
            &archive(&[(RecordType::Response, "https://n.example/a", PAGE)]),
            1 << 20,
        );
        assert_eq!(
            pages[0].fetched_at.to_rfc3339(),
            "2024-01-16T13:00:00+00:00"
        );
    }
}
