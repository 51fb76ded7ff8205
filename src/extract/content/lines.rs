//! What one block's text says on its own: a furniture line (an ad label, a
//! reaction count, a grid's tally), a widget's prompt, a byline, machine
//! identifiers, an image address, a label printed twice. The assembler
//! asks these of every block it keeps; none of them looks at the page.

/// A link's text that names an item (a product, a listing entry) rather
/// than calling to an action or spelling out an address.
pub(super) fn is_card_title(text: &str) -> bool {
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
/// under a post: ad slots, reading times, a Q&A site's sign-in prompts,
/// widget and button labels, reaction counts, a grid's tally, the site's
/// small print.
/// `key` is the block's text, whitespace-normalized and lower-cased.
pub(super) fn is_furniture_line(key: &str) -> bool {
    const LINES: &[&str] = &[
        "advertisement",
        "scroll to continue with content",
        "story continues below advertisement",
        "article continues below advertisement",
        "article continues below",
        "you must log in to answer this question.",
        "start asking to get answers",
        "find the answer to your question by asking.",
        // The labels of page widgets: a contents box, a loading spinner,
        // tag and filter bars, sort menus, sponsored slots.
        "table of contents",
        "in this article",
        "jump to",
        "loading",
        "tags",
        "filters",
        "sort by",
        "sorted by",
        "sponsored",
        // Button and label text left alone on a line.
        "read more",
        "close",
        "author",
        "reply",
        "quote",
        "share",
        "comments",
        "show more",
        "see all",
        "report inappropriate content",
        "sort",
        "sort options",
        "compare",
        "see more",
        "back",
        "latest",
        // A forum's notices under a thread (XenForo, Invision).
        "you must log in or register to reply here",
        "not open for further replies",
        "top posters in this topic",
    ];
    if LINES.contains(&key) || LINES.contains(&key.trim_end_matches([':', '.', '…'])) {
        return true;
    }
    // A copyright notice ("© 2025 Allbirds, Inc. All Rights Reserved") or
    // a wiki's "Retrieved from" footer: the site's small print.
    const SMALL_PRINT: &[&str] = &[
        "©",
        "copyright ©",
        "copyright (c)",
        "copyright 1",
        "copyright 2",
        "retrieved from \"http",
        "retrieved from “http",
    ];
    if SMALL_PRINT.iter().any(|p| key.starts_with(p)) && key.split(' ').nth(40).is_none() {
        return true;
    }
    // Reactions under a forum post ("1 like", "12 likes"), a poster's
    // panel ("29,553 posts", "518 helpful votes"), a product's stars
    // ("128 reviews").
    const COUNTED: &[&str] = &[
        " likes",
        " like",
        " posts",
        " replies",
        " helpful votes",
        " reviews",
        " review",
        // A product card's swatch count ("3 colors").
        " colors",
        " colours",
    ];
    if let Some(n) = COUNTED.iter().find_map(|s| key.strip_suffix(s)) {
        return is_count(n);
    }
    // A grid's tally: "12 items", "showing 1-24 of 96 products".
    if let Some(n) = [" items", " products", " results"]
        .iter()
        .find_map(|s| key.strip_suffix(s))
    {
        let n = n.strip_prefix("showing ").unwrap_or(n);
        return n
            .split([' ', '-', '–'])
            .filter(|w| !w.is_empty())
            .all(|w| w == "of" || is_count(w));
    }
    // "4 min read", "12 minute read"
    let mut words = key.split(' ');
    matches!(
        (words.next(), words.next(), words.next(), words.next()),
        (Some(n), Some("min" | "mins" | "minute" | "minutes"), Some("read"), None)
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    )
}

/// A widget's prompt rather than the page's text: to sign in ("Log in to
/// set a price alert", "Sign in to add this item to your wishlist"), to
/// rate the page ("Was this helpful?", "Thank you for your feedback"), to
/// accept cookies ("This site uses cookies to …"), to be told of a restock
/// ("Notify me when back in stock"), or a form plugin's hidden field.
/// Instructions that walk the reader through signing in ("Log in to your
/// console and …") stay.
pub(super) fn is_prompt(key: &str) -> bool {
    const SIGN_IN: &[&str] = &["log in to ", "login to ", "sign in to ", "signin to "];
    const FEEDBACK: &[&str] = &[
        "was this helpful",
        "was this article helpful",
        "was this page helpful",
        "was this answer helpful",
        "did this help",
        "did you find this helpful",
        "did you find this content helpful",
        "thank you for your feedback",
        "thanks for your feedback",
    ];
    // Stock alerts and a form plugin's hidden fields (Gravity Forms'
    // honeypot: "This field is for validation purposes …").
    const FORMS: &[&str] = &[
        "get notified",
        "notify me",
        "be the first to know",
        "this field is for validation purposes",
        "this field is hidden when viewing the form",
    ];
    // A platform's cookie notice left in the page (XenForo's, Blogger's).
    const CONSENT: &[&str] = &[
        "this site uses cookies",
        "this website uses cookies",
        "our site uses cookies",
        "our website uses cookies",
        "we use cookies",
    ];
    let rest = key.strip_prefix("please ").unwrap_or(key);
    let words = rest.split(' ').count();
    (words <= 50 && CONSENT.iter().any(|c| rest.starts_with(c)))
        || (words <= 17
            && (FEEDBACK.iter().chain(FORMS).any(|f| rest.starts_with(f))
                || SIGN_IN
                    .iter()
                    .find_map(|o| rest.strip_prefix(o))
                    .is_some_and(|rest| !rest.starts_with("your "))))
}

/// The heading of a shop's recommendations widget ("You may also like",
/// "Similar items", "Customers also bought", "Recently viewed"): the short
/// lines after it are other products' cards, wherever on the page it sits
/// (a product's details often follow it, so it does not end the text).
pub(super) fn is_recommendations_heading(key: &str) -> bool {
    const HEADINGS: &[&str] = &[
        "you may also like",
        "you might also like",
        "related products",
        "frequently bought together",
        "customers also bought",
        "customers also viewed",
        "customers who bought this item also bought",
        "customers who viewed this item also viewed",
        "people also bought",
        "people also viewed",
        "recently viewed",
        "your recently viewed items",
        "more from this seller",
        "more from this brand",
        "similar products",
        "similar items",
        "shop similar",
        "explore related items",
        "sponsored products",
        "products related to this item",
        "complete the look",
    ];
    key.split(' ').nth(8).is_none() && HEADINGS.iter().any(|h| key.starts_with(h))
}

/// A line of a poster's panel beside a forum post: a labelled statistic
/// ("Posts: 1,204", "Join Date: Mar 2019", "Views 1.9k", "Last edited:
/// Jul 3, 2024") or a badge ("Offline", "OP", "Thread starter"). Asked on
/// threads only: "Status: approved" or "Location: Paris" can be an
/// article's own line.
pub(super) fn is_poster_line(key: &str) -> bool {
    const BADGES: &[&str] = &[
        "online",
        "offline",
        "op",
        "thread starter",
        "original poster",
        "original post",
        "status",
    ];
    const LABELS: &[&str] = &[
        "posts",
        "messages",
        "reaction score",
        "points",
        "replies",
        "views",
        "joined",
        "join date",
        "registered",
        "last edited",
        "last edited by",
    ];
    if BADGES.contains(&key) {
        return true;
    }
    LABELS.iter().any(|l| {
        key.strip_prefix(l).is_some_and(|rest| {
            let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
            !rest.is_empty()
                && rest.split(' ').nth(4).is_none()
                && rest.bytes().any(|b| b.is_ascii_digit())
        })
    })
}

/// A product card's badge alone on a line ("New", "Top Rated", "Sold
/// out"). Asked of blocks that are not headings: release notes head a
/// section "New".
pub(super) fn is_badge(key: &str) -> bool {
    const BADGES: &[&str] = &[
        "new",
        "new!",
        "new arrival",
        "top rated",
        "sale",
        "on sale",
        "sold out",
        "in stock",
        "out of stock",
        "limited edition",
    ];
    BADGES.contains(&key)
}

/// A byline or dateline standing alone on a line ("By Jo Lee", "Updated
/// March 5, 2026", "Medically reviewed by …").
pub(super) fn is_byline_line(text: &str) -> bool {
    const OPENERS: &[&str] = &[
        "written by ",
        "published ",
        "posted ",
        "updated ",
        "last updated",
        "last modified",
        "reviewed by ",
        "fact checked by ",
        "medically reviewed by ",
        "edited by ",
    ];
    let t = text.trim_start();
    let lower = t.get(..24).unwrap_or(t).to_lowercase();
    OPENERS.iter().any(|o| lower.starts_with(o))
        || t.strip_prefix("By ")
            .or_else(|| t.strip_prefix("by "))
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_uppercase()))
}

