//! Empties the bodies of `<script>`, `<style>` and `<svg>` before parsing.
//!
//! About half the bytes of a modern page sit inside inline scripts, style
//! sheets and SVG icons, none of which can be article text (the `clean`
//! stage drops them all). Handing them to the HTML tokenizer costs more than
//! the rest of the page: every byte is copied into a text node, and an SVG
//! icon is dozens of elements with attributes. A byte scan that walks the
//! page tag by tag and cuts those bodies out leaves the elements themselves
//! in place (empty), so the parsed tree keeps its shape. Attributes no stage
//! reads go too (all but a short list): each one costs the tokenizer a copy,
//! an interned name and a slot that every attribute lookup then walks past.
//! So do comments, and the indentation between tags shrinks to one
//! character (outside `<pre>`): neither is text a reader sees.
//!
//! The scan follows the HTML tokenizer's rules where they matter: quoted
//! attribute values (a `<script>` inside `title="…"` is no tag), comments,
//! and the raw-text elements whose content is not markup (`<textarea>`,
//! `<title>`, `<noscript>`, …; kept as they are). JSON-LD scripts are kept:
//! metadata reads them. Whenever the page does something the scan does not
//! model — a script body that opens `<!--` and nests `<script` (the
//! tokenizer's double-escaped state), an HTML tag that breaks out of an SVG,
//! `<math>`, `<plaintext>`, an unterminated element — it stops cutting and
//! copies the rest verbatim, so an odd page is parsed exactly as before.
//!
//! [`depth`] then flattens markup nested deeper than a browser builds it,
//! which would otherwise cost the tree builder time quadratic in the depth.

use std::borrow::Cow;

use memchr::{memchr, memmem};

use super::text::find_ignore_ascii_case;

pub mod depth;

/// `text` with the bodies of non-JSON-LD `<script>`s, `<style>`s and
/// `<svg>`s removed, and the attributes no stage reads (all but those the
/// private `kept` list names); borrowed unchanged when there is nothing to
/// cut.
pub fn strip(text: &str) -> Cow<'_, str> {
    strip_keeping(text, false)
}

/// [`strip`], keeping the `href` of every `<a>` when `links` (the Markdown
/// writes link targets; nothing else reads them).
pub fn strip_keeping(text: &str, links: bool) -> Cow<'_, str> {
    let mut cuts = Cuts::new(text);
    cuts.links = links;
    let b = text.as_bytes();
    let mut pos = 0;
    while let Some(off) = memchr(b'<', &b[pos..]) {
        if off > 1 {
            squeeze_gap(b, pos, pos + off, &mut cuts);
        }
        match step_at(b, pos + off, &mut cuts) {
            Some(next) => pos = next,
            // Something the scan does not model: keep the rest as it is.
            None => break,
        }
    }
    cuts.finish()
}

/// The output being built: `out` + `text[copied..]` from the scan position on.
struct Cuts<'a> {
    text: &'a str,
    out: String,
    copied: usize,
    /// The attributes of the tag being read, kept to reuse the allocation.
    attrs: Vec<Attr>,
    /// Keep `<a href>`.
    links: bool,
}

impl<'a> Cuts<'a> {
    /// Nothing cut yet.
    fn new(text: &'a str) -> Cuts<'a> {
        Cuts {
            text,
            out: String::new(),
            copied: 0,
            attrs: Vec::new(),
            links: false,
        }
    }

    /// The text with the cuts made: borrowed when there were none.
    fn finish(mut self) -> Cow<'a, str> {
        if self.copied == 0 {
            return Cow::Borrowed(self.text);
        }
        self.out.push_str(&self.text[self.copied..]);
        Cow::Owned(self.out)
    }

    /// Drops `text[from..to]`. Cuts come in increasing order and at ASCII
    /// bytes, so every slice is on a char boundary.
    fn cut(&mut self, from: usize, to: usize) {
        if self.out.is_empty() {
            self.out.reserve(self.text.len() / 2);
        }
        self.out.push_str(&self.text[self.copied..from]);
        self.copied = to;
    }
}

/// Shortens whitespace between two tags (`>\n        <`) to one character,
/// a newline if it held one: indentation is a sixth of a pretty-printed
/// page's bytes, each one copied into a text node that every later
/// stage collapses again. Text with anything but whitespace is untouched.
fn squeeze_gap(b: &[u8], from: usize, to: usize, cuts: &mut Cuts<'_>) {
    let gap = &b[from..to];
    if !gap.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    let keep = from + memchr(b'\n', gap).unwrap_or(0);
    cuts.cut(from, keep);
    cuts.cut(keep + 1, to);
}

