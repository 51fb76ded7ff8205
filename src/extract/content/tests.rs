//! End-to-end tests of the content stage on small pages of our own.

use super::*;

fn extract(html: &str) -> String {
    let mut doc = Doc::from_html(html);
    crate::extract::clean::run(&mut doc).unwrap();
    run(&mut doc).unwrap();
    doc.record.text
}

/// A category page: each item's name is a link above its details. The
/// names are kept; a call to action and a lone link in an article are not.
#[test]
fn listing_keeps_item_titles() {
    let card = |i: usize| {
        format!(
            "<li><div><a href=/p/{i}>Trail Runner Model {i}</a></div>\
             <div>$1{i}9.00</div><div>Weight: {i}20 g</div></li>"
        )
    };
    let items: String = (0..14).map(card).collect();
    let page = format!(
        "<html><body><main><h1>Running shoes</h1><ul>{items}</ul>\
         <div><a href=/all>View all shoes</a></div><div>Free returns.</div></main></body></html>"
    );
    let text = extract(&page);
    assert!(text.contains("Trail Runner Model 3"), "{text}");
    assert!(text.contains("$139.00"), "{text}");
    assert!(!text.contains("View all"), "{text}");

    let para = "<p>The story goes on with commas, clauses, and words enough to be prose.</p>";
    let article = format!(
        "<html><head><meta property=og:type content=article></head><body><article>\
         <h1>News</h1>{para}<div><a href=/x>Another story entirely</a></div>{para}{para}\
         </article></body></html>"
    );
    let text = extract(&article);
    assert!(!text.contains("Another story"), "{text}");
}

/// A page whose prose is short (under 250 words) next to a grid of linked
/// items is a listing or service page: the `<main>` landmark, links and
/// all, is its text. Longer prose is an article, and the grid stays out.
#[test]
fn short_prose_beside_a_grid_of_links_reads_the_whole_landmark() {
    let para = |i: usize| {
        format!(
            "<p>Step {i}: our team plans, builds and runs the service for you, with care, \
             clear prices, and people who answer the phone when you call.</p>"
        )
    };
    let cards: String = (0..40)
        .map(|i| format!("<li><a href=/s/{i}>Service area number {i} near the city</a></li>"))
        .collect();
    let page = |paras: usize| {
        let prose: String = (0..paras).map(para).collect();
        format!("<html><body><main><div>{prose}</div><ul>{cards}</ul></main></body></html>")
    };
    // 9 paragraphs of 25 words: 225 words of prose.
    let text = extract(&page(9));
    assert!(text.contains("Service area number 7"), "{text}");
    // 14 paragraphs: 350 words.
    let text = extract(&page(14));
    assert!(!text.contains("Service area number 7"), "{text}");
}

/// A sentence whose words are mostly links is prose; a run of links that
/// does not read as a sentence is a link list.
#[test]
fn a_sentence_of_links_is_prose_a_run_of_links_is_not() {
    let para = |i: usize| {
        format!(
            "<p>Paragraph {i} of the review goes on with commas, clauses, and enough words \
             to count as prose in any reader's eyes.</p>"
        )
    };
    let prose: String = (0..8).map(para).collect();
    let html = format!(
        "<html><body><article><h1>A hotel review</h1>{prose}\
         <p>It is in <a href=/a>the ten best hotels in Bangkok</a>, \
         <a href=/b>the best new hotels of the year</a> and <a href=/c>my favorite hotels \
         in the whole world</a>.</p>\
         <p><a href=/d>Hotels in Bangkok</a> <a href=/e>Hotels in Tokyo</a> \
         <a href=/f>Hotels in the Maldives</a> more</p></article></body></html>"
    );
    let text = extract(&html);
    assert!(text.contains("It is in the ten best"), "{text}");
    assert!(!text.contains("Hotels in Tokyo"), "{text}");
}

#[test]
fn picks_article_over_furniture() {
    let text = extract(
        r#"<html><head><title>Big news</title></head><body>
        <div class="menu"><a href="/">Home</a> <a href="/w">World</a></div>
        <div class="main"><h1>Big news</h1>
          <p>First paragraph of the story, with commas, clauses, and detail enough.</p>
          <h2>A subheading</h2>
          <p>Second paragraph continues the story, again with commas, and more words.</p>
          <ul class="links"><li><a href="/a">Another story entirely</a></li><li><a href="/b">And one more</a></li></ul>
        </div>
        <div class="footer-links"><p>Copyright 2024, all rights reserved, by the company.</p></div>
        </body></html>"#,
    );
    assert_eq!(
        text,
        "First paragraph of the story, with commas, clauses, and detail enough.\n\nA subheading\n\nSecond paragraph continues the story, again with commas, and more words."
    );
}

