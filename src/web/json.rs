//! [`JsonLike`] over `JsValue`: one copy into a [`Json`] (no serde deserializer), read from the
//! plain copy `bridge.js` makes (`plain`), so that no getter, Proxy or cycle of the page's runs in
//! here.

use super::bridge::{entries, kind, kind_of, number_text};
use crate::core::json::{Json, JsonLike, MAX_DEPTH};
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

/// A value handed over from JavaScript that `bridge.js` has already copied with `plain`: the
/// configuration (copied once by `init`, since start may run twice), each queued decision (copied
/// when its call was made), a language file. Copied again only into a [`Json`]. Borrowed: the
/// caller keeps its value, so that no handle is cloned for the reader and dropped after.
pub struct Js<'a>(pub &'a JsValue);

impl JsonLike for Js<'_> {
    fn to_json(&self) -> Json {
        from_plain(self.0)
    }
}

/// `v`, a value `bridge.js` has already copied with `plain`, as a [`Json`].
pub fn from_plain(v: &JsValue) -> Json {
    copy(v, 0)
}

/// `v` as a [`Json`]: an object's own enumerable members (`Object.entries`, as it was when
/// bridge.js ran), as JSON would see them. What `v` is, is one call (`kind`), not one test each.
fn copy(v: &JsValue, depth: usize) -> Json {
    let k = kind_of(v);
    match k {
        kind::STR => Json::Str(v.as_string().unwrap_or_default()),
        kind::TRUE | kind::FALSE => Json::Bool(k == kind::TRUE),
        // The number as JSON writes it (`1.5`, `-1`, `null` for NaN).
        kind::NUM => Json::Num(number_text(v)),
        kind::NULL => Json::Null,
        kind::UNDEFINED => Json::Undefined,
        kind::ARR if depth <= MAX_DEPTH => {
            let mut out = vec![];
            for x in v.unchecked_ref::<Array>().iter() {
                out.push(copy(&x, depth + 1));
            }
            Json::Arr(out)
        }
        // `plain` made every member a data member: its entries read no getter and cannot throw.
        kind::OBJ if depth <= MAX_DEPTH => {
            let mut out = vec![];
            for pair in entries(v).iter() {
                let pair = pair.unchecked_into::<Array>();
                out.push((pair.get_unchecked(0).as_string().unwrap_or_default(), copy(&pair.get_unchecked(1), depth + 1)));
            }
            Json::Obj(out)
        }
        _ => Json::Other,
    }
}
