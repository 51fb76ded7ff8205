//! The `metadata` stage: title, authors, dates, site name, description,
//! lead image, section, tags, canonical URL and declared language.
//!
//! Sources are read in order of trust: JSON-LD (the publisher's structured
//! data), then `<meta>` tags (OpenGraph, Twitter, Dublin Core, parse.ly …),
//! then the visible page (`<h1>`, bylines, `<time>`, the URL). Each field
//! module documents its own rules:
//! - [`sources`]: JSON-LD and `<meta>` lookups.
//! - [`title`], [`authors`], [`dates`]: the fields that need real work,
//!   with [`names`] (cleaning author names), [`bylines`] and [`datelines`]
//!   (bylines and publication dates found by their visible label).
//! - [`timestamps`]: date-times with zone names and offsets (`CEST`,
//!   `GMT+9`), for [`dates`] and the feed parser.
//! - [`textdates`]: dates inside running text (`Posted on 5 March 2024`,
//!   `10. Juni 2003`).
//! - [`limits`]: size limits on what a page declares.

pub mod authors;
pub mod bylines;
pub mod datelines;
pub mod dates;
pub mod limits;
pub mod names;
pub mod sources;
pub mod textdates;
pub mod timestamps;
pub mod title;

use self::sources::{MetaTags, json_ld_article, json_ld_str};
use super::text::{normalize_space, unescape};
use super::{Doc, StageError};
use crate::extract::doc::ReadAttr;
use crate::record::Language;

/// Fills the metadata fields of `doc.record`.
pub fn run(doc: &mut Doc) -> Result<(), StageError> {
    let meta = MetaTags::collect(doc);
    let article = json_ld_article(&doc.json_ld).cloned();
    let article = article.as_ref();

    let site_name = meta
        .first(&["og:site_name", "application-name", "twitter:site"])
        .map(|s| s.trim_start_matches('@').to_owned())
        .or_else(|| {
            article
                .and_then(|a| a.get("publisher"))
                .and_then(|p| json_ld_str(p, "name"))
        })
        .map(|s| normalize_space(&unescape(&s)))
        .filter(|s| !s.is_empty());

    let title = title::find(doc, &meta, article, site_name.as_deref());
    let authors = authors::find(doc, &meta, article, site_name.as_deref());
    let (published, modified) = dates::find(doc, &meta, article);

    let description = meta
        .first(&[
            "og:description",
            "description",
            "twitter:description",
            "dc.description",
        ])
        .or_else(|| article.and_then(|a| json_ld_str(a, "description")))
        .map(|s| normalize_space(&unescape(&s)))
        .filter(|s| !s.is_empty());

    let image = meta
        .first(&[
            "og:image",
            "og:image:url",
            "og:image:secure_url",
            "twitter:image",
            "twitter:image:src",
        ])
        .or_else(|| {
            article
                .and_then(|a| a.get("image"))
                .and_then(sources::json_ld_url)
        })
        .and_then(|u| doc.absolute_url(&u));

    let section = meta
        .first(&[
            "article:section",
            "section",
            "parsely-section",
            "sailthru.section",
        ])
        .or_else(|| article.and_then(|a| json_ld_str(a, "articleSection")))
        .map(|s| normalize_space(&unescape(&s)))
        .filter(|s| !s.is_empty());

    let mut tags: Vec<String> = meta.all("article:tag").map(str::to_owned).collect();
    if tags.is_empty()
        && let Some(k) = meta
            .first(&["news_keywords", "keywords", "parsely-tags"])
            .or_else(|| article.and_then(|a| json_ld_str(a, "keywords")))
    {
        tags = k.split(',').map(str::to_owned).collect();
    }
    let mut tags: Vec<String> = tags
        .into_iter()
        .map(|t| normalize_space(&unescape(&t)))
        .filter(|t| !t.is_empty() && t.len() <= 80)
        .collect();
    dedup_case_insensitive(&mut tags);

    let canonical = doc
        .tagged(&["link"])
        .filter(|l| super::doc::has_rel(l.value(), "canonical"))
        .filter_map(|l| l.value().read_attr("href"))
        .find_map(|h| doc.absolute_url(h))
        .or_else(|| meta.first(&["og:url"]).and_then(|u| doc.absolute_url(&u)))
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));

    let language = declared_language(doc, &meta);

    let r = &mut doc.record;
    let w = &mut r.warnings;
    // `title::find` passes over candidates past `MAX_TITLE_CHARS` itself.
    r.title = title;
    r.authors = authors;
    r.published = published;
    r.modified = modified;
    r.site_name = limits::at_most("site name", site_name, limits::MAX_NAME_CHARS, w);
    r.description = limits::cut("description", description, limits::MAX_DESCRIPTION_CHARS, w);
    r.image = limits::at_most("image URL", image, limits::MAX_URL_CHARS, w);
    r.section = limits::at_most("section", section, limits::MAX_NAME_CHARS, w);
    r.tags = limits::first_tags(tags, w);
    if let Some(canonical) = limits::at_most("canonical URL", canonical, limits::MAX_URL_CHARS, w) {
        r.canonical_url = Some(canonical);
    }
    if r.language.is_none() {
        r.language = language;
    }
    Ok(())
}

