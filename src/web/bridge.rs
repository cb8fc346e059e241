//! Imports from `src/js/bridge.js`. Each is `catch`: a throwing page hook (a hostile
//! `dataLayer.push`, a failing event handler) becomes an ignored error, never a broken SDK.

use js_sys::Array;
use wasm_bindgen::prelude::*;
use web_sys::Element;

#[wasm_bindgen(module = "/src/js/bridge.js")]
extern "C" {
    /// `gtag(a, b, c)`, pushing the `arguments` object onto dataLayer.
    #[wasm_bindgen(catch)]
    pub fn gtag(a: &str, b: &JsValue, c: &JsValue) -> Result<(), JsValue>;
    /// Injects gtag.js for `id`.
    #[wasm_bindgen(catch, js_name = loadGtag)]
    pub fn load_gtag(id: &str, nonce: &str) -> Result<(), JsValue>;
    /// Fires an SDK event to `on()` handlers and as a DOM CustomEvent.
    #[wasm_bindgen(catch)]
    pub fn emit(name: &str, detail: &JsValue) -> Result<(), JsValue>;
    /// Activates gated scripts and iframes of the allowed categories (none on a sensitive page).
    #[wasm_bindgen(catch)]
    pub fn gate(allowed: &Array, nonce: &str, placeholder: &Array, sensitive: bool) -> Result<(), JsValue>;
    /// The page's document, seen only through its prototypes (page markup cannot shadow them).
    #[wasm_bindgen]
    pub fn doc() -> web_sys::Document;
    /// Calls `f` after every history change.
    #[wasm_bindgen(catch, js_name = watchNavigation)]
    pub fn watch_navigation(f: &Closure<dyn FnMut()>) -> Result<(), JsValue>;
    /// Calls `f` when another tab changes the stored record and when the page comes back
    /// from the back/forward cache.
    #[wasm_bindgen(catch, js_name = watchStorage)]
    pub fn watch_storage(f: &Closure<dyn FnMut()>) -> Result<(), JsValue>;
    /// Marks `el` as made by the SDK (page markup cannot do that).
    #[wasm_bindgen]
    pub fn own(el: &Element);
    /// Whether the SDK made `el`.
    #[wasm_bindgen]
    pub fn owns(el: &Element) -> bool;
    /// Whether page markup `el` is the site's own: it carries the configured nonce (any element
    /// when none is configured). Known once `gate` has run.
    #[wasm_bindgen]
    pub fn trusted(el: &Element) -> bool;
    /// `showModal()`, and focus back to `opener` on close.
    #[wasm_bindgen(catch, js_name = openModal)]
    pub fn open_modal(dialog: &Element, opener: Option<Element>) -> Result<(), JsValue>;
    /// Offers a file download.
    #[wasm_bindgen(catch)]
    pub fn download(name: &str, text: &str) -> Result<(), JsValue>;
    /// Reloads the page.
    #[wasm_bindgen(catch)]
    pub fn reload() -> Result<(), JsValue>;
    /// The stored consent-log queue; `None` when there is none or storage is blocked.
    #[wasm_bindgen(js_name = logRead)]
    pub fn log_read() -> Option<String>;
    /// Stores the consent-log queue (an empty one: deletes it).
    #[wasm_bindgen(catch, js_name = logWrite)]
    pub fn log_write(stored: &str) -> Result<(), JsValue>;
    /// Computes the hex SHA-256 of `notice` and hands it back (`logged` in `src/api.rs`).
    #[wasm_bindgen(catch, js_name = logHash)]
    pub fn log_hash(notice: &str) -> Result<(), JsValue>;
    /// POSTs one consent event with fetch keepalive; a 2xx hands `id` back (`logged`).
    #[wasm_bindgen(catch, js_name = logSend)]
    pub fn log_send(endpoint: &str, id: &str, body: &str) -> Result<(), JsValue>;
}

/// A JS array of strings.
pub fn strings(items: &[String]) -> Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}
