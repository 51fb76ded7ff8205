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
//! 4. Render the chosen subtrees as blocks ([`render`]), then assemble the
//!    text (`assemble.rs`): drop link-heavy blocks (but keep a listing's
//!    item titles), the repeated headline, repeated lines, labels, and a
//!    tail of related posts.
//!
//! A selector the user gives (a feed's `content_selector`, [`selector`])
//! comes before all of this, for the pages it matches text on.
//!
//! Paragraphs are separated by a blank line, headings stand on their own line.
//! Finally [`status`] says whether the text is an article, a wall, or nothing.

mod assemble;
mod lines;
mod markdown;
pub mod render;
pub mod score;
pub mod selector;
pub mod status;

pub use self::selector::{ContentSelector, SelectorError};

use self::assemble::{Assembled, Page, assemble};
use self::markdown::Markdown;

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use rustc_hash::FxHashMap as HashMap;

use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Node};

use self::score::Scorer;
use super::text::word_count;
use super::{Doc, StageError};
use crate::extract::doc::ReadAttr;

/// Below this many words the prose cover is taken for a listing, index or
/// service page, and the landmark text is tried (kept when it holds twice
/// the words). At 150 the dev split's short service pages (a paragraph or
/// two of pitch above a grid of offers) kept only their pitch; 250 takes
/// their grid too and no article's rail (5 pages better, none worse; 300
/// and up lose category pages).
const LISTING_MAX_WORDS: usize = 250;

/// Blocks with more of their text in links are link lists (related
/// stories, tag clouds) and left out of article text. A linked name with a
/// figure or a credit after it ("Quanta Services Inc. $7.7B", "Intro to
/// LLMs from Google ★★★★☆ (11)") is a line of the article: at 0.6 such lines
/// went, and the dev split scores better at every step up to 0.9 (0.8: 116
/// pages better, 73 worse, articles and listings gaining most).
const LINK_LIST_DENSITY: f64 = 0.8;

/// A declared article container inside the prose cover replaces the cover
/// when it holds at least this share of the cover's prose.
const DECLARED_MIN_SHARE: f64 = 0.6;

/// Another declared container with this share of the chosen one's prose
/// (a second post, an answer) means the cover is a thread: keep it whole.
const RIVAL_SHARE: f64 = 0.2;

/// On listing pages the links are the content: keep every block.
const KEEP_ALL_LINKS: f64 = 1.0;

/// Extracts the main text of `doc` into `doc.record.text` (and its
/// Markdown into `doc.record.markdown` when `doc.markdown` asks for it).
pub fn run(doc: &mut Doc) -> Result<(), StageError> {
    let headlines = doc.headlines();
    let title: Vec<String> = headlines
        .title
        .iter()
        .chain(&headlines.h1)
        .map(|t| t.to_lowercase())
        .collect();
    if let Some(selector) = doc.content_selector.clone() {
        match selector::selected_text(doc, &selector, &title) {
            Some(main) => {
                let words = word_count(&main.text);
                finish(doc, main, words);
                return Ok(());
            }
            None => doc.record.warnings.push(format!(
                "content selector `{}` matched no text on this page; the main text was found as on any page",
                selector.as_str()
            )),
        }
    }
    let body = doc.body();
    let scorer = Scorer::new(*body, &doc.dropped);
    let roots = choose_roots(doc, &scorer, *body);
    let blocks = render::render(&roots, &doc.dropped, markdown_for(doc));
    let mut main = assemble(&blocks, &title, LINK_LIST_DENSITY, Some(Page::of(doc)));
    let mut words = word_count(&main.text);
    // Whether the page is a listing is judged on its prose alone: the item
    // titles kept as cards do not make an index page an article.
    let prose_words = if main.kept_cards {
        word_count(&assemble(&blocks, &title, LINK_LIST_DENSITY, None).text)
    } else {
        words
    };
    if prose_words < LISTING_MAX_WORDS
        && let Some(fallback) = landmark_text(doc, &title)
        && word_count(&fallback.text) > prose_words * 2
    {
        words = word_count(&fallback.text);
        main = fallback;
    }
    if words < 50
        && let Some(fallback) = noscript_text(doc)
        && word_count(&fallback.text) > words * 2
    {
        words = word_count(&fallback.text);
        main = fallback;
    }
    finish(doc, main, words);
    Ok(())
}

/// Writes the chosen text, its word count and the page's status.
fn finish(doc: &mut Doc, main: Assembled, words: usize) {
    doc.record.word_count = words;
    doc.record.status = status::classify(doc, &main.text, words);
    doc.record.text = main.text;
    doc.record.markdown = main.markdown;
}

/// Markdown rendering, when the pipeline asks for it.
fn markdown_for(doc: &Doc) -> Option<Markdown<'_>> {
    doc.markdown.then_some(Markdown {
        base: doc.base_url.as_ref(),
    })
}

/// Listing and index pages have little prose: their content is short items
/// and links. When the prose cover finds little, the page's `<main>`
/// landmark (else the body), links included, is the better guess; the clean
/// stage has already dropped the navigation and furniture around it.
fn landmark_text(doc: &Doc, titles: &[String]) -> Option<Assembled> {
    let main = doc
        .html
        .select(super::doc::css!(r#"main, [role="main"]"#))
        .find(|m| {
            !m.ancestors().any(|a| doc.dropped.contains(&a.id())) && !doc.dropped.contains(&m.id())
        });
    let root = main.unwrap_or_else(|| doc.body());
    let blocks = render::render(&[*root], &doc.dropped, markdown_for(doc));
    Some(assemble(&blocks, titles, KEEP_ALL_LINKS, None)).filter(|a| !a.text.is_empty())
}

/// Some sites (Discourse forums, some SPAs) serve the real page to crawlers
/// inside `<noscript>`, which parses as raw text. When the normal pass finds
/// almost nothing, extract the largest `<noscript>` as a page of its own.
fn noscript_text(doc: &Doc) -> Option<Assembled> {
    let raw: String = doc
        .tagged(&["noscript"])
        .filter(|n| super::doc::in_body(*n))
        .map(|n| n.text().collect::<String>())
        .filter(|t| t.len() > 500 && t.contains('<'))
        .max_by_key(String::len)?;
    let mut inner = Doc::parse_for(
        &raw,
        doc.base_url.clone(),
        crate::record::Article::new(doc.record.fetched_at),
        doc.markdown,
    );
    super::clean::run(&mut inner).ok()?;
    let body = inner.body();
    let scorer = Scorer::new(*body, &inner.dropped);
    let roots = choose_roots(&inner, &scorer, *body);
    let blocks = render::render(&roots, &inner.dropped, markdown_for(&inner));
    Some(assemble(&blocks, &[], LINK_LIST_DENSITY, None)).filter(|a| !a.text.is_empty())
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
            || el.value().read_attr("itemprop") == Some("articleBody");
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
        || e.read_attr("itemprop") == Some("articleBody")
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

#[cfg(test)]
mod tests;