/// An article and, in the same cover, excerpts of other posts: the
/// declared article container is the text. Two declared posts of a
/// thread keep the whole cover.
#[test]
fn declared_article_container_narrows_the_cover() {
    let para = |s: &str| {
        format!(
            "<p>{s} The paragraph goes on with commas, clauses, and enough words to count as prose.</p>"
        )
    };
    let article = format!(
        "<div class=wrap><article><h1>Pruning</h1>{}{}{}</article>\
         <div class=more><h3>Other posts</h3>{}</div></div>",
        para("Cut back in late winter."),
        para("Group three flowers on new wood."),
        para("Feed after pruning."),
        para("Another post's excerpt about roses."),
    );
    let text = extract(&format!("<html><body>{article}</body></html>"));
    assert!(text.contains("Feed after pruning"), "{text}");
    assert!(!text.contains("roses"), "{text}");

    let thread = format!(
        "<div class=thread><article>{}{}</article><article>{}</article></div>",
        para("My question about the fans."),
        para("More detail on the case."),
        para("Answer: plug them into the hub."),
    );
    let text = extract(&format!("<html><body>{thread}</body></html>"));
    assert!(text.contains("plug them into the hub"), "{text}");
}

#[test]
fn declared_containers_are_recognized() {
    let html = scraper::Html::parse_fragment(
        r#"<div class="c-Article__Body">a</div><div class="post_content x">b</div><div itemprop="articleBody">c</div><div class="content">d</div>"#,
    );
    let declared: Vec<String> = html
        .select(&scraper::Selector::parse("div").unwrap())
        .filter(|e| declares_article(*e))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(declared, vec!["a", "b", "c"]);
}

#[test]
fn tail_after_the_article_is_left_out() {
    let para = |s: &str| {
        format!(
            "<p>{s} The paragraph goes on with commas, clauses, and enough words to count as prose.</p>"
        )
    };
    let html = format!(
        "<html><body><div>{}{}{}{}<h3>Related posts:</h3>{}</div></body></html>",
        para("One."),
        para("Two."),
        para("Three."),
        para("Four."),
        para("Another story's excerpt."),
    );
    let text = extract(&html);
    assert!(text.contains("Four."), "{text}");
    assert!(
        !text.contains("Related posts") && !text.contains("excerpt"),
        "{text}"
    );
    // A news site's rail opens the same way.
    let news = html.replace("Related posts:", "Latest News");
    let text = extract(&news);
    assert!(
        text.contains("Four.") && !text.contains("Latest News"),
        "{text}"
    );
    // A forum's sign-in prompt under the last post ends the thread.
    let prompt = html.replace(
        "<h3>Related posts:</h3>",
        "<h2>Create an account or sign in to comment</h2>",
    );
    let text = extract(&prompt);
    assert!(
        text.contains("Four.") && !text.contains("sign in") && !text.contains("excerpt"),
        "{text}"
    );
    // On a product page a shop rail may come earlier: past half the text.
    let rail = format!(
        "<html><head><script type=\"application/ld+json\">{{\"@type\":\"Product\"}}</script></head>\
         <body><div>{}{}{}<h3>Similar items</h3>{}{}</div></body></html>",
        para("One."),
        para("Two."),
        para("Three."),
        para("Another product's blurb."),
        para("And one more blurb."),
    );
    let text = extract(&rail);
    assert!(text.contains("Three.") && !text.contains("blurb"), "{text}");
    // A paragraph styled as a heading opens a tail too; a paragraph that
    // is a card's "Read more" link text does not.
    let styled = html.replace("<h3>Related posts:</h3>", "<p>Related articles</p>");
    let text = extract(&styled);
    assert!(!text.contains("excerpt"), "{text}");
    let more = html.replace("<h3>Related posts:</h3>", "<p>Read more</p>");
    let text = extract(&more);
    assert!(text.contains("excerpt"), "{text}");
    // The author box and a "More from …" rail, matched by their start.
    for heading in ["About the Author", "More from The Daily Planet"] {
        let text = extract(&html.replace("Related posts:", heading));
        assert!(
            text.contains("Four.") && !text.contains("excerpt"),
            "{heading}: {text}"
        );
    }
}

