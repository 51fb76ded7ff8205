//! The document the stages share: parsed HTML plus the record being filled.
//!
//! The tree is never mutated. The `clean` stage marks boilerplate subtrees in
//! [`Doc::dropped`] instead of detaching them, so later stages can still read
//! what lives there (a headline inside a `<header>`, JSON-LD in a `<script>`)
//! while the content stage skips it.
//!
//! `scraper::Html` is not `Send`: a `Doc` lives inside one synchronous
//! pipeline call and never crosses an `.await`.

use rustc_hash::FxHashSet as HashSet;
use std::cell::OnceCell;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use url::Url;

use crate::extract::text::{normalize_space, unescape};
use crate::record::Article;

/// `css!("…")`: a `&'static Selector` compiled on first use and kept in a
/// `LazyLock` static, so hot paths do not re-parse selectors per page.
macro_rules! css {
    ($s:expr $(,)?) => {{
        static SELECTOR: std::sync::LazyLock<scraper::Selector> =
            std::sync::LazyLock::new(|| $crate::extract::doc::selector($s));
        &*SELECTOR
    }};
}
pub(crate) use css;

/// `needles!["a", "b"]`: a `&'static AhoCorasick` over the given substrings,
/// built on first use. Finds whether any of several needles occurs in one
/// pass; a class scan runs it on every element of the page, where one
/// `str::contains` per needle cost a searcher set-up each.
macro_rules! needles {
    ($($n:expr),+ $(,)?) => {{
        static NEEDLES: std::sync::LazyLock<aho_corasick::AhoCorasick> =
            std::sync::LazyLock::new(|| {
                aho_corasick::AhoCorasick::new([$($n),+]).expect("valid needles")
            });
        &*NEEDLES
    }};
}
pub(crate) use needles;

/// One page being extracted.
pub struct Doc {
    /// The parsed page.
    pub html: Html,
    /// URL against which relative links resolve (after `<base href>`).
    pub base_url: Option<Url>,
    /// The record the stages fill in.
    pub record: Article,
    /// Roots of subtrees that the content stage must skip.
    pub dropped: HashSet<NodeId>,
    /// Whether the page is a discussion (forum thread, Q&A, comment page),
    /// once the clean stage has decided: by its markup, or as a link post
    /// (next to no text above a long thread), which only clean can tell.
    /// `None` before clean runs, or when it is not configured.
    pub discussion: Option<bool>,
    /// Every JSON-LD object on the page, `@graph`s and arrays flattened.
    pub json_ld: Vec<Value>,
    /// Where the user says the article is (a feed's `content_selector`):
    /// the content stage takes those elements' text when they have any.
    pub content_selector: Option<super::content::ContentSelector>,
    /// Whether the content stage also writes the text as Markdown
    /// (`[extract] markdown`).
    pub markdown: bool,
    /// `<title>` and `<h1>` texts, read once for the content and metadata stages.
    headlines: OnceCell<Headlines>,
    /// The first `og:type`, read once for the clean, content and status rules.
    og_type: OnceCell<String>,
    /// The elements [`Doc::tagged`] serves, in document order.
    tagged: Vec<NodeId>,
}

/// The page's visible headline candidates, whitespace-normalized.
#[derive(Debug, Default)]
pub struct Headlines {
    /// The first `<title>`, if any and not blank.
    pub title: Option<String>,
    /// The first few `<h1>` elements that have text, in page order.
    pub h1: Vec<String>,
}

impl Doc {
    /// Parses `text` (script, style and SVG bodies cut first, and nesting
    /// past a browser's limit flattened: see [`prestrip`](super::prestrip))
    /// and collects what several stages need.
    pub fn parse(text: &str, base_url: Option<Url>, record: Article) -> Doc {
        Doc::parse_for(text, base_url, record, false)
    }

