//! Property tests: no input makes the reader, the matcher, the negotiation or the cookie parser
//! panic or hang, and what they return keeps its invariants.

use crate::core::config::{is_region_code, is_safe_href, read_config, Block, Config, Inline, Parsed};
use crate::core::decide::{allowed, effective, plan, regional_default, status};
use crate::core::glob::{glob, normalize_path, path_matches};
use crate::core::i18n::{language, needs_file, negotiate};
use crate::core::record::{Choice, Method, Record, Source};
use crate::core::signals::{Dnt, Gpc, Signals};
use proptest::prelude::*;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Field names and values the reader knows, so that random documents reach deep into it.
const WORDS: &[&str] = &[
    "$schema",
    "revision",
    "language",
    "privacyUrl",
    "categories",
    "googleAnalytics",
    "googleAds",
    "consentMode",
    "waitForUpdate",
    "urlPassthrough",
    "adsDataRedaction",
    "services",
    "signals",
    "sensitivePaths",
    "regions",
    "lifetime",
    "cookie",
    "log",
    "texts",
    "notice",
    "nonce",
    "reloadOnWithdraw",
    "reopenButton",
    "debug",
    "id",
    "title",
    "description",
    "required",
    "default",
    "name",
    "category",
    "cookies",
    "dnt",
    "gpc",
    "choiceOverridesGpc",
    "codes",
    "defaults",
    "granted",
    "denied",
    "domain",
    "sameSite",
    "secure",
    "endpoint",
    "pageViews",
    "sections",
    "heading",
    "blocks",
    "p",
    "h3",
    "list",
    "controls",
    "href",
    "text",
    "necessary",
    "functional",
    "analytics",
    "advertising",
    "chat",
    "G-ABC123",
    "AW-123",
    "basic",
    "advanced",
    "honor",
    "Lax",
    "None",
    "US",
    "US-WA",
    "/portal/*",
    "javascript:alert(1)",
    "//evil",
    "https://example.org",
    "mailto:a@example.org",
    "en",
    "es",
    "fr-CA",
    "acceptAll",
    "_ga*",
    ".",
    "",
];

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(WORDS).prop_map(str::to_owned)
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![4 => word(), 1 => ".{0,8}"]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => (0u32..500).prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<f64>().prop_map(Value::from),
        4 => word().prop_map(Value::String),
        1 => ".{0,24}".prop_map(Value::String),
    ]
}

/// Any JSON value, biased towards the configuration's own vocabulary.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 96, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..7).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// An object whose members are mostly top-level configuration fields.
fn config_json() -> impl Strategy<Value = Value> {
    prop::collection::vec((prop::sample::select(&WORDS[..23]).prop_map(str::to_owned), json()), 0..12)
        .prop_map(|kv| Value::Object(kv.into_iter().collect()))
}

fn hrefs(c: &Config) -> Vec<String> {
    fn inlines(out: &mut Vec<String>, xs: &[Inline]) {
        for x in xs {
            if let Inline::Link { href, .. } = x {
                out.push(href.clone());
            }
        }
    }
    let mut out: Vec<String> = c.privacy_url.iter().chain(c.log.endpoint.iter()).cloned().collect();
    for b in c.notice.iter().flat_map(|s| &s.blocks) {
        match b {
            Block::Paragraph(xs) => inlines(&mut out, xs),
            Block::List(items) => items.iter().for_each(|xs| inlines(&mut out, xs)),
            _ => {}
        }
    }
    out
}

