//! Author names, as a clean list.
//!
//! Sources: JSON-LD `author` (string, Person, or array), author `<meta>` tags,
//! a forum's thread starter, `rel=author` links, then byline elements and
//! labelled bylines. Each name is cleaned by `names`: no "By", no
//! dates, e-mail addresses or "Updated" glued on; "A and B" and "A, B" are
//! split; URLs (Facebook profile links in `article:author`) are not names.

use serde_json::Value;

use super::names::{clean_name, split_names};
use super::sources::{MetaTags, json_ld_str};
use crate::extract::Doc;
use crate::extract::doc::ReadAttr;
use crate::extract::doc::{attr_contains, class_names, has_rel, needles};
use crate::extract::text::{compact, normalize_space};
use scraper::ElementRef;

/// Finds the authors of `doc`: the first source, in order of trust, that
/// yields at least one clean name.
///
/// A source that names only the publisher (the site name, or the JSON-LD
/// `publisher`) is kept as a fallback while later sources are tried: sites
/// put their own name where the template expects a person.
pub fn find(
    doc: &Doc,
    meta: &MetaTags,
    article: Option<&Value>,
    site_name: Option<&str>,
) -> Vec<String> {
    let publisher = article
        .and_then(|a| a.get("publisher"))
        .and_then(|p| json_ld_str(p, "name"));
    let is_publisher = |n: &str| {
        let n = compact(n);
        [site_name, publisher.as_deref()]
            .into_iter()
            .flatten()
            .any(|p| compact(p) == n)
    };
    let mut fallback = Vec::new();
    let sources: [&dyn Fn() -> Vec<String>; 7] = [
        &|| {
            let mut raw = Vec::new();
            // The article's author, else any JSON-LD object's (untyped ones
            // too), or its main entity's: a `QAPage` (Discourse, Q&A sites)
            // holds the question, whose author started the thread.
            match article.and_then(|a| a.get("author")) {
                Some(a) => collect_json_ld(a, &doc.json_ld, &mut raw),
                None => {
                    if let Some(a) = doc
                        .json_ld
                        .iter()
                        .find_map(|o| o.get("author").or_else(|| main_entity(o)?.get("author")))
                    {
                        collect_json_ld(a, &doc.json_ld, &mut raw);
                    }
                }
            }
            raw
        },
        &|| meta_authors(meta),
        &|| {
            // A forum thread's starter, before the posters' bylines.
            super::bylines::thread_starter(doc)
                .into_iter()
                .find(|t| yields_name(t))
                .into_iter()
                .collect()
        },
        &|| {
            // `a[rel~="author" i], [itemprop="author"] [itemprop="name"],
            // [itemprop="author"]`, tested once per element.
            let itemprop = |e: &scraper::node::Element, v: &str| e.read_attr("itemprop") == Some(v);
            doc.elements()
                .filter(|el| {
                    let e = el.value();
                    itemprop(e, "author")
                        || (e.name() == "a" && has_rel(e, "author"))
                        || (itemprop(e, "name")
                            && el
                                .ancestors()
                                .filter_map(ElementRef::wrap)
                                .any(|a| itemprop(a.value(), "author")))
                })
                .map(|e| e.text().collect::<Vec<_>>().join(" "))
                .take(5)
                .collect()
        },
        &|| byline_element(doc).into_iter().collect(),
        &|| {
            // The first labelled byline that cleans to a name.
            super::bylines::labelled(doc)
                .into_iter()
                .find(|t| yields_name(t))
                .into_iter()
                .collect()
        },
        &|| {
            doc.headline_text(3000)
                .and_then(|t| byline_in_text(&t))
                .or_else(|| byline_in_text(&doc.opening_text(3000)))
                .into_iter()
                .collect()
        },
    ];
    for (i, source) in sources.into_iter().enumerate() {
        // Text near the headline is too weak a source to overrule the
        // publisher's name.
        if i >= 5 && !fallback.is_empty() {
            break;
        }
        let mut names = Vec::new();
        for r in source() {
            for name in split_names(&r) {
                if let Some(n) = clean_name(&name)
                    && !names.iter().any(|x: &String| x.eq_ignore_ascii_case(&n))
                {
                    names.push(n);
                }
            }
        }
        if names.is_empty() {
            continue;
        }
        names.truncate(10);
        if !names.iter().all(|n| is_publisher(n)) {
            return names;
        }
        if fallback.is_empty() {
            fallback = names;
        }
    }
    fallback
}

