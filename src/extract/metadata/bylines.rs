//! Bylines found by their label rather than by their markup: the short
//! element that reads "By Jo Bloggs", "Written by Jo Bloggs" or "Posted by
//! jo", and the label element ("Written by", "Author") whose next sibling
//! holds the name. Sites style bylines with utility classes (`text-sm
//! font-bold`) that name nothing, but the words a reader sees are stable.

use scraper::{ElementRef, Node};

use crate::extract::Doc;
use crate::extract::doc::ReadAttr;
use crate::extract::text::normalize_space;

/// Labels that open a byline, lower-case, followed by the name in the same
/// element; without their colon they also stand alone in their element,
/// the name in the next one ("Author" / "Jane Roe").
const LABELS: &[&str] = &[
    "by",
    "written by",
    "posted by",
    "authored by",
    "article by",
    "words by",
    "story by",
    "author:",
    "authors:",
    "contributors:",
];

/// Longest element text read as a byline: longer is a sentence.
const MAX_LEN: usize = 120;

/// How many labelled candidates to look at before giving up.
const MAX_CANDIDATES: usize = 12;

/// How many byline elements [`labelled_elements`] gathers.
const MAX_ELEMENTS: usize = 64;

/// Labels of a forum thread's starter (XenForo's "Thread starter", SMF's
/// "Started by"): the name after them is the author the thread is
/// credited to, while byline markup names every poster.
const STARTER: &[&str] = &["thread starter", "started by", "original poster"];

/// The raw texts of the page's labelled bylines, in page order, for the
/// caller to clean (it keeps the first that yields a name).
pub fn labelled(doc: &Doc) -> Vec<String> {
    find(doc, LABELS, MAX_CANDIDATES)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

/// The elements that hold the page's labelled bylines, in page order: the
/// date a post prints beside its byline sits in the same row. More of
/// them than [`labelled`] reads: a byline printed at the end of a post
/// comes after every "by" of its text.
pub fn labelled_elements(doc: &Doc) -> Vec<ElementRef<'_>> {
    find(doc, LABELS, MAX_ELEMENTS)
        .into_iter()
        .map(|(e, _)| e)
        .collect()
}

/// The raw texts after thread-starter labels, in page order.
pub fn thread_starter(doc: &Doc) -> Vec<String> {
    find(doc, STARTER, MAX_CANDIDATES)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

/// Texts of elements that open with one of `labels`, and of the elements
/// that follow one standing alone (its colon dropped).
fn find<'a>(doc: &'a Doc, labels: &[&str], max: usize) -> Vec<(ElementRef<'a>, String)> {
    let mut out = Vec::new();
    for node in doc.body().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        let t = t.trim();
        // Cheap test first: most text nodes start with no label's letter.
        let first = t.bytes().next().map(|b| b.to_ascii_lowercase());
        if t.is_empty() || t.len() > MAX_LEN || !labels.iter().any(|l| l.bytes().next() == first) {
            continue;
        }
        if !opens_with_label(&t.to_lowercase(), labels) {
            continue;
        }
        let Some(parent) = node.parent().and_then(ElementRef::wrap) else {
            continue;
        };
        if crate::extract::doc::holds_unseen_text(parent.value().name()) || in_navigation(parent) {
            continue;
        }
        let text = normalize_space(&parent.text().collect::<String>());
        if text.len() > MAX_LEN {
            continue;
        }
        let label = text.trim_end_matches(':').trim().to_lowercase();
        if labels.iter().any(|l| alone(l) == label) {
            if let Some(next) = next_element(parent) {
                let name = normalize_space(&next.text().collect::<String>());
                if !name.is_empty() && name.len() <= MAX_LEN {
                    out.push((parent, name));
                }
            }
        } else if opens_with_label(&text.to_lowercase(), labels) {
            out.push((parent, text));
        }
        if out.len() >= max {
            break;
        }
    }
    out
}

/// A label as it stands alone in its element: without its colon.
fn alone(label: &str) -> &str {
    label.trim_end_matches(':')
}

/// True when `lower` starts with a byline label (with or without its
/// colon) followed by a word break.
fn opens_with_label(lower: &str, labels: &[&str]) -> bool {
    labels.iter().flat_map(|l| [*l, alone(l)]).any(|l| {
        lower.strip_prefix(l).is_some_and(|rest| {
            l.ends_with(':') || rest.is_empty() || rest.starts_with([' ', ':', '\u{a0}'])
        })
    })
}

/// True inside a `<nav>` or a navigation landmark, where "By use case" and
/// "Shop by brand" are menu headings.
fn in_navigation(e: ElementRef<'_>) -> bool {
    e.ancestors()
        .filter_map(ElementRef::wrap)
        .any(|a| a.value().name() == "nav" || a.value().read_attr("role") == Some("navigation"))
}

/// The next sibling element of `e`, skipping text that is only whitespace.
fn next_element(e: ElementRef<'_>) -> Option<ElementRef<'_>> {
    let mut n = e.next_sibling();
    while let Some(node) = n {
        if let Some(el) = ElementRef::wrap(node) {
            return Some(el);
        }
        if node.value().as_text().is_some_and(|t| !t.trim().is_empty()) {
            return None;
        }
        n = node.next_sibling();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bylines(body: &str) -> Vec<String> {
        let doc = Doc::from_html(&format!("<body>{body}</body>"));
        labelled(&doc)
    }

    #[test]
    fn label_and_name_in_one_element() {
        assert_eq!(
            bylines(r#"<p class="text-sm">Written by<!-- --> <a href="/a">Moses Kim</a></p>"#),
            vec!["Written by Moses Kim"]
        );
        assert_eq!(bylines("<p>by   ibby  </p>"), vec!["by ibby"]);
        assert_eq!(
            bylines(r#"<div>By: <a href="/a">FlowGuard EMEA</a> on 04-ago-2021</div>"#),
            vec!["By: FlowGuard EMEA on 04-ago-2021"]
        );
    }

    #[test]
    fn label_alone_then_name() {
        assert_eq!(
            bylines("<div><div>Written by</div><div class=x>Jack Shepherd</div></div>"),
            vec!["Jack Shepherd"]
        );
        assert_eq!(
            bylines("<div><h3>Author</h3>\n<p>  Lisa D. Ellis</p></div>"),
            vec!["Lisa D. Ellis"]
        );
    }

    #[test]
    fn thread_starter_label() {
        let doc = Doc::from_html(
            r#"<body><ul><li><i></i><span class="u-srOnly">Thread starter</span>
            <a href="/members/r.1/" class="username">ridwan123</a></li></ul>
            <p>Started by Biology Forums, June 04, 2024</p></body>"#,
        );
        assert_eq!(
            thread_starter(&doc),
            vec!["ridwan123", "Started by Biology Forums, June 04, 2024"]
        );
        assert!(labelled(&doc).is_empty());
    }

    #[test]
    fn sentences_and_other_words_are_not_bylines() {
        assert!(bylines("<p>Bypass the cache by default.</p>").is_empty());
        let long = format!(
            "<p>By the time we arrived {}</p>",
            "the storm had passed ".repeat(10)
        );
        assert!(bylines(&long).is_empty());
        assert!(bylines("<script>by = 1</script>").is_empty());
        assert!(bylines("<nav><ul><li><p>BY USE CASE</p></li></ul></nav>").is_empty());
    }
}
