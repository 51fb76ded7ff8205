//! The `content` stage: find the main text and write it to the record.
//!
//! 1. Pick the element that best covers the page's prose ([`score`]): the
//!    one that maximizes the F1 expected from extracting it, with text in
//!    prose blocks standing in for article text. One container with all the
//!    article's sections beats the single densest section.
//!    When the page declares the article's container inside that cover
//!    (`<article>`, `itemprop=articleBody`, `entry-content`, …) and it holds
//!    most of the cover's prose, the declared container is taken instead.
//! 2. Only when the page has no prose blocks: score blocks Readability-style,
//!    let a semantic container (`<article>`, `<main>`) win when it holds the
//!    candidate and not much more, and add siblings that read like prose.
//! 3. When that gives little text (listings, indexes, product grids), take
//!    the `<main>` landmark or the body instead, links included.
//! 4. Render the chosen subtrees as blocks ([`render`]), then drop link-heavy
//!    blocks, the repeated headline, and repeated lines.
//!
//! Paragraphs are separated by a blank line, headings stand on their own line.
//! Finally [`status`] says whether the text is an article, a wall, or nothing.

pub mod render;
pub mod score;
pub mod status;

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Node};

use self::render::{Block, BlockKind};
use self::score::Scorer;
use super::text::{normalize_space, word_count};
use super::{Doc, StageError};

/// Below this many words the prose cover is taken for a listing or index
/// page, and the landmark text is tried.
const LISTING_MAX_WORDS: usize = 150;

/// Blocks with more of their text in links are link lists (related
/// stories, tag clouds) and left out of article text.
const LINK_LIST_DENSITY: f64 = 0.6;

/// A declared article container inside the prose cover replaces the cover
/// when it holds at least this share of the cover's prose.
const DECLARED_MIN_SHARE: f64 = 0.6;

/// Another declared container with this share of the chosen one's prose
/// (a second post, an answer) means the cover is a thread: keep it whole.
const RIVAL_SHARE: f64 = 0.2;

/// On listing pages the links are the content: keep every block.
const KEEP_ALL_LINKS: f64 = 1.0;

/// Extracts the main text of `doc` into `doc.record.text`.
pub fn run(doc: &mut Doc) -> Result<(), StageError> {
    let body = doc.body();
    let scorer = Scorer::new(*body, &doc.dropped);
    let roots = choose_roots(doc, &scorer, *body);
    let blocks = render::render(&roots, &doc.dropped);
    let headlines = doc.headlines();
    let title: Vec<String> = headlines
        .title
        .iter()
        .chain(&headlines.h1)
        .map(|t| t.to_lowercase())
        .collect();
    let page = Page::of(doc);
    let cards = page == Page::Undeclared;
    // Whether the page is a listing is judged on its prose alone: the item
    // titles kept as cards do not make an index page an article.
    let prose_words = if cards {
        word_count(&assemble(blocks.clone(), &title, LINK_LIST_DENSITY, None))
    } else {
        0
    };
    let mut text = assemble(blocks, &title, LINK_LIST_DENSITY, Some(page));
    let mut words = word_count(&text);
    let prose_words = if cards { prose_words } else { words };
    if prose_words < LISTING_MAX_WORDS
        && let Some(fallback) = landmark_text(doc, &title)
        && word_count(&fallback) > prose_words * 2
    {
        words = word_count(&fallback);
        text = fallback;
    }
    if words < 50
        && let Some(fallback) = noscript_text(doc)
        && word_count(&fallback) > words * 2
    {
        words = word_count(&fallback);
        text = fallback;
    }
    doc.record.word_count = words;
    doc.record.status = status::classify(doc, &text, words);
    doc.record.text = text;
    Ok(())
}

