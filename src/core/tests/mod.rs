//! Table-driven native tests of the configuration reader and the decisions.

mod config;
mod decide;
mod languages;
mod proptests;
mod session;

use super::config::{read_config, read_language_file, Config, Parsed};
use super::i18n::{Text, Texts};
use super::record::{Choice, Method, Record, Source};
use super::signals::{Dnt, Gpc, Signals};
use serde_json::Value;

/// The texts of a language file shipped in `i18n/`, which must read without a problem.
fn shipped(lang: &str) -> Vec<(Text, String)> {
    let path = format!("{}/i18n/{lang}.json", env!("CARGO_MANIFEST_DIR"));
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    read_language_file(&file, lang).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The texts a visitor of a shipped language sees: English, then that language's file.
fn shipped_texts(lang: &str) -> Texts {
    Config::default().texts_for(lang, shipped(lang))
}

/// Reads a configuration from a `serde_json::json!` value.
fn read(v: &Value) -> Parsed {
    read_config(v)
}

/// A configuration that must read without any problem.
fn config(v: Value) -> Config {
    let p = read(&v);
    assert!(p.problems.is_empty(), "unexpected problems: {:?}", lines(&p));
    p.config
}

/// Every problem as `error: path: message` or `warning: path: message`, in the order found.
fn lines(p: &Parsed) -> Vec<String> {
    p.problems.iter().map(|x| format!("{}: {}", if x.is_error { "error" } else { "warning" }, x.line())).collect()
}

/// `(category, granted, source)` triples, the shape every expected table row uses.
type Row<'a> = (&'a str, bool, Source);

fn choices(rows: &[Row]) -> Vec<Choice> {
    rows.iter().map(|(c, g, s)| Choice { category: (*c).to_owned(), granted: *g, source: *s }).collect()
}

fn record(revision: &str, updated: u64, rows: &[Row]) -> Record {
    Record {
        id: "r1".into(),
        created: updated,
        updated,
        revision: revision.into(),
        choices: choices(rows),
        signals: NO_SIGNALS,
        language: "en".into(),
        method: Method::Banner,
        sdk_version: "0.0.0".into(),
    }
}

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| (*s).to_owned()).collect()
}

const NO_SIGNALS: Signals = Signals { dnt: Dnt::Unset, gpc: Gpc::Absent };
const GPC: Signals = Signals { dnt: Dnt::Unset, gpc: Gpc::True };
const DNT: Signals = Signals { dnt: Dnt::On, gpc: Gpc::Absent };
const BOTH: Signals = Signals { dnt: Dnt::On, gpc: Gpc::True };
