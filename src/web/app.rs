//! The running SDK on one page: it reads the browser, hands each input to the session in
//! `core::session`, and carries out the effects that come back. What it still decides is listed
//! in `web`'s module doc.
//!
//! The session lives in one slot, lent out by [`session`]. Anything that can call back into the
//! page (events, gated inline scripts, gtag hooks) runs after it is back, so that a page handler
//! calling the API again never finds the state busy.

use super::bridge::{self, post, strings, Act, Read, Send};
use super::json::Js;
use super::page::{self, console};
use super::storage;
use super::ui::{self, Ui};
use crate::core::config::{read_config, Config};
use crate::core::cookie;
use crate::core::decide::{self, ConsentState, Status};
use crate::core::i18n::{needs_file, Text};
use crate::core::json::JsonLike;
use crate::core::log;
use crate::core::record::{self, Method, Record};
use crate::core::session::{self, Copies, Effect, Emit, Env, Input, Level, Page, Session};
use crate::core::signals::Signals;
use crate::core::text::pieces;
use crate::core::view::{Action, Scope};
use js_sys::{Array, Object};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use std::cell::{Cell, UnsafeCell};
use std::ops::{Deref, DerefMut};
use wasm_bindgen::prelude::*;

/// The page's session: a plain static, not a `thread_local!` (wasm32 without atomics has one
/// thread), lent out by one non-generic function instead of a `with` per caller; whether it is
/// lent out; and whether a navigation came while it was (see [`step`]).
struct Slot(UnsafeCell<Option<Session>>, Cell<bool>, Cell<bool>);

// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread, so the cell is
// never reached from two.
unsafe impl Sync for Slot {}
#[cfg(target_feature = "atomics")]
compile_error!("the session's static assumes one thread: a build with atomics needs a thread_local again");

/// The localStorage key of the consent-log queue.
const LOG: &str = "consent-gate-log";
/// The localStorage key of the withdrawals queued on a page left before start (`PENDING` in
/// `src/js/api.js`; read by core as [`Page::pending`]).
const PENDING: &str = "consent-gate-pending";

static SESSION: Slot = Slot(UnsafeCell::new(None), Cell::new(false), Cell::new(false));

/// A flag of the page's life: a plain static, as the session's.
pub(crate) struct Flag(pub(crate) Cell<bool>);

// SAFETY: as for `Slot`, one thread.
unsafe impl Sync for Flag {}

/// Whether start has asked the page for the words of the reader's messages (`ask_words`).
static WORDS_ASKED: Flag = Flag(Cell::new(false));