/// Listing and index pages have little prose: their content is short items
/// and links. When the prose cover finds little, the page's `<main>`
/// landmark (else the body), links included, is the better guess; the clean
/// stage has already dropped the navigation and furniture around it.
fn landmark_text(doc: &Doc, titles: &[String]) -> Option<String> {
    let main = doc
        .html
        .select(super::doc::css!(r#"main, [role="main"]"#))
        .find(|m| {
            !m.ancestors().any(|a| doc.dropped.contains(&a.id())) && !doc.dropped.contains(&m.id())
        });
    let root = main.unwrap_or_else(|| doc.body());
    let blocks = render::render(&[*root], &doc.dropped);
    Some(assemble(blocks, titles, KEEP_ALL_LINKS, None)).filter(|t| !t.is_empty())
}

/// Some sites (Discourse forums, some SPAs) serve the real page to crawlers
/// inside `<noscript>`, which parses as raw text. When the normal pass finds
/// almost nothing, extract the largest `<noscript>` as a page of its own.
fn noscript_text(doc: &Doc) -> Option<String> {
    let raw: String = doc
        .html
        .select(super::doc::css!("body noscript"))
        .map(|n| n.text().collect::<String>())
        .filter(|t| t.len() > 500 && t.contains('<'))
        .max_by_key(String::len)?;
    let mut inner = Doc::parse(
        &raw,
        doc.base_url.clone(),
        crate::record::Article::new(doc.record.fetched_at),
    );
    super::clean::run(&mut inner).ok()?;
    let body = inner.body();
    let scorer = Scorer::new(*body, &inner.dropped);
    let roots = choose_roots(&inner, &scorer, *body);
    let blocks = render::render(&roots, &inner.dropped);
    Some(assemble(blocks, &[], LINK_LIST_DENSITY, None)).filter(|t| !t.is_empty())
}

/// The subtrees whose text is the article, in document order.
fn choose_roots<'a>(
    doc: &'a Doc,
    scorer: &Scorer,
    body: NodeRef<'a, Node>,
) -> Vec<NodeRef<'a, Node>> {
    // The subtree that best covers the page's prose; the block-scoring
    // candidate and its siblings only when the page has no prose blocks.
    if let Some((id, _)) = scorer.best_cover(body)
        && let Some(n) = doc.html.tree.get(id)
    {
        return vec![narrow_to_declared(n, scorer)];
    }
    let candidates = scorer.candidates(body);
    let Some(&(top_id, top_score)) = candidates.first() else {
        return vec![body];
    };
    let Some(mut top) = doc.html.tree.get(top_id) else {
        return vec![body];
    };
    // A semantic container just above the candidate is the better root: it
    // keeps the article's own headings and lists that scored low.
    let mut a = top.parent();
    let top_text = scorer.get(top_id).text.max(1);
    while let Some(anc) = a {
        let Some(el) = ElementRef::wrap(anc) else {
            break;
        };
        let semantic = matches!(el.value().name(), "article" | "main")
            || el.value().attr("itemprop") == Some("articleBody");
        let st = scorer.get(anc.id());
        if st.text > top_text * 2 || st.link_density() > 0.35 {
            break;
        }
        if semantic {
            top = anc;
            break;
        }
        a = anc.parent();
    }
    let Some(parent) = top.parent() else {
        return vec![top];
    };
    let score_of: HashMap<NodeId, f64> = candidates.iter().copied().collect();
    let threshold = (top_score * 0.2).max(10.0);
    let mut roots = Vec::new();
    for sibling in parent.children() {
        if sibling.id() == top.id() {
            roots.push(sibling);
            continue;
        }
        if doc.dropped.contains(&sibling.id()) {
            continue;
        }
        let Some(el) = ElementRef::wrap(sibling) else {
            continue;
        };
        let st = scorer.get(sibling.id());
        let score = score_of.get(&sibling.id()).copied().unwrap_or(0.0);
        let join = score >= threshold || (el.value().name() == "p" && prose_like(&st, &el));
        if join && st.text > 0 {
            roots.push(sibling);
        }
    }
    roots
}

