//! Direct quotations with their speakers.
//!
//! A quotation is text in double quotes (straight or curly, possibly over
//! several paragraphs, see `marks`). Its speaker comes from a cue next to it
//! (`cues`) resolved to an entity of the article (`speaker`), so it is
//! written with the entity's fullest name. A quotation that starts mid-sentence
//! or in lower case is a fragment (`partial`); a fragment needs a speaking verb
//! in its sentence, otherwise it is a scare quote and is dropped, as are
//! single quoted words. A quotation with no cue of its own continues the
//! previous speaker when it follows that quotation directly.
//!
//! English only: the stage is skipped when the language stage found another
//! language.

mod cues;
mod marks;
mod speaker;

use super::entities::{self, Analysis};
use crate::extract::{Doc, StageError};
use crate::record::Quote;

/// The `quotes` stage: fills `record.quotes` from `record.text`.
pub fn run(doc: &mut Doc) -> Result<(), StageError> {
    if !super::is_english(&doc.record) || doc.record.text.is_empty() {
        return Ok(());
    }
    let text = super::analysed_text(&doc.record.text);
    let analysis = entities::analyze_cached(text);
    doc.record.quotes = extract(text, &analysis);
    Ok(())
}

/// Finds the quotations of `text`, with speakers from `analysis` of the same text.
pub fn extract(text: &str, analysis: &Analysis) -> Vec<Quote> {
    let passages = marks::passages(text);
    let spans: Vec<(usize, usize)> = passages.iter().map(|p| (p.open, p.end)).collect();
    let res = speaker::Resolver::new(analysis, &spans);
    let mut out = Vec::new();
    // The previous kept quotation: where it ended and who said it.
    let mut prev: Option<(usize, Option<usize>, Option<String>)> = None;
    for (qi, p) in passages.iter().enumerate() {
        let quoted = p.text(text);
        let n_words = quoted.split_whitespace().count();
        if n_words == 0 {
            continue;
        }
        let floor = qi.checked_sub(1).map_or(0, |k| passages[k].end);
        let start = cues::sentence_start(text, p.open, floor);
        let ceil = passages.get(qi + 1).map_or(text.len(), |n| n.open);
        let end = cues::sentence_end(text, p.end, ceil);
        let lead = text[start..p.open].trim_end();
        // `"We will fight," she said, "and we will win."`: the second part
        // continues the first in the same sentence.
        let continues = qi > 0
            && start == floor
            && !text[floor..p.open].contains('\n')
            && passages[qi - 1].text(text).ends_with([',', '—', '–'])
            && cues::has_cue_verb(text, floor, p.open);
        let introduced = lead.is_empty() || lead.ends_with([':', ',', '—', '–']);
        let lower_start = quoted.chars().next().is_some_and(char::is_lowercase);
        let partial = !continues && (lower_start || !introduced);
        let ends_stop = text[..p.words_end()].trim_end().ends_with('.');

        let attribution = if partial {
            cues::before(&res, text, start, p.open, true)
                .or_else(|| cues::after(&res, text, p.end, end))
        } else {
            (!ends_stop)
                .then(|| cues::after(&res, text, p.end, end))
                .flatten()
                .or_else(|| cues::before(&res, text, start, p.open, false))
        };
        let (speaker, cue) = match attribution {
            Some(a) => (Some(a.speaker), Some(a.cue)),
            None if !partial => inherited(text, prev.as_ref(), p.open),
            None => (None, None),
        };
        // Unattributed fragments and short unattributed phrases are scare
        // quotes or titles, not quotations.
        if speaker.is_none() && (partial || n_words <= 3) || n_words == 1 && partial {
            continue;
        }
        prev = Some((p.end, speaker, cue.clone()));
        out.push(Quote {
            text: quoted,
            speaker: speaker.map(|e| analysis.entities[e].name.clone()),
            cue,
            partial,
        });
    }
    out
}

/// The previous quotation's speaker, when this one follows it directly: in the
/// same paragraph, or opening the next paragraph after a short attribution.
fn inherited(
    text: &str,
    prev: Option<&(usize, Option<usize>, Option<String>)>,
    open: usize,
) -> (Option<usize>, Option<String>) {
    let Some((end, speaker, cue)) = prev else {
        return (None, None);
    };
    // Only a short stretch of text can separate a quotation from its follow-on.
    if open.saturating_sub(*end) > 1500 {
        return (None, None);
    }
    let between = &text[*end..open];
    let direct = match between.rfind('\n') {
        None => true,
        Some(nl) => {
            let opens_paragraph = between[nl..].trim().is_empty();
            let tail = &between[..nl];
            opens_paragraph
                && tail.trim().lines().count() <= 1
                && tail.split_whitespace().count() <= 12
        }
    };
    if direct {
        (*speaker, cue.clone())
    } else {
        (None, None)
    }
}

#[cfg(test)]
mod tests;
