//! Assembling the text from rendered blocks: which blocks are the page's
//! text and which are furniture that the element choice let through (the
//! repeated headline, link lists, a tail of related posts, labels), and
//! what kind of page says how far to go (item cards on a listing, an
//! earlier tail on a product or a thread).

use std::borrow::Cow;

use rustc_hash::FxHashSet as HashSet;

use super::lines::{
    is_badge, is_byline_line, is_card_title, is_count, is_furniture_line, is_identifiers,
    is_image_address, is_invisible, is_poster_line, is_prompt, is_recommendations_heading,
    reads_as_sentence, undoubled,
};
use super::markdown::{self, Row};
use super::render::{Block, BlockKind};
use crate::extract::Doc;
use crate::extract::text::normalize_space;

/// A sentence with more of its text in links than this is a link list
/// after all (a run of linked names with a full stop).
const SENTENCE_MAX_LINK_DENSITY: f64 = 0.9;

/// Words a line under a recommendations heading may have and still be one
/// of its cards (a product name, a price, a seller's rating): the first
/// longer line is the page's own text again.
const RECOMMENDED_CARD_MAX_WORDS: usize = 20;

/// Words of a heading element that ends a recommendations widget (a
/// section's name); longer ones are its cards' product names.
const SECTION_HEADING_MAX_WORDS: usize = 4;

/// Item titles (a link alone between non-link blocks) a page needs before
/// they are read as the cards of a listing rather than stray links.
const CARD_MIN: usize = 12;

/// What a page says it is, as far as assembling its text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Page {
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
    pub(super) fn of(doc: &Doc) -> Page {
        let discussion = doc
            .discussion
            .unwrap_or_else(|| crate::extract::clean::is_discussion(doc));
        if discussion {
            Page::Discussion
        } else if crate::extract::clean::is_product(doc) {
            Page::Product
        } else if crate::extract::metadata::sources::declares_article(doc) {
            Page::Article
        } else {
            Page::Undeclared
        }
    }
}

/// The text of a page and how it was assembled.
pub(super) struct Assembled {
    /// Blocks joined by blank lines.
    pub text: String,
    /// The same blocks as Markdown, when they were rendered with it.
    pub markdown: Option<String>,
    /// Item cards (link blocks) were kept: the text is more than the
    /// page's prose.
    pub kept_cards: bool,
}

