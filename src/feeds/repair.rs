//! Repairs that let feed-rs read the feeds publishers really serve.
//!
//! Two levels. [`dialects`] runs on every feed: it is cheap, and it maps
//! old or odd dialects feed-rs parses "successfully" into nothing (RSS 0.90,
//! Atom 0.3, RSS 2.0 under a default namespace) or rejects whole (an Atom
//! `type="text/plain"`, a download one `>` short) onto what it reads.
//! [`lenient`] runs only after feed-rs has failed on a body: it rewrites
//! what is not XML at all (raw HTML inside `<description>`, bare `&`, a PHP
//! warning before the document, a download cut mid-item), which a
//! well-formed feed never needs, so it never pays for it.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in regex {pattern:?}: {e}"))
}

/// The RSS 0.90 namespace, read by feed-rs under RSS 1.0's.
const RSS090_NS: &str = "http://my.netscape.com/rdf/simple/0.9/";
const RSS10_NS: &str = "http://purl.org/rss/1.0/";
/// The Atom 0.3 namespace, read by feed-rs under Atom 1.0's.
const ATOM03_NS: &str = "http://purl.org/atom/ns#";
const ATOM10_NS: &str = "http://www.w3.org/2005/Atom";

/// `text` (decoded to UTF-8 already) without a byte-order mark, its XML
/// declaration saying `utf-8` whatever it said before: an XML reader that
/// honours the declaration would decode the text a second time.
pub fn declare_utf8(text: &str) -> String {
    static DECL_ENCODING: LazyLock<Regex> =
        LazyLock::new(|| re(r#"^(\s*<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']"#));
    let text = text.trim_start_matches('\u{feff}');
    DECL_ENCODING.replace(text, r#"${1}"utf-8""#).into_owned()
}

/// Repairs for every feed body (already UTF-8).
pub fn dialects(text: &str) -> String {
    static RSS_TAG: LazyLock<Regex> = LazyLock::new(|| re(r"<rss(\s[^>]*)?>"));
    static DEFAULT_NS: LazyLock<Regex> = LazyLock::new(|| re(r#"\sxmlns\s*=\s*["'][^"']*["']"#));
    static PUBDATE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)<(/?)pubdate>"));
    let mut out = declare_utf8(text);
    if let Some(m) = RSS_TAG.find(&out) {
        let tag = m.as_str();
        let mut fixed = Cow::Borrowed(tag);
        // RSS 2.0 under a default namespace (`xmlns="…/rss2"`): feed-rs then
        // finds no <channel> it knows and returns an empty feed.
        if DEFAULT_NS.is_match(tag) {
            fixed = Cow::Owned(DEFAULT_NS.replace(tag, "").into_owned());
        }
        if !fixed.contains("version") {
            fixed = Cow::Owned(fixed.replacen("<rss", r#"<rss version="2.0""#, 1));
        }
        if fixed != tag {
            let fixed = fixed.into_owned();
            out.replace_range(m.range(), &fixed);
        }
    }
    if out.contains(RSS090_NS) {
        out = out.replace(RSS090_NS, RSS10_NS);
    }
    if out.contains(ATOM03_NS) {
        out = atom03(&out);
    }
    if out.contains("text/plain") || out.contains("text/html") {
        out = atom_text_types(&out);
    }
    // `<pubdate>`, `<PUBDATE>`: XML names are case-sensitive, RSS is not in practice.
    if out.contains("<pubdate") || out.contains("<PUBDATE") {
        out = PUBDATE.replace_all(&out, "<${1}pubDate>").into_owned();
    }
    // A download cut one byte short of its final `>`.
    let trimmed = out.trim_end();
    if trimmed.ends_with("</rss") || trimmed.ends_with("</feed") || trimmed.ends_with("</rdf:RDF") {
        out.truncate(trimmed.len());
        out.push('>');
    }
    out
}

/// Atom 0.3 → Atom 1.0: the namespace, `issued`/`modified` dates, `tagline`,
/// and `mode="escaped"` text (escaped HTML, Atom 1.0's `type="html"`).
fn atom03(text: &str) -> String {
    static RENAMES: LazyLock<Regex> = LazyLock::new(|| re(r"<(/?)(issued|modified|tagline)\b"));
    static ESCAPED: LazyLock<Regex> = LazyLock::new(|| re(r#"\smode\s*=\s*["']escaped["']"#));
    let text = text.replace(ATOM03_NS, ATOM10_NS);
    let text = RENAMES.replace_all(&text, |c: &regex::Captures| {
        let name = match &c[2] {
            "issued" => "published",
            "modified" => "updated",
            _ => "subtitle",
        };
        format!("<{}{name}", &c[1])
    });
    ESCAPED.replace_all(&text, r#" type="html""#).into_owned()
}

/// Atom text constructs typed with a media type (`type="text/plain"`,
/// `type="text/html"`), which feed-rs rejects whole, get Atom 1.0's
/// `text` and `html`. Links keep theirs: a link's type *is* a media type.
fn atom_text_types(text: &str) -> String {
    static TEXT_TAG: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r#"<(title|subtitle|summary|content|rights)(\s[^>]*?)?\stype\s*=\s*["']text/(plain|html)["']"#,
        )
    });
    TEXT_TAG
        .replace_all(text, |c: &regex::Captures| {
            let kind = if &c[3] == "plain" { "text" } else { "html" };
            let attrs = c.get(2).map_or("", |m| m.as_str());
            format!(r#"<{}{attrs} type="{kind}""#, &c[1])
        })
        .into_owned()
}

/// Repairs for a body feed-rs has rejected; `None` when none applies.
pub fn lenient(text: &str) -> Option<String> {
    let mut out = Cow::Borrowed(text);
    if let Some(fixed) = skip_leading_junk(&out) {
        out = Cow::Owned(fixed);
    }
    if let Some(fixed) = markup_as_cdata(&out) {
        out = Cow::Owned(fixed);
    }
    if let Some(fixed) = escape_bare_ampersands(&out) {
        out = Cow::Owned(fixed);
    }
    if let Some(fixed) = close_truncated(&out) {
        out = Cow::Owned(fixed);
    }
    match out {
        Cow::Owned(fixed) => Some(fixed),
        Cow::Borrowed(_) => None,
    }
}

/// Text before the document (`<b>Warning</b>: …` from PHP, a stray line)
/// goes: the document starts at the XML declaration or the feed's root.
fn skip_leading_junk(text: &str) -> Option<String> {
    static START: LazyLock<Regex> =
        LazyLock::new(|| re(r"<\?xml\s|<rss[\s>]|<feed[\s>]|<rdf:RDF[\s>]"));
    let start = START.find(text)?.start();
    (start > 0 && !text[..start].trim().is_empty()).then(|| text[start..].to_owned())
}

/// Markup inside text elements that is not well-formed XML (raw HTML such
/// as `<p>a <b>b</p>`) is wrapped in CDATA, which is what the publisher
/// meant: the element's text is HTML.
fn markup_as_cdata(text: &str) -> Option<String> {
    static TEXT_ELEMENT: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?s)(<(description|content:encoded|summary|content)(?:\s[^>]*)?>)(.*?)(</(?:description|content:encoded|summary|content)>)",
        )
    });
    let mut changed = false;
    let out = TEXT_ELEMENT.replace_all(text, |c: &regex::Captures| {
        let inner = &c[3];
        let open_name = &c[2];
        let close = &c[4];
        // A self-closing open tag or a mismatched pair: leave it.
        if c[1].ends_with("/>") || !close[2..].starts_with(open_name) {
            return c[0].to_owned();
        }
        if !inner.contains('<') || inner.trim_start().starts_with("<![CDATA[") {
            return c[0].to_owned();
        }
        changed = true;
        let safe = inner.replace("]]>", "]]]]><![CDATA[>");
        format!("{}<![CDATA[{safe}]]>{close}", &c[1])
    });
    changed.then(|| out.into_owned())
}

/// `&` that starts no entity or character reference becomes `&amp;`
/// (`Q&A`, `?a=1&b=2` written raw).
fn escape_bare_ampersands(text: &str) -> Option<String> {
    static REFERENCE: LazyLock<Regex> =
        LazyLock::new(|| re(r"^&(?:[A-Za-z][A-Za-z0-9]{0,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"));
    if !text.contains('&') {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut changed = false;
    let mut in_cdata = false;
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<', ']']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let step = if tail.starts_with("<![CDATA[") {
            in_cdata = true;
            "<![CDATA[".len()
        } else if in_cdata && tail.starts_with("]]>") {
            in_cdata = false;
            "]]>".len()
        } else if !in_cdata && tail.starts_with('&') && !REFERENCE.is_match(tail) {
            out.push_str("&amp;");
            changed = true;
            rest = &tail[1..];
            continue;
        } else {
            1
        };
        out.push_str(&tail[..step]);
        rest = &tail[step..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// A download cut mid-document keeps the items that arrived whole: the
/// text ends after the last complete `</item>` or `</entry>`, and the open
/// containers are closed.
fn close_truncated(text: &str) -> Option<String> {
    let trimmed = text.trim_end();
    if ["</rss>", "</feed>", "</rdf:RDF>"]
        .iter()
        .any(|end| trimmed.ends_with(end))
    {
        return None;
    }
    let (cut, closing) = if let Some(i) = text.rfind("</item>") {
        let cut = i + "</item>".len();
        let closing = if text.contains("<rdf:RDF") {
            "</rdf:RDF>"
        } else if text[..cut].contains("<channel") && !text[..cut].contains("</channel>") {
            // RSS 1.0 items sit outside the channel; RSS 2.0 items inside.
            "</channel></rss>"
        } else {
            "</rss>"
        };
        (cut, closing)
    } else if let Some(i) = text.rfind("</entry>") {
        (i + "</entry>".len(), "</feed>")
    } else {
        return None;
    };
    Some(format!("{}{closing}", &text[..cut]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_namespace_leaves_the_rss_tag_and_a_version_is_added() {
        let out = dialects(r#"<rss xmlns="http://backend.userland.com/rss2"><channel/></rss>"#);
        assert_eq!(out, r#"<rss version="2.0"><channel/></rss>"#);
        let kept = r#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">"#;
        assert_eq!(dialects(kept), kept);
    }

    #[test]
    fn atom03_becomes_atom10() {
        let out = dialects(
            r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><tagline>S</tagline><entry><title mode="escaped">A</title><issued>2024-01-02</issued><modified>2024-01-03</modified></entry></feed>"#,
        );
        assert_eq!(
            out,
            r#"<feed version="0.3" xmlns="http://www.w3.org/2005/Atom"><subtitle>S</subtitle><entry><title type="html">A</title><published>2024-01-02</published><updated>2024-01-03</updated></entry></feed>"#
        );
    }

    #[test]
    fn text_constructs_lose_media_types_links_keep_them() {
        let out = dialects(
            r#"<title type="text/plain">T</title><link rel="alternate" type="text/html" href="/a"/><content xml:lang="en" type="text/html">x</content>"#,
        );
        assert_eq!(
            out,
            r#"<title type="text">T</title><link rel="alternate" type="text/html" href="/a"/><content xml:lang="en" type="html">x</content>"#
        );
    }

    #[test]
    fn lowercase_pubdate_is_read() {
        assert_eq!(
            dialects("<pubdate>x</pubdate><PUBDATE>y</PUBDATE>"),
            "<pubDate>x</pubDate><pubDate>y</pubDate>"
        );
    }

    #[test]
    fn raw_html_in_text_elements_becomes_cdata() {
        let out = markup_as_cdata("<item><description><p>a <b>b</p> ]]> c</description><summary type=\"html\">plain</summary></item>").unwrap();
        assert_eq!(
            out,
            "<item><description><![CDATA[<p>a <b>b</p> ]]]]><![CDATA[> c]]></description><summary type=\"html\">plain</summary></item>"
        );
        let cdata = "<description><![CDATA[<p>ok</p>]]></description>";
        assert_eq!(markup_as_cdata(cdata), None);
    }

    #[test]
    fn bare_ampersands_are_escaped_references_and_cdata_kept() {
        let out = escape_bare_ampersands(
            "<t>Q&A &amp; &#38; &#x26; &eacute;</t><l>?a=1&b=2</l><![CDATA[x & y]]>",
        )
        .unwrap();
        assert_eq!(
            out,
            "<t>Q&amp;A &amp; &#38; &#x26; &eacute;</t><l>?a=1&amp;b=2</l><![CDATA[x & y]]>"
        );
        assert_eq!(escape_bare_ampersands("<t>&amp;</t>"), None);
    }

    #[test]
    fn junk_before_the_document_goes() {
        let out = lenient(
            "<b>Warning</b>: x on line 3<br />\n<?xml version=\"1.0\"?><rss version=\"2.0\"></rss>",
        )
        .unwrap();
        assert!(out.starts_with("<?xml"), "{out}");
        assert_eq!(skip_leading_junk("  \n<?xml version=\"1.0\"?><rss/>"), None);
    }

    #[test]
    fn truncated_downloads_keep_whole_items() {
        let rss = "<rss version=\"2.0\"><channel><title>T</title><item><link>a</link></item><item><link>b";
        assert_eq!(
            close_truncated(rss).as_deref(),
            Some(
                "<rss version=\"2.0\"><channel><title>T</title><item><link>a</link></item></channel></rss>"
            )
        );
        let atom = "<feed><entry><id>1</id></entry><entry><id>2";
        assert_eq!(
            close_truncated(atom).as_deref(),
            Some("<feed><entry><id>1</id></entry></feed>")
        );
        assert_eq!(close_truncated("<rss><channel></channel></rss>\n"), None);
        assert_eq!(close_truncated("<rss><channel><title>T"), None);
    }
}
