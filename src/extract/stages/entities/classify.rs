//! Evidence for the type of a candidate name, from the name and its context.
//!
//! Each candidate gets scores for person, organization and place; the scores
//! of all mentions of an entity are added before its type is chosen, so one
//! telling context ("Ms Okafor", "the town of Alghero") types every mention.

use super::Kind;
use super::gazetteer::{Known, first_name, lookup};
use super::lexicon::{
    COMPASS, FUNCTION, LOC_HEADS, LOC_PREPOSITIONS, ORG_NOUNS, PERSON_ROLES, PLACE_NOUNS,
    PLACE_NOUNS_AFTER, org_like,
};
use super::spans::Candidate;
use super::tokens::Token;

/// Speech verbs: a name next to one is probably a person.
pub(crate) const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "tells",
    "added",
    "adds",
    "asked",
    "warned",
    "argued",
    "explained",
    "insisted",
    "noted",
    "stated",
    "declared",
    "replied",
    "responded",
    "wrote",
    "writes",
    "admitted",
    "acknowledged",
    "conceded",
    "recalled",
    "urged",
    "cautioned",
    "complained",
    "joked",
    "laughed",
    "predicted",
    "testified",
    "vowed",
    "promised",
    "continued",
    "countered",
    "agreed",
    "announced",
    "claimed",
    "suggested",
    "concluded",
    "remarked",
    "observed",
];

/// Scores for the three types, plus the list entry when the name is known.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Evidence {
    pub person: f32,
    pub org: f32,
    pub loc: f32,
    /// "X said": counts for a person only with a name of two words or more,
    /// since companies say things too.
    pub said: f32,
    pub known: Option<Known>,
}

impl Evidence {
    /// Adds another mention's evidence.
    pub(crate) fn add(&mut self, other: &Evidence) {
        self.person += other.person;
        self.org += other.org;
        self.loc += other.loc;
        self.said += other.said;
        if self.known.is_none() {
            self.known = other.known;
        }
    }

    /// The type the evidence points to, if any points anywhere.
    ///
    /// A one-word name needs real evidence (a title, a context word); "X said"
    /// alone does not make a person of a word nobody introduced.
    pub(crate) fn kind(&self, tokens_in_name: usize) -> Option<Kind> {
        if let Some(k) = self.known
            && !(k.kind == Kind::Location && self.person >= 3.0)
        {
            return Some(k.kind);
        }
        let person = if tokens_in_name > 1 {
            self.person + self.said
        } else {
            self.person
        };
        let best = person.max(self.org).max(self.loc);
        let needed = if tokens_in_name > 1 { 0.0 } else { 1.0 };
        if best < needed || best <= 0.0 {
            return (tokens_in_name > 1).then_some(Kind::Person);
        }
        Some(if self.org == best {
            Kind::Organization
        } else if person == best {
            Kind::Person
        } else {
            Kind::Location
        })
    }
}