/// A sentence of a dozen words or more that ends like one: prose whose
/// words are mostly links ("… features in my lists of the best hotels in
/// Bangkok, the best new hotels of 2017 …") rather than a list of links.
pub(super) fn reads_as_sentence(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with(['.', '!', '?']) && t.split_whitespace().nth(11).is_some()
}

/// A block whose text is one string printed twice ("EUR 20.99EUR 20.99",
/// "Seller's other items Seller's other items"): a visible label and its
/// screen-reader copy. The
/// copy goes; the label stays. Short doubled names ("Bora Bora", "Walla
/// Walla") are left alone; short figures ("$279.95 $279.95") are not.
pub(super) fn undoubled(text: &str) -> &str {
    let t = text.trim();
    let n = t.len();
    let half = n / 2;
    let long_enough =
        |h: &str| h.len() >= 8 || (h.len() >= 3 && h.bytes().any(|b| b.is_ascii_digit()));
    if t.is_char_boundary(half) && long_enough(&t[..half]) {
        let (a, b) = t.split_at(half);
        if a == b {
            return a;
        }
        // An odd length: the two copies parted by one space.
        if let Some(b) = b.strip_prefix(' ')
            && a == b
        {
            return a;
        }
    }
    text
}

/// A block made of machine identifiers (`9303097ac-d3e5-41e1-…`, hashes),
/// not words: the scrambled letters a page hides a label behind, or a
/// tracking id rendered by mistake.
pub(super) fn is_identifiers(text: &str) -> bool {
    let is_id = |w: &&str| {
        w.len() >= 32
            && w.bytes()
                .filter(|b| b.is_ascii_hexdigit() || *b == b'-')
                .count()
                * 10
                >= w.len() * 9
    };
    let ids: usize = text.split_whitespace().filter(is_id).map(str::len).sum();
    ids > 0 && ids * 4 >= text.split_whitespace().map(str::len).sum::<usize>() * 3
}

