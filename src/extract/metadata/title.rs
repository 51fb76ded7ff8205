//! The headline.
//!
//! Candidates: JSON-LD `headline`, `og:title`, `twitter:title`, the `<h1>`
//! elements and `<title>`. An `<h1>` that agrees with one of the declared
//! titles wins (it is what readers see); otherwise the declared title with its
//! site-name suffix removed (`Storm hits coast | Coast News`). Either way a
//! part that names the site goes.

use serde_json::Value;

use super::limits::MAX_TITLE_CHARS;
use super::sources::{MetaTags, has_type, json_ld_str};
use crate::extract::Doc;
use crate::extract::doc::ReadAttr;
use crate::extract::text::{compact, normalize_space, unescape};

/// Separators between a headline and the site name in `<title>`.
const SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " · ", " • ", " // ", " / ", " « ", " » ",
];

/// Finds the title of `doc`.
pub fn find(
    doc: &Doc,
    meta: &MetaTags,
    article: Option<&Value>,
    site_name: Option<&str>,
) -> Option<String> {
    // A candidate past the limit is no title (a page's whole text in its
    // `<title>`): the next one is asked instead.
    let usable = |s: &String| !s.is_empty() && s.chars().count() <= MAX_TITLE_CHARS;
    let clean = |s: String| Some(normalize_space(&unescape(&s))).filter(usable);
    let mut declared: Vec<String> = [
        article.and_then(|a| json_ld_str(a, "headline")),
        meta.first(&["og:title"]),
        meta.first(&["twitter:title"]),
    ]
    .into_iter()
    .flatten()
    .filter_map(clean)
    .collect();
    let only_title_tag = declared.is_empty();
    declared.extend(doc.headlines().title.clone().and_then(clean));

    let host = doc
        .base_url
        .as_ref()
        .and_then(|u| u.host_str())
        .and_then(site_label);
    let h1s: Vec<&String> = doc.headlines().h1.iter().filter(|h| usable(h)).collect();
    // An `<h1>` can carry the site's name too (`Catering Tips | Cookshack`):
    // only a part that names the site goes, never a guessed brand.
    let heading = |h: &String| {
        Some(strip_site(h, site_name, host.as_deref(), false).unwrap_or_else(|| h.clone()))
    };
    for &h in &h1s {
        let hl = h.to_lowercase();
        if declared.iter().enumerate().any(|(i, d)| {
            let dl = d.to_lowercase();
            dl == hl
                || strip_site(&dl, site_name, host.as_deref(), true).as_deref()
                    == Some(hl.as_str())
                // Opening the first declared title: that title with a
                // subtitle or suffix. (Opening only a later one, the
                // `<h1>` may be the blog's name over a `<title>` of
                // `Blog name: post`, while `og:title` names the post.)
                || (i == 0 && dl.starts_with(&hl))
        }) {
            return heading(h);
        }
    }
    // A page that declares no headline of its own (no JSON-LD `headline`,
    // no `og:` or `twitter:` title) has only its `<title>`, which is often
    // the site's template (`Reddit - The heart of the internet`, `Home
    // Page`): its one `<h1>` is the headline the reader sees, unless that
    // `<h1>` is the site's name (`The Rust Programming Language` over every
    // chapter of the book).
    if only_title_tag
        && let ([h1], Some(title)) = (h1s.as_slice(), declared.first())
        && h1.split_whitespace().nth(1).is_some()
        && !names_the_site(h1, title, site_name, host.as_deref())
        && h1_outside_furniture(doc)
    {
        return heading(h1);
    }
    if let Some(first) = declared.first() {
        let first = untruncated(first, &declared[1..]);
        let stripped =
            strip_site(first, site_name, host.as_deref(), true).unwrap_or_else(|| first.to_owned());
        // On a story or product page the one `<h1>` is the headline the
        // reader sees, while the declared title is often rewritten for search
        // engines (`Top 10 …`, a year added): the `<h1>` wins when it is about
        // the same thing. On other pages an `<h1>` that disagrees is more often
        // a slogan or a section label.
        if let [h1] = h1s.as_slice()
            && declares_story_or_product(meta, article)
            && shares_a_word(h1, &stripped)
        {
            return heading(h1);
        }
        return Some(stripped);
    }
    h1s.first().map(|h| (*h).clone())
}

/// Declared titles this long may have been cut at a length limit.
const TRUNCATION_MIN_CHARS: usize = 60;