/// Longest byline element text, whitespace collapsed: longer is an author
/// box or a whole article header, not a byline.
const MAX_BYLINE: usize = 120;

/// How many byline elements [`byline_element`] weighs against each other.
const MAX_NESTED: usize = 8;

/// The text of the first element whose class names a byline or author and
/// whose text cleans to a name; where such elements nest (a header row
/// `.post-author` holding `.author-name` beside a date and a role), the
/// innermost one that still cleans to a name, so the date and role beside
/// it stay out.
fn byline_element(doc: &Doc) -> Option<String> {
    let found: Vec<(ElementRef<'_>, String)> = doc
        .elements()
        .filter(|e| {
            let v = e.value();
            // `rel` compares in any case, as `[rel="author"]` did on HTML.
            attr_contains(v, "class", needles!["byline", "author"])
                || v.read_attr("rel")
                    .is_some_and(|r| r.eq_ignore_ascii_case("author"))
        })
        .filter(|e| {
            !class_names(e.value()).any(|c| c.contains("author-bio") || c.contains("authors-list"))
        })
        .map(|e| (e, normalize_space(&e.text().collect::<Vec<_>>().join(" "))))
        .filter(|(_, t)| !t.is_empty() && t.len() < MAX_BYLINE && yields_name(t))
        .take(MAX_NESTED)
        .collect();
    // Matches come in document order: an element's descendants follow it.
    let mut best = 0;
    for i in 1..found.len() {
        let outer = found[best].0.id();
        if found[i].0.ancestors().any(|a| a.id() == outer) {
            best = i;
        }
    }
    found.into_iter().nth(best).map(|(_, t)| t)
}

/// True when some part of a byline text cleans to a name: the byline
/// sources keep the first such text and move on.
fn yields_name(text: &str) -> bool {
    split_names(text).iter().any(|n| clean_name(n).is_some())
}

/// Author `<meta>` tags, including Slack/Twitter label pairs
/// (`twitter:label1` = "Written by", `twitter:data1` = the name) and
/// scholarly `citation_author` ("Last, First" turned around).
fn meta_authors(meta: &MetaTags) -> Vec<String> {
    for key in [
        "author",
        "article:author",
        "parsely-author",
        "sailthru.author",
        "dc.creator",
        "byl",
    ] {
        let v: Vec<String> = meta.all(key).map(str::to_owned).collect();
        if !v.is_empty() {
            return v;
        }
    }
    let cited: Vec<String> = meta
        .all("citation_author")
        .map(|a| match a.split_once(',') {
            Some((last, first)) => format!("{} {}", first.trim(), last.trim()),
            None => a.to_owned(),
        })
        .collect();
    if !cited.is_empty() {
        // One name per tag: keep their commas from splitting them again.
        return vec![cited.join(" and ")];
    }
    for i in 1..=4 {
        let label = meta
            .first(&[&format!("twitter:label{i}")])
            .unwrap_or_default();
        if matches!(
            label.trim().to_lowercase().as_str(),
            "written by" | "author" | "by" | "authors"
        ) && let Some(v) = meta.first(&[&format!("twitter:data{i}")])
        {
            return vec![v];
        }
    }
    Vec::new()
}

/// A "By Firstname Lastname" byline in visible text.
fn byline_in_text(text: &str) -> Option<String> {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?-u:\b)(?:By|BY|Written by|Posted by|Author:)\s+(\p{Lu}[\p{L}'’.-]+(?: \p{Lu}[\p{L}'’.-]+){1,3})")
            .expect("valid regex")
    });
    RE.captures(text).map(|c| c[1].to_owned())
}

