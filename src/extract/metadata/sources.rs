//! Lookups in the page's structured sources: `<meta>` tags and JSON-LD.

use std::collections::HashMap;

use serde_json::Value;

use crate::extract::Doc;
use crate::extract::doc::ReadAttr;

/// Every `<meta>` tag's content, keyed by lower-cased `property`, `name`,
/// `itemprop` or `http-equiv`, in page order.
pub struct MetaTags {
    map: HashMap<String, Vec<String>>,
}

impl MetaTags {
    /// Collects the tags of `doc`.
    pub fn collect(doc: &Doc) -> MetaTags {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for m in doc.tagged(&["meta"]) {
            let e = m.value();
            let Some(content) = e.read_attr("content").or_else(|| e.read_attr("value")) else {
                continue;
            };
            let content = content.trim();
            if content.is_empty() {
                continue;
            }
            for key_attr in ["property", "name", "itemprop", "http-equiv"] {
                if let Some(k) = e.read_attr(key_attr) {
                    map.entry(k.trim().to_ascii_lowercase())
                        .or_default()
                        .push(content.to_owned());
                }
            }
        }
        MetaTags { map }
    }

    /// The first value of the first key in `keys` that is present.
    pub fn first(&self, keys: &[&str]) -> Option<String> {
        keys.iter()
            .find_map(|k| self.map.get(*k).and_then(|v| v.first()))
            .cloned()
    }

    /// The first value of the alphabetically first key that `pred` accepts,
    /// for key families with site-specific prefixes (`w-published-date`).
    pub fn first_matching(&self, pred: impl Fn(&str) -> bool) -> Option<String> {
        let mut keys: Vec<&String> = self.map.keys().filter(|k| pred(k)).collect();
        keys.sort();
        keys.first()
            .and_then(|k| self.map.get(*k))
            .and_then(|v| v.first())
            .cloned()
    }

    /// Every value of `key`.
    pub fn all<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a str> {
        self.map.get(key).into_iter().flatten().map(String::as_str)
    }
}

/// `@type` values of article-like JSON-LD objects, most specific first.
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "Article",
    "BlogPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
    "LiveBlogPosting",
    "SocialMediaPosting",
    "DiscussionForumPosting",
    "Recipe",
    "Review",
    "HowTo",
    "WebPage",
    "Product",
];

/// The JSON-LD object that describes the page's article, if any.
pub fn json_ld_article(objects: &[Value]) -> Option<&Value> {
    ARTICLE_TYPES
        .iter()
        .find_map(|t| objects.iter().find(|o| has_type(o, t)))
}

/// True when the page says it is an article: a JSON-LD article object
/// (one of the article types, not also a `WebPage` or `Product`), or
/// `og:type` `article`. The content rules read it to decide how far the
/// text goes, the status rules whether a short text is a teaser, and the
/// clean rules whether a page that names a product is a review of it.
pub fn declares_article(doc: &crate::extract::Doc) -> bool {
    let json_ld = json_ld_article(&doc.json_ld)
        .is_some_and(|a| !has_type(a, "WebPage") && !has_type(a, "Product"));
    json_ld || doc.og_type() == "article"
}

/// True when the object's `@type` is (or includes) `t`.
pub fn has_type(o: &Value, t: &str) -> bool {
    match o.get("@type") {
        Some(Value::String(s)) => s == t,
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(t)),
        _ => false,
    }
}

/// A string property (or the first string of an array property).
pub fn json_ld_str(o: &Value, key: &str) -> Option<String> {
    match o.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => {
            let parts: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A URL from an `image`-like property: a string, an object with `url`, or
/// an array of either.
pub fn json_ld_url(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o
            .get("url")
            .or_else(|| o.get("contentUrl"))
            .and_then(json_ld_url),
        Value::Array(a) => a.iter().find_map(json_ld_url),
        _ => None,
    }
}
