//! Candidate names: runs of capitalized words, cleaned of what is not a name.
//!
//! A run may hold connectors ("Bank of England", "Ursula von der Leyen"); "of",
//! "for" and "and" only stay when the run is an organization or place name,
//! otherwise the run is split there ("Texas and Ohio" is two names). Leading
//! sentence words ("The", "However"), nationality words ("Spanish") and titles
//! ("Finance Minister", "Ms") are stripped; titles are kept as evidence.
//! Title-case headlines yield only n-grams that later match a known name.

use rustc_hash::FxHashSet as HashSet;

use super::Gender;
use super::gazetteer::{first_name, is_demonym, lookup};
use super::lexicon::{
    CONNECTORS, EVENT_HEADS, FUNCTION, HEAD_CONNECTORS, JOB_HEADS, LOC_HEADS, NAME_POSSESSIVES,
    NEVER_ALONE, RUN_BREAKERS, TITLE_QUALIFIERS, TITLES, honorific_gender, org_like,
};
use super::tokens::Token;

/// A possible name: a range of word tokens plus what was stripped in front.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// Index of the first token of the name.
    pub first: usize,
    /// Index of the last token of the name (inclusive).
    pub last: usize,
    /// Lower-case titles stripped from the front ("minister", "ms").
    pub titles: Vec<String>,
    /// Gender told by an honorific.
    pub gender: Option<Gender>,
    /// Found in a title-case headline: kept only if it matches a known name.
    pub headline: bool,
    /// Holds a word the text also writes in lower case ("Risk Advisory"):
    /// rarely a person's name.
    pub common: bool,
}

/// What the whole text says about how words are written.
struct Usage<'t> {
    /// Words seen in lower case somewhere ("markets", "shares").
    lower: HashSet<&'t str>,
    /// Capitalized words seen away from a sentence start.
    mid_caps: HashSet<&'t str>,
}

impl<'t> Usage<'t> {
    fn of(tokens: &'t [Token<'_>]) -> Usage<'t> {
        let mut lower = HashSet::default();
        let mut mid_caps = HashSet::default();
        for t in tokens.iter().filter(|t| t.word) {
            if t.is_cap() {
                if !t.sent_start {
                    mid_caps.insert(t.lower());
                }
            } else if t.text.chars().next().is_some_and(char::is_lowercase) {
                lower.insert(t.lower());
            }
        }
        Usage { lower, mid_caps }
    }
}

/// Finds every candidate name in `tokens`.
pub(crate) fn candidates(text: &str, tokens: &[Token<'_>]) -> Vec<Candidate> {
    let usage = Usage::of(tokens);
    let headlines = headline_paragraphs(tokens);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !tokens[i].is_cap() {
            i += 1;
            continue;
        }
        if headlines.contains(&tokens[i].para) {
            let j = run_end(tokens, i, false);
            headline_ngrams(i, j, &mut out);
            i = j + 1;
            continue;
        }
        let j = run_end(tokens, i, true);
        for (s, e) in split_connectors(text, tokens, i, j) {
            clean_segment(text, tokens, s, e, &usage, &mut out);
        }
        i = j + 1;
    }
    out
}

