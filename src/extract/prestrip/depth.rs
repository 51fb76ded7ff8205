//! Flattens markup nested deeper than a browser would build it.
//!
//! The HTML tree builder looks down its stack of open elements on almost
//! every start tag (is a `<p>` open in button scope?), so the cost of a page
//! grows with its tags times its depth: a megabyte of nested `<div>`s, which
//! no template produces but any hostile or broken page can, keeps it busy for
//! seconds, and an 8 MB body for hours. Browsers stop at a fixed depth
//! (Blink's parser adds deeper elements as siblings); this scan does the
//! same before parsing. It models the stack, a start tag pushing and an end
//! tag popping the way the tree builder pops (`</div>` back to its match,
//! `</span>` not past a block opened inside it), and cuts the start and end
//! tags beyond [`MAX_DEPTH`] while keeping everything between them: the
//! page reads the same, only flatter. Elements whose end tags are optional
//! are not counted, so a real page is never touched, and comes back
//! borrowed.

use std::borrow::Cow;

use memchr::memchr;

use super::{Cuts, comment_end, end_tag, ends_name, tag_end};

/// The deepest nesting kept, as in Blink. Real pages stay far below it: the
/// deepest of the 1,358 development pages reaches 53 by this scan's count.
pub const MAX_DEPTH: usize = 512;

/// `text` with the tags nested deeper than [`MAX_DEPTH`] cut (their content
/// kept); borrowed unchanged when it never nests that deep.
pub fn flatten(text: &str) -> Cow<'_, str> {
    scan(text).cuts.finish()
}

/// The deepest nesting of `text` by the scan's count, limit included: how
/// far a page is from being flattened.
pub fn deepest(text: &str) -> usize {
    scan(text).deepest
}

fn scan(text: &str) -> Scan<'_> {
    let mut scan = Scan {
        b: text.as_bytes(),
        stack: Vec::new(),
        dropped: Vec::new(),
        deepest: 0,
        cuts: Cuts::new(text),
    };
    scan.run();
    scan
}

/// The scan's state: the modelled stack of open elements, and how many
/// start tags of each name were cut and await their end tag.
struct Scan<'a> {
    b: &'a [u8],
    stack: Vec<Open>,
    dropped: Vec<(u64, usize)>,
    deepest: usize,
    cuts: Cuts<'a>,
}

