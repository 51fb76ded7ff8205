//! The main text from a CSS selector the user gives: a feed's
//! `content_selector`, or `extract --selector`; and the elements to leave
//! out (`remove_selector`, `extract --remove`).
//!
//! Miniflux calls these scraper rules: for the few sites whose layout
//! defeats the general rules, the person who knows the site says where the
//! article is. The clean stage still runs, so share bars and related links
//! inside the chosen elements are left out as on any page; and a page the
//! selector does not fit (a redesign, a live blog) falls back to the
//! general rules with a warning instead of losing its text.

use std::sync::Arc;

use ego_tree::NodeRef;
use scraper::{Node, Selector};

use super::assemble::{Assembled, assemble};
use super::{KEEP_ALL_LINKS, render};
use crate::extract::Doc;

/// A parsed CSS selector for the article's elements (or those to leave
/// out), cheap to clone.
#[derive(Debug, Clone)]
pub struct ContentSelector {
    source: String,
    selector: Arc<Selector>,
}

/// A selector that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("`{selector}` is not a CSS selector: {message}")]
pub struct SelectorError {
    /// The text given.
    pub selector: String,
    /// What the parser said.
    pub message: String,
}

impl ContentSelector {
    /// Parses `source` (any selector list `scraper` takes: `article
    /// .body`, `#story, .post-content`).
    pub fn parse(source: &str) -> Result<ContentSelector, SelectorError> {
        let selector = Selector::parse(source).map_err(|e| SelectorError {
            selector: source.to_owned(),
            message: e.to_string(),
        })?;
        Ok(ContentSelector {
            source: source.to_owned(),
            selector: Arc::new(selector),
        })
    }

    /// The selector as given.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Marks every element the selector matches as dropped: no stage
    /// reads its text (a feed's `remove_selector`, `extract --remove`).
    pub fn drop_matches(&self, doc: &mut Doc) {
        let ids: Vec<_> = doc.html.select(&self.selector).map(|e| e.id()).collect();
        doc.dropped.extend(ids);
    }
}

impl PartialEq for ContentSelector {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// The text of the elements `selector` matches, in page order (an element
/// inside another match counts once, with its ancestor), rendered and
/// assembled as the content stage does its own choice (headings on their
/// own line, the headline not repeated, links kept); `None` when that is
/// no text.
pub(super) fn selected_text(
    doc: &Doc,
    selector: &ContentSelector,
    titles: &[String],
) -> Option<Assembled> {
    let matched: Vec<NodeRef<'_, Node>> = doc.html.select(&selector.selector).map(|e| *e).collect();
    let ids: std::collections::HashSet<_> = matched.iter().map(NodeRef::id).collect();
    let roots: Vec<NodeRef<'_, Node>> = matched
        .into_iter()
        .filter(|n| !n.ancestors().any(|a| ids.contains(&a.id())))
        .collect();
    if roots.is_empty() {
        return None;
    }
    let blocks = render::render(&roots, &doc.dropped, super::markdown_for(doc));
    Some(assemble(&blocks, titles, KEEP_ALL_LINKS, None)).filter(|a| !a.text.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Article;

    fn doc(html: &str) -> Doc {
        let mut doc = Doc::parse(html, None, Article::new(chrono::Utc::now()));
        crate::extract::clean::run(&mut doc).unwrap();
        doc
    }

    #[test]
    fn matches_in_page_order_counted_once_with_furniture_left_out() {
        let page = doc(r#"<html><body><div class="teaser">Lead paragraph.</div>
            <div class="story"><p>First paragraph.</p><div class="story"><p>Nested.</p></div>
            <nav><a href="/">Home</a> <a href="/world">World</a></nav></div>
            <aside><p>Unrelated.</p></aside></body></html>"#);
        let sel = ContentSelector::parse(".teaser, .story").unwrap();
        assert_eq!(
            selected_text(&page, &sel, &[]).map(|a| a.text).as_deref(),
            Some("Lead paragraph.\n\nFirst paragraph.\n\nNested.")
        );
        let none = ContentSelector::parse("#missing").unwrap();
        assert!(selected_text(&page, &none, &[]).is_none());
    }

    #[test]
    fn a_bad_selector_is_an_error_naming_it() {
        let err = ContentSelector::parse("div[").unwrap_err().to_string();
        assert!(err.starts_with("`div[` is not a CSS selector"), "{err}");
    }
}
