//! Tests of the clean stage's rules, on small pages of our own.

use super::*;
use crate::record::Article;

fn dropped_texts(html: &str) -> (Vec<String>, Doc) {
    let mut doc = Doc::from_html(html);
    run(&mut doc).unwrap();
    let texts = texts_of_dropped(&doc, |t| t.trim().to_owned());
    (texts, doc)
}

/// The text of each subtree the stage dropped, through `shape`, sorted.
fn texts_of_dropped(doc: &Doc, shape: impl Fn(&str) -> String) -> Vec<String> {
    let mut texts: Vec<String> = doc
        .dropped
        .iter()
        .filter_map(|id| doc.html.tree.get(*id))
        .filter_map(ElementRef::wrap)
        .map(|e| shape(&e.text().collect::<String>()))
        .collect();
    texts.sort();
    texts
}

#[test]
fn drops_furniture_classes_and_landmarks() {
    let (d, _) = dropped_texts(
        r#"<body><nav>Home</nav><div class="share-bar">Tweet</div>
        <div id="cookie-notice">We use cookies</div><a class="skip-link">Skip</a>
        <div class="skip-item" id="topic1"><p>A section a contents list jumps to.</p></div><div class="newsletterBox">Sign up</div>
        <article><p>Long article text that is the real thing and stays here for sure.</p>
        <div class="related-stories">More</div></article>
        <section class="comments">Nice post</section><p hidden>secret</p></body>"#,
    );
    assert_eq!(
        d,
        vec![
            "Home",
            "More",
            "Nice post",
            "Sign up",
            "Skip",
            "Tweet",
            "We use cookies",
            "secret"
        ]
    );
}

#[test]
fn popovers_are_hidden() {
    let (d, _) = dropped_texts(
        r#"<body><p>The thread's first post, which is the page's text and stays.</p>
        <i-card popover id="push"><h4>Configure browser push notifications</h4></i-card></body>"#,
    );
    assert_eq!(d, vec!["Configure browser push notifications"]);
}

/// An author box, a photo credit, a legal disclaimer and a form's failure
/// message around an article.
#[test]
fn author_boxes_credits_and_disclaimers_go() {
    let (d, _) = dropped_texts(
        r#"<body><article><h1>Tides</h1><p>The article text about tides, long enough to be the page's main text by far here.</p>
        <figure><img src=a.jpg><span class="photo-credit">Photo: J. Doe</span></figure>
        <div class="author-box">Jane Roe writes about the sea.</div>
        <div class="saboxplugin-wrap">Jo Lee edits the tides desk.</div>
        <div class="_authorDescription_15srf_27">Sam Poe reports on boats.</div>
        <section class="post-about-the-author">Ana Ruiz covers harbours.</section>
        <p class="disclaimer">Not financial advice.</p>
        <div class="w-form-fail">Oops! Something went wrong.</div></article></body>"#,
    );
    assert_eq!(
        d,
        vec![
            "Ana Ruiz covers harbours.",
            "Jane Roe writes about the sea.",
            "Jo Lee edits the tides desk.",
            "Not financial advice.",
            "Oops! Something went wrong.",
            "Photo: J. Doe",
            "Sam Poe reports on boats."
        ]
    );
}

/// A shop's recommendation rails, by their class names, go; the product's
/// own description stays.
#[test]
fn recommendation_rails_go() {
    let (d, _) = dropped_texts(
        r#"<body><main><h1>Harbour Flask</h1><p>A double-walled flask that keeps coffee hot for twelve hours, with a lid that locks.</p>
        <div class="product-upsell-grid">Travel Mug $14.99</div>
        <section class="recently-viewed-products">Camp Stove $89.00</section>
        <div class="pdp-cross-sell">Flask Sleeve $9.99</div>
        <div id="frequently-bought-together">Cup Set $19.99</div></main></body>"#,
    );
    assert_eq!(
        d,
        vec![
            "Camp Stove $89.00",
            "Cup Set $19.99",
            "Flask Sleeve $9.99",
            "Travel Mug $14.99"
        ]
    );
}