/// The article's own container inside the prose cover, when the page marks
/// one (`<article>`, `itemprop=articleBody`, `entry-content`, …) and it holds
/// nearly all of the cover's prose: what the cover adds around it (related
/// posts' excerpts, testimonials, an author box) is furniture with prose in it.
fn narrow_to_declared<'a>(cover: NodeRef<'a, Node>, scorer: &Scorer) -> NodeRef<'a, Node> {
    let cover_prose = scorer.get(cover.id()).prose;
    // Neither the chosen container nor a rival can hold less prose than
    // this: skip the name checks for everything smaller.
    let floor = cover_prose as f64 * DECLARED_MIN_SHARE * RIVAL_SHARE;
    let declared: Vec<(NodeRef<'a, Node>, usize)> = cover
        .descendants()
        .skip(1)
        .filter(|d| d.value().is_element())
        .map(|d| (d, scorer.get(d.id()).prose))
        .filter(|(d, p)| *p as f64 >= floor && ElementRef::wrap(*d).is_some_and(declares_article))
        .collect();
    let Some(&(best, prose)) = declared
        .iter()
        .filter(|(_, p)| *p as f64 >= cover_prose as f64 * DECLARED_MIN_SHARE)
        .max_by_key(|(_, p)| *p)
    else {
        return cover;
    };
    // Several posts of a thread (or answers under a question), each
    // declared, are one page of content: keep the cover.
    let separate = |d: &NodeRef<'a, Node>| {
        d.id() != best.id()
            && !d.ancestors().any(|a| a.id() == best.id())
            && !best.ancestors().any(|a| a.id() == d.id())
    };
    if declared
        .iter()
        .any(|(d, p)| *p as f64 >= prose as f64 * RIVAL_SHARE && separate(d))
    {
        return cover;
    }
    best
}

/// The page's JSON-LD or `og:type` says it is an article.
fn declares_article_type(doc: &Doc) -> bool {
    const TYPES: &[&str] = &[
        "Article",
        "NewsArticle",
        "BlogPosting",
        "Report",
        "ScholarlyArticle",
    ];
    doc.json_ld.iter().any(|o| {
        TYPES
            .iter()
            .any(|t| super::metadata::sources::has_type(o, t))
    }) || doc.og_type() == "article"
}

/// A link's text that names an item (a product, a listing entry) rather
/// than calling to an action or spelling out an address.
fn is_card_title(text: &str) -> bool {
    const CALLS: &[&str] = &[
        "read", "learn", "see", "view", "get", "explore", "shop", "buy", "discover", "find",
        "click", "more", "show", "continue", "watch", "book", "sign", "download", "posted",
    ];
    let first = text
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_lowercase();
    !text.contains("://") && !CALLS.contains(&first.as_str())
}

/// A block that is one of the labels pages print between paragraphs or
/// under a post: ad slots, reading times, a Q&A site's sign-in prompts.
/// `key` is the block's text, whitespace-normalized and lower-cased.
fn is_furniture_line(key: &str) -> bool {
    const LINES: &[&str] = &[
        "advertisement",
        "scroll to continue with content",
        "story continues below advertisement",
        "article continues below advertisement",
        "article continues below",
        "you must log in to answer this question.",
        "start asking to get answers",
        "find the answer to your question by asking.",
    ];
    if LINES.contains(&key) {
        return true;
    }
    // "4 min read", "12 minute read"
    let mut words = key.split(' ');
    matches!(
        (words.next(), words.next(), words.next(), words.next()),
        (Some(n), Some("min" | "mins" | "minute" | "minutes"), Some("read"), None)
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    )
}

/// A bare count: "12", "1,204", "3.4k".
fn is_count(key: &str) -> bool {
    let digits = key.strip_suffix('k').unwrap_or(key);
    !digits.is_empty()
        && digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
}

/// A block that is nothing but the address of an image: a shop's custom
/// fields or a gallery's data printed as text, never something to read.
fn is_image_address(text: &str) -> bool {
    let t = text.trim();
    if t.contains(char::is_whitespace) || !(t.starts_with("http://") || t.starts_with("https://")) {
        return false;
    }
    let path = t.split(['?', '#']).next().unwrap_or(t).to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

/// The element says it is the article or its body.
fn declares_article(el: ElementRef<'_>) -> bool {
    static HINTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "article-body",
                "articlebody",
                "article-content",
                "post-body",
                "post-content",
                "entry-content",
                "story-body",
                "blog-post-content",
                "article__body",
                "article_body",
                "article__content",
                "post__content",
                "post_content",
                "entry__content",
                "story-content",
            ])
            .unwrap_or_else(|e| panic!("built-in patterns: {e}"))
    });
    let e = el.value();
    e.name() == "article"
        || e.attr("itemprop") == Some("articleBody")
        || crate::extract::doc::class_names(e).any(|c| HINTS.is_match(c))
}

