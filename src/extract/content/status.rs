//! What kind of page the main text came from: an article, a paywall teaser,
//! a consent wall, or a page with no article on it.
//!
//! Downstream users must not take a wall for the article, so the content
//! stage says so in `status` (the text is still written out):
//! - **consent wall**: the main text is short and reads like a cookie or
//!   consent notice ("we and our partners use cookies … accept all");
//! - **paywall**: the publisher declares the article not free
//!   (`isAccessibleForFree: false` in JSON-LD), or an article page carries a
//!   paywall element, and only a teaser's worth of text is visible;
//! - **not article**: some text, but too little to be an article, on a page
//!   that does not declare itself one;
//! - **empty**: no text at all.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use scraper::ElementRef;
use serde_json::Value;

use crate::extract::Doc;
use crate::extract::doc::{class_names, css};
use crate::extract::metadata::sources::declares_article;
use crate::record::Status;

/// Fewer words than this, on a page that does not declare an article, is not an article.
const MIN_ARTICLE_WORDS: usize = 40;
/// A declared-paid article showing fewer words than this is a teaser.
const TEASER_WORDS: usize = 350;
/// A page with a paywall element but no declaration needs a shorter text to count as a teaser.
const MARKED_TEASER_WORDS: usize = 200;
/// A consent notice is short; a long text that mentions cookies is an article about them.
const CONSENT_MAX_WORDS: usize = 250;

/// Phrases of cookie and consent notices (matched case-insensitively).
const CONSENT_PHRASES: &[&str] = &[
    "cookie",
    "consent",
    "accept all",
    "reject all",
    "allow all",
    "manage preferences",
    "manage options",
    "privacy policy",
    "our partners",
    "personal data",
    "legitimate interest",
    "store and/or access information",
    "tracking technologies",
];

/// class/id fragments of paywall and registration-wall elements.
const PAYWALL_NAMES: &[&str] = &[
    "paywall",
    "pay-wall",
    "regwall",
    "metered",
    "subscriber-only",
    "subscribers-only",
    "premium-content",
    "article-locked",
    "locked-content",
    "piano-offer",
    "tp-modal",
];

/// Classifies the page from its main text and page-level signals.
pub fn classify(doc: &Doc, text: &str, words: usize) -> Status {
    if text.trim().is_empty() {
        // The clean stage drops consent banners, so a consent wall can leave
        // no text at all.
        return if consent_box(doc) {
            Status::ConsentWall
        } else {
            Status::Empty
        };
    }
    if is_consent_notice(text, words) {
        return Status::ConsentWall;
    }
    let declared_paid = declared_not_free(&doc.json_ld);
    if (declared_paid && words < TEASER_WORDS)
        || (words < MARKED_TEASER_WORDS && has_paywall_element(doc) && declares_article(doc))
    {
        return Status::Paywall;
    }
    if words < MIN_ARTICLE_WORDS && !declares_article(doc) {
        return Status::NotArticle;
    }
    Status::Ok
}

/// True when `text` is a short cookie/consent notice: at least three
/// distinct consent phrases, or consent phrases making up much of a very
/// short text.
fn is_consent_notice(text: &str, words: usize) -> bool {
    static PHRASES: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(CONSENT_PHRASES)
            .unwrap_or_else(|e| panic!("built-in patterns: {e}"))
    });
    if words > CONSENT_MAX_WORDS {
        return false;
    }
    let mut seen = [false; CONSENT_PHRASES.len()];
    let mut hits = 0;
    for m in PHRASES.find_iter(text) {
        hits += 1;
        seen[m.pattern().as_usize()] = true;
    }
    let distinct = seen.iter().filter(|s| **s).count();
    let has_cookie = seen[0] || seen[1];
    has_cookie && (distinct >= 3 || (words < 60 && hits >= 2))
}

/// True when an element named like a consent banner (`cookie`, `consent`,
/// `gdpr`) holds a consent notice and most of the page's visible text: the
/// wall that hid the page's text. (A banner beside a page whose text we
/// merely failed to find is not a wall.)
fn consent_box(doc: &Doc) -> bool {
    static NAMES: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(["cookie", "consent", "gdpr"])
            .unwrap_or_else(|e| panic!("built-in patterns: {e}"))
    });
    doc.html
        .select(css!("[class], [id]"))
        .filter(|e| {
            let v = e.value();
            !crate::extract::doc::holds_unseen_text(v.name())
                && class_names(v).chain(v.id()).any(|n| NAMES.is_match(n))
        })
        .take(5)
        .any(|e| {
            let text = crate::extract::text::normalize_space(&e.text().collect::<String>());
            is_consent_notice(&text, crate::extract::text::word_count(&text)) && {
                let visible = doc.opening_text(8 * text.len() + 1000);
                text.len() * 2 >= crate::extract::text::normalize_space(&visible).len()
            }
        })
}

