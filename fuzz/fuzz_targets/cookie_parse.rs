//! Any `document.cookie` string, and any host name for the cookie domains.
#![no_main]

use consent_gate::core::cookie::{cookie_domains, cookie_names_values, cookie_value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let pairs: Vec<(&str, &str)> = cookie_names_values(&s).collect();
    for (n, v) in &pairs {
        assert!(!n.is_empty() && !n.contains(';') && !n.contains('=') && !v.contains(';'));
        let first = pairs.iter().find(|(m, _)| m == n).map(|(_, v)| *v);
        assert_eq!(cookie_value(&s, n), first);
    }
    let domains = cookie_domains(&s);
    assert!(domains.iter().all(|d| d.contains('.')), "{domains:?}");
});
