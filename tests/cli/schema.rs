//! `schema/article.schema.json` against the record type: the schema is
//! valid, complete, and rejects records that drift from it.

use super::*;

/// The schema file itself: valid 2020-12, and strict enough to catch drift.
#[test]
fn schema_is_valid_and_strict() {
    use newswire::record::{
        Article, DateField, DateSource, Entity, FeedInfo, HttpInfo, Keyword, Language, Quote,
        Status,
    };

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/article.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::meta::validate(&schema).expect("schema is a valid JSON Schema");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let v = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();

    // A record with every optional part filled in, as serde writes it.
    let now = chrono::Utc::now();
    let mut a = Article::new(now);
    a.id = "0123456789abcdef0123456789abcdef".into();
    a.url = Some("https://ex.com/a".into());
    a.canonical_url = Some("https://ex.com/a".into());
    a.final_url = Some("https://ex.com/a".into());
    a.http = Some(HttpInfo {
        status: 200,
        content_type: Some("text/html".into()),
        charset: Some("utf-8".into()),
        bytes: 1234,
        elapsed_ms: 56,
    });
    a.feed = Some(FeedInfo {
        url: "https://ex.com/feed.xml".into(),
        title: Some("Ex".into()),
        entry_id: Some("tag:ex.com,2024:1".into()),
        entry_title: Some("A".into()),
        entry_published: Some(now),
        categories: vec!["World".into()],
        tags: vec!["news".into()],
    });
    a.title = Some("A".into());
    a.authors = vec!["Jane Roe".into()];
    let date = DateField {
        value: "2024-05-17T10:00:00+02:00".into(),
        raw: "17 May 2024".into(),
        source: DateSource::JsonLd,
    };
    a.published = Some(date.clone());
    a.modified = Some(DateField {
        source: DateSource::Text,
        ..date
    });
    a.language = Some(Language {
        code: "en".into(),
        confidence: 0.9,
    });
    a.text = "Words.".into();
    a.markdown = Some("**Words.**".into());
    a.word_count = 1;
    a.entities = vec![Entity {
        name: "Jane Roe".into(),
        kind: "person".into(),
        mentions: 2,
        aliases: vec!["Roe".into()],
    }];
    a.quotes = vec![
        Quote {
            text: "Hello".into(),
            speaker: Some("Jane Roe".into()),
            cue: Some("said".into()),
            partial: true,
        },
        Quote {
            text: "Bye".into(),
            speaker: None,
            cue: None,
            partial: false,
        },
    ];
    a.keywords = vec![Keyword {
        term: "words".into(),
        score: 0.5,
    }];
    a.simhash = Some("0123456789abcdef".into());
    a.duplicate_of = Some("fedcba9876543210fedcba9876543210".into());
    a.status = Status::ConsentWall;
    a.warnings = vec!["w".into()];
    let full = serde_json::to_value(&a).unwrap();
    let errors: Vec<String> = v.iter_errors(&full).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}\n{full}");
    assert_eq!(full["quotes"][0]["partial"], true);
    assert!(full["quotes"][1].get("partial").is_none());

    // Every serialized key is declared, and every declared key is required
    // (except `partial`, which serde omits when false, and `markdown`,
    // written only when asked for).
    fn check_keys(schema: &Value, instance: &Value, at: &str) {
        let props = schema["properties"].as_object().unwrap();
        let obj = instance.as_object().unwrap();
        let declared: std::collections::BTreeSet<&str> = props.keys().map(String::as_str).collect();
        let written: std::collections::BTreeSet<&str> = obj.keys().map(String::as_str).collect();
        let mut required: std::collections::BTreeSet<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert_eq!(declared, written, "{at}: declared vs written keys");
        assert_eq!(schema["additionalProperties"], false, "{at}");
        required.insert("partial");
        required.insert("markdown");
        assert!(declared.is_subset(&required), "{at}: not all required");
        for (k, p) in props {
            assert!(p["description"].is_string(), "{at}.{k}: no description");
        }
    }
    let props = &schema["properties"];
    check_keys(&schema, &full, "record");
    for key in [
        "http",
        "feed",
        "published",
        "modified",
        "language",
        "producer",
    ] {
        check_keys(&props[key], &full[key], key);
    }
    for key in ["entities", "quotes", "keywords"] {
        check_keys(&props[key]["items"], &full[key][0], key);
    }
    // A fresh record (nulls and empty lists everywhere) validates too.
    let mut fresh = serde_json::to_value(Article::new(now)).unwrap();
    fresh["id"] = "00000000000000000000000000000000".into();
    assert!(v.is_valid(&fresh), "{fresh}");

    // Each of these breaks the contract and must be rejected.
    type Breakage = Box<dyn Fn(&mut Value)>;
    let broken: Vec<(&str, Breakage)> = vec![
        ("extra key", Box::new(|r| r["extra"] = 1.into())),
        (
            "missing key",
            Box::new(|r| drop(r.as_object_mut().unwrap().remove("title"))),
        ),
        (
            "wrong schema",
            Box::new(|r| r["schema"] = "newswire.article/2".into()),
        ),
        ("short id", Box::new(|r| r["id"] = "abc".into())),
        (
            "upper-case id",
            Box::new(|r| r["id"] = "0123456789ABCDEF0123456789ABCDEF".into()),
        ),
        ("bad status", Box::new(|r| r["status"] = "fine".into())),
        (
            "bad date source",
            Box::new(|r| r["published"]["source"] = "html".into()),
        ),
        (
            "extra date key",
            Box::new(|r| r["published"]["tz"] = "UTC".into()),
        ),
        ("bad simhash", Box::new(|r| r["simhash"] = "xyz".into())),
        (
            "partial not bool",
            Box::new(|r| r["quotes"][0]["partial"] = "yes".into()),
        ),
        (
            "extra quote key",
            Box::new(|r| r["quotes"][1]["lang"] = "en".into()),
        ),
        (
            "extra http key",
            Box::new(|r| r["http"]["server"] = "nginx".into()),
        ),
        (
            "negative count",
            Box::new(|r| r["word_count"] = (-1).into()),
        ),
        (
            "bad fetched_at",
            Box::new(|r| r["fetched_at"] = "yesterday".into()),
        ),
        ("null text", Box::new(|r| r["text"] = Value::Null)),
        (
            "author not string",
            Box::new(|r| r["authors"] = serde_json::json!([1])),
        ),
    ];
    for (what, breakage) in broken {
        let mut r = full.clone();
        breakage(&mut r);
        assert!(!v.is_valid(&r), "schema accepted a record with {what}");
    }
}