/// XenForo's poster panel and a Q&A answerer's card are furniture on a
/// thread page; the posts stay.
#[test]
fn poster_panels_and_cards_go_on_threads() {
    let (d, _) = dropped_texts(
        r#"<html><head><link rel=canonical href="https://forum.example/threads/1"></head><body>
        <article class="message"><div class="message-user"><h4>lgans316</h4>
        <h5 class="userTitle message-userTitle">Distinguished Member</h5>
        <div class="message-userExtras"><dl><dt>Joined</dt><dd>Aug 24, 2006</dd></dl></div></div>
        <div class="message-body"><p>Bang on the money except the asking price, which is steep.</p></div></article>
        <div class="post-signature"><div class="user-info">answered Mar 3 at 10:20</div></div>
        </body></html>"#,
    );
    assert_eq!(
        d,
        vec![
            "Distinguished Member",
            "JoinedAug 24, 2006",
            "answered Mar 3 at 10:20"
        ]
    );
}

#[test]
fn data_entry_forms_go_but_a_page_wide_form_stays() {
    let (d, _) = dropped_texts(
        r#"<body><div><h1>Gym waivers</h1><p>The article text about gym waivers and who may sue, long enough to outweigh the form beside it by far, with more words here.</p>
        <form><label>First Name</label><input type="text"><label>Email</label><input type="email"><button>Send</button></form>
        <form><label>Choose</label><input type="radio"></form></div></body>"#,
    );
    assert!(d.iter().any(|t| t.starts_with("First Name")), "{d:?}");
    assert!(
        !d.iter().any(|t| t.contains("Choose")),
        "no text entry: kept {d:?}"
    );
    // ASP.NET: one form around the whole page.
    let (d, _) = dropped_texts(
        r#"<body><form id="aspnetForm"><input type="text" name="q"><div><p>All of the article sits inside the page-wide form, as WebForms pages do.</p></div></form></body>"#,
    );
    assert!(!d.iter().any(|t| t.contains("article")), "{d:?}");
}

#[test]
fn closed_accordion_panels_are_content() {
    let step = "After you sign the contract, an engineer visits to check the roof, the wiring and the panel, and confirms that the planned system is safe to install on the house.";
    let (d, _) = dropped_texts(&format!(
        r#"<body><h1>Going solar</h1><p>Intro.</p><a aria-controls="s1">1. Site visit</a>
        <div id="s1" role="region" style="display:none"><p>{step}</p></div>
        <div class="cmp-accordion__panel--hidden" hidden><p>{step}</p></div>
        <div class="toggle__content" style="display: none"><p>{step}</p></div>
        <div style="display:none"><p>{step}</p></div></body>"#
    ));
    assert_eq!(d.len(), 1, "only the unlabelled hidden copy goes: {d:?}");
}

#[test]
fn page_wide_veil_is_not_hidden() {
    let (d, _) = dropped_texts(
        r#"<body><div style="visibility: hidden"><div><p>All of the article, waiting for scripts to lift the veil.</p><span style="display:none">x</span></div></div></body>"#,
    );
    assert_eq!(d, vec!["x"]);
}

#[test]
fn react_streamed_content_is_not_hidden() {
    let (d, _) = dropped_texts(
        r#"<body><div id="S:0" hidden><p>Streamed article text.</p></div><div hidden>Gone</div>
        <div id="S:1f" hidden><p>The thirty-second segment.</p></div></body>"#,
    );
    assert_eq!(d, vec!["Gone"]);
}

#[test]
fn fragments_streamed_into_hidden_divs_are_the_page() {
    // Each fragment alone is under half the page, but together the hidden
    // divs hold most of it: a script shows them, so they stay. Furniture
    // inside them still goes by its other marks.
    let (d, _) = dropped_texts(
        r#"<body><a href="/">Skip to main content</a>
        <div id="af1" style="display:none"><h2>Related searches</h2><p>Art auctions and antique art supplies for collectors.</p></div>
        <div id="af2" style="display:none"><p>Hand painted sketch card, numbered, pre-owned, best offer.</p>
        <div class="newsletter">Sign up</div></div></body>"#,
    );
    assert_eq!(d, vec!["Sign up"]);
    // One hidden menu beside the visible text is furniture as before.
    let (d, _) = dropped_texts(
        r#"<body><p>The visible article text, long enough to be most of the page.</p>
        <div style="display:none">Menu</div></body>"#,
    );
    assert_eq!(d, vec!["Menu"]);
}

