//! Reading the language file the page loaded for this visitor (`i18n/<lang>.json`). Which
//! language that is, is `core::i18n::negotiate`; whether the file is usable, `read_language_file`.

use super::json::Js;
use super::page::console;
use crate::core::config::read_language_file;
use crate::core::i18n::Text;
use crate::core::session::Level;
use crate::core::text::concat;
use wasm_bindgen::JsValue;

/// The texts of `lang` from its language file: `file` is the file's parsed content, or a string
/// saying why it could not be loaded. A file that is
/// missing, broken or incomplete gives no texts (English stays) and one console warning naming
/// the file and the fault.
pub fn file_texts(lang: &str, file: &JsValue) -> Vec<(Text, String)> {
    let fault = match file.as_string() {
        Some(reason) => reason,
        None => match read_language_file(&Js(&super::bridge::plain(file)), lang) {
            Ok(texts) => return texts,
            Err(fault) => fault,
        },
    };
    console(Level::Warn, &concat(&["consent-gate: language file i18n/", lang, ": ", &fault, "; the texts stay in English"]));
    vec![]
}
