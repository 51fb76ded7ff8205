//! Fetched pages as WARC records, for `[archive]`.
//!
//! A data team that runs newswire for years will want its articles
//! extracted again by a better newswire, and the publishers' pages will
//! have changed or gone by then. So the worker can keep every page it made
//! a record from, as news-please keeps its HTML, in the format the web's
//! archives use: WARC 1.1 `response` records, one gzip member each (what
//! Common Crawl, wget and Heritrix write, and what `newswire extract`
//! reads back). The files rotate like the file sink's (see
//! [`FileSink::open_archive`](super::FileSink::open_archive)), and a page
//! is flushed with its record, before the article counts as delivered.

use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};

use crate::fetch::FetchedPage;

/// A fetched page as the archive keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivedPage {
    /// The URL the body came from (after redirects).
    pub url: String,
    /// When it was fetched.
    pub fetched_at: DateTime<Utc>,
    /// The HTTP status.
    pub status: u16,
    /// The response headers, less those that described the transfer
    /// rather than the body kept (`Content-Encoding`, `Transfer-Encoding`,
    /// `Content-Length`): the body is stored decoded.
    pub headers: Vec<(String, String)>,
    /// The body, decompressed.
    pub body: Vec<u8>,
}

impl ArchivedPage {
    /// The archive's copy of a fetched page.
    pub fn of(page: &FetchedPage, fetched_at: DateTime<Utc>) -> ArchivedPage {
        use reqwest::header::{CONTENT_ENCODING, CONTENT_LENGTH, TRANSFER_ENCODING};
        let headers = page
            .headers
            .iter()
            .filter(|(name, _)| {
                ![CONTENT_ENCODING, CONTENT_LENGTH, TRANSFER_ENCODING].contains(name)
            })
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        ArchivedPage {
            url: page.final_url.to_string(),
            fetched_at,
            status: page.status,
            headers,
            body: page.body.clone(),
        }
    }
}

/// `page` as one WARC `response` record, compressed as a gzip member of
/// its own.
pub fn warc_member(page: &ArchivedPage) -> io::Result<Vec<u8>> {
    let record = warc_record(page);
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(record.len() / 3),
        flate2::Compression::default(),
    );
    gz.write_all(&record)?;
    gz.finish()
}

/// `page` as one WARC 1.1 `response` record: the WARC head, then the HTTP
/// response (status line, headers, body), then the two line ends that close
/// a record.
pub fn warc_record(page: &ArchivedPage) -> Vec<u8> {
    let reason = reqwest::StatusCode::from_u16(page.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut http = format!("HTTP/1.1 {} {reason}\r\n", page.status).into_bytes();
    for (name, value) in &page.headers {
        http.extend_from_slice(format!("{name}: {}\r\n", one_line(value)).as_bytes());
    }
    http.extend_from_slice(format!("Content-Length: {}\r\n\r\n", page.body.len()).as_bytes());
    http.extend_from_slice(&page.body);
    let head = format!(
        "WARC/1.1\r\n\
         WARC-Type: response\r\n\
         WARC-Record-ID: <urn:uuid:{}>\r\n\
         WARC-Date: {}\r\n\
         WARC-Target-URI: {}\r\n\
         Content-Type: application/http;msgtype=response\r\n\
         Content-Length: {}\r\n\r\n",
        uuid::Uuid::new_v4(),
        page.fetched_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        one_line(&page.url),
        http.len()
    );
    let mut out = head.into_bytes();
    out.extend_from_slice(&http);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// A header value on one line, whatever it held.
fn one_line(value: &str) -> String {
    value.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::warc::{WarcError, read_pages};

    fn page(url: &str, body: &str) -> ArchivedPage {
        ArchivedPage {
            url: url.to_owned(),
            fetched_at: DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            status: 200,
            headers: vec![(
                "content-type".to_owned(),
                "text/html; charset=windows-1252".to_owned(),
            )],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn archived_pages_read_back_as_the_pages_they_were() {
        let mut archive = Vec::new();
        for (url, body) in [
            (
                "https://news.example/a",
                "<html><body><p>First.</p></body></html>",
            ),
            (
                "https://news.example/b",
                "<html><body><p>Second.</p></body></html>",
            ),
        ] {
            archive.extend(warc_member(&page(url, body)).unwrap());
        }
        let reader = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(archive.as_slice()));
        let mut pages = Vec::new();
        read_pages(reader, 1 << 20, |p| {
            pages.push(p);
            Ok::<(), WarcError>(())
        })
        .unwrap();
        assert_eq!(pages.len(), 2);
        assert_eq!(
            pages[1].url.as_ref().unwrap().as_str(),
            "https://news.example/b"
        );
        assert_eq!(pages[1].bytes, b"<html><body><p>Second.</p></body></html>");
        assert_eq!(
            pages[1].fetched_at.to_rfc3339(),
            "2026-12-07T10:00:00+00:00"
        );
        let http = pages[0].http.as_ref().unwrap();
        assert_eq!(
            http.content_type.as_deref(),
            Some("text/html; charset=windows-1252")
        );
    }

    #[test]
    fn a_record_states_its_lengths_and_ids_differ() {
        let p = page("https://news.example/a", "body");
        let a = String::from_utf8(warc_record(&p)).unwrap();
        let b = String::from_utf8(warc_record(&p)).unwrap();
        assert!(a.starts_with("WARC/1.1\r\nWARC-Type: response\r\n"), "{a}");
        assert!(
            a.contains("\r\nContent-Length: 4\r\n\r\nbody\r\n\r\n"),
            "{a}"
        );
        let id = |s: &str| {
            s.lines()
                .find(|l| l.starts_with("WARC-Record-ID"))
                .map(str::to_owned)
        };
        assert_ne!(id(&a), id(&b));
    }
}
