//! Tests of the keywords stage: expected phrases, no stopword edges, no
//! boilerplate, relative scores, the English-only guard, the tokenizer.

use super::*;

pub(crate) const STORY: &str = "Central bank raises interest rates to fight inflation

The Bank of England raised interest rates for the fifth time in a row on Thursday, \
lifting the base rate to 4.5% as the central bank tries to bring inflation back under control. \
Governor Andrew Bailey said inflation had fallen more slowly than expected. \
Higher interest rates make mortgages more expensive for millions of households.

Economists had expected the rise. Mortgage lenders said they would pass the higher \
interest rates on to customers within days. The central bank also warned that food prices \
were still climbing, and that inflation would stay above its target until next year.

Click here to subscribe to our newsletter. Read more about mortgages and inflation.";

fn terms(text: &str, n: usize) -> Vec<String> {
    extract(text, n).into_iter().map(|k| k.term).collect()
}

#[test]
fn finds_the_story_phrases() {
    let got = terms(STORY, 8);
    assert!(got.len() >= 5, "{got:?}");
    assert!(got.iter().any(|t| t == "interest rates"), "{got:?}");
    assert!(got.iter().any(|t| t == "inflation"), "{got:?}");
    assert!(got.iter().any(|t| t.contains("central bank")), "{got:?}");
}

#[test]
fn no_stopword_edges_boilerplate_or_repeats() {
    let got = terms(STORY, 15);
    for t in &got {
        assert_eq!(t, &t.to_lowercase());
        let words: Vec<&str> = t.split(' ').collect();
        assert!(!is_stopword(words[0]), "{t}");
        assert!(!is_stopword(words[words.len() - 1]), "{t}");
        assert!(!t.contains("newsletter") && !t.contains("click"), "{t}");
    }
    for (i, a) in got.iter().enumerate() {
        for b in &got[i + 1..] {
            assert!(!format!(" {a} ").contains(&format!(" {b} ")), "{a} / {b}");
            assert!(!format!(" {b} ").contains(&format!(" {a} ")), "{a} / {b}");
        }
    }
}

#[test]
fn scores_fall_from_one() {
    let got = extract(STORY, 10);
    assert_eq!(got[0].score, 1.0);
    for w in got.windows(2) {
        assert!(w[0].score >= w[1].score, "{got:?}");
        assert!(w[1].score > 0.0 && w[1].score <= 1.0);
    }
}

#[test]
fn short_or_empty_text_gives_nothing() {
    assert!(extract("", 10).is_empty());
    assert!(extract("Interest rates rose again.", 10).is_empty());
    assert!(extract(&"... !!! ,,, ".repeat(100), 10).is_empty());
}

#[test]
fn acronyms_are_kept_and_numbers_are_not() {
    let text = "NATO leaders met in Brussels. NATO said the EU and NATO would \
            share costs of 2,000 million. The EU agreed. NATO members and EU members \
            discussed defence spending in 2024 and defence spending in 2025 at length today.";
    let got = terms(text, 6);
    assert!(
        got.iter().any(|t| t.split(' ').any(|w| w == "nato")),
        "{got:?}"
    );
    assert!(
        got.iter().any(|t| t.split(' ').any(|w| w == "eu")),
        "{got:?}"
    );
    assert!(
        !got.iter().any(|t| t.chars().any(|c| c.is_ascii_digit())),
        "{got:?}"
    );
}

#[test]
fn skipped_for_other_languages() {
    use crate::record::{Article, Language};
    let mut record = Article::new(chrono::Utc::now());
    record.text = STORY.to_owned();
    record.word_count = 150;
    record.language = Some(Language {
        code: "de".into(),
        confidence: 0.9,
    });
    let mut doc = Doc::parse("", None, record);
    run(&mut doc).unwrap();
    assert!(doc.record.keywords.is_empty());
    doc.record.language = None;
    run(&mut doc).unwrap();
    assert_eq!(doc.record.keywords.len(), 5);
}

#[test]
fn tokenizer_handles_possessives_and_ellipses() {
    let t = Tokens::read("Okafor’s plan… U.S. officials’ view");
    let words: Vec<&str> = t
        .tokens
        .iter()
        .map(|x| t.surfaces[x.surface as usize].as_str())
        .collect();
    assert_eq!(words, ["okafor", "plan", "u.s", "officials", "view"]);
    assert_eq!(t.sentences, 3);
}

#[test]
fn vague_words_only_inside_phrases() {
    let text = "People in New York waited for hours. People said the New York subway \
        was late again, and people complained to the New York transit authority. \
        Transit officials blamed signal failures on the New York subway for the delays \
        that left people stranded on platforms across the city during the morning rush.";
    let got = terms(text, 8);
    assert!(!got.iter().any(|t| t == "people" || t == "new"), "{got:?}");
    assert!(got.iter().any(|t| t.starts_with("new york")), "{got:?}");
}

#[test]
fn same_text_same_keywords() {
    let first = extract(STORY, 15);
    for _ in 0..5 {
        assert_eq!(extract(STORY, 15), first);
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    let long_word = "a".repeat(200_000);
    let inputs = [
        long_word.as_str(),
        "’s ’s 's '' -- .. && ..a.. a-",
        "Ünïcödé wörds ÄÖÜ straße İstanbul ǅemal ﬁnance ﬁnance ﬁnance",
        "مرحبا بالعالم هذا نص عربي طويل بما يكفي مرحبا بالعالم هذا نص عربي طويل بما يكفي",
        "😀 🎉 emoji 😀 between words 🎉 and 😀 more emoji words and 🎉 more words here today",
        "e\u{301}cole e\u{301}cole \u{200b}zero\u{200b}width words \u{feff} and more words to count",
    ];
    for text in inputs {
        let repeated = format!("{text} ").repeat(30);
        for kw in extract(&repeated, 10) {
            assert!(kw.score > 0.0 && kw.score <= 1.0, "{kw:?}");
            assert_eq!(kw.term, kw.term.to_lowercase());
        }
    }
}

#[test]
fn headline_counts_as_the_first_sentence() {
    use crate::record::Article;
    let mut record = Article::new(chrono::Utc::now());
    record.text = STORY.to_owned();
    record.word_count = 800;
    record.title = Some("Threadneedle Street verdict".to_owned());
    let mut doc = Doc::parse("", None, record);
    run(&mut doc).unwrap();
    let got: Vec<&str> = doc
        .record
        .keywords
        .iter()
        .map(|k| k.term.as_str())
        .collect();
    assert!(got.iter().any(|t| t.contains("threadneedle")), "{got:?}");
    assert_eq!(
        terms(STORY, 8)
            .iter()
            .filter(|t| t.contains("threadneedle"))
            .count(),
        0
    );
}