/// A shop's recommendations widget in the middle of a product page: its
/// cards go, the product's details after it stay (a short heading ends
/// the widget, a long one is a card's name).
#[test]
fn recommendation_cards_go_the_details_after_them_stay() {
    let card = |i: usize| {
        format!(
            "<div><h4>Stainless Travel Mug With Handle, Model {i}</h4><div>${i}4.99</div>\
             <div>Seller 99.{i}% positive</div></div>"
        )
    };
    let cards: String = (1..6).map(card).collect();
    let page = format!(
        "<html><head><script type=\"application/ld+json\">{{\"@type\":\"Product\"}}</script></head>\
         <body><main><h1>Harbour Flask</h1>\
         <p>A double-walled flask that keeps coffee hot for twelve hours, with a lid that locks, \
         a handle that folds away, and a finish that will not scratch in a bag.</p>\
         <h2>Similar items</h2>{cards}\
         <h2>Technical details</h2><div>Capacity: 500 ml</div><div>Weight: 320 g</div>\
         <p>Made of recycled steel in a factory that runs on solar power, and tested to \
         survive a fall of two metres onto stone without a dent in the lid.</p></main></body></html>"
    );
    let text = extract(&page);
    assert!(
        !text.contains("Travel Mug") && !text.contains("positive"),
        "{text}"
    );
    assert!(!text.contains("Similar items"), "{text}");
    assert!(
        text.contains("Technical details") && text.contains("Capacity: 500 ml"),
        "{text}"
    );
    assert!(
        text.contains("double-walled") && text.contains("recycled steel"),
        "{text}"
    );
}

/// A paragraph of 45 words opening with `s`: a handful make an article
/// (250 words of prose or more).
fn long_para(s: &str) -> String {
    format!(
        "<p>{s} The paragraph goes on with commas, clauses, and enough words to count as \
         prose, and then it keeps going for a while longer, because a post needs more than \
         two hundred and fifty words before it reads as an article rather than a listing.</p>"
    )
}

/// On a declared article a tail heading (an `<h2>`, not a styled
/// paragraph) opens the tail past 40% of the text: testimonials and video
/// cards under "More Videos" can outweigh a short post. An undeclared page
/// keeps such a section before 70%: it may be one of a listing's own.
#[test]
fn a_declared_article_ends_at_a_tail_heading_past_two_fifths() {
    let body = format!(
        "<div>{}<h2>More Videos</h2>{}</div>",
        ["One.", "Two.", "Three.", "Four.", "Five.", "Six."]
            .map(long_para)
            .concat(),
        [
            "A patient's review.",
            "Another review.",
            "A third review.",
            "A fourth review.",
            "A fifth review.",
            "A sixth review.",
            "A seventh review.",
        ]
        .map(long_para)
        .concat(),
    );
    let article = format!(
        "<html><head><meta property=\"og:type\" content=\"article\"></head><body>{body}</body></html>"
    );
    let text = extract(&article);
    assert!(text.contains("Six.") && !text.contains("review"), "{text}");
    let undeclared = format!("<html><body>{body}</body></html>");
    let text = extract(&undeclared);
    assert!(text.contains("A fifth review."), "{text}");
    // A styled paragraph is not enough that early.
    let styled = article.replace("<h2>More Videos</h2>", "<p>More Videos</p>");
    let text = extract(&styled);
    assert!(text.contains("A fifth review."), "{text}");
}

/// A declared article's byline and dateline lines near the top are
/// metadata (the record's authors and dates), not text; elsewhere such a
/// line may be a listed item's credit and stays.
#[test]
fn an_articles_byline_lines_near_the_top_are_not_text() {
    let body = format!(
        "<div><p>By Jo Lee</p><p>Updated March 5, 2026</p><p>by the way, this stays.</p>{}{}{}{}</div>",
        long_para("One."),
        long_para("Two."),
        long_para("Three."),
        long_para("Four."),
    );
    let article = format!(
        "<html><head><meta property=\"og:type\" content=\"article\"></head><body>{body}</body></html>"
    );
    let text = extract(&article);
    assert!(text.starts_with("by the way, this stays."), "{text}");
    assert!(
        !text.contains("Jo Lee") && !text.contains("Updated"),
        "{text}"
    );
    let undeclared = format!("<html><body>{body}</body></html>");
    assert!(extract(&undeclared).starts_with("By Jo Lee"));
}

