//! The `keywords` stage: 5–15 key phrases of an English text, with scores.
//!
//! A compact YAKE (Campos et al., "YAKE! Keyword extraction from single
//! documents using multiple local features", Information Sciences 2020):
//! every word gets a score from its casing, position, frequency, how varied
//! its neighbours are and how many sentences it appears in; phrases of one to
//! three words that neither start nor end with a stopword are scored from
//! their words. No corpus, no model: one linear pass over the text plus a
//! sort of the candidates.
//!
//! Written here rather than taken from `yake-rust` because that crate's
//! tokenizer (segtok, backtracking regexes) costs ~2.3 ms per 10 KB of text,
//! several times the whole rest of extraction; `keyword_extraction` is LGPL.
//!
//! Output: phrases lower-cased, best first, no two that are the same words
//! (plural folded) or that contain one another, none of the page-furniture
//! phrases in [`BOILERPLATE`]. Scores are relative to the article's best
//! phrase (1.0): higher is more key; they are not comparable across articles.
//! Stopwords: `data/stopwords/en.txt`, written for newswire (see its header).

use rustc_hash::FxHashSet as HashSet;
use std::sync::LazyLock;

use super::super::{Doc, StageError};
use crate::record::Keyword;

/// The maps here are hot (one probe per word); foldhash is several times
/// faster than SipHash on short keys and still seeded per process, so a
/// page cannot be crafted to make them collide.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Longest phrase, in words.
const MAX_WORDS: usize = 3;

/// Texts shorter than this many words get no keywords: too little to rank.
const MIN_TEXT_WORDS: usize = 20;

/// English stopwords, one per line, `#` comments.
static STOPWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../../data/stopwords/en.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Phrases that come from page furniture, not from the story: a candidate
/// equal to or containing one of them is dropped.
pub const BOILERPLATE: &[&str] = &[
    "advertisement",
    "all rights reserved",
    "click",
    "cookie policy",
    "cookie settings",
    "copyright",
    "email address",
    "email protected",
    "enable javascript",
    "follow us",
    "getty images",
    "image caption",
    "image credit",
    "image source",
    "javascript",
    "log in",
    "newsletter",
    "photo credit",
    "privacy policy",
    "read more",
    "related articles",
    "related stories",
    "share this",
    "sign in",
    "sign up",
    "skip to content",
    "sponsored content",
    "subscribe",
    "table of contents",
    "terms of service",
    "terms of use",
    "ultimate guide",
    "your browser",
];

/// [`BOILERPLATE`] with a space either side, built once: a phrase contains
/// a furniture phrase when its padded form contains the padded one.
static BOILERPLATE_PADDED: LazyLock<Vec<String>> =
    LazyLock::new(|| BOILERPLATE.iter().map(|b| format!(" {b} ")).collect());

/// Words too vague to stand alone as a key phrase, though fine inside one
/// ("new york", "prime time"): dropped only as one-word phrases.
const VAGUE_ALONE: &[&str] = &[
    "best", "big", "check", "details", "expect", "good", "great", "high", "home", "know", "large",
    "long", "low", "new", "part", "people", "real", "require", "review", "run", "section", "small",
    "start", "time", "times", "top",
];

/// Fills `record.keywords` for English text, headline included.
pub fn run(doc: &mut Doc) -> Result<(), StageError> {
    let record = &mut doc.record;
    if !super::is_english(record) {
        return Ok(());
    }
    let n = (record.word_count / 100).clamp(5, 15);
    let text = super::analysed_text(&record.text);
    record.keywords = match record.title.as_deref() {
        // The headline is the densest statement of the topic: read it as the
        // text's first sentence (YAKE's position feature then favours its words).
        Some(title) if !text.is_empty() && !text.starts_with(title) => {
            extract(&format!("{title}\n{text}"), n)
        }
        _ => extract(text, n),
    };
    Ok(())
}

