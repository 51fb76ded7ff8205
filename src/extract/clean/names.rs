//! Class and id names that mark page furniture.
//!
//! Whole tokens (`sidebar`, `site-footer`), substrings of longer names
//! (`sharebar`, `message-userExtras`) and the content hints that veto them.
//! Kept apart from the rules in `mod.rs` because the lists grow with every
//! site family met, while the rules rarely change.

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use rustc_hash::FxHashSet;
use scraper::ElementRef;

use crate::extract::doc::class_names;
use crate::extract::text::find_ignore_ascii_case;

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
    "author",
    "credit",
    "credits",
    "disclaimer",
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
    // A forum poster's badge and statistics beside each post (XenForo
    // `message-userExtras`/`userTitle`, phpBB `postprofile`, vBulletin
    // `userinfo_extra`): "Joined", "Messages", "Reaction score".
    "userextras",
    "usertitle",
    "userbanner",
    "postprofile",
    "userinfo_extra",
    "user-stats",
    // The same on Q&A sites: the asker's and answerers' cards ("answered
    // Mar 3 at 10:20", reputation, badges), and forum signatures.
    // A form's success and failure messages, shown only after a submit
    // (Webflow's `w-form-done`/`w-form-fail`, and the like).
    "form-done",
    "form-fail",
    "form-success",
    "form-error",
    "post-signature",
    "user-info",
    "signature",
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

/// True when a class or id names customer reviews or ratings.
pub(super) fn names_reviews(el: ElementRef<'_>) -> bool {
    let e = el.value();
    class_names(e)
        .chain(e.id())
        .any(|n| contains_ignore_case(n, "review") || contains_ignore_case(n, "rating"))
}

/// True when a class or id names a comment section or a comment
/// (`comments`, `commentlist`, `comment-body`, `disqus_thread`).
pub(super) fn names_comments(el: ElementRef<'_>) -> bool {
    let e = el.value();
    class_names(e)
        .chain(e.id())
        .any(|n| contains_ignore_case(n, "comment") || contains_ignore_case(n, "disqus"))
}

/// True when the element's class or id says it is furniture.
///
/// Runs on every element of every page, so it neither allocates (unless a
/// name has upper-case letters) nor scans the substring lists one by one.
pub(super) fn names_furniture(el: ElementRef<'_>) -> bool {
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
    // Up to three probes per class name of every element: a set, not a
    // scan of the list.
    static TOKENS: LazyLock<FxHashSet<&'static str>> =
        LazyLock::new(|| FURNITURE_TOKENS.iter().copied().collect());
    TOKENS.contains(class) || {
        let mut parts = class.split(['-', '_']).filter(|p| !p.is_empty());
        let first = parts.next();
        let last = parts.next_back();
        [first, last]
            .into_iter()
            .flatten()
            .any(|p| TOKENS.contains(p) && p != "widget")
    }
}

/// `needle` (lower-case ASCII) in a class or id name, in any case: runs on
/// every element's names.
fn contains_ignore_case(name: &str, needle: &str) -> bool {
    find_ignore_ascii_case(name.as_bytes(), needle.as_bytes()).is_some()
}
