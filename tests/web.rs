//! The web layer in a real browser (wasm-bindgen-test, headless Chromium): the storage adapter,
//! including storage that throws, the `JsValue` configuration reader, signals, and one start.
#![cfg(target_arch = "wasm32")]

use consent_gate::core::config::read_config;
use consent_gate::core::record::Method;
use consent_gate::web::{app, bridge, json::Js, page, storage};
use js_sys::{Array, Function, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn js(code: &str) -> JsValue {
    Function::new_no_args(code).call0(&JsValue::NULL).unwrap()
}

#[wasm_bindgen_test]
fn local_storage_round_trips() {
    assert!(storage::local_set("cg1|test"));
    assert_eq!(storage::local_get(), Some("cg1|test".to_owned()));
    js("localStorage.removeItem('consent-gate')");
    assert_eq!(storage::local_get(), None);
}

#[wasm_bindgen_test]
fn cookies_round_trip() {
    assert!(storage::set_cookie("cg_test=abc; Path=/"));
    assert!(storage::cookies().unwrap().contains("cg_test=abc"));
    storage::set_cookie("cg_test=; Max-Age=0; Path=/");
    assert!(!storage::cookies().unwrap().contains("cg_test=abc"));
}

#[wasm_bindgen_test]
fn blocked_storage_reports_errors_and_memory_keeps_the_choice() {
    js("window.__ls = Object.getOwnPropertyDescriptor(window, 'localStorage') || Object.getOwnPropertyDescriptor(Window.prototype, 'localStorage');\
        Object.defineProperty(window, 'localStorage', { configurable: true, get() { throw new DOMException('blocked', 'SecurityError'); } });");
    let got = storage::local_get();
    let stored = storage::local_set("cg1|x");
    js("Object.defineProperty(window, 'localStorage', window.__ls)");
    assert_eq!(got, None);
    assert!(!stored);
    storage::memory_set("cg1|memory");
    // The write to localStorage failed, so the memory's copy stands in for it.
    assert_eq!(storage::memory_instead_of_local().as_deref(), Some("cg1|memory"));
}

#[wasm_bindgen_test]
fn full_storage_is_reported_not_thrown() {
    js("window.__setItem = Storage.prototype.setItem;\
        Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };");
    let stored = storage::local_set("cg1|x");
    js("Storage.prototype.setItem = window.__setItem");
    assert!(!stored);
}

#[wasm_bindgen_test]
fn config_errors_name_the_path_when_read_from_js() {
    let v = JSON::parse(r#"{"categories":[{"id":"necessary"},{"id":"analytics"},{"id":42}],"googleAnalytics":["G-OK1",7],"signals":{"gpc":"maybe"},"sensitivPaths":[]}"#).unwrap();
    let parsed = read_config(&Js(&v));
    let lines: Vec<String> = parsed.problems.iter().map(|p| p.line()).collect();
    assert!(lines.iter().any(|l| l.starts_with("categories[2].id: expected") && l.ends_with("got 42")), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("googleAnalytics[1]: expected") && l.ends_with("got 7")), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("signals.gpc: expected one of") && l.ends_with("got \"maybe\"")), "{lines:?}");
    // A misspelt top-level field is an error that names the field it was probably meant to be.
    assert!(lines.iter().any(|l| l == "sensitivPaths: unknown field (did you mean \"sensitivePaths\"?)"), "{lines:?}");
    assert!(parsed.problems.iter().any(|p| p.path == "sensitivPaths" && p.is_error), "{lines:?}");
    assert_eq!(parsed.config.google.analytics_ids, vec!["G-OK1".to_owned()]);
}