/// The `n` best key phrases of `text`, best first.
pub fn extract(text: &str, n: usize) -> Vec<Keyword> {
    let tokens = Tokens::read(text);
    if tokens.words < MIN_TEXT_WORDS || n == 0 {
        return Vec::new();
    }
    let scores = term_scores(&tokens);
    let mut candidates = candidates(&tokens, &scores);
    // Only the head of the ranking is ever read: partial sort.
    let head = (n * 20).max(100).min(candidates.len());
    if head > 0 && head < candidates.len() {
        candidates.select_nth_unstable_by(head - 1, Candidate::rank);
        candidates.truncate(head);
    }
    candidates.sort_by(Candidate::rank);
    select(&tokens, &candidates, n)
}

/// What kind of token a word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A number: never part of a phrase.
    Number,
    /// All capitals (NATO, EU): counts as capitalized, never a stopword.
    Acronym,
    /// Starts with a capital, not at the start of a sentence.
    Capitalized,
    /// Anything else.
    Plain,
}

/// One word of the text.
#[derive(Debug, Clone, Copy)]
struct Token {
    /// Interned lower-case form.
    surface: u32,
    /// Interned singular lower-case form: the unit statistics are kept on.
    term: u32,
    kind: Kind,
    stop: bool,
    sentence: u32,
    /// Punctuation or a sentence end sits between this token and the previous one.
    gap_before: bool,
}

/// The tokenized text with its interned forms.
struct Tokens {
    tokens: Vec<Token>,
    surfaces: Vec<String>,
    /// Length of each surface form in characters.
    surface_chars: Vec<u32>,
    term_count: usize,
    sentences: u32,
    words: usize,
}

impl Tokens {
    fn read(text: &str) -> Tokens {
        // Sized up front: growing these maps (rehashing every entry) was a
        // tenth of the stage. About one distinct word per 40 bytes of text.
        let distinct = text.len() / 40 + 16;
        let mut surface_ids: HashMap<String, u32> =
            HashMap::with_capacity_and_hasher(distinct, Default::default());
        let mut surface_term: Vec<u32> = Vec::new();
        let mut surface_stop: Vec<bool> = Vec::new();
        let mut term_ids: HashMap<String, u32> =
            HashMap::with_capacity_and_hasher(distinct, Default::default());
        let mut out = Tokens {
            tokens: Vec::new(),
            surfaces: Vec::new(),
            surface_chars: Vec::new(),
            term_count: 0,
            sentences: 0,
            words: 0,
        };
        let mut sentence = 0u32;
        let mut sentence_start = true;
        let mut gap = true;
        let mut lower = String::new();
        let bytes = text.as_bytes();
        let mut chars = text.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            if c.is_alphanumeric() {
                let mut end = start + c.len_utf8();
                while let Some(&(i, d)) = chars.peek() {
                    let joins = matches!(d, '\'' | '’' | '-' | '.' | '&')
                        && text[i + d.len_utf8()..]
                            .chars()
                            .next()
                            .is_some_and(char::is_alphanumeric);
                    if d.is_alphanumeric() || joins {
                        end = i + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let word = strip_possessive(&text[start..end]);
                let kind = kind_of(word, sentence_start);
                lower.clear();
                if word.is_ascii() {
                    lower.push_str(word);
                    lower.make_ascii_lowercase();
                } else {
                    // Curly apostrophes fold to straight ones, as in the stopword list.
                    lower.extend(
                        word.chars()
                            .flat_map(char::to_lowercase)
                            .map(|c| if c == '’' { '\'' } else { c }),
                    );
                }
                let surface = match surface_ids.get(lower.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = out.surfaces.len() as u32;
                        let single = singular(&lower);
                        let next_term = term_ids.len() as u32;
                        let term = *term_ids.entry(single.to_owned()).or_insert(next_term);
                        surface_term.push(term);
                        surface_stop.push(is_stopword(&lower));
                        surface_ids.insert(lower.clone(), id);
                        out.surface_chars.push(lower.chars().count() as u32);
                        out.surfaces.push(lower.clone());
                        id
                    }
                };
                out.tokens.push(Token {
                    surface,
                    term: surface_term[surface as usize],
                    kind,
                    stop: kind != Kind::Acronym && surface_stop[surface as usize],
                    sentence,
                    gap_before: gap,
                });
                out.words += 1;
                sentence_start = false;
                gap = false;
            } else if c.is_whitespace() {
                if c == '\n' && !sentence_start {
                    sentence += 1;
                    sentence_start = true;
                    gap = true;
                }
            } else {
                gap = true;
                let ends_sentence = matches!(c, '.' | '!' | '?' | '…')
                    && bytes
                        .get(start + c.len_utf8())
                        .is_none_or(|b| b.is_ascii_whitespace());
                if ends_sentence && !sentence_start {
                    sentence += 1;
                    sentence_start = true;
                }
            }
        }
        out.sentences = sentence + u32::from(!sentence_start);
        out.term_count = term_ids.len();
        out
    }
}