/// The session lent out by [`session`]; back in its slot when dropped.
struct Lent(&'static mut Session);

impl Deref for Lent {
    type Target = Session;
    fn deref(&self) -> &Session {
        self.0
    }
}

impl DerefMut for Lent {
    fn deref_mut(&mut self) -> &mut Session {
        self.0
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        SESSION.1.set(false);
    }
}

/// The session, if started and not lent out already (`None` then: a page handler called the API
/// while the SDK was carrying out a step).
///
/// Lent out, and the JS stack has emptied since (`lend` in bridge.js: a microtask has run), it
/// is lent again: what held it was a wasm frame a page's exception unwound (a built-in the glue
/// calls, replaced by a later script, threw), and such a frame never gives it back. A `RefCell`
/// stayed borrowed for the page's life then: every call resolved to `null`.
fn session() -> Option<Lent> {
    if bridge::lend() && SESSION.1.get() {
        return None;
    }
    // SAFETY: one thread (see `Slot`). Nothing else holds the session: the flag is down, or the
    // frame that set it is gone (the stack emptied since, which it cannot while a frame is up).
    let s = unsafe { (*SESSION.0.get()).as_mut() }?;
    SESSION.1.set(true);
    Some(Lent(s))
}

/// What the browser tells now.
fn env() -> Env {
    Env {
        path: page::path(),
        hash: page::hash(),
        now: page::now(),
        https: page::https(),
        random_id: page::random_id,
        top: (bridge::here(Read::TopPath), bridge::here(Read::TopHash)),
        log_stored: if crate::core::LOG { bridge::get(Read::LogQueue) } else { None },
    }
}

/// Hands one input to the session and carries out its effects (with the state released: they
/// may call back into the page). `None` says the stored copies changed: they are read now.
/// Returns the consent view after the step (and after anything a handler did meanwhile).
///
/// While the session is lent out (a page's wrapper of `localStorage.setItem` or of
/// `document.cookie` runs while a decision is stored) `null` is returned: `api.js` makes an API
/// call again once the page's script is done, and a navigation is a step of its own right after
/// the effects under way ([`carry_out`]).
fn step(input: Option<Input>) -> JsValue {
    let e = env();
    let Some(mut s) = session() else {
        if let Some(Input::Navigate) = input {
            SESSION.2.set(true);
        }
        return JsValue::NULL;
    };
    let input = input.unwrap_or_else(|| Input::StoredChanged(copies(&s.config)));
    let effects = s.input(input, &e);
    drop(s);
    carry_out(effects);
    answer()
}

/// The consent view after a step; if a navigation came while it was made (a page's hook of
/// something the view calls), the view after that navigation's own step.
pub fn answer() -> JsValue {
    let v = consent_view();
    if SESSION.2.take() {
        step(Some(Input::Navigate))
    } else {
        v
    }
}

/// Takes the step of a navigation that came while the session was lent out (see [`step`]).
pub fn navigated() {
    if SESSION.2.take() {
        drop(step(Some(Input::Navigate)));
    }
}

fn view(s: &Session) -> JsValue {
    to_js(&View::Consent(s))
}

/// The interface as the session stands, its switch rows built here: one call at each use (the
/// reopen button, which shows none, too: a free function for it measured 13 bytes more).
fn ui(s: &Session) -> Ui<'_> {
    // The GPC line chosen here, once: no method for it in `Ui`.
    let gpc_line = if decide::gpc_keeps_off(&s.effective) { s.texts.get(Text::GpcHonoured) } else { "" };
    Ui { texts: &s.texts, rows: s.rows(), gpc_line, privacy_url: s.config.privacy_url.as_deref() }
}