fn word_at<'a>(tokens: &'a [Token<'_>], i: usize) -> Option<&'a str> {
    tokens.get(i).map(|t| t.lower())
}

/// Scores one candidate from its words and neighbours.
pub(crate) fn evidence(text: &str, tokens: &[Token<'_>], c: &Candidate) -> Evidence {
    let surface = &text[tokens[c.first].start..tokens[c.last].end];
    let mut ev = Evidence {
        known: lookup(surface),
        ..Evidence::default()
    };
    let words: Vec<&Token<'_>> = tokens[c.first..=c.last].iter().filter(|t| t.word).collect();
    let is_org_head = |t: &&Token<'_>| t.is_cap() && org_like(&t.lower);
    let is_loc_head = |t: &&Token<'_>| t.is_cap() && LOC_HEADS.contains(t.lower());
    // Names that contain a place or an acronym are rarely persons ("IDA Ireland").
    let has_thing = words.len() > 1
        && words.iter().any(|t| {
            t.is_acronym()
                || lookup(t.text).is_some_and(|k| !k.city)
                || is_org_head(t)
                || is_loc_head(t)
        });
    if !c.titles.is_empty() {
        ev.person += 3.0;
    }
    let first_is_name = words.first().is_some_and(|w| first_name(w.text).is_some());
    if words.len() > 1 && !has_thing && first_is_name {
        ev.person += 2.0;
    } else if words.len() == 1 && first_is_name {
        ev.person += 0.5;
    }
    if words.len() > 1 {
        // "Bank of England", "Alliance of Small Island States": an organization
        // head before "of" decides; otherwise the last head word does.
        let span = &tokens[c.first..=c.last];
        let org_of = span
            .windows(2)
            .any(|w| is_org_head(&&w[0]) && matches!(w[1].lower(), "of" | "for"));
        let last_head = words
            .iter()
            .rev()
            .find(|t| is_org_head(t) || is_loc_head(t));
        if org_of {
            ev.org += 4.0;
        } else if let Some(h) = last_head {
            if is_org_head(h) {
                ev.org += 4.0;
            } else {
                ev.loc += 3.0;
            }
        } else if has_thing {
            ev.org += 1.0;
        } else if c.common {
            ev.org += 0.5;
        }
    } else if words.first().is_some_and(is_org_head) {
        ev.org += 0.5;
    }
    if words.len() == 1 && words.first().is_some_and(|w| w.is_acronym()) {
        ev.org += 1.0;
    }
    let before = |k: usize| c.first.checked_sub(k).and_then(|i| word_at(tokens, i));
    let after = |k: usize| word_at(tokens, c.last + k);
    // Left context: "economist Ruth Gregory", "the charity Shelter", "in Lagos".
    // The word right before, or the one before that across a lower-case
    // modifier ("the energy company LEAG"), but not across "at" or "of".
    for k in 1..=2 {
        match before(k) {
            Some(w) if PERSON_ROLES.contains(w) => {
                ev.person += 2.0;
                break;
            }
            Some(w) if ORG_NOUNS.contains(w) => {
                ev.org += 2.0;
                break;
            }
            _ => {}
        }
        let modifier = c
            .first
            .checked_sub(k)
            .map(|i| &tokens[i])
            .is_some_and(|t| t.word && !t.is_cap() && !FUNCTION.contains(t.lower()));
        if !modifier {
            break;
        }
    }
    // "in Kasese"; "to"/"from" also precede people ("wrote to Ada Obi"), so
    // they count only for one-word names.
    match before(1) {
        Some("to" | "from" | "via" | "towards" | "toward") if words.len() == 1 => ev.loc += 1.0,
        Some("to" | "from" | "via" | "towards" | "toward") => {}
        Some(w) if LOC_PREPOSITIONS.contains(w) => ev.loc += 1.0,
        _ => {}
    }
    if before(1) == Some("of") && before(2).is_some_and(|w| PLACE_NOUNS.contains(w)) {
        ev.loc += 3.0;
    }
    if before(1).is_some_and(|w| matches!(w, "shares" | "stake"))
        || (matches!(before(1), Some("in" | "of")) && before(2) == Some("shares"))
    {
        ev.org += 2.0;
    }
    // Right context: "Voss, 58,", "Salami, an economist", "Cloudrise, which".
    if after(1) == Some(",") {
        match after(2) {
            Some(w) if w.chars().all(|ch| ch.is_ascii_digit()) && after(3) == Some(",") => {
                ev.person += 2.0;
            }
            Some("who") => ev.person += 2.0,
            Some("which") => ev.org += 1.0,
            Some("a" | "an" | "the" | "its" | "his" | "her") => {
                let appos: Vec<&str> = (3..=6)
                    .filter_map(after)
                    .take_while(|w| *w != ",")
                    .collect();
                if appos.iter().any(|w| PERSON_ROLES.contains(w)) {
                    ev.person += 2.0;
                } else if appos.iter().any(|w| ORG_NOUNS.contains(w)) {
                    ev.org += 2.0;
                }
            }
            _ => {}
        }
    }
    // Apposition after the noun: "its director, Polly Goodwin,", "the pilots'
    // association, Dansk Pilotforening,".
    if before(1) == Some(",") {
        match before(2) {
            Some(w) if PERSON_ROLES.contains(w) => ev.person += 2.0,
            Some(w) if ORG_NOUNS.contains(w) => ev.org += 2.0,
            _ => {}
        }
    }
    if before(1).is_some_and(|w| COMPASS.contains(w))
        || after(1).is_some_and(|w| PLACE_NOUNS_AFTER.contains(w))
    {
        ev.loc += 2.0;
    }
    let speech = |w: Option<&str>| w.is_some_and(|w| SPEECH_VERBS.contains(&w));
    // "Verdant said it would…": organizations speak of themselves as "it".
    if speech(after(1)) && matches!(after(2), Some("it" | "its")) {
        ev.org += 1.0;
    }
    if speech(after(1)) || speech(before(1)) {
        ev.said += 1.0;
    }
    ev
}

#[cfg(test)]
mod tests {
    use super::super::spans::candidates;
    use super::super::tokens::tokenize;
    use super::*;

    fn kinds(text: &str) -> Vec<(String, Option<Kind>)> {
        let tokens = tokenize(text);
        candidates(text, &tokens)
            .iter()
            .map(|c| {
                let n = c.last - c.first + 1;
                let name = text[tokens[c.first].start..tokens[c.last].end].to_owned();
                (name, evidence(text, &tokens, c).kind(n))
            })
            .collect()
    }

    #[test]
    fn heads_decide_org_or_place() {
        let k = kinds("He joined the Bank of England near the Gulf of Mexico in Maricopa County.");
        assert_eq!(k[0].1, Some(Kind::Organization));
        assert_eq!(k[1].1, Some(Kind::Location));
        assert_eq!(k[2].1, Some(Kind::Location));
    }

    #[test]
    fn context_types_unknown_names() {
        let k =
            kinds("They met in Kasese. The charity Shelter helped. A man, Zorbat, 58, said so.");
        assert_eq!(k[0], ("Kasese".to_owned(), Some(Kind::Location)));
        assert_eq!(k[1], ("Shelter".to_owned(), Some(Kind::Organization)));
        assert_eq!(k[2].1, Some(Kind::Person));
    }

    #[test]
    fn demonym_based_places_and_titles() {
        let k = kinds("Senator Bello Adamu spoke about the Federal Republic of Germany.");
        assert_eq!(k[0], ("Bello Adamu".to_owned(), Some(Kind::Person)));
        assert_eq!(
            k[1],
            (
                "Federal Republic of Germany".to_owned(),
                Some(Kind::Location)
            )
        );
    }
}