/// What every configuration the reader returns must satisfy, whatever it was given.
fn check_invariants(p: &Parsed) -> Result<(), TestCaseError> {
    let c = &p.config;
    for x in &p.problems {
        prop_assert!(!x.path.is_empty() && !x.message.is_empty(), "{:?}", x);
        prop_assert!(x.line().starts_with(&x.path));
    }
    let ids: Vec<&str> = c.categories.iter().map(|k| k.id.as_str()).collect();
    prop_assert!(ids.iter().enumerate().all(|(i, id)| !ids[..i].contains(id)), "duplicate ids {:?}", ids);
    let necessary = c.category("necessary");
    prop_assert!(necessary.is_some_and(|k| k.required && k.default));
    prop_assert!(c.categories.iter().all(|k| !k.required || k.default));
    prop_assert!(c.services.iter().all(|s| c.category(&s.category).is_some()));
    for r in &c.regions {
        prop_assert!(!r.codes.is_empty() && r.codes.iter().all(|x| is_region_code(x)));
        prop_assert!(r.defaults.iter().all(|(k, _)| c.category(k).is_some()));
    }
    for h in hrefs(c) {
        prop_assert!(is_safe_href(&h), "unsafe link kept: {:?}", h);
    }
    prop_assert!(c.log.endpoint.as_deref().is_none_or(|e| !e.to_ascii_lowercase().starts_with("mailto:")));
    prop_assert!(c.lifetime.granted_days <= 400 && c.lifetime.denied_days <= 400);
    prop_assert!(c.google.wait_for_update <= 10_000);
    prop_assert!(c.google.analytics_ids.iter().all(|x| x.starts_with("G-")));
    prop_assert!(c.google.ads_ids.iter().all(|x| x.starts_with("AW-")));
    prop_assert!(c.sensitive_paths.iter().all(|x| x.starts_with('/')));
    prop_assert!(!c.cookie.name.is_empty() && !c.cookie.name.contains('*'));
    prop_assert!(c.cookie.domain.as_deref().is_none_or(|d| !d.is_empty() && !d.starts_with('.')));
    prop_assert!(!c.revision.is_empty() && c.revision.len() <= 64);
    Ok(())
}

/// Runs the decisions over a configuration: none may panic, whatever was read.
fn exercise(c: &Config, region: Option<&str>) {
    for signals in [Signals { dnt: Dnt::On, gpc: Gpc::True }, Signals { dnt: Dnt::Unset, gpc: Gpc::Absent }] {
        let rec = Record {
            id: "x".into(),
            created: 0,
            updated: 0,
            revision: c.revision.clone(),
            choices: c.categories.iter().map(|k| Choice { category: k.id.clone(), granted: true, source: Source::User }).collect(),
            signals,
            language: "en".into(),
            method: Method::Api,
            sdk_version: "0".into(),
        };
        let _ = status(c, Some(&rec), 1);
        let e = effective(c, Some(&rec), true, signals, region);
        assert_eq!(e.len(), c.categories.len());
        let a = allowed(c, &e, false, true);
        let _ = plan(c, &[], &a, false, true);
        let _ = plan(c, &a, &[], true, false);
    }
    for r in &c.regions {
        let _ = regional_default(c, r);
    }
    for lang in c.texts.iter().map(|(l, _)| l.as_str()).chain(["en", "es", "zz"]) {
        let t = c.texts_for(lang, vec![]);
        for k in &c.categories {
            let _ = (k.title_in(&t), k.description_in(&t));
        }
    }
}

