//! The JSON-like value the configuration reader reads: copied once from the browser's value (or
//! a test's `serde_json::Value`), then read by reference.
//!
//! Keeping serde's deserializers out of the wasm saves about 12 KB brotli (any deserializer pulls
//! in `core::fmt` through its error messages), and reading field by field lets every error name
//! its exact path. Reading a copy rather than the live `JsValue` means no member is fetched across
//! the JS boundary, copied into a `String` or dropped field by field: the reader borrows.

use super::text::{parse_uint, push_json_str, truncate};

/// A JSON-like value.
// `repr(u8)`: a tag byte of its own, so that each test of the kind reads that byte instead of
// decoding the kind from the spare values of a `String`'s capacity (smaller code at every match).
#[derive(Clone, Debug, PartialEq)]
#[repr(u8)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its JSON text (`1.5`, `-1`, `1e+21`; JavaScript's own number-to-text, so a
    /// whole number below 10^21 is plain digits): read only as a whole number
    /// ([`Json::as_whole`]) or shown in messages, so no float is parsed or formatted here.
    Num(String),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object's own members, in their order.
    Obj(Vec<(String, Json)>),
    /// `undefined` (a member that is there with this value reads as absent).
    Undefined,
    /// Anything else JavaScript has (a function, a symbol, a value too deeply nested to copy).
    Other,
}

/// How deep [`JsonLike::to_json`] copies: deeper than any configuration goes (a notice link's
/// localized text is 10 levels down), and a cycle (`a.self = a`) stops here.
pub const MAX_DEPTH: usize = 24;

/// A value the configuration can be read from: it is copied once into a [`Json`].
pub trait JsonLike {
    /// The copy.
    fn to_json(&self) -> Json;
}

impl JsonLike for Json {
    fn to_json(&self) -> Json {
        self.clone()
    }
}

impl Json {
    /// The member `name` of an object; `None` when absent, `undefined`, or not an object.
    pub fn field(&self, name: &str) -> Option<&Json> {
        self.members().iter().find(|(k, v)| k == name && !matches!(v, Json::Undefined)).map(|(_, v)| v)
    }
    /// The members of an object (none for anything else).
    pub fn members(&self) -> &[(String, Json)] {
        match self {
            Json::Obj(m) => m,
            _ => &[],
        }
    }
    /// The value as a string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
    /// The value as a boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// The value as a whole number from 0 to 10^19 - 1, if it is one (`-1`, `1.5`, a string
    /// of digits and a number with an exponent are not).
    pub fn as_whole(&self) -> Option<u64> {
        match self {
            Json::Num(text) => parse_uint(text),
            _ => None,
        }
    }
    /// The elements, if the value is an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Arr(a) => Some(a),
            _ => None,
        }
    }
    /// Whether the value is an object (not an array, not null).
    pub fn is_object(&self) -> bool {
        matches!(self, Json::Obj(_))
    }
    /// A short rendering of the value for error messages (`42`, `"abc"`, `an object`).
    pub fn describe(&self) -> String {
        match self {
            Json::Null => "null",
            Json::Bool(true) => "true",
            Json::Bool(false) => "false",
            Json::Num(text) => text,
            Json::Str(v) => {
                let mut s = String::new();
                push_json_str(&mut s, v);
                return truncate(&s, 40);
            }
            Json::Arr(_) => "an array",
            Json::Obj(_) => "an object",
            Json::Undefined => "nothing",
            Json::Other => "a value",
        }
        .to_owned()
    }
}

#[cfg(any(test, feature = "serde-json-reader"))]
impl JsonLike for serde_json::Value {
    fn to_json(&self) -> Json {
        use serde_json::Value;
        match self {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            // As JavaScript writes it: `250.0` is `250`.
            Value::Number(n) => Json::Num(match n.as_f64() {
                Some(f) if n.is_f64() => f.to_string(),
                _ => n.to_string(),
            }),
            Value::String(s) => Json::Str(s.clone()),
            Value::Array(a) => Json::Arr(a.iter().map(JsonLike::to_json).collect()),
            Value::Object(o) => Json::Obj(o.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }
}
