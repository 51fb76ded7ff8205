//! Cleaning of author names: what a byline holds besides the name ("By",
//! dates, "Updated", forum badges, comment attributions) is cut, lists
//! are split, and what is left is checked to be a name rather than a label,
//! a calendar word or a scrap of code.

use crate::extract::text::{normalize_space, unescape};

/// Splits "A, B and C" into names (but not "Smith, Jr.").
pub(super) fn split_names(s: &str) -> Vec<String> {
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
    "says",
    "wrote",
    "joined",
    "member",
    "moderator",
    "reviewer",
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
        || s.contains(['=', '{', '}', '<', '>', ';', '"', '\\'])
        || !balanced_parens(&s)
    {
        return None;
    }
    for prefix in [
        "by:",
        "by ",
        "author ",
        "written by ",
        "posted by ",
        "post by ",
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
    for (i, w) in s.split_whitespace().enumerate() {
        let lw = w.trim_end_matches([':', ',', '.', ';']).to_lowercase();
        // "Jo says:": a comment's author, not the article's.
        if lw == "says" {
            return None;
        }
        // "The Currency editors", "The Ritualist": a leading article is part
        // of the name; later it starts a description.
        let stop = STOP_WORDS.contains(&lw.as_str()) && !(i == 0 && lw == "the");
        if stop
            || w.contains('@')
            || w.chars().any(|c| c.is_ascii_digit()) && !(i == 0 && is_handle(w))
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
    // Labels and calendar words that byline elements hold besides names.
    let not_names = [
        "author",
        "authors",
        "topic author",
        "full bio",
        "bio",
        "view profile",
        "read more",
        "read more about",
        "more",
        "share",
        "written by",
        "posted by",
        "post by",
        "words by",
        "reviewed by",
        "edited by",
        "about the author",
    ];
    // An unfilled template key (`page.head.extra.author`): dotted lower-case
    // words naming the author field, no spaces. (`sara.r.peter` is a user.)
    let template_key = !name.contains(' ')
        && !name.chars().any(char::is_uppercase)
        && name.contains('.')
        && name
            .split('.')
            .any(|p| matches!(p, "author" | "authors" | "byline" | "name"));
    let calendar = lower
        .trim_end_matches('.')
        .split_whitespace()
        .all(month_or_day);
    if name.is_empty()
        || calendar
        || template_key
        || not_names.contains(&lower.as_str())
        || name.len() > 60
        || words.len() > 5
        || generic.contains(&lower.as_str())
        || lower == "by"
        || !name.chars().next().is_some_and(char::is_alphabetic)
    {
        return None;
    }
    Some(name)
}

/// True when every `(` closes before the next one opens ("Paramita (Guha)
/// Ghosh"); code such as `f(a(b` or `x)` does not.
fn balanced_parens(s: &str) -> bool {
    let mut open = false;
    for c in s.chars() {
        match (c, open) {
            ('(', false) => open = true,
            (')', true) => open = false,
            ('(' | ')', _) => return false,
            _ => {}
        }
    }
    !open
}

/// True for a user name with digits (`ggailey777`, `Pippin06`): letters
/// first, at least three of them, and not an ordinal such as `2nd`.
fn is_handle(w: &str) -> bool {
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    w.chars().next().is_some_and(char::is_alphabetic)
        && letters >= 3
        && w.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// True for an English month or weekday name or abbreviation (`dec`, `sat`, `august`).
fn month_or_day(w: &str) -> bool {
    const NAMES: &[&str] = &[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let w = w.trim_end_matches(['.', ',']);
    matches!(w, "sept" | "tues" | "thur" | "thurs" | "weds")
        || NAMES
            .iter()
            .any(|n| *n == w || (w.len() == 3 && n.starts_with(w)))
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
    fn keeps_team_names_and_user_handles() {
        assert_eq!(
            clean_name("By The Currency editors").as_deref(),
            Some("The Currency editors")
        );
        assert_eq!(
            clean_name("EcoCult Staff").as_deref(),
            Some("EcoCult Staff")
        );
        assert_eq!(clean_name("ggailey777").as_deref(), Some("ggailey777"));
        assert_eq!(
            clean_name("Need2KnowLion").as_deref(),
            Some("Need2KnowLion")
        );
        // Digits after the name are still a date, and "the" after it a description.
        assert_eq!(
            clean_name("Jo Bloggs 2nd March").as_deref(),
            Some("Jo Bloggs")
        );
        assert_eq!(
            clean_name("Jo Bloggs the reporter").as_deref(),
            Some("Jo Bloggs")
        );
        assert_eq!(clean_name("2nd"), None);
        assert_eq!(
            clean_name("Paramita (Guha) Ghosh").as_deref(),
            Some("Paramita (Guha) Ghosh")
        );
        assert_eq!(clean_name("getName(a(b"), None);
        assert_eq!(clean_name("x) Jo"), None);
        assert_eq!(clean_name("Staff"), None);
    }

    #[test]
    fn splits_lists() {
        assert_eq!(
            split_names("By Ann Lee and Bo Chan, Cy Diaz"),
            vec!["By Ann Lee", "Bo Chan", "Cy Diaz"]
        );
    }
}
