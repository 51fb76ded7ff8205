//! Class and id names that mark page furniture.
//!
//! Whole tokens (`sidebar`, `site-footer`), substrings of longer names
//! (`sharebar`, `message-userExtras`) and the content hints that veto them.
//! Kept apart from the rules in `mod.rs` because the lists grow with every
//! site family met, while the rules rarely change.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use rustc_hash::{FxHashMap, FxHashSet};
use scraper::ElementRef;

use crate::extract::doc::class_names;

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
    // Skip links ("Skip to content"), but not every name that starts
    // with `skip` (`skip-item` marks the sections a contents list jumps to).
    "skip-link",
    "skip-links",
    "skiplink",
    "skiplinks",
    "skip-to-content",
    "skip-to-main",
    "skip-nav",
    "skipnav",
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
    "upsell",
    "up-sell",
    "crosssell",
    "cross-sell",
    "recently-viewed",
    "recentlyviewed",
    "similar-product",
    "similarproduct",
    "also-bought",
    "alsobought",
    "may-also-like",
    "frequently-bought",
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
    // An author's box under the story: photo, name, a paragraph of bio
    // (WordPress's Simple Author Box `saboxplugin-wrap`, `about-the-author`,
    // CSS-module names like `_authorDescription_15srf`).
    "authorbox",
    "author-box",
    "author_box",
    "about-author",
    "about-the-author",
    "author-bio",
    "author_bio",
    "authorbio",
    "saboxplugin",
    "authordescription",
    "author-description",
];

/// Class names that hide an element on phones (Elementor, Bootstrap 3 and
/// the common hand-written forms). Bootstrap 4+'s `d-none d-lg-block` and
/// Tailwind's `hidden lg:block` start hidden, which [`super::is_hidden`]
/// already covers. Bootstrap 4-alpha's `hidden-sm-down` is left out: grids
/// put it on listing columns that hold content.
const DESKTOP_ONLY: &[&str] = &[
    "desktop-only",
    "elementor-hidden-mobile",
    "elementor-hidden-phone",
    "hidden-mobile",
    "hidden-phone",
    "hidden-xs",
    "hide-mobile",
    "hide-on-mobile",
    "mobile-hide",
    "only-desktop",
    "visible-desktop",
];

/// class/id substrings that name a fold (an accordion's or a "show more"
/// toggle's panel): hidden until clicked, but the page's own text.
const FOLD_SUBSTRINGS: &[&str] = &["accordion", "collaps", "toggle", "expander", "expandable"];

/// class/id substrings that say "this is the content": they veto a furniture match.
const CONTENT_HINTS: &[&str] = &[
    "article-body",
    "articlebody",
    "post-body",
    "entry-content",
    "story-body",
    "main-content",
];

/// What an element's class and id names say about it.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Names {
    /// A name marks furniture (`sidebar`, `share-bar`, `message-userExtras`).
    furniture: bool,
    /// A name marks the content (`entry-content`): it vetoes `furniture`.
    content: bool,
    /// A name marks a comment section or a comment (`comments`,
    /// `commentlist`, `comment-body`, `disqus_thread`).
    pub comments: bool,
    /// A name marks customer reviews or ratings.
    pub reviews: bool,
    /// A name hides the element on phones (`elementor-hidden-mobile`,
    /// `hidden-xs`): desktop-only sidebars and rails.
    pub desktop_only: bool,
    /// A name marks a fold's panel (`accordion__content`, `toggle__body`).
    pub fold: bool,
}

impl Names {
    /// Furniture by name, unless another of its names says content.
    pub fn furniture(self) -> bool {
        self.furniture && !self.content
    }

    /// What one class or id name says.
    fn of_name(name: &str) -> Names {
        static SUBSTRINGS: LazyLock<AhoCorasick> = LazyLock::new(|| {
            AhoCorasick::new(FURNITURE_SUBSTRINGS)
                .unwrap_or_else(|e| panic!("built-in patterns: {e}"))
        });
        static HINTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
            AhoCorasick::new(CONTENT_HINTS).unwrap_or_else(|e| panic!("built-in patterns: {e}"))
        });
        static FOLDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
            AhoCorasick::new(FOLD_SUBSTRINGS).unwrap_or_else(|e| panic!("built-in patterns: {e}"))
        });
        let lower: Cow<'_, str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        let has = |needle: &str| lower.contains(needle);
        Names {
            furniture: token_is_furniture(&lower) || SUBSTRINGS.is_match(lower.as_ref()),
            content: HINTS.is_match(lower.as_ref()),
            comments: has("comment") || has("disqus"),
            reviews: has("review") || has("rating"),
            desktop_only: DESKTOP_ONLY.contains(&lower.as_ref()),
            fold: FOLDS.is_match(lower.as_ref()),
        }
    }
}

/// The class and id names of a page's elements, each worked out once.
///
/// A page repeats a few dozen class names over hundreds of elements, and
/// every element is asked what its names say; matching each name against
/// the lists again was the largest part of the clean stage.
#[derive(Default)]
pub(super) struct NameCache<'a> {
    seen: RefCell<FxHashMap<&'a str, Names>>,
}

impl<'a> NameCache<'a> {
    /// What `el`'s names say, together.
    pub fn of(&self, el: ElementRef<'a>) -> Names {
        let e = el.value();
        let mut seen = self.seen.borrow_mut();
        let mut out = Names::default();
        for name in class_names(e).chain(e.id()) {
            let n = *seen.entry(name).or_insert_with(|| Names::of_name(name));
            out.furniture |= n.furniture;
            out.content |= n.content;
            out.comments |= n.comments;
            out.reviews |= n.reviews;
            out.desktop_only |= n.desktop_only;
            out.fold |= n.fold;
        }
        out
    }
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
