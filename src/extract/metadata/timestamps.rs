//! Date-times written for people, with their time and zone: what
//! [`dates::parse_date`](super::dates::parse_date) tries after the strict
//! formats (RFC 3339, RFC 2822, ISO variants) and before it settles for the
//! bare day.
//!
//! Feeds and pages write `Tue, 10 Jun 2003 04:00:00 CEST`, `GMT+9`,
//! `June 10, 2003 4:00 PM EDT`, `2003-06-10 04:00:00 UTC` or JavaScript's
//! `Tue Jun 10 2003 04:00:00 GMT+0200 (Central European Summer Time)`.
//! chrono's RFC 2822 parser knows only the North American zone names, and
//! none of the rest; the day alone would lose the hour and the zone, which
//! the record promises to keep. A leading weekday in any language goes, a
//! parenthesised zone name goes, an offset (`+0200`, `GMT+9`, `UTC-05:30`),
//! a zone abbreviation from `ZONES` or an IANA zone name (`Europe/Berlin`,
//! with the offset it had on that day: daylight saving included, from the
//! time zone database bundled with jiff) is read; an unknown or ambiguous
//! abbreviation (`IST` is India, Ireland and Israel) makes the time
//! unreadable rather than wrong.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use regex::Regex;

/// Zone abbreviations with one meaning in news use, and their UTC offsets
/// in minutes.
const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("UT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", 60),
    ("BST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("MEZ", 60),
    ("MESZ", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("GST", 240),
    ("PKT", 300),
    ("ICT", 420),
    ("WIB", 420),
    ("HKT", 480),
    ("SGT", 480),
    ("AWST", 480),
    ("PHT", 480),
    ("JST", 540),
    ("KST", 540),
    ("ACST", 570),
    ("ACDT", 630),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
    ("NST", -210),
    ("NDT", -150),
    ("AST", -240),
    ("ADT", -180),
    ("EST", -300),
    ("EDT", -240),
    ("CST", -360),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
];

/// Date-and-time layouts, after the weekday and the zone are taken off and
/// spaces collapsed. `%B` reads full and abbreviated month names.
const LAYOUTS: &[&str] = &[
    "%d %B %Y %H:%M:%S",
    "%d %B %Y %H:%M",
    "%d %B %y %H:%M:%S",
    "%B %d %Y %H:%M:%S",
    "%B %d, %Y %H:%M:%S",
    "%B %d, %Y %H:%M",
    "%B %d, %Y %I:%M %p",
    "%B %d, %Y %I:%M:%S %p",
    "%B %d %Y %I:%M %p",
    "%d %B %Y %I:%M %p",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
];

/// Month names of the languages newswire meets most after English (German,
/// French, Spanish, Italian, Portuguese, Dutch), lower-case, and the
/// English abbreviation chrono reads. Three-letter forms that are English
/// words (`ago`, `set`, `gen`, `mag`) are left out: a date string is short,
/// but not always only a date.
const MONTH_NAMES: &[(&str, &str)] = &[
    ("januar", "Jan"),
    ("janvier", "Jan"),
    ("janv", "Jan"),
    ("enero", "Jan"),
    ("gennaio", "Jan"),
    ("janeiro", "Jan"),
    ("januari", "Jan"),
    ("jänner", "Jan"),
    ("februar", "Feb"),
    ("février", "Feb"),
    ("fevrier", "Feb"),
    ("févr", "Feb"),
    ("febrero", "Feb"),
    ("febbraio", "Feb"),
    ("fevereiro", "Feb"),
    ("februari", "Feb"),
    ("märz", "Mar"),
    ("maerz", "Mar"),
    ("mär", "Mar"),
    ("mars", "Mar"),
    ("marzo", "Mar"),
    ("março", "Mar"),
    ("maart", "Mar"),
    ("mrt", "Mar"),
    ("avril", "Apr"),
    ("avr", "Apr"),
    ("abril", "Apr"),
    ("aprile", "Apr"),
    ("mai", "May"),
    ("mayo", "May"),
    ("maggio", "May"),
    ("maio", "May"),
    ("mei", "May"),
    ("juni", "Jun"),
    ("juin", "Jun"),
    ("junio", "Jun"),
    ("giugno", "Jun"),
    ("junho", "Jun"),
    ("juli", "Jul"),
    ("juillet", "Jul"),
    ("juil", "Jul"),
    ("julio", "Jul"),
    ("luglio", "Jul"),
    ("julho", "Jul"),
    ("août", "Aug"),
    ("aout", "Aug"),
    ("agosto", "Aug"),
    ("augustus", "Aug"),
    ("septembre", "Sep"),
    ("septiembre", "Sep"),
    ("setiembre", "Sep"),
    ("settembre", "Sep"),
    ("setembro", "Sep"),
    ("oktober", "Oct"),
    ("okt", "Oct"),
    ("octobre", "Oct"),
    ("octubre", "Oct"),
    ("ottobre", "Oct"),
    ("outubro", "Oct"),
    ("dezember", "Dec"),
    ("dez", "Dec"),
    ("décembre", "Dec"),
    ("decembre", "Dec"),
    ("déc", "Dec"),
    ("diciembre", "Dec"),
    ("dicembre", "Dec"),
    ("dezembro", "Dec"),
    ("noviembre", "Nov"),
    ("novembre", "Nov"),
    ("novembro", "Nov"),
];

/// `10. Juni 2003`, `10 juin 2003`, `10 de junio de 2003` → `10 Jun 2003`:
/// month names of `MONTH_NAMES` become English abbreviations, the
/// German day's dot and the Spanish and Portuguese `de` go, so that every
/// parser after this reads them. Text with no such word comes back as is.
pub fn english_months(text: &str) -> std::borrow::Cow<'_, str> {
    static WORD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\p{L}+\.?").expect("static regex"));
    static DAY_DOT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b(\d{1,2})\.\s+(\p{L})").expect("static regex"));
    static DE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\s+de\s+").expect("static regex"));
    if text.is_ascii()
        && !text
            .bytes()
            .any(|b| b.is_ascii_alphabetic() && b.is_ascii_lowercase())
    {
        // Only upper-case letters or none: `2024-05-17T10:00:00Z`, `GMT`.
        return std::borrow::Cow::Borrowed(text);
    }
    let mut found = false;
    let out = WORD.replace_all(text, |c: &regex::Captures| {
        let word = &c[0];
        let bare = word.trim_end_matches('.').to_lowercase();
        match MONTH_NAMES.iter().find(|(name, _)| *name == bare) {
            Some((_, english)) => {
                found = true;
                (*english).to_owned()
            }
            None => word.to_owned(),
        }
    });
    if !found {
        return std::borrow::Cow::Borrowed(text);
    }
    let out = DAY_DOT.replace_all(&out, "$1 $2");
    std::borrow::Cow::Owned(DE.replace_all(&out, " ").into_owned())
}