    /// [`Doc::parse`], for a pipeline that writes Markdown when `markdown`
    /// (the links' targets are then kept).
    pub fn parse_for(text: &str, base_url: Option<Url>, record: Article, markdown: bool) -> Doc {
        let stripped = super::prestrip::strip_keeping(text, markdown);
        let html = Html::parse_document(&super::prestrip::depth::flatten(&stripped));
        let tagged = html
            .root_element()
            .descendants()
            .filter(|n| n.value().as_element().is_some_and(|e| is_tagged(e.name())))
            .map(|n| n.id())
            .collect();
        let mut doc = Doc {
            html,
            base_url: None,
            record,
            dropped: HashSet::default(),
            discussion: None,
            json_ld: Vec::new(),
            content_selector: None,
            markdown,
            headlines: OnceCell::new(),
            og_type: OnceCell::new(),
            tagged,
        };
        doc.base_url = resolve_base(&doc, base_url);
        doc.json_ld = collect_json_ld(&doc);
        doc
    }

    /// A page with no URL, read now: what the unit tests parse.
    #[cfg(test)]
    pub(crate) fn from_html(text: &str) -> Doc {
        Doc::parse(text, None, Article::new(chrono::Utc::now()))
    }

    /// The elements named one of `names`, in document order. Only `base`,
    /// `h1`, `link`, `meta`, `noscript`, `script` and `title` are served
    /// (an empty iterator for others): the head's metadata, scripts,
    /// headlines and `<noscript>`, which a dozen rules look up by name
    /// alone. They are gathered in one walk at parse time, where each rule
    /// used to walk the whole tree.
    pub fn tagged<'a>(&'a self, names: &'a [&str]) -> impl Iterator<Item = ElementRef<'a>> + 'a {
        debug_assert!(names.iter().all(|n| is_tagged(n)), "{names:?}");
        self.tagged
            .iter()
            .filter_map(|&id| self.html.tree.get(id).and_then(ElementRef::wrap))
            .filter(move |e| names.contains(&e.value().name()))
    }

    /// The page's first `og:type` (`article`, `product`, …), trimmed and
    /// lower-cased; empty when there is none. Several rules ask, and each
    /// lookup would otherwise walk the whole tree.
    pub fn og_type(&self) -> &str {
        self.og_type.get_or_init(|| {
            self.tagged(&["meta"])
                .filter(|m| m.value().read_attr("property") == Some("og:type"))
                .filter_map(|m| m.value().read_attr("content"))
                .map(|c| c.trim().to_ascii_lowercase())
                .next()
                .unwrap_or_default()
        })
    }

    /// The finished record.
    pub fn finish(self) -> Article {
        self.record
    }

    /// `href` made absolute against the page URL; `None` if it cannot be.
    pub fn absolute_url(&self, href: &str) -> Option<String> {
        let href = href.trim();
        if href.is_empty() || href.starts_with("data:") || href.starts_with("javascript:") {
            return None;
        }
        match &self.base_url {
            Some(base) => base.join(href).ok().map(String::from),
            None => Url::parse(href).ok().map(String::from),
        }
    }

    /// `<title>` and `<h1>` texts (entities decoded, whitespace normalized),
    /// computed on first use: both the content stage (to drop the repeated
    /// headline) and the metadata stage (to pick the title) need them.
    pub fn headlines(&self) -> &Headlines {
        self.headlines.get_or_init(|| {
            let clean =
                |text: String| Some(normalize_space(&unescape(&text))).filter(|s| !s.is_empty());
            Headlines {
                title: self
                    .tagged(&["title"])
                    .next()
                    .and_then(|e| clean(e.text().collect())),
                h1: self
                    .tagged(&["h1"])
                    .filter_map(|e| clean(heading_text(e)))
                    .map(|h| without_anchor_glyph(&h).to_owned())
                    .filter(|h| !h.is_empty())
                    .take(5)
                    .collect(),
            }
        })
    }

    /// The `<body>` element, or the root when the page has none.
    pub fn body(&self) -> ElementRef<'_> {
        self.html
            .root_element()
            .children()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "body")
            .unwrap_or_else(|| self.html.root_element())
    }

    /// Every element of the page in document order (what `html.select`
    /// walks), for the rules whose test is cheaper written out than as a
    /// selector: a `[class*="…"]` list is one attribute scan per
    /// alternative, on every element.
    pub fn elements(&self) -> impl Iterator<Item = ElementRef<'_>> {
        self.html
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
    }
}

