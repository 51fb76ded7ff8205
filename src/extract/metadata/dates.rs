//! Published and modified dates, with the raw text and where it was found.
//!
//! Sources in order of trust: JSON-LD, `<meta>`, `<time datetime>`, elements
//! whose class names a date, the URL (`/2024/05/17/`). Formats: RFC 3339 and
//! ISO 8601 variants, RFC 2822, date-times with zone names or offsets
//! ([`timestamps`](super::timestamps)), `2024/05/17`, and English month names
//! (`May 17, 2024`, `17 May 2024`). A time zone given by the page is kept in
//! `value`; a date with no time is midnight UTC. Dates in the future (beyond
//! a day of clock skew) are rejected: they are event dates or typos.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use regex::Regex;
use serde_json::Value;

use super::sources::{MetaTags, json_ld_str};
use super::textdates::find_in_text;
use crate::extract::Doc;
use crate::extract::doc::ReadAttr;
use crate::extract::doc::{attr_contains, needles};
use crate::record::{DateField, DateSource};
use scraper::ElementRef;

const PUBLISHED_META: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published",
    "published-date",
    "date-published",
    "publication-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.date",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "citation_publication_date",
    "citation_date",
    "originalpublicationdate",
    "date.created",
];
const MODIFIED_META: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "modified_time",
    "datemodified",
    "last-modified",
    "dcterms.modified",
    "article.updated",
    "lastmod",
];

/// Finds `(published, modified)` for `doc`.
pub fn find(
    doc: &Doc,
    meta: &MetaTags,
    article: Option<&Value>,
) -> (Option<DateField>, Option<DateField>) {
    let now = Utc::now();
    let pick = |raw: Option<String>, source: DateSource| -> Option<DateField> {
        let raw = raw?;
        let value = parse_date(&raw, now)?;
        Some(DateField {
            value,
            raw: raw.trim().to_owned(),
            source,
        })
    };
    // A date the page labels as its publication date in visible text
    // comes first: structured dates are more often rewritten by the CMS
    // (re-saves, template defaults) than what the reader is shown.
    let published = super::datelines::labelled(doc, now)
        .or_else(|| {
            pick(
                article.and_then(|a| json_ld_str(a, "datePublished")),
                DateSource::JsonLd,
            )
        })
        .or_else(|| {
            pick(
                article.and_then(|a| json_ld_str(a, "dateCreated")),
                DateSource::JsonLd,
            )
        })
        .or_else(|| {
            // JSON-LD whose article object we could not type (no `@type`, or an
            // unusual one) still dates the page.
            doc.json_ld
                .iter()
                .find_map(|o| pick(json_ld_str(o, "datePublished"), DateSource::JsonLd))
        })
        .or_else(|| {
            PUBLISHED_META
                .iter()
                .find_map(|k| pick(meta.first(&[k]), DateSource::Meta))
        })
        .or_else(|| {
            // Any other meta key naming a publication date or time.
            let raw = meta.first_matching(|k| {
                k.contains("publish") && (k.contains("date") || k.contains("time"))
            });
            pick(raw, DateSource::Meta)
        })
        .or_else(|| time_element(doc, now))
        .or_else(|| class_text(doc, now))
        .or_else(|| url_date(doc))
        .or_else(|| early_text(doc, now))
        .or_else(|| super::datelines::beside_byline(doc, now));
    let modified = pick(
        article.and_then(|a| json_ld_str(a, "dateModified")),
        DateSource::JsonLd,
    )
    .or_else(|| {
        MODIFIED_META
            .iter()
            .find_map(|k| pick(meta.first(&[k]), DateSource::Meta))
    });
    // Structured data whose published and modified dates are the same
    // instant was stamped at the last save: an earlier date the page
    // shows (`.post-date`, the text under the headline) is the real one.
    let published = match (published, &modified) {
        (Some(p), Some(m))
            if matches!(p.source, DateSource::JsonLd | DateSource::Meta) && p.value == m.value =>
        {
            class_text(doc, now)
                .or_else(|| early_text(doc, now))
                .filter(|v| v.value.get(..10) < p.value.get(..10))
                .or(Some(p))
        }
        (p, _) => p,
    };
    // A page that states only when it was last modified is dated by that.
    let published = published.or_else(|| modified.clone());
    (published, modified)
}

