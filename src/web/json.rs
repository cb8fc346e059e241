//! [`JsonLike`] over `JsValue`: one copy into a [`Json`] (no serde deserializer), read from the
//! plain copy `bridge.js` makes, so that no getter, Proxy or cycle of the page's runs in here.

use crate::core::json::{Json, JsonLike, MAX_DEPTH};
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

/// A configuration value handed over from JavaScript.
#[derive(Clone)]
pub struct Js(pub JsValue);

impl JsonLike for Js {
    fn to_json(&self) -> Json {
        copy(&super::bridge::plain(&self.0), 0)
    }
}

/// `v`, a value `bridge.js` has already copied with `plain` (the queued decisions, each argument
/// copied on its own when its call was made), as a [`Json`].
pub fn from_plain(v: &JsValue) -> Json {
    copy(v, 0)
}

/// `v` as a [`Json`]: an object's own enumerable members (`Object.keys`), as JSON would see them.
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
    if Array::is_array(v) {
        let mut out = vec![];
        for x in v.unchecked_ref::<Array>().iter() {
            out.push(copy(&x, depth + 1));
        }
        return Json::Arr(out);
    }
    let mut out = vec![];
    for k in Object::keys(v.unchecked_ref::<Object>()).iter() {
        let x = Reflect::get(v, &k).map_or(Json::Undefined, |x| copy(&x, depth + 1));
        out.push((k.as_string().unwrap_or_default(), x));
    }
    Json::Obj(out)
}