/// `Okafor's` → `Okafor`.
fn strip_possessive(word: &str) -> &str {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .filter(|w| !w.is_empty())
        .unwrap_or(word)
}

fn kind_of(word: &str, sentence_start: bool) -> Kind {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let digits = word.chars().filter(char::is_ascii_digit).count();
    // `2,000`, `04-ago-2021`; but `covid-19` and `g7` are words.
    if letters == 0 || digits > letters {
        return Kind::Number;
    }
    if letters >= 2 && !word.chars().any(char::is_lowercase) {
        return Kind::Acronym;
    }
    if !sentence_start && word.chars().next().is_some_and(char::is_uppercase) {
        return Kind::Capitalized;
    }
    Kind::Plain
}

/// YAKE's plural folding: a trailing `s` is dropped from longer words.
fn singular(lower: &str) -> &str {
    match lower.strip_suffix('s') {
        Some(stem) if lower.len() > 3 && !stem.ends_with('s') => stem,
        _ => lower,
    }
}

/// Listed, or too short to carry a topic (fewer than three letters).
fn is_stopword(lower: &str) -> bool {
    STOPWORDS.contains(lower)
        || STOPWORDS.contains(singular(lower))
        || lower.chars().filter(|c| c.is_alphanumeric()).count() < 3
}

/// Counts of adjacent term pairs (left, right) within a phrase-able stretch.
type Pairs = HashMap<(u32, u32), u32>;

/// Per-term YAKE scores (lower is more key) plus what phrase scoring needs.
struct TermScores {
    score: Vec<f64>,
    tf: Vec<u32>,
    pairs: Pairs,
}

fn term_scores(t: &Tokens) -> TermScores {
    let n = t.term_count;
    let mut tf = vec![0u32; n];
    let mut tf_caps = vec![(0u32, 0u32); n];
    let sentences = sentences_of_terms(t);
    let mut stop = vec![false; n];
    let mut pairs = Pairs::with_capacity_and_hasher(t.tokens.len() / 2, Default::default());
    for (i, tok) in t.tokens.iter().enumerate() {
        let k = tok.term as usize;
        tf[k] += 1;
        match tok.kind {
            Kind::Acronym => tf_caps[k].0 += 1,
            Kind::Capitalized => tf_caps[k].1 += 1,
            _ => {}
        }
        stop[k] = tok.stop;
        if i > 0 && !tok.gap_before {
            let prev = t.tokens[i - 1];
            if prev.kind != Kind::Number && tok.kind != Kind::Number {
                *pairs.entry((prev.term, tok.term)).or_insert(0) += 1;
            }
        }
    }
    // Left and right context diversity: distinct neighbours / all neighbours.
    let mut left = vec![(0u32, 0u32); n];
    let mut right = vec![(0u32, 0u32); n];
    for (&(a, b), &count) in &pairs {
        right[a as usize].0 += 1;
        right[a as usize].1 += count;
        left[b as usize].0 += 1;
        left[b as usize].1 += count;
    }
    let content_tf: Vec<f64> = (0..n).filter(|&k| !stop[k]).map(|k| tf[k] as f64).collect();
    let mean = content_tf.iter().sum::<f64>() / content_tf.len().max(1) as f64;
    let var =
        content_tf.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / content_tf.len().max(1) as f64;
    let tf_norm = (mean + var.sqrt()).max(1.0);
    let max_tf = tf.iter().copied().max().unwrap_or(1).max(1) as f64;
    let total_sentences = f64::from(t.sentences.max(1));
    let ratio = |(distinct, all): (u32, u32)| {
        if all == 0 {
            0.0
        } else {
            f64::from(distinct) / f64::from(all)
        }
    };
    let score = (0..n)
        .map(|k| {
            let f = f64::from(tf[k]);
            if f == 0.0 {
                return f64::INFINITY;
            }
            let casing = f64::from(tf_caps[k].0.max(tf_caps[k].1)) / (1.0 + f.ln());
            let s = sentences.of(k);
            let median = if s.len() % 2 == 1 {
                f64::from(s[s.len() / 2])
            } else {
                (f64::from(s[s.len() / 2 - 1]) + f64::from(s[s.len() / 2])) / 2.0
            };
            let position = (3.0 + median).ln().ln();
            let frequency = f / tf_norm;
            let relatedness = 1.0 + (ratio(left[k]) + ratio(right[k])) * f / max_tf;
            let spread = s.len() as f64 / total_sentences;
            (relatedness * position) / (casing + frequency / relatedness + spread / relatedness)
        })
        .collect();
    TermScores { score, tf, pairs }
}