/// The month named by a German, French, Spanish, Italian, Portuguese or
/// Dutch month word (`Juni`, `déc.`), 1-based.
pub(super) fn foreign_month(word: &str) -> Option<u32> {
    let bare = word.trim_end_matches('.').to_lowercase();
    let (_, english) = MONTH_NAMES.iter().find(|(name, _)| *name == bare)?;
    super::dates::month_num(english)
}

/// Reads a date-time with its zone; `None` when the text has no readable
/// time, or a zone that cannot be told.
pub fn parse(raw: &str) -> Option<DateTime<FixedOffset>> {
    static WEEKDAY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\p{L}{2,12}\.?,?\s+").expect("static regex"));
    static COMMENT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\s*\([^()]*\)\s*$").expect("static regex"));
    // `… 2003 at 4:00`, `… 2003, 4:00`, `… 2003 - 4:00`: the date, then the time.
    static AT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(\d{4})(?:\s+(?:at|um|à|-)|,)\s+(\d)").expect("static regex")
    });
    // `Jun.` → `Jun`, `p.m.` → `PM`.
    static DOTS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b([ap])\.\s?m\.|\b([a-z]{3,4})\.(\s)").expect("static regex")
    });
    let text = COMMENT.replace(raw.trim(), "");
    let text = DOTS.replace_all(&text, |c: &regex::Captures| match c.get(1) {
        Some(ap) => format!("{}M", ap.as_str().to_ascii_uppercase()),
        None => format!("{}{}", &c[2], &c[3]),
    });
    let (rest, offset) = split_zone(&text)?;
    let rest = AT.replace(rest, "$1 $2");
    let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    // The weekday only when a month or year follows: `Tue, 10 Jun …`, not
    // the month itself in `June 10, 2003`.
    let rest = match WEEKDAY.find(&rest) {
        Some(m) if super::dates::month_num(&rest).is_none() => &rest[m.end()..],
        _ => rest.as_str(),
    };
    let local = LAYOUTS
        .iter()
        .find_map(|layout| NaiveDateTime::parse_from_str(rest, layout).ok())
        .or_else(|| js_date(rest))?;
    let offset = match offset {
        Zone::Fixed(offset) => offset,
        Zone::Named(tz) => offset_in(&tz, &local)?,
    };
    offset.from_local_datetime(&local).single()
}

