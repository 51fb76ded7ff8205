//! Turning page bytes into text without assuming UTF-8.
//!
//! Order of evidence, strongest first: a byte-order mark, the HTTP
//! `Content-Type` charset, a `<meta charset>` / `http-equiv` declaration in the
//! first bytes, then statistical detection (chardetng, hinted by the top-level
//! domain). Valid UTF-8 with no declaration at all is taken as UTF-8 before
//! the detector is asked, because it almost always is.

use encoding_rs::{Encoding, UTF_8};

/// How many leading bytes are searched for a `<meta>` charset declaration.
const META_PRESCAN_BYTES: usize = 4096;

/// Where the encoding decision came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// A byte-order mark.
    Bom,
    /// The HTTP `Content-Type` header.
    Header,
    /// A `<meta>` declaration in the document.
    Meta,
    /// The bytes were valid UTF-8.
    Utf8Valid,
    /// chardetng's guess.
    Detected,
}

/// Text decoded from a page, with the encoding that was used.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text; malformed sequences are replaced with U+FFFD.
    pub text: String,
    /// The encoding used to decode.
    pub encoding: &'static Encoding,
    /// Why that encoding was chosen.
    pub source: CharsetSource,
    /// True when the bytes held sequences invalid in that encoding.
    pub had_errors: bool,
}

/// Decodes `bytes` as HTML. `header_charset` is the `charset` parameter of the
/// HTTP `Content-Type`, if any; `tld` (e.g. `b"ru"`) hints the detector.
pub fn decode_html(bytes: &[u8], header_charset: Option<&str>, tld: Option<&[u8]>) -> Decoded {
    let (encoding, source) = choose_encoding(bytes, header_charset, tld);
    decode_as(bytes, encoding, source)
}

/// Decodes an XML document (a feed): BOM → HTTP header → the XML
/// declaration's `encoding` → valid UTF-8 → detector. Feed parsers only take
/// UTF-8 reliably, so every feed goes through here first.
pub fn decode_xml(bytes: &[u8], header_charset: Option<&str>) -> Decoded {
    let (encoding, source) = if let Some((enc, _)) = Encoding::for_bom(bytes) {
        (enc, CharsetSource::Bom)
    } else if let Some(enc) = header_charset.and_then(label_to_encoding) {
        (enc, CharsetSource::Header)
    } else if let Some(enc) = xml_declared_encoding(bytes) {
        (enc, CharsetSource::Meta)
    } else {
        choose_encoding(bytes, None, None)
    };
    decode_as(bytes, encoding, source)
}

/// Decodes `bytes` with the chosen encoding. `decode` strips a BOM of that
/// encoding and replaces bad sequences.
fn decode_as(bytes: &[u8], encoding: &'static Encoding, source: CharsetSource) -> Decoded {
    let (text, _, had_errors) = encoding.decode(bytes);
    Decoded {
        text: text.into_owned(),
        encoding,
        source,
        had_errors,
    }
}

/// The `encoding` pseudo-attribute of a leading `<?xml …?>` declaration.
fn xml_declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = trim_ascii_start(&bytes[..bytes.len().min(512)]);
    let decl = head.strip_prefix(b"<?xml")?;
    let end = find(decl, b"?>")?;
    let decl = std::str::from_utf8(&decl[..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let label = rest[1..].split(quote).next()?;
    label_to_encoding(label)
}

/// Picks the encoding for `bytes` by the order of evidence in the module docs.
pub fn choose_encoding(
    bytes: &[u8],
    header_charset: Option<&str>,
    tld: Option<&[u8]>,
) -> (&'static Encoding, CharsetSource) {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return (enc, CharsetSource::Bom);
    }
    if let Some(enc) = header_charset.and_then(label_to_encoding) {
        return (enc, CharsetSource::Header);
    }
    if let Some(enc) = meta_charset(&bytes[..bytes.len().min(META_PRESCAN_BYTES)]) {
        return (enc, CharsetSource::Meta);
    }
    if std::str::from_utf8(bytes).is_ok() {
        return (UTF_8, CharsetSource::Utf8Valid);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    (
        detector.guess(tld, chardetng::Utf8Detection::Allow),
        CharsetSource::Detected,
    )
}

/// The `charset` parameter of a `Content-Type` header value.
pub fn charset_from_content_type(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(|c| c == '"' || c == '\''))
    })
}

/// Maps a charset label to an encoding. Per the HTML standard, a page that
/// declares UTF-16 in ASCII-compatible bytes is really UTF-8.
fn label_to_encoding(label: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(label.trim().as_bytes())?;
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return Some(UTF_8);
    }
    // `replacement` exists to neuter dangerous labels; text is still better
    // served by detection than by a page of U+FFFD.
    (enc != encoding_rs::REPLACEMENT).then_some(enc)
}

/// Finds `<meta charset=…>` or `<meta http-equiv content="…; charset=…">` in
/// the (ASCII-compatible) head of a document.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(cs) = find(tag, b"charset") {
            let rest = &tag[cs + b"charset".len()..];
            let rest = trim_ascii_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_ascii_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&b| !(b.is_ascii_alphanumeric() || b"-_:.".contains(&b)))
                    .unwrap_or(rest.len());
                if let Some(enc) = std::str::from_utf8(&rest[..label_end])
                    .ok()
                    .and_then(label_to_encoding)
                {
                    return Some(enc);
                }
            }
        }
        from = end.max(start + 1);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

fn trim_ascii_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_wins_over_everything() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(b"<meta charset=iso-8859-1>caf\xC3\xA9");
        let d = decode_html(&bytes, Some("windows-1252"), None);
        assert_eq!(d.source, CharsetSource::Bom);
        assert!(d.text.ends_with("café"));
    }

    #[test]
    fn header_then_meta() {
        let bytes = b"<meta charset=\"utf-8\"><p>caf\xE9</p>";
        let d = decode_html(bytes, Some("ISO-8859-1"), None);
        assert_eq!(d.source, CharsetSource::Header);
        assert!(d.text.contains("café"));
        let d = decode_html(b"<meta http-equiv=Content-Type content='text/html; charset=windows-1251'><p>\xcf\xf0\xe8", None, None);
        assert_eq!(d.source, CharsetSource::Meta);
        assert!(d.text.contains("При"));
    }

    #[test]
    fn detects_undeclared_legacy_encoding() {
        let text = "Привет, как дела? Это длинный русский текст для определения кодировки.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let d = decode_html(&bytes, None, Some(b"ru"));
        assert_eq!(d.source, CharsetSource::Detected);
        assert_eq!(d.text, text);
    }

    #[test]
    fn utf16_label_means_utf8() {
        let d = decode_html("<meta charset=utf-16>é".as_bytes(), None, None);
        assert_eq!(d.encoding, UTF_8);
    }

    #[test]
    fn content_type_charset() {
        assert_eq!(
            charset_from_content_type("text/html; Charset=\"UTF-8\""),
            Some("UTF-8")
        );
        assert_eq!(charset_from_content_type("text/html"), None);
    }
}