/// True when the page's JSON-LD says its article is not free to read
/// (`isAccessibleForFree: false`, on the article or on one of its parts).
fn declared_not_free(objects: &[Value]) -> bool {
    fn is_false(v: Option<&Value>) -> bool {
        match v {
            Some(Value::Bool(b)) => !b,
            Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("false"),
            _ => false,
        }
    }
    objects.iter().any(|o| {
        is_false(o.get("isAccessibleForFree"))
            || match o.get("hasPart") {
                Some(Value::Array(parts)) => {
                    parts.iter().any(|p| is_false(p.get("isAccessibleForFree")))
                }
                Some(p) => is_false(p.get("isAccessibleForFree")),
                None => false,
            }
    })
}

/// True when an element's class or id names a paywall.
fn has_paywall_element(doc: &Doc) -> bool {
    static NAMES: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(PAYWALL_NAMES)
            .unwrap_or_else(|e| panic!("built-in patterns: {e}"))
    });
    doc.html
        .select(css!("[class], [id]"))
        .any(|e: ElementRef<'_>| {
            let v = e.value();
            class_names(v).chain(v.id()).any(|n| NAMES.is_match(n))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_of(html: &str) -> Status {
        let mut doc = Doc::from_html(html);
        crate::extract::clean::run(&mut doc).unwrap();
        crate::extract::content::run(&mut doc).unwrap();
        doc.record.status
    }

    fn paragraphs(n: usize) -> String {
        (0..n)
            .map(|i| format!("<p>Paragraph {i} of the report explains, in plain words, what the council decided and why it matters to residents.</p>"))
            .collect()
    }

    #[test]
    fn full_article_is_ok() {
        let html = format!("<body><article>{}</article></body>", paragraphs(8));
        assert_eq!(status_of(&html), Status::Ok);
    }

    #[test]
    fn declared_paid_teaser_is_paywall() {
        let html = include_str!("../../../tests/fixtures/status/paywall.html");
        assert_eq!(status_of(html), Status::Paywall);
    }

    #[test]
    fn declared_paid_but_full_text_is_ok() {
        let html = format!(
            r#"<script type="application/ld+json">{{"@type":"NewsArticle","isAccessibleForFree":"False"}}</script>
            <body><article>{}</article></body>"#,
            paragraphs(30)
        );
        assert_eq!(status_of(&html), Status::Ok);
    }

    #[test]
    fn paywall_element_with_teaser_is_paywall() {
        let html = format!(
            r#"<head><meta property="og:type" content="article"></head><body><article>{}<div class="article-paywall-prompt">Already a subscriber? Log in.</div></article></body>"#,
            paragraphs(2)
        );
        assert_eq!(status_of(&html), Status::Paywall);
    }

    #[test]
    fn consent_wall_is_detected() {
        let html = include_str!("../../../tests/fixtures/status/consent.html");
        assert_eq!(status_of(html), Status::ConsentWall);
    }

    #[test]
    fn article_about_cookies_is_not_a_consent_wall() {
        let paras: String = (0..20)
            .map(|i| format!("<p>Step {i}: the cookie dough rests overnight, and the baker checks the consent of nobody but the oven, which must be hot.</p>"))
            .collect();
        assert_eq!(
            status_of(&format!("<body><article>{paras}</article></body>")),
            Status::Ok
        );
    }

    #[test]
    fn short_page_is_not_article_unless_declared() {
        let html = "<body><div><p>Welcome to our site, have a look around.</p></div></body>";
        assert_eq!(status_of(html), Status::NotArticle);
        let declared = format!(r#"<head><meta property="og:type" content="article"></head>{html}"#);
        assert_eq!(status_of(&declared), Status::Ok);
    }

    #[test]
    fn dropped_consent_banner_with_no_other_text_is_a_consent_wall() {
        let html = r#"<body><div id="cookie-consent-banner"><p>We use cookies to improve your experience. By clicking Accept all you consent to our privacy policy.</p></div></body>"#;
        assert_eq!(status_of(html), Status::ConsentWall);
    }

    #[test]
    fn consent_banner_beside_an_article_is_ok() {
        let html = format!(
            r#"<body><div id="cookie-consent-banner"><p>We use cookies to improve your experience. By clicking Accept all you consent to our privacy policy.</p></div><article>{}</article></body>"#,
            paragraphs(8)
        );
        assert_eq!(status_of(&html), Status::Ok);
    }

    #[test]
    fn no_text_is_empty() {
        assert_eq!(status_of("<body><div></div></body>"), Status::Empty);
    }
}