/// Last token of the capitalized run starting at `i`.
fn run_end(tokens: &[Token<'_>], i: usize, connectors: bool) -> usize {
    let same = |a: usize, b: usize| tokens[a].para == tokens[b].para;
    let mut j = i;
    loop {
        let k = j + 1;
        if k >= tokens.len() || !same(i, k) {
            break;
        }
        if tokens[k].is_cap() && !tokens[k].sent_start {
            // Title-case text: "Written By Feb" stops before "By".
            if RUN_BREAKERS.contains(tokens[k].lower()) && !tokens[k].is_acronym() {
                break;
            }
            j = k;
            continue;
        }
        if !connectors {
            break;
        }
        let t = &tokens[k];
        // "Thomas W. Malone": the stop after a middle initial.
        if t.text == "."
            && tokens[j].text.chars().count() == 1
            && j > i
            && first_name(tokens[j - 1].text).is_some()
            && tokens
                .get(k + 1)
                .is_some_and(|n| n.is_cap() && same(i, k + 1))
        {
            j = k + 1;
            continue;
        }
        // "Women's Tennis Association", "People's Bank of China".
        if !t.word
            && t.text.ends_with('s')
            && NAME_POSSESSIVES.contains(tokens[j].lower())
            && tokens
                .get(k + 1)
                .is_some_and(|n| n.is_cap() && same(i, k + 1))
        {
            j = k + 1;
            continue;
        }
        if (t.word && CONNECTORS.contains(t.lower())) || t.text == "&" {
            let mut m = k + 1;
            if m < tokens.len()
                && tokens[m].lower == "the"
                && matches!(t.lower(), "of" | "for" | "on")
            {
                m += 1;
            }
            if m < tokens.len() && same(i, m) && tokens[m].is_cap() && !tokens[m].sent_start {
                j = m;
                continue;
            }
        }
        break;
    }
    j
}

fn span_text<'t>(text: &'t str, tokens: &[Token<'_>], s: usize, e: usize) -> &'t str {
    &text[tokens[s].start..tokens[e].end]
}

fn is_head(t: &Token<'_>) -> bool {
    org_like(t.lower()) || LOC_HEADS.contains(t.lower())
}

/// Splits a run at connectors that do not belong to a name.
fn split_connectors(
    text: &str,
    tokens: &[Token<'_>],
    mut a: usize,
    b: usize,
) -> Vec<(usize, usize)> {
    if lookup(span_text(text, tokens, a, b)).is_some() {
        return vec![(a, b)];
    }
    // "The Securities and Exchange Commission": judge the name without "The".
    if a < b && tokens[a].lower == "the" {
        a += 1;
        if lookup(span_text(text, tokens, a, b)).is_some() {
            return vec![(a, b)];
        }
    }
    let mut segments = Vec::new();
    let mut start = a;
    let mut k = a;
    while k <= b {
        let t = &tokens[k];
        let head_conn = t.text == "&" || (!t.is_cap() && HEAD_CONNECTORS.contains(t.lower()));
        if k > start && head_conn {
            let keep = match t.lower() {
                "&" => true,
                // "Securities and Exchange Commission", not "Texas and Ohio".
                "and" => {
                    let known = lookup(span_text(text, tokens, start, k - 1)).is_some()
                        || lookup(span_text(text, tokens, k + 1, b)).is_some();
                    !known
                        && org_like(&tokens[b].lower)
                        && (k - 1 == start || !is_head(&tokens[k - 1]))
                }
                // "Bank of England", "Secretary of State", not "Okafor of Nigeria".
                _ => {
                    let next = tokens[k + 1..=b].iter().find(|x| x.is_cap());
                    !next.is_some_and(|n| NEVER_ALONE.contains(n.lower()))
                        && (tokens[start..k].iter().any(is_head)
                            || TITLES.contains(tokens[k - 1].lower()))
                }
            };
            if !keep {
                segments.push((start, k - 1));
                let mut next = k + 1;
                while next <= b && !tokens[next].is_cap() {
                    next += 1;
                }
                start = next;
                k = next;
                continue;
            }
        }
        k += 1;
    }
    if start <= b {
        segments.push((start, b));
    }
    segments
}

/// Strips sentence words, nationality words and titles; emits what is left.
fn clean_segment(
    text: &str,
    tokens: &[Token<'_>],
    mut s: usize,
    mut e: usize,
    usage: &Usage,
    out: &mut Vec<Candidate>,
) {
    let mut initial = tokens[s].sent_start;
    // Sentence words in front: "The", "However", "After".
    while s <= e && lookup(span_text(text, tokens, s, e)).is_none() {
        // After "The", a capital is a name's ("The Millbrook council").
        if s > 0 && matches!(tokens[s - 1].lower(), "the" | "a" | "an") && tokens[s].is_cap() {
            initial = false;
        }
        let t = &tokens[s];
        let function = FUNCTION.contains(t.lower());
        // "US officials", "the WHO": capitals make these names, not words.
        let breaker = RUN_BREAKERS.contains(t.lower()) && !t.is_acronym();
        let function = function && !t.is_acronym();
        if t.lower == "the" || breaker || (function && (initial || t.sent_start)) || !t.is_cap() {
            s += 1;
        } else {
            break;
        }
    }
    // Dates at either end: "Ends January", "Monday Okafor".
    let date = |t: &Token<'_>| NEVER_ALONE.contains(t.lower()) && !t.is_acronym();
    while s < e && date(&tokens[e]) {
        e -= 1;
    }
    while s < e && date(&tokens[s]) {
        s += 1;
    }
    if s > e {
        return;
    }
    if lookup(span_text(text, tokens, s, e)).is_some() {
        push(out, s, e, Vec::new(), None);
        return;
    }
    // Shouted text ("SACHA PFEIFFER:", "MUST INCLUDE YOUR NAME") is not a
    // name; acronyms are short.
    let words: Vec<&Token<'_>> = tokens[s..=e].iter().filter(|t| t.word).collect();
    let letters = |t: &&Token<'_>| t.text.chars().filter(|c| c.is_alphabetic()).count();
    let shouted = |t: &&Token<'_>| letters(t) >= 2 && !t.text.chars().any(char::is_lowercase);
    if words.iter().all(shouted)
        && ((words.len() >= 2 && words.iter().any(|t| letters(t) >= 5))
            || words.iter().any(|t| letters(t) >= 6))
    {
        return;
    }
    // A post without a name ("Chief Product Officer", "Bank of England
    // Governor"): only what stands before the title can be a name.
    if e > s && JOB_HEADS.contains(tokens[e].lower()) {
        emit_prefix(text, tokens, s, e, out);
        return;
    }
    // Titles: everything up to the last title word in front of the name
    // ("Finance Minister", "Cyber Security Minister", "NASA Administrator").
    let mut titles = Vec::new();
    let mut gender = None;
    let last_title = (s..e).rfind(|&k| TITLES.contains(tokens[k].lower()));
    let rest_is_name = |r: usize| {
        tokens[r].is_cap()
            && !tokens[r..=e].iter().any(is_head)
            && lookup(span_text(text, tokens, r, e)).is_none_or(|k| k.city)
    };
    match last_title {
        Some(t) if rest_is_name(t + 1) => {
            for tok in &tokens[s..=t] {
                let l = tok.lower();
                if TITLES.contains(l) {
                    titles.push(l.trim_end_matches('.').to_owned());
                    gender = gender.or_else(|| honorific_gender(l));
                }
            }
            emit_prefix(text, tokens, s, t, out);
            s = t + 1;
        }
        _ => {
            // "Democrat Elena Ruiz": a nationality or party word in front of a person.
            let has_head = tokens[s..=e].iter().any(is_head);
            if e > s && is_demonym(tokens[s].text) && !has_head {
                s += 1;
            }
        }
    }
    if s == e {
        let t = &tokens[s];
        if NEVER_ALONE.contains(t.lower()) || is_demonym(t.text) {
            return;
        }
        let determiner = s > 0 && matches!(tokens[s - 1].lower(), "the" | "a" | "an");
        let starts_sentence = t.sent_start || (initial && titles.is_empty() && !determiner);
        let known = lookup(t.text).is_some() || t.is_acronym();
        if starts_sentence
            && titles.is_empty()
            && !known
            && (!usage.mid_caps.contains(t.lower()) || usage.lower.contains(t.lower()))
        {
            return;
        }
    } else if tokens[s].sent_start && titles.is_empty() {
        // "Markets Minister" never happens, but "Water activists" does: a
        // sentence-initial common word in front of a name is dropped.
        let t = &tokens[s];
        let known = lookup(t.text).is_some() || first_name(t.text).is_some();
        if !known && usage.lower.contains(t.lower()) && !tokens[s..=e].iter().any(is_head) {
            return clean_segment(text, tokens, s + 1, e, usage, out);
        }
    }
    // "FA Cup", "Cold War", "Housing Act": events and documents are left out.
    if e > s
        && EVENT_HEADS.contains(tokens[e].lower())
        && lookup(span_text(text, tokens, s, e)).is_none()
    {
        return;
    }
    push(out, s, e, titles, gender);
    if let Some(c) = out.last_mut() {
        c.common = tokens[s..=e]
            .iter()
            .any(|t| t.is_cap() && usage.lower.contains(t.lower()));
    }
}

/// What stands before the title word at `t` may itself be a name: "Bank of
/// England Governor …", "NASA Administrator …", "Assistant US Attorney …".
fn emit_prefix(text: &str, tokens: &[Token<'_>], s: usize, t: usize, out: &mut Vec<Candidate>) {
    let is_title = |k: usize| {
        let l = tokens[k].lower();
        TITLES.contains(l) || TITLE_QUALIFIERS.contains(l)
    };
    let first_title = (s..t).find(|&k| is_title(k)).unwrap_or(t);
    let mut from = s;
    if first_title > s {
        let last = first_title - 1;
        if lookup(span_text(text, tokens, s, last)).is_some()
            || (last > s && tokens[s..=last].iter().any(is_head))
        {
            push(out, s, last, Vec::new(), None);
            from = first_title;
        }
    }
    for (k, tok) in tokens.iter().enumerate().take(t).skip(from) {
        let known = lookup(tok.text).is_some() || tok.is_acronym();
        if tok.is_cap() && known && !TITLES.contains(tok.lower()) && !is_demonym(tok.text) {
            push(out, k, k, Vec::new(), None);
        }
    }
}

fn push(
    out: &mut Vec<Candidate>,
    first: usize,
    last: usize,
    titles: Vec<String>,
    gender: Option<Gender>,
) {
    out.push(Candidate {
        first,
        last,
        titles,
        gender,
        headline: false,
        common: false,
    });
}

/// Every n-gram of up to five capitalized words in a headline run.
fn headline_ngrams(i: usize, j: usize, out: &mut Vec<Candidate>) {
    for a in i..=j {
        for b in a..=j.min(a + 4) {
            out.push(Candidate {
                first: a,
                last: b,
                titles: Vec::new(),
                gender: None,
                headline: true,
                common: false,
            });
        }
    }
}

/// Paragraphs that look like title-case headlines: short, no final stop,
/// most words capitalized.
fn headline_paragraphs(tokens: &[Token<'_>]) -> HashSet<usize> {
    let mut out = HashSet::default();
    let mut start = 0;
    while start < tokens.len() {
        let para = tokens[start].para;
        let mut end = start;
        while end + 1 < tokens.len() && tokens[end + 1].para == para {
            end += 1;
        }
        let para_tokens = &tokens[start..=end];
        let words = para_tokens.iter().filter(|t| t.word).count();
        let ends_sentence = matches!(tokens[end].text, "." | "!" | "?" | "\"" | "”" | ":");
        // Only short lines can be headlines: skip the counting for the rest.
        if (3..=20).contains(&words) && !ends_sentence {
            let content = para_tokens
                .iter()
                .filter(|t| t.word && !(t.lower.len() <= 3 && FUNCTION.contains(t.lower())));
            let (caps, total) =
                content.fold((0, 0), |(c, n), t| (c + usize::from(t.is_cap()), n + 1));
            if caps * 10 >= total * 7 {
                out.insert(para);
            }
        }
        start = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn names(text: &str) -> Vec<(String, Vec<String>)> {
        let tokens = tokenize(text);
        candidates(text, &tokens)
            .into_iter()
            .filter(|c| !c.headline)
            .map(|c| {
                (
                    text[tokens[c.first].start..tokens[c.last].end].to_owned(),
                    c.titles,
                )
            })
            .collect()
    }

    fn just_names(text: &str) -> Vec<String> {
        names(text).into_iter().map(|n| n.0).collect()
    }

    #[test]
    fn titles_are_stripped_and_kept() {
        let n = names("Yesterday Finance Minister Amara Okafor spoke to Ms Okafor's aides.");
        assert_eq!(
            n[0],
            ("Amara Okafor".to_owned(), vec!["minister".to_owned()])
        );
        assert_eq!(n[1], ("Okafor".to_owned(), vec!["ms".to_owned()]));
    }

    #[test]
    fn connectors_stay_in_org_names_only() {
        assert_eq!(
            just_names("He met the Bank of England and visited Texas and Ohio."),
            ["Bank of England", "Texas", "Ohio"]
        );
        assert_eq!(
            just_names("Officials at the Securities and Exchange Commission agreed."),
            ["Securities and Exchange Commission"]
        );
    }

    #[test]
    fn sentence_initial_common_words_are_dropped() {
        let text = "Markets reacted calmly. The markets in Lagos rose. Growth was slow.";
        assert_eq!(just_names(text), ["Lagos"]);
        let text = "Okafor left early. Later, the minister Okafor returned.";
        assert_eq!(just_names(text), ["Okafor", "Okafor"]);
    }

    #[test]
    fn nationality_words_are_not_names() {
        let text =
            "Nigerian officials met Spanish Prime Minister Pedro Sánchez and Democrat Elena Ruiz.";
        assert_eq!(just_names(text), ["Pedro Sánchez", "Elena Ruiz"]);
    }

    #[test]
    fn middle_initials_and_shouting() {
        assert_eq!(
            just_names(
                "The study by Thomas W. Malone found it. PLEASE SEND YOUR NAME. CORRESPONDENT: Hi."
            ),
            ["Thomas W. Malone"]
        );
    }

    #[test]
    fn any_words_before_a_title_are_stripped() {
        let n = names("It was Digital Affairs Minister Jan Novak who spoke.");
        assert_eq!(n, [("Jan Novak".to_owned(), vec!["minister".to_owned()])]);
        // A title word inside an organization name is no title.
        assert_eq!(
            just_names("It was General Electric again."),
            ["General Electric"]
        );
    }

    #[test]
    fn a_post_without_a_name_is_not_a_name() {
        assert_eq!(
            just_names("Ramy Haddad, Chief Cyber Solutions Officer at Kelda Labs, spoke."),
            ["Ramy Haddad", "Kelda Labs"]
        );
        assert_eq!(just_names("The NASA Administrator spoke."), ["NASA"]);
    }

    #[test]
    fn compound_adjectives_title_case_and_contractions() {
        assert_eq!(
            just_names("An AI-powered tool from US-based Kelda Labs."),
            ["Kelda Labs"]
        );
        assert_eq!(just_names("Then: Written By Maria Lopez."), ["Maria Lopez"]);
        assert_eq!(just_names("It’s late. I’m Sergio Ramos."), ["Sergio Ramos"]);
    }

    #[test]
    fn known_prefix_before_a_title_is_its_own_name() {
        assert_eq!(
            just_names("It was NASA Administrator Janet Petro who spoke."),
            ["NASA", "Janet Petro"]
        );
    }

    #[test]
    fn title_case_headline_is_flagged() {
        let text = "Chipmaker Plans Big Plant In Arizona\n\nThe plant opens in Arizona.";
        let tokens = tokenize(text);
        let cands = candidates(text, &tokens);
        assert!(
            cands
                .iter()
                .filter(|c| tokens[c.first].para == 0)
                .all(|c| c.headline)
        );
        assert!(
            cands
                .iter()
                .any(|c| !c.headline && tokens[c.first].text == "Arizona")
        );
    }
}