/// Elements whose content is copied as it is, never scanned: those the
/// tokenizer reads as text up to the matching end tag, and `<pre>` and
/// `<listing>`, whose whitespace is content.
const UNSCANNED: &[&str] = &[
    "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "pre", "listing",
];

/// Handles the markup at `lt` (a `<`) and returns where to scan on; `None`
/// means stop cutting.
fn step_at(b: &[u8], lt: usize, cuts: &mut Cuts<'_>) -> Option<usize> {
    let rest = &b[lt + 1..];
    match rest.first() {
        Some(b'!') if rest.starts_with(b"!--") => {
            // No stage reads comments (clean drops them): the tokenizer need not copy them.
            let end = comment_end(b, lt + 4)?;
            cuts.cut(lt, end);
            Some(end)
        }
        Some(b'!' | b'?') => Some(lt + 1 + memchr(b'>', rest)? + 1),
        Some(b'/') => Some(tag_end(b, lt + 2, None)?.end),
        Some(c) if c.is_ascii_alphabetic() => start_tag(b, lt, cuts),
        // A lone `<` is text.
        _ => Some(lt + 1),
    }
}

/// A start tag at `lt`: unread attributes go, and so do the bodies of
/// scripts, styles and SVGs.
fn start_tag(b: &[u8], lt: usize, cuts: &mut Cuts<'_>) -> Option<usize> {
    let name_end = lt + 1 + b[lt + 1..].iter().position(|&c| ends_name(c))?;
    let mut attrs = std::mem::take(&mut cuts.attrs);
    attrs.clear();
    let tag = tag_end(b, name_end, Some(&mut attrs));
    let result = tag.and_then(|tag| element(b, lt, name_end, tag, &attrs, cuts));
    cuts.attrs = attrs;
    result
}

/// The rest of [`start_tag`] once the tag's end and attributes are known.
fn element(
    b: &[u8],
    lt: usize,
    name_end: usize,
    tag: TagEnd,
    attrs: &[Attr],
    cuts: &mut Cuts<'_>,
) -> Option<usize> {
    let name = &b[lt + 1..name_end];
    let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
    let cut_attrs = |cuts: &mut Cuts<'_>| {
        for a in attrs {
            let attr = &b[a.name.0..a.name.1];
            if unread_attribute(name, attr, a.value.map(|(s, e)| &b[s..e]), cuts.links) {
                cuts.cut(a.start, a.end);
            }
        }
    };
    if is("script") {
        let close = end_tag(b, tag.end, "script")?;
        let body = &b[tag.end..close];
        // `<!-- … <script>` inside a script changes where it ends.
        if let Some(open) = memmem::find(body, b"<!--")
            && find_ignore_ascii_case(&body[open..], b"<script").is_some()
        {
            return None;
        }
        cut_attrs(cuts);
        let json_ld = find_ignore_ascii_case(&b[name_end..tag.end], b"ld+json").is_some();
        if !json_ld && close > tag.end {
            cuts.cut(tag.end, close);
        }
        Some(close)
    } else if is("style") {
        let close = end_tag(b, tag.end, "style")?;
        cut_attrs(cuts);
        if close > tag.end {
            cuts.cut(tag.end, close);
        }
        Some(close)
    } else if is("svg") {
        cut_attrs(cuts);
        if tag.self_closing {
            return Some(tag.end);
        }
        let close = svg_end(b, tag.end)?;
        cuts.cut(tag.end, close);
        Some(close)
    } else if is("math") || is("plaintext") {
        None
    } else if let Some(t) = UNSCANNED.iter().find(|t| is(t)) {
        let close = end_tag(b, tag.end, t)?;
        cut_attrs(cuts);
        Some(close)
    } else {
        cut_attrs(cuts);
        Some(tag.end)
    }
}