impl Scan<'_> {
    fn run(&mut self) {
        let b = self.b;
        let mut pos = 0;
        while let Some(off) = memchr(b'<', &b[pos..]) {
            match self.step(pos + off) {
                Some(next) => pos = next,
                // The rest is text or an unterminated tag: nothing to count.
                None => return,
            }
        }
    }

    /// Handles the markup at `lt` (a `<`) and returns where to scan on.
    fn step(&mut self, lt: usize) -> Option<usize> {
        let b = self.b;
        let rest = &b[lt + 1..];
        match rest.first() {
            Some(b'!') if rest.starts_with(b"!--") => comment_end(b, lt + 4),
            Some(b'!' | b'?') => Some(lt + 1 + memchr(b'>', rest)? + 1),
            Some(b'/') if rest.get(1).is_some_and(u8::is_ascii_alphabetic) => {
                let name_end = lt + 2 + b[lt + 2..].iter().position(|&c| ends_name(c))?;
                let end = tag_end(b, name_end, None)?.end;
                let name = &b[lt + 2..name_end];
                self.end_tag(Open::new(name, hash(name)), lt, end);
                Some(end)
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let name_end = lt + 1 + b[lt + 1..].iter().position(|&c| ends_name(c))?;
                let name = &b[lt + 1..name_end];
                let h = hash(name);
                let end = tag_end(b, name_end, None)?.end;
                if let Some(i) = listed(name, h, RAW_TEXT, &RAW_TEXT_HASHES) {
                    // Its content is text up to its end tag, whatever it looks like.
                    return end_tag(b, end, RAW_TEXT[i]);
                }
                if name.eq_ignore_ascii_case(b"plaintext") {
                    return None;
                }
                if listed(name, h, UNCOUNTED, &UNCOUNTED_HASHES).is_none() {
                    self.start_tag(Open::new(name, h), lt, end);
                }
                Some(end)
            }
            _ => Some(lt + 1),
        }
    }

    /// A counted start tag `b[lt..end]`: pushed, or cut past the limit. A
    /// self-closing `<div/>` counts too: outside SVG and MathML the parser
    /// leaves it open (inside them the end tag of the `<svg>` pops it).
    fn start_tag(&mut self, open: Open, lt: usize, end: usize) {
        if self.stack.len() < MAX_DEPTH {
            self.stack.push(open);
            self.deepest = self.deepest.max(self.stack.len());
            return;
        }
        self.cuts.cut(lt, end);
        match self.dropped.iter_mut().find(|(n, _)| *n == open.name) {
            Some((_, count)) => *count += 1,
            None => self.dropped.push((open.name, 1)),
        }
    }

    /// An end tag `b[lt..end]`: cut when it closes a cut start tag (the
    /// innermost come first); else it does to the stack what the tree
    /// builder does. `</div>` pops back to its `<div>`, unless a table or
    /// the like stands between (the `<div>` is then out of scope); `</b>`
    /// takes its `<b>` off and leaves the blocks opened inside it (the
    /// adoption agency); `</span>` is ignored when a block was opened inside
    /// the `<span>`. An end tag without a start tag is ignored. Popping more
    /// than the parser would let a page nest past the limit unseen.
    fn end_tag(&mut self, close: Open, lt: usize, end: usize) {
        if let Some((_, count)) = self
            .dropped
            .iter_mut()
            .find(|(n, c)| *n == close.name && *c > 0)
        {
            *count -= 1;
            self.cuts.cut(lt, end);
            return;
        }
        let Some(i) = self.stack.iter().rposition(|o| o.name == close.name) else {
            return;
        };
        let above = &self.stack[i + 1..];
        let boundary = above.iter().any(|o| o.kind == Kind::Boundary);
        let block = above
            .iter()
            .any(|o| matches!(o.kind, Kind::Special | Kind::Boundary));
        match close.kind {
            Kind::Boundary => self.stack.truncate(i),
            Kind::Special if !boundary => self.stack.truncate(i),
            Kind::Formatting if !boundary && block => {
                self.stack.remove(i);
            }
            Kind::Formatting | Kind::Ordinary if !block => self.stack.truncate(i),
            _ => {}
        }
    }
}

/// One element on the modelled stack.
#[derive(Clone, Copy)]
struct Open {
    name: u64,
    kind: Kind,
}

/// How the tree builder treats an element's end tag (the HTML standard's
/// element categories, as far as they matter here).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Ends the scope of the elements below it (`<table>`, `<object>`).
    Boundary,
    /// A block the parser never closes implicitly for an inline end tag
    /// (`<div>`, `<section>`, `<ul>`).
    Special,
    /// `<b>`, `<a>`, `<font>`: closed by the adoption agency.
    Formatting,
    /// Everything else (`<span>`, custom elements).
    Ordinary,
}

impl Open {
    fn new(name: &[u8], hash: u64) -> Open {
        let named = |list: &[&str], hashes: &[u64]| listed(name, hash, list, hashes).is_some();
        let kind = if named(BOUNDARY, &BOUNDARY_HASHES) {
            Kind::Boundary
        } else if named(SPECIAL, &SPECIAL_HASHES) {
            Kind::Special
        } else if named(FORMATTING, &FORMATTING_HASHES) {
            Kind::Formatting
        } else {
            Kind::Ordinary
        };
        Open { name: hash, kind }
    }
}

/// Elements that bound a scope (those of them the scan counts).
const BOUNDARY: &[&str] = &[
    "table", "caption", "applet", "marquee", "object", "template",
];

/// The standard's "special" elements that the scan counts, boundaries aside.
const SPECIAL: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "button",
    "center",
    "colgroup",
    "details",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "pre",
    "search",
    "section",
    "select",
    "summary",
    "ul",
    "foreignobject",
    "desc",
    "mi",
    "mo",
    "mn",
    "ms",
    "mtext",
    "annotation-xml",
];

