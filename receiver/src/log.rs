//! Structured logs: one JSON object per line on stderr. Never the client's address.

use serde_json::{Map, Value};
use std::io::Write;

/// Milliseconds since 1970 by this machine's clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// ISO-8601 UTC with milliseconds.
pub fn iso(ms: i64) -> String {
    let mut s = String::new();
    consent_gate::core::log::push_iso8601(&mut s, u64::try_from(ms).unwrap_or(0));
    s
}

/// Writes one line: `{"time": …, "level": level, …fields}`.
pub fn event(level: &str, fields: &[(&str, Value)]) {
    let mut o = Map::new();
    o.insert("time".into(), iso(now_ms()).into());
    o.insert("level".into(), level.into());
    for (k, v) in fields {
        o.insert((*k).into(), v.clone());
    }
    let mut line = Value::Object(o).to_string();
    line.push('\n');
    // One write per line, so that lines from several threads do not interleave.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