/// Attributes some stage reads (selectors and `read_attr` calls in
/// `src/extract`; the test `every_attribute_read_is_kept` checks the
/// literal ones), plus the few the tree builder itself looks at (`type` of
/// a table's `<input>`, `color`/`face`/`size` of a `<font>` leaving foreign
/// content, `encoding` of MathML annotations). `metadata` also reads
/// `property`, `name`, `itemprop` and `http-equiv` of `<meta>` by variable.
/// A stage that starts reading another attribute must add it here; `href`
/// is kept on `<link>` and `<base>` alone (see [`unread_attribute`]), and
/// on `<a>` for the Markdown ([`strip_keeping`]).
fn kept(name: &[u8]) -> bool {
    matches!(
        name,
        b"class"
            | b"id"
            | b"href"
            | b"content"
            | b"value"
            | b"itemprop"
            | b"property"
            | b"name"
            | b"http-equiv"
            | b"rel"
            | b"type"
            | b"role"
            | b"hidden"
            | b"popover"
            | b"aria-hidden"
            | b"datetime"
            | b"pubdate"
            | b"lang"
            | b"xml:lang"
            | b"color"
            | b"face"
            | b"size"
            | b"encoding"
            | b"start"
    )
}

/// True for attributes no stage reads: everything outside [`kept`] (on the
/// dev pages `data-*` alone is a quarter of all attribute bytes, then
/// `src`, `alt`, `title`, `target`, `width`/`height`, SVG presentation
/// attributes, framework bindings), and inline styles that hide nothing
/// (`clean` looks only for `display:none` and `visibility:hidden`), and
/// `href` outside `<link>` and `<base>` (the canonical and base URL are
/// the only ones read; on the text's links it is a tenth of the page's
/// bytes), and outside `<a>` too when `links` (the Markdown's targets).
/// Every attribute left out is one the tokenizer does not copy, intern
/// and store.
fn unread_attribute(element: &[u8], name: &[u8], value: Option<&[u8]>, links: bool) -> bool {
    // Matched on a lower-cased copy, as the tokenizer lower-cases names.
    let mut lower = [0u8; 16];
    let Some(buf) = lower.get_mut(..name.len()) else {
        return true;
    };
    buf.copy_from_slice(name);
    buf.make_ascii_lowercase();
    match &*buf {
        b"style" => value.is_none_or(|v| !crate::extract::clean::style_may_hide(v)),
        b"href" => {
            !(element.eq_ignore_ascii_case(b"link")
                || element.eq_ignore_ascii_case(b"base")
                || (links && element.eq_ignore_ascii_case(b"a")))
        }
        _ => !kept(buf),
    }
}

/// Where a tag name stops.
fn ends_name(c: u8) -> bool {
    c.is_ascii_whitespace() || c == b'/' || c == b'>'
}

/// The end of a tag whose attributes start at `from`.
struct TagEnd {
    /// Just past the closing `>`.
    end: usize,
    /// The tag ends in `/>`.
    self_closing: bool,
}

/// One attribute of a tag, as byte ranges.
struct Attr {
    /// From the whitespace before the name to the end of the value.
    start: usize,
    end: usize,
    /// The name.
    name: (usize, usize),
    /// The value, without quotes.
    value: Option<(usize, usize)>,
}