#[test]
fn script_text_does_not_count_as_page_text() {
    // A large JSON-LD block would make the footer look like a small part
    // of the page; only what a reader sees counts.
    let doc = Doc::from_html(&format!(
        r#"<body><p>Seen.</p><script type="application/ld+json">{{"x":"{}"}}</script></body>"#,
        "y".repeat(500)
    ));
    assert_eq!(text_len(*doc.body()), "Seen.".len());
}

#[test]
fn comments_go_on_articles_but_posts_stay_on_forums() {
    let page = r#"<body><article><h1>Case fans</h1><p>Short question about the two connectors on the new case.</p></article>
        <div id="comments"><article class="post comment"><div class="comment_content"><p>They are for the fan hub, plug them into the board.</p></div></article></div>
        <div class="answer"><p>Answer text that explains the connectors.</p><div class="comments"><ul><li class="comment">Thanks!</li></ul></div></div></body>"#;
    let dropped = |url: &str| {
        let mut doc = Doc::parse(
            page,
            Some(url::Url::parse(url).unwrap()),
            Article::new(chrono::Utc::now()),
        );
        run(&mut doc).unwrap();
        texts_of_dropped(&doc, normalize)
    };
    // A news page: both comment sections go, however long.
    assert_eq!(
        dropped("https://news.example/2024/case-fans"),
        vec![
            "Thanks!",
            "They are for the fan hub, plug them into the board."
        ]
    );
    // A forum thread: the posts stay, the comment thread under the answer goes.
    assert_eq!(
        dropped("https://forum.example/topic/123-case-fans/"),
        vec!["Thanks!"]
    );
}

#[test]
fn reviews_go_on_product_pages_only() {
    let body = r#"<body><div class="product-description"><p>A 25-litre day pack with pockets galore.</p></div>
        <section id="reviews" class="product-reviews"><p>Great pack, I carried it across the Alps and it held up well, zips and all.</p><p>Straps dig in after a few hours, otherwise fine for day hikes in summer.</p><p>Third review, with enough words to count as a paragraph of real prose here.</p></section></body>"#;
    let dropped = |head: &str| {
        let mut doc = Doc::from_html(&format!("{head}{body}"));
        run(&mut doc).unwrap();
        doc.dropped.len()
    };
    let product =
        r#"<script type="application/ld+json">{"@type":"Product","name":"Trail 25"}</script>"#;
    let guide = r#"<meta property="og:type" content="article"><script type="application/ld+json">{"@type":"Product","name":"Trail 25"}</script>"#;
    assert_eq!(dropped(product), 1); // the reviews
    assert_eq!(dropped(guide), 0); // a buying guide keeps its reviews
    let category = r#"<script type="application/ld+json">{"@type":"ItemList","itemListElement":[]}</script><script type="application/ld+json">{"@type":"Product","name":"Trail 25"}</script>"#;
    assert_eq!(dropped(category), 0); // a category page is not one product
}

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn keeps_wrapper_that_holds_most_text() {
    let (d, _) = dropped_texts(
        r#"<body><div class="has-sidebar"><p>All the article text lives inside this wrapper, which is long.</p></div><div class="sidebar">x</div></body>"#,
    );
    assert_eq!(d, vec!["x"]);
}