/// The language the page declares (`<html lang>`, `content-language`,
/// `og:locale`), as an ISO 639-1 code with confidence 0: the language
/// stage falls back on it when the text is too short to tell.
pub fn declared_language(doc: &Doc, meta: &MetaTags) -> Option<Language> {
    let raw = doc
        .html
        .root_element()
        .value()
        .read_attr("lang")
        .or_else(|| doc.html.root_element().value().read_attr("xml:lang"))
        .map(str::to_owned)
        .or_else(|| meta.first(&["content-language", "og:locale", "dc.language", "language"]))?;
    let code: String = raw
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    (code.len() == 2).then_some(Language {
        code,
        confidence: 0.0,
    })
}

/// Removes later duplicates, ignoring case.
fn dedup_case_insensitive(items: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    items.retain(|t| seen.insert(t.to_lowercase()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Article;

    fn meta_of(html: &str, url: &str) -> Article {
        let mut doc = Doc::parse(
            html,
            Some(url::Url::parse(url).unwrap()),
            Article::new(chrono::Utc::now()),
        );
        run(&mut doc).unwrap();
        doc.record
    }

    /// What a hostile page declares stays bounded, and an absurd title
    /// candidate gives way to a sane one.
    #[test]
    fn declared_values_past_the_limits_go() {
        let huge = "x".repeat(limits::MAX_URL_CHARS + 1);
        let tags: String = (0..limits::MAX_TAGS + 50)
            .map(|i| format!(r#"<meta property="article:tag" content="tag {i}">"#))
            .collect();
        let r = meta_of(
            &format!(
                r#"<html><head><title>Storm hits coast</title>
                <script type="application/ld+json">{{"@type":"NewsArticle","headline":"{long}"}}</script>
                <meta property="og:site_name" content="{long}">
                <meta property="og:image" content="https://daily.example/{huge}.jpg">
                <link rel="canonical" href="https://daily.example/{huge}">
                {tags}</head><body></body></html>"#,
                long = "word ".repeat(limits::MAX_TITLE_CHARS),
            ),
            "https://daily.example/world/story",
        );
        assert_eq!(r.title.as_deref(), Some("Storm hits coast"));
        assert_eq!(r.site_name, None);
        assert_eq!(r.image, None);
        assert_eq!(r.canonical_url, None, "the page URL stands in later");
        assert_eq!(r.tags.len(), limits::MAX_TAGS);
        assert_eq!(r.tags[0], "tag 0");
        assert_eq!(r.warnings.len(), 4, "{:?}", r.warnings);
    }

    #[test]
    fn reads_open_graph_and_meta() {
        let r = meta_of(
            r#"<html lang="en-GB"><head>
            <meta property="og:site_name" content="The Daily">
            <meta property="og:description" content="A &amp; B">
            <meta property="og:image" content="/img/lead.jpg">
            <meta property="article:section" content="World">
            <meta property="article:tag" content="Elections"><meta property="article:tag" content="elections">
            <link rel="canonical" href="https://daily.example/world/story">
            </head><body></body></html>"#,
            "https://daily.example/world/story?utm_source=x",
        );
        assert_eq!(r.site_name.as_deref(), Some("The Daily"));
        assert_eq!(r.description.as_deref(), Some("A & B"));
        assert_eq!(
            r.image.as_deref(),
            Some("https://daily.example/img/lead.jpg")
        );
        assert_eq!(r.section.as_deref(), Some("World"));
        assert_eq!(r.tags, vec!["Elections"]);
        assert_eq!(
            r.canonical_url.as_deref(),
            Some("https://daily.example/world/story")
        );
        assert_eq!(r.language.unwrap().code, "en");
    }

    #[test]
    fn reads_json_ld() {
        let r = meta_of(
            r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
            "headline":"Storm hits coast","articleSection":"Weather","keywords":"storm, coast",
            "image":{"@type":"ImageObject","url":"https://cdn.example/a.jpg"},
            "publisher":{"@type":"Organization","name":"Coast News"}}</script>"#,
            "https://coast.example/a",
        );
        assert_eq!(r.title.as_deref(), Some("Storm hits coast"));
        assert_eq!(r.site_name.as_deref(), Some("Coast News"));
        assert_eq!(r.image.as_deref(), Some("https://cdn.example/a.jpg"));
        assert_eq!(r.section.as_deref(), Some("Weather"));
        assert_eq!(r.tags, vec!["storm", "coast"]);
    }
}