/// Finds the `>` that closes a tag, reading its attributes the way the
/// tokenizer does (a quote opens a value only after `=`); pushes them onto
/// `attrs` when given. `None` when the page ends inside the tag.
fn tag_end(b: &[u8], from: usize, mut attrs: Option<&mut Vec<Attr>>) -> Option<TagEnd> {
    let at = |i: usize| b.get(i).copied();
    let skip_space = |mut i: usize| {
        while at(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        i
    };
    let mut i = from;
    loop {
        let start = i;
        i = skip_space(i);
        match at(i)? {
            b'>' => {
                return Some(TagEnd {
                    end: i + 1,
                    self_closing: i > from && b[i - 1] == b'/',
                });
            }
            b'/' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        // Name: up to whitespace, `/`, `>` or `=` (a leading `=` belongs to it).
        let name_start = i;
        i += 1;
        while at(i).is_some_and(|c| !(c.is_ascii_whitespace() || matches!(c, b'/' | b'>' | b'='))) {
            i += 1;
        }
        let name = (name_start, i);
        let mut value = None;
        let after_name = skip_space(i);
        if at(after_name) == Some(b'=') {
            let v = skip_space(after_name + 1);
            match at(v)? {
                q @ (b'"' | b'\'') => {
                    let close = v + 1 + memchr(q, &b[v + 1..])?;
                    value = Some((v + 1, close));
                    i = close + 1;
                }
                b'>' => i = v,
                _ => {
                    let mut e = v;
                    while at(e).is_some_and(|c| !(c.is_ascii_whitespace() || c == b'>')) {
                        e += 1;
                    }
                    value = Some((v, e));
                    i = e;
                }
            }
        }
        if let Some(list) = attrs.as_deref_mut() {
            list.push(Attr {
                start,
                end: i,
                name,
                value,
            });
        }
    }
}

/// Just past the `-->` or `--!>` (or the `>` of `<!-->` / `<!--->`) of a comment whose
/// text starts at `from`.
fn comment_end(b: &[u8], from: usize) -> Option<usize> {
    let rest = &b[from..];
    if rest.starts_with(b">") {
        return Some(from + 1);
    }
    if rest.starts_with(b"->") {
        return Some(from + 2);
    }
    // `-->`, or `--!>`, which the tokenizer also takes as the end.
    let mut i = from;
    loop {
        let at = i + memmem::find(&b[i..], b"--")?;
        match &b[at + 2..] {
            [b'>', ..] => return Some(at + 3),
            [b'!', b'>', ..] => return Some(at + 4),
            _ => i = at + 1,
        }
    }
}

/// The position of the `</name` that ends a raw-text element whose content
/// starts at `from` (followed by whitespace, `/` or `>`, like the tokenizer's
/// "appropriate end tag").
fn end_tag(b: &[u8], from: usize, name: &str) -> Option<usize> {
    let mut i = from;
    while let Some(off) = memmem::find(&b[i..], b"</") {
        let at = i + off;
        let after = at + 2 + name.len();
        if b.get(at + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && b.get(after).is_some_and(|&c| ends_name(c))
        {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

/// The position of the `</svg` that closes an `<svg>` whose content starts
/// at `from`, walking its markup (nested `<svg>`s, comments, CDATA). `None`
/// when an HTML element breaks out of the SVG or something else unmodelled
/// happens.
fn svg_end(b: &[u8], from: usize) -> Option<usize> {
    let mut depth = 1usize;
    let mut pos = from;
    loop {
        let lt = pos + memchr(b'<', &b[pos..])?;
        let rest = &b[lt + 1..];
        if rest.starts_with(b"!--") {
            pos = comment_end(b, lt + 4)?;
        } else if rest.starts_with(b"![CDATA[") {
            pos = lt + memmem::find(rest, b"]]>")? + 4;
        } else if rest.first() == Some(&b'/') {
            let name_end = lt + 2 + b[lt + 2..].iter().position(|&c| ends_name(c))?;
            let end = tag_end(b, name_end, None)?.end;
            if b[lt + 2..name_end].eq_ignore_ascii_case(b"svg") {
                depth -= 1;
                if depth == 0 {
                    return Some(lt);
                }
            }
            pos = end;
        } else if rest.first().is_some_and(u8::is_ascii_alphabetic) {
            let name_end = lt + 1 + b[lt + 1..].iter().position(|&c| ends_name(c))?;
            let name = &b[lt + 1..name_end];
            if breaks_out_of_svg(name) {
                return None;
            }
            let tag = tag_end(b, name_end, None)?;
            if name.eq_ignore_ascii_case(b"svg") && !tag.self_closing {
                depth += 1;
            }
            pos = tag.end;
        } else {
            pos = lt + 1;
        }
    }
}

/// HTML start tags that close an open SVG (the tree builder's "breakout"
/// list for foreign content; `<font>` breaks out only with some attributes,
/// counted here always), and `<foreignObject>`, whose HTML content the scan
/// does not model.
fn breaks_out_of_svg(name: &[u8]) -> bool {
    const NAMES: &[&str] = &[
        "b",
        "big",
        "blockquote",
        "body",
        "br",
        "center",
        "code",
        "dd",
        "div",
        "dl",
        "dt",
        "em",
        "embed",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "hr",
        "i",
        "img",
        "li",
        "listing",
        "menu",
        "meta",
        "nobr",
        "ol",
        "p",
        "pre",
        "ruby",
        "s",
        "small",
        "span",
        "strong",
        "strike",
        "sub",
        "sup",
        "table",
        "tt",
        "u",
        "ul",
        "var",
        "font",
        "foreignobject",
    ];
    NAMES
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
}

#[cfg(test)]
mod tests;