/// The distinct sentences each term occurs in, ascending, in one flat
/// array (one allocation instead of one per term).
struct TermSentences {
    /// `flat[start[k]..start[k + 1]]` are term `k`'s sentences.
    start: Vec<u32>,
    flat: Vec<u32>,
}

impl TermSentences {
    fn of(&self, k: usize) -> &[u32] {
        &self.flat[self.start[k] as usize..self.start[k + 1] as usize]
    }
}

fn sentences_of_terms(t: &Tokens) -> TermSentences {
    let n = t.term_count;
    let mut last = vec![u32::MAX; n];
    let mut start = vec![0u32; n + 1];
    for tok in &t.tokens {
        let k = tok.term as usize;
        if last[k] != tok.sentence {
            last[k] = tok.sentence;
            start[k + 1] += 1;
        }
    }
    for k in 0..n {
        start[k + 1] += start[k];
    }
    let mut flat = vec![0u32; start[n] as usize];
    let mut next: Vec<u32> = start[..n].to_vec();
    last.fill(u32::MAX);
    for tok in &t.tokens {
        let k = tok.term as usize;
        if last[k] != tok.sentence {
            last[k] = tok.sentence;
            flat[next[k] as usize] = tok.sentence;
            next[k] += 1;
        }
    }
    TermSentences { start, flat }
}

/// A phrase and its YAKE score (lower is more key).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    /// Index of the first token of its first occurrence.
    first: u32,
    len: u8,
    score: f64,
}

impl Candidate {
    /// Best first; ties by position and length, so the order never depends
    /// on hash-map iteration (the output is the same on every run).
    fn rank(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
        a.score
            .total_cmp(&b.score)
            .then(a.first.cmp(&b.first))
            .then(a.len.cmp(&b.len))
    }
}

/// Every phrase of 1..=3 words with no punctuation inside, no number, and
/// no stopword at either end, scored.
fn candidates(t: &Tokens, s: &TermScores) -> Vec<Candidate> {
    let mut seen: HashMap<[u32; MAX_WORDS], (u32, u8, u32)> =
        HashMap::with_capacity_and_hasher(t.tokens.len() / 2, Default::default());
    // One-word phrases, by surface: most candidates, kept out of the map.
    let mut single: Vec<(u32, u32)> = vec![(0, 0); t.surfaces.len()];
    let toks = &t.tokens;
    for i in 0..toks.len() {
        if toks[i].stop || toks[i].kind == Kind::Number {
            continue;
        }
        let mut key = [u32::MAX; MAX_WORDS];
        for len in 1..=MAX_WORDS {
            let j = i + len - 1;
            let Some(tok) = toks.get(j) else { break };
            if tok.kind == Kind::Number || (len > 1 && tok.gap_before) {
                break;
            }
            key[len - 1] = tok.surface;
            if tok.stop {
                continue;
            }
            if len == 1 {
                let slot = &mut single[tok.surface as usize];
                if slot.1 == 0 {
                    slot.0 = i as u32;
                }
                slot.1 += 1;
            } else {
                seen.entry(key).or_insert((i as u32, len as u8, 0)).2 += 1;
            }
        }
    }
    single
        .into_iter()
        .filter(|&(_, count)| count > 0)
        .map(|(first, count)| (first, 1, count))
        .chain(seen.into_values())
        .filter(|&(first, len, _)| {
            let words = &toks[first as usize..first as usize + len as usize];
            words
                .iter()
                .map(|w| t.surface_chars[w.surface as usize] as usize)
                .sum::<usize>()
                >= 3
        })
        .map(|(first, len, count)| {
            let words = &toks[first as usize..first as usize + len as usize];
            Candidate {
                first,
                len,
                score: phrase_score(words, count, s),
            }
        })
        .collect()
}

