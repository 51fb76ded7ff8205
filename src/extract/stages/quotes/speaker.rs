//! Who a cue points at: a named mention, a pronoun or a phrase like "the senator".
//!
//! Everything resolves to an entity of the article, so the speaker is written
//! with the entity's fullest name. Pronouns take the nearest preceding person of
//! fitting gender outside quotations; "the senator" prefers the person seen with
//! that role; "the company" the nearest organization.

use super::super::entities::{Analysis, Gender, Kind, Mention, ORG_NOUNS, PERSON_ROLES};

/// A word of a window with its byte range.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    pub start: usize,
    pub end: usize,
    /// Lower-case text; punctuation marks are single-character words.
    pub lower: String,
}

/// Words and `,`/`:` marks of `text[a..b]`.
pub(crate) fn words(text: &str, a: usize, b: usize) -> Vec<Word> {
    let mut out = Vec::new();
    let mut cur: Option<usize> = None;
    let slice = &text[a..b];
    for (i, c) in slice.char_indices() {
        let at = a + i;
        let word_char =
            c.is_alphanumeric() || ((c == '\'' || c == '’' || c == '-') && cur.is_some());
        if word_char {
            cur.get_or_insert(at);
            continue;
        }
        if let Some(s) = cur.take() {
            out.push(Word {
                start: s,
                end: at,
                lower: text[s..at].to_lowercase(),
            });
        }
        if matches!(c, ',' | ':' | ';' | '(' | ')') {
            out.push(Word {
                start: at,
                end: at + c.len_utf8(),
                lower: c.to_string(),
            });
        }
    }
    if let Some(s) = cur {
        out.push(Word {
            start: s,
            end: b,
            lower: text[s..b].to_lowercase(),
        });
    }
    out
}

/// Resolves cue subjects and objects to entities.
pub(crate) struct Resolver<'a> {
    analysis: &'a Analysis,
    /// Per mention: inside a quotation, so not an antecedent for pronouns.
    quoted: Vec<bool>,
}

const ADVERBS: &[&str] = &[
    "also",
    "later",
    "then",
    "again",
    "once",
    "previously",
    "had",
    "has",
    "have",
    "would",
    "will",
];