/// The words of a heading as the reader sees them: a `<br>` parts two
/// words (`Rebuilding the Legacy<br>of American Made`), and the text of
/// buttons inside it (`Copy item path`) is not part of it.
fn heading_text(heading: ElementRef<'_>) -> String {
    let mut out = String::new();
    for node in heading.descendants() {
        match node.value() {
            scraper::Node::Text(t) => {
                let in_button = node
                    .ancestors()
                    .take_while(|a| a.id() != heading.id())
                    .any(|a| a.value().as_element().is_some_and(|e| e.name() == "button"));
                if !in_button {
                    out.push_str(t);
                }
            }
            scraper::Node::Element(e) if e.name() == "br" => out.push(' '),
            _ => {}
        }
    }
    out
}

/// `heading` without a trailing permalink glyph (`Quickstart ¶`, `Install #`):
/// documentation generators put one inside every heading as its anchor link.
/// `¶` and `🔗` go wherever they stand; `#` and `§` only when they stand
/// apart (`C#` keeps its `#`).
fn without_anchor_glyph(heading: &str) -> &str {
    if let Some(rest) = heading.strip_suffix(['¶', '🔗']) {
        return rest.trim_end();
    }
    match heading.strip_suffix(['#', '§']) {
        Some(rest) if rest.ends_with(char::is_whitespace) || rest.is_empty() => rest.trim_end(),
        _ => heading,
    }
}

/// True when the element's `name` attribute contains one of `needles`
/// (built with `needles!`), case-sensitively: CSS `[name*="…"]` for
/// several values at once.
pub fn attr_contains(
    e: &scraper::node::Element,
    name: &str,
    needles: &aho_corasick::AhoCorasick,
) -> bool {
    e.read_attr(name).is_some_and(|v| needles.is_match(v))
}

impl Doc {
    /// The first `max_bytes` (roughly) of the body's visible text, text
    /// nodes separated by spaces: where datelines and bylines sit.
    pub fn opening_text(&self, max_bytes: usize) -> String {
        self.visible_text_from(None, max_bytes)
    }

    /// Like [`Doc::opening_text`], but starting at the headline's container
    /// (the parent of the first `<h1>`): the byline and dateline sit next to
    /// the headline, after however much navigation the page opens with.
    /// `None` when the page has no `<h1>`.
    pub fn headline_text(&self, max_bytes: usize) -> Option<String> {
        let h1 = self.tagged(&["h1"]).find(|h| in_body(*h))?;
        let start = h1.parent().map_or(h1.id(), |p| p.id());
        Some(self.visible_text_from(Some(start), max_bytes))
    }

    /// Visible text of the body from node `start` on (document order).
    fn visible_text_from(&self, start: Option<NodeId>, max_bytes: usize) -> String {
        let start = start
            .and_then(|id| self.html.tree.get(id))
            .unwrap_or_else(|| *self.body());
        let mut text = String::new();
        // The start node's subtree, then each following sibling's subtree,
        // then those of the ancestors' following siblings: document order
        // from `start` on, without walking what comes before it.
        let mut node = Some(start);
        while let Some(n) = node {
            for d in n.descendants() {
                let Some(t) = d.value().as_text() else {
                    continue;
                };
                let parent = d
                    .parent()
                    .and_then(|p| p.value().as_element().map(|e| e.name()));
                if parent.is_some_and(holds_unseen_text) {
                    continue;
                }
                text.push_str(t);
                text.push(' ');
                if text.len() > max_bytes {
                    return text;
                }
            }
            node = n.next_sibling().or_else(|| {
                n.ancestors()
                    .take_while(|a| a.id() != self.body().id())
                    .find_map(|a| a.next_sibling())
            });
            if n.id() == self.body().id() {
                break;
            }
        }
        text
    }
}

/// Elements whose text is never shown as such: scripts, styles, and the
/// raw markup of `<noscript>` and `<template>`.
pub fn holds_unseen_text(name: &str) -> bool {
    matches!(name, "script" | "style" | "noscript" | "template")
}

