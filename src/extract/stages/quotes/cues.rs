//! Attribution cues around a quotation and the sentence windows they sit in.
//!
//! After the quotation: `"…," Okafor said`, `"…," said Okafor`,
//! `"…," the senator told reporters`, `"…", according to Okafor`.
//! Before it: `Okafor said: "…"`, `He added: "…"`, `According to Okafor, "…"`,
//! and for fragments `the senator warned that the bill would be "…"`.

use super::super::entities::SPEECH_VERBS;
use super::speaker::{Resolver, words};

/// Verbs that introduce a fragment quoted inside reported speech.
const FRAGMENT_VERBS: &[&str] = &[
    "called",
    "calling",
    "calls",
    "described",
    "describing",
    "describes",
    "dismissed",
    "branded",
    "labelled",
    "labeled",
    "hailed",
    "praised",
    "criticised",
    "criticized",
    "condemned",
    "welcomed",
    "accused",
    "saying",
    "telling",
    "warning",
    "adding",
    "insisting",
    "arguing",
    "promising",
    "vowing",
    "insists",
    "argues",
    "warns",
    "say",
    "pledged",
    "described",
    "termed",
    "denounced",
    "lamented",
    "blamed",
];

/// Who a cue names and the cue word itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attribution {
    /// Entity index of the speaker.
    pub speaker: usize,
    /// The cue, e.g. `said`, `told`, `according to`.
    pub cue: String,
}

fn is_cue_verb(w: &str, fragments: bool) -> bool {
    SPEECH_VERBS.contains(&w) || (fragments && FRAGMENT_VERBS.contains(&w))
}

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "sen", "rep", "gov", "gen", "col", "capt", "lt", "jr",
    "sr", "inc", "ltd", "corp", "co", "no", "u.s", "a.m", "p.m",
];

fn ends_sentence(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let w = word.to_lowercase();
    !(ABBREVIATIONS.contains(&w.as_str())
        || (w.chars().count() == 1 && word.chars().all(char::is_uppercase)))
}

/// Start of the sentence that holds `pos`, no earlier than `floor`.
pub(crate) fn sentence_start(text: &str, pos: usize, floor: usize) -> usize {
    let slice = &text[floor..pos];
    for (i, c) in slice.char_indices().rev() {
        let at = floor + i;
        match c {
            '\n' => return at + 1,
            '.' | '!' | '?'
                if at + 1 < pos
                    && text[at + 1..].starts_with(char::is_whitespace)
                    && (c != '.' || ends_sentence(text, at)) =>
            {
                return at + 1;
            }
            _ => {}
        }
    }
    floor
}

/// End of the sentence that starts at `pos`, no later than `ceil`.
pub(crate) fn sentence_end(text: &str, pos: usize, ceil: usize) -> usize {
    let slice = &text[pos..ceil];
    for (i, c) in slice.char_indices() {
        let at = pos + i;
        match c {
            '\n' | '!' | '?' => return at,
            '.' if ends_sentence(text, at) => return at,
            _ => {}
        }
    }
    ceil
}

/// "according to X" inside `a..b`.
fn according_to(res: &Resolver<'_>, text: &str, a: usize, b: usize) -> Option<Attribution> {
    let ws = words(text, a, b);
    let k = ws
        .windows(2)
        .position(|w| w[0].lower == "according" && w[1].lower == "to")?;
    let from = ws[k + 1].end;
    let to = ws[k + 2..]
        .iter()
        .find(|w| w.lower == ",")
        .map_or(b, |w| w.start)
        .max(from);
    let speaker = res.object(text, from, to)?;
    Some(Attribution {
        speaker,
        cue: "according to".into(),
    })
}

/// A cue in the words right after a quotation (`window` = rest of the sentence).
pub(crate) fn after(res: &Resolver<'_>, text: &str, a: usize, b: usize) -> Option<Attribution> {
    let ws = words(text, a, b);
    let first = ws.iter().position(|w| w.lower != ",")?;
    // "…," said Okafor / "…," said its chairman, Jens Mortensen.
    if is_cue_verb(&ws[first].lower, false) {
        let speaker = res.object(text, ws[first].end, b)?;
        return Some(Attribution {
            speaker,
            cue: ws[first].lower.clone(),
        });
    }
    // "…," Okafor told reporters / "…," the senator said.
    if let Some(v) = ws
        .iter()
        .take(first + 8)
        .position(|w| is_cue_verb(&w.lower, false))
        && let Some(speaker) = res.subject(text, a, ws[v].start)
    {
        return Some(Attribution {
            speaker,
            cue: ws[v].lower.clone(),
        });
    }
    according_to(res, text, a, b)
}

/// A cue in the sentence before a quotation, within `a..b`.
pub(crate) fn before(
    res: &Resolver<'_>,
    text: &str,
    a: usize,
    b: usize,
    fragment: bool,
) -> Option<Attribution> {
    if let Some(found) = according_to(res, text, a, b) {
        return Some(found);
    }
    let ws = words(text, a, b);
    let v = ws.iter().rposition(|w| is_cue_verb(&w.lower, fragment))?;
    let speaker = res
        .subject(text, a, ws[v].start)
        .or_else(|| res.object(text, ws[v].end, b))?;
    Some(Attribution {
        speaker,
        cue: ws[v].lower.clone(),
    })
}

/// True when `text[a..b]` holds a speaking verb (`she said,` between the two
/// halves of a split quotation).
pub(crate) fn has_cue_verb(text: &str, a: usize, b: usize) -> bool {
    words(text, a, b)
        .iter()
        .any(|w| is_cue_verb(&w.lower, false))
}
