//! Author names, as a clean list.
//!
//! Sources: JSON-LD `author` (string, Person, or array), author `<meta>` tags,
//! `rel=author` links, then byline elements. Each name is cleaned: no "By",
//! no dates, e-mail addresses, job titles or "Staff" glued on; "A and B" and
//! "A, B" are split; URLs (Facebook profile links in `article:author`) are not
//! names.

use serde_json::Value;

use super::sources::MetaTags;
use crate::extract::Doc;
use crate::extract::doc::css;
use crate::extract::text::{normalize_space, unescape};

/// Finds the authors of `doc`.
pub fn find(doc: &Doc, meta: &MetaTags, article: Option<&Value>) -> Vec<String> {
    let mut raw: Vec<String> = Vec::new();
    if let Some(a) = article.and_then(|a| a.get("author")) {
        collect_json_ld(a, &mut raw);
    }
    if raw.is_empty() {
        for key in [
            "author",
            "article:author",
            "parsely-author",
            "sailthru.author",
            "dc.creator",
            "byl",
        ] {
            raw.extend(meta.all(key).map(str::to_owned));
            if !raw.is_empty() {
                break;
            }
        }
    }
    if raw.is_empty() {
        raw.extend(
            doc.html
                .select(css!(r#"a[rel~="author"], [itemprop="author"] [itemprop="name"], [itemprop="author"]"#))
                .map(|e| e.text().collect::<String>())
                .take(5),
        );
    }
    if raw.is_empty() {
        raw.extend(
            doc.html
                .select(css!(
                    r#".byline, .author, .author-name, .byline-name, [class*="byline"], [class*="author-name"], [rel="author"]"#,
                ))
                .map(|e| e.text().collect::<String>())
                .filter(|t| t.len() < 200)
                .take(3),
        );
    }
    if raw.is_empty()
        && let Some(name) = doc
            .headline_text(3000)
            .and_then(|t| byline_in_text(&t))
            .or_else(|| byline_in_text(&doc.opening_text(3000)))
    {
        raw.push(name);
    }
    let mut names = Vec::new();
    for r in raw {
        for name in split_names(&r) {
            if let Some(n) = clean_name(&name)
                && !names.iter().any(|x: &String| x.eq_ignore_ascii_case(&n))
            {
                names.push(n);
            }
        }
    }
    names.truncate(10);
    names
}

/// A "By Firstname Lastname" byline in visible text.
fn byline_in_text(text: &str) -> Option<String> {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\b(?:By|BY|Written by|Posted by|Author:)\s+(\p{Lu}[\p{L}'’.-]+(?: \p{Lu}[\p{L}'’.-]+){1,3})")
            .expect("valid regex")
    });
    RE.captures(text).map(|c| c[1].to_owned())
}

fn collect_json_ld(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| collect_json_ld(x, out)),
        Value::Object(o) => {
            if let Some(Value::String(n)) = o.get("name") {
                out.push(n.clone());
            }
        }
        _ => {}
    }
}

/// Splits "A, B and C" into names (but not "Smith, Jr.").
fn split_names(s: &str) -> Vec<String> {
    let s = normalize_space(&unescape(s));
    s.split([',', ';', '|', '&'])
        .flat_map(|p| p.split(" and "))
        .flat_map(|p| p.split(" And "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Words that end a name: what follows is a title, a date or a place.
const STOP_WORDS: &[&str] = &[
    "updated",
    "published",
    "posted",
    "on",
    "at",
    "for",
    "in",
    "is",
    "the",
    "|",
    "-",
    "–",
    "—",
];

/// Cleans one name; `None` when what is left is not a person's name.
pub fn clean_name(raw: &str) -> Option<String> {
    let mut s = normalize_space(raw);
    if s.contains("://")
        || s.starts_with("www.")
        || s.contains('@') && !s.contains(' ')
        || s.contains(['=', '(', ')', '{', '}', '<', '>', ';', '"', '\\'])
    {
        return None;
    }
    for prefix in [
        "by:",
        "by ",
        "written by ",
        "words by ",
        "author:",
        "authors:",
        "von ",
        "par ",
        "por ",
    ] {
        if s.to_lowercase().starts_with(prefix) {
            s = s[prefix.len()..].trim().to_owned();
        }
    }
    let mut words: Vec<&str> = Vec::new();
    for w in s.split_whitespace() {
        let lw = w.to_lowercase();
        if STOP_WORDS.contains(&lw.as_str())
            || w.chars().any(|c| c.is_ascii_digit())
            || w.contains('@')
        {
            break;
        }
        words.push(w);
    }
    let name = words
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
        .to_owned();
    let lower = name.to_lowercase();
    let generic = [
        "staff",
        "admin",
        "editor",
        "editors",
        "reporter",
        "team",
        "newsroom",
        "administrator",
        "guest",
        "anonymous",
        "unknown",
    ];
    if name.is_empty()
        || name.len() > 60
        || words.len() > 5
        || generic.contains(&lower.as_str())
        || lower == "by"
        || lower.ends_with(" staff")
        || !name.chars().next().is_some_and(char::is_alphabetic)
    {
        return None;
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_bylines() {
        assert_eq!(
            clean_name("By Amara Okafor").as_deref(),
            Some("Amara Okafor")
        );
        assert_eq!(
            clean_name("BY JANE DOE Updated 5:00 PM").as_deref(),
            Some("JANE DOE")
        );
        assert_eq!(clean_name("Staff"), None);
        assert_eq!(clean_name("https://facebook.com/x"), None);
        assert_eq!(
            clean_name("Jo Bloggs, 12 March 2024").as_deref(),
            Some("Jo Bloggs")
        );
    }

    #[test]
    fn rejects_code_and_finds_text_bylines() {
        assert_eq!(
            clean_name("if(t){const t=document.querySelectorAll(\"img"),
            None
        );
        assert_eq!(clean_name("By"), None);
        assert_eq!(
            byline_in_text("Home  News  By Sergio Martínez-Beltrán  March 5").as_deref(),
            Some("Sergio Martínez-Beltrán")
        );
        assert_eq!(byline_in_text("stand by me"), None);
    }

    #[test]
    fn splits_lists() {
        assert_eq!(
            split_names("By Ann Lee and Bo Chan, Cy Diaz"),
            vec!["By Ann Lee", "Bo Chan", "Cy Diaz"]
        );
    }

    #[test]
    fn json_ld_people() {
        let doc = Doc::parse(
            r#"<script type="application/ld+json">{"@type":"NewsArticle","author":[{"@type":"Person","name":"Ann Lee"},{"@type":"Person","name":"Bo Chan"}]}</script>"#,
            None,
            crate::record::Article::new(chrono::Utc::now()),
        );
        let meta = MetaTags::collect(&doc.html);
        let art = super::super::sources::json_ld_article(&doc.json_ld);
        assert_eq!(find(&doc, &meta, art), vec!["Ann Lee", "Bo Chan"]);
    }
}