/// Formatting elements, closed by the adoption agency.
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// Elements whose content the tokenizer reads as text up to their end tag
/// (with scripting on, as `scraper` parses).
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Start tags that never deepen the stack by themselves: void elements, and
/// those the parser closes when the next of their kind opens (`<li>`, `<p>`,
/// table cells and rows), plus the three it merges into one.
const UNCOUNTED: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "basefont", "bgsound", "frame", "p", "li", "dt", "dd", "option",
    "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "rb", "rt", "rtc", "rp", "html",
    "head", "body",
];

/// The name lists as hashes: one pass of integer compares per tag instead
/// of dozens of string compares.
const RAW_TEXT_HASHES: [u64; RAW_TEXT.len()] = hashes(RAW_TEXT);
const UNCOUNTED_HASHES: [u64; UNCOUNTED.len()] = hashes(UNCOUNTED);
const BOUNDARY_HASHES: [u64; BOUNDARY.len()] = hashes(BOUNDARY);
const SPECIAL_HASHES: [u64; SPECIAL.len()] = hashes(SPECIAL);
const FORMATTING_HASHES: [u64; FORMATTING.len()] = hashes(FORMATTING);

/// Where `name` (whose hash is `hash`) stands in `list`: the hash finds the
/// candidate, the name confirms it, so a crafted name that shares a hash
/// is not taken for a listed one.
fn listed(name: &[u8], hash: u64, list: &[&str], hashes: &[u64]) -> Option<usize> {
    hashes
        .iter()
        .position(|&x| x == hash)
        .filter(|&i| name.eq_ignore_ascii_case(list[i].as_bytes()))
}

const fn hashes<const N: usize>(names: &[&str]) -> [u64; N] {
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = hash(names[i].as_bytes());
        i += 1;
    }
    out
}