/// The configuration is copied (`plain`, in JavaScript, where a throw is caught; `init` does it
/// once, before start) before it is read: a cycle, a throwing getter, a revoked Proxy, a function,
/// `undefined` and NaN are each read without a crash, and a cycle that branches (2^depth paths) is
/// one value, not a frozen page.
#[wasm_bindgen_test]
fn odd_javascript_values_in_the_configuration_are_read_without_a_crash() {
    let v = js("const c = { revision: NaN, debug: () => 1, nonce: undefined, language: 'en', \
                log: { get endpoint() { throw new Error('no') } } }; \
                c.notice = { sections: [c] }; \
                const p = Proxy.revocable({}, {}); p.revoke(); c.privacyUrl = p.proxy; \
                const o = {}; o.k0 = o; o.k1 = o; c.store = o; return c;");
    let parsed = read_config(&Js(&bridge::plain(&v)));
    let lines: Vec<String> = parsed.problems.iter().map(|p| p.line()).collect();
    assert_eq!(
        lines,
        [
            "store: unknown field (is it misspelt?)",
            "revision: expected a non-empty string of at most 64 characters, got null",
            "privacyUrl: expected a string, got a value",
            // A getter that throws is a value that is not JSON: reported, not read as absent.
            "log.endpoint: expected a string, got a value",
            // The cycle: the section is the configuration again, a value JSON cannot hold.
            "notice.sections[0]: expected an object, got a value",
            "debug: expected true or false, got a value",
        ],
    );
    assert_eq!((parsed.config.nonce, parsed.config.log.endpoint, parsed.config.language.as_deref()), (None, None, Some("en")));
}

#[wasm_bindgen_test]
fn gpc_and_dnt_are_read_from_the_browser() {
    js("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { configurable: true, get: () => true })");
    let s = page::signals();
    // A property that is there but not `true` (here a string) reads as false, not absent.
    js("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { configurable: true, get: () => 'true' })");
    let not_true = page::signals();
    js("delete Navigator.prototype.globalPrivacyControl");
    assert_eq!(s.gpc.name(), "true");
    assert_eq!(not_true.gpc.name(), "false");
    assert_eq!(page::signals().gpc.name(), "absent");
    // Headless Chromium without the preference reports doNotTrack = null: unset, and no throw.
    assert_eq!(s.dnt.name(), "unset");
}

fn consent_updates() -> Vec<JsValue> {
    let dl: Array = Reflect::get(&js("return window"), &"dataLayer".into()).unwrap().unchecked_into();
    dl.iter().filter(|e| Reflect::get(e, &0.into()).ok().and_then(|v| v.as_string()).as_deref() == Some("consent")).collect()
}

#[wasm_bindgen_test]
fn a_choice_after_start_is_stored_and_sent_to_gtag() {
    js("localStorage.removeItem('consent-gate'); document.cookie = 'consent_gate=; Max-Age=0; Path=/'");
    let config = JSON::parse(r#"{"revision":"7","privacyUrl":"/privacy/"}"#).unwrap();
    let view = app::start(config, None, None, JsValue::UNDEFINED, Array::new().into());
    assert_eq!(Reflect::get(&view, &"decided".into()).unwrap(), JsValue::FALSE);
    // The banner itself is drawn by consent-gate-banner.js, which only the entry points load
    // (this harness has none): tests/e2e/banner-lazy.test.mjs and ui.test.mjs show it.

    app::decide_and_apply(Some(vec!["analytics".to_owned()]), Method::Api);
    let stored = storage::local_get().unwrap();
    assert!(stored.starts_with("cg1|") && stored.contains("analytics:1u") && stored.contains("advertising:0u"), "{stored}");
    assert!(storage::cookies().unwrap().contains("consent_gate=cg1|"));

    let last = consent_updates().pop().unwrap();
    let is_arguments =
        js("return (x) => Object.prototype.toString.call(x)").unchecked_into::<Function>().call1(&JsValue::NULL, &last).unwrap();
    assert_eq!(is_arguments.as_string().as_deref(), Some("[object Arguments]"));
    let params = Reflect::get(&last, &2.into()).unwrap();
    assert_eq!(Reflect::get(&params, &"analytics_storage".into()).unwrap().as_string().as_deref(), Some("granted"));
    assert_eq!(Reflect::get(&params, &"ad_storage".into()).unwrap().as_string().as_deref(), Some("denied"));
    js("localStorage.removeItem('consent-gate'); document.cookie = 'consent_gate=; Max-Age=0; Path=/'");
}
