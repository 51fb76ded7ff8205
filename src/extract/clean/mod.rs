//! The `clean` stage: mark what can never be article text.
//!
//! Marks (in [`Doc::dropped`]) scripts and styles, hidden elements, form
//! controls, navigation landmarks, and elements whose class or id names page
//! furniture: share bars, related links, cookie and consent banners,
//! newsletter boxes, comments, ads. An element that holds most of the page's
//! text is never dropped on its name alone: some sites put `sidebar` or
//! `has-comments` on the wrapper of everything. Comment sections are the
//! exception: they are dropped whatever their size, unless they wrap the
//! headline or the page is a discussion (forum thread, Q&A), where the
//! comments are the content.

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};

use super::doc::class_names;
use super::text::find_ignore_ascii_case;
use super::{Doc, StageError};

mod names;
use crate::extract::doc::ReadAttr;
use names::NameCache;

/// Elements whose content is never text a reader sees.
const INVISIBLE_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "video", "audio", "map", "head", "select", "textarea", "button", "input", "option", "dialog",
];

/// Landmark elements that hold site furniture rather than content.
const FURNITURE_TAGS: &[&str] = &["nav", "footer", "aside", "menu"];

/// ARIA roles of furniture.
const FURNITURE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "menu",
    "menubar",
    "alert",
    "alertdialog",
    "toolbar",
];

/// Marks boilerplate subtrees of the document.
pub fn run(doc: &mut Doc) -> Result<(), StageError> {
    let body = doc.body();
    let total_text = text_len(*body);
    let mut dropped = Vec::new();
    let mut page = PageFacts {
        total_text,
        discussion: is_discussion(doc),
        product: is_product(doc),
        streamed: false,
        names: NameCache::default(),
    };
    mark(*body, &page, &mut dropped);
    // Hidden elements holding most of the page's text are its content,
    // streamed in and shown by a script (eBay's Marko parks each finished
    // fragment in a `display:none` div): read the page again with them.
    if is_streamed(doc, &dropped, total_text) {
        page.streamed = true;
        dropped.clear();
        mark(*body, &page, &mut dropped);
    }
    // A page whose own text is next to nothing under a long comment
    // thread (a link posted to an aggregator) is the thread.
    if !page.discussion && !page.streamed && is_link_post(doc, &dropped, &page) {
        page.discussion = true;
        dropped.clear();
        mark(*body, &page, &mut dropped);
    }
    let discussion = page.discussion;
    doc.dropped.extend(dropped);
    doc.discussion = Some(discussion);
    Ok(())
}

/// The elements whose ids `dropped` holds.
fn dropped_roots<'a, 'b>(
    doc: &'a Doc,
    dropped: &'b [ego_tree::NodeId],
) -> impl Iterator<Item = ElementRef<'a>> + use<'a, 'b> {
    dropped
        .iter()
        .filter_map(|id| doc.html.tree.get(*id).and_then(ElementRef::wrap))
}

/// True when the hidden elements among the `dropped` ones hold most of the
/// page's text.
fn is_streamed(doc: &Doc, dropped: &[ego_tree::NodeId], total_text: usize) -> bool {
    let hidden_text: usize = dropped_roots(doc, dropped)
        .filter(|el| !INVISIBLE_TAGS.contains(&el.value().name()) && is_hidden(*el))
        .map(|el| text_len(*el))
        .sum();
    total_text > 0 && hidden_text * 2 > total_text
}

/// True when the comment sections among the `dropped` elements are long
/// and what is left of the page is under a twentieth of them.
fn is_link_post<'a>(doc: &'a Doc, dropped: &[ego_tree::NodeId], page: &PageFacts<'a>) -> bool {
    let comment_text: usize = dropped_roots(doc, dropped)
        .filter(|el| page.names.of(*el).comments)
        .map(|el| text_len(*el))
        .sum();
    comment_text > 1500 && {
        let dropped_text: usize = dropped_roots(doc, dropped).map(|el| text_len(*el)).sum();
        page.total_text.saturating_sub(dropped_text) * 20 < comment_text
    }
}

