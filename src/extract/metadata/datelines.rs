//! Publication dates the page states in words: "Published on March 5,
//! 2024", "Posted on the 15/12/2025", "originally published on 26 Sep
//! 2019". The label says which date it is, so it is read wherever it sits
//! (the end of a post, a byline row) and the date right after it is taken,
//! not an "Updated" date beside it.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use chrono::{DateTime, Utc};
use scraper::{ElementRef, Node};

use super::textdates::find_in_text;
use crate::extract::Doc;
use crate::extract::text::normalize_space;
use crate::record::{DateField, DateSource};

/// Lower-case labels of a publication date.
const LABELS: &[&str] = &["published", "posted on", "posted:", "start date"];

/// Longest element text read as a dateline: longer is prose.
const MAX_LEN: usize = 200;

/// How far after its label the date may start.
const MAX_GAP: usize = 12;

/// The first labelled publication date in the page, in page order.
pub fn labelled(doc: &Doc, now: DateTime<Utc>) -> Option<DateField> {
    for node in doc.body().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        if t.len() > MAX_LEN || !has_label(t) {
            continue;
        }
        let Some(parent) = node.parent().and_then(ElementRef::wrap) else {
            continue;
        };
        if crate::extract::doc::holds_unseen_text(parent.value().name()) {
            continue;
        }
        // The label's element, or its parent when the date sits in a
        // sibling (`<span>Published</span> <time>…</time>`).
        let text = [Some(parent), parent.parent().and_then(ElementRef::wrap)]
            .into_iter()
            .flatten()
            .map(|e| normalize_space(&e.text().collect::<String>()))
            .take_while(|s| s.len() <= MAX_LEN)
            .find_map(|s| date_after_label(&s, now));
        if let Some((raw, value)) = text {
            return Some(DateField {
                value,
                raw,
                source: DateSource::Text,
            });
        }
    }
    None
}

/// Last resort: the date in the row of a labelled byline ("Written by Jo
/// Roe" / "April 8, 2024"), the byline's own element or one of its two
/// nearest ancestors while they stay short. Posts that print their byline
/// at the end, far from the headline, are dated by nothing else.
pub fn beside_byline(doc: &Doc, now: DateTime<Utc>) -> Option<DateField> {
    for byline in super::bylines::labelled_elements(doc) {
        let rows =
            std::iter::once(byline).chain(byline.ancestors().filter_map(ElementRef::wrap).take(2));
        for row in rows {
            // Joined with spaces: the name and the date are often elements
            // side by side with no space between them in the markup.
            let text = normalize_space(&row.text().collect::<Vec<_>>().join(" "));
            if text.len() > MAX_LEN {
                break;
            }
            if let Some((raw, value)) = find_in_text(&text, now) {
                return Some(DateField {
                    value,
                    raw,
                    source: DateSource::Text,
                });
            }
        }
    }
    None
}

/// True when `text` holds a label, in any case (without allocating: most
/// text nodes hold none).
fn has_label(text: &str) -> bool {
    // One pass for all the labels: this runs on every short text node.
    static FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(LABELS)
            .unwrap_or_else(|e| panic!("built-in patterns: {e}"))
    });
    FINDER.is_match(text)
}

/// The date that follows a label in `text` (within a few characters:
/// "Published: ", "Posted on the "). "Last published" is a blog's latest
/// post, shown on every page, not this one's date.
fn date_after_label(text: &str, now: DateTime<Utc>) -> Option<(String, String)> {
    let lower = text.to_lowercase();
    LABELS.iter().find_map(|l| {
        let start = lower.find(l)?;
        if lower[..start].trim_end().ends_with("last") {
            return None;
        }
        let at = start + l.len();
        let rest = text.get(at..)?;
        let (raw, value) = find_in_text(rest, now)?;
        let gap = rest.find(&raw)?;
        (gap <= MAX_GAP).then_some((raw, value))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn date_of(body: &str) -> Option<String> {
        let doc = Doc::from_html(&format!("<body>{body}</body>"));
        labelled(&doc, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()).map(|d| d.value)
    }

    #[test]
    fn reads_the_date_after_its_label() {
        assert_eq!(
            date_of("<p>By Claire Wilson, Published Apr 26, 2023 Updated Aug 21, 2025</p>")
                .as_deref(),
            Some("2023-04-26T00:00:00Z")
        );
        assert_eq!(
            date_of("<article><p>Long text.</p><p>Posted on the 15/12/2025 at 19:00 by @jo</p></article>")
                .as_deref(),
            Some("2025-12-15T00:00:00Z")
        );
        assert_eq!(
            date_of("<div><span>Published:</span> <span>March 5, 2024</span></div>").as_deref(),
            Some("2024-03-05T00:00:00Z")
        );
    }

    #[test]
    fn a_date_in_the_row_of_a_byline_dates_the_page() {
        let doc = Doc::from_html(
            r#"<body><h1>How apps are made</h1><p>Text by the team, long.</p>
            <div><div><p>Written by<!-- --> <a href="/a">Moses Kim and Kate Shokurova</a></p><p>April 8, 2024</p></div></div></body>"#,
        );
        assert_eq!(
            beside_byline(&doc, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
                .map(|d| d.value)
                .as_deref(),
            Some("2024-04-08T00:00:00Z")
        );
    }

    #[test]
    fn a_date_far_from_the_label_or_unlabelled_is_not_taken() {
        assert_eq!(date_of("<p>Updated March 5, 2024</p>"), None);
        // A publication's latest post, linked from every page.
        assert_eq!(
            date_of("<a href=\"/other\">Last published <span>Apr 8, 2024</span></a>"),
            None
        );
        assert_eq!(
            date_of("<p>Published by the city council, which met on March 5, 2024</p>"),
            None
        );
    }
}