/// A case-blind hash of a tag name (FNV-1a): the stack holds these instead
/// of names, so the scan allocates nothing per tag. (A list match is
/// confirmed by the name; two names with one hash on the stack only make
/// an end tag match the wrong one.)
const fn hash(name: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < name.len() {
        h = (h ^ name[i].to_ascii_lowercase() as u64).wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(html: &str) -> String {
        let doc = scraper::Html::parse_document(html);
        crate::extract::text::normalize_space(&doc.root_element().text().collect::<String>())
    }

    /// The depth of the deepest node once `html` is parsed.
    fn tree_depth(html: &str) -> usize {
        let doc = scraper::Html::parse_document(html);
        doc.root_element()
            .descendants()
            .map(|n| n.ancestors().count())
            .max()
            .unwrap_or(0)
    }

    fn nested(tag: &str, depth: usize, inner: &str) -> String {
        format!(
            "<body>{}{inner}{}<p>after</p></body>",
            format!("<{tag}>").repeat(depth),
            format!("</{tag}>").repeat(depth)
        )
    }

    #[test]
    fn real_nesting_is_untouched() {
        let html = nested("div", MAX_DEPTH, "<p>deep text</p>");
        assert!(matches!(flatten(&html), Cow::Borrowed(_)));
        assert_eq!(deepest(&html), MAX_DEPTH);
        // Optional end tags and void elements do not count.
        let list = "<ul><li><p>a<li><p>b<br><img src=x></ul>".repeat(2000);
        assert_eq!(deepest(&list), 1);
    }

    #[test]
    fn nesting_past_the_limit_is_flattened_text_kept() {
        let html = nested("div", 3 * MAX_DEPTH, "<p>deep text</p>");
        let flat = flatten(&html);
        assert_eq!(deepest(&flat), MAX_DEPTH);
        assert_eq!(flat.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(flat.matches("</div>").count(), MAX_DEPTH);
        assert_eq!(text_of(&flat), text_of(&html));
        // The parsed tree is no deeper than the limit (plus html, body, p).
        let depth = tree_depth(&flat);
        assert!(depth <= MAX_DEPTH + 5, "{depth}");
    }

    #[test]
    fn unclosed_and_self_closed_tags_count() {
        // Neither `<div/>` nor a missing end tag closes a `<div>` for the parser.
        for html in [
            "<div/>".repeat(2 * MAX_DEPTH),
            "<span>x".repeat(2 * MAX_DEPTH),
        ] {
            let flat = flatten(&html);
            assert_eq!(deepest(&flat), MAX_DEPTH);
            assert_eq!(text_of(&flat), text_of(&html));
        }
    }

    #[test]
    fn end_tags_pop_to_their_match() {
        // `</div>` closes the `<span>`s left open inside it.
        let html = "<div><span><span>x</div>".repeat(3 * MAX_DEPTH);
        assert_eq!(deepest(&html), 3);
        assert!(matches!(flatten(&html), Cow::Borrowed(_)));
        // An end tag without a start tag changes nothing.
        assert_eq!(deepest(&"</div><b>x</b>".repeat(1000)), 1);
    }

    /// End tags the parser ignores must not pop the model: `</span>` past a
    /// block opened inside the span, `</div>` past a table. A page built
    /// on them nests as deep as plain `<div>`s do.
    #[test]
    fn ignored_end_tags_do_not_pop() {
        for (open, step) in [
            ("<span>", "<div></span>"),
            (
                "<div><table>",
                "<caption><div></div></caption><section></div>",
            ),
            ("<b>", "<div></b><b>"),
        ] {
            let html = format!("<body>{open}{}</body>", step.repeat(3 * MAX_DEPTH));
            assert!(deepest(&html) >= MAX_DEPTH, "{step}");
            let depth = tree_depth(&flatten(&html));
            assert!(depth <= 2 * MAX_DEPTH + 8, "{step}: {depth}");
        }
        // What the parser does pop, the model pops too.
        assert_eq!(
            deepest(&"<span>x</span><div><b>y</b></div>".repeat(2000)),
            2
        );
    }

    #[test]
    fn markup_in_raw_text_comments_and_attributes_is_not_counted() {
        let deep = "<div>".repeat(3 * MAX_DEPTH);
        for html in [
            format!("<script>{deep}</script><p>x"),
            format!("<textarea>{deep}</textarea>"),
            format!("<!-- {deep} --><p>x"),
            format!("<a title='{deep}'>x</a>"),
        ] {
            assert_eq!(
                deepest(&html),
                usize::from(html.starts_with("<a")),
                "{html:.30}"
            );
            assert!(matches!(flatten(&html), Cow::Borrowed(_)));
        }
    }

    /// Random tag soup (unclosed tags, stray end tags, quotes, comments,
    /// raw-text elements, multi-byte text): never a panic, the text that a
    /// parser reads from it unchanged, and no deeper than the limit.
    #[test]
    fn tag_soup_keeps_its_text() {
        const PIECES: &[&str] = &[
            "<div>",
            "</div>",
            "<span class='a>b'>",
            "</span>",
            "<b>",
            "</i>",
            "<p>",
            "<li>",
            "<div/>",
            "<!-- <div> -->",
            "<script><div></script>",
            "<title>x</title>",
            "é",
            "word ",
            "<",
            ">",
            "\"",
            "<table><tr><td>",
            "</table>",
            "<svg><path/></svg>",
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut flattened = 0;
        for round in 0..40_usize {
            let html: String = (0..3_000)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Mostly openers in some rounds, to go past the limit.
                    let i = (x % PIECES.len() as u64) as usize;
                    if round.is_multiple_of(2) && !i.is_multiple_of(3) {
                        "<div>"
                    } else {
                        PIECES[i]
                    }
                })
                .collect();
            let flat = flatten(&html);
            flattened += usize::from(matches!(flat, Cow::Owned(_)));
            assert!(deepest(&flat) <= MAX_DEPTH);
            assert_eq!(text_of(&flat), text_of(&html), "round {round}");
        }
        assert!(
            flattened >= 10,
            "only {flattened} rounds went past the limit"
        );
    }

    #[test]
    fn hash_ignores_case() {
        assert_eq!(hash(b"DIV"), hash(b"div"));
        assert_ne!(hash(b"div"), hash(b"span"));
    }
}