/// Walks the tree (iteratively: hostile pages nest deeply); pushes the ids
/// of dropped subtree roots. Inside a code block (`<pre>`, `<code>`) class
/// names are a highlighter's tokens (`hljs-comment`, `token comment`), not
/// furniture: only hidden elements go there (line numbers, copy buttons).
fn mark<'a>(root: NodeRef<'a, Node>, page: &PageFacts<'a>, dropped: &mut Vec<ego_tree::NodeId>) {
    let mut skipping: Option<ego_tree::NodeId> = None;
    let mut in_code: Option<ego_tree::NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if skipping.is_none() && node.id() != root.id() => {
                let drop = match ElementRef::wrap(node) {
                    Some(el) if in_code.is_some() => !page.streamed && is_hidden(el),
                    Some(el) => {
                        let drop = is_droppable(el, page);
                        if !drop && matches!(el.value().name(), "pre" | "code") {
                            in_code = Some(node.id());
                        }
                        drop
                    }
                    None => matches!(
                        node.value(),
                        Node::Comment(_) | Node::ProcessingInstruction(_)
                    ),
                };
                if drop {
                    dropped.push(node.id());
                    skipping = Some(node.id());
                }
            }
            Edge::Close(node) if skipping == Some(node.id()) => skipping = None,
            Edge::Close(node) if in_code == Some(node.id()) => in_code = None,
            _ => {}
        }
    }
}

/// What the rules need to know about the whole page.
pub struct PageFacts<'a> {
    /// Characters of text in the body.
    pub total_text: usize,
    /// The page is a discussion (forum thread, Q&A): its "comments" are
    /// the content.
    pub discussion: bool,
    /// The page sells a product: its customer reviews are comments.
    pub product: bool,
    /// Most of the page's text sits in hidden elements that a script shows
    /// (a streamed page): hiding is no sign of furniture there.
    pub streamed: bool,
    /// What the elements' class and id names say, read once per name.
    names: NameCache<'a>,
}

/// True when `el` (and everything inside) is furniture.
pub fn is_droppable<'a>(el: ElementRef<'a>, page: &PageFacts<'a>) -> bool {
    let total_text = page.total_text;
    let e = el.value();
    let name = e.name();
    if INVISIBLE_TAGS.contains(&name) {
        return true;
    }
    // A hidden wrapper around most of the page is an anti-flicker veil that
    // scripts lift once loaded (`visibility:hidden` until hydration).
    // On a product page the closed tabs (shipping, reviews, size charts)
    // are shop furniture.
    if !page.streamed && is_hidden(el) && (page.product || !is_collapsed_panel(el, page)) {
        return total_text == 0 || text_len(*el) * 2 <= total_text;
    }
    if matches!(name, "body" | "main" | "article" | "html")
        || e.read_attr("itemprop") == Some("articleBody")
    {
        return false;
    }
    // A form a reader fills in (contact, newsletter, comment, search) is
    // furniture: its controls are dropped above, and this drops the labels
    // and prompts around them. A form holding much of the page is content
    // in a wrapper (ASP.NET pages put everything in one `<form>`); on a
    // product page the add-to-cart form holds the product's options.
    if name == "form" && !page.product && takes_text_entry(el) {
        return (total_text == 0 || text_len(*el) * 4 < total_text)
            && !wraps_article(el)
            && !holds_prose(el);
    }
    let landmark = FURNITURE_TAGS.contains(&name)
        || e.read_attr("role")
            .is_some_and(|r| FURNITURE_ROLES.contains(&r.trim()));
    // A "furniture" element that holds much of the page is a layout wrapper
    // (`has-sidebar`, `sidebar-first-only`): names are weaker evidence than
    // landmarks, so they must hold less of the text to count. A landmark
    // that holds much of the text but not the headline, an article or the
    // main landmark is still furniture: the legal small print of a `<footer>`
    // or a consent dialog outweighs the text of a short page.
    let names = page.names.of(el);
    if names.desktop_only && !landmark {
        // What a page hides on phones is not its story, whatever its size
        // or prose (a rail of post teasers with excerpts); unless it wraps
        // the story itself, as some layouts do twice, once per screen size.
        !holds_the_story(el)
    } else if landmark {
        total_text == 0 || text_len(*el) * 2 < total_text || !wraps_article(el)
    } else if page.product && names.reviews {
        // Customer reviews are the comments of a product page.
        !wraps_article(el)
    } else if names.comments {
        // Reader comments are prose and often outweigh the article, so
        // neither size nor paragraphs clear them; only holding the headline
        // or the article element marks a page-wide wrapper (`has-comments`).
        // On a discussion page, posts (`<article>`s, or comment sections
        // large or prose-rich) and everything inside them are the content;
        // the small comment threads under an answer still go.
        !wraps_article(el)
            && (!page.discussion
                || ((total_text == 0 || text_len(*el) * 4 < total_text)
                    && !holds_prose(el)
                    && !el
                        .ancestors()
                        .filter_map(ElementRef::wrap)
                        .any(|a| page.names.of(a).comments)))
    } else {
        names.furniture() && (total_text == 0 || text_len(*el) * 4 < total_text) && !holds_prose(el)
    }
}