/// An attribute's value by name, read without interning the name.
///
/// scraper's own `Element::attr` turns the name into an atom (a hash and a
/// table lookup) on every call before its search; the stages ask every
/// element of every page for its class, id and role, and that interning was
/// 2% of extraction. This compares the few attribute names an element has
/// (the pre-strip leaves only those some stage reads) as strings.
pub trait ReadAttr {
    /// The value of the attribute `name` (lower case, as the parser stores it).
    fn read_attr(&self, name: &str) -> Option<&str>;
}

impl ReadAttr for scraper::node::Element {
    fn read_attr(&self, name: &str) -> Option<&str> {
        self.attrs().find_map(|(n, v)| (n == name).then_some(v))
    }
}

/// The names in an element's `class` attribute.
///
/// Reads the attribute instead of [`scraper::node::Element::classes`], which
/// interns every name into a process-wide atom table on first use: the
/// stages look at the classes of every element of every page, and interning
/// them cost more than the checks themselves.
pub fn class_names(e: &scraper::node::Element) -> std::str::SplitAsciiWhitespace<'_> {
    e.read_attr("class").unwrap_or("").split_ascii_whitespace()
}

/// A selector compiled from a literal known to be valid.
///
/// Panics only on a programming error in the literal; every call site uses a
/// constant, and each is exercised by the tests. Prefer `css!`, which
/// compiles the selector once per process instead of once per call.
pub fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("invalid built-in selector {css:?}: {e:?}"))
}

/// Element names [`Doc::tagged`] serves.
fn is_tagged(name: &str) -> bool {
    matches!(
        name,
        "base" | "h1" | "link" | "meta" | "noscript" | "script" | "title"
    )
}

/// True when the element's `rel` holds `token` (CSS `[rel~="…"]`, which
/// compares `rel` in any case on HTML): `rel="canonical"`, `rel="author"`.
pub fn has_rel(e: &scraper::node::Element, token: &str) -> bool {
    e.read_attr("rel").is_some_and(|r| {
        r.split_ascii_whitespace()
            .any(|t| t.eq_ignore_ascii_case(token))
    })
}

/// True when `e` sits inside the `<body>` (CSS `body e`).
pub fn in_body(e: ElementRef<'_>) -> bool {
    e.ancestors()
        .any(|a| a.value().as_element().is_some_and(|p| p.name() == "body"))
}