/// Names in a JSON-LD `author` value. A bare reference (`{"@id": …}`, as
/// Yoast and other `@graph` writers emit) is looked up among the page's
/// other objects.
fn collect_json_ld(v: &Value, graph: &[Value], out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| collect_json_ld(x, graph, out)),
        Value::Object(o) => {
            let name = o.get("name").or_else(|| {
                let id = o.get("@id")?;
                graph
                    .iter()
                    .find(|g| g.get("@id") == Some(id) && g.get("name").is_some())
                    .and_then(|g| g.get("name"))
            });
            if let Some(Value::String(n)) = name {
                out.push(n.clone());
            }
        }
        _ => {}
    }
}

/// An object's `mainEntity` (the first, if a list).
fn main_entity(o: &Value) -> Option<&Value> {
    match o.get("mainEntity")? {
        Value::Array(a) => a.first(),
        v => Some(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn byline_of(body: &str) -> Option<String> {
        let doc = Doc::from_html(&format!("<body>{body}</body>"));
        byline_element(&doc)
    }

    #[test]
    fn the_innermost_byline_element_wins() {
        // Minified or pretty-printed, the role and date beside the name stay out.
        for sep in ["", "\n      "] {
            let body = format!(
                r#"<div class="post-author">{sep}<a class="author-name">Dakota Hebert</a>{sep}<span>Senior Editor</span>{sep}<span>July 3, 2025</span></div>"#
            );
            assert_eq!(byline_of(&body).as_deref(), Some("Dakota Hebert"));
        }
        // An inner element that is no name leaves the outer one.
        let body = r#"<p class="byline">By Ann Lee and Bo Chan <img class="author-avatar"></p>"#;
        assert_eq!(byline_of(body).as_deref(), Some("By Ann Lee and Bo Chan"));
        // An author box is too long to be a byline.
        let bio =
            "Ann Lee writes about energy and has covered the markets for twenty years. ".repeat(2);
        assert_eq!(
            byline_of(&format!(r#"<div class="author">{bio}</div>"#)),
            None
        );
    }

    #[test]
    fn rejects_code_and_finds_text_bylines() {
        assert_eq!(
            clean_name("if(t){const t=document.querySelectorAll(\"img"),
            None
        );
        assert_eq!(clean_name("By"), None);
        assert_eq!(clean_name("Sun Dec"), None);
        assert_eq!(clean_name("Full Bio"), None);
        assert_eq!(clean_name("Written By"), None);
        assert_eq!(
            clean_name("Posted by Jo Bloggs").as_deref(),
            Some("Jo Bloggs")
        );
        assert_eq!(clean_name("page.head.extra.author"), None);
        assert_eq!(clean_name("sara.r.peter").as_deref(), Some("sara.r.peter"));
        assert_eq!(
            clean_name("J.R.R. Tolkien").as_deref(),
            Some("J.R.R. Tolkien")
        );
        assert_eq!(
            clean_name("SmellSharpe Well-known member Joined Dec").as_deref(),
            Some("SmellSharpe Well-known")
        );
        assert_eq!(clean_name("Mark Twain").as_deref(), Some("Mark Twain"));
        assert_eq!(clean_name("Mark").as_deref(), Some("Mark"));
        assert_eq!(
            byline_in_text("Home  News  By Sergio Martínez-Beltrán  March 5").as_deref(),
            Some("Sergio Martínez-Beltrán")
        );
        assert_eq!(byline_in_text("stand by me"), None);
    }

    fn authors_of(html: &str) -> Vec<String> {
        let doc = Doc::from_html(html);
        let meta = MetaTags::collect(&doc);
        let art = super::super::sources::json_ld_article(&doc.json_ld);
        find(&doc, &meta, art, None)
    }

    #[test]
    fn each_source_is_read() {
        // <meta name="author">, and a URL there falls through to the next source.
        assert_eq!(
            authors_of(r#"<meta name="author" content="By Ann Lee">"#),
            vec!["Ann Lee"]
        );
        assert_eq!(
            authors_of(
                r#"<meta property="article:author" content="https://facebook.com/x"><body><a rel="author" href="/a">Bo Chan</a></body>"#
            ),
            vec!["Bo Chan"]
        );
        // Twitter/Slack label pairs.
        assert_eq!(
            authors_of(
                r#"<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Tyler Brown">"#
            ),
            vec!["Tyler Brown"]
        );
        // Scholarly citation tags, "Last, First".
        assert_eq!(
            authors_of(
                r#"<meta name="citation_author" content="Roy, Ana"><meta name="citation_author" content="Diaz, Cy">"#
            ),
            vec!["Ana Roy", "Cy Diaz"]
        );
        // A byline element, with its label.
        assert_eq!(
            authors_of(
                r#"<body><div class="post-header-author"><div>Author</div><div class="the-author">Isa Shelton</div></div></body>"#
            ),
            vec!["Isa Shelton"]
        );
        // A "By" line in the text next to the headline.
        assert_eq!(
            authors_of(
                "<body><nav>Home</nav><header><h1>Title</h1><p>By Mo Khan, March 3</p></header></body>"
            ),
            vec!["Mo Khan"]
        );
    }

    #[test]
    fn publisher_named_as_author_yields_to_a_byline() {
        let find_with_site = |html: &str| {
            let doc = Doc::from_html(html);
            let meta = MetaTags::collect(&doc);
            let art = super::super::sources::json_ld_article(&doc.json_ld);
            find(&doc, &meta, art, Some("USA TODAY"))
        };
        let ld = r#"<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":", USA TODAY"}}</script>"#;
        assert_eq!(
            find_with_site(&format!(
                r#"{ld}<body><span class="author"><a href="/staff/bt">Brian Truitt</a></span></body>"#
            )),
            vec!["Brian Truitt"]
        );
        // No other source: the publisher it is.
        assert_eq!(find_with_site(ld), vec!["USA TODAY"]);
        // A "By" in the text is too weak to overrule it.
        assert_eq!(
            find_with_site(&format!(
                "{ld}<body><h1>T</h1><p>By Yourself Buying Through</p></body>"
            )),
            vec!["USA TODAY"]
        );
        // A comment's byline is not the article's.
        assert_eq!(clean_name("copywriting4u says:"), None);
    }

    #[test]
    fn json_ld_author_reference_is_resolved_in_the_graph() {
        let html = r#"<script type="application/ld+json">{"@graph":[
            {"@type":"Article","headline":"H","author":{"@id":"https://ex.com/#/person/1"}},
            {"@type":"WebPage","@id":"https://ex.com/p"},
            {"@type":"Person","@id":"https://ex.com/#/person/1","name":"Shiv Kumar"}]}</script>"#;
        assert_eq!(authors_of(html), vec!["Shiv Kumar"]);
    }

    #[test]
    fn qa_page_question_author_starts_the_thread() {
        let html = r#"<script type="application/ld+json">{"@type":"QAPage","name":"Q",
            "mainEntity":{"@type":"Question","name":"Q","author":{"@type":"Person","name":"DaleJack"},
            "suggestedAnswer":[{"@type":"Answer","author":{"@type":"Person","name":"Other"}}]}}</script>"#;
        assert_eq!(authors_of(html), vec!["DaleJack"]);
    }

    #[test]
    fn json_ld_people() {
        let doc = Doc::from_html(
            r#"<script type="application/ld+json">{"@type":"NewsArticle","author":[{"@type":"Person","name":"Ann Lee"},{"@type":"Person","name":"Bo Chan"}]}</script>"#,
        );
        let meta = MetaTags::collect(&doc);
        let art = super::super::sources::json_ld_article(&doc.json_ld);
        assert_eq!(find(&doc, &meta, art, None), vec!["Ann Lee", "Bo Chan"]);
    }
}