/// A block with nothing a reader sees: only zero-width characters (site
/// builders keep empty paragraphs open with a `&zwj;`).
pub(super) fn is_invisible(key: &str) -> bool {
    key.chars().all(|c| {
        c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
    })
}

/// A bare count: "12", "1,204", "3.4k".
pub(super) fn is_count(key: &str) -> bool {
    let digits = key.strip_suffix('k').unwrap_or(key);
    !digits.is_empty()
        && digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
}

/// A block that is nothing but the address of an image: a shop's custom
/// fields or a gallery's data printed as text, never something to read.
pub(super) fn is_image_address(text: &str) -> bool {
    let t = text.trim();
    if t.contains(char::is_whitespace) || !(t.starts_with("http://") || t.starts_with("https://")) {
        return false;
    }
    let path = t.split(['?', '#']).next().unwrap_or(t).to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recommendations_headings() {
        assert!(is_recommendations_heading("you may also like"));
        assert!(is_recommendations_heading("similar items to consider"));
        assert!(is_recommendations_heading(
            "customers who bought this item also bought"
        ));
        assert!(!is_recommendations_heading("similar"));
        assert!(!is_recommendations_heading(
            "you may also like the way the lid closes, which keeps the coffee hot for hours"
        ));
    }

    #[test]
    fn furniture_lines_are_not_text() {
        assert!(is_furniture_line("advertisement"));
        assert!(is_furniture_line("4 min read"));
        assert!(is_furniture_line("read more"));
        assert!(!is_furniture_line("read more about the vote"));
        assert!(!is_furniture_line("4 min read of the report"));
        assert!(!is_furniture_line("an advertisement for soap"));
        assert!(is_invisible("\u{200d}"));
        assert!(is_invisible(" \u{200b}\u{feff} "));
        assert!(!is_invisible("\u{200d}a"));
        assert!(is_furniture_line("table of contents:"));
        assert!(is_furniture_line("loading..."));
        assert!(is_furniture_line("12 likes"));
        assert!(is_furniture_line("1 like"));
        assert!(!is_furniture_line("what i like"));
        assert!(is_furniture_line("29,553 posts"));
        assert!(is_furniture_line("518 helpful votes"));
        assert!(is_furniture_line("128 reviews"));
        assert!(is_furniture_line("reply"));
        assert!(!is_furniture_line("posts"));
        assert!(!is_furniture_line("the reviews"));
        assert!(!is_furniture_line("tags and labels"));
        assert!(is_furniture_line(
            "you must log in or register to reply here."
        ));
        assert!(is_furniture_line("12 items"));
        assert!(is_furniture_line("3 colors"));
        assert!(is_furniture_line(
            "© 2025 allbirds, inc. all rights reserved"
        ));
        assert!(is_furniture_line(
            "copyright © 2026 tailwind labs inc.·trademark policy"
        ));
        assert!(is_furniture_line(
            "retrieved from \"https://wiki.example.org/index.php?title=x&oldid=3\""
        ));
        assert!(!is_furniture_line(
            "copyright law protects the expression of ideas"
        ));
        assert!(is_furniture_line("compare"));
        assert!(!is_furniture_line("compare the two plans"));
        assert!(is_furniture_line("showing 1-24 of 96 products"));
        assert!(is_furniture_line("showing 2 of 2 results"));
        assert!(!is_furniture_line("showing off 3 products"));
        assert!(!is_furniture_line("12 must-have items"));
    }

    #[test]
    fn prompts_to_sign_in_or_rate_the_page_are_not_text() {
        assert!(is_prompt("log in to set a price alert on this product."));
        assert!(is_prompt("please sign in to provide feedback."));
        assert!(is_prompt("was this article helpful?"));
        assert!(is_prompt("thank you for your feedback"));
        assert!(is_prompt("notify me when back in stock"));
        assert!(is_prompt(
            "this field is for validation purposes and should be left unchanged."
        ));
        assert!(is_prompt(
            "this site uses cookies to help personalise content and to keep you logged in."
        ));
        assert!(!is_prompt("these cookies keep for a week in a tin."));
        assert!(!is_prompt(
            "log in to your console and open the billing page."
        ));
        assert!(!is_prompt("sign up for the starter plan"));
        assert!(!is_prompt(
            "log in to the router, then open the wireless tab, pick the band, set the channel \
             width to twenty megahertz and save the settings before you restart it"
        ));
    }

    #[test]
    fn a_label_printed_twice_appears_once() {
        assert_eq!(undoubled("EUR 20.99EUR 20.99"), "EUR 20.99");
        assert_eq!(undoubled("Created 1 yr 1 yr"), "Created 1 yr 1 yr");
        assert_eq!(undoubled("Seller's items Seller's items"), "Seller's items");
        assert_eq!(undoubled("Bora Bora"), "Bora Bora");
        assert_eq!(undoubled("Walla Walla"), "Walla Walla");
        assert_eq!(undoubled("$279.95 $279.95"), "$279.95");
        assert_eq!(undoubled("a plain line"), "a plain line");
    }

    #[test]
    fn identifiers_are_not_text() {
        assert!(is_identifiers(
            "S19aea247-2e76-4905-9b83-15a5a5664cfaG661bd3c3-576f-4713-baee-9dc0dd7c3568 4"
        ));
        assert!(!is_identifiers(
            "Commit 4abee26a32a1bd38ec19dfd9f28074db17ebb33a fixed the crash on start."
        ));
    }

    #[test]
    fn poster_panel_lines() {
        for line in [
            "posts: 1,204",
            "join date: mar 2019",
            "registered: 2019-03-02",
            "views 1.9k",
            "last edited: jul 3, 2024",
            "offline",
            "thread starter",
        ] {
            assert!(is_poster_line(line), "{line}");
        }
        for line in [
            "posts",
            "views on the harbour from the pier at dawn in 2024",
            "joined up",
        ] {
            assert!(!is_poster_line(line), "{line}");
        }
    }

    #[test]
    fn badges() {
        assert!(is_badge("top rated"));
        assert!(is_badge("sold out"));
        assert!(!is_badge("new arrivals this week"));
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
}
