//! The small view of a JSON-like value that the configuration reader is written against.
//!
//! The browser implements it over `JsValue` (through `js_sys::Reflect`), the native tests over
//! `serde_json::Value`. Keeping serde's deserializers out of the wasm saves about 12 KB brotli
//! (any deserializer pulls in `core::fmt` through its error messages), and reading field by field
//! lets every error name its exact path.

/// Read access to one JSON-like value.
pub trait JsonLike: Sized + Clone {
    /// The member `name` of an object; `None` when absent, `undefined`, or not an object.
    fn field(&self, name: &str) -> Option<Self>;
    /// The member names of an object (empty for anything else), used to warn about unknown fields.
    fn keys(&self) -> Vec<String>;
    /// The value as a string, if it is one.
    fn as_str(&self) -> Option<String>;
    /// The value as a boolean, if it is one.
    fn as_bool(&self) -> Option<bool>;
    /// The value as a number, if it is one.
    fn as_number(&self) -> Option<f64>;
    /// The number of elements, if the value is an array. Elements are read one at a time with
    /// [`JsonLike::at`]: no vector of values is built.
    fn array_len(&self) -> Option<usize>;
    /// The element `i` of an array (`i` below [`JsonLike::array_len`]).
    fn at(&self, i: usize) -> Self;
    /// Whether the value is a plain object (not an array, not null).
    fn is_object(&self) -> bool;
    /// A short rendering of the value for error messages (`42`, `"abc"`, `an object`).
    fn describe(&self) -> String;
}

#[cfg(any(test, feature = "serde-json-reader"))]
impl JsonLike for serde_json::Value {
    fn field(&self, name: &str) -> Option<Self> {
        self.as_object().and_then(|o| o.get(name)).cloned()
    }
    fn keys(&self) -> Vec<String> {
        self.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
    }
    fn as_str(&self) -> Option<String> {
        serde_json::Value::as_str(self).map(str::to_owned)
    }
    fn as_bool(&self) -> Option<bool> {
        serde_json::Value::as_bool(self)
    }
    fn as_number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn array_len(&self) -> Option<usize> {
        serde_json::Value::as_array(self).map(Vec::len)
    }
    fn at(&self, i: usize) -> Self {
        self[i].clone()
    }
    fn is_object(&self) -> bool {
        serde_json::Value::is_object(self)
    }
    fn describe(&self) -> String {
        match self {
            serde_json::Value::Object(_) => "an object".into(),
            serde_json::Value::Array(_) => "an array".into(),
            other => super::text::truncate(&other.to_string(), 40),
        }
    }
}