/// The first dated element in page order: any element with a `datetime`
/// (`<time>`, and custom elements such as `<local-time>`), or one marked as
/// the publication date (`itemprop="datePublished"` with text or
/// `content`), skipping those marked as the modification date.
///
/// Page order, not "marked first": on forum threads every post is marked
/// `datePublished`, and the first marked one is not always the opening
/// post (a pinned or featured reply comes first in the markup of some).
fn time_element(doc: &Doc, now: DateTime<Utc>) -> Option<DateField> {
    // `[datetime], [itemprop="datePublished"], time[pubdate]`
    doc.elements()
        .filter(|t| {
            let e = t.value();
            e.read_attr("datetime").is_some()
                || e.read_attr("itemprop") == Some("datePublished")
                || (e.name() == "time" && e.read_attr("pubdate").is_some())
        })
        .filter(|t| !marked_modified(t.value()))
        .find_map(|t| {
            let e = t.value();
            let raw = e
                .read_attr("datetime")
                .or_else(|| e.read_attr("content"))
                .map(str::to_owned)
                .unwrap_or_else(|| t.text().collect());
            parse_date(&raw, now).map(|value| DateField {
                value,
                raw: raw.trim().to_owned(),
                source: DateSource::Time,
            })
        })
}

/// True for an element that holds the modification date
/// (`itemprop="dateModified"`, `class="updated"`).
fn marked_modified(e: &scraper::node::Element) -> bool {
    e.read_attr("itemprop") == Some("dateModified")
        || crate::extract::doc::class_names(e)
            .any(|c| c.contains("updated") || c.contains("modified"))
}

/// Visible text of elements whose class names a date (`.post-date`, `.published`).
/// Not a header's "today is" widget (`#todays-date`, `.current-date`): it
/// dates the visit, not the page.
fn class_text(doc: &Doc, now: DateTime<Utc>) -> Option<DateField> {
    let today_names = needles!["today", "current-date", "currentdate"];
    let named = |e: &ElementRef<'_>| {
        let v = e.value();
        attr_contains(
            v,
            "class",
            needles!["date", "publish", "publication", "posted", "timestamp"],
        ) || attr_contains(v, "id", needles!["date"])
    };
    // The widget itself, or a `.block-date` wrapper around it.
    let today = |e: &ElementRef<'_>| {
        e.descendants().filter_map(ElementRef::wrap).any(|d| {
            attr_contains(d.value(), "class", today_names)
                || attr_contains(d.value(), "id", today_names)
        })
    };
    doc.elements().filter(named).take(20).find_map(|e| {
        let text = e.text().collect::<Vec<_>>().join(" ");
        if text.len() > 200 || today(&e) {
            return None;
        }
        find_in_text(&text, now).map(|(raw, value)| DateField {
            value,
            raw,
            source: DateSource::Text,
        })
    })
}

/// Last resort: the first full date in the text from the headline on, else
/// in the opening text of the page: where bylines and datelines sit
/// (`Posted on March 5, 2024 by …`).
fn early_text(doc: &Doc, now: DateTime<Utc>) -> Option<DateField> {
    let found = doc
        .headline_text(4000)
        .and_then(|t| find_in_text(&t, now))
        .or_else(|| find_in_text(&doc.opening_text(4000), now));
    found.map(|(raw, value)| DateField {
        value,
        raw,
        source: DateSource::Text,
    })
}