/// `first`, or the later declared title that goes on past it mid-phrase
/// when `first` was cut short (a JSON-LD `headline` or `og:title` capped at
/// a length limit: `… Find Solutions (Including`). A later title that goes
/// on after a separator or punctuation (`Storm | Coast News`, `Storm:
/// what to know`) is the same title with more, not the whole of a cut one.
fn untruncated<'a>(first: &'a str, later: &'a [String]) -> &'a str {
    if first.chars().count() < TRUNCATION_MIN_CHARS {
        return first;
    }
    let fl = first.to_lowercase();
    later
        .iter()
        .find(|d| {
            let dl = d.to_lowercase();
            dl.len() > fl.len()
                && dl.starts_with(&fl)
                && dl[fl.len()..]
                    .strip_prefix(' ')
                    .is_some_and(|rest| rest.starts_with(char::is_alphanumeric))
        })
        .map_or(first, String::as_str)
}

/// True when the page says it is an article or a product (`og:type`, or the
/// JSON-LD type of its main object).
fn declares_story_or_product(meta: &MetaTags, article: Option<&Value>) -> bool {
    let og = meta.first(&["og:type"]).unwrap_or_default().to_lowercase();
    og.starts_with("article")
        || og.starts_with("product")
        || ["BlogPosting", "Product"]
            .iter()
            .any(|t| article.is_some_and(|a| has_type(a, t)))
}

/// True when an `<h1>` sits outside dialogs and hidden elements (by the
/// clean stage's test of hidden): a consent dialog's "Before you continue"
/// is no headline. (Not "outside what the clean stage dropped": hero
/// banners it drops hold real headlines.)
fn h1_outside_furniture(doc: &Doc) -> bool {
    doc.tagged(&["h1"]).any(|h| {
        std::iter::once(*h).chain(h.ancestors()).all(|a| {
            scraper::ElementRef::wrap(a).is_none_or(|el| {
                let e = el.value();
                e.name() != "dialog"
                    && !matches!(e.read_attr("role"), Some("dialog" | "alertdialog"))
                    && !crate::extract::clean::is_hidden(el)
            })
        })
    })
}

/// True when `heading` is the site's name: its declared name, its domain
/// name (`Arch Linux` on `bbs.archlinux.org`), or a part of the `<title>` on
/// one side of a separator (`Chapter 4 - The Book`).
fn names_the_site(heading: &str, title: &str, site_name: Option<&str>, host: Option<&str>) -> bool {
    let short = compact(heading);
    let heading = heading.to_lowercase();
    let title = title.to_lowercase();
    site_name.is_some_and(|s| s.to_lowercase() == heading)
        || host.is_some_and(|label| short == label)
        || SEPARATORS
            .iter()
            .any(|sep| title.contains(sep) && title.split(sep).any(|p| p.trim() == heading))
}

/// True when `a` and `b` have a word of four letters or more in common.
fn shares_a_word(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 4)
            .map(str::to_lowercase)
            .collect()
    };
    let b = words(b);
    words(a).iter().any(|w| b.contains(w))
}

/// The name part of a host (`newegg` for `promotions.newegg.com`,
/// `bbc` for `www.bbc.co.uk`), lower-case, when it is long enough to be
/// recognized in a title.
fn site_label(host: &str) -> Option<String> {
    const SECOND_LEVEL: &[&str] = &["co", "com", "org", "net", "ac", "gov", "edu"];
    let labels: Vec<&str> = host.split('.').collect();
    let mut i = labels.len().checked_sub(2)?;
    while i > 0 && SECOND_LEVEL.contains(&labels[i]) {
        i -= 1;
    }
    let label = compact(labels[i]);
    (label.len() >= 4).then_some(label)
}

/// `title` without a trailing (or leading) site-name part, if it has one.
/// The site is recognized by its declared name or by its domain name
/// (`GAME CHANGER | Newegg.com` on `promotions.newegg.com`); with `guess`,
/// a short last part after a long enough head is taken for a brand too.
fn strip_site(
    title: &str,
    site_name: Option<&str>,
    host: Option<&str>,
    guess: bool,
) -> Option<String> {
    // `Post / Section / Site`: a breadcrumb read backwards, the headline first.
    let head_of = |parts: &[&str], sep: &str| -> String {
        if parts.len() >= 3 {
            parts[0].to_owned()
        } else {
            parts[..parts.len() - 1].join(sep)
        }
    };
    for sep in SEPARATORS {
        let parts: Vec<&str> = title.split(sep).collect();
        if parts.len() < 2 {
            continue;
        }
        if let Some(label) = host {
            if compact(parts[parts.len() - 1]).contains(label) {
                return Some(head_of(&parts, sep));
            }
            if compact(parts[0]).contains(label) && brand_first(&parts) {
                return Some(parts[1..].join(sep));
            }
        }
        if let Some(site) = site_name.map(str::to_lowercase) {
            let first = parts[0].to_lowercase();
            let last = parts[parts.len() - 1].to_lowercase();
            if last.contains(&site) || site.contains(&last) {
                return Some(head_of(&parts, sep));
            }
            if (first.contains(&site) || site.contains(&first)) && brand_first(&parts) {
                return Some(parts[1..].join(sep));
            }
        }
        // No site name to compare: drop a short last part (a brand).
        let last = parts[parts.len() - 1];
        let head = parts[..parts.len() - 1].join(sep);
        if guess && last.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 3 {
            return Some(head);
        }
    }
    None
}

