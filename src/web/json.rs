//! [`JsonLike`] over `JsValue`, read through `js_sys::Reflect` (no serde deserializer).

use crate::core::json::JsonLike;
use crate::core::text::truncate;
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

/// A configuration value handed over from JavaScript.
#[derive(Clone)]
pub struct Js(pub JsValue);

impl JsonLike for Js {
    fn field(&self, name: &str) -> Option<Js> {
        if !self.is_object() {
            return None;
        }
        // A getter may throw; that reads as "absent" rather than a crash.
        Reflect::get(&self.0, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined()).map(Js)
    }
    fn keys(&self) -> Vec<String> {
        if !self.is_object() {
            return vec![];
        }
        Object::keys(self.0.unchecked_ref::<Object>()).iter().filter_map(|k| k.as_string()).collect()
    }
    fn as_str(&self) -> Option<String> {
        self.0.as_string()
    }
    fn as_bool(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn as_number(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn array_len(&self) -> Option<usize> {
        Array::is_array(&self.0).then(|| self.0.unchecked_ref::<Array>().length() as usize)
    }
    fn at(&self, i: usize) -> Js {
        Js(self.0.unchecked_ref::<Array>().get(i as u32))
    }
    fn is_object(&self) -> bool {
        self.0.is_object() && !Array::is_array(&self.0)
    }
    fn describe(&self) -> String {
        if Array::is_array(&self.0) {
            return "an array".into();
        }
        if self.0.is_object() {
            return "an object".into();
        }
        if self.0.is_undefined() {
            return "nothing".into();
        }
        let s = JSON::stringify(&self.0).ok().and_then(|s| s.as_string()).unwrap_or_else(|| "a value".into());
        truncate(&s, 40)
    }
}
