//! The `language` stage: which language the main text is written in.
//!
//! The text decides, not the page's declaration: many sites declare
//! `lang="en"` in a template shared by every edition. whatlang (trigram
//! statistics, 70 languages, no model files) reads a bounded sample of the
//! text, so the cost does not grow with article length. Only when the text
//! is too short to tell, or the detector is unsure, does the stage fall back
//! to what the page declares (`<html lang>`, `content-language`,
//! `og:locale`), with confidence 0 so consumers can tell the two apart.

use whatlang::Lang;

use super::super::StageError;
use super::super::doc::Doc;
use super::prefix;
use crate::extract::metadata::declared_language;
use crate::extract::metadata::sources::MetaTags;
use crate::record::Language;

/// Bytes of the main text the detector reads: a few paragraphs are plenty,
/// and a bound keeps the stage's cost flat on very long texts.
const SAMPLE_BYTES: usize = 1024;

/// Fewer letters than this and the detector's answer is a guess: the
/// declaration wins.
const MIN_LETTERS: usize = 60;

/// Fills `record.language`.
pub fn run(doc: &mut Doc) -> Result<(), StageError> {
    let detected = detect(&doc.record.text);
    let language = match detected {
        Some((lang, true)) => Some(lang),
        // Unsure or too short: the page's declaration (which the metadata
        // stage may already have put in the record), else the detector's guess.
        unsure => doc
            .record
            .language
            .take()
            .filter(|l| l.confidence == 0.0)
            .or_else(|| declared_language(doc, &MetaTags::collect(doc)))
            .or(unsure.map(|(lang, _)| lang)),
    };
    doc.record.language = language;
    Ok(())
}

/// The detected language of `text` and whether the detector is sure;
/// `None` when the text has too few letters to say anything.
pub fn detect(text: &str) -> Option<(Language, bool)> {
    let sample = prefix(text, SAMPLE_BYTES);
    // At least MIN_LETTERS letters (counting stops there).
    sample
        .chars()
        .filter(|c| c.is_alphabetic())
        .nth(MIN_LETTERS - 1)?;
    let info = whatlang::detect(sample)?;
    let language = Language {
        code: iso639_1(info.lang()).to_owned(),
        confidence: (info.confidence() * 1000.0).round() / 1000.0,
    };
    Some((language, info.is_reliable()))
}

/// ISO 639-1 code of a whatlang language (whatlang speaks ISO 639-3).
///
/// No wildcard arm: a whatlang upgrade that adds a language fails to
/// compile here instead of writing a wrong code.
fn iso639_1(lang: Lang) -> &'static str {
    match lang {
        Lang::Epo => "eo",
        Lang::Eng => "en",
        Lang::Rus => "ru",
        Lang::Cmn => "zh",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Ben => "bn",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ukr => "uk",
        Lang::Kat => "ka",
        Lang::Ara => "ar",
        Lang::Hin => "hi",
        Lang::Jpn => "ja",
        Lang::Heb => "he",
        Lang::Yid => "yi",
        Lang::Pol => "pl",
        Lang::Amh => "am",
        Lang::Jav => "jv",
        Lang::Kor => "ko",
        Lang::Nob => "nb",
        Lang::Dan => "da",
        Lang::Swe => "sv",
        Lang::Fin => "fi",
        Lang::Tur => "tr",
        Lang::Nld => "nl",
        Lang::Hun => "hu",
        Lang::Ces => "cs",
        Lang::Ell => "el",
        Lang::Bul => "bg",
        Lang::Bel => "be",
        Lang::Mar => "mr",
        Lang::Kan => "kn",
        Lang::Ron => "ro",
        Lang::Slv => "sl",
        Lang::Hrv => "hr",
        Lang::Srp => "sr",
        Lang::Mkd => "mk",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Tam => "ta",
        Lang::Vie => "vi",
        Lang::Urd => "ur",
        Lang::Tha => "th",
        Lang::Guj => "gu",
        Lang::Uzb => "uz",
        Lang::Pan => "pa",
        Lang::Aze => "az",
        Lang::Ind => "id",
        Lang::Tel => "te",
        Lang::Pes => "fa",
        Lang::Mal => "ml",
        Lang::Ori => "or",
        Lang::Mya => "my",
        Lang::Nep => "ne",
        Lang::Sin => "si",
        Lang::Khm => "km",
        Lang::Tuk => "tk",
        Lang::Aka => "ak",
        Lang::Zul => "zu",
        Lang::Sna => "sn",
        Lang::Afr => "af",
        Lang::Lat => "la",
        Lang::Slk => "sk",
        Lang::Cat => "ca",
        Lang::Tgl => "tl",
        Lang::Hye => "hy",
        Lang::Cym => "cy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Article;
    use chrono::Utc;

    const EN: &str = "The finance minister said on Tuesday that the government would \
        raise spending on schools and hospitals next year, after months of pressure from \
        unions and opposition parties who had warned of a crisis in public services.";
    const DE: &str = "Die Finanzministerin sagte am Dienstag, die Regierung werde im \
        kommenden Jahr mehr Geld für Schulen und Krankenhäuser ausgeben, nachdem \
        Gewerkschaften und Opposition monatelang vor einer Krise gewarnt hatten.";
    const FR: &str = "Le ministre des Finances a déclaré mardi que le gouvernement \
        augmenterait l'année prochaine les dépenses consacrées aux écoles et aux hôpitaux, \
        après des mois de pression de la part des syndicats et de l'opposition.";

    fn doc(html: &str, text: &str) -> Doc {
        let mut record = Article::new(Utc::now());
        record.text = text.to_owned();
        Doc::parse(html, None, record)
    }

    fn language_of(html: &str, text: &str) -> Option<Language> {
        let mut d = doc(html, text);
        run(&mut d).unwrap();
        d.record.language
    }

    #[test]
    fn detects_english_german_french() {
        for (text, code) in [(EN, "en"), (DE, "de"), (FR, "fr")] {
            let l = language_of("<html><body></body></html>", text).unwrap();
            assert_eq!(l.code, code, "{text}");
            assert!(l.confidence > 0.5, "{l:?}");
        }
    }

    #[test]
    fn text_beats_a_wrong_declaration() {
        let l = language_of(r#"<html lang="en-GB"><body></body></html>"#, DE).unwrap();
        assert_eq!(l.code, "de");
    }

    #[test]
    fn short_text_falls_back_to_html_lang() {
        let l = language_of(r#"<html lang="fr-FR"><body></body></html>"#, "Merci.").unwrap();
        assert_eq!(l.code, "fr");
        assert_eq!(l.confidence, 0.0);
    }

    #[test]
    fn short_text_falls_back_to_og_locale() {
        let html = r#"<html><head><meta property="og:locale" content="de_DE"></head></html>"#;
        let l = language_of(html, "").unwrap();
        assert_eq!(l.code, "de");
    }

    #[test]
    fn nothing_known_gives_none() {
        assert_eq!(language_of("<p>x</p>", "OK"), None);
    }

    #[test]
    fn sample_is_cut_on_a_char_boundary() {
        let text = "é".repeat(SAMPLE_BYTES);
        assert!(prefix(&text, SAMPLE_BYTES + 1).len() <= SAMPLE_BYTES + 1);
        assert_eq!(prefix(&text, 3), "é");
    }
}
