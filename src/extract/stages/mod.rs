//! Stages over the main text: they turn a page's words into data an
//! analyst can count (language, who is named, who said what, key phrases,
//! near-duplicate fingerprints).
//!
//! - [`language`]: ISO 639-1 code and confidence of the main text.
//! - [`entities`]: people, organizations and places, once per article (English only).
//! - [`quotes`]: direct quotations with their speakers (English only).
//! - [`keywords`]: key phrases with scores (English only).
//! - [`dedup`]: SimHash of the text and the bounded index that finds an
//!   earlier near-duplicate.
//!
//! Also here: [`is_english`], the guard of the English-only stages,
//! [`analysed_text`], the bound on what they read, and
//! [`reading_time_minutes`], the cheap reading figure every record gets.

pub mod dedup;
pub mod entities;
pub mod keywords;
pub mod language;
pub mod quotes;

use crate::record::Article;

/// Whether the English-only stages should run on this record: true unless
/// a language other than English is known. A record with no language at
/// all (no text, no declaration) counts as English, so those stages simply
/// find nothing instead of being skipped with a warning.
pub fn is_english(record: &Article) -> bool {
    record.language.as_ref().is_none_or(|l| l.code == "en")
}

/// The most text, in bytes, that the entities, quotes and keywords stages
/// read: seven times the longest article text of the development pages
/// (74 KB). Their memory grows with the text (the entities stage needs about
/// seventy bytes per character), and a page that is megabytes of text is no
/// article to find speakers in: they read its start, and the record says so
/// ([`analysis_warning`]).
pub const MAX_ANALYSED_BYTES: usize = 512 * 1024;

/// `text` up to [`MAX_ANALYSED_BYTES`], ending at the last paragraph break
/// before the limit (or, in one giant paragraph, at a character boundary).
pub fn analysed_text(text: &str) -> &str {
    if text.len() <= MAX_ANALYSED_BYTES {
        return text;
    }
    let head = prefix(text, MAX_ANALYSED_BYTES);
    head.rfind("\n\n").map_or(head, |end| &head[..end])
}

/// At most `max` bytes from the start of `s`, cut on a character boundary.
fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The warning a record gets when [`analysed_text`] cut its text for the
/// English-only stages (those that ran on it).
pub fn analysis_warning(record: &Article) -> Option<String> {
    (record.text.len() > MAX_ANALYSED_BYTES && is_english(record)).then(|| {
        format!(
            "entities, quotes and keywords read only the first {} KiB of the {} KiB text",
            MAX_ANALYSED_BYTES / 1024,
            record.text.len() / 1024
        )
    })
}

/// Adult silent reading speed for non-fiction, words per minute.
pub const READING_WORDS_PER_MINUTE: usize = 230;

/// Minutes to read `word_count` words, rounded up (a 20-word brief still
/// takes "1 minute"); 0 only for no words.
pub fn reading_time_minutes(word_count: usize) -> usize {
    word_count.div_ceil(READING_WORDS_PER_MINUTE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Language;
    use chrono::Utc;

    #[test]
    fn long_texts_are_read_up_to_a_paragraph_break_before_the_limit() {
        assert_eq!(analysed_text("short text"), "short text");
        let para = "word ".repeat(1000);
        let text = vec![para.trim_end(); 200].join("\n\n");
        assert!(text.len() > MAX_ANALYSED_BYTES);
        let head = analysed_text(&text);
        assert!(head.len() <= MAX_ANALYSED_BYTES && head.len() > MAX_ANALYSED_BYTES - para.len());
        assert!(head.ends_with("word") && text.starts_with(head));
        // One paragraph of multi-byte characters: cut on a character.
        let text = "é".repeat(MAX_ANALYSED_BYTES);
        let head = analysed_text(&text);
        assert_eq!(head.len(), MAX_ANALYSED_BYTES);
        let mut r = Article::new(Utc::now());
        r.text = text;
        assert!(analysis_warning(&r).is_some_and(|w| w.contains("512 KiB")));
        r.text = "short".into();
        assert_eq!(analysis_warning(&r), None);
    }

    #[test]
    fn english_unless_another_language_is_known() {
        let mut r = Article::new(Utc::now());
        assert!(is_english(&r));
        r.language = Some(Language {
            code: "de".into(),
            confidence: 0.9,
        });
        assert!(!is_english(&r));
        r.language = Some(Language {
            code: "en".into(),
            confidence: 0.0,
        });
        assert!(is_english(&r));
    }

    /// About `bytes` of English-like text: sentences of words drawn
    /// pseudo-randomly from the test story, paragraphs of five sentences.
    fn long_text(bytes: usize) -> String {
        let story = include_str!("../../../tests/fixtures/dedup/story.txt");
        let vocab: Vec<&str> = story.split_whitespace().collect();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        let mut text = String::with_capacity(bytes + 200);
        let mut sentences = 0;
        while text.len() < bytes {
            let len = 8 + next(12);
            for i in 0..len {
                let w = vocab[next(vocab.len())].trim_matches(|c: char| !c.is_alphanumeric());
                if i > 0 {
                    text.push(' ');
                }
                text.push_str(w);
            }
            text.push_str(". ");
            sentences += 1;
            if sentences % 5 == 0 {
                text.push_str("\n\n");
            }
        }
        text
    }

    /// A 1 MB article goes through every text stage and comes out whole:
    /// nothing in them is quadratic enough to stall (their time per byte
    /// is measured by `benches/stages.rs`).
    #[test]
    fn one_megabyte_article_completes() {
        let text = long_text(1 << 20);
        let (lang, sure) = language::detect(&text).unwrap();
        assert_eq!(lang.code, "en");
        assert!(sure);
        let kw = keywords::extract(&text, 15);
        assert_eq!(kw.len(), 15);
        let hash = dedup::simhash(&text).unwrap();
        let edited = text.replacen("harbour", "harbor", 3);
        assert!(dedup::distance(hash, dedup::simhash(&edited).unwrap()) <= 2);

        let html = format!(
            "<html><body><article><p>{}</p></article></body></html>",
            text.replace("\n\n", "</p><p>")
        );
        let record = crate::Pipeline::new(&crate::config::ExtractConfig::default())
            .run(crate::extract::Page::from_bytes(html.into_bytes(), None));
        assert!(record.word_count > 150_000, "{}", record.word_count);
        assert_eq!(record.language.map(|l| l.code).as_deref(), Some("en"));
        assert!(record.keywords.len() == 15 && record.simhash.is_some());
        assert_eq!(
            record.reading_time_minutes,
            reading_time_minutes(record.word_count)
        );
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_time_minutes(0), 0);
        assert_eq!(reading_time_minutes(1), 1);
        assert_eq!(reading_time_minutes(230), 1);
        assert_eq!(reading_time_minutes(231), 2);
        assert_eq!(reading_time_minutes(1150), 5);
    }
}