/// True when the page is a discussion: JSON-LD says so
/// (`DiscussionForumPosting`, `QAPage`), or its URL is a forum's
/// (`forum.…`, `warriorforum.com`, `/topic/…`, `/comments/…`).
pub(crate) fn is_discussion(doc: &Doc) -> bool {
    const TYPES: &[&str] = &["DiscussionForumPosting", "QAPage", "Question"];
    const HOSTS: &[&str] = &["forum.", "forums.", "community.", "discuss.", "boards."];
    const SEGMENTS: &[&str] = &[
        "forum",
        "forums",
        "topic",
        "topics",
        "thread",
        "threads",
        "comments",
        "questions",
        "discussion",
        "discussions",
    ];
    if doc.json_ld.iter().any(|o| {
        TYPES
            .iter()
            .any(|t| super::metadata::sources::has_type(o, t))
    }) {
        return true;
    }
    doc.base_url.as_ref().is_some_and(|u| {
        u.host_str().is_some_and(|h| {
            let h = h.strip_prefix("www.").unwrap_or(h);
            HOSTS.iter().any(|p| h.starts_with(p))
                // A forum's own domain (`warriorforum.com`, `xyzforums.net`).
                || h.split('.').next().is_some_and(|label| label.ends_with("forum") || label.ends_with("forums"))
        }) || u.path_segments()
                .is_some_and(|mut s| s.any(|seg| SEGMENTS.contains(&seg)))
    })
}

/// True when the page declares a product (JSON-LD `Product`, `og:type`
/// product) and not an article: a buying guide that lists products keeps
/// its review sections. Nor a category page (`CollectionPage`, `ItemList`,
/// several products, `og:type` `product.group`).
pub(crate) fn is_product(doc: &Doc) -> bool {
    use super::metadata::sources::{declares_article, has_type};
    let og_type = doc.og_type();
    // A review names its product but is an article about it.
    let article = declares_article(doc) || doc.json_ld.iter().any(|o| has_type(o, "Review"));
    let products = doc
        .json_ld
        .iter()
        .filter(|o| has_type(o, "Product"))
        .count();
    let product = og_type.contains("product") || products > 0;
    // A category page declares its items as products too, but as many of
    // them, in a list.
    let listing = og_type == "product.group"
        || products > 1
        || doc.json_ld.iter().any(|o| {
            ["CollectionPage", "ItemList", "SearchResultsPage"]
                .iter()
                .any(|t| has_type(o, t))
        });
    product && !article && !listing
}

/// True when `el` holds the page's headline or article element.
fn wraps_article(el: ElementRef<'_>) -> bool {
    el.descendants()
        .filter_map(ElementRef::wrap)
        .any(|d| d.value().name() == "article" || marks_the_story(d.value()))
}

