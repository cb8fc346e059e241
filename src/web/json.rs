//! [`JsonLike`] over `JsValue`: one copy into a [`Json`] (no serde deserializer), read from the
//! plain copy `bridge.js` makes (`plain`), so that no getter, Proxy or cycle of the page's runs in
//! here.

use crate::core::json::{Json, JsonLike, MAX_DEPTH};
use js_sys::{Array, JSON};
use wasm_bindgen::{JsCast, JsValue};

/// A value handed over from JavaScript that `bridge.js` has already copied with `plain`: the
/// configuration (copied once by `init`, since start may run twice), each queued decision (copied
/// when its call was made), a language file. Copied again only into a [`Json`].
#[derive(Clone)]
pub struct Js(pub JsValue);

impl JsonLike for Js {
    fn to_json(&self) -> Json {
        from_plain(&self.0)
    }
}

/// `v`, a value `bridge.js` has already copied with `plain`, as a [`Json`].
pub fn from_plain(v: &JsValue) -> Json {
    copy(v, 0)
}

/// `v` as a [`Json`]: an object's own enumerable members (`Object.entries`, as it was when
/// bridge.js ran), as JSON would see them.
fn copy(v: &JsValue, depth: usize) -> Json {
    if let Some(s) = v.as_string() {
        return Json::Str(s);
    }
    if let Some(b) = v.as_bool() {
        return Json::Bool(b);
    }
    if let Some(n) = v.as_f64() {
        // The number as JSON writes it (`1.5`, `-1`, `null` for NaN), for messages only.
        let text = JSON::stringify(v).ok().and_then(|s| s.as_string()).unwrap_or_default();
        return Json::Num(n, text);
    }
    if v.is_null() {
        return Json::Null;
    }
    if v.is_undefined() {
        return Json::Undefined;
    }
    if !v.is_object() || depth > MAX_DEPTH {
        return Json::Other;
    }
    if super::bridge::is_array(v) {
        let mut out = vec![];
        for x in v.unchecked_ref::<Array>().iter() {
            out.push(copy(&x, depth + 1));
        }
        return Json::Arr(out);
    }
    // `plain` made every member a data member: its entries read no getter and cannot throw.
    // `get_unchecked`, the indexing import `Array::iter` uses, not `get`: one import fewer.
    let mut out = vec![];
    for pair in super::bridge::entries(v).iter() {
        let pair = pair.unchecked_into::<Array>();
        out.push((pair.get_unchecked(0).as_string().unwrap_or_default(), copy(&pair.get_unchecked(1), depth + 1)));
    }
    Json::Obj(out)
}
