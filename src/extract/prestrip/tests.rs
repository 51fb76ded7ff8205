//! Unit tests of the pre-parse scan.

use super::*;

#[test]
fn script_style_and_svg_bodies_go_elements_stay() {
    let html = r#"<head><style>p{color:red}</style><script src=a.js></script>
            <script>var s = "</div>"; if (a<b) {}</script></head>
            <body><p>Kept <b>text</b></p><svg viewBox="0 0 1 1"><path d="M0"/><svg><g/></svg></svg>
            <p>after</p></body>"#;
    let out = strip(html);
    assert!(out.contains("<style></style>"));
    assert!(out.contains("<script></script></head>"));
    assert!(out.contains("<svg></svg>"));
    assert!(out.contains("<p>Kept <b>text</b></p>"));
    assert!(out.contains("<p>after</p>"));
    assert!(!out.contains("color") && !out.contains("path"));
}

#[test]
fn json_ld_and_text_elements_are_kept() {
    let html = r#"<script type="application/ld+json">{"a":"<b>"}</script>
<title>a <script> b</title><textarea><style>x</style></textarea>
<noscript><p>crawler view</p></noscript>"#;
    assert!(matches!(strip(html), Cow::Borrowed(_)));
}

#[test]
fn comments_go_with_what_looks_like_markup_inside() {
    let html = "<p>a<!-- <script> --></p><!--><p>b</p><!-- x --!><p>c</p><!-- y --->";
    assert_eq!(strip(html), "<p>a</p><p>b</p><p>c</p>");
    // Unterminated: the tokenizer reads the rest as the comment; kept as it is.
    let html = "<style>a</style><!-- <p>x</p>";
    assert_eq!(strip(html), "<style></style><!-- <p>x</p>");
}

#[test]
fn whitespace_between_tags_shrinks_to_one_character_except_in_pre() {
    let html = "<ul>\n    <li>a  b</li>   <li>c</li>\n</ul>\n  <pre>\n  <b>x</b>\n    <i>y</i></pre> <p>\t</p>";
    assert_eq!(
        strip(html),
        "<ul>\n<li>a  b</li> <li>c</li>\n</ul>\n<pre>\n  <b>x</b>\n    <i>y</i></pre> <p>\t</p>"
    );
    // The text a reader sees is the same.
    let text = |h: &str| {
        let doc = scraper::Html::parse_document(h);
        crate::extract::text::normalize_space(&doc.root_element().text().collect::<String>())
    };
    assert_eq!(text(&strip(html)), text(html));
}

#[test]
fn markup_inside_attribute_values_is_not_a_tag() {
    let html = r#"<a name="<script>" id='<svg>'>link</a><p>text</p>"#;
    assert!(matches!(strip(html), Cow::Borrowed(_)));
    let html = r#"<script id="</script>">code</script><p>text</p>"#;
    assert_eq!(
        strip(html),
        r#"<script id="</script>"></script><p>text</p>"#
    );
}

#[test]
fn unread_attributes_go_read_ones_stay() {
    let html = r#"<div class=a data-x='{"k":1}' onclick="go()" aria-label="x" aria-hidden=true><img src=a.png srcset="a 1x, b 2x" alt=A>
            <p style="color:red">x</p><p style="display: NONE">y</p><a href=/x data-y>z</a></div>"#;
    assert_eq!(
        strip(html),
        r#"<div class=a aria-hidden=true><img>
<p>x</p><p style="display: NONE">y</p><a>z</a></div>"#
    );
    // `href` is read on `<link>` and `<base>` only.
    let html = r#"<base href="/b/"><link rel=canonical href="/c" hreflang=en><A HREF="/x">x</A>"#;
    assert_eq!(
        strip(html),
        r#"<base href="/b/"><link rel=canonical href="/c"><A>x</A>"#
    );
    // …and on `<a>` when the Markdown writes link targets.
    assert_eq!(
        strip_keeping(html, true),
        r#"<base href="/b/"><link rel=canonical href="/c"><A HREF="/x">x</A>"#
    );
    let html = r#"<meta property="og:title" content=T><svg viewBox="0 0 1 1" class=i></svg><time datetime=2024-01-02 title=x>"#;
    assert_eq!(
        strip(html),
        r#"<meta property="og:title" content=T><svg class=i></svg><time datetime=2024-01-02>"#
    );
}