#[test]
fn big_landmark_goes_unless_it_holds_the_headline() {
    // The footer's small print outweighs the short page's text.
    let (d, _) = dropped_texts(
        r#"<body><h1>Gift cards</h1><p>Buy one today.</p><footer><p>Terms apply to every purchase, see the agreement for the conditions of use.</p></footer></body>"#,
    );
    assert_eq!(d.len(), 1);
    assert!(d[0].starts_with("Terms apply"));
    // A page-wide `role=banner` wrapper around the headline stays.
    let (d, _) = dropped_texts(
        r#"<body><div role="banner"><h1>Title</h1><p>The whole page lives inside this wrapper.</p></div></body>"#,
    );
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn content_hint_vetoes() {
    let (d, _) = dropped_texts(
        r#"<body><div class="entry-content social-ready"><p>Text</p></div><p>Other text here to keep the ratio</p></body>"#,
    );
    assert!(d.is_empty(), "{d:?}");
}

/// A rail hidden on phones is a desktop sidebar, even when it outweighs a
/// short post and its teasers are `<article>`s with paragraphs; a
/// desktop-only block that holds the story itself stays.
#[test]
fn desktop_only_rails_are_furniture() {
    let teaser = "<article><h3>Another post</h3><p>An excerpt of another post that runs on \
                  for a while, long enough to read as a paragraph of prose here.</p></article>";
    let html = format!(
        r#"<body><div class="post"><p>The post itself, which is short but is the page's text.</p></div>
        <div class="elementor-hidden-tablet elementor-hidden-mobile"><h2>Latest News</h2>
        {teaser}{teaser}{teaser}</div>
        <div class="hidden-xs"><article><h1>The story</h1><p>Its text.</p></article></div></body>"#
    );
    let (d, _) = dropped_texts(&html);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].starts_with("Latest News"), "{d:?}");
}

/// A highlighter's token classes are not furniture: `hljs-comment` is a
/// comment in the code, not a reader's. Hidden line numbers still go.
#[test]
fn code_blocks_keep_their_comment_tokens() {
    let (d, _) = dropped_texts(
        r#"<body><p>How to start, with the two commands below, which the post explains.</p>
        <pre><code><span class="hljs-comment"># initialize git</span>
git init <span class="linenos" aria-hidden="true">1</span></code></pre>
        <div class="comments">Great post!</div></body>"#,
    );
    assert_eq!(d, vec!["1", "Great post!"]);
}

/// Where a page is a discussion: declared in JSON-LD, a forum's host or
/// path, or a domain named for a forum.
#[test]
fn discussions_are_known_by_type_host_and_path() {
    let at = |url: &str, head: &str| {
        let html = format!("<html><head>{head}</head><body><p>Post.</p></body></html>");
        let url = url::Url::parse(url).ok();
        is_discussion(&Doc::parse(&html, url, Article::new(chrono::Utc::now())))
    };
    assert!(at("https://forums.example.com/t/1", ""));
    assert!(at(
        "https://www.warriorforum.com/beginners-area/1488296-will-it-work.html",
        ""
    ));
    assert!(at("https://example.com/threads/how-to.91732/", ""));
    assert!(at(
        "https://example.com/p/1",
        r#"<script type="application/ld+json">{"@type":"QAPage"}</script>"#
    ));
    assert!(!at("https://www.example.com/news/2024/story.html", ""));
    assert!(!at("https://www.forumtheatre.org/news/story.html", ""));
}

/// A link posted to an aggregator: the page's own text is one line, the
/// thread under it is the page. Under a real article the thread still goes.
#[test]
fn a_thread_under_next_to_nothing_is_the_page() {
    let comment = "<div class=\"comment\"><p>A reader's long reply, which argues the point \
                   at length with reasons, examples and a counter-example or two.</p></div>";
    let thread = comment.repeat(30);
    let (d, doc) = dropped_texts(&format!(
        r#"<body><h1><a>Rust project goals for 2024</a></h1>
        <section class="comments">{thread}</section></body>"#
    ));
    assert!(d.is_empty(), "{d:?}");
    // The verdict is left in the document for the content stage.
    assert_eq!(doc.discussion, Some(true));
    let story =
        "<p>The story itself, a paragraph of the article that the comments discuss.</p>".repeat(40);
    let (d, doc) = dropped_texts(&format!(
        r#"<body><h1>Story</h1>{story}<section class="comments">{thread}</section></body>"#
    ));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(doc.discussion, Some(false));
}
