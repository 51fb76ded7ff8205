//! Dates written in running text: the line under a headline, a byline's
//! row, the opening of the page. English month names first, then ISO and
//! numeric forms, then day-month-year with the month names of other
//! languages.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use regex::Regex;

use super::dates::{latest, midnight, month_num};

/// Finds an English-month, ISO (also `2025.12.17`, `2025/12/17`),
/// `17.05.2021` or unambiguous `10/31/2024` / `11-29-2024` date inside free
/// text.
///
/// Word boundaries are ASCII (`(?-u:\b)`): a Unicode `\b` keeps the regex
/// engine off its fast DFA on non-ASCII pages, and dates are ASCII anyway.
pub fn find_in_text(text: &str, now: DateTime<Utc>) -> Option<(String, String)> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)(?-u:\b)(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})|(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+((?:19|20)\d{2})|((?:19|20)\d{2})[-./](\d{2})[-./](\d{2})(?:T\d{2}:\d{2})?|(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})|(\d{1,2})[/-](\d{1,2})[/-]((?:19|20)\d{2}))(?-u:\b)",
        )
        .expect("valid regex")
    });
    for c in RE.captures_iter(text) {
        let (y, m, d) = if let Some(mon) = c.get(1) {
            (
                c[3].parse().ok(),
                month_num(mon.as_str()),
                c[2].parse().ok(),
            )
        } else if let Some(mon) = c.get(5) {
            (
                c[6].parse().ok(),
                month_num(mon.as_str()),
                c[4].parse().ok(),
            )
        } else if c.get(7).is_some() {
            (c[7].parse().ok(), c[8].parse().ok(), c[9].parse().ok())
        } else if c.get(10).is_some() {
            // 17.05.2021: day first wherever dots are used.
            (c[12].parse().ok(), c[11].parse().ok(), c[10].parse().ok())
        } else {
            // 10/31/2024, 11-29-2024 or 15/12/2025: the part above 12 is the day;
            // 05/06/2024 cannot be read safely and is skipped.
            let (a, b): (u32, u32) = (c[13].parse().unwrap_or(0), c[14].parse().unwrap_or(0));
            match (a > 12, b > 12) {
                (false, true) => (c[15].parse().ok(), Some(a), Some(b)),
                (true, false) => (c[15].parse().ok(), Some(b), Some(a)),
                _ => continue,
            }
        };
        if let (Some(y), Some(m), Some(d)) = (y, m, d)
            && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
            && date <= latest(now).date_naive()
        {
            return Some((c[0].to_owned(), midnight(date)));
        }
    }
    find_foreign_in_text(text, now)
}

/// `10. Juni 2003`, `10 juin 2003`, `10 de junio de 2003`, `1 déc. 2024`:
/// the day-month-year order of the languages whose month names
/// [`timestamps::foreign_month`](super::timestamps) knows.
fn find_foreign_in_text(text: &str, now: DateTime<Utc>) -> Option<(String, String)> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[^\d])(\d{1,2})(?:\.|º|er)?\s+(?:de\s+)?(\p{L}{3,10}\.?)\s+(?:de\s+)?((?:19|20)\d{2})\b")
            .expect("valid regex")
    });
    if text.is_ascii() && !text.contains(|c: char| c.is_ascii_lowercase()) {
        return None;
    }
    for c in RE.captures_iter(text) {
        let Some(month) = super::timestamps::foreign_month(&c[2]) else {
            continue;
        };
        if let (Ok(y), Ok(d)) = (c[3].parse(), c[1].parse())
            && let Some(date) = NaiveDate::from_ymd_opt(y, month, d)
            && date <= latest(now).date_naive()
        {
            let start = c.get(1).map_or(0, |m| m.start());
            let end = c.get(3).map_or(0, |m| m.end());
            return Some((text[start..end].to_owned(), midnight(date)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
    }

    #[test]
    fn numeric_dates_in_text() {
        let n = now();
        let find = |t: &str| find_in_text(t, n).map(|(_, v)| v);
        assert_eq!(
            find("Elliot · 23.07.2024 · 6 min").as_deref(),
            Some("2024-07-23T00:00:00Z")
        );
        assert_eq!(
            find("Updated: 10/31/2024").as_deref(),
            Some("2024-10-31T00:00:00Z")
        );
        assert_eq!(
            find("Posted on the 15/12/2024 at 19:00").as_deref(),
            Some("2024-12-15T00:00:00Z")
        );
        assert_eq!(find("on 05/06/2024"), None);
        assert_eq!(
            find("Essay - Published: 2024.12.17 |").as_deref(),
            Some("2024-12-17T00:00:00Z")
        );
        assert_eq!(
            find("11-29-2024, 09:00").as_deref(),
            Some("2024-11-29T00:00:00Z")
        );
        assert_eq!(find("version 2024.1.2"), None);
    }

    #[test]
    fn dates_in_text_with_other_languages_month_names() {
        let n = now();
        let find = |t: &str| find_in_text(t, n);
        for (text, raw, want) in [
            (
                "Von Anna Weber, 10. Juni 2003, 14:00",
                "10. Juni 2003",
                "2003-06-10",
            ),
            (
                "Publié le 1er décembre 2023 à 8h",
                "1er décembre 2023",
                "2023-12-01",
            ),
            (
                "Madrid, 5 de mayo de 2024.",
                "5 de mayo de 2024",
                "2024-05-05",
            ),
            ("Pubblicato il 3 maggio 2022", "3 maggio 2022", "2022-05-03"),
            ("Gepubliceerd op 7 maart 2021", "7 maart 2021", "2021-03-07"),
            ("1 déc. 2024 — Lyon", "1 déc. 2024", "2024-12-01"),
        ] {
            let (r, v) = find(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((r.as_str(), &v[..10]), (raw, want), "{text}");
        }
        assert_eq!(find("Tor 10 Mannschaft 2003"), None, "not a month");
        assert_eq!(find("am 31. Februar 2020"), None, "not a day");
    }
}