/// `/2024/05/17/` or `/2024-05-17` in the page URL.
fn url_date(doc: &Doc) -> Option<DateField> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:[/-]|$)")
            .expect("valid regex")
    });
    let url = doc.base_url.as_ref()?;
    let c = RE.captures(url.path())?;
    let d = NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)?;
    Some(DateField {
        value: midnight(d),
        raw: c[0].trim_matches('/').to_owned(),
        source: DateSource::Url,
    })
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The month a text opens with (`Jun`, `june`, `Sept.`), 1-based.
pub(super) fn month_num(s: &str) -> Option<u32> {
    let l = s.to_lowercase();
    MONTHS
        .iter()
        .position(|m| l.starts_with(m))
        .map(|i| i as u32 + 1)
}

pub(super) fn midnight(d: NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

/// The latest moment a date may name: `now` and a day of clock skew. A
/// later one is an event date or a typo, never when the page was
/// published.
pub fn latest(now: DateTime<Utc>) -> DateTime<Utc> {
    now + chrono::Duration::days(1)
}

/// The earliest year a structured date may carry, as for text and URL
/// dates (`19xx`, `20xx`): before it, a date is a placeholder
/// (`0001-01-01T00:00:00`, what .NET sites print for "no date") or a typo,
/// and chrono's negative years (`-0024-01-14`) are not RFC 3339 at all.
const MIN_YEAR: i32 = 1900;

/// Parses one date string into RFC 3339, or `None` (unparseable, before
/// `MIN_YEAR`, or in the future).
pub fn parse_date(raw: &str, now: DateTime<Utc>) -> Option<String> {
    parse_any(raw, now).filter(|v| {
        v.get(..4)
            .and_then(|y| y.parse::<i32>().ok())
            .is_some_and(|y| y >= MIN_YEAR)
    })
}

/// [`parse_date`] without the lower bound.
fn parse_any(raw: &str, now: DateTime<Utc>) -> Option<String> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    let s = &*super::timestamps::english_months(s);
    let latest = latest(now);
    let fixed =
        |dt: DateTime<FixedOffset>| (dt.with_timezone(&Utc) <= latest).then(|| dt.to_rfc3339());
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return fixed(dt);
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return fixed(dt);
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
        "%a, %d %b %Y %H:%M:%S %z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(s, f) {
            return fixed(dt);
        }
    }
    if let Some(dt) = super::timestamps::parse(s) {
        return fixed(dt);
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
    ] {
        if let Ok(ndt) = NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), f) {
            let dt = Utc.from_utc_datetime(&ndt);
            return (dt <= latest).then(|| dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        }
    }
    let date_part = s.get(..10).unwrap_or(s);
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(date_part, f) {
            return (d <= latest.date_naive()).then(|| midnight(d));
        }
    }
    find_in_text(s, now).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
    }

    #[test]
    fn parses_common_formats() {
        let n = now();
        assert_eq!(
            parse_date("2024-03-05T10:00:00+02:00", n).unwrap(),
            "2024-03-05T10:00:00+02:00"
        );
        assert_eq!(
            parse_date("2024-03-05T10:00:00+0200", n).unwrap(),
            "2024-03-05T10:00:00+02:00"
        );
        assert_eq!(
            parse_date("Tue, 05 Mar 2024 10:00:00 GMT", n).unwrap(),
            "2024-03-05T10:00:00+00:00"
        );
        assert_eq!(
            parse_date("2024-03-05 10:00", n).unwrap(),
            "2024-03-05T10:00:00Z"
        );
        assert_eq!(parse_date("2024-03-05", n).unwrap(), "2024-03-05T00:00:00Z");
        assert_eq!(
            parse_date("March 5th, 2024", n).unwrap(),
            "2024-03-05T00:00:00Z"
        );
        assert_eq!(parse_date("5 Mar 2024", n).unwrap(), "2024-03-05T00:00:00Z");
        assert_eq!(
            parse_date("2024-03-05 10:00:00 Europe/Berlin", n).unwrap(),
            "2024-03-05T10:00:00+01:00"
        );
        assert_eq!(parse_date("yesterday", n), None);
    }

    #[test]
    fn month_names_of_other_languages() {
        let n = now();
        assert_eq!(
            parse_date("Dienstag, 10. Juni 2003 04:00 MESZ", n).as_deref(),
            Some("2003-06-10T04:00:00+02:00")
        );
        assert_eq!(
            parse_date("10 de junio de 2003", n).as_deref(),
            Some("2003-06-10T00:00:00Z")
        );
        assert_eq!(
            parse_date("mardi 10 juin 2003", n).as_deref(),
            Some("2003-06-10T00:00:00Z")
        );
    }

    #[test]
    fn placeholder_and_negative_years_are_no_dates() {
        let n = now();
        assert_eq!(parse_date("0001-01-01T00:00:00", n), None);
        assert_eq!(parse_date("1899-12-31", n), None);
        // Found by the `date` fuzz target: chrono reads a sign into the year.
        assert_eq!(parse_date("-024-01-1472T_\u{0}0--01-147\u{13}0", n), None);
        assert_eq!(
            parse_date("1900-01-01", n).as_deref(),
            Some("1900-01-01T00:00:00Z")
        );
    }

    #[test]
    fn dateline_in_opening_text() {
        let doc = Doc::from_html(
            r#"<body><script>var d = "2020-01-01";</script><div>Posted on March 5, 2024 by Jo</div></body>"#,
        );
        let d = early_text(&doc, Utc::now()).unwrap();
        assert_eq!(d.value, "2024-03-05T00:00:00Z");
        assert_eq!(d.source, DateSource::Text);
    }

    #[test]
    fn json_ld_without_article_type_and_custom_datetime_elements() {
        let doc = Doc::from_html(
            r#"<script type="application/ld+json">{"headline":"H","datePublished":"2024-06-01T09:00:00Z"}</script>"#,
        );
        let meta = MetaTags::collect(&doc);
        let (p, _) = find(&doc, &meta, None);
        assert_eq!(p.unwrap().source, DateSource::JsonLd);
        let doc = Doc::from_html(
            r#"<body><span>Last updated on <local-time datetime="2024-02-23T08:00:00.000Z">2024-02-23</local-time></span></body>"#,
        );
        let t = time_element(&doc, Utc::now()).unwrap();
        assert_eq!(t.value, "2024-02-23T08:00:00+00:00");
    }

    #[test]
    fn a_today_widget_does_not_date_the_page() {
        let doc = Doc::from_html(
            r#"<div class="block-date"><p id="todays-date-custom"><b>Friday</b>, December 19, 2024</p></div>
            <h1>Story</h1><div class="post-date">12.12.2024</div>"#,
        );
        assert_eq!(
            class_text(&doc, now()).map(|d| d.value).as_deref(),
            Some("2024-12-12T00:00:00Z")
        );
    }

    #[test]
    fn a_date_class_element_reads_its_parts_apart() {
        // `PostedDECEMBER 22, 2022` has no word break before the month.
        let doc = Doc::from_html(
            r#"<div class="post-date"><span>Posted</span><span>DECEMBER 22, 2022</span></div>"#,
        );
        assert_eq!(
            class_text(&doc, Utc::now()).map(|d| d.value).as_deref(),
            Some("2022-12-22T00:00:00Z")
        );
    }

    #[test]
    fn dated_elements_in_page_order_without_the_modified_one() {
        let time_of = |body: &str| {
            let doc = Doc::from_html(body);
            time_element(&doc, now()).map(|d| d.value)
        };
        // A thread: the opening post's time, not a later post marked first
        // in the selector list.
        assert_eq!(
            time_of(
                r#"<article><time datetime="2014-02-04T13:02:51+00:00">Feb 4</time></article>
                <aside><meta itemprop="datePublished" content="2018-05-21"></aside>"#
            )
            .as_deref(),
            Some("2014-02-04T13:02:51+00:00")
        );
        // The "updated" time printed before the published one.
        assert_eq!(
            time_of(
                r#"<time class="updated" datetime="2024-05-21">May 21</time>
                <time class="entry-date published" datetime="2024-04-24">Apr 24</time>"#
            )
            .as_deref(),
            Some("2024-04-24T00:00:00Z")
        );
    }

    #[test]
    fn structured_dates_stamped_at_the_last_save_yield_to_the_shown_date() {
        let date_of = |html: &str| {
            let doc = Doc::from_html(html);
            let meta = MetaTags::collect(&doc);
            let art = super::super::sources::json_ld_article(&doc.json_ld);
            find(&doc, &meta, art).0.map(|d| d.value[..10].to_owned())
        };
        let ld = |p: &str, m: &str| {
            format!(
                r#"<script type="application/ld+json">{{"@type":"BlogPosting","datePublished":"{p}","dateModified":"{m}"}}</script>"#
            )
        };
        let body = r#"<body><h1>T</h1><div class="text__date">August 25, 2024</div></body>"#;
        // Same instant: the date under the headline.
        assert_eq!(
            date_of(&format!("{}{body}", ld("2025-06-24", "2025-06-24"))).as_deref(),
            Some("2024-08-25")
        );
        // Distinct dates: the structured published date stands.
        assert_eq!(
            date_of(&format!("{}{body}", ld("2025-06-24", "2025-07-01"))).as_deref(),
            Some("2025-06-24")
        );
    }

    #[test]
    fn rejects_future() {
        assert_eq!(parse_date("2031-01-01", now()), None);
    }

    #[test]
    fn sources_in_order() {
        let doc = Doc::parse(
            r#"<meta property="article:published_time" content="2024-02-02T08:00:00Z">
            <time datetime="2024-01-01">x</time>"#,
            Some(url::Url::parse("https://ex.com/2023/12/31/story").unwrap()),
            crate::record::Article::new(Utc::now()),
        );
        let meta = MetaTags::collect(&doc);
        let (p, _) = find(&doc, &meta, None);
        let p = p.unwrap();
        assert_eq!(p.source, DateSource::Meta);
        assert_eq!(p.value, "2024-02-02T08:00:00+00:00");
        assert_eq!(url_date(&doc).unwrap().value, "2023-12-31T00:00:00Z");
        assert_eq!(time_element(&doc, Utc::now()).unwrap().raw, "2024-01-01");
    }

    #[test]
    fn only_a_modified_date_dates_the_page() {
        let date_of = |head: &str| {
            let doc = Doc::from_html(head);
            let meta = MetaTags::collect(&doc);
            find(&doc, &meta, None).0.map(|d| d.value)
        };
        assert_eq!(
            date_of(
                r#"<meta property="article:modified_time" content="2023-06-12T10:39:42+00:00">"#
            )
            .as_deref(),
            Some("2023-06-12T10:39:42+00:00")
        );
        // A stated publication date wins, here from `<meta name="published">`.
        assert_eq!(
            date_of(
                r#"<meta name="published" content="July 17, 2025"><meta property="article:modified_time" content="2025-08-01">"#
            )
            .as_deref(),
            Some("2025-07-17T00:00:00Z")
        );
        // A site-prefixed meta key naming the publication date.
        assert_eq!(
            date_of(r#"<meta name="w-published-date" content="2025-05-27T06:03:43.274Z">"#)
                .as_deref(),
            Some("2025-05-27T06:03:43.274+00:00")
        );
        // A class naming the publication time.
        assert_eq!(
            date_of(r#"<body><span class="Author_publicationTime__F2lab">2022-11-23T08:10+02:00</span></body>"#)
                .map(|v| v[..10].to_owned())
                .as_deref(),
            Some("2022-11-23")
        );
    }
}