#[test]
fn boilerplate_classes_are_left_out() {
    let text = extract(include_str!("../../../tests/fixtures/boilerplate.html"));
    for kept in [
        "The regional operator will run a sleeper service",
        "Why now",
        "Officials said demand for overnight travel",
        "Tickets go on sale next month",
    ] {
        assert!(text.contains(kept), "missing {kept:?} in {text}");
    }
    for furniture in [
        "We use cookies",       // cookie banner
        "Sport",                // navigation
        "Transport",            // breadcrumbs
        "Share on Facebook",    // share bar
        "morning briefing",     // newsletter box
        "Depot closure leaves", // related links
        "railfan88",            // comments, though they outweigh the article
        "waiting for a night train",
        "All rights reserved", // footer
    ] {
        assert!(!text.contains(furniture), "kept {furniture:?} in {text}");
    }
    assert!(
        !text.starts_with("Night trains return"),
        "headline repeated"
    );
}

#[test]
fn repeated_lines_appear_once() {
    let text = extract(
        "<body><article><p>Same line printed twice by the page.</p><p>Same line printed twice by the page.</p><p>Other text, with a comma.</p></article></body>",
    );
    assert_eq!(text.matches("Same line").count(), 1);
}

#[test]
fn deep_nesting_does_not_overflow() {
    let html = format!(
        "{}<p>deep text, here, and there</p>",
        "<div>".repeat(10_000)
    );
    let text = extract(&html);
    assert!(text.contains("deep text"));
}

#[test]
fn noscript_crawler_view_is_used_when_page_is_empty() {
    let paras: String = (0..6)
        .map(|i| format!("<p>This forum post explains, in detail {i}, what went wrong with the update and how to fix it.</p>"))
        .collect();
    let html = format!(
        "<body><div id=app></div><noscript><div class=post>{paras}</div></noscript></body>"
    );
    let text = extract(&html);
    assert!(text.starts_with("This forum post explains"), "{text}");
}

#[test]
fn br_makes_lines() {
    let text = extract("<body><article><p>Line one, here<br>line two, there</p></article></body>");
    assert_eq!(text, "Line one, here\nline two, there");
}

/// Only a paragraph of a sentence or two counts fully as prose: a column
/// of one-line teasers across the page from the article, past a block of
/// links, does not pull the whole page in with it.
#[test]
fn a_column_of_one_line_teasers_is_not_prose() {
    let para = |i: usize| {
        format!(
            "<p>Paragraph {i} of the report follows the harbour board's vote on dredging, \
             the cost to the town, and what the fishermen said at the meeting.</p>"
        )
    };
    let teaser = |i: usize| {
        format!("<div>Teaser {i}: the ferry timetable changes again this coming weekend.</div>")
    };
    let link = |i: usize| format!("<li><a href=/t/{i}>Harbour archive page number {i}</a></li>");
    // 11 paragraphs of 25 words: an article, not a listing's blurb.
    let paras: String = (0..11).map(para).collect();
    let teasers: String = (0..28).map(teaser).collect();
    let links: String = (0..60).map(link).collect();
    let page = format!(
        "<html><body><div><h2>Dredging vote</h2>{paras}</div>\
         <div><ul>{links}</ul></div><div>{teasers}</div></body></html>"
    );
    let text = extract(&page);
    assert!(text.contains("Paragraph 2 of the report"), "{text}");
    assert!(!text.contains("Teaser 4"), "{text}");
}

