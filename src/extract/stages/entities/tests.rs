//! Tests of the whole entity stage, one pattern each.

use super::*;
use crate::record::Article;

fn find<'a>(a: &'a Analysis, name: &str) -> &'a Found {
    a.entities
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no entity {name} in {:?}", a.entities))
}

#[test]
fn surname_and_honorific_join_the_full_name() {
    let a = analyze(
        "Amara Okafor spoke on Monday. Okafor said the plan would work. \
         Critics disagreed, but Ms Okafor was firm.",
    );
    let e = find(&a, "Amara Okafor");
    assert_eq!(e.kind, Kind::Person);
    assert_eq!(e.mentions, 3);
    assert_eq!(e.aliases, ["Okafor"]);
    assert_eq!(e.gender, Gender::Female);
    assert_eq!(
        a.entities.iter().filter(|e| e.kind == Kind::Person).count(),
        1
    );
}

#[test]
fn countries_and_cities_are_places_never_persons() {
    let a = analyze(
        "The Federal Republic of Germany signed the deal. Germany will pay, \
         officials in Berlin said.",
    );
    let e = find(&a, "Federal Republic of Germany");
    assert_eq!(e.kind, Kind::Location);
    assert_eq!(e.aliases, ["Germany"]);
    assert_eq!(find(&a, "Berlin").kind, Kind::Location);
}

#[test]
fn acronyms_and_known_organizations() {
    let a = analyze("The EU and NATO met the WHO in Geneva. The World Health Organization agreed.");
    assert_eq!(find(&a, "EU").kind, Kind::Organization);
    assert_eq!(find(&a, "NATO").kind, Kind::Organization);
    let who = find(&a, "World Health Organization");
    assert_eq!(who.aliases, ["WHO"]);
}

#[test]
fn acronym_joins_the_organization_it_abbreviates() {
    let a = analyze("The Zorvian Mining Corporation said profits fell. ZMC shares slid.");
    let e = find(&a, "Zorvian Mining Corporation");
    assert_eq!(e.kind, Kind::Organization);
    assert!(e.aliases.contains(&"ZMC".to_owned()));
}

#[test]
fn titles_make_persons_and_are_not_names() {
    let a = analyze("Finance Minister Kofi Mensah met President Zelensky and Dr Ilse Vermeer.");
    let names: Vec<&str> = a.entities.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["Kofi Mensah", "Zelensky", "Ilse Vermeer"]);
    assert!(a.entities.iter().all(|e| e.kind == Kind::Person));
    assert!(
        find(&a, "Kofi Mensah")
            .roles
            .contains(&"minister".to_owned())
    );
}

#[test]
fn demonyms_are_not_entities() {
    let a = analyze("Nigerian officials and French investors met American bankers.");
    assert!(a.entities.is_empty(), "{:?}", a.entities);
}

#[test]
fn sentence_initial_words_are_not_names() {
    let a = analyze(
        "Markets fell sharply. Shares in Verdant Holdings dropped. Despite this, traders stayed.",
    );
    let names: Vec<&str> = a.entities.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["Verdant Holdings"]);
}

#[test]
fn headline_counts_only_known_names() {
    let a = analyze(
        "Chipmaker Plans Giant Plant In Arizona\n\nThe plant will open in Arizona next year.",
    );
    let names: Vec<&str> = a.entities.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["Arizona"]);
    assert_eq!(a.entities[0].mentions, 2);
}

#[test]
fn context_types_unknown_places() {
    let a = analyze("Residents of the village of Amizmiz fled to Kasese.");
    assert_eq!(find(&a, "Amizmiz").kind, Kind::Location);
    assert_eq!(find(&a, "Kasese").kind, Kind::Location);
}

#[test]
fn mentions_point_at_their_entity() {
    let text = "Bello Adamu arrived. Adamu said little.";
    let a = analyze(text);
    assert_eq!(a.mentions.len(), 2);
    assert_eq!(&text[a.mentions[1].start..a.mentions[1].end], "Adamu");
    assert_eq!(a.mentions[1].entity, a.mentions[0].entity);
}

#[test]
fn capital_after_the_is_a_name_even_at_a_sentence_start() {
    let a = analyze("The Millbrook city council voted on Monday.");
    assert_eq!(find(&a, "Millbrook").kind, Kind::Location);
}

#[test]
fn role_before_a_preposition_does_not_type_the_next_name() {
    // "officer at Zentrix": Zentrix is where the officer works, not a person.
    let a = analyze(
        "Mara Lind, chief security officer at Zentrix, said it grew. The firm Zentrix said so.",
    );
    assert_eq!(find(&a, "Zentrix").kind, Kind::Organization);
    assert_eq!(find(&a, "Mara Lind").kind, Kind::Person);
}

#[test]
fn stage_fills_english_records_and_skips_others_silently() {
    let text = "Finance Minister Amara Okafor spoke in Lagos.";
    let mut record = Article::new(chrono::Utc::now());
    record.text = text.to_owned();
    let mut doc = crate::extract::Doc::parse("<p></p>", None, record.clone());
    run(&mut doc).unwrap();
    assert_eq!(doc.record.entities.len(), 2);

    record.language = Some(crate::record::Language {
        code: "fr".into(),
        confidence: 0.9,
    });
    let mut doc = crate::extract::Doc::parse("<p></p>", None, record);
    run(&mut doc).unwrap();
    assert!(doc.record.entities.is_empty());
    assert!(doc.record.warnings.is_empty());
}

#[test]
fn acronym_at_the_start_of_a_name_is_kept() {
    let a = analyze("Crews from the BC Wildfire Service arrived on Monday.");
    assert_eq!(find(&a, "BC Wildfire Service").kind, Kind::Organization);
}

#[test]
fn to_and_from_do_not_make_a_two_word_name_a_place() {
    let a = analyze("The award went to Genaveve Bradshaw. The model Y. Together they won.");
    assert_eq!(find(&a, "Genaveve Bradshaw").kind, Kind::Person);
    assert!(
        a.entities.iter().all(|e| !e.name.contains("Together")),
        "{:?}",
        a.entities
    );
}