/// Every value of the API's views (`getConsent()`, the `change`, `ready` and `signal` events),
/// serialized through serde-wasm-bindgen. One type for all their members: one copy of serde's
/// field and entry code in the wasm instead of one per member type.
enum View<'a> {
    Bool(bool),
    Str(&'a str),
    Null,
    /// The consent view: `{decided, revision, categories, sources, allowed, signals,
    /// gpcHonoured, sensitivePage, region, language, configOk}`.
    Consent(&'a Session),
    /// `{category: granted}` (or `{category: source}` when `.1`) as in force on this page, in
    /// configuration order, without a BTreeMap (its sorting code costs more than this).
    Choices(&'a Session, bool),
    /// A list of strings.
    List(&'a [String]),
    /// `{dnt, gpc}`.
    Signals(Signals),
}

/// The consent view's members, in the order `View::Consent` writes them (one string, not a
/// table of `&str`, whose addresses compress poorly).
const CONSENT_MEMBERS: &str = "decided revision categories sources allowed signals gpcHonoured sensitivePage region language configOk";

// A member's result is not looked at (`_ =`, here and in `entry`): serde-wasm-bindgen fails only
// on a 64-bit number beyond 2^53, and a `View` holds no numbers, so a `?` at each would be exits
// that never run, each dropping the serializer.
impl Serialize for View<'_> {
    // The consent view's member loop counts by hand: `enumerate()` costs bytes (see there).
    #[allow(clippy::explicit_counter_loop)]
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        match *self {
            View::Bool(b) => ser.serialize_bool(b),
            View::Str(v) => ser.serialize_str(v),
            View::Null => ser.serialize_none(),
            View::Consent(s) => {
                // One `entry` call for the eleven members: the value by the member's place, in a
                // `match` (no array of them built on the stack).
                let mut m = ser.serialize_map(None)?;
                // Counted by hand, not `enumerate()`: no `Enumerate` of `pieces` in the wasm
                // for this one loop.
                let mut i = 0;
                for key in pieces(CONSENT_MEMBERS, b' ') {
                    let v = match i {
                        0 => View::Bool(s.status == Status::Decided),
                        1 => View::Str(&s.config.revision),
                        2 => View::Choices(s, false),
                        3 => View::Choices(s, true),
                        4 => View::List(&s.allowed),
                        5 => View::Signals(s.signals),
                        6 => View::Bool(decide::gpc_keeps_off(&s.effective)),
                        7 => View::Bool(s.sensitive),
                        8 => match &s.region {
                            Some(r) => View::Str(r),
                            None => View::Null,
                        },
                        9 => View::Str(&s.texts.lang),
                        _ => View::Bool(s.config_ok),
                    };
                    entry(&mut m, key, &v);
                    i += 1;
                }
                m.end()
            }
            View::Choices(s, sources) => {
                let mut m = ser.serialize_map(None)?;
                for c in &s.effective {
                    let (granted, source) = decide::in_force(c, s.sensitive);
                    entry(&mut m, c.category.as_str(), &if sources { View::Str(source.name()) } else { View::Bool(granted) });
                }
                m.end()
            }
            View::List(items) => {
                let mut l = ser.serialize_seq(Some(items.len()))?;
                for x in items {
                    _ = l.serialize_element(&View::Str(x));
                }
                l.end()
            }
            View::Signals(signals) => {
                let mut m = ser.serialize_map(None)?;
                entry(&mut m, "dnt", &View::Str(signals.dnt.name()));
                entry(&mut m, "gpc", &View::Str(signals.gpc.name()));
                m.end()
            }
        }
    }
}

/// One member of a view's object: serde's entry code once in the wasm, not at each of the
/// four places that write a member.
#[inline(never)]
fn entry<M: SerializeMap>(m: &mut M, key: &str, v: &View) {
    _ = m.serialize_entry(key, v);
}

/// A view as a JS value. Serializing a `View` cannot fail (see the comment on its `Serialize`);
/// the error's own value is taken where one would be, not dropped for a `null` (-15 bytes).
fn to_js(v: &View) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or_else(JsValue::from)
}

/// A Consent Mode state as its bits (`mode` in `bridge.js` writes the seven types' object from
/// them: no type names, `granted` or `denied` strings in the wasm, no object built member by
/// member here).
fn bits(state: &ConsentState) -> JsValue {
    JsValue::from_f64(f64::from(state.0))
}

/// `o[k] = v`. It takes `v` so that the value is dropped here, once, not at every caller.
fn set(o: &Object, k: &str, v: JsValue) {
    put(o, JsValue::from_str(k), v)
}

/// `o[k] = v` for any key, ignoring what a setter throws (`put` in `bridge.js`, which catches:
/// no `Reflect.set` with its catching glue).
fn put(o: &JsValue, k: JsValue, v: JsValue) {
    bridge::put(o, &k, &v);
}

