//! The language files in `i18n/`: exactly the shipped languages, each with every text and nothing
//! else, and the same placeholders as English.

use super::shipped;
use crate::core::config::read_language_file;
use crate::core::i18n::{Text, Texts, ALL, SHIPPED};
use serde_json::{json, Value};

/// The `{placeholder}` names in a text, in order.
fn placeholders(s: &str) -> Vec<&str> {
    s.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect()
}

#[test]
fn the_i18n_directory_holds_exactly_the_shipped_languages() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/i18n");
    let mut files: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    files.sort();
    let mut want: Vec<String> = SHIPPED.split(' ').map(|l| format!("{l}.json")).collect();
    want.sort();
    assert_eq!(files, want);
}

#[test]
fn every_shipped_file_has_every_text_and_nothing_else() {
    let english = Texts::new("en", vec![]);
    for lang in SHIPPED.split(' ') {
        // `shipped` fails on any problem: an unknown key, a value that is not a string, a missing
        // text, another language, or any other configuration field.
        let texts = shipped(lang);
        assert_eq!(texts.len(), ALL.len(), "{lang}");
        for (t, value) in &texts {
            let key = t.key();
            assert!(!value.trim().is_empty(), "{lang}.{key} is empty");
            assert_eq!(placeholders(value), placeholders(english.get(*t)), "{lang}.{key}: placeholders differ from English");
            assert!(!value.contains('<'), "{lang}.{key}: texts are plain text, not HTML");
            // A text left in English by mistake (brand names are the same in every language).
            if ![Text::GoogleAnalytics, Text::GoogleAds].contains(t) {
                assert_ne!(value, english.get(*t), "{lang}.{key} is still English");
            }
        }
    }
}

#[test]
fn a_broken_or_incomplete_file_is_rejected_whole() {
    let all: serde_json::Map<String, Value> = ALL.iter().map(|t| (t.key().to_owned(), json!("x"))).collect();
    let with = |f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut texts = all.clone();
        f(&mut texts);
        json!({ "texts": { "fr": texts } })
    };
    assert_eq!(read_language_file(&with(&|_| {}), "fr").map(|t| t.len()), Ok(ALL.len()));
    let cases = [
        json!([]),
        json!({ "texts": { "de": all.clone() } }),
        json!({ "text": {} }),
        json!({ "texts": [] }),
        with(&|t| void(t.insert("acceptAll".into(), json!(1)))),
        with(&|t| void(t.insert("acceptAl".into(), json!("x")))),
        with(&|t| void(t.remove("save"))),
    ];
    // What a file must hold, not the reader's message (a mark in the release wasms).
    for file in cases {
        assert_eq!(
            read_language_file(&file, "fr"),
            Err("expected every text as a string, under texts.<its language>".to_owned()),
            "{file}"
        );
    }
}

fn void<T>(_: T) {}

#[test]
fn the_schema_lists_exactly_the_text_names() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/consent-gate.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let names = &schema["properties"]["texts"]["additionalProperties"]["propertyNames"]["enum"];
    let want: Vec<Value> = ALL.iter().map(|t| json!(t.key())).collect();
    assert_eq!(names, &Value::Array(want));
}