/// YAKE's phrase score: product of the word scores over the phrase's
/// frequency times their sum; a stopword inside the phrase helps when it
/// is strongly tied to its neighbours ("bank of england").
fn phrase_score(words: &[Token], count: u32, s: &TermScores) -> f64 {
    let mut product = 1.0;
    let mut sum = 0.0;
    for (j, w) in words.iter().enumerate() {
        if w.stop {
            let follows = |a: &Token, b: &Token| {
                let pair = s.pairs.get(&(a.term, b.term)).copied().unwrap_or(0);
                f64::from(pair)
            };
            let prev = j
                .checked_sub(1)
                .map(|p| follows(&words[p], w) / f64::from(s.tf[words[p].term as usize].max(1)))
                .unwrap_or(0.0);
            let next = words
                .get(j + 1)
                .map(|n| follows(w, n) / f64::from(s.tf[n.term as usize].max(1)))
                .unwrap_or(0.0);
            let tie = prev * next;
            product *= 2.0 - tie;
            sum -= 1.0 - tie;
        } else {
            let ws = s.score[w.term as usize];
            product *= ws;
            sum += ws;
        }
    }
    if (sum + 1.0).abs() < 1e-12 {
        sum = 0.999_999_999;
    }
    product / (f64::from(count) * (1.0 + sum))
}

/// The best `n` phrases that are not furniture and do not repeat each other.
fn select(t: &Tokens, ranked: &[Candidate], n: usize) -> Vec<Keyword> {
    let mut kept: Vec<(Vec<u32>, String, f64)> = Vec::with_capacity(n);
    for c in ranked {
        if kept.len() == n {
            break;
        }
        let words = &t.tokens[c.first as usize..c.first as usize + usize::from(c.len)];
        let terms: Vec<u32> = words.iter().map(|w| w.term).collect();
        let phrase = words
            .iter()
            .map(|w| t.surfaces[w.surface as usize].as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let padded = format!(" {phrase} ");
        if BOILERPLATE_PADDED
            .iter()
            .any(|b| padded.contains(b.as_str()))
            || (c.len == 1 && VAGUE_ALONE.contains(&phrase.as_str()))
        {
            continue;
        }
        let overlaps = kept
            .iter()
            .any(|(k, _, _)| contains_run(k, &terms) || contains_run(&terms, k));
        if !overlaps {
            kept.push((terms, phrase, c.score));
        }
    }
    let best = kept.first().map(|k| k.2).unwrap_or(0.0);
    kept.into_iter()
        .enumerate()
        .map(|(rank, (_, term, raw))| {
            let relative = if best > 0.0 && raw.is_finite() && raw > 0.0 {
                best / raw
            } else {
                // Degenerate scores: fall back to rank order.
                1.0 / (rank as f64 + 1.0)
            };
            Keyword {
                term,
                // Four decimals, and never 0: every kept phrase has some weight.
                score: (relative.clamp(0.0, 1.0) * 10_000.0).round().max(1.0) / 10_000.0,
            }
        })
        .collect()
}

/// Whether `needle` occurs as a contiguous run inside `hay`.
fn contains_run(hay: &[u32], needle: &[u32]) -> bool {
    needle.len() <= hay.len() && hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests;
