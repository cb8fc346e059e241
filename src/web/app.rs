//! The running SDK on one page: it reads the browser, hands each input to the session in
//! `core::session`, and carries out the effects that come back. What it still decides is listed
//! in `web`'s module doc.
//!
//! The session lives in one `RefCell`. Anything that can call back into the page (events, gated
//! inline scripts, gtag hooks) runs after the borrow is released, so that a page handler calling
//! the API again never finds the state busy.

use super::bridge::{self, strings};
use super::dom::document;
use super::json::Js;
use super::page::{self, console};
use super::storage;
use super::ui::{self, Ui};
use crate::core::config::{read_config, Config, Problem};
use crate::core::cookie;
use crate::core::decide::{self, ConsentState, Status};
use crate::core::i18n::{needs_file, Text};
use crate::core::log;
use crate::core::record::{self, Method, Record};
use crate::core::session::{self, Copies, Effect, Emit, Env, Input, Level, Page, Session};
use crate::core::signals::Signals;
use crate::core::view::{self, Action, Scope};
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event};

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

fn with_session<R>(f: impl FnOnce(&mut Session) -> R) -> Option<R> {
    SESSION.with(|a| a.try_borrow_mut().ok().and_then(|mut g| g.as_mut().map(f)))
}

/// What the browser tells now.
fn env(random_id: &dyn Fn() -> String) -> Env<'_> {
    Env { path: page::path(), hash: page::hash(), now: page::now(), https: page::https(), random_id }
}

/// Hands one input to the session and carries out its effects (with the state released: they
/// may call back into the page). `None` says the stored copies changed: they are read now.
/// Returns the consent view after the step (and after anything a handler did meanwhile).
fn step(input: Option<Input>) -> JsValue {
    let e = env(&page::random_id);
    let Some(effects) = with_session(|s| {
        let input = input.unwrap_or_else(|| Input::StoredChanged(copies(&s.config)));
        s.input(input, &e)
    }) else {
        return JsValue::NULL;
    };
    carry_out(effects);
    consent_view()
}

/// The consent state as `start`, `getConsent()` and the events give it: `decided`, `revision`,
/// `categories` (`{category: granted}` in force on this page, in configuration order), `sources`
/// (`{category: source}`), `allowed`, `signals`, `gpcHonoured`, `sensitivePage`, `region`,
/// `language`, `configOk`. Built member by member (serde and serde-wasm-bindgen cost more wasm).
fn view(s: &Session) -> JsValue {
    let mut categories = vec![];
    let mut sources = vec![];
    for c in &s.effective {
        let (granted, source) = decide::in_force(c, s.sensitive);
        categories.push((c.category.as_str(), JsValue::from_bool(granted)));
        sources.push((c.category.as_str(), JsValue::from_str(source.name())));
    }
    object(&[
        ("decided", JsValue::from_bool(s.status == Status::Decided)),
        ("revision", JsValue::from_str(&s.config.revision)),
        ("categories", object(&categories)),
        ("sources", object(&sources)),
        ("allowed", strings(&s.allowed).into()),
        ("signals", signals_view(s.signals)),
        ("gpcHonoured", JsValue::from_bool(decide::gpc_keeps_off(&s.effective))),
        ("sensitivePage", JsValue::from_bool(s.sensitive)),
        ("region", s.region.as_deref().map_or(JsValue::NULL, JsValue::from_str)),
        ("language", JsValue::from_str(&s.texts.lang)),
        ("configOk", JsValue::from_bool(s.config_ok)),
    ])
}

/// `{dnt, gpc}` with their wire names.
fn signals_view(s: Signals) -> JsValue {
    object(&[("dnt", JsValue::from_str(s.dnt.name())), ("gpc", JsValue::from_str(s.gpc.name()))])
}

#[wasm_bindgen]
extern "C" {
    /// An object seen through member assignment only (`o[k] = v`): no function the page can
    /// replace (`Reflect.set`, `JSON.parse`) is involved.
    type Members;
    #[wasm_bindgen(method, indexing_setter)]
    fn put(this: &Members, key: &str, value: &JsValue);
}

/// A new plain object with `members`, in their order.
fn object(members: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in members {
        o.unchecked_ref::<Members>().put(k, v);
    }
    o.into()
}