/// True when the first of `parts` can be the site's name rather than a
/// headline that opens with the brand (`Gymshark Arrival T-Shirt - Black`):
/// it is no longer than the rest.
fn brand_first(parts: &[&str]) -> bool {
    let words = |p: &str| p.split_whitespace().count();
    words(parts[0]) <= parts[1..].iter().map(|p| words(p)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_site_suffix() {
        assert_eq!(
            strip_site(
                "Storm hits coast | Coast News",
                Some("Coast News"),
                None,
                true
            )
            .as_deref(),
            Some("Storm hits coast")
        );
        assert_eq!(
            strip_site(
                "Coast News - Storm hits the coast",
                Some("Coast News"),
                None,
                true
            )
            .as_deref(),
            Some("Storm hits the coast")
        );
        assert_eq!(
            strip_site("Why the storm hit the coast hard – BBC", None, None, true).as_deref(),
            Some("Why the storm hit the coast hard")
        );
        assert_eq!(strip_site("Short", None, None, true), None);
        // A breadcrumb read backwards: the headline, not the section too.
        assert_eq!(
            strip_site(
                "What happened with the ISO / Arch Discussion / Arch Linux Forums",
                Some("Arch Linux Forums"),
                None,
                true
            )
            .as_deref(),
            Some("What happened with the ISO")
        );
    }

    #[test]
    fn strips_site_named_by_its_domain() {
        assert_eq!(
            site_label("promotions.newegg.com").as_deref(),
            Some("newegg")
        );
        assert_eq!(site_label("www.bbc.co.uk"), None); // "bbc" is too short to trust
        assert_eq!(
            site_label("news.guardian.co.uk").as_deref(),
            Some("guardian")
        );
        assert_eq!(
            strip_site("GAME CHANGER | Newegg.com", None, Some("newegg"), true).as_deref(),
            Some("GAME CHANGER")
        );
        // A headline that opens with the brand is no site name: the short
        // variant after it goes, not the product.
        assert_eq!(
            strip_site(
                "Gymshark Arrival T-Shirt - Black",
                None,
                Some("gymshark"),
                true
            )
            .as_deref(),
            Some("Gymshark Arrival T-Shirt")
        );
        assert_eq!(
            strip_site("Gymshark - Arrival T-Shirt", None, Some("gymshark"), true).as_deref(),
            Some("Arrival T-Shirt")
        );
    }

    /// A site name glued to the `<h1>` goes like one in `<title>`; a short
    /// last part that names nothing known stays (it may be a subtitle).
    #[test]
    fn an_h1_loses_the_site_name_it_carries() {
        let doc = Doc::from_html(
            r#"<head><title>Catering Tips | Cookshack</title>
            <meta property="og:site_name" content="Cookshack"></head>
            <body><h1>Catering Tips | Cookshack</h1></body>"#,
        );
        let meta = MetaTags::collect(&doc);
        assert_eq!(
            find(&doc, &meta, None, Some("Cookshack")).as_deref(),
            Some("Catering Tips")
        );
        let doc = Doc::from_html(
            r#"<head><title>Gym workouts for beginners | Strength Training</title></head>
            <body><h1>Gym workouts for beginners | Strength Training</h1></body>"#,
        );
        let meta = MetaTags::collect(&doc);
        assert_eq!(
            find(&doc, &meta, None, None).as_deref(),
            Some("Gym workouts for beginners | Strength Training")
        );
    }

    #[test]
    fn h1_agreeing_with_og_title_wins() {
        let doc = Doc::from_html(
            r#"<head><title>Storm hits coast, thousands flee | Coast News</title>
            <meta property="og:title" content="Storm hits coast, thousands flee"></head>
            <body><h1>Storm hits coast, thousands flee</h1></body>"#,
        );
        let meta = MetaTags::collect(&doc);
        assert_eq!(
            find(&doc, &meta, None, None).as_deref(),
            Some("Storm hits coast, thousands flee")
        );
    }

    #[test]
    fn without_declared_headline_the_one_h1_beats_a_template_title() {
        // Only a `<title>`, and it is the site's slogan: the `<h1>` wins.
        assert_eq!(
            title_of(
                "<head><title>Reddit - The heart of the internet</title></head>\
                 <body><h1>Enameled cast iron pan and metal</h1></body>"
            )
            .as_deref(),
            Some("Enameled cast iron pan and metal")
        );
        // The `<h1>` is the site's name, printed over every page.
        assert_eq!(
            title_of(
                "<head><title>What is Ownership? - The Rust Programming Language</title></head>\
                 <body><h1>The Rust Programming Language</h1></body>"
            )
            .as_deref(),
            Some("What is Ownership?")
        );
        // A declared `og:title` keeps the old order: it is the author's own.
        assert_eq!(
            title_of(
                r#"<head><title>Storm | Coast News</title><meta property="og:title" content="Storm hits coast"></head>
                 <body><h1>Coast News weather desk</h1></body>"#
            )
            .as_deref(),
            Some("Storm hits coast")
        );
    }

    #[test]
    fn a_blog_name_opening_the_title_tag_loses_to_the_og_title() {
        assert_eq!(
            title_of(
                r#"<head><title>Roger's Blog: Advent of Code week 2</title>
                <meta property="og:title" content="Advent of Code week 2"></head>
                <body><h1>Roger's Blog</h1><h1>Day 7</h1></body>"#
            )
            .as_deref(),
            Some("Advent of Code week 2")
        );
        // The `<h1>` opening the first declared title still wins.
        assert_eq!(
            title_of(
                r#"<head><meta property="og:title" content="Storm hits coast: what to know"></head>
                <body><h1>Storm hits coast</h1></body>"#
            )
            .as_deref(),
            Some("Storm hits coast")
        );
    }

    #[test]
    fn a_title_cut_at_a_length_limit_is_read_whole_from_another() {
        let cut = "Fix It Friday: How To Arrange Your Living Room? We Help 4 Readers (Including";
        assert_eq!(
            title_of(&format!(
                r#"<head><meta property="og:title" content="{cut}">
                <title>{cut} One Trick That Works) - Emily Henderson</title></head>"#
            ))
            .as_deref(),
            Some(format!("{cut} One Trick That Works)").as_str())
        );
        // A longer `<title>` that adds a part after a separator is not that.
        let whole = "Best residential movers in New York City for the year 2025";
        assert_eq!(
            title_of(&format!(
                r#"<head><meta property="og:title" content="{whole}">
                <title>{whole} | Top 19 Companies | Supermove</title></head>"#
            ))
            .as_deref(),
            Some(whole)
        );
    }

    #[test]
    fn a_consent_dialog_heading_is_not_the_title() {
        let doc = Doc::from_html(
            r#"<head><title>Storm hits coast | Coast News</title></head><body>
            <div role="dialog" class="consent"><h1>Before you continue</h1><p>We use cookies.</p></div>
            <p>The storm hit the coast on Monday night.</p></body>"#,
        );
        let meta = MetaTags::collect(&doc);
        assert_eq!(
            find(&doc, &meta, None, Some("Coast News")).as_deref(),
            Some("Storm hits coast")
        );
        // Nor is a heading the page keeps out of sight (a closed menu's).
        let doc = Doc::from_html(
            r#"<head><title>Storm hits coast | Coast News</title></head><body>
            <nav style="display: none"><h1>Main menu here</h1></nav>
            <p>The storm hit the coast on Monday night.</p></body>"#,
        );
        let meta = MetaTags::collect(&doc);
        assert_eq!(
            find(&doc, &meta, None, Some("Coast News")).as_deref(),
            Some("Storm hits coast")
        );
    }

    fn title_of(html: &str) -> Option<String> {
        let doc = Doc::from_html(html);
        let meta = MetaTags::collect(&doc);
        let article = super::super::sources::json_ld_article(&doc.json_ld);
        find(&doc, &meta, article, None)
    }

    #[test]
    fn story_h1_beats_a_search_title_on_the_same_subject() {
        let head = r#"<head><title>Top 10 Storm Tips for 2025 | Coast News</title>
            <meta property="og:title" content="Top 10 Storm Tips for 2025">"#;
        // An article page: the visible headline wins.
        assert_eq!(
            title_of(&format!(
                r#"{head}<meta property="og:type" content="article"></head><body><h1>How to get ready for a storm</h1></body>"#
            ))
            .as_deref(),
            Some("How to get ready for a storm")
        );
        // A website page: the `<h1>` may be a slogan, the declared title stays.
        assert_eq!(
            title_of(&format!(
                r#"{head}<meta property="og:type" content="website"></head><body><h1>How to get ready for a storm</h1></body>"#
            ))
            .as_deref(),
            Some("Top 10 Storm Tips for 2025")
        );
        // An article whose `<h1>` is about something else (a section label).
        assert_eq!(
            title_of(&format!(
                r#"{head}<meta property="og:type" content="article"></head><body><h1>Weather blog</h1></body>"#
            ))
            .as_deref(),
            Some("Top 10 Storm Tips for 2025")
        );
    }
}
