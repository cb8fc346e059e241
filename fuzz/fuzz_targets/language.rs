//! Language negotiation. Input lines: configured, `<html lang>`, then browser languages; after a
//! NUL byte, the languages the site offers texts for.
#![no_main]

use consent_gate::core::i18n::{language, needs_file, negotiate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let (asked, offered) = s.split_once('\0').unwrap_or((&s, ""));
    let mut lines = asked.split('\n');
    let configured = lines.next().filter(|l| !l.is_empty());
    let html = lines.next().filter(|l| !l.is_empty());
    let browser: Vec<String> = lines.map(str::to_owned).collect();
    let offered: Vec<String> = offered.split('\n').map(language).collect();
    let got = negotiate(configured, html, &browser, |l| offered.iter().any(|o| o == l));
    assert!(got == "en" || needs_file(&got) || offered.contains(&got), "{got:?}");
    assert!(!got.is_empty());
});