/// Like [`wraps_article`], but a rail of teasers, several `<article>`s,
/// does not count: the story is one.
fn holds_the_story(el: ElementRef<'_>) -> bool {
    let mut articles = 0;
    el.descendants().filter_map(ElementRef::wrap).any(|d| {
        articles += usize::from(d.value().name() == "article");
        marks_the_story(d.value())
    }) || articles == 1
}

/// The headline, the main landmark or the declared article body.
fn marks_the_story(e: &scraper::node::Element) -> bool {
    matches!(e.name(), "h1" | "main") || e.read_attr("itemprop") == Some("articleBody")
}

/// True for the closed panel of an accordion or tab set (`role="region"`
/// or `"tabpanel"`, or a class or id that names a fold: `accordion`,
/// `collapse`, `toggle`, `expander`), hidden until its header is clicked,
/// that holds text: the page's own content, folded away, not furniture.
fn is_collapsed_panel<'a>(el: ElementRef<'a>, page: &PageFacts<'a>) -> bool {
    (matches!(el.value().read_attr("role"), Some("region" | "tabpanel")) || page.names.of(el).fold)
        && text_len(*el) >= 150
}

/// True when `el` has a field for typed text (`<textarea>`, or an
/// `<input>` of a text-like type).
fn takes_text_entry(el: ElementRef<'_>) -> bool {
    el.descendants().filter_map(ElementRef::wrap).any(|d| {
        let e = d.value();
        match e.name() {
            "textarea" => true,
            "input" => matches!(
                e.read_attr("type").map(str::to_ascii_lowercase).as_deref(),
                None | Some("text" | "email" | "tel" | "search" | "url" | "password")
            ),
            _ => false,
        }
    })
}

/// True when `el` holds several real paragraphs: whatever its class says
/// (`ob-has-background-overlay`, `post-share-wrapper`), it wraps an article.
fn holds_prose(el: ElementRef<'_>) -> bool {
    el.descendants()
        .filter_map(ElementRef::wrap)
        .filter(|p| p.value().name() == "p" && text_len(**p) >= 100)
        .nth(2)
        .is_some()
}

/// True for `hidden`, `popover`, `aria-hidden="true"` and inline
/// `display:none`.
pub(crate) fn is_hidden(el: ElementRef<'_>) -> bool {
    let e = el.value();
    // React's streaming renderer parks finished content in
    // `<div hidden id="S:0">` (the segment number in hexadecimal: `S:a`
    // follows `S:9`) and moves it into place with a script: it is the page,
    // not hidden furniture.
    let streamed = e.id().is_some_and(|id| {
        id.strip_prefix("S:")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    // A `popover` stays out of the page until a script or button opens it
    // (push-notification prompts, menus, share sheets).
    if (e.read_attr("hidden").is_some() && !streamed)
        || e.read_attr("popover").is_some()
        || e.read_attr("aria-hidden") == Some("true")
    {
        return true;
    }
    if class_names(e).any(|c| {
        matches!(
            c,
            "hidden" | "d-none" | "sr-only" | "visually-hidden" | "screen-reader-text"
        )
    }) {
        return true;
    }
    e.read_attr("style").is_some_and(|s| {
        // Most inline styles hide nothing: skip the normalizing copy.
        if !style_may_hide(s.as_bytes()) {
            return false;
        }
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// True when an inline style may hide its element: it names `none` or
/// `hidden` somewhere, in any case. The cheap test before [`is_hidden`]'s
/// exact one (`display:none`, `visibility:hidden`), and what decides which
/// `style` attributes the pre-strip keeps for it.
pub(crate) fn style_may_hide(style: &[u8]) -> bool {
    find_ignore_ascii_case(style, b"none").is_some()
        || find_ignore_ascii_case(style, b"hidden").is_some()
}

/// Characters of visible text under `node`, roughly (whitespace included).
pub fn text_len(node: NodeRef<'_, Node>) -> usize {
    node.descendants()
        .filter_map(|n| {
            let text = n.value().as_text()?;
            let parent = n.parent()?.value().as_element()?;
            (!crate::extract::doc::holds_unseen_text(parent.name())).then(|| text.trim().len())
        })
        .sum()
}

#[cfg(test)]
mod tests;
