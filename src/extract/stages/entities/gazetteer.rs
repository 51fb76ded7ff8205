//! Name lists shipped in the repository (`data/gazetteer/`), compiled in.
//!
//! The program reads nothing at run time: the lists are embedded with
//! `include_str!` and indexed once, on first use. How each list was made and
//! under which license is written in `data/gazetteer/README.md`; the generated
//! ones are rebuilt by `scripts/gazetteer.py`.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

use super::{Gender, Kind};

const COUNTRIES: &str = include_str!("../../../../data/gazetteer/countries.txt");
const ORGANIZATIONS: &str = include_str!("../../../../data/gazetteer/organizations.txt");
const US_STATES: &str = include_str!("../../../../data/gazetteer/us-states.txt");
const REGIONS: &str = include_str!("../../../../data/gazetteer/regions.txt");
const CITIES: &str = include_str!("../../../../data/gazetteer/cities.txt");
const DEMONYMS: &str = include_str!("../../../../data/gazetteer/demonyms.txt");
const FIRST_NAMES: &str = include_str!("../../../../data/gazetteer/first-names.txt");

/// A known name: what it is and the canonical form that groups its aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Known {
    /// Entity type of the name.
    pub kind: Kind,
    /// The list's canonical form: "US" and "United States" share one.
    pub canonical: &'static str,
    /// Entries written in capitals (acronyms) only match capitals.
    pub acronym: bool,
    /// From the city list: such names are often surnames too ("Bolton").
    pub city: bool,
}

/// Non-comment, non-empty lines of a list.
fn lines(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn is_acronym(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && s.chars()
            .all(|c| c.is_uppercase() || c == '.' || c.is_ascii_digit())
}

static NAMES: LazyLock<HashMap<String, Known>> = LazyLock::new(|| {
    let mut map = HashMap::default();
    // Earlier lists win: "Georgia" is the country, "Amazon" the company.
    let sources = [
        (COUNTRIES, Kind::Location, false),
        (ORGANIZATIONS, Kind::Organization, false),
        (US_STATES, Kind::Location, false),
        (REGIONS, Kind::Location, false),
        (CITIES, Kind::Location, true),
    ];
    for (list, kind, city) in sources {
        for line in lines(list) {
            let mut forms = line.split('|').map(str::trim).filter(|f| !f.is_empty());
            let Some(canonical) = forms.next() else {
                continue;
            };
            for form in std::iter::once(canonical).chain(forms) {
                let known = Known {
                    kind,
                    canonical,
                    acronym: is_acronym(form),
                    city,
                };
                let entry = map.entry(form.to_lowercase()).or_insert(known);
                // "UNESCO|Unesco": the mixed-case form also matches mixed case.
                if entry.acronym && !known.acronym && entry.canonical == canonical {
                    entry.acronym = false;
                }
            }
        }
    }
    map
});

static DEMONYM_SET: LazyLock<HashSet<String>> = LazyLock::new(|| {
    lines(DEMONYMS)
        .filter_map(|l| l.split('|').next())
        .map(str::to_lowercase)
        .collect()
});

static FIRST: LazyLock<HashMap<String, Gender>> = LazyLock::new(|| {
    lines(FIRST_NAMES)
        .filter_map(|l| {
            let (name, g) = l.split_once('\t')?;
            let gender = match g.trim() {
                "m" => Gender::Male,
                "f" => Gender::Female,
                _ => Gender::Unknown,
            };
            Some((name.to_lowercase(), gender))
        })
        .collect()
});

/// Calls `f` with `word` lower-cased: on the stack for short ASCII words
/// (nearly every lookup), else in a new `String`.
fn with_lower<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 64];
    if word.is_ascii()
        && let Some(b) = buf.get_mut(..word.len())
    {
        b.copy_from_slice(word.as_bytes());
        b.make_ascii_lowercase();
        if let Ok(lower) = std::str::from_utf8(b) {
            return f(lower);
        }
    }
    f(&word.to_lowercase())
}

/// The list entry for `surface` (a whole name as written), if any.
pub(crate) fn lookup(surface: &str) -> Option<Known> {
    let known = *with_lower(surface, |l| NAMES.get(l))?;
    if known.acronym && !is_acronym(surface) {
        return None;
    }
    Some(known)
}

/// True for nationality words ("Nigerian", "Democrats"), which are not entities.
pub(crate) fn is_demonym(word: &str) -> bool {
    with_lower(word, |l| DEMONYM_SET.contains(l))
}

/// The gender a first name usually has, if it is a known first name.
pub(crate) fn first_name(word: &str) -> Option<Gender> {
    with_lower(word, |l| FIRST.get(l).copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_share_a_canonical_name() {
        let us = lookup("U.S.").unwrap();
        assert_eq!(us.canonical, "United States");
        assert_eq!(lookup("United States").unwrap().canonical, "United States");
        assert_eq!(lookup("Germany").unwrap().kind, Kind::Location);
        assert_eq!(
            lookup("Federal Republic of Germany").unwrap().canonical,
            "Germany"
        );
    }

    #[test]
    fn acronyms_match_only_in_capitals() {
        assert_eq!(lookup("WHO").unwrap().kind, Kind::Organization);
        assert!(lookup("Who").is_none());
        assert_eq!(
            lookup("NATO").unwrap().canonical,
            "North Atlantic Treaty Organization"
        );
    }

    #[test]
    fn cities_states_and_names_load() {
        assert_eq!(lookup("Lagos").unwrap().kind, Kind::Location);
        assert_eq!(lookup("Nevada").unwrap().kind, Kind::Location);
        assert!(is_demonym("Nigerian"));
        assert!(!is_demonym("Nigeria"));
        assert_eq!(first_name("Mary"), Some(Gender::Female));
        assert_eq!(first_name("John"), Some(Gender::Male));
    }
}