#[test]
fn glob_is_fast_on_adversarial_input() {
    let pattern = "*a".repeat(500) + "b";
    let text = "a".repeat(20_000);
    let start = Instant::now();
    assert!(!glob(&pattern, &text));
    assert!(!path_matches(&("/".to_owned() + &pattern), &("/".to_owned() + &text)));
    assert!(glob(&"*".repeat(10_000), &text));
    // The last `*` retries a long literal tail at every position: quadratic, still bounded.
    assert!(!glob(&("*".to_owned() + &"a".repeat(1000) + "b"), &text));
    assert!(start.elapsed() < Duration::from_secs(5), "{:?}", start.elapsed());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn reading_any_json_never_panics(v in json()) {
        let p = read_config(&v);
        check_invariants(&p)?;
        prop_assert_eq!(&read_config(&v), &p);
        if !v.is_object() {
            prop_assert!(p.has_errors());
            prop_assert_eq!(&p.config, &Config::default());
        }
    }

    #[test]
    fn reading_any_config_shaped_json_keeps_invariants(v in config_json(), region in "[A-Z]{2}(-[A-Z0-9]{1,3})?") {
        let p = read_config(&v);
        check_invariants(&p)?;
        exercise(&p.config, Some(&region));
    }

    #[test]
    fn parsing_and_reading_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
            check_invariants(&read_config(&v))?;
        }
    }

    #[test]
    fn reading_mutated_json_text_never_panics(v in config_json(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = serde_json::to_vec(&v).unwrap();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
            let p = read_config(&v);
            check_invariants(&p)?;
            exercise(&p.config, None);
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn glob_matches_itself_and_its_starred_copies(t in ".{0,40}", stars in prop::collection::vec(any::<bool>(), 40)) {
        prop_assert!(glob(&t, &t));
        prop_assert!(glob("*", &t));
        let starred: String = t.chars().zip(stars.iter().chain(std::iter::repeat(&false))).map(|(c, s)| if *s { '*' } else { c }).collect();
        prop_assert!(glob(&starred, &t), "{:?} {:?}", starred, t);
    }


    #[test]
    fn path_normalisation_is_stable(p in ".{0,60}") {
        let n = normalize_path(&p);
        prop_assert!(!n.contains("//"), "{:?}", n);
        prop_assert_eq!(normalize_path(&p.to_ascii_uppercase()), n);
        prop_assert!(path_matches(&p, &p));
        prop_assert!(path_matches(&p, &p.to_ascii_uppercase()));
    }

    #[test]
    fn negotiate_returns_a_language_on_offer(
        configured in proptest::option::of(prop_oneof!["[a-zA-Z]{0,3}([-_][a-zA-Z0-9]{0,4})?", ".{0,8}"]),
        html in proptest::option::of(prop_oneof!["[a-zA-Z]{0,3}([-_][a-zA-Z0-9]{0,4})?", ".{0,8}"]),
        browser in prop::collection::vec(prop_oneof!["[a-zA-Z]{0,3}([-_][a-zA-Z0-9]{0,4})?", ".{0,8}"], 0..4),
        offered in prop::collection::vec("[a-z]{2,3}", 0..3),
    ) {
        let got = negotiate(configured.as_deref(), html.as_deref(), &browser, |l| offered.iter().any(|o| o == l));
        let on_offer = |l: &String| l == "en" || needs_file(l) || offered.contains(l);
        prop_assert!(on_offer(&got), "{:?}", got);
        let first = configured.iter().chain(html.iter()).chain(browser.iter()).map(|t| language(t)).find(on_offer);
        prop_assert_eq!(got, first.unwrap_or_else(|| "en".to_owned()));
    }

    #[test]
    fn cookie_parsing_never_panics(s in prop_oneof![".{0,200}", "[a= ;\t]{0,80}"]) {
        let pairs: Vec<(&str, &str)> = crate::core::cookie::cookie_names_values(&s).collect();
        for (n, v) in &pairs {
            prop_assert!(!n.is_empty() && n.trim() == *n && !n.contains(';') && !n.contains('='));
            prop_assert!(v.trim() == *v && !v.contains(';'));
            let first = pairs.iter().find(|(m, _)| m == n).map(|(_, v)| *v);
            prop_assert_eq!(crate::core::cookie::cookie_value(&s, n), first);
        }
    }

    #[test]
    fn cookie_strings_round_trip(pairs in prop::collection::vec(("[a-z_][a-z0-9_]{0,7}", "[A-Za-z0-9=_.-]{0,10}"), 0..6)) {
        let s = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ");
        let got: Vec<(String, String)> =
            crate::core::cookie::cookie_names_values(&s).map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
        prop_assert_eq!(got, pairs);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn path_matching_terminates_on_long_starry_input(p in "[/a*%2Ff]{0,400}", t in "[/a%2Ff]{0,2000}") {
        let start = Instant::now();
        let _ = path_matches(&p, &t);
        let _ = glob(&p, &t);
        prop_assert!(start.elapsed() < Duration::from_secs(2));
    }
}