/// A short sibling paragraph that still reads like article prose.
fn prose_like(st: &score::Stats, el: &ElementRef<'_>) -> bool {
    let ld = st.link_density();
    if st.text > 80 {
        ld < 0.25
    } else {
        let text: String = el.text().collect();
        ld == 0.0 && st.text > 0 && text.trim_end().ends_with(['.', '!', '?', '"', '”'])
    }
}

/// Item titles (a link alone between non-link blocks) a page needs before
/// they are read as the cards of a listing rather than stray links.
const CARD_MIN: usize = 12;

/// What a page says it is, as far as assembling its text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    /// JSON-LD or `og:type` declares an article.
    Article,
    /// A forum thread or Q&A page.
    Discussion,
    /// A product page: rails of other products follow its description.
    Product,
    /// Anything else: listings, category pages, services, undeclared articles.
    Undeclared,
}

impl Page {
    fn of(doc: &Doc) -> Page {
        if super::clean::is_discussion(doc) {
            Page::Discussion
        } else if super::clean::is_product(doc) {
            Page::Product
        } else if declares_article_type(doc) {
            Page::Article
        } else {
            Page::Undeclared
        }
    }
}

/// Joins blocks into the final text, dropping link lists, the headline and
/// repeated lines. On an `Undeclared` page, a short link standing alone
/// between non-link blocks is kept when the page has many of them: on a
/// category or search page each item's name is a link above its price and
/// details, and the names are the content. `None` (the fallbacks) keeps
/// neither cards nor a page-specific tail.
fn assemble(
    blocks: Vec<Block>,
    titles: &[String],
    max_link_density: f64,
    page: Option<Page>,
) -> String {
    let allow_cards = page == Some(Page::Undeclared);
    let mut seen: HashSet<String> = HashSet::default();
    let mut parts: Vec<String> = Vec::new();
    // What comes before the headline (breadcrumbs, kickers, share bars) is
    // page furniture, as long as it is a small part of the text.
    let skip = headline_index(&blocks, titles).unwrap_or(0);
    // A thread's or a product's own text rarely ends with a "Similar
    // threads" or "Customers also viewed" section of its own, so there the
    // tail may start earlier; elsewhere such a heading in the first 70% may
    // open one of a listing's own sections.
    let tail_from = match page {
        Some(Page::Discussion | Page::Product) => 5,
        _ => 7,
    };
    let end = tail_index(&blocks, tail_from).unwrap_or(blocks.len());
    let linky: Vec<bool> = blocks
        .iter()
        .map(|b| b.link_chars as f64 / b.text.chars().count().max(1) as f64 > max_link_density)
        .collect();
    let isolated = |i: usize, b: &Block| {
        linky[i]
            && i > skip
            && i + 1 < end
            && !linky[i - 1]
            && !linky[i + 1]
            && b.text.chars().count() <= 100
            && is_card_title(&b.text)
    };
    let cards = blocks
        .iter()
        .enumerate()
        .take(end)
        .skip(skip)
        .filter(|(i, b)| isolated(*i, b))
        .count();
    let cards = allow_cards && cards >= CARD_MIN;
    for (i, b) in blocks.into_iter().enumerate().take(end).skip(skip) {
        let chars = b.text.chars().count();
        let card = cards && isolated(i, &b);
        if linky[i] && b.kind != BlockKind::Heading && !card {
            continue;
        }
        let key = normalize_space(&b.text).to_lowercase();
        if i < skip + 3 && titles.contains(&key) {
            continue;
        }
        if is_image_address(&b.text) || is_furniture_line(&key) {
            continue;
        }
        // On a thread a number alone is a vote, like or reply count.
        if page == Some(Page::Discussion) && is_count(&key) {
            continue;
        }
        if chars >= 10 && !seen.insert(key) {
            continue;
        }
        parts.push(b.text);
    }
    parts.join("\n\n")
}