/// Carries out the effects in order. An event carries the state as it is when it fires: a
/// handler of an earlier one may have changed it (decided again, or routed into a sensitive page).
fn carry_out(effects: Vec<Effect>) {
    // By reference, the list dropped once at the end: no drop code of its own in each arm.
    for e in &effects {
        match e {
            Effect::Console(level, message) => console(*level, message),
            Effect::ConsentDefault { state, wait_for_update } => {
                let o = Object::new();
                set(&o, "wait_for_update", JsValue::from_f64(f64::from(*wait_for_update)));
                post(Send::ConsentDefault, bits(state), o.into())
            }
            Effect::ConsentUpdate(state) => post(Send::ConsentUpdate, bits(state), JsValue::UNDEFINED),
            Effect::Set(name, value) => post(Send::Set, JsValue::from_str(name), JsValue::from_bool(*value)),
            Effect::PageReferrer(origin) => post(Send::Set, JsValue::from_str("page_referrer"), JsValue::from_str(origin)),
            // A page hook called during this step may have withdrawn or routed into a sensitive
            // page: the tag is loaded and configured only if the state in force still wants it.
            Effect::Config { .. } if !tag_may_run(false) => {}
            Effect::LoadTag { .. } if !tag_may_run(true) => {}
            Effect::Config { id, signals } => post(Send::Config, JsValue::from_str(id), JsValue::from_bool(*signals)),
            Effect::Global(name, value) => page::set_global(name, *value),
            Effect::LoadTag { id, nonce } => drop(bridge::run(Act::LoadGtag, id, nonce)),
            Effect::EraseCookies(patterns) => erase_cookies(patterns),
            Effect::Gate
            | Effect::RegionDefault(_)
            | Effect::SyncSwitches
            | Effect::Store
            | Effect::ShowBanner
            | Effect::RenderNotice
            | Effect::ShowReopenButton(_) => {
                if let Some(s) = session() {
                    with_state(s, e);
                }
            }
            Effect::HideBanner => ui::hide_banner(),
            Effect::Emit(Emit::Signal(signals)) => post(Send::Signal, JsValue::UNDEFINED, to_js(&View::Signals(*signals))),
            // `change` and `ready` carry the consent view: one arm.
            Effect::Emit(emit) => post(if *emit == Emit::Change { Send::Change } else { Send::Ready }, JsValue::UNDEFINED, consent_view()),
            // Both delete a key: one arm.
            Effect::LogDrop | Effect::PendingTaken => bridge::store(if *e == Effect::LogDrop { LOG } else { PENDING }, ""),
            #[cfg(feature = "log")]
            Effect::LogHash { endpoint, notice } => drop(bridge::run(Act::LogHash, endpoint, notice)),
            #[cfg(feature = "log")]
            Effect::Log { store, send } => {
                bridge::store(LOG, store);
                for e in send {
                    bridge::run(Act::LogSend, &e.id, &e.json);
                }
            }
            // Never made without the log (`core::LOG`): no code for them in that wasm.
            #[cfg(not(feature = "log"))]
            Effect::LogHash { .. } | Effect::Log { .. } => {}
            Effect::ShowPreferences => show_preferences(),
            Effect::CloseDialog => ui::close_dialog(),
            Effect::Announce(message) => ui::announce(message),
            Effect::Download => bridge::download(&record_view()),
            Effect::Reload => _ = bridge::run(bridge::Act::Reload, "", ""),
        }
    }
    // A navigation while the session was lent out for one of them.
    navigated();
}

/// [`Session::tag_may_run`] now; not when the session is lent out.
fn tag_may_run(loading: bool) -> bool {
    session().is_some_and(|mut s| s.tag_may_run(loading))
}