fn ui<'a>(s: &'a Session, doc: &'a web_sys::Document, rows: &'a [view::Row]) -> Ui<'a> {
    Ui { doc, texts: &s.texts, rows, gpc_line: decide::gpc_keeps_off(&s.effective), privacy_url: s.config.privacy_url.as_deref() }
}

fn consent_object(state: &ConsentState) -> Object {
    let o = Object::new();
    for (k, v) in state.pairs() {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    o
}

fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

/// Carries out the effects in order. An event carries the state as it is when it fires: a
/// handler of an earlier one may have changed it (decided again, or routed into a sensitive page).
fn carry_out(effects: Vec<Effect>) {
    let doc = document();
    for e in effects {
        match e {
            Effect::Console(level, message) => console(level, &message),
            Effect::ConsentDefault { state, regions, wait_for_update } => {
                let o = consent_object(&state);
                if let Some(ms) = wait_for_update {
                    set(&o, "wait_for_update", &JsValue::from_f64(f64::from(ms)));
                }
                if !regions.is_empty() {
                    set(&o, "region", &strings(&regions));
                }
                bridge::gtag("consent", &JsValue::from_str("default"), &o)
            }
            Effect::ConsentUpdate(state) => bridge::gtag("consent", &JsValue::from_str("update"), &consent_object(&state)),
            Effect::Set(name, value) => bridge::gtag("set", &JsValue::from_str(name), &JsValue::from_bool(value)),
            Effect::Config { id, signals } => {
                let o = Object::new();
                set(&o, "allow_google_signals", &JsValue::from_bool(signals));
                set(&o, "allow_ad_personalization_signals", &JsValue::from_bool(signals));
                bridge::gtag("config", &JsValue::from_str(&id), &o)
            }
            Effect::Global(name, value) => page::set_global(&name, value),
            Effect::LoadTag { id, nonce } => bridge::load_gtag(&id, &nonce),
            Effect::EraseCookies(patterns) => erase_cookies(&patterns),
            Effect::Gate { allowed, nonce, placeholder, sensitive } => {
                drop(bridge::gate(&strings(&allowed), &nonce, &strings(&placeholder), sensitive))
            }
            Effect::SyncSwitches(rows) => {
                if let Some(doc) = &doc {
                    ui::sync_switches(doc, &rows);
                }
            }
            Effect::Store | Effect::ShowBanner | Effect::RenderNotice | Effect::ShowReopenButton(_) => {
                with_session(|s| with_state(s, &e, doc.as_ref()));
            }
            Effect::HideBanner => {
                if let Some(doc) = &doc {
                    ui::hide_banner(doc);
                }
            }
            Effect::Emit(Emit::Signal(signals)) => bridge::emit("signal", &signals_view(signals)),
            Effect::Emit(kind) => bridge::emit(kind.name(), &consent_view()),
            Effect::LogDrop => bridge::log_drop(),
            Effect::Log { endpoint, json, notice } => drop(bridge::log_event(&endpoint, &json, &notice)),
            Effect::Reload => bridge::reload(),
        }
    }
}

/// Carries out an effect that needs the session's configuration or texts.
fn with_state(s: &Session, e: &Effect, doc: Option<&web_sys::Document>) {
    match (e, s.stored.as_ref(), doc) {
        (Effect::Store, Some(r), _) => save(&s.config, r),
        (Effect::ShowBanner, _, Some(doc)) => ui(s, doc, &s.rows()).show_banner(),
        (Effect::RenderNotice, _, Some(doc)) => {
            ui(s, doc, &s.rows()).notice(&s.config.notice, view::signal_lines(&s.config, s.signals, decide::gpc_keeps_off(&s.effective)))
        }
        (Effect::ShowReopenButton(class), _, Some(doc)) => ui(s, doc, &[]).reopen_button(class),
        _ => {}
    }
}

/// Expires every present cookie matching `patterns`, wherever this page can see it.
fn erase_cookies(patterns: &[String]) {
    let Ok(jar) = storage::cookies() else { return };
    let names: Vec<String> = cookie::cookie_names_values(&jar).map(|(n, _)| n.to_owned()).collect();
    let (host, path, https) = (page::host(), page::path(), page::https());
    for name in cookie::matching_cookies(&names, patterns) {
        for assignment in cookie::expire(name, &host, &path, https) {
            storage::set_cookie(&assignment);
        }
    }
}

/// The consent cookie's value.
fn cookie_copy(config: &Config) -> Option<String> {
    let name = cookie::consent_cookie_name(config, page::https());
    storage::cookies().ok().and_then(|jar| cookie::cookie_value(&jar, &name).map(str::to_owned))
}

/// The stored copies of the record, as this page can read them.
fn copies(config: &Config) -> Copies {
    Copies { local: storage::local_get().ok().flatten(), memory: storage::memory_instead_of_local(), cookie: cookie_copy(config) }
}

fn save(config: &Config, r: &Record) {
    let value = record::encode(r);
    // Warn on the first choice of the page only.
    let first = storage::memory_get().is_none();
    storage::memory_set(&value);
    let local = storage::local_set(&value);
    let (host, https) = (page::host(), page::https());
    for name in cookie::consent_cookie_names(config) {
        for stale in cookie::expire(&name, &host, "/", https) {
            storage::set_cookie(&stale);
        }
    }
    storage::set_cookie(&cookie::consent_cookie(config, &value, decide::lifetime_days(config, r), https));
    // A browser that blocks cookies drops the assignment without an error: read it back. On
    // http the cookie is no copy of the decision (see `cookie_is_record`), so it keeps nothing.
    let cookie = decide::cookie_is_record(config, https) && cookie_copy(config) == Some(value);
    if !local && !cookie && first {
        console(Level::Warn, "consent-gate: this browser blocks storage, so your choice is kept for this page only");
    }
}

/// Starts the SDK. Returns the consent view, or the list of configuration errors (after still
/// showing the banner with built-in texts and loading nothing).
/// When the visitor's language is shipped as a file and `lang_texts` is `undefined`, it does not
/// start but returns that language; the page loads the file and calls it again with `lang_texts`
/// (its content, or a string saying why it could not be loaded).
pub fn start(config: JsValue, config_error: Option<String>, region: Option<String>, lang_texts: JsValue) -> Result<JsValue, JsValue> {
    let running = consent_view();
    if !running.is_null() {
        return Ok(running);
    }
    let parsed = match config_error {
        Some(message) => session::unreadable(message),
        None if config.is_undefined() || config.is_null() => read_config(&Js(Object::new().into())),
        None => read_config(&Js(config)),
    };
    let (html_lang, languages) = (page::html_lang(), page::browser_languages());
    let lang = session::language(&parsed.config, html_lang.as_deref(), &languages);
    let file_texts = if !lang_texts.is_undefined() {
        super::lang::file_texts(&lang, lang_texts)
    } else if needs_file(&lang) {
        // Not started: the page loads this language's file first, then calls start again with it.
        return Ok(JsValue::from_str(&lang));
    } else {
        vec![]
    };
    let errors: Vec<String> = parsed.problems.iter().filter(|p| p.is_error).map(Problem::line).collect();
    let page = Page { signals: page::signals(), region, lang, file_texts, copies: copies(&parsed.config) };
    let e = env(&page::random_id);
    let (session, effects) = Session::start(parsed, page, &e);
    SESSION.with(|a| *a.borrow_mut() = Some(session));
    // Listening first: a `change` or `ready` handler that navigates is followed.
    listen();
    carry_out(effects);
    if errors.is_empty() {
        Ok(consent_view())
    } else {
        Err(strings(&errors).into())
    }
}

fn listen() {
    let Some(doc) = document() else { return };
    let click = Closure::<dyn FnMut(Event)>::new(on_click);
    let _ = doc.add_event_listener_with_callback("click", click.as_ref().unchecked_ref());
    click.forget();
    let changed = Closure::<dyn FnMut(u8)>::new(|what| {
        step(match what {
            0 => Some(Input::Navigate),
            // Another tab changed the stored record, or the page came back from the back/forward
            // cache: the copies are read now.
            1 => None,
            // A single-page app's route mounted a notice container (or put one back).
            _ => Some(Input::NoticeContainersAdded),
        });
    });
    let _ = bridge::watch(&changed);
    changed.forget();
}

fn on_click(ev: Event) {
    let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
    let Some(hit) = target.closest("[data-cg],[data-cg-category],[data-consent-gate=\"preferences\"]").ok().flatten() else { return };
    // Only the SDK's own banner, dialog and notice act: page markup (an HTML injection) that
    // copies their attributes can neither give consent nor set the recorded method. The
    // public opener only opens the dialog.
    let scope = hit.closest("[data-cg-scope]").ok().flatten().filter(bridge::owns);
    let Some(scope) = scope else {
        if bridge::opens(&target, &hit) {
            ev.prevent_default();
            show_preferences(Some(hit));
        }
        return;
    };
    // The scope was made by the SDK, so it names one of ours.
    let method = scope.get_attribute("data-cg-scope").and_then(|s| Scope::from_name(&s)).map_or(Method::Notice, Scope::method);
    if hit.has_attribute("data-cg-category") {
        if hit.get_attribute("aria-disabled").as_deref() != Some("true") {
            let on = hit.get_attribute("aria-checked").as_deref() == Some("true");
            let _ = hit.set_attribute("aria-checked", if on { "false" } else { "true" });
        }
        return;
    }
    let action = hit.get_attribute("data-cg").map_or(Some(Action::Prefs), |a| Action::from_name(&a));
    let grants = match action {
        Some(Action::Accept) => None,
        Some(Action::Reject) => Some(vec![]),
        Some(Action::Save) => Some(ui::switched_on(&scope)),
        Some(Action::Prefs) => {
            ev.prevent_default();
            show_preferences(Some(hit));
            return;
        }
        Some(Action::Close) => {
            close_dialog();
            return;
        }
        Some(Action::Download) => {
            let json = js_sys::JSON::stringify_with_replacer_and_space(&record_view(), &JsValue::NULL, &JsValue::from_f64(2.0));
            if let Some(text) = json.ok().and_then(|s| s.as_string()) {
                let _ = bridge::download("consent-record.json", &text);
            }
            return;
        }
        None => return,
    };
    decide_and_apply(grants, method);
    match method {
        Method::Preferences => close_dialog(),
        Method::Notice => {
            if let Some(msg) = with_session(|s| s.texts.get(Text::Saved).to_owned()) {
                ui::announce(&scope, &msg);
            }
        }
        _ => {}
    }
}

fn close_dialog() {
    if let Some(d) = ui::dialog() {
        d.close();
    }
}

/// Records the visitor's choice (`grants` = categories turned on, `None` for "accept all") and
/// applies it.
pub fn decide_and_apply(grants: Option<Vec<String>>, method: Method) -> JsValue {
    step(Some(grants.map_or(Input::AcceptAll(method), |g| Input::Decide(g, method))))
}

/// The categories granted now, with `changes` applied: for `setConsent({analytics: true})`.
/// The argument is copied before the session is borrowed: a getter or Proxy of it that throws
/// would otherwise leave the session borrowed for good (one that cannot be read is "not an
/// object"), and one that routes would go unheard.
pub fn grants_with(changes: &JsValue) -> Result<Option<Vec<String>>, String> {
    let copy = Js(bridge::plain(changes));
    with_session(|s| s.grants_with(&copy)).unwrap_or_else(|| Err("consent-gate is not started".into()))
}

/// Opens the preferences dialog, focus returning to `opener` when it closes.
pub fn show_preferences(opener: Option<Element>) {
    let Some(doc) = document() else { return };
    let opener = opener.or_else(|| doc.active_element());
    let dialog = with_session(|s| {
        let rows = s.rows();
        let d = ui(s, &doc, &rows).dialog();
        ui::sync_switches(&doc, &rows);
        d
    })
    .flatten();
    if let Some(d) = dialog {
        let _ = bridge::open_modal(&d, opener);
    }
}

/// The current consent state (what `start` and an empty `setConsent({})` resolve to; `getConsent()`
/// gives the one the last `change` event carried); `null` before start.
pub fn consent_view() -> JsValue {
    with_session(|s| view(s)).unwrap_or(JsValue::NULL)
}

/// The stored record for `getConsentRecord()`; `null` when the visitor has not decided.
pub fn record_view() -> JsValue {
    let json = with_session(|s| s.decided().map(log::record_json)).flatten();
    json.and_then(|j| js_sys::JSON::parse(&j).ok()).unwrap_or(JsValue::NULL)
}
