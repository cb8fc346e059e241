//! A sensitive-path pattern and a page path (split at the first NUL byte).
#![no_main]

use consent_gate::core::glob::{glob, normalize_path, path_matches};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let (pattern, path) = s.split_once('\0').unwrap_or((&s, "/"));
    let _ = path_matches(pattern, path);
    let _ = glob(pattern, path);
    assert!(path_matches(pattern, pattern));
    assert!(glob(path, path));
    assert!(!normalize_path(path).contains("//"));
});