/// Headings that open what follows an article rather than more of it.
const TAIL_HEADINGS: &[&str] = &[
    "related posts",
    "related articles",
    "latest news",
    "more news",
    "top stories",
    "popular stories",
    "most popular",
    "trending",
    "trending now",
    "more like this",
    "also read",
    "read more",
    "you might also enjoy",
    "related stories",
    "related content",
    "related reading",
    "you may also like",
    "you might also like",
    "you may also be interested in",
    "more stories",
    "more articles",
    "more from",
    "recommended for you",
    "recommended articles",
    "recommended reading",
    "popular posts",
    "recent posts",
    "latest posts",
    "latest articles",
    "read next",
    "keep reading",
    "leave a reply",
    "leave a comment",
    "post a comment",
    "share this",
    "share this article",
    "share this post",
    "about the author",
    "about the authors",
    "written by",
    "contributing writer",
    "citations",
    "article sources",
    "related reads",
    "recent articles",
    "more videos",
    "related videos",
    "latest stories",
    "popular articles",
    "how useful was this post",
    "share your story",
    "explore related questions",
    "related questions",
    "similar questions",
    "recommended posts",
    "similar threads",
    "similar discussions",
    "related topics",
    "suggested topics",
    "frequently bought together",
    "featured products",
    "similar items",
    "explore related items",
    "customers also bought",
    "customers also viewed",
    "sponsored products",
    "products related to this item",
    "recently viewed",
    "recently viewed products",
    "complete the look",
    "similar products",
];

/// Tail headings that, outside a heading element, are a link or button
/// under a card or a post rather than the start of a section.
const CALLS_TO_ACTION: &[&str] = &[
    "read more",
    "leave a comment",
    "post a comment",
    "leave a reply",
    "more like this",
    "share",
    "share this",
    "trending",
];

/// Headings that open a tail when they start the line ("More from Vox",
/// "Related articles on Move.org", "Written by Jane Doe").
const TAIL_PREFIXES: &[&str] = &[
    "more from",
    "related articles",
    "written by",
    "about the author",
];

/// Index of a heading past the first `from` tenths of the text that opens
/// the page's tail (related posts, reply forms, share prompts): it and
/// everything after it are left out.
fn tail_index(blocks: &[Block], from: usize) -> Option<usize> {
    let total: usize = blocks.iter().map(|b| b.text.len()).sum();
    let mut before = 0usize;
    for (i, b) in blocks.iter().enumerate() {
        let heading = b.kind == BlockKind::Heading;
        if (heading || b.text.len() <= 40) && before * 10 >= total * from {
            let key = normalize_space(&b.text).to_lowercase();
            let key = key.trim_end_matches([':', '.', '!']);
            // Styled paragraphs serve as headings too ("Explore related
            // questions"), but a paragraph "Read more" is a card's link.
            if (heading || !CALLS_TO_ACTION.contains(&key))
                && (TAIL_HEADINGS.contains(&key)
                    || TAIL_PREFIXES.iter().any(|p| key.starts_with(p)))
            {
                return Some(i);
            }
        }
        before += b.text.len();
    }
    None
}

