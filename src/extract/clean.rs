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

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};

use super::doc::class_names;
use super::{Doc, StageError};

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

/// class/id tokens that mark furniture when they are a whole token.
const FURNITURE_TOKENS: &[&str] = &[
    "ad",
    "ads",
    "advert",
    "adverts",
    "advertisement",
    "banner",
    "breadcrumb",
    "breadcrumbs",
    "byline",
    "comment",
    "comments",
    "consent",
    "cookie",
    "cookies",
    "disqus",
    "footer",
    "gdpr",
    "masthead",
    "menu",
    "modal",
    "nav",
    "navbar",
    "navigation",
    "newsletter",
    "outbrain",
    "overlay",
    "pagination",
    "pager",
    "popup",
    "promo",
    "recommended",
    "related",
    "share",
    "sharing",
    "sidebar",
    "signup",
    "social",
    "sponsor",
    "sponsored",
    "subscribe",
    "subscription",
    "taboola",
    "toolbar",
    "widget",
    "skip",
    "tags",
    "tagcloud",
    "copyright",
    "sitemap",
    "login",
];

/// Substrings that mark furniture inside longer class/id names
/// (`sharebar`, `socialicons`, `cookiebanner`).
const FURNITURE_SUBSTRINGS: &[&str] = &[
    "share",
    "social",
    "cookie",
    "newsletter",
    "advert",
    "sidebar",
    "breadcrumb",
    "comment",
    "related",
    "subscribe",
    "popup",
    "outbrain",
    "taboola",
    "consent",
    "sponsor",
    "promo",
    "recirc",
    "readmore",
    "read-more",
    "more-stories",
    "morestories",
    "trending",
];

/// class/id substrings that say "this is the content": they veto a furniture match.
const CONTENT_HINTS: &[&str] = &[
    "article-body",
    "articlebody",
    "post-body",
    "entry-content",
    "story-body",
    "main-content",
];

/// Marks boilerplate subtrees of the document.
pub fn run(doc: &mut Doc) -> Result<(), StageError> {
    let body = doc.body();
    let total_text = text_len(*body);
    let mut dropped = Vec::new();
    let page = PageFacts {
        total_text,
        discussion: is_discussion(doc),
        product: is_product(doc),
    };
    mark(*body, &page, &mut dropped);
    doc.dropped.extend(dropped);
    Ok(())
}

/// Walks the tree (iteratively: hostile pages nest deeply); pushes the ids
/// of dropped subtree roots.
fn mark(root: NodeRef<'_, Node>, page: &PageFacts, dropped: &mut Vec<ego_tree::NodeId>) {
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if skipping.is_none() && node.id() != root.id() => {
                let drop = match node.value() {
                    Node::Element(_) => {
                        ElementRef::wrap(node).is_some_and(|el| is_droppable(el, page))
                    }
                    Node::Comment(_) | Node::ProcessingInstruction(_) => true,
                    _ => false,
                };
                if drop {
                    dropped.push(node.id());
                    skipping = Some(node.id());
                }
            }
            Edge::Close(node) if skipping == Some(node.id()) => skipping = None,
            _ => {}
        }
    }
}

/// What the rules need to know about the whole page.
pub struct PageFacts {
    /// Characters of text in the body.
    pub total_text: usize,
    /// The page is a discussion (forum thread, Q&A): its "comments" are
    /// the content.
    pub discussion: bool,
    /// The page sells a product: its customer reviews are comments.
    pub product: bool,
}

/// True when `el` (and everything inside) is furniture.
pub fn is_droppable(el: ElementRef<'_>, page: &PageFacts) -> bool {
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
    if is_hidden(el) && (page.product || !is_collapsed_panel(el)) {
        return total_text == 0 || text_len(*el) * 2 <= total_text;
    }
    if matches!(name, "body" | "main" | "article" | "html")
        || e.attr("itemprop") == Some("articleBody")
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
        || e.attr("role")
            .is_some_and(|r| FURNITURE_ROLES.contains(&r.trim()));
    // A "furniture" element that holds much of the page is a layout wrapper
    // (`has-sidebar`, `sidebar-first-only`): names are weaker evidence than
    // landmarks, so they must hold less of the text to count. A landmark
    // that holds much of the text but not the headline, an article or the
    // main landmark is still furniture: the legal small print of a `<footer>`
    // or a consent dialog outweighs the text of a short page.
    if landmark {
        total_text == 0 || text_len(*el) * 2 < total_text || !wraps_article(el)
    } else if page.product && names_reviews(el) {
        // Customer reviews are the comments of a product page.
        !wraps_article(el)
    } else if names_comments(el) {
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
                        .any(names_comments)))
    } else {
        names_furniture(el)
            && (total_text == 0 || text_len(*el) * 4 < total_text)
            && !holds_prose(el)
    }
}

