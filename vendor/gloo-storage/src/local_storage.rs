use wasm_bindgen::prelude::*;

use crate::Storage;

// Patched for consent-gate (see PATCH.md): `window.localStorage` read by one getter import,
// instead of `web_sys::window()` (js-sys's `global()` probing four globals, its lazy cells, an
// `instanceof Window` check) and two `expect_throw`s with their texts.
#[wasm_bindgen]
extern "C" {
    /// The page's `window` (only named, as the object `localStorage` is read from).
    #[wasm_bindgen(js_name = window)]
    type Window;

    /// `window.localStorage`, read anew at each call; throws what the browser throws when
    /// storage is blocked.
    #[wasm_bindgen(static_method_of = Window, js_class = "window", getter, js_name = localStorage)]
    fn local_storage() -> web_sys::Storage;
}

/// Provides API to deal with `localStorage`
#[derive(Debug)]
pub struct LocalStorage;

impl Storage for LocalStorage {
    fn raw() -> web_sys::Storage {
        Window::local_storage()
    }
}