/// Carries out an effect that needs the session's state, configuration or texts.
fn with_state(s: Lent, e: &Effect) {
    match (e, s.stored.as_ref()) {
        (Effect::Gate, _) => {
            // Read with the session lent; the gated scripts run once it is back.
            let (allowed, nonce, placeholder) =
                (strings(&s.allowed), JsValue::from_str(s.config.nonce.as_deref().unwrap_or("")), Array::new());
            for t in &s.placeholder() {
                placeholder.push(&JsValue::from_str(t));
            }
            let sensitive = u8::from(s.sensitive);
            drop(s);
            bridge::gate(&allowed, &nonce, &placeholder, sensitive)
        }
        (Effect::RegionDefault(i), _) => {
            let Some(rule) = s.config.regions.get(*i) else { return };
            let (state, o) = (bits(&decide::regional_default(&s.config, rule)), Object::new());
            set(&o, "region", strings(&rule.codes).into());
            // Sent with the session back: a page's gtag hook may call the SDK.
            drop(s);
            post(Send::ConsentDefault, state, o.into())
        }
        (Effect::Store, Some(r)) => save(&s.config, r),
        (Effect::Store, None) => {}
        // The interface's effects: one `ui` built (and dropped) for the four of them.
        _ => {
            let u = ui(&s);
            match e {
                Effect::SyncSwitches => u.sync_switches(),
                Effect::ShowBanner => u.show_banner(),
                // Never made without the renderer (`core::NOTICE`): no code for it in that wasm.
                #[cfg(feature = "notice")]
                Effect::RenderNotice => {
                    u.notice(&s.config.notice, crate::core::view::signal_lines(&s.config, s.signals, decide::gpc_keeps_off(&s.effective)))
                }
                Effect::ShowReopenButton(class) => u.reopen_button(class),
                _ => {}
            }
        }
    }
}

/// Expires every present cookie matching `patterns`, wherever this page can see it.
fn erase_cookies(patterns: &[String]) {
    let Ok(jar) = storage::cookies() else { return };
    let path = page::path();
    for name in &cookie::matching_cookies(&jar, patterns) {
        expire(name, &path);
    }
}

/// Expires the cookie `name` wherever a page at `path` of this host can see it (one place for the
/// assignments' loop and drop, and for reading the host and the scheme).
fn expire(name: &str, path: &str) {
    for assignment in &cookie::expire(name, &page::host(), path, page::https()) {
        storage::set_cookie(assignment);
    }
}

/// The consent cookie's value.
fn cookie_copy(config: &Config) -> Option<String> {
    let name = cookie::consent_cookie_name(config, page::https());
    storage::cookies().ok().and_then(|jar| cookie::cookie_value(&jar, &name).map(str::to_owned))
}

/// The stored copies of the record, as this page can read them.
fn copies(config: &Config) -> Copies {
    Copies { local: storage::local_get(), memory: storage::memory_instead_of_local(), cookie: cookie_copy(config) }
}

fn save(config: &Config, r: &Record) {
    let value = record::encode(r);
    // Warn on the first choice of the page only.
    let first = storage::memory_set(&value);
    let local = storage::local_set(&value);
    let https = page::https();
    for name in &cookie::consent_cookie_names(config) {
        expire(name, "/");
    }
    storage::set_cookie(&cookie::consent_cookie(config, &value, decide::lifetime_days(config, r), https));
    // A browser that blocks cookies drops the assignment without an error: read it back. On
    // http the cookie is no copy of the decision (see `cookie_is_record`), so it keeps nothing.
    let cookie = decide::cookie_is_record(config, https) && cookie_copy(config).is_some_and(|c| c == value);
    if !local && !cookie && first {
        console(Level::Warn, "consent-gate: this browser blocks storage, so your choice is kept for this page only");
    }
}

/// Starts the SDK. Returns the consent view, or the JS array of configuration errors (after still
/// showing the banner with built-in texts and loading nothing).
/// When the visitor's language is shipped as a file and `lang_texts` is `undefined`, it does not
/// start but returns that language; the page loads the file and calls it again with `lang_texts`
/// (its content, or a string saying why it could not be loaded). `early`: the decisions asked for
/// before start (see `api::start`); one not taken is replaced by its error.
pub fn start(config: JsValue, config_error: Option<String>, region: Option<String>, lang_texts: JsValue, early: JsValue) -> JsValue {
    // Borrowed below, so dropped here once rather than on each of its exits.
    start_with(&config, &config_error, &region, &lang_texts, &early)
}

