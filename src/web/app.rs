//! The running SDK on one page: it asks `core` what to do and carries it out.
//!
//! State lives in one `RefCell`. Anything that can call back into the page (events, gated
//! inline scripts, gtag hooks) runs after the borrow is released, so that a page handler calling
//! the API again never finds the state busy.

use super::bridge::{self, strings};
use super::dom::document;
use super::json::Js;
use super::log;
use super::page::{self, console};
use super::storage;
use super::ui::{self, Ui};
use crate::core::config::{read_config, Config, Parsed, Problem};
use crate::core::cookie;
use crate::core::decide::{self, Plan, Status};
use crate::core::i18n::{needs_file, negotiate, Text, Texts};
use crate::core::record::{self, Choice, Method, Record};
use crate::core::signals::Signals;
use crate::core::text::concat;
use crate::core::{view, VERSION};
use js_sys::{Array, Object, Reflect};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event};

struct App {
    config: Config,
    config_ok: bool,
    texts: Texts,
    signals: Signals,
    region: Option<String>,
    /// The last record read or written, valid or not (its id and creation time carry over).
    stored: Option<Record>,
    status: Status,
    /// Categories allowed to run on this page now.
    allowed: Vec<String>,
    effective: Vec<Choice>,
    sensitive: bool,
    /// The path and hash route the page was last decided for: a navigation that changes
    /// neither changes nothing.
    location: String,
    gtag_loaded: bool,
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
}

fn with_app<R>(f: impl FnOnce(&mut App) -> R) -> Option<R> {
    APP.with(|a| a.try_borrow_mut().ok().and_then(|mut g| g.as_mut().map(f)))
}

/// What to carry out after a change, computed while the state is borrowed.
struct Outcome {
    plan: Plan,
    consent: decide::ConsentState,
    ads: bool,
    first_tag: Option<String>,
    allowed: Vec<String>,
    nonce: String,
    placeholder: Array,
    rows: Vec<view::Row>,
    banner: bool,
    view: JsValue,
    debug: bool,
    /// Cookie name patterns to erase.
    erase: Vec<String>,
    /// Whether this is a sensitive page.
    sensitive: bool,
}

impl App {
    fn decided(&self) -> Option<&Record> {
        (self.status == Status::Decided).then_some(self.stored.as_ref()).flatten()
    }

    fn recompute(&mut self) -> Outcome {
        self.effective = decide::effective(&self.config, self.decided(), self.signals, self.region.as_deref());
        let (path, hash) = (page::path(), page::hash());
        self.sensitive = decide::is_sensitive(&self.config, &path, &hash);
        self.location = decide::route_key(&self.config, &path, &hash);
        let after = decide::allowed(&self.config, &self.effective, self.sensitive, self.config_ok);
        let tags_here = self.config_ok && !self.sensitive;
        let plan = decide::plan(&self.config, &self.allowed, &after, self.gtag_loaded, tags_here);
        let erase = decide::cookies_to_clear(&self.config, &self.effective, self.config_ok);
        self.gtag_loaded |= plan.load_gtag;
        self.allowed = after;
        let first_tag = plan.configure.first().or(self.config.google.analytics_ids.first()).or(self.config.google.ads_ids.first()).cloned();
        let t = &self.texts;
        Outcome {
            consent: decide::consent_state(&self.allowed),
            ads: self.allowed.iter().any(|c| c == "advertising"),
            first_tag,
            allowed: self.allowed.clone(),
            nonce: self.config.nonce.clone().unwrap_or_default(),
            placeholder: strings(&[
                t.get(Text::EmbedNotice).into(),
                t.get(Text::EmbedLoad).into(),
                t.get(Text::Preferences).into(),
                t.lang.clone(),
            ]),
            rows: view::rows(&self.config, t, &self.effective),
            banner: decide::banner_must_show(self.status),
            view: self.view(),
            debug: self.config.debug,
            plan,
            erase,
            sensitive: self.sensitive,
        }
    }

