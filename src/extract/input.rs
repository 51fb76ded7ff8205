//! Raw page bytes → decoded HTML text, safely.
//!
//! Everything that can go wrong before parsing is handled here, so the stages
//! only ever see text: gzip input (detected by its magic bytes, not the file
//! name), compression bombs and hostile sizes (decompression and input are
//! capped, and the cut is reported), binary files (refused with a reason), and
//! unknown charsets (see [`crate::fetch::charset`]).

use std::io::Read;

use crate::fetch::charset::{self, Decoded};

/// Why page bytes could not be turned into HTML text.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InputError {
    /// Zero bytes.
    #[error("input is empty")]
    Empty,
    /// gzip magic bytes but a broken stream.
    #[error("input looks gzip-compressed but cannot be decompressed: {0}")]
    Gzip(String),
    /// Bytes that are not text (an image, an executable, …).
    #[error("input is binary data, not HTML ({0})")]
    Binary(&'static str),
}

/// Decoded page text plus what happened on the way.
#[derive(Debug)]
pub struct PageText {
    /// The decoded text.
    pub decoded: Decoded,
    /// Size of the (decompressed) input before any cut.
    pub bytes: u64,
    /// Problems worth a warning in the record (truncation, bad bytes).
    pub warnings: Vec<String>,
}

/// Decompresses (if gzip), caps at `max_bytes`, checks for binary data and
/// decodes `raw`. `header_charset` and `tld` feed charset detection.
pub fn decode_page(
    raw: &[u8],
    max_bytes: usize,
    header_charset: Option<&str>,
    tld: Option<&[u8]>,
) -> Result<PageText, InputError> {
    if raw.is_empty() {
        return Err(InputError::Empty);
    }
    let mut warnings = Vec::new();
    let (mut bytes, total) = if raw.starts_with(&[0x1f, 0x8b]) {
        let (data, total) = gunzip_capped(raw, max_bytes)?;
        (std::borrow::Cow::Owned(data), total)
    } else {
        (std::borrow::Cow::Borrowed(raw), raw.len() as u64)
    };
    if bytes.is_empty() {
        return Err(InputError::Empty);
    }
    if bytes.len() > max_bytes {
        bytes = std::borrow::Cow::Owned(bytes[..max_bytes].to_vec());
    }
    if total > max_bytes as u64 {
        warnings.push(format!(
            "input of {total} bytes cut to {max_bytes} bytes (extract.max_html_bytes)"
        ));
    }
    if let Some(why) = binary_reason(&bytes) {
        return Err(InputError::Binary(why));
    }
    let decoded = charset::decode_html(&bytes, header_charset, tld);
    if decoded.had_errors {
        warnings.push(format!(
            "input has byte sequences invalid in {}; replaced",
            decoded.encoding.name()
        ));
    }
    Ok(PageText {
        decoded,
        bytes: total,
        warnings,
    })
}

/// Decompresses gzip `raw`, keeping at most `max` bytes but counting them all
/// (up to a hard ceiling) so that the warning can say how big the page was.
fn gunzip_capped(raw: &[u8], max: usize) -> Result<(Vec<u8>, u64), InputError> {
    let mut decoder = flate2::read::MultiGzDecoder::new(raw);
    let mut out = Vec::with_capacity(raw.len().saturating_mul(4).min(max));
    (&mut decoder)
        .take(max as u64)
        .read_to_end(&mut out)
        .map_err(|e| InputError::Gzip(e.to_string()))?;
    // Count (and discard) what lies past the cap, but never more than 64× the
    // cap: a bomb must not keep us busy either.
    let rest = std::io::copy(
        &mut (&mut decoder).take(max as u64 * 64),
        &mut std::io::sink(),
    )
    .unwrap_or(0);
    let total = out.len() as u64 + rest;
    Ok((out, total))
}

/// Why `bytes` look like binary data rather than text, if they do.
///
/// UTF-16 pages carry NULs legitimately, so a BOM exempts them; otherwise a
/// NUL byte or a high share of control characters in the first 8 KiB means
/// binary, and a few well-known magic numbers are named.
fn binary_reason(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"%PDF", "PDF document"),
        (b"PK\x03\x04", "ZIP archive"),
        (b"\x7FELF", "ELF executable"),
        (b"\x28\xB5\x2F\xFD", "zstd data"),
    ];
    if let Some((_, name)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some(name);
    }
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return None;
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Some("contains NUL bytes");
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    (controls * 10 > head.len()).then_some("mostly control characters")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn plain_and_gzip_decode_alike() {
        let html = b"<html><body><p>Hello</p></body></html>";
        let a = decode_page(html, 1 << 20, None, None).unwrap();
        let b = decode_page(&gzip(html), 1 << 20, None, None).unwrap();
        assert_eq!(a.decoded.text, b.decoded.text);
        assert!(b.warnings.is_empty());
    }

    #[test]
    fn empty_and_binary_are_refused() {
        assert_eq!(
            decode_page(b"", 1024, None, None).unwrap_err(),
            InputError::Empty
        );
        assert_eq!(
            decode_page(b"\x89PNG\r\n\x1a\n\0\0", 1024, None, None).unwrap_err(),
            InputError::Binary("PNG image")
        );
        let junk: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
        assert!(matches!(
            decode_page(&junk, 1 << 20, None, None),
            Err(InputError::Binary(_))
        ));
    }

    #[test]
    fn broken_gzip_is_an_error() {
        let mut g = gzip(b"<p>hello world</p>");
        g.truncate(12);
        assert!(matches!(
            decode_page(&g, 1024, None, None),
            Err(InputError::Gzip(_))
        ));
    }

    #[test]
    fn oversized_input_is_cut_with_warning() {
        let big = "<p>word</p>".repeat(100_000);
        let page = decode_page(&gzip(big.as_bytes()), 100_000, None, None).unwrap();
        assert_eq!(page.decoded.text.len(), 100_000);
        assert_eq!(page.bytes, big.len() as u64);
        assert!(page.warnings[0].contains("cut to 100000"));
    }
}