/// Joins blocks into the final text, dropping link lists, the headline and
/// repeated lines. On an `Undeclared` page, a short link standing alone
/// between non-link blocks is kept when the page has many of them: on a
/// category or search page each item's name is a link above its price and
/// details, and the names are the content. `None` (the fallbacks) keeps
/// neither cards nor a page-specific tail.
pub(super) fn assemble(
    blocks: &[Block],
    titles: &[String],
    max_link_density: f64,
    page: Option<Page>,
) -> Assembled {
    let allow_cards = page == Some(Page::Undeclared);
    let mut seen: HashSet<String> = HashSet::default();
    let mut parts: Vec<&str> = Vec::new();
    let mut marked: Vec<(Cow<'_, str>, Option<Row>)> = Vec::new();
    let total: usize = blocks.iter().map(|b| b.text.len()).sum();
    // What comes before the headline (breadcrumbs, kickers, share bars) is
    // page furniture, as long as it is a small part of the text.
    let skip = headline_index(blocks, total, titles).unwrap_or(0);
    // A thread's or a product's own text rarely ends with a "Similar
    // threads" or "Customers also viewed" section of its own, so there the
    // tail may start earlier; elsewhere such a heading in the first 70% may
    // open one of a listing's own sections. A heading element (not a styled
    // line) on a declared article or product opens the tail from 40% on:
    // reviews and video cards under "More videos" can outweigh a short post.
    // In tenths of the text: (any tail line, a heading element).
    let tail_from = match page {
        Some(Page::Discussion | Page::Product) => (5, 4),
        Some(Page::Article) => (7, 4),
        _ => (7, 7),
    };
    let end = tail_index(blocks, total, tail_from).unwrap_or(blocks.len());
    let linky: Vec<bool> = blocks
        .iter()
        .map(|b| {
            let density = b.link_chars as f64 / b.text.chars().count().max(1) as f64;
            density > max_link_density
                && !(density <= SENTENCE_MAX_LINK_DENSITY && reads_as_sentence(&b.text))
        })
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
    // Where the current block starts in the text.
    let mut at: usize = blocks[..skip].iter().map(|b| b.text.len()).sum();
    // Under a recommendations heading: its cards are skipped.
    let mut recommending = false;
    for (i, b) in blocks.iter().enumerate().take(end).skip(skip) {
        let start = at;
        at += b.text.len();
        let chars = b.text.chars().count();
        if page == Some(Page::Article)
            && chars <= 120
            && start * 5 <= total
            && is_byline_line(&b.text)
        {
            continue;
        }
        let card = cards && isolated(i, b);
        if linky[i] && b.kind != BlockKind::Heading && !card {
            continue;
        }
        let text = undoubled(&b.text);
        let key = normalize_space(text).to_lowercase();
        if i < skip + 3 && titles.contains(&key) {
            continue;
        }
        if is_image_address(text)
            || is_furniture_line(&key)
            || (b.kind != BlockKind::Heading && is_badge(&key))
            || is_invisible(&key)
            || is_identifiers(text)
            || is_prompt(&key)
        {
            continue;
        }
        // On a thread a number alone is a vote, like or reply count, and
        // a poster's panel prints their statistics beside each post.
        if page == Some(Page::Discussion) && (is_count(&key) || is_poster_line(&key)) {
            continue;
        }
        let opens_rail =
            (b.kind == BlockKind::Heading || chars <= 60) && is_recommendations_heading(&key);
        if chars >= 10 && !seen.insert(key) {
            continue;
        }
        if recommending {
            let words = text.split_whitespace().count();
            // A card's name can be a heading element; a short heading
            // ("Technical details") opens the page's next section.
            let section = b.kind == BlockKind::Heading && words <= SECTION_HEADING_MAX_WORDS;
            if !section && words <= RECOMMENDED_CARD_MAX_WORDS {
                continue;
            }
            recommending = false;
        }
        if opens_rail {
            recommending = true;
            continue;
        }
        parts.push(text);
        if let Some(md) = &b.markdown {
            // A label printed twice is kept once, as plain text.
            if text.len() == b.text.len() {
                marked.push((Cow::Borrowed(&md.text), md.row));
            } else {
                marked.push((Cow::Owned(markdown::escape(text)), None));
            }
        }
    }
    let markdown = blocks
        .iter()
        .any(|b| b.markdown.is_some())
        .then(|| markdown::join(marked));
    Assembled {
        text: parts.join("\n\n"),
        markdown,
        kept_cards: cards,
    }
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
    "previous post",
    "next post",
    "create an account or sign in to comment",
    "join the conversation",
    "join the discussion",
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

/// Index of a line past the first `from` tenths of the text (a heading
/// element: `heading_from` tenths) that opens the page's tail (related
/// posts, reply forms, share prompts): it and everything after it are left
/// out. `total` is the length of all the blocks' text.
fn tail_index(
    blocks: &[Block],
    total: usize,
    (from, heading_from): (usize, usize),
) -> Option<usize> {
    let mut before = 0usize;
    for (i, b) in blocks.iter().enumerate() {
        let heading = b.kind == BlockKind::Heading;
        let from = if heading { heading_from } else { from };
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
/// text, `total` bytes long (and is not the first block).
fn headline_index(blocks: &[Block], total: usize, titles: &[String]) -> Option<usize> {
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

    /// Clean's verdict (a link post is a discussion, which the markup
    /// alone does not say) is the one the content stage goes by.
    #[test]
    fn page_kind_follows_the_clean_stage() {
        let html = "<html><body><article><h1>A link</h1><p>Short.</p></article></body></html>";
        let mut doc = Doc::from_html(html);
        assert_eq!(Page::of(&doc), Page::Undeclared);
        doc.discussion = Some(true);
        assert_eq!(Page::of(&doc), Page::Discussion);
    }
}
