//! The `#[wasm_bindgen]` surface. The JavaScript wrapper (`src/js/api.js`) queues calls made
//! before the wasm is ready and offers the same names to `window.ConsentGate` and ESM imports.

use crate::core::record::Method;
use crate::web::app;
use wasm_bindgen::prelude::*;

/// Starts the SDK with a configuration object. `config_error` reports a configuration that could
/// not even be fetched or parsed; `region` is the page's region hint (`US-WA`). Returns the
/// consent state, or the array of configuration errors (after failing closed), which `api.js`
/// rejects with (returned, not thrown: no `Result` in the export's glue).
/// When the visitor's language is a file next to the script (`i18n/<lang>.json`) and `lang_texts`
/// is `undefined`, it returns that language instead, without starting: the page loads the file
/// and calls start again with `lang_texts`, its content or a string saying why it could not be
/// loaded.
/// `early` is the array of decisions the page asked for before start, in order (`true` for
/// `acceptAll()`, `false` for `rejectAll()`, `[changes]` for `setConsent(changes)` (a deep copy,
/// see `plain` in bridge.js), `undefined` for any other call): they are the first decision,
/// before any tag. Each one that is not taken
/// (an invalid `setConsent` argument) is replaced in the array by the message of the `Error` its
/// call rejects with (`api.js` makes the `Error`).
/// `config_error` and `region` are taken as values and read as strings here (anything else is
/// none): the glue then copies no string in for them.
#[wasm_bindgen]
pub fn start(config: JsValue, config_error: JsValue, region: JsValue, lang_texts: JsValue, early: JsValue) -> JsValue {
    app::start(config, config_error.as_string(), region.as_string(), lang_texts, early)
}

/// What the page asks or tells, by number, with up to two values: one export for all (one
/// externref shim and one glue function instead of one each). 0 to 5: what changed (`watch` in
/// bridge.js calls it; see `app::changed`, `a` and `b` its strings); 6 `acceptAll()` (an
/// honoured GPC still keeps advertising off); 7 `rejectAll()`; 8 `setConsent(a)`
/// (`setConsent({analytics: true, advertising: false})`); 9 `showPreferences()`; 10
/// `getConsentRecord()`. The decisions return the consent state; `setConsent` instead the message
/// of the `Error` the call rejects with when its argument is refused (returned, not thrown: no
/// `Result` in the export's glue; `src/js/api.js` makes the `Error` and throws it, so the wasm
/// needs no `Error` import); `getConsentRecord()` the record's JSON text, or `null` when
/// undecided.
#[wasm_bindgen]
pub fn call(what: u8, a: JsValue, b: JsValue) -> JsValue {
    match what {
        6 => app::decide_and_apply(None, Method::Api),
        7 => app::decide_and_apply(Some(vec![]), Method::Api),
        8 => match app::grants_with(&a) {
            Ok(Some(grants)) => app::decide_and_apply(Some(grants), Method::Api),
            Ok(None) => app::answer(),
            Err(e) => JsValue::from_str(&e),
        },
        9 => {
            app::show_preferences();
            // A navigation while its description was made (a page's hook) is a step of its own now.
            app::navigated();
            JsValue::UNDEFINED
        }
        10 => app::record_view(),
        _ => {
            app::changed(what, a, b);
            JsValue::UNDEFINED
        }
    }
}
