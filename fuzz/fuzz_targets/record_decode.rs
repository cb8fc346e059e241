//! Any string → a stored consent record: never a panic, and what decodes re-encodes to itself.
#![no_main]

use consent_gate::core::record::{decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(r) = decode(s) {
        assert!(!r.id.is_empty());
        assert_eq!(decode(&encode(&r)), Ok(r));
    }
});