/// A zone as the text gives it.
enum Zone {
    /// An offset, or an abbreviation that stands for one.
    Fixed(FixedOffset),
    /// An IANA zone, whose offset depends on the date.
    Named(jiff::tz::TimeZone),
}

/// The offset `tz` had at the wall-clock time `local`. A time that the
/// clocks skipped or passed twice (a daylight saving change) takes the
/// offset before the change, as RFC 5545 and JavaScript do.
fn offset_in(tz: &jiff::tz::TimeZone, local: &NaiveDateTime) -> Option<FixedOffset> {
    use chrono::{Datelike, Timelike};
    let civil = jiff::civil::DateTime::new(
        i16::try_from(local.year()).ok()?,
        i8::try_from(local.month()).ok()?,
        i8::try_from(local.day()).ok()?,
        i8::try_from(local.hour()).ok()?,
        i8::try_from(local.minute()).ok()?,
        i8::try_from(local.second()).ok()?,
        i32::try_from(local.nanosecond() % 1_000_000_000).ok()?,
    )
    .ok()?;
    use jiff::tz::AmbiguousOffset;
    let offset = match tz.to_ambiguous_zoned(civil).offset() {
        AmbiguousOffset::Unambiguous { offset }
        | AmbiguousOffset::Gap { before: offset, .. }
        | AmbiguousOffset::Fold { before: offset, .. } => offset,
    };
    FixedOffset::east_opt(offset.seconds())
}

/// JavaScript's `Date.toString()` after the weekday: `Jun 10 2003 04:00:00`.
fn js_date(text: &str) -> Option<NaiveDateTime> {
    let mut parts = text.split(' ');
    let (month, day, year, time) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let date = NaiveDate::parse_from_str(&format!("{day} {month} {year}"), "%d %B %Y").ok()?;
    let time = NaiveTime::parse_from_str(time, "%H:%M:%S").ok()?;
    Some(date.and_time(time))
}