/// A list of linked names, each with a figure after it, is the article's
/// own table in list form; a list of bare links under it is not.
#[test]
fn linked_names_with_their_figures_are_text() {
    let para = |i: usize| {
        format!(
            "<p>Paragraph {i} of the ranking explains how the contractors were measured, \
             which revenue counted, and why the list changed so much this year.</p>"
        )
    };
    let item = |i: usize| format!("<li><a href=/c/{i}>Contractor Group {i} Inc.</a> $1.{i}B</li>");
    let related = |i: usize| format!("<li><a href=/r/{i}>Another ranking, number {i}</a></li>");
    let paras: String = (0..11).map(para).collect();
    let items: String = (0..8).map(item).collect();
    let related: String = (0..5).map(related).collect();
    let page = format!(
        "<html><body><article><h1>Top contractors</h1>{paras}<ul>{items}</ul>\
         <ul>{related}</ul></article></body></html>"
    );
    let text = extract(&page);
    assert!(text.contains("Contractor Group 3 Inc. $1.3B"), "{text}");
    assert!(!text.contains("Another ranking"), "{text}");
}

fn extract_markdown(html: &str, url: &str) -> (String, Option<String>) {
    let mut doc = Doc::parse_for(
        html,
        url::Url::parse(url).ok(),
        crate::record::Article::new(chrono::Utc::now()),
        true,
    );
    crate::extract::clean::run(&mut doc).unwrap();
    run(&mut doc).unwrap();
    (doc.record.text, doc.record.markdown)
}

/// The Markdown has the text's blocks with their structure: heading
/// levels, nested and numbered lists, quotes, fenced code with its
/// language, a GFM table,
/// resolved links (anchors and scripts as plain text), joined emphasis,
/// and escapes for characters that would read as markup. The plain text
/// is the one written without Markdown.
#[test]
fn markdown_keeps_the_structure_of_the_same_blocks() {
    let html = r##"<html><head><title>Guide</title></head><body>
        <nav><a href="/">Home</a> <a href="/news">News</a></nav>
        <article><h1>Guide</h1>
        <p>Read <a href="../docs/start">the docs</a> or <a href="javascript:void(0)">this</a>
        and <a href="#top">that</a>; it is <strong>very</strong> <strong>simple</strong>, 2 * 3 = 6.</p>
        <h3>Steps</h3>
        <ol start="4"><li>Install it</li><li><p>Run it</p><p>Twice.</p>
            <ul><li>Nested point</li></ul></li></ol>
        <blockquote><p>A sentence quoted from somewhere, long enough to be kept.</p></blockquote>
        <pre><code class="hljs language-Rust">let x = `a`;
    done();</code></pre>
        <p>Call <code>run()</code> first.<br>Then wait.</p>
        <table><tr><th>Plan</th><th>Price</th><th></th></tr><tr><td>Basic | Lite</td> <td><b>$5</b></td><td></td></tr></table>
        <p># not a heading, and a long enough sentence to be kept as text.</p>
        <p><strong>So this is </strong><i><strong>totally</strong></i><strong> normal</strong>, a sentence.</p>
        </article></body></html>"##;
    let (text, markdown) = extract_markdown(html, "https://ex.com/guide/intro");
    let expected = "\
Read [the docs](https://ex.com/docs/start) or this and that; it is **very simple**, 2 \\* 3 = 6.

### Steps

4. Install it

5. Run it

   Twice.

   - Nested point

> A sentence quoted from somewhere, long enough to be kept.

```rust
let x = `a`;
    done();
```

Call `run()` first.  
Then wait.

| Plan | Price | |
| --- | --- | --- |
| Basic \\| Lite | **$5** | |

\\# not a heading, and a long enough sentence to be kept as text.

**So this is** ***totally*** **normal**, a sentence.";
    assert_eq!(markdown.as_deref(), Some(expected));
    assert_eq!(text, extract(html));
    assert!(
        text.starts_with("Read the docs or this and that;"),
        "{text}"
    );
}

/// A layout table (one cell around the article) is no Markdown table:
/// its text comes out as paragraphs, without pipes.
#[test]
fn markdown_of_a_layout_table_has_no_pipes() {
    let html = "<html><body><table><tr><td>Menu</td><td>\
        <p>The first paragraph of an old page laid out with tables, long enough to count as prose.</p>\
        Trailing text in the cell, after the paragraph.</td></tr></table></body></html>";
    let (text, markdown) = extract_markdown(html, "https://ex.com/old");
    let markdown = markdown.unwrap();
    assert!(
        markdown.ends_with("\n\nTrailing text in the cell, after the paragraph."),
        "{markdown}"
    );
    assert!(!markdown.contains('|'), "{markdown}");
    assert!(
        text.ends_with("Trailing text in the cell, after the paragraph."),
        "{text}"
    );
}
