//! Pages fetched earlier, from web archives (WARC files, plain or with
//! gzip members, as Common Crawl, wget and Heritrix write them), so that
//! `newswire extract` can process a crawl as news-please does.
//!
//! Each `response` record is an HTTP response as received: its status line
//! and headers give the status and `Content-Type` (and the charset), and a
//! chunked body is put back together. `resource` records hold a document
//! with no HTTP around it. Only `200` HTML responses become pages; the rest
//! are counted as skipped. Records are streamed: a record's body is read up
//! to the page size cap and the rest skipped, so an archive of any size
//! runs in bounded memory.

use std::io::{BufRead, Read};

use chrono::{DateTime, Utc};
use url::Url;
use warc::{RecordType, WarcHeader, WarcReader};

use crate::extract::Page;
use crate::record::HttpInfo;

/// Bytes of HTTP status line and headers read beyond the page size cap.
const HEAD_ROOM: usize = 64 * 1024;

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

/// Reads every record of the archive in `reader` (decompressed already)
/// and hands each HTML page to `each`, in archive order. `max_bytes` caps
/// what is read of one body. An error of `each` stops the reading and is
/// returned as is.
pub fn read_pages<R: BufRead, E: From<WarcError>>(
    reader: R,
    max_bytes: usize,
    mut each: impl FnMut(Page) -> Result<(), E>,
) -> Result<WarcCounts, E> {
    let mut counts = WarcCounts::default();
    let mut reader = WarcReader::new(reader);
    let mut records = reader.stream_records();
    while let Some(item) = records.next_item() {
        counts.records += 1;
        let mut record = item.map_err(|e| WarcError {
            record: counts.records,
            message: e.to_string(),
        })?;
        let kind = record.warc_type().clone();
        if !matches!(kind, RecordType::Response | RecordType::Resource) {
            continue;
        }
        let target = record.header(WarcHeader::TargetURI).map(|t| t.into_owned());
        let declared = record
            .header(WarcHeader::ContentType)
            .map(|t| t.into_owned());
        let fetched_at: DateTime<Utc> = *record.date();
        let cap = (max_bytes + HEAD_ROOM) as u64;
        let expected = record.content_length().min(cap);
        let mut bytes = Vec::new();
        (&mut record)
            .take(cap)
            .read_to_end(&mut bytes)
            .map_err(|e| WarcError {
                record: counts.records,
                message: format!("cannot read the body: {e}"),
            })?;
        if (bytes.len() as u64) < expected {
            return Err(WarcError {
                record: counts.records,
                message: format!(
                    "the archive ends within the record ({} of {} bytes)",
                    bytes.len(),
                    record.content_length() + bytes.len() as u64
                ),
            }
            .into());
        }
        let Some(url) = target
            .as_deref()
            .and_then(|t| Url::parse(t.trim_matches(['<', '>'])).ok())
        else {
            counts.unreadable += 1;
            continue;
        };
        let (status, content_type, body) = if kind == RecordType::Response {
            match split_http(&bytes) {
                Some(parts) => parts,
                None => {
                    counts.unreadable += 1;
                    continue;
                }
            }
        } else {
            (200, declared, bytes)
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
            fetched_at,
            http: Some(http),
        })?;
    }
    Ok(counts)
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
    use warc::{Record, WarcWriter};

    /// An archive of `(type, target, body)` records, as a WARC writer makes it.
    fn archive(records: &[(RecordType, &str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut writer = WarcWriter::new(&mut out);
            for (kind, target, body) in records {
                let mut record = Record::<warc::BufferedBody>::with_body(body.to_vec());
                record.set_warc_type(kind.clone());
                record.set_header(WarcHeader::TargetURI, *target).unwrap();
                record
                    .set_header(
                        WarcHeader::ContentType,
                        if *kind == RecordType::Response {
                            "application/http; msgtype=response"
                        } else {
                            "text/html"
                        },
                    )
                    .unwrap();
                writer.write(&record).unwrap();
            }
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
        assert!(is_warc(&bytes));
        assert!(!is_warc(b"<html>"));
    }
}