    fn view(&self) -> JsValue {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct ConsentView<'a> {
            decided: bool,
            revision: &'a str,
            categories: ChoiceMap<'a>,
            sources: ChoiceMap<'a>,
            allowed: &'a [String],
            signals: SignalsView,
            gpc_honoured: bool,
            sensitive_page: bool,
            region: Option<&'a str>,
            language: &'a str,
            config_ok: bool,
        }
        let view = ConsentView {
            decided: self.status == Status::Decided,
            revision: &self.config.revision,
            categories: ChoiceMap(&self.effective, false),
            sources: ChoiceMap(&self.effective, true),
            allowed: &self.allowed,
            signals: SignalsView::of(self.signals),
            gpc_honoured: decide::gpc_honoured(&self.config, self.signals),
            sensitive_page: self.sensitive,
            region: self.region.as_deref(),
            language: &self.texts.lang,
            config_ok: self.config_ok,
        };
        to_js(&view)
    }

    fn ui<'a>(&'a self, doc: &'a web_sys::Document, rows: &'a [view::Row]) -> Ui<'a> {
        Ui {
            doc,
            texts: &self.texts,
            rows,
            gpc_line: view::shows_gpc_line(&self.config, self.signals),
            privacy_url: self.config.privacy_url.as_deref(),
        }
    }
}

/// `{category: granted}` (or `{category: source}` when `.1`), in configuration order, without
/// a BTreeMap (its sorting code costs more than this).
struct ChoiceMap<'a>(&'a [Choice], bool);

impl Serialize for ChoiceMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for c in self.0 {
            if self.1 {
                m.serialize_entry(&c.category, c.source.name())?;
            } else {
                m.serialize_entry(&c.category, &c.granted)?;
            }
        }
        m.end()
    }
}

#[derive(Serialize)]
struct SignalsView {
    dnt: &'static str,
    gpc: &'static str,
}

impl SignalsView {
    fn of(s: Signals) -> SignalsView {
        SignalsView { dnt: s.dnt.name(), gpc: s.gpc.name() }
    }
}

fn to_js<T: Serialize>(v: &T) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