/// Attribute names in `.read_attr("…")` calls and in `css!` selectors of the
/// extraction code: what [`kept`] must hold.
fn attributes_read(src: &str, out: &mut Vec<String>) {
    let name_at = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '_'))
            .collect()
    };
    for (i, _) in src.match_indices(".read_attr(\"") {
        out.push(name_at(&src[i + ".read_attr(\"".len()..]));
    }
    for (i, _) in src.match_indices("css!(") {
        let mut depth = 0;
        let body = &src[i + 4..];
        let end = body
            .char_indices()
            .find(|&(_, c)| {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .map_or(body.len(), |(e, _)| e);
        for (j, _) in body[..end].match_indices('[') {
            out.push(name_at(&body[j + 1..]));
        }
    }
}

#[test]
fn every_attribute_read_is_kept() {
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/extract"
    ))];
    let mut names = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                attributes_read(&std::fs::read_to_string(&path).unwrap(), &mut names);
            }
        }
    }
    assert!(names.len() > 20, "{names:?}");
    for name in names
        .iter()
        .filter(|n| !n.is_empty() && n.as_str() != "style")
    {
        assert!(
            kept(name.as_bytes()),
            "{name} is read by a stage but cut by prestrip"
        );
    }
}

#[test]
fn end_tag_must_be_the_whole_name() {
    let html = "<script>a = '</scripts>'</script><p>x</p>";
    assert_eq!(strip(html), "<script></script><p>x</p>");
}

#[test]
fn unmodelled_markup_stops_the_cuts() {
    // Double-escaped script: the first `</script>` does not end it.
    let html = "<style>a</style><script><!-- document.write('<script>x</script>'); --></script><style>b</style>";
    assert_eq!(
        strip(html),
        "<style></style><script><!-- document.write('<script>x</script>'); --></script><style>b</style>"
    );
    // An HTML element inside an SVG closes it: its text is content.
    let html = "<style>a</style><svg><p>visible</p></svg><style>b</style>";
    assert_eq!(
        strip(html),
        "<style></style><svg><p>visible</p></svg><style>b</style>"
    );
    // Unterminated script: left alone.
    let html = "<style>a</style><script>never closed";
    assert_eq!(strip(html), "<style></style><script>never closed");
}

#[test]
fn parsed_text_is_unchanged_on_a_mixed_page() {
    let html = r#"<html><head><title>T</title><style>.a{}</style></head><body>
            <p>One <svg width=2><title>icon</title><use href="&num;i"/></svg>two</p>
            <script>if (x < 1 && y > 2) { document.title = "<p>"; }</script>
            <p title="a > b">three</p><svg/><p>four</p></body></html>"#;
    let text = |h: &str| {
        let doc = scraper::Html::parse_document(h);
        let body = doc
            .select(&scraper::Selector::parse("p").unwrap())
            .map(|p| p.text().collect::<String>())
            .collect::<Vec<_>>();
        body.join("|")
    };
    let stripped = strip(html);
    assert!(stripped.len() < html.len());
    assert_eq!(text(&stripped), "One two|three|four");
}

/// The text a reader sees: the text outside scripts, styles, SVGs and
/// `<noscript>`, whitespace collapsed, except inside `<pre>`, whose text is
/// kept as it is (in runs of its own).
fn visible_text(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let mut out = Vec::new();
    let mut run = String::new();
    for node in doc.root_element().descendants() {
        let Some(t) = node.value().as_text() else {
            continue;
        };
        let names: Vec<&str> = node
            .ancestors()
            .filter_map(|a| a.value().as_element().map(|e| e.name()))
            .collect();
        if names
            .iter()
            .any(|n| matches!(*n, "script" | "style" | "svg" | "noscript"))
        {
            continue;
        }
        if names.contains(&"pre") {
            out.push(crate::extract::text::normalize_space(&run));
            run.clear();
            out.push(t.to_string());
        } else {
            run.push_str(t);
        }
    }
    out.push(crate::extract::text::normalize_space(&run));
    out
}

#[test]
fn fixture_pages_read_the_same_after_the_cuts() {
    use std::io::Read;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut pages = 0;
    for sub in ["", "status", "bench"] {
        for entry in std::fs::read_dir(format!("{dir}/{sub}")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.to_string_lossy().into_owned();
            let html = if name.ends_with(".html.gz") {
                let mut s = String::new();
                flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
                    .read_to_string(&mut s)
                    .unwrap();
                s
            } else if name.ends_with(".html") {
                std::fs::read_to_string(&path).unwrap()
            } else {
                continue;
            };
            pages += 1;
            let stripped = strip(&html);
            assert!(stripped.len() < html.len(), "{name}: nothing cut");
            assert_eq!(visible_text(&stripped), visible_text(&html), "{name}");
        }
    }
    assert!(pages >= 8, "{pages} fixture pages");
}