fn start_with(config: &JsValue, config_error: &Option<String>, region: &Option<String>, lang_texts: &JsValue, early: &JsValue) -> JsValue {
    // In a block: the `null` is dropped here, not at each later exit.
    {
        let running = consent_view();
        // What a value is, is `kind` in bridge.js (an import the configuration's reader has
        // anyway), not wasm-bindgen's `is_null` and `is_undefined` imports.
        if bridge::kind_of(&running) != bridge::kind::NULL {
            return running;
        }
    }
    let parsed = match config_error {
        Some(message) => session::unreadable(message.clone()),
        None if matches!(bridge::kind_of(config), bridge::kind::NULL | bridge::kind::UNDEFINED) => read_config(&Js(&Object::new().into())),
        None => read_config(&Js(config)),
    };
    // The reader's messages are marks in the release wasms (`core::config::expand`): their words
    // are a file the page loads, as a language file, the first time there are problems to show
    // (a configuration that could not be fetched has no marks), and puts back in place of the
    // marks on the console and in `init`'s error (bridge.js). The start after that reads no file.
    let ask_words = !parsed.problems.is_empty() && config_error.is_none() && !WORDS_ASKED.0.replace(true);
    let lang = language(&parsed.config);
    let file_texts = if !ask_words && bridge::kind_of(lang_texts) != bridge::kind::UNDEFINED {
        super::lang::file_texts(&lang, lang_texts)
    } else if ask_words || needs_file(&lang) {
        // Not started: the page loads this file first, then calls start again (with it).
        return JsValue::from_str(if ask_words { "problems" } else { &lang });
    } else {
        vec![]
    };
    // A loop, not a filter/map/collect chain: one instantiation fewer in the wasm.
    let mut errors = vec![];
    for p in parsed.problems.iter() {
        if !p.is_error {
            continue;
        }
        errors.push(p.line());
    }
    // The page is read after the queued `setConsent` arguments were copied (when each call was
    // made): a getter in one that routes is heard.
    let page = Page {
        signals: page::signals(),
        region: region.as_deref(),
        lang,
        file_texts,
        copies: copies(&parsed.config),
        referrer: page::referrer(),
        // Not copied again as a whole: one large argument must not use up the copy's budget of
        // the others (a withdrawal after it would read as no decision).
        early: super::json::from_plain(early),
        pending: bridge::get(Read::Pending),
    };
    let e = env();
    let (session, effects) = Session::start(parsed, page, &e);
    for (i, message) in &session.early_errors {
        // The message: `api.js` makes the `Error` (no `Error` import in the wasm).
        put(early, JsValue::from(*i as u32), JsValue::from_str(message));
    }
    if !SESSION.1.get() {
        // SAFETY: one thread; with the flag down nothing holds the session, and the slot is empty
        // (a running session was answered above). Written without dropping the `None` there: no
        // drop code of a whole session in the wasm for a value that is always `None`.
        unsafe { SESSION.0.get().write(Some(session)) };
    }
    // Listening first: a `change` or `ready` handler that navigates is followed.
    bridge::watch();
    carry_out(effects);
    if errors.is_empty() {
        answer()
    } else {
        strings(&errors).into()
    }
}

/// The visitor's language (`session::language`) from `<html lang>` and the browser's: read and
/// dropped here, not held in `start`'s frame and dropped at each of its exits.
fn language(config: &Config) -> String {
    let (html_lang, languages) = (page::html_lang(), page::browser_languages());
    session::language(config, html_lang.as_deref(), &languages)
}

