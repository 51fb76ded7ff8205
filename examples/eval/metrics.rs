//! The benchmark's scoring rules, in one place so every extractor is scored
//! the same way: word-level F1 of lower-cased `\w+` bags, exact titles after
//! whitespace/case normalization, same-day dates, author names as word
//! sequences.

use std::collections::HashMap;

/// Lower-cased, whitespace-normalized text, for exact title comparison.
pub fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Author names compared as word sequences: case, punctuation and list
/// joiners ("and", "&") do not count.
fn author_words(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "and")
        .collect::<Vec<_>>()
        .join(" ")
}

/// True when the extracted author string names the same people as `truth`
/// (one contains the other as a word sequence).
pub fn author_match(got: &str, truth: &str) -> bool {
    let want = author_words(truth);
    let got = author_words(got);
    !got.is_empty() && (got == want || got.contains(&want) || want.contains(&got))
}

/// True when `got` (any ISO-8601-like string) is on the same day as `truth`.
pub fn same_day(got: Option<&str>, truth: &str) -> bool {
    got.is_some_and(|g| g.get(..10).is_some() && g.get(..10) == truth.get(..10))
}

fn tokens(s: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for w in s
        .to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        *m.entry(w.to_owned()).or_insert(0) += 1;
    }
    m
}

/// Word-level precision, recall and F1 of `predicted` against `reference`.
///
/// An empty reference scores F1 1 when the prediction is empty too, else 0
/// (the benchmark's rule).
pub fn word_prf(predicted: &str, reference: &str) -> (f64, f64, f64) {
    let p = tokens(predicted);
    let r = tokens(reference);
    let (np, nr): (usize, usize) = (p.values().sum(), r.values().sum());
    let overlap: usize = p
        .iter()
        .map(|(w, c)| (*c).min(*r.get(w).unwrap_or(&0)))
        .sum();
    let (pr, rc) = (ratio(overlap, np), ratio(overlap, nr));
    let f1 = if nr == 0 {
        if np == 0 { 1.0 } else { 0.0 }
    } else if overlap == 0 {
        0.0
    } else {
        2.0 * pr * rc / (pr + rc)
    };
    (pr, rc, f1)
}

pub fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

pub fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}
