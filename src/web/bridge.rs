//! Imports from `src/js/bridge.js`. Each is `catch` or catches in `bridge.js` itself: a throwing
//! page hook (a hostile `dataLayer.push`, a failing event handler) becomes an ignored error, never
//! a broken SDK.

use js_sys::Array;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/bridge.js")]
extern "C" {
    /// Sends `what` to the page (`send` in bridge.js; see [`Send`]): numbers and JS values only,
    /// so the import needs no glue. Nothing is thrown: `gtag` catches a dataLayer that throws,
    /// and a handler of an event that throws is caught there too.
    fn send(what: u8, a: &JsValue, b: &JsValue);
    /// Activates gated scripts and iframes of the allowed categories (none on a sensitive page:
    /// `sensitive` 1). Numbers and values only, and what it throws caught in `bridge.js`: the
    /// import needs no glue.
    #[wasm_bindgen]
    pub fn gate(allowed: &Array, nonce: &JsValue, placeholder: &Array, sensitive: u8);
    /// The page's document, seen only through its prototypes (page markup cannot shadow them).
    #[wasm_bindgen]
    pub fn doc() -> web_sys::Document;
    /// Calls the `call` export (src/api.rs; `api.js` hands it to `bannerFirst`) with what
    /// changed: 0 after every history change, 1 when another tab changes the
    /// stored record and when the page comes back from the back/forward cache, 2 when a notice
    /// container enters the page after start (gating's observer sees it), 3 with the scope and
    /// action of a click on the SDK's own interface; for the consent log, 4 with the notice hash
    /// ([`Act::LogHash`]), 5 with the id of an event and the HTTP status of its answer
    /// ([`Act::LogSend`]). The values are strings, or absent when the change has none. What it
    /// throws (a page made `history` unwritable) is caught there: no `catch` glue here.
    #[wasm_bindgen]
    pub fn watch();
    /// `o[k] = v`, what a setter or a frozen object throws caught in `bridge.js` (the same
    /// function the vendored serde-wasm-bindgen sets the API views' members with): no
    /// `Reflect.set` with its catching glue.
    #[wasm_bindgen]
    pub fn put(o: &JsValue, k: &JsValue, v: &JsValue);
    /// A deep copy of `v` as plain data, made in JavaScript where a throw is caught: reading the
    /// copy cannot throw. A cycle or an unreadable value becomes a symbol (not JSON).
    #[wasm_bindgen]
    pub fn plain(v: &JsValue) -> JsValue;
    /// `Object.entries` as it was when bridge.js ran (a later page script may replace it).
    #[wasm_bindgen]
    pub fn entries(o: &JsValue) -> Array;
    /// What a value of a `plain` copy is (`kind` in bridge.js; see [`kind`]; 8 for anything
    /// else): one call, a number, no glue.
    #[wasm_bindgen(js_name = kind)]
    pub fn kind_of(v: &JsValue) -> u8;
    /// A number's JSON text (`1.5`, `-1`, `null` for NaN), copied in as a `String` (no handle
    /// made and dropped).
    #[wasm_bindgen(js_name = numberText)]
    pub fn number_text(n: &JsValue) -> String;
    /// Carries out one step of the interface (`ui::Part`) from its description: the markup is
    /// built there, the texts set as text. What a failing page hook throws there is caught there
    /// (`undefined` then): no `catch` glue here.
    #[wasm_bindgen]
    pub fn ui(part: u8, desc: &JsValue) -> JsValue;
    /// Offers the consent record (`getConsentRecord()`'s JSON text) as `consent-record.json`
    /// (through a promise: nothing is thrown here).
    #[wasm_bindgen]
    pub fn download(record: &JsValue);
    /// What the page tells, by number (`read` in bridge.js; see [`Read`]): one import for all,
    /// instead of one each with its glue (none of them throws).
    fn read(what: u8) -> Option<String>;
    /// `navigator.languages` (an empty array without).
    #[wasm_bindgen]
    pub fn languages() -> Array;
    /// `storage.setItem(key, value)` on the `Storage` gloo-storage's `raw()` found; false when
    /// it throws (storage full, or blocked), which `setItem` in bridge.js catches: no catching
    /// import (web-sys's `set_item`) with its exception glue.
    #[wasm_bindgen(js_name = setItem)]
    pub fn set_item(storage: &web_sys::Storage, key: &str, value: &str) -> bool;
    /// Does `what` with one or two strings (`act` in bridge.js; see [`Act`]): one import for all,
    /// instead of one each with its glue. True when a cookie assignment went through.
    fn act(what: u8, a: &str, b: &str) -> bool;
}

/// What [`act`] does.
#[derive(Clone, Copy)]
pub enum Act {
    /// Stores `b` under the key `a` in localStorage (an empty one: deletes it).
    Store = 0,
    /// Keeps the consent log's endpoint `a` for [`Act::LogSend`], and computes the hex SHA-256
    /// of the notice `b` and hands it back (`watch`).
    LogHash = 1,
    /// POSTs the consent event `b` to the endpoint with fetch keepalive; a 2xx hands its id `a`
    /// back (`watch`).
    LogSend = 2,
    /// Injects gtag.js for the tag id `a`, with the nonce `b` (a script element appended to
    /// `<head>`: nothing there throws).
    LoadGtag = 3,
    /// Assigns `a` to `document.cookie`; [`act`] gives false when that throws.
    SetCookie = 4,
    /// `window[a] = true` (the `ga-disable-<id>` kill switches).
    GlobalOn = 5,
    /// `window[a] = false`.
    GlobalOff = 6,
    /// `console.error(a)`.
    Error = 7,
    /// `console.warn(a)`.
    Warn = 8,
    /// `console.info(a)`.
    Info = 9,
    /// Whether `window.localStorage` can be read (it throws when storage is blocked).
    HasLocalStorage = 10,
    /// Reloads the page.
    Reload = 11,
    /// True when the JS stack has stayed up since the last time (`lend` in bridge.js); see
    /// [`lend`].
    Lend = 12,
}