/// What the page tells changed (`watch` in `bridge.js` calls it through the `call` export):
/// 0 the URL, 1 maybe the stored record, 2 a notice container entered the page, 3 a click on the
/// SDK's interface (`value` its part's scope, `action` its `data-cg`), 4 the notice hash, 5 an
/// event's id and its answer's status. An export, not a `Closure`: no closure box, invoke shim
/// or guard. A handler of an event fired during one call (a click's `change`) may navigate, which
/// calls it again before that call returns; `step` handles that.
/// The two values come as JS values, read as strings here ('' for none): the glue then copies
/// no string in for them.
pub fn changed(what: u8, value: JsValue, action: JsValue) {
    let (value, action) = (value.as_string().unwrap_or_default(), action.as_string().unwrap_or_default());
    // One `step` for every kind: `None` says the stored copies changed (another tab changed
    // the stored record, or the page came back from the back/forward cache).
    let input = match what {
        0 => Some(Input::Navigate),
        1 => None,
        // A single-page app's route mounted a notice container (or put one back).
        2 => Some(Input::NoticeContainersAdded),
        // A click on the SDK's interface: `value` is the part's scope.
        3 => match click(&value, &action) {
            Some(input) => Some(input),
            None => return,
        },
        // The consent log: the notice hash, then the id of each event answered, with the status.
        #[cfg(feature = "log")]
        4 => Some(Input::NoticeHash(value)),
        #[cfg(feature = "log")]
        _ => Some(Input::Answered(value, crate::core::text::parse_uint(&action).unwrap_or(0))),
        // Only the log asks for them (`core::LOG`).
        #[cfg(not(feature = "log"))]
        _ => return,
    };
    drop(step(input));
}

/// The input of a click on a button of the SDK's own interface (`bridge.js` checks that it is
/// ours, and toggles switches itself): `scope` is the `data-cg-scope` of the part it is in (empty
/// for a public "Privacy choices" opener, which only opens the dialog), `action` its `data-cg`.
/// `None` for an action the SDK does not know.
fn click(scope: &str, action: &str) -> Option<Input> {
    // bridge.js passes only clicks on the SDK's own parts; what they do, the session decides.
    let action = Action::from_name(action)?;
    let switched_on = if action == Action::Save { ui::switched_on() } else { vec![] };
    Some(Input::Click(Scope::from_name(scope), action, switched_on))
}

/// Records the visitor's choice (`grants` = categories turned on, `None` for "accept all") and
/// applies it.
pub fn decide_and_apply(grants: Option<Vec<String>>, method: Method) -> JsValue {
    step(Some(Input::Decide(grants, method)))
}

/// The categories granted now, with `changes` applied: for `setConsent({analytics: true})`.
/// The argument is copied before the session is borrowed: a getter of it that routes would
/// otherwise go unheard. While the session is lent out, `Ok(None)`: the view is then `null`, and
/// `api.js` makes the call again (an `Err` would reject it, the change lost).
pub fn grants_with(changes: &JsValue) -> Result<Option<Vec<String>>, String> {
    let copy = Js(&bridge::plain(changes)).to_json();
    match session() {
        Some(s) => s.grants_with(&copy),
        None if SESSION.1.get() => Ok(None),
        None => Err("consent-gate is not started".into()),
    }
}

/// Opens the preferences dialog, focus returning to the control clicked, else to the element
/// focused now, when it closes. Opened with the session released: a focus handler of the page
/// may call the API.
pub fn show_preferences() {
    let Some(s) = session() else { return };
    let desc = ui(&s).preferences();
    drop(s);
    ui::show_preferences(desc);
}

/// The current consent state (what `start` and an empty `setConsent({})` resolve to; `getConsent()`
/// gives the one the last `change` event carried); `null` before start.
pub fn consent_view() -> JsValue {
    match session() {
        Some(s) => view(&s),
        None => JsValue::NULL,
    }
}

/// The stored record for `getConsentRecord()` as JSON text, which `bridge.js` parses (`record`,
/// with the `JSON.parse` of when it loaded: no js-sys import for it); `null` when the visitor has
/// not decided.
pub fn record_view() -> JsValue {
    let Some(s) = session() else { return JsValue::NULL };
    match s.decided() {
        Some(r) => JsValue::from_str(&log::record_json(r)),
        None => JsValue::NULL,
    }
}
