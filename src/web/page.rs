//! What the browser tells about this page view: signals, languages, path, host, time.

use super::bridge::{get, here, run, Act, Read};
use crate::core::session::Level;
use crate::core::signals::{Dnt, Gpc, Signals};

/// DNT and GPC, read in `bridge.js` (no `Reflect.get` per property here).
pub fn signals() -> Signals {
    let gpc = get(Read::Gpc).map(|s| !s.is_empty());
    Signals { dnt: Dnt::from_sources(&[get(Read::Dnt)]), gpc: Gpc::from_property(gpc) }
}

/// `navigator.languages`, most preferred first.
pub fn browser_languages() -> Vec<String> {
    super::bridge::from_strings(&super::bridge::languages())
}

/// `<html lang>`.
pub fn html_lang() -> Option<String> {
    get(Read::HtmlLang)
}

/// The path of this page, without query or fragment.
pub fn path() -> String {
    here(Read::Path)
}

/// The fragment of this page's URL (`#/patient-portal/…`), or empty.
pub fn hash() -> String {
    here(Read::Hash)
}

/// The host name of this page.
pub fn host() -> String {
    here(Read::Host)
}

/// Whether the page is served over https.
pub fn https() -> bool {
    here(Read::Protocol) == "https:"
}

/// `document.referrer`, and this page's origin.
pub fn referrer() -> (String, String) {
    (here(Read::Referrer), here(Read::Origin))
}

/// Milliseconds since 1970 UTC.
pub fn now() -> u64 {
    js_sys::Date::now() as u64
}

/// 16 random bytes in hex: the pseudonymous browser id (`bridge.js`, with the hex writer the
/// notice hash uses).
pub fn random_id() -> String {
    here(Read::RandomId)
}

/// `window[name] = value`.
pub fn set_global(name: &str, value: bool) {
    run(if value { Act::GlobalOn } else { Act::GlobalOff }, name, "");
}

/// Writes one line to the console.
pub fn console(level: Level, message: &str) {
    let what = match level {
        Level::Error => Act::Error,
        Level::Warn => Act::Warn,
        Level::Info => Act::Info,
    };
    run(what, message, "");
}