/// True when the JS stack has stayed up since the last call (`lend` in bridge.js): a session
/// lent out then is still held by a frame on it (see `session` in `app`). Through `act`: no
/// import of its own.
pub fn lend() -> bool {
    run(Act::Lend, "", "")
}

/// Does `what` with `a` and `b` (see [`Act`]).
pub fn run(what: Act, a: &str, b: &str) -> bool {
    act(what as u8, a, b)
}

/// Stores `value` under `key` in localStorage (an empty one: deletes it).
pub fn store(key: &str, value: &str) {
    run(Act::Store, key, value);
}

/// What [`send`] sends.
#[derive(Clone, Copy)]
pub enum Send {
    /// `gtag('consent', 'default', …)`: the types granted by the bits `a` (a
    /// `decide::ConsentState`), then the members of the object `b` (`wait_for_update`, `region`).
    ConsentDefault = 0,
    /// `gtag('consent', 'update', …)`: the types granted by the bits `a`.
    ConsentUpdate = 1,
    /// `gtag('set', a, b)`.
    Set = 2,
    /// `gtag('config', a, {allow_google_signals: b, allow_ad_personalization_signals: b})` (an
    /// object literal in `bridge.js`, as `mode` writes Consent Mode's).
    Config = 3,
    /// The SDK's `change` event, with the consent view `b` (to `on()` handlers and as a DOM
    /// CustomEvent).
    Change = 4,
    /// The `ready` event, with the consent view `b`.
    Ready = 5,
    /// The `signal` event, with the browser signals `b`.
    Signal = 6,
}

/// Sends `what` with `a` and `b` to the page (see [`Send`]). It takes the values so that they
/// are dropped here, once, not at every caller.
pub fn post(what: Send, a: JsValue, b: JsValue) {
    send(what as u8, &a, &b)
}

/// What [`kind_of`] answers: what a value of a `plain` copy is (`kind` in bridge.js).
pub mod kind {
    /// A string.
    pub const STR: u8 = 0;
    /// `true`.
    pub const TRUE: u8 = 1;
    /// `false`.
    pub const FALSE: u8 = 2;
    /// A number.
    pub const NUM: u8 = 3;
    /// `null`.
    pub const NULL: u8 = 4;
    /// `undefined`.
    pub const UNDEFINED: u8 = 5;
    /// An array.
    pub const ARR: u8 = 6;
    /// An object.
    pub const OBJ: u8 = 7;
}

/// What [`read`] reads.
#[derive(Clone, Copy)]
pub enum Read {
    /// `location.pathname`.
    Path = 0,
    /// `location.hash`.
    Hash = 1,
    /// `location.hostname`.
    Host = 2,
    /// `location.protocol`.
    Protocol = 3,
    /// `location.origin`.
    Origin = 4,
    /// `document.referrer`.
    Referrer = 5,
    /// In a frame of a same-site page, the top page's `pathname` ('' otherwise).
    TopPath = 6,
    /// In a frame of a same-site page, the top page's `hash` ('' otherwise).
    TopHash = 7,
    /// Do Not Track: the first string among `navigator.doNotTrack`, `window.doNotTrack` and
    /// `navigator.msDoNotTrack`, `None` when none is one (web-sys's `doNotTrack` getter throws
    /// on `null`).
    Dnt = 8,
    /// `<html lang>`, `None` without one.
    HtmlLang = 9,
    /// 16 bytes of `crypto.getRandomValues` in lowercase hex (zeros if it threw).
    RandomId = 10,
    /// `document.cookie` (of the shielded document); `None` when reading it throws (cookies
    /// blocked).
    Cookies = 11,
    /// Global Privacy Control: "1" when `navigator.globalPrivacyControl` is `true`, "" when it
    /// is not, `None` when the browser has no such property (it reads `undefined`).
    Gpc = 12,
    /// The localStorage item `consent-gate` (`storage::KEY`: the encoded record); `None` when
    /// there is none or storage is blocked. Through `read`: no import taking a key string.
    Record = 13,
    /// The localStorage item `consent-gate-log` (the consent log's queue), as [`Read::Record`].
    LogQueue = 14,
    /// The localStorage item `consent-gate-pending` (withdrawals queued before a start), as
    /// [`Read::Record`].
    Pending = 15,
}

/// What the page tells about `what` (see [`Read`]).
pub fn get(what: Read) -> Option<String> {
    read(what as u8)
}

/// A part of the page's address (see [`Read`]); '' when there is none.
pub fn here(what: Read) -> String {
    read(what as u8).unwrap_or_default()
}

/// A JS array of strings.
pub fn strings(items: &[String]) -> Array {
    // A loop, not `collect`: no FromIterator and Extend instantiation for it.
    let a = Array::new();
    for s in items {
        a.push(&JsValue::from_str(s));
    }
    a
}

/// The strings in a JS array (anything else in it skipped): one loop for every such list.
pub fn from_strings(a: &Array) -> Vec<String> {
    let mut out = vec![];
    for v in a.iter() {
        if let Some(s) = v.as_string() {
            out.push(s);
        }
    }
    out
}
