//! Stages over the main text: they turn a page's words into data an
//! analyst can count (language, key phrases, near-duplicate fingerprints).
//!
//! - [`language`]: ISO 639-1 code and confidence of the main text.
//! - [`keywords`]: key phrases with scores (English only).
//! - [`dedup`]: SimHash of the text and the bounded index that finds an
//!   earlier near-duplicate.
//!
//! Also here: [`is_english`], the guard of the English-only stages, and
//! [`reading_time_minutes`], the cheap reading figure every record gets.

pub mod dedup;
pub mod keywords;
pub mod language;

use crate::record::Article;

/// Whether the English-only stages should run on this record: true unless
/// a language other than English is known. A record with no language at
/// all (no text, no declaration) counts as English, so those stages simply
/// find nothing instead of being skipped with a warning.
pub fn is_english(record: &Article) -> bool {
    record.language.as_ref().is_none_or(|l| l.code == "en")
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

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_time_minutes(0), 0);
        assert_eq!(reading_time_minutes(1), 1);
        assert_eq!(reading_time_minutes(230), 1);
        assert_eq!(reading_time_minutes(231), 2);
        assert_eq!(reading_time_minutes(1150), 5);
    }
}