/// Index of the headline block when it sits in the first fifth of the
/// text (and is not the first block).
fn headline_index(blocks: &[Block], titles: &[String]) -> Option<usize> {
    let total: usize = blocks.iter().map(|b| b.text.len()).sum();
    let mut before = 0;
    for (i, b) in blocks.iter().enumerate() {
        if before * 5 > total {
            return None;
        }
        if b.kind == BlockKind::Heading && titles.contains(&normalize_space(&b.text).to_lowercase())
        {
            return (i > 0).then_some(i);
        }
        before += b.text.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Article;

    fn extract(html: &str) -> String {
        let mut doc = Doc::parse(html, None, Article::new(chrono::Utc::now()));
        crate::extract::clean::run(&mut doc).unwrap();
        run(&mut doc).unwrap();
        doc.record.text
    }

    #[test]
    fn furniture_lines_are_not_text() {
        assert!(is_furniture_line("advertisement"));
        assert!(is_furniture_line("4 min read"));
        assert!(!is_furniture_line("4 min read of the report"));
        assert!(!is_furniture_line("an advertisement for soap"));
    }

    #[test]
    fn counts() {
        for count in ["0", "12", "1,204", "3.4k"] {
            assert!(is_count(count), "{count}");
        }
        for text in ["", "k", "12 replies", "v1.2"] {
            assert!(!is_count(text), "{text}");
        }
    }

    #[test]
    fn image_addresses_are_not_text() {
        assert!(is_image_address("https://cdn.example/5001/THUMB_1.jpg?v=2"));
        assert!(!is_image_address("https://example.org/guide/"));
        assert!(!is_image_address(
            "See https://example.org/a.png for the chart."
        ));
    }

    /// A category page: each item's name is a link above its details. The
    /// names are kept; a call to action and a lone link in an article are not.
    #[test]
    fn listing_keeps_item_titles() {
        let card = |i: usize| {
            format!(
                "<li><div><a href=/p/{i}>Trail Runner Model {i}</a></div>\
                 <div>$1{i}9.00</div><div>Weight: {i}20 g</div></li>"
            )
        };
        let items: String = (0..14).map(card).collect();
        let page = format!(
            "<html><body><main><h1>Running shoes</h1><ul>{items}</ul>\
             <div><a href=/all>View all shoes</a></div><div>Free returns.</div></main></body></html>"
        );
        let text = extract(&page);
        assert!(text.contains("Trail Runner Model 3"), "{text}");
        assert!(text.contains("$139.00"), "{text}");
        assert!(!text.contains("View all"), "{text}");

        let para = "<p>The story goes on with commas, clauses, and words enough to be prose.</p>";
        let article = format!(
            "<html><head><meta property=og:type content=article></head><body><article>\
             <h1>News</h1>{para}<div><a href=/x>Another story entirely</a></div>{para}{para}\
             </article></body></html>"
        );
        let text = extract(&article);
        assert!(!text.contains("Another story"), "{text}");
    }

    #[test]
    fn picks_article_over_furniture() {
        let text = extract(
            r#"<html><head><title>Big news</title></head><body>
            <div class="menu"><a href="/">Home</a> <a href="/w">World</a></div>
            <div class="main"><h1>Big news</h1>
              <p>First paragraph of the story, with commas, clauses, and detail enough.</p>
              <h2>A subheading</h2>
              <p>Second paragraph continues the story, again with commas, and more words.</p>
              <ul class="links"><li><a href="/a">Another story entirely</a></li><li><a href="/b">And one more</a></li></ul>
            </div>
            <div class="footer-links"><p>Copyright 2024, all rights reserved, by the company.</p></div>
            </body></html>"#,
        );
        assert_eq!(
            text,
            "First paragraph of the story, with commas, clauses, and detail enough.\n\nA subheading\n\nSecond paragraph continues the story, again with commas, and more words."
        );
    }

    /// An article and, in the same cover, excerpts of other posts: the
    /// declared article container is the text. Two declared posts of a
    /// thread keep the whole cover.
    #[test]
    fn declared_article_container_narrows_the_cover() {
        let para = |s: &str| {
            format!(
                "<p>{s} The paragraph goes on with commas, clauses, and enough words to count as prose.</p>"
            )
        };
        let article = format!(
            "<div class=wrap><article><h1>Pruning</h1>{}{}{}</article>\
             <div class=more><h3>Other posts</h3>{}</div></div>",
            para("Cut back in late winter."),
            para("Group three flowers on new wood."),
            para("Feed after pruning."),
            para("Another post's excerpt about roses."),
        );
        let text = extract(&format!("<html><body>{article}</body></html>"));
        assert!(text.contains("Feed after pruning"), "{text}");
        assert!(!text.contains("roses"), "{text}");

        let thread = format!(
            "<div class=thread><article>{}{}</article><article>{}</article></div>",
            para("My question about the fans."),
            para("More detail on the case."),
            para("Answer: plug them into the hub."),
        );
        let text = extract(&format!("<html><body>{thread}</body></html>"));
        assert!(text.contains("plug them into the hub"), "{text}");
    }

    #[test]
    fn declared_containers_are_recognized() {
        let html = scraper::Html::parse_fragment(
            r#"<div class="c-Article__Body">a</div><div class="post_content x">b</div><div itemprop="articleBody">c</div><div class="content">d</div>"#,
        );
        let declared: Vec<String> = html
            .select(&scraper::Selector::parse("div").unwrap())
            .filter(|e| declares_article(*e))
            .map(|e| e.text().collect())
            .collect();
        assert_eq!(declared, vec!["a", "b", "c"]);
    }

    #[test]
    fn tail_after_the_article_is_left_out() {
        let para = |s: &str| {
            format!(
                "<p>{s} The paragraph goes on with commas, clauses, and enough words to count as prose.</p>"
            )
        };
        let html = format!(
            "<html><body><div>{}{}{}{}<h3>Related posts:</h3>{}</div></body></html>",
            para("One."),
            para("Two."),
            para("Three."),
            para("Four."),
            para("Another story's excerpt."),
        );
        let text = extract(&html);
        assert!(text.contains("Four."), "{text}");
        assert!(
            !text.contains("Related posts") && !text.contains("excerpt"),
            "{text}"
        );
        // A news site's rail opens the same way.
        let news = html.replace("Related posts:", "Latest News");
        let text = extract(&news);
        assert!(
            text.contains("Four.") && !text.contains("Latest News"),
            "{text}"
        );
        // On a product page a shop rail may come earlier: past half the text.
        let rail = format!(
            "<html><head><script type=\"application/ld+json\">{{\"@type\":\"Product\"}}</script></head>\
             <body><div>{}{}{}<h3>Similar items</h3>{}{}</div></body></html>",
            para("One."),
            para("Two."),
            para("Three."),
            para("Another product's blurb."),
            para("And one more blurb."),
        );
        let text = extract(&rail);
        assert!(text.contains("Three.") && !text.contains("blurb"), "{text}");
        // A paragraph styled as a heading opens a tail too; a paragraph that
        // is a card's "Read more" link text does not.
        let styled = html.replace("<h3>Related posts:</h3>", "<p>Related articles</p>");
        let text = extract(&styled);
        assert!(!text.contains("excerpt"), "{text}");
        let more = html.replace("<h3>Related posts:</h3>", "<p>Read more</p>");
        let text = extract(&more);
        assert!(text.contains("excerpt"), "{text}");
        // The author box and a "More from …" rail, matched by their start.
        for heading in ["About the Author", "More from The Daily Planet"] {
            let text = extract(&html.replace("Related posts:", heading));
            assert!(
                text.contains("Four.") && !text.contains("excerpt"),
                "{heading}: {text}"
            );
        }
    }

    #[test]
    fn boilerplate_classes_are_left_out() {
        let text = extract(include_str!("../../../tests/fixtures/boilerplate.html"));
        for kept in [
            "The regional operator will run a sleeper service",
            "Why now",
            "Officials said demand for overnight travel",
            "Tickets go on sale next month",
        ] {
            assert!(text.contains(kept), "missing {kept:?} in {text}");
        }
        for furniture in [
            "We use cookies",       // cookie banner
            "Sport",                // navigation
            "Transport",            // breadcrumbs
            "Share on Facebook",    // share bar
            "morning briefing",     // newsletter box
            "Depot closure leaves", // related links
            "railfan88",            // comments, though they outweigh the article
            "waiting for a night train",
            "All rights reserved", // footer
        ] {
            assert!(!text.contains(furniture), "kept {furniture:?} in {text}");
        }
        assert!(
            !text.starts_with("Night trains return"),
            "headline repeated"
        );
    }

    #[test]
    fn repeated_lines_appear_once() {
        let text = extract(
            "<body><article><p>Same line printed twice by the page.</p><p>Same line printed twice by the page.</p><p>Other text, with a comma.</p></article></body>",
        );
        assert_eq!(text.matches("Same line").count(), 1);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!(
            "{}<p>deep text, here, and there</p>",
            "<div>".repeat(10_000)
        );
        let text = extract(&html);
        assert!(text.contains("deep text"));
    }

    #[test]
    fn noscript_crawler_view_is_used_when_page_is_empty() {
        let paras: String = (0..6)
            .map(|i| format!("<p>This forum post explains, in detail {i}, what went wrong with the update and how to fix it.</p>"))
            .collect();
        let html = format!(
            "<body><div id=app></div><noscript><div class=post>{paras}</div></noscript></body>"
        );
        let text = extract(&html);
        assert!(text.starts_with("This forum post explains"), "{text}");
    }

    #[test]
    fn br_makes_lines() {
        let text =
            extract("<body><article><p>Line one, here<br>line two, there</p></article></body>");
        assert_eq!(text, "Line one, here\nline two, there");
    }
}