impl<'a> Resolver<'a> {
    /// `quoted`: byte ranges of all quotations, in text order.
    pub(crate) fn new(analysis: &'a Analysis, quoted: &[(usize, usize)]) -> Resolver<'a> {
        let flags = analysis
            .mentions
            .iter()
            .map(|m| {
                // The last quotation that opens before the mention.
                let k = quoted.partition_point(|q| q.0 <= m.start);
                k.checked_sub(1).is_some_and(|k| m.end <= quoted[k].1)
            })
            .collect();
        Resolver {
            analysis,
            quoted: flags,
        }
    }

    fn kind(&self, m: &Mention) -> Kind {
        self.analysis.entities[m.entity].kind
    }

    /// Entity mentions fully inside `a..b`, found by bisection.
    fn mentions_in(&self, a: usize, b: usize) -> impl DoubleEndedIterator<Item = &Mention> {
        let ms = &self.analysis.mentions;
        let from = ms.partition_point(|m| m.start < a);
        let to = ms.partition_point(|m| m.start < b);
        ms[from..to.max(from)].iter().filter(move |m| m.end <= b)
    }

    /// Mentions before `pos` outside quotations, nearest first.
    fn preceding(&self, pos: usize) -> impl Iterator<Item = &Mention> {
        let ms = &self.analysis.mentions;
        let to = ms.partition_point(|m| m.start < pos);
        ms[..to]
            .iter()
            .enumerate()
            .rev()
            .filter(move |(i, m)| m.end <= pos && !self.quoted[*i])
            .map(|(_, m)| m)
    }

    /// "he" / "she" before `pos`: the nearest person of fitting gender;
    /// "it": the nearest organization.
    pub(crate) fn pronoun(&self, pos: usize, word: &str) -> Option<usize> {
        let want = match word {
            "he" | "him" => Gender::Male,
            "she" | "her" => Gender::Female,
            // `"…," it said`: an organization speaks of itself as "it".
            "it" => {
                return self
                    .preceding(pos)
                    .find(|m| self.kind(m) == Kind::Organization)
                    .map(|m| m.entity);
            }
            _ => return None,
        };
        self.preceding(pos)
            .filter(|m| self.kind(m) == Kind::Person)
            .find(|m| {
                let g = self.analysis.entities[m.entity].gender;
                g == want || g == Gender::Unknown
            })
            .map(|m| m.entity)
    }

    /// "the senator", "the company" before `pos`.
    pub(crate) fn nominal(&self, pos: usize, noun: &str) -> Option<usize> {
        let (kind, fits): (Kind, Box<dyn Fn(usize) -> bool>) = if PERSON_ROLES.contains(noun) {
            (
                Kind::Person,
                Box::new(|e| self.analysis.entities[e].roles.iter().any(|r| r == noun)),
            )
        } else if ORG_NOUNS.contains(noun) {
            (
                Kind::Organization,
                Box::new(|e| self.analysis.entities[e].name.to_lowercase().contains(noun)),
            )
        } else {
            return None;
        };
        let candidates: Vec<usize> = self
            .preceding(pos)
            .filter(|m| self.kind(m) == kind)
            .map(|m| m.entity)
            .collect();
        candidates
            .iter()
            .copied()
            .find(|&e| fits(e))
            .or_else(|| candidates.first().copied())
    }

    /// The speaker named just before a cue verb at `verb`, within `a..verb`.
    pub(crate) fn subject(&self, text: &str, a: usize, verb: usize) -> Option<usize> {
        let ws = words(text, a, verb);
        let mut k = ws.len();
        while k > 0
            && (ws[k - 1].lower == ","
                || ADVERBS.contains(&ws[k - 1].lower.as_str())
                // Adverbs ("quickly"), not names that end alike ("Donnelly").
                || (ws[k - 1].lower.ends_with("ly")
                    && text[ws[k - 1].start..].starts_with(char::is_lowercase)))
        {
            k -= 1;
        }
        let last = ws.get(k.checked_sub(1)?)?;
        if let Some(e) = self.pronoun(last.start, &last.lower) {
            return Some(e);
        }
        let ends_mention = self.mentions_in(a, verb).any(|m| m.end == last.end);
        // "a spokesman said": someone new and unnamed, not an earlier name.
        if !ends_mention
            && k >= 2
            && matches!(ws[k - 2].lower.as_str(), "a" | "an")
            && PERSON_ROLES.contains(last.lower.as_str())
        {
            return None;
        }
        if !ends_mention
            && k >= 2
            && matches!(
                ws[k - 2].lower.as_str(),
                "the" | "its" | "his" | "her" | "their" | "a" | "an"
            )
            && let Some(e) = self.nominal(last.start, &last.lower)
        {
            return Some(e);
        }
        self.best(self.mentions_in(a, verb).rev())
    }

    /// The speaker named just after a cue verb, within `from..b`.
    pub(crate) fn object(&self, text: &str, from: usize, b: usize) -> Option<usize> {
        let ws = words(text, from, b);
        if let Some(first) = ws.first()
            && let Some(e) = self.pronoun(first.start, &first.lower)
        {
            return Some(e);
        }
        if let Some(e) = self.best(self.mentions_in(from, b)) {
            return Some(e);
        }
        if ws.len() >= 2 && matches!(ws[0].lower.as_str(), "the" | "its" | "his" | "her") {
            return self.nominal(ws[1].start, &ws[1].lower);
        }
        None
    }

    /// First person among `mentions`, else first organization.
    fn best<'m>(&self, mentions: impl Iterator<Item = &'m Mention>) -> Option<usize>
    where
        'a: 'm,
    {
        let ms: Vec<&Mention> = mentions.collect();
        ms.iter()
            .find(|m| self.kind(m) == Kind::Person)
            .or_else(|| ms.iter().find(|m| self.kind(m) == Kind::Organization))
            .map(|m| m.entity)
    }
}