/// Applies `<base href>` to the page URL.
fn resolve_base(doc: &Doc, page_url: Option<Url>) -> Option<Url> {
    let base_href = doc
        .tagged(&["base"])
        .find_map(|b| b.value().read_attr("href"));
    match (page_url, base_href) {
        (Some(page), Some(href)) => page.join(href).ok().or(Some(page)),
        (None, Some(href)) => Url::parse(href).ok(),
        (Some(page), None) => Some(page),
        // A saved page with no URL given: its absolute canonical link is the
        // best base for relative links.
        // (`link[rel~="canonical"][href], meta[property="og:url"][content]`)
        (None, None) => doc
            .tagged(&["link", "meta"])
            .map(|e| e.value())
            .filter_map(|e| match e.name() {
                "link" if has_rel(e, "canonical") => e.read_attr("href"),
                "meta" if e.read_attr("property") == Some("og:url") => e.read_attr("content"),
                _ => None,
            })
            .find_map(|h| Url::parse(h.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https")),
    }
}

/// Parses every `<script type="application/ld+json">` block, tolerating the
/// usual breakage (HTML comments, trailing semicolons, control characters).
fn collect_json_ld(doc: &Doc) -> Vec<Value> {
    let mut out = Vec::new();
    // `type` compares in any case, as the selector `[type="…"]` did on HTML.
    let json_ld = |s: &ElementRef<'_>| {
        s.value()
            .read_attr("type")
            .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json"))
    };
    for script in doc.tagged(&["script"]).filter(json_ld) {
        let raw: String = script.text().collect();
        let cleaned = raw
            .trim()
            .trim_start_matches("<!--")
            .trim_end_matches("-->")
            .trim()
            .trim_end_matches(';');
        let value = serde_json::from_str::<Value>(cleaned).or_else(|_| {
            let no_ctrl: String = cleaned
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            serde_json::from_str::<Value>(&no_ctrl)
        });
        if let Ok(v) = value {
            flatten_json_ld(v, &mut out, 0);
        }
    }
    out
}

fn flatten_json_ld(v: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 4 {
        return;
    }
    match v {
        Value::Array(items) => {
            for item in items {
                flatten_json_ld(item, out, depth + 1);
            }
        }
        Value::Object(mut map) => {
            if let Some(graph) = map.remove("@graph") {
                flatten_json_ld(graph, out, depth + 1);
            }
            if !map.is_empty() {
                out.push(Value::Object(map));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn tagged_elements_come_in_page_order_and_attributes_read_by_name() {
        let html = r#"<html><head><meta name=a content=1><title>T</title>
            <script type="APPLICATION/LD+JSON">{"@type":"Thing"}</script></head>
            <body><h1 ID=x>One</h1><meta name=b content=2><div><h1>Two</h1></div></body></html>"#;
        let doc = Doc::from_html(html);
        let names: Vec<&str> = doc
            .tagged(&["meta", "h1"])
            .map(|e| {
                e.value()
                    .read_attr("name")
                    .or(e.value().read_attr("id"))
                    .unwrap_or("-")
            })
            .collect();
        assert_eq!(names, ["a", "x", "b", "-"]);
        assert_eq!(doc.tagged(&["title"]).count(), 1);
        // `type` compares in any case, as in a selector on HTML.
        assert_eq!(doc.json_ld.len(), 1);
        assert_eq!(doc.headlines().h1, ["One", "Two"]);
    }

    #[test]
    fn headings_lose_their_permalink_glyph() {
        let html = "<h1>Quickstart ¶</h1><h1>Learn C#</h1><h1>Install\n  #</h1><h1>¶</h1>\
            <h1>Usage<a class=headerlink>¶</a></h1>";
        let doc = Doc::from_html(html);
        assert_eq!(
            doc.headlines().h1,
            ["Quickstart", "Learn C#", "Install", "Usage"]
        );
    }

    #[test]
    fn a_line_break_parts_heading_words_and_buttons_are_not_read() {
        let html = "<h1>Rebuilding the Legacy<br>of Made<button>Copy <b>path</b></button></h1>";
        let doc = Doc::from_html(html);
        assert_eq!(doc.headlines().h1, ["Rebuilding the Legacy of Made"]);
    }

    #[test]
    fn rel_tokens_compare_in_any_case_and_a_saved_page_takes_its_canonical_base() {
        let html = r#"<link rel="preload" href="/x.css"><link REL="Alternate CANONICAL" href="https://news.example/a/story">
            <a href="rel/img.png">x</a>"#;
        let doc = Doc::from_html(html);
        let links: Vec<bool> = doc
            .tagged(&["link"])
            .map(|l| has_rel(l.value(), "canonical"))
            .collect();
        assert_eq!(links, [false, true]);
        assert_eq!(
            doc.base_url.as_ref().map(Url::as_str),
            Some("https://news.example/a/story")
        );
    }

    #[test]
    fn json_ld_graph_is_flattened() {
        let html = r#"<script type="application/ld+json">{"@graph":[{"@type":"WebSite"},{"@type":"NewsArticle","headline":"H"}]}</script>
        <script type="application/ld+json"><!-- [{"@type":"Person"}]; --></script>"#;
        let doc = Doc::from_html(html);
        assert_eq!(doc.json_ld.len(), 3);
        assert_eq!(doc.json_ld[1]["headline"], "H");
    }

    #[test]
    fn base_href_applies() {
        let html = r#"<head><base href="/sub/"></head><a href="x">x</a>"#;
        let doc = Doc::parse(
            html,
            Some(Url::parse("https://ex.com/a/b").unwrap()),
            Article::new(Utc::now()),
        );
        assert_eq!(
            doc.absolute_url("x").as_deref(),
            Some("https://ex.com/sub/x")
        );
        assert_eq!(doc.absolute_url("javascript:void(0)"), None);
    }
}
