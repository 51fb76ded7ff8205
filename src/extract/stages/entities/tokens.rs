//! Words and punctuation with byte offsets, sentence starts and paragraphs.
//!
//! Capitalization only means "name" away from sentence starts, so the tokenizer
//! marks the first word of every sentence, paragraph and quotation. Possessive
//! `'s` is split off so that "Okafor's" is a mention of "Okafor".

use std::borrow::Cow;

use super::lexicon::ABBREVIATIONS;

/// One word or punctuation mark of the text.
#[derive(Debug, Clone)]
pub(crate) struct Token<'a> {
    /// The token as written.
    pub text: &'a str,
    /// Lower-case form, for the word lists; borrowed from the text when the
    /// token is already lower case (most words, all punctuation).
    pub lower: Cow<'a, str>,
    /// Starts with a capital letter (see [`Token::is_cap`]), decided once.
    cap: bool,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// False for punctuation.
    pub word: bool,
    /// First word of a sentence, paragraph or quotation.
    pub sent_start: bool,
    /// Paragraph (line) number, from 0.
    pub para: usize,
}

impl<'a> Token<'a> {
    /// A token of `text[start..end]` (`text` is that slice) with its
    /// lower-case form.
    fn new(
        text: &'a str,
        lower: Cow<'a, str>,
        start: usize,
        word: bool,
        sent_start: bool,
        para: usize,
    ) -> Self {
        let cap = word && starts_capitalized(text, &lower);
        Token {
            text,
            lower,
            cap,
            start,
            end: start + text.len(),
            word,
            sent_start,
            para,
        }
    }

    /// The lower-case form.
    pub(crate) fn lower(&self) -> &str {
        &self.lower
    }

    /// Starts with a capital letter (or is an `al-`/`el-` name such as "al-Assad").
    pub(crate) fn is_cap(&self) -> bool {
        self.cap
    }

    /// Written in capitals, two letters or more ("NATO", "U.S.").
    pub(crate) fn is_acronym(&self) -> bool {
        self.word
            && self.text.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && self
                .text
                .chars()
                .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '.' || c == '&')
    }
}

/// Endings of compound adjectives: "AI-powered" and "US-based" are not names.
const COMPOUND_TAILS: &[&str] = &[
    "based",
    "powered",
    "driven",
    "led",
    "backed",
    "owned",
    "made",
    "born",
    "style",
    "era",
    "wide",
    "linked",
    "run",
    "funded",
    "related",
    "like",
    "type",
    "friendly",
    "focused",
    "centric",
    "specific",
    "level",
    "scale",
    "speaking",
    "controlled",
    "occupied",
    "held",
    "bound",
    "registered",
    "listed",
    "built",
    "designed",
    "produced",
    "sponsored",
    "affiliated",
    "aligned",
    "allied",
    "educated",
    "trained",
    "inspired",
    "themed",
    "flagged",
    "generated",
    "enabled",
    "first",
    "only",
    "free",
    "ready",
    "native",
];

/// The rule behind [`Token::is_cap`] for a word token.
fn starts_capitalized(text: &str, lower: &str) -> bool {
    if is_compound_adjective(lower) {
        return false;
    }
    let rest = ["al-", "el-"]
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .unwrap_or(text);
    rest.chars().next().is_some_and(char::is_uppercase)
}

fn is_compound_adjective(lower: &str) -> bool {
    lower
        .rsplit_once('-')
        .is_some_and(|(_, tail)| COMPOUND_TAILS.contains(&tail))
}

/// Lower case with curly apostrophes straightened; borrowed when `word`
/// is already in that form, else allocating once.
fn fold_lower(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        if !word.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Borrowed(word);
        }
        return Cow::Owned(word.to_ascii_lowercase());
    }
    let lower = word.to_lowercase();
    if lower.contains('’') {
        Cow::Owned(lower.replace('’', "'"))
    } else if lower == word {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(lower)
    }
}

/// `to_lowercase`, borrowed when that changes nothing.
fn lower_case(s: &str) -> Cow<'_, str> {
    if s.is_ascii() && !s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Borrowed(s)
    } else {
        let lower = s.to_lowercase();
        if lower == s {
            Cow::Borrowed(s)
        } else {
            Cow::Owned(lower)
        }
    }
}

