//! Words and punctuation with byte offsets, sentence starts and paragraphs.
//!
//! Capitalization only means "name" away from sentence starts, so the tokenizer
//! marks the first word of every sentence, paragraph and quotation. Possessive
//! `'s` is split off so that "Okafor's" is a mention of "Okafor".

use super::lexicon::ABBREVIATIONS;

/// One word or punctuation mark of the text.
#[derive(Debug, Clone)]
pub(crate) struct Token<'a> {
    /// The token as written.
    pub text: &'a str,
    /// Lower-case form, for the word lists.
    pub lower: String,
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

impl Token<'_> {
    /// Starts with a capital letter (or is an `al-`/`el-` name such as "al-Assad").
    pub(crate) fn is_cap(&self) -> bool {
        if !self.word || is_compound_adjective(&self.lower) {
            return false;
        }
        let rest = ["al-", "el-"]
            .iter()
            .find_map(|p| self.text.strip_prefix(p))
            .unwrap_or(self.text);
        rest.chars().next().is_some_and(char::is_uppercase)
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

fn is_compound_adjective(lower: &str) -> bool {
    lower
        .rsplit_once('-')
        .is_some_and(|(_, tail)| COMPOUND_TAILS.contains(&tail))
}

/// Lower case with curly apostrophes straightened, allocating once.
fn fold_lower(word: &str) -> String {
    let lower = word.to_lowercase();
    if lower.contains('’') {
        lower.replace('’', "'")
    } else {
        lower
    }
}

const OPENING_QUOTES: &[char] = &['"', '“', '‘', '«', '('];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Splits `text` into tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens: Vec<Token<'_>> = Vec::new();
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
                let next_is_word = chars.get(j + 1).is_some_and(|&(_, n)| is_word_char(n));
                if is_word_char(cj) || (matches!(cj, '\'' | '’' | '-' | '.' | '&') && next_is_word)
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
            tokens.push(Token {
                text: word,
                lower: fold_lower(word),
                start: pos,
                end: pos + word.len(),
                word: true,
                sent_start: next_starts,
                para,
            });
            if let Some((s, e)) = possessive {
                tokens.push(Token {
                    text: &text[s..e],
                    lower: text[s..e].to_lowercase(),
                    start: s,
                    end: e,
                    word: false,
                    sent_start: false,
                    para,
                });
            }
            next_starts = false;
            i = j;
            continue;
        }
        let end = chars.get(i + 1).map_or(text.len(), |&(p, _)| p);
        let prev = tokens.last();
        next_starts = match c {
            '.' => !prev.is_some_and(|t| {
                t.word && (ABBREVIATIONS.contains(t.lower.as_str()) || is_initial(t.text))
            }),
            '!' | '?' | ':' | ';' => true,
            c if OPENING_QUOTES.contains(&c) => {
                next_starts || chars.get(i + 1).is_some_and(|&(_, n)| !n.is_whitespace())
            }
            _ => next_starts,
        };
        tokens.push(Token {
            text: &text[pos..end],
            lower: text[pos..end].to_owned(),
            start: pos,
            end,
            word: false,
            sent_start: false,
            para,
        });
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