/// True when the page is a discussion: JSON-LD says so
/// (`DiscussionForumPosting`, `QAPage`), or its URL is a forum's
/// (`forum.…`, `/topic/…`, `/comments/…`).
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
        u.host_str()
            .is_some_and(|h| HOSTS.iter().any(|p| h.starts_with(p)))
            || u.path_segments()
                .is_some_and(|mut s| s.any(|seg| SEGMENTS.contains(&seg)))
    })
}

/// True when the page declares a product (JSON-LD `Product`, `og:type`
/// product) and not an article: a buying guide that lists products keeps
/// its review sections.
pub(crate) fn is_product(doc: &Doc) -> bool {
    use super::metadata::sources::has_type;
    let og_type = doc
        .html
        .select(super::doc::css!(r#"meta[property="og:type"]"#))
        .filter_map(|m| m.value().attr("content"))
        .map(|c| c.trim().to_ascii_lowercase())
        .next()
        .unwrap_or_default();
    let article = og_type == "article"
        || doc.json_ld.iter().any(|o| {
            ["Article", "NewsArticle", "BlogPosting", "Review"]
                .iter()
                .any(|t| has_type(o, t))
        });
    let product = og_type.contains("product") || doc.json_ld.iter().any(|o| has_type(o, "Product"));
    product && !article
}

/// True when a class or id names customer reviews or ratings.
fn names_reviews(el: ElementRef<'_>) -> bool {
    let e = el.value();
    class_names(e).chain(e.id()).any(|n| {
        let n = n.to_ascii_lowercase();
        n.contains("review") || n.contains("rating")
    })
}

/// True when a class or id names a comment section or a comment
/// (`comments`, `commentlist`, `comment-body`, `disqus_thread`).
fn names_comments(el: ElementRef<'_>) -> bool {
    let e = el.value();
    class_names(e).chain(e.id()).any(|n| {
        let n = n.to_ascii_lowercase();
        n.contains("comment") || n.contains("disqus")
    })
}

/// True when `el` holds the page's headline or article element.
fn wraps_article(el: ElementRef<'_>) -> bool {
    el.descendants().filter_map(ElementRef::wrap).any(|d| {
        matches!(d.value().name(), "h1" | "article" | "main")
            || d.value().attr("itemprop") == Some("articleBody")
    })
}

/// True for the closed panel of an accordion or tab set (`role="region"`
/// or `"tabpanel"`, hidden until its header is clicked) that holds text:
/// the page's own content, folded away, not furniture.
fn is_collapsed_panel(el: ElementRef<'_>) -> bool {
    matches!(el.value().attr("role"), Some("region" | "tabpanel")) && text_len(*el) >= 150
}

/// True when `el` has a field for typed text (`<textarea>`, or an
/// `<input>` of a text-like type).
fn takes_text_entry(el: ElementRef<'_>) -> bool {
    el.descendants().filter_map(ElementRef::wrap).any(|d| {
        let e = d.value();
        match e.name() {
            "textarea" => true,
            "input" => matches!(
                e.attr("type").map(str::to_ascii_lowercase).as_deref(),
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

/// True for `hidden`, `aria-hidden="true"` and inline `display:none`.
fn is_hidden(el: ElementRef<'_>) -> bool {
    let e = el.value();
    // React's streaming renderer parks finished content in
    // `<div hidden id="S:0">` and moves it into place with a script: it is
    // the page, not hidden furniture.
    let streamed = e.id().is_some_and(|id| {
        id.strip_prefix("S:")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    });
    if (e.attr("hidden").is_some() && !streamed) || e.attr("aria-hidden") == Some("true") {
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
    e.attr("style").is_some_and(|s| {
        // Most inline styles hide nothing: skip the normalizing copy.
        let b = s.as_bytes();
        if !(b.windows(4).any(|w| w.eq_ignore_ascii_case(b"none"))
            || b.windows(6).any(|w| w.eq_ignore_ascii_case(b"hidden")))
        {
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

/// True when the element's class or id says it is furniture.
///
/// Runs on every element of every page, so it neither allocates (unless a
/// name has upper-case letters) nor scans the substring lists one by one.
fn names_furniture(el: ElementRef<'_>) -> bool {
    static SUBSTRINGS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::new(FURNITURE_SUBSTRINGS).unwrap_or_else(|e| panic!("built-in patterns: {e}"))
    });
    static HINTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::new(CONTENT_HINTS).unwrap_or_else(|e| panic!("built-in patterns: {e}"))
    });
    let e = el.value();
    let mut furniture = false;
    for name in class_names(e).chain(e.id()) {
        let lower: Cow<'_, str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        if HINTS.is_match(lower.as_ref()) {
            return false;
        }
        furniture = furniture || token_is_furniture(&lower) || SUBSTRINGS.is_match(lower.as_ref());
    }
    furniture
}

/// Whole class names, and the first or last part of hyphenated ones
/// (`site-footer`, `nav-menu`), but not inner parts: frameworks put `widget`
/// or `nav` in the middle of every class (`elementor-widget-container`).
fn token_is_furniture(class: &str) -> bool {
    FURNITURE_TOKENS.contains(&class) || {
        let mut parts = class.split(['-', '_']).filter(|p| !p.is_empty());
        let first = parts.next();
        let last = parts.next_back();
        [first, last]
            .into_iter()
            .flatten()
            .any(|p| FURNITURE_TOKENS.contains(&p) && p != "widget")
    }
}

/// Characters of visible text under `node`, roughly (whitespace included).
pub fn text_len(node: NodeRef<'_, Node>) -> usize {
    node.descendants()
        .filter_map(|n| n.value().as_text())
        .map(|t| t.trim().len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Article;

    fn dropped_texts(html: &str) -> (Vec<String>, Doc) {
        let mut doc = Doc::parse(html, None, Article::new(chrono::Utc::now()));
        run(&mut doc).unwrap();
        let mut texts: Vec<String> = doc
            .dropped
            .iter()
            .filter_map(|id| doc.html.tree.get(*id))
            .filter_map(ElementRef::wrap)
            .map(|e| e.text().collect::<String>().trim().to_owned())
            .collect();
        texts.sort();
        (texts, doc)
    }

    #[test]
    fn drops_furniture_classes_and_landmarks() {
        let (d, _) = dropped_texts(
            r#"<body><nav>Home</nav><div class="share-bar">Tweet</div>
            <div id="cookie-notice">We use cookies</div><div class="newsletterBox">Sign up</div>
            <article><p>Long article text that is the real thing and stays here for sure.</p>
            <div class="related-stories">More</div></article>
            <section class="comments">Nice post</section><p hidden>secret</p></body>"#,
        );
        assert_eq!(
            d,
            vec![
                "Home",
                "More",
                "Nice post",
                "Sign up",
                "Tweet",
                "We use cookies",
                "secret"
            ]
        );
    }

    #[test]
    fn data_entry_forms_go_but_a_page_wide_form_stays() {
        let (d, _) = dropped_texts(
            r#"<body><div><h1>Gym waivers</h1><p>The article text about gym waivers and who may sue, long enough to outweigh the form beside it by far, with more words here.</p>
            <form><label>First Name</label><input type="text"><label>Email</label><input type="email"><button>Send</button></form>
            <form><label>Choose</label><input type="radio"></form></div></body>"#,
        );
        assert!(d.iter().any(|t| t.starts_with("First Name")), "{d:?}");
        assert!(
            !d.iter().any(|t| t.contains("Choose")),
            "no text entry: kept {d:?}"
        );
        // ASP.NET: one form around the whole page.
        let (d, _) = dropped_texts(
            r#"<body><form id="aspnetForm"><input type="text" name="q"><div><p>All of the article sits inside the page-wide form, as WebForms pages do.</p></div></form></body>"#,
        );
        assert!(!d.iter().any(|t| t.contains("article")), "{d:?}");
    }

    #[test]
    fn closed_accordion_panels_are_content() {
        let step = "After you sign the contract, an engineer visits to check the roof, the wiring and the panel, and confirms that the planned system is safe to install on the house.";
        let (d, _) = dropped_texts(&format!(
            r#"<body><h1>Going solar</h1><p>Intro.</p><a aria-controls="s1">1. Site visit</a>
            <div id="s1" role="region" style="display:none"><p>{step}</p></div>
            <div style="display:none"><p>{step}</p></div></body>"#
        ));
        assert_eq!(d.len(), 1, "only the unlabelled hidden copy goes: {d:?}");
    }

    #[test]
    fn page_wide_veil_is_not_hidden() {
        let (d, _) = dropped_texts(
            r#"<body><div style="visibility: hidden"><div><p>All of the article, waiting for scripts to lift the veil.</p><span style="display:none">x</span></div></div></body>"#,
        );
        assert_eq!(d, vec!["x"]);
    }

    #[test]
    fn react_streamed_content_is_not_hidden() {
        let (d, _) = dropped_texts(
            r#"<body><div id="S:0" hidden><p>Streamed article text.</p></div><div hidden>Gone</div></body>"#,
        );
        assert_eq!(d, vec!["Gone"]);
    }

    #[test]
    fn comments_go_on_articles_but_posts_stay_on_forums() {
        let page = r#"<body><article><h1>Case fans</h1><p>Short question about the two connectors on the new case.</p></article>
            <div id="comments"><article class="post comment"><div class="comment_content"><p>They are for the fan hub, plug them into the board.</p></div></article></div>
            <div class="answer"><p>Answer text that explains the connectors.</p><div class="comments"><ul><li class="comment">Thanks!</li></ul></div></div></body>"#;
        let dropped = |url: &str| {
            let mut doc = Doc::parse(
                page,
                Some(url::Url::parse(url).unwrap()),
                Article::new(chrono::Utc::now()),
            );
            run(&mut doc).unwrap();
            let mut texts: Vec<String> = doc
                .dropped
                .iter()
                .filter_map(|id| doc.html.tree.get(*id))
                .filter_map(ElementRef::wrap)
                .map(|e| normalize(&e.text().collect::<String>()))
                .collect();
            texts.sort();
            texts
        };
        // A news page: both comment sections go, however long.
        assert_eq!(
            dropped("https://news.example/2024/case-fans"),
            vec![
                "Thanks!",
                "They are for the fan hub, plug them into the board."
            ]
        );
        // A forum thread: the posts stay, the comment thread under the answer goes.
        assert_eq!(
            dropped("https://forum.example/topic/123-case-fans/"),
            vec!["Thanks!"]
        );
    }

    #[test]
    fn reviews_go_on_product_pages_only() {
        let body = r#"<body><div class="product-description"><p>A 25-litre day pack with pockets galore.</p></div>
            <section id="reviews" class="product-reviews"><p>Great pack, I carried it across the Alps and it held up well, zips and all.</p><p>Straps dig in after a few hours, otherwise fine for day hikes in summer.</p><p>Third review, with enough words to count as a paragraph of real prose here.</p></section></body>"#;
        let dropped = |head: &str| {
            let mut doc = Doc::parse(
                &format!("{head}{body}"),
                None,
                Article::new(chrono::Utc::now()),
            );
            run(&mut doc).unwrap();
            doc.dropped.len()
        };
        let product =
            r#"<script type="application/ld+json">{"@type":"Product","name":"Trail 25"}</script>"#;
        let guide = r#"<meta property="og:type" content="article"><script type="application/ld+json">{"@type":"Product","name":"Trail 25"}</script>"#;
        assert_eq!(dropped(product), 1); // the reviews
        assert_eq!(dropped(guide), 0); // a buying guide keeps its reviews
    }

    fn normalize(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn keeps_wrapper_that_holds_most_text() {
        let (d, _) = dropped_texts(
            r#"<body><div class="has-sidebar"><p>All the article text lives inside this wrapper, which is long.</p></div><div class="sidebar">x</div></body>"#,
        );
        assert_eq!(d, vec!["x"]);
    }

    #[test]
    fn big_landmark_goes_unless_it_holds_the_headline() {
        // The footer's small print outweighs the short page's text.
        let (d, _) = dropped_texts(
            r#"<body><h1>Gift cards</h1><p>Buy one today.</p><footer><p>Terms apply to every purchase, see the agreement for the conditions of use.</p></footer></body>"#,
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].starts_with("Terms apply"));
        // A page-wide `role=banner` wrapper around the headline stays.
        let (d, _) = dropped_texts(
            r#"<body><div role="banner"><h1>Title</h1><p>The whole page lives inside this wrapper.</p></div></body>"#,
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn content_hint_vetoes() {
        let (d, _) = dropped_texts(
            r#"<body><div class="entry-content social-ready"><p>Text</p></div><p>Other text here to keep the ratio</p></body>"#,
        );
        assert!(d.is_empty(), "{d:?}");
    }
}
