//! Tests of the quotation stage, one cue pattern each.

use super::*;
use crate::record::Quote;

fn quotes(text: &str) -> Vec<Quote> {
    extract(text, &entities::analyze(text))
}

fn one(text: &str) -> Quote {
    let q = quotes(text);
    assert_eq!(q.len(), 1, "{q:?}");
    q.into_iter().next().unwrap()
}

#[test]
fn name_then_told_reporters() {
    let q = one("Amara Okafor met critics. \"We will not back down,\" Okafor told reporters.");
    assert_eq!(q.text, "We will not back down,");
    assert_eq!(q.speaker.as_deref(), Some("Amara Okafor"));
    assert_eq!(q.cue.as_deref(), Some("told"));
    assert!(!q.partial);
}

#[test]
fn said_then_name() {
    let q = one("“The reform is painful,” said Adebayo Salami, an economist.");
    assert_eq!(q.speaker.as_deref(), Some("Adebayo Salami"));
    assert_eq!(q.cue.as_deref(), Some("said"));
}

#[test]
fn name_said_colon() {
    let q = one("Bello Adamu spoke first. Adamu said: \"The bill is dead.\"");
    assert_eq!(q.speaker.as_deref(), Some("Bello Adamu"));
    assert!(!q.partial);
}

#[test]
fn pronoun_takes_nearest_person_of_fitting_gender() {
    let text = "Ms Amara Okafor and Mr Bello Adamu debated. Okafor left early. \
                He said: \"I stayed to the end.\"";
    assert_eq!(one(text).speaker.as_deref(), Some("Bello Adamu"));
    let text = "Mr Bello Adamu met Ms Amara Okafor. She said: \"It went well.\"";
    assert_eq!(one(text).speaker.as_deref(), Some("Amara Okafor"));
}

#[test]
fn according_to_names_the_speaker() {
    let q = one(
        "The region is \"on the front line of a drier Mediterranean\", according to Ana Iglesias, a professor.",
    );
    assert_eq!(q.speaker.as_deref(), Some("Ana Iglesias"));
    assert_eq!(q.cue.as_deref(), Some("according to"));
    assert!(q.partial);
}

#[test]
fn scare_quotes_and_single_words_are_dropped() {
    let text =
        "Lawmakers called the plan a \"fantasy\". The so-called \"peace dividend\" never came.";
    assert!(quotes(text).is_empty(), "{:?}", quotes(text));
}

#[test]
fn fragment_in_reported_speech_is_partial() {
    let text =
        "Senator Bello Adamu warned that the bill would be \"dead on arrival\" in the Senate.";
    let q = one(text);
    assert_eq!(q.text, "dead on arrival");
    assert_eq!(q.speaker.as_deref(), Some("Bello Adamu"));
    assert!(q.partial);
}

#[test]
fn nominal_speaker_finds_the_person_with_that_role() {
    let text =
        "Senator Jack Thornton lost to Elena Ruiz. \"I respect their decision,\" the senator said.";
    assert_eq!(one(text).speaker.as_deref(), Some("Jack Thornton"));
}

#[test]
fn quote_over_paragraphs_has_one_speaker() {
    let text = "Council leader Tony Dyer spoke.\n\n\"Young people are priced out.\n\n\"If we do nothing, the city changes,\" Dyer said.";
    let q = one(text);
    assert_eq!(
        q.text,
        "Young people are priced out. If we do nothing, the city changes,"
    );
    assert_eq!(q.speaker.as_deref(), Some("Tony Dyer"));
}

#[test]
fn split_quote_and_follow_on_sentence_keep_the_speaker() {
    let text =
        "\"We will fight,\" Mr Kofi Mensah said, \"and we will win.\" \"Nobody can stop us.\"";
    let q = quotes(text);
    assert_eq!(q.len(), 3, "{q:?}");
    assert!(
        q.iter()
            .all(|q| q.speaker.as_deref() == Some("Kofi Mensah"))
    );
    assert!(q.iter().all(|q| !q.partial));
}

#[test]
fn unattributed_quote_has_no_speaker() {
    let q = one("\"Nobody knows what happens next.\"");
    assert_eq!(q.speaker, None);
}

#[test]
fn surname_ending_like_an_adverb_is_still_a_name() {
    let text = "The coach, Craig Donnelly, was calm. \"It broke up quickly,\" Donnelly said.";
    assert_eq!(one(text).speaker.as_deref(), Some("Craig Donnelly"));
}

#[test]
fn a_one_megabyte_article_is_handled() {
    let para = "Senator Bello Adamu warned that the bill would be \"dead on arrival\". \
                \"We will not back down,\" Amara Okafor told reporters in Lagos. \
                Critics called it a \"fantasy\".\n\n";
    let text = para.repeat(1024 * 1024 / para.len() + 1);
    let analysis = entities::analyze(&text);
    assert_eq!(analysis.entities.len(), 3, "{:?}", analysis.entities);
    let q = extract(&text, &analysis);
    assert_eq!(q.len(), 2 * (1024 * 1024 / para.len() + 1));
    assert!(q.iter().all(|q| q.speaker.is_some()));
}

#[test]
fn list_of_scare_quotes_is_dropped() {
    let text = "A logic of “outcomes,” “assessment,” and “the bottom-line” is eroding values.";
    assert!(quotes(text).is_empty(), "{:?}", quotes(text));
    let q = quotes("Senator Ada Obi said the plan was \"too little, too late\" at best.");
    assert_eq!(q.len(), 1);
    assert!(q[0].partial);
}

#[test]
fn it_said_is_the_nearest_organization() {
    let text = "Mr Lars Eriksen left Nordic Air in May. \"We regret his departure,\" it said.";
    assert_eq!(one(text).speaker.as_deref(), Some("Nordic Air"));
}

#[test]
fn stage_fills_quotes_from_the_record_text() {
    let mut record = crate::record::Article::new(chrono::Utc::now());
    record.text = "\"We will win,\" said Amara Okafor.".to_owned();
    let mut doc = crate::extract::Doc::parse("<p></p>", None, record);
    entities::run(&mut doc).unwrap();
    run(&mut doc).unwrap();
    assert_eq!(doc.record.quotes.len(), 1);
    assert_eq!(
        doc.record.quotes[0].speaker.as_deref(),
        Some("Amara Okafor")
    );
}

#[test]
fn an_unnamed_spokesman_is_no_earlier_speaker() {
    let text = "Amara Okafor criticised the firm. A spokesman said: \"We regret the delay.\"";
    assert_eq!(one(text).speaker, None);
}

#[test]
fn odd_text_never_panics() {
    let texts = [
        "",
        "\"",
        "“”",
        "\"\n\n\"",
        "“Unclosed\n\n“still open",
        "Mr. . . U.S. A. B. C.",
        "’s 's ' Z’s al- el- -",
        "\"\"\"\" said said: said, according to",
        "ÉCOLE Ünïcödé Ωμέγα 東京 said \"こんにちは\" 🙂 Okafor said.",
        "He said: \"x\" she said \"y\" it said \"z z\"",
        "The The The Of Of And & & Bank of",
        "Mrs\u{301}. Smith\u{0301} said \"ok ok ok ok\"",
    ];
    for t in texts {
        let a = entities::analyze(t);
        let _ = extract(t, &a);
    }
}