const OPENING_QUOTES: &[char] = &['"', '“', '‘', '«', '('];

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// Splits `text` into tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Token<'_>> {
    // About one token (word or mark) per five bytes of English.
    let mut tokens: Vec<Token<'_>> = Vec::with_capacity(text.len() / 5 + 8);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let mut para = 0;
    let mut next_starts = true;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            if c == '\n' {
                if tokens.last().is_some_and(|t| t.para == para) {
                    para += 1;
                }
                next_starts = true;
            }
            i += 1;
            continue;
        }
        if is_word_char(c) {
            let mut j = i + 1;
            while j < chars.len() {
                let cj = chars[j].1;
                let next_is_word = || chars.get(j + 1).is_some_and(|&(_, n)| is_word_char(n));
                if is_word_char(cj)
                    || (matches!(cj, '\'' | '’' | '-' | '.' | '&') && next_is_word())
                {
                    // A full stop only joins single letters: "U.S", not "end.Next".
                    if cj == '.' && !initials_so_far(&chars[i..j]) {
                        break;
                    }
                    j += 1;
                } else {
                    break;
                }
            }
            // "U.S." keeps its final stop.
            if j < chars.len() && chars[j].1 == '.' && initials_so_far(&chars[i..j]) && j - i > 1 {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(p, _)| p);
            let mut word = &text[pos..end];
            let mut possessive = None;
            for suffix in ["'s", "’s"] {
                if let Some(stem) = word.strip_suffix(suffix)
                    && stem.chars().count() > 1
                {
                    possessive = Some((pos + stem.len(), end));
                    word = stem;
                    break;
                }
            }
            tokens.push(Token::new(
                word,
                fold_lower(word),
                pos,
                true,
                next_starts,
                para,
            ));
            if let Some((s, e)) = possessive {
                let t = &text[s..e];
                tokens.push(Token::new(t, lower_case(t), s, false, false, para));
            }
            next_starts = false;
            i = j;
            continue;
        }
        let end = chars.get(i + 1).map_or(text.len(), |&(p, _)| p);
        let prev = tokens.last();
        next_starts = match c {
            '.' => !prev.is_some_and(|t| {
                t.word && (ABBREVIATIONS.contains(t.lower()) || is_initial(t.text))
            }),
            '!' | '?' | ':' | ';' => true,
            c if OPENING_QUOTES.contains(&c) => {
                next_starts || chars.get(i + 1).is_some_and(|&(_, n)| !n.is_whitespace())
            }
            _ => next_starts,
        };
        let t = &text[pos..end];
        tokens.push(Token::new(t, Cow::Borrowed(t), pos, false, false, para));
        i += 1;
    }
    tokens
}

/// True when `chars` so far look like initials: "U", "U.S", "U.K".
fn initials_so_far(chars: &[(usize, char)]) -> bool {
    chars.iter().enumerate().all(|(k, &(_, c))| {
        if k % 2 == 0 {
            c.is_uppercase()
        } else {
            c == '.'
        }
    })
}

/// A single capital letter: the initial in "John F. Kennedy".
fn is_initial(word: &str) -> bool {
    let mut cs = word.chars();
    cs.next().is_some_and(char::is_uppercase) && cs.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, bool)> {
        tokenize(text)
            .into_iter()
            .filter(|t| t.word)
            .map(|t| (t.text.to_owned(), t.sent_start))
            .collect()
    }

    #[test]
    fn sentence_starts_and_abbreviations() {
        let w = words("Mr. Okafor spoke. Then Ms Adamu left! \"We won,\" she said.");
        let starts: Vec<&str> = w.iter().filter(|x| x.1).map(|x| x.0.as_str()).collect();
        assert_eq!(starts, ["Mr", "Then", "We"]);
    }

    #[test]
    fn possessives_and_acronyms() {
        let toks = tokenize("Okafor's plan and the U.S. budget; Nigeria’s debt.");
        let w: Vec<&str> = toks.iter().filter(|t| t.word).map(|t| t.text).collect();
        assert_eq!(
            w,
            [
                "Okafor", "plan", "and", "the", "U.S.", "budget", "Nigeria", "debt"
            ]
        );
        assert!(toks.iter().any(|t| t.text == "U.S." && t.is_acronym()));
    }

    #[test]
    fn hyphens_and_paragraphs() {
        let toks = tokenize("Lin Mei-hua said.\n\nAl-Assad al-Bashir");
        assert_eq!(toks[1].text, "Mei-hua");
        let last = toks.last().unwrap();
        assert_eq!(last.text, "al-Bashir");
        assert!(last.is_cap());
        assert_eq!(last.para, 1);
    }
}