fn params(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

fn consent_object(state: &decide::ConsentState) -> JsValue {
    let pairs: Vec<(&str, JsValue)> = state.pairs().map(|(k, v)| (k, JsValue::from_str(v))).collect();
    params(&pairs)
}

/// Carries out an outcome. Runs with the state released: it may call back into the page.
fn carry_out(o: Outcome) {
    let p = &o.plan;
    // The kill switches first: they must be set before gtag acts on any command.
    for (id, off) in &p.disable {
        page::set_global(&concat(&["ga-disable-", id]), *off);
    }
    let ads = JsValue::from_bool(o.ads);
    let _ = bridge::gtag("set", &JsValue::from_str("allow_google_signals"), &ads);
    let _ = bridge::gtag("set", &JsValue::from_str("allow_ad_personalization_signals"), &ads);
    let _ = bridge::gtag("consent", &JsValue::from_str("update"), &consent_object(&o.consent));
    if p.load_gtag {
        if let Some(id) = &o.first_tag {
            let _ = bridge::load_gtag(id, &o.nonce);
        }
    }
    for id in &p.configure {
        let ps = params(&[("allow_google_signals", ads.clone()), ("allow_ad_personalization_signals", ads.clone())]);
        let _ = bridge::gtag("config", &JsValue::from_str(id), &ps);
    }
    if !o.erase.is_empty() {
        erase_cookies(&o.erase);
    }
    let _ = bridge::gate(&strings(&o.allowed), &o.nonce, &o.placeholder, o.sensitive);
    if let Some(doc) = document() {
        ui::sync_switches(&doc, &o.rows);
        if !o.banner {
            ui::hide_banner(&doc);
        }
    }
    if o.debug {
        console("info", &concat(&["consent-gate: allowed on this page: ", &o.allowed.join(", ")]));
    }
    let _ = bridge::emit("change", &o.view);
    if p.reload {
        let _ = bridge::reload();
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

fn report(problems: &[Problem]) {
    let mut errors = String::new();
    let mut warnings = String::new();
    for p in problems {
        let out = if p.is_error { &mut errors } else { &mut warnings };
        out.push_str("\n  ");
        out.push_str(&p.line());
    }
    if !errors.is_empty() {
        console("error", &concat(&["consent-gate: the configuration has errors, so no analytics or advertising tag will load:", &errors]));
    }
    if !warnings.is_empty() {
        console("warn", &concat(&["consent-gate: configuration warnings:", &warnings]));
    }
}

/// The consent cookie's value.
fn cookie_copy(config: &Config) -> Option<String> {
    let name = cookie::consent_cookie_name(config, page::https());
    storage::cookies().ok().and_then(|jar| cookie::cookie_value(&jar, &name).map(str::to_owned))
}

/// The stored record `core` chooses from the copies; `warn` says on the console why a copy
/// was refused when none could be used.
fn load(config: &Config, warn: bool) -> Option<Record> {
    let (local, memory, cookie) = (storage::local_get().ok().flatten(), storage::memory_instead_of_local(), cookie_copy(config));
    let (best, problem) = decide::stored_record(config, page::https(), local.as_deref(), memory.as_deref(), cookie.as_deref(), page::now());
    if let (Some(e), true) = (problem, warn) {
        console("warn", &concat(&["consent-gate: ", e.message()]));
    }
    best
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
        console("warn", "consent-gate: this browser blocks storage, so your choice is kept for this page only");
    }
}

/// Starts the SDK. Returns the consent view, or the list of configuration errors (after still
/// showing the banner with built-in texts and loading nothing).
/// When the visitor's language is shipped as a file and `lang_texts` is `undefined`, it does not
/// start but returns that language; the page loads the file and calls it again with `lang_texts`
/// (its content, or a string saying why it could not be loaded).
pub fn start(config: JsValue, config_error: Option<String>, region: Option<String>, lang_texts: JsValue) -> Result<JsValue, JsValue> {
    if let Some(view) = with_app(|app| app.view()) {
        return Ok(view);
    }
    let parsed = match config_error {
        Some(message) => Parsed { config: Config::default(), problems: vec![Problem { path: "config".into(), message, is_error: true }] },
        None if config.is_undefined() || config.is_null() => read_config(&Js(Object::new().into())),
        None => read_config(&Js(config)),
    };
    let lang = negotiate(parsed.config.language.as_deref(), page::html_lang().as_deref(), &page::browser_languages(), |l| {
        parsed.config.offers_texts(l)
    });
    let file = if !lang_texts.is_undefined() {
        super::lang::file_texts(&lang, lang_texts)
    } else if needs_file(&lang) {
        // Not started: the page loads this language's file first, then calls start again with it.
        return Ok(JsValue::from_str(&lang));
    } else {
        vec![]
    };
    report(&parsed.problems);
    let config_ok = !parsed.has_errors();
    let config = parsed.config;
    let signals = page::signals();
    let texts = config.texts_for(&lang, file);
    let stored = load(&config, true);
    let status = decide::status(&config, stored.as_ref(), page::now());
    // The hint comes from the site's server; `us-wa` means `US-WA`.
    let region = region.map(|r| r.trim().to_ascii_uppercase()).filter(|r| crate::core::config::is_region_code(r));
    if config.debug {
        console("info", &concat(&["consent-gate: Do Not Track ", signals.dnt.name(), ", Global Privacy Control ", signals.gpc.name()]));
    }
    // Regional Consent Mode defaults and url_passthrough go out before any tag we load.
    for (state, codes) in decide::regional_defaults(&config) {
        let obj = consent_object(&state);
        let _ = Reflect::set(&obj, &JsValue::from_str("region"), &strings(&codes));
        let _ = bridge::gtag("consent", &JsValue::from_str("default"), &obj);
    }
    if config.google.url_passthrough {
        let _ = bridge::gtag("set", &JsValue::from_str("url_passthrough"), &JsValue::TRUE);
    }
    // The stub turned redaction on before the configuration was known.
    if !config.google.ads_data_redaction {
        let _ = bridge::gtag("set", &JsValue::from_str("ads_data_redaction"), &JsValue::FALSE);
    }
    let app = App {
        config,
        config_ok,
        texts,
        signals,
        region,
        stored,
        status,
        allowed: vec!["necessary".into()],
        effective: vec![],
        sensitive: false,
        location: String::new(),
        gtag_loaded: false,
    };
    APP.with(|a| *a.borrow_mut() = Some(app));
    let Some(outcome) = with_app(|app| app.recompute()) else { return Err(JsValue::NULL) };
    let banner = outcome.banner;
    let view = outcome.view.clone();
    carry_out(outcome);
    render(banner, true);
    listen();
    with_app(|app| {
        if app.config_ok {
            log::page_view(
                &app.config,
                &app.texts,
                app.signals,
                app.stored.as_ref(),
                app.status == Status::Decided,
                &app.effective,
                app.sensitive,
            );
        }
    });
    let signal = with_app(|app| to_js(&SignalsView::of(app.signals))).unwrap_or(JsValue::NULL);
    let _ = bridge::emit("signal", &signal);
    let _ = bridge::emit("ready", &view);
    if config_ok {
        Ok(view)
    } else {
        Err(strings(&parsed.problems.iter().filter(|p| p.is_error).map(Problem::line).collect::<Vec<_>>()).into())
    }
}

/// Draws the banner (when `banner`) and, at start (`notice`), the notice into its containers.
fn render(banner: bool, notice: bool) {
    let Some(doc) = document() else { return };
    with_app(|app| {
        let rows = view::rows(&app.config, &app.texts, &app.effective);
        let ui = app.ui(&doc, &rows);
        if banner {
            ui.show_banner();
        }
        if notice {
            ui.notice(&app.config.notice, view::signal_lines(&app.config, app.signals));
        }
    });
}

fn listen() {
    let Some(doc) = document() else { return };
    let click = Closure::<dyn FnMut(Event)>::new(on_click);
    let _ = doc.add_event_listener_with_callback("click", click.as_ref().unchecked_ref());
    click.forget();
    let nav = Closure::<dyn FnMut()>::new(|| {
        let moved = |app: &mut App| decide::route_key(&app.config, &page::path(), &page::hash()) != app.location;
        if let Some(o) = with_app(|app| moved(app).then(|| app.recompute())).flatten() {
            carry_out(o);
        }
    });
    let _ = bridge::watch_navigation(&nav);
    nav.forget();
    let stored = Closure::<dyn FnMut()>::new(on_stored_change);
    let _ = bridge::watch_storage(&stored);
    stored.forget();
}

/// Another tab changed the stored record, or the page came back from the back/forward cache:
/// re-read the record and apply it, as if the decision had been made here (without logging it
/// again: the tab that made it did).
fn on_stored_change() {
    let outcome = with_app(|app| {
        let stored = load(&app.config, false);
        if stored == app.stored {
            return None;
        }
        app.status = decide::status(&app.config, stored.as_ref(), page::now());
        app.stored = stored;
        Some(app.recompute())
    })
    .flatten();
    if let Some(o) = outcome {
        let banner = o.banner;
        carry_out(o);
        // The decision was withdrawn elsewhere (storage cleared, or expired): ask again.
        if banner {
            render(true, false);
        }
    }
}

fn on_click(ev: Event) {
    let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
    let Some(hit) = target.closest("[data-cg],[data-cg-category],[data-consent-gate=\"preferences\"]").ok().flatten() else { return };
    // Only the SDK's own banner, dialog and notice act: page markup (an HTML injection) that
    // copies their attributes can neither give consent nor set the recorded method. The
    // public opener only opens the dialog.
    let scope = hit.closest("[data-cg-scope]").ok().flatten().filter(bridge::owns);
    let Some(scope) = scope else {
        if hit.matches("[data-consent-gate=\"preferences\"]").unwrap_or(false) {
            ev.prevent_default();
            show_preferences(Some(hit));
        }
        return;
    };
    let method = match scope.get_attribute("data-cg-scope").as_deref() {
        Some("banner") => Method::Banner,
        Some("prefs") => Method::Preferences,
        _ => Method::Notice,
    };
    if hit.has_attribute("data-cg-category") {
        if hit.get_attribute("aria-disabled").as_deref() != Some("true") {
            let on = hit.get_attribute("aria-checked").as_deref() == Some("true");
            let _ = hit.set_attribute("aria-checked", if on { "false" } else { "true" });
        }
        return;
    }
    let action = hit.get_attribute("data-cg").unwrap_or_else(|| "prefs".into());
    let grants = match action.as_str() {
        "accept" => optional_categories(),
        "reject" => vec![],
        "save" => ui::switched_on(&scope),
        "prefs" => {
            ev.prevent_default();
            show_preferences(Some(hit));
            return;
        }
        "close" => {
            close_dialog();
            return;
        }
        "download" => {
            let json = js_sys::JSON::stringify_with_replacer_and_space(&record_view(), &JsValue::NULL, &JsValue::from_f64(2.0));
            if let Some(text) = json.ok().and_then(|s| s.as_string()) {
                let _ = bridge::download("consent-record.json", &text);
            }
            return;
        }
        _ => return,
    };
    decide_and_apply(&grants, method);
    match method {
        Method::Preferences => close_dialog(),
        Method::Notice => {
            if let Some(msg) = with_app(|app| app.texts.get(Text::Saved).to_owned()) {
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

/// Records the visitor's choice (`grants` = categories turned on) and applies it.
pub fn decide_and_apply(grants: &[String], method: Method) -> JsValue {
    let outcome = with_app(|app| {
        // With a broken configuration the decision is not the site's to take: it holds for
        // this page only, and the visitor's stored choice stays as it was.
        if !app.config_ok {
            app.status = Status::Decided;
            return app.recompute();
        }
        let r = decide::record_choice(
            &app.config,
            app.stored.as_ref(),
            grants,
            method,
            app.signals,
            &app.texts.lang,
            &page::random_id(),
            page::now(),
            VERSION,
        );
        save(&app.config, &r);
        // Logged before the outcome is carried out: a `change` handler may decide again, and
        // this decision came first.
        log::decision(&app.config, &app.texts, &r, app.sensitive);
        app.stored = Some(r);
        app.status = Status::Decided;
        app.recompute()
    });
    match outcome {
        Some(o) => {
            let view = o.view.clone();
            carry_out(o);
            view
        }
        None => JsValue::NULL,
    }
}

/// Every optional category, for "accept all".
pub fn optional_categories() -> Vec<String> {
    with_app(|app| decide::optional_categories(&app.config)).unwrap_or_default()
}

/// The categories granted now, with `changes` applied: for `setConsent({analytics: true})`.
/// `None` for an empty object, which changes nothing. Errors name the unknown category or the
/// non-boolean value.
pub fn grants_with(changes: &JsValue) -> Result<Option<Vec<String>>, String> {
    use crate::core::json::JsonLike;
    let js = Js(changes.clone());
    if !js.is_object() {
        return Err("setConsent: expected an object like {analytics: true}".into());
    }
    if js.keys().is_empty() {
        return Ok(None);
    }
    with_app(|app| {
        let mut grants: Vec<String> = app.effective.iter().filter(|c| c.granted).map(|c| c.category.clone()).collect();
        for key in js.keys() {
            if app.config.category(&key).is_none() {
                return Err(concat(&["setConsent.", &key, ": expected the id of a configured category"]));
            }
            match js.field(&key).and_then(|v| v.as_bool()) {
                Some(true) if !grants.contains(&key) => grants.push(key),
                Some(true) => {}
                Some(false) => grants.retain(|g| *g != key),
                None => return Err(concat(&["setConsent.", &key, ": expected true or false"])),
            }
        }
        Ok(Some(grants))
    })
    .unwrap_or_else(|| Err("consent-gate is not started".into()))
}

/// Opens the preferences dialog, focus returning to `opener` when it closes.
pub fn show_preferences(opener: Option<Element>) {
    let Some(doc) = document() else { return };
    let opener = opener.or_else(|| doc.active_element());
    let dialog = with_app(|app| {
        let rows = view::rows(&app.config, &app.texts, &app.effective);
        let d = app.ui(&doc, &rows).dialog();
        ui::sync_switches(&doc, &rows);
        d
    })
    .flatten();
    if let Some(d) = dialog {
        let _ = bridge::open_modal(&d, opener);
    }
}

/// The current consent state for `getConsent()`; `null` before start.
pub fn consent_view() -> JsValue {
    with_app(|app| app.view()).unwrap_or(JsValue::NULL)
}

/// The stored record for `getConsentRecord()`; `null` when the visitor has not decided.
pub fn record_view() -> JsValue {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct ChoiceView<'a> {
        category: &'a str,
        granted: bool,
        source: &'static str,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct RecordView<'a> {
        id: &'a str,
        // f64, not u64: serializing a u64 makes serde format a range-check message, which pulls
        // all of core::fmt into the wasm.
        created: f64,
        updated: f64,
        revision: &'a str,
        choices: Vec<ChoiceView<'a>>,
        signals: SignalsView,
        language: &'a str,
        method: &'static str,
        sdk_version: &'a str,
    }
    with_app(|app| {
        let r = app.decided()?;
        Some(to_js(&RecordView {
            id: &r.id,
            created: r.created as f64,
            updated: r.updated as f64,
            revision: &r.revision,
            choices: r.choices.iter().map(|c| ChoiceView { category: &c.category, granted: c.granted, source: c.source.name() }).collect(),
            signals: SignalsView::of(r.signals),
            language: &r.language,
            method: r.method.name(),
            sdk_version: &r.sdk_version,
        }))
    })
    .flatten()
    .unwrap_or(JsValue::NULL)
}