/// Splits a trailing zone off `text`: a numeric offset, with or without a
/// `GMT`/`UTC` before it, a known abbreviation, or an IANA zone name. `None`
/// when the text ends in a letters-only token that is no known zone (it
/// might be one, so no time can be trusted), or in no zone at all (other
/// parsers handle naive times).
fn split_zone(text: &str) -> Option<(&str, Zone)> {
    static OFFSET: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\s*(?:(?:GMT|UTC|UT)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?$")
            .expect("static regex")
    });
    static NAME: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\s+([A-Za-z]{1,5})$").expect("static regex"));
    // `Europe/Berlin`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`.
    static IANA: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\s+([A-Za-z]+(?:/[A-Za-z0-9_+-]+){1,2})$").expect("static regex")
    });
    if let Some(c) = OFFSET.captures(text) {
        let hours: i32 = c[2].parse().ok()?;
        let minutes: i32 = c.get(3).map_or(Some(0), |m| m.as_str().parse().ok())?;
        if hours > 14 || minutes > 59 {
            return None;
        }
        let sign = if &c[1] == "-" { -1 } else { 1 };
        let offset = FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))?;
        let start = c.get(0).map_or(text.len(), |m| m.start());
        // `2003-06-10` ends in `-10`: that is a day, not a zone.
        if !text[..start].contains(':') {
            return None;
        }
        return Some((&text[..start], Zone::Fixed(offset)));
    }
    if let Some(c) = IANA.captures(text) {
        // A name the database does not know is no zone to trust.
        let tz = jiff::tz::TimeZone::get(&c[1]).ok()?;
        let start = c.get(0).map_or(text.len(), |m| m.start());
        return Some((&text[..start], Zone::Named(tz)));
    }
    let c = NAME.captures(text)?;
    let name = c[1].to_ascii_uppercase();
    // `… 4:00 PM` ends in a meridiem, not a zone: no zone given.
    if name == "AM" || name == "PM" {
        return None;
    }
    let minutes = ZONES.iter().find(|(z, _)| *z == name)?.1;
    let start = c.get(0).map_or(text.len(), |m| m.start());
    Some((
        &text[..start],
        Zone::Fixed(FixedOffset::east_opt(minutes * 60)?),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Option<String> {
        parse(s).map(|d| d.to_rfc3339())
    }

    #[test]
    fn zone_names_and_offsets_keep_the_time() {
        let cases = [
            (
                "Tue, 10 Jun 2003 04:00:00 GMT+9",
                "2003-06-10T04:00:00+09:00",
            ),
            (
                "Tue, 10 Jun 2003 04:00:00 CEST",
                "2003-06-10T04:00:00+02:00",
            ),
            ("Di, 10 Jun 2003 04:00:00 MESZ", "2003-06-10T04:00:00+02:00"),
            ("2003-06-10 04:00:00 CET", "2003-06-10T04:00:00+01:00"),
            ("10 Jun 2003 04:00:00 UTC", "2003-06-10T04:00:00+00:00"),
            ("2003-06-10 04:00:00 UTC", "2003-06-10T04:00:00+00:00"),
            (
                "Tuesday, June 10, 2003 4:00 PM EDT",
                "2003-06-10T16:00:00-04:00",
            ),
            ("June 10, 2003 at 4:05 pm AEST", "2003-06-10T16:05:00+10:00"),
            (
                "Tue Jun 10 2003 04:00:00 GMT+0200 (Central European Summer Time)",
                "2003-06-10T04:00:00+02:00",
            ),
            (
                "Tue, 10 June 2003 04:00 UTC-05:30",
                "2003-06-10T04:00:00-05:30",
            ),
            ("10 Jun 2003 04:00 +0545", "2003-06-10T04:00:00+05:45"),
            ("Jun. 10, 2003, 4:00 p.m. EDT", "2003-06-10T16:00:00-04:00"),
            ("10 June 2003 - 09:30 BST", "2003-06-10T09:30:00+01:00"),
        ];
        for (raw, want) in cases {
            assert_eq!(read(raw).as_deref(), Some(want), "{raw}");
        }
    }

    #[test]
    fn iana_zone_names_give_the_offset_of_that_day() {
        let cases = [
            // Summer and winter time in one zone.
            (
                "2024-07-01 10:00:00 Europe/Berlin",
                "2024-07-01T10:00:00+02:00",
            ),
            (
                "2024-01-15 10:00 Europe/Berlin",
                "2024-01-15T10:00:00+01:00",
            ),
            (
                "June 10, 2003 4:00 PM America/New_York",
                "2003-06-10T16:00:00-04:00",
            ),
            (
                "2024-03-05 09:15:00 America/Argentina/Buenos_Aires",
                "2024-03-05T09:15:00-03:00",
            ),
            ("2024-03-05 09:15 asia/kolkata", "2024-03-05T09:15:00+05:30"),
            // 02:30 did not happen in Berlin that night, and 02:30 came
            // twice on the night in October: the offset before, both times.
            (
                "2024-03-31 02:30 Europe/Berlin",
                "2024-03-31T02:30:00+01:00",
            ),
            (
                "2024-10-27 02:30 Europe/Berlin",
                "2024-10-27T02:30:00+02:00",
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(read(raw).as_deref(), Some(want), "{raw}");
        }
        // A name that looks like a zone but is none gives no time.
        assert_eq!(read("2024-03-05 09:15 Europe/Atlantis"), None);
        assert_eq!(read("2024-03-05 09:15 news/world"), None);
    }

    #[test]
    fn month_names_of_other_languages_become_english() {
        let cases = [
            ("10. Juni 2003", "10 Jun 2003"),
            ("10 juin 2003 04:00", "10 Jun 2003 04:00"),
            ("10 de junio de 2003", "10 Jun 2003"),
            ("10 de março de 2025", "10 Mar 2025"),
            ("1 déc. 2024", "1 Dec 2024"),
            ("3 maart 2024", "3 Mar 2024"),
            (
                "Mittwoch, 17. Mai 2024, 10:00 MESZ",
                "Mittwoch, 17 May 2024, 10:00 MESZ",
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(english_months(raw), want, "{raw}");
        }
        for same in [
            "June 10, 2003",
            "2024-05-17T10:00:00Z",
            "3 days ago",
            "set 10",
        ] {
            assert!(
                matches!(english_months(same), std::borrow::Cow::Borrowed(_)),
                "{same}"
            );
        }
    }

    #[test]
    fn unknown_zones_and_bare_dates_are_left_to_others() {
        // Ambiguous: India, Ireland, Israel.
        assert_eq!(read("10 Jun 2003 04:00:00 IST"), None);
        // No zone at all: the naive parsers decide.
        assert_eq!(read("June 10, 2003 4:00 PM"), None);
        assert_eq!(read("2003-06-10"), None);
        assert_eq!(read("2003-06-10 04:00"), None);
        assert_eq!(read("Tue, 10 Jun 2003 04:00:00 GMT+99"), None);
        assert_eq!(read(""), None);
        assert_eq!(read("GMT"), None);
    }
}
