//! The later stages through the binary: near-duplicates across one run,
//! entities and quotations in the record.

use super::*;

/// Two copies of one story (the second with a wire dateline and another
/// headline) in one `extract` run: the second names the first as its
/// near-duplicate; an unrelated page does not.
#[test]
fn near_duplicate_inputs_are_marked_across_one_run() {
    let story = std::fs::read_to_string(fixture("dedup/story.txt")).unwrap();
    let page = |title: &str, text: &str| {
        let paragraphs: String = text
            .split("\n\n")
            .map(|p| format!("<p>{p}</p>\n"))
            .collect();
        format!(
            "<html lang=\"en\"><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.html");
    let copy = dir.path().join("copy.html");
    std::fs::write(&first, page("Eastmere dock strike ends", &story)).unwrap();
    std::fs::write(
        &copy,
        page(
            "Port workers back after deal",
            &format!("EASTMERE (Wire) - {story}\n\nReporting by Jane Doe."),
        ),
    )
    .unwrap();
    let out = newswire()
        .arg("extract")
        .args([&first, &copy])
        .arg(fixture("article.html"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 3);
    assert_ne!(recs[0]["id"], recs[1]["id"]);
    assert_eq!(recs[0]["duplicate_of"], Value::Null);
    assert_eq!(recs[1]["duplicate_of"], recs[0]["id"]);
    assert_eq!(recs[2]["duplicate_of"], Value::Null);
    assert_eq!(recs[0]["language"]["code"], "en");
    assert!(recs[0]["keywords"].as_array().unwrap().len() >= 3);
    assert!(recs[0]["reading_time_minutes"].as_u64().unwrap() >= 1);
}

#[test]
fn extract_fills_entities_and_quotes() {
    let out = newswire()
        .arg("extract")
        .arg(fixture("article.html"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let rec = &records(&out.stdout)[0];
    let entities = rec["entities"].as_array().unwrap();
    let delaney = entities
        .iter()
        .find(|e| e["name"] == "Ruth Delaney")
        .unwrap_or_else(|| panic!("no Ruth Delaney in {entities:?}"));
    assert_eq!(delaney["type"], "person");
    assert!(
        entities
            .iter()
            .any(|e| e["name"] == "Millbrook" && e["type"] == "location"),
        "{entities:?}"
    );
    let quotes = rec["quotes"].as_array().unwrap();
    assert_eq!(quotes.len(), 2, "{quotes:?}");
    assert!(
        quotes
            .iter()
            .all(|q| q["speaker"] == "Ruth Delaney" && q["cue"] == "told")
    );
}
