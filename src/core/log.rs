//! The consent log: one JSON object per consent event (a decision, or a page view's signals),
//! written by hand (no serde_json in the wasm), and the notice text whose SHA-256 each event
//! carries. The schema is `schemas/consent-event.schema.json`; README "Consent log".

use super::config::{Block, Config, Inline};
use super::i18n::{Text, Texts};
use super::record::{Choice, Method, Record};
use super::signals::Signals;
use super::text::{push_json_str, push_uint};
use super::view;

/// One consent event.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    /// `false`: a `decision` (banner, preferences, notice, API, or a signal with no decision);
    /// `true`: a `pageview` (the signals seen on one page view).
    pub pageview: bool,
    /// Random hex id of this event (receivers dedupe on it).
    pub event_id: &'a str,
    /// The consent record's id, if the visitor has one.
    pub record_id: Option<&'a str>,
    /// The pseudonymous browser id: the stored record's id, else a random id for one page view.
    pub browser_id: &'a str,
    /// Milliseconds since 1970 UTC.
    pub time: u64,
    /// Policy revision.
    pub revision: &'a str,
    /// Hex SHA-256 of the notice text ([`notice_text`]), or empty when the browser cannot
    /// compute it.
    pub notice_hash: &'a str,
    /// Each category's state and source.
    pub choices: &'a [Choice],
    /// DNT and GPC as seen on this page view.
    pub signals: Signals,
    /// Interface language.
    pub language: &'a str,
    /// How the decision was made; `None` for a page view.
    pub method: Option<Method>,
    /// `location.pathname`, no query; `None` on a sensitive page, whose path may name a
    /// patient or a condition and so never leaves the browser.
    pub path: Option<&'a str>,
}

fn key(out: &mut String, k: &str) {
    out.push_str(",\"");
    out.push_str(k);
    out.push_str("\":");
}

fn str_field(out: &mut String, k: &str, v: &str) {
    key(out, k);
    push_json_str(out, v);
}

/// A member that is a string or `null`.
fn opt_field(out: &mut String, k: &str, v: Option<&str>) {
    match v {
        Some(v) => str_field(out, k, v),
        None => {
            key(out, k);
            out.push_str("null");
        }
    }
}

/// The `choices` (with the page rule applied when `sensitive`, see [`super::decide::in_force`]),
/// `signals` and `language` members.
fn push_choices(s: &mut String, choices: &[Choice], sensitive: bool, signals: Signals, language: &str) {
    key(s, "choices");
    s.push('[');
    for (i, c) in choices.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let (granted, source) = super::decide::in_force(c, sensitive);
        s.push_str("{\"category\":");
        push_json_str(s, &c.category);
        s.push_str(if granted { ",\"granted\":true" } else { ",\"granted\":false" });
        str_field(s, "source", source.name());
        s.push('}');
    }
    s.push(']');
    key(s, "signals");
    s.push_str("{\"dnt\":\"");
    s.push_str(signals.dnt.name());
    s.push_str("\",\"gpc\":\"");
    s.push_str(signals.gpc.name());
    s.push_str("\"}");
    str_field(s, "language", language);
}

/// The visitor's receipt (`getConsentRecord()`, "Download my consent record") as one JSON
/// object: `id`, `created`, `updated`, `revision`, `choices`, `signals`, `language`, `method`,
/// `sdkVersion`.
pub fn record_json(r: &Record) -> String {
    let mut s = String::with_capacity(512);
    write_record(&mut s, r);
    s
}

/// [`record_json`], appended to `s`. Not inlined: the text is a parameter, not a frame slot
/// whose address is computed again for each of the appends below.
#[inline(never)]
fn write_record(s: &mut String, r: &Record) {
    s.push_str("{\"id\":");
    push_json_str(s, &r.id);
    key(s, "created");
    push_uint(s, r.created);
    key(s, "updated");
    push_uint(s, r.updated);
    str_field(s, "revision", &r.revision);
    push_choices(s, &r.choices, false, r.signals, &r.language);
    str_field(s, "method", r.method.name());
    str_field(s, "sdkVersion", &r.sdk_version);
    s.push('}');
}

/// The event as one JSON object, members in a fixed order, with `dropped` last when it is not
/// zero (older events the browser's queue dropped unsent, [`super::queue`]).
pub fn to_json(e: &Event, dropped: u64) -> String {
    let mut s = String::with_capacity(512);
    write_event(&mut s, e, dropped);
    s
}

/// [`to_json`], appended to `s`, not inlined (as [`write_record`]).
#[inline(never)]
fn write_event(s: &mut String, e: &Event, dropped: u64) {
    s.push_str(if e.pageview { "{\"type\":\"pageview\"" } else { "{\"type\":\"decision\"" });
    str_field(s, "eventId", e.event_id);
    opt_field(s, "recordId", e.record_id);
    str_field(s, "browserId", e.browser_id);
    key(s, "timestamp");
    s.push('"');
    push_iso8601(s, e.time);
    s.push('"');
    key(s, "time");
    push_uint(s, e.time);
    str_field(s, "revision", e.revision);
    str_field(s, "noticeHash", e.notice_hash);
    // A page view on a sensitive page reports the state in force there.
    push_choices(s, e.choices, e.pageview && e.path.is_none(), e.signals, e.language);
    opt_field(s, "method", e.method.map(Method::name));
    opt_field(s, "path", e.path);
    key(s, "sensitive");
    s.push_str(if e.path.is_some() { "false" } else { "true" });
    str_field(s, "sdkVersion", super::VERSION);
    if dropped > 0 {
        key(s, "dropped");
        push_uint(s, dropped);
    }
    s.push('}');
}

/// Appends the last two decimal digits of `n`, then `sep`.
fn push2(out: &mut String, n: u64, sep: &str) {
    out.push((b'0' + (n / 10 % 10) as u8) as char);
    out.push((b'0' + (n % 10) as u8) as char);
    out.push_str(sep);
}

/// Appends `ms` since 1970 as ISO-8601 UTC with milliseconds: `2023-11-14T22:13:20.000Z`.
pub fn push_iso8601(s: &mut String, ms: u64) {
    let secs = ms / 1000;
    let days = secs / 86_400;
    // Days to a civil date (H. Hinnant's algorithm), for years 1970..=9999.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    // One call per part, not a loop over an array of them (the array was built on the stack and
    // walked by value).
    push2(s, year / 100, "");
    push2(s, year, "-");
    push2(s, month, "-");
    push2(s, day, "T");
    push2(s, secs / 3600 % 24, ":");
    push2(s, secs / 60 % 60, ":");
    push2(s, secs % 60, ".");
    push2(s, ms % 1000 / 10, "");
    s.push((b'0' + (ms % 10) as u8) as char);
    s.push('Z');
}

/// The notice text a visitor is shown in `texts.lang`, one line per text: the banner, the
/// preferences dialog with every category and its services, then the notice sections (links as
/// `text <href>`). Lines that depend on the visitor's signals are left out, so equal hashes
/// mean the same notice. Its SHA-256 is each event's `noticeHash`.
pub fn notice_text(config: &Config, texts: &Texts) -> String {
    let mut s = String::new();
    write_notice(&mut s, config, texts);
    s
}

/// [`notice_text`], appended to `s`. Not inlined: the text is then a parameter, not a slot of
/// the caller's frame whose address is computed again at each of the many appends below.
#[inline(never)]
fn write_notice(s: &mut String, config: &Config, texts: &Texts) {
    let lang = &texts.lang;
    let line = |s: &mut String, parts: &[&str]| {
        for p in parts {
            s.push_str(p);
        }
        s.push('\n');
    };
    for t in &[Text::BannerTitle, Text::BannerText, Text::PrivacyLink, Text::DialogTitle, Text::DialogText] {
        line(s, &[texts.get(*t)]);
    }
    for row in &view::rows(config, texts, &[]) {
        line(s, &[row.title]);
        line(s, &[row.description]);
        for (name, what) in &row.services {
            line(s, &[name, ": ", what]);
        }
    }
    for sec in &config.notice {
        line(s, &[sec.heading.get(lang)]);
        for b in &sec.blocks {
            let runs: &[Vec<Inline>] = match b {
                Block::Paragraph(r) => std::slice::from_ref(r),
                Block::Subheading(h) => {
                    line(s, &[h.get(lang)]);
                    &[]
                }
                Block::List(items) => items,
                Block::Controls | Block::Signals => &[],
            };
            for r in runs {
                for i in r {
                    match i {
                        Inline::Text(t) => s.push_str(t.get(lang)),
                        Inline::Link { text, href } => {
                            s.push_str(text.get(lang));
                            s.push_str(" <");
                            s.push_str(href);
                            s.push('>');
                        }
                    }
                }
                s.push('\n');
            }
        }
    }
}

/// Reading events back: the validator a receiver runs on each `POST`ed body, written against
/// the same names as [`to_json`] so that the SDK and the receiver cannot disagree on the format.
/// It checks everything `schemas/consent-event.schema.json` says (required members, no others,
/// types, enums, patterns, minimums), and what [`to_json`] always writes besides: `timestamp`
/// is `time` in ISO-8601, `sensitive` is true exactly when `path` is null, and `method` is null
/// exactly for a `pageview`. Only with the `event-reader` feature (the receiver's): the wasm
/// build never has it.
#[cfg(any(test, feature = "event-reader"))]
pub mod read {
    use super::super::record::{Method, Source};
    use super::super::signals::{Dnt, Gpc};
    use serde_json::{Map, Value};

    /// Every member an event must have, in the order [`super::to_json`] writes them.
    pub const REQUIRED: [&str; 14] = [
        "type",
        "eventId",
        "recordId",
        "browserId",
        "timestamp",
        "time",
        "revision",
        "noticeHash",
        "choices",
        "signals",
        "language",
        "method",
        "path",
        "sdkVersion",
    ];
    /// Members an event may have besides [`REQUIRED`]. `sensitive` is absent in events that an
    /// earlier SDK queued before it knew the member (their `path` is always a string): they must
    /// still be delivered.
    pub const OPTIONAL: [&str; 2] = ["dropped", "sensitive"];

    const SOURCES: [Source; 6] = [Source::User, Source::Gpc, Source::Dnt, Source::Default, Source::Region, Source::PageRule];
    const METHODS: [Method; 5] = [Method::Banner, Method::Preferences, Method::Notice, Method::Api, Method::Signal];

    // A new variant breaks these matches, and so the build, until the lists above have it too.
    const _: fn(Source) = |s| match s {
        Source::User | Source::Gpc | Source::Dnt | Source::Default | Source::Region | Source::PageRule => {}
    };
    const _: fn(Method) = |m| match m {
        Method::Banner | Method::Preferences | Method::Notice | Method::Api | Method::Signal => {}
    };

    /// The wire names of every `choices[].source`.
    pub fn source_names() -> Vec<&'static str> {
        SOURCES.iter().map(|s| s.name()).collect()
    }
    /// The wire names of every non-null `method`.
    pub fn method_names() -> Vec<&'static str> {
        METHODS.iter().map(|m| m.name()).collect()
    }

    /// A valid event, with the members a receiver indexes.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Received {
        /// `eventId`: 32 lowercase hex digits, the deduplication key.
        pub event_id: String,
        /// `recordId`: the consent record in force, `None` when undecided.
        pub record_id: Option<String>,
        /// `browserId`.
        pub browser_id: String,
        /// `true` for a `pageview`, `false` for a `decision`.
        pub pageview: bool,
        /// `time`: milliseconds since 1970 by the browser's clock.
        pub time: u64,
        /// The whole event as compact JSON on one line.
        pub json: String,
    }

    /// Why an event was refused.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Invalid {
        /// The member at fault, as a path (`eventId`, `choices[2].source`); empty for the body.
        pub field: String,
        /// What is wrong with it.
        pub problem: String,
    }

    fn bad(field: impl Into<String>, problem: impl Into<String>) -> Invalid {
        Invalid { field: field.into(), problem: problem.into() }
    }

    fn kind(v: &Value) -> &'static str {
        match v {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    fn string<'v>(o: &'v Map<String, Value>, k: &str) -> Result<&'v str, Invalid> {
        o[k].as_str().ok_or_else(|| bad(k, format!("must be a string, not {}", kind(&o[k]))))
    }

    fn one_of<'v>(field: &str, v: &'v Value, names: &[&str]) -> Result<&'v str, Invalid> {
        match v.as_str() {
            Some(s) if names.contains(&s) => Ok(s),
            _ => Err(bad(field, format!("must be one of {}, not {v}", names.join(", ")))),
        }
    }

    fn hex(s: &str) -> bool {
        s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }

    fn only(o: &Map<String, Value>, prefix: &str, allowed: &[&str]) -> Result<(), Invalid> {
        match o.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(bad(format!("{prefix}{k}"), "is not a member of a consent event here")),
            None => Ok(()),
        }
    }

    /// Validates one parsed event.
    pub fn validate(v: &Value) -> Result<Received, Invalid> {
        let o = v.as_object().ok_or_else(|| bad("", format!("must be one JSON object (one event per request), not {}", kind(v))))?;
        if let Some(k) = REQUIRED.iter().find(|k| !o.contains_key(**k)) {
            return Err(bad(*k, "is missing"));
        }
        let allowed: Vec<&str> = REQUIRED.iter().chain(&OPTIONAL).copied().collect();
        only(o, "", &allowed)?;

        let pageview = one_of("type", &o["type"], &["decision", "pageview"])? == "pageview";
        let event_id = string(o, "eventId")?;
        if event_id.len() != 32 || !hex(event_id) {
            return Err(bad("eventId", "must be 32 lowercase hex digits"));
        }
        let record_id = match &o["recordId"] {
            Value::Null => None,
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::String(_) => return Err(bad("recordId", "must not be empty (null when undecided)")),
            other => return Err(bad("recordId", format!("must be a string or null, not {}", kind(other)))),
        };
        let browser_id = string(o, "browserId")?;
        if browser_id.is_empty() {
            return Err(bad("browserId", "must not be empty"));
        }
        let time = o["time"].as_u64().ok_or_else(|| bad("time", "must be an integer of milliseconds since 1970, at least 0"))?;
        let timestamp = string(o, "timestamp")?;
        let mut want = String::new();
        if time < 253_402_300_800_000 {
            super::push_iso8601(&mut want, time);
        }
        if timestamp != want {
            return Err(bad("timestamp", format!("must be `time` as ISO-8601 UTC with milliseconds ({want:?}), not {timestamp:?}")));
        }
        for k in ["revision", "language", "sdkVersion"] {
            string(o, k)?;
        }
        let hash = string(o, "noticeHash")?;
        if !(hash.is_empty() || (hash.len() == 64 && hex(hash))) {
            return Err(bad("noticeHash", "must be 64 lowercase hex digits, or empty"));
        }
        let choices = o["choices"].as_array().ok_or_else(|| bad("choices", format!("must be an array, not {}", kind(&o["choices"]))))?;
        let sources = source_names();
        for (i, c) in choices.iter().enumerate() {
            let at = format!("choices[{i}]");
            let c = c.as_object().ok_or_else(|| bad(&at, format!("must be an object, not {}", kind(c))))?;
            for k in ["category", "granted", "source"] {
                if !c.contains_key(k) {
                    return Err(bad(format!("{at}.{k}"), "is missing"));
                }
            }
            only(c, &format!("{at}."), &["category", "granted", "source"])?;
            match c["category"].as_str() {
                Some(s) if !s.is_empty() => {}
                _ => return Err(bad(format!("{at}.category"), "must be a non-empty string")),
            }
            if !c["granted"].is_boolean() {
                return Err(bad(format!("{at}.granted"), format!("must be a boolean, not {}", kind(&c["granted"]))));
            }
            one_of(&format!("{at}.source"), &c["source"], &sources)?;
        }
        let signals = o["signals"].as_object().ok_or_else(|| bad("signals", format!("must be an object, not {}", kind(&o["signals"]))))?;
        for k in ["dnt", "gpc"] {
            if !signals.contains_key(k) {
                return Err(bad(format!("signals.{k}"), "is missing"));
            }
        }
        only(signals, "signals.", &["dnt", "gpc"])?;
        let dnt: Vec<&str> = [Dnt::On, Dnt::Off, Dnt::Unset].iter().map(|d| d.name()).collect();
        let gpc: Vec<&str> = [Gpc::True, Gpc::False, Gpc::Absent].iter().map(|g| g.name()).collect();
        one_of("signals.dnt", &signals["dnt"], &dnt)?;
        one_of("signals.gpc", &signals["gpc"], &gpc)?;
        match (&o["method"], pageview) {
            (Value::Null, true) => {}
            (Value::Null, false) => return Err(bad("method", "must not be null for a decision")),
            (m, false) => {
                one_of("method", m, &method_names())?;
            }
            (_, true) => return Err(bad("method", "must be null for a pageview")),
        }
        let sensitive = match o.get("sensitive") {
            None => false,
            Some(v) => v.as_bool().ok_or_else(|| bad("sensitive", format!("must be a boolean, not {}", kind(v))))?,
        };
        match (&o["path"], sensitive) {
            (Value::String(_), false) | (Value::Null, true) => {}
            (Value::String(_), true) => return Err(bad("path", "must be null on a sensitive page: its path never leaves the browser")),
            (Value::Null, false) => return Err(bad("path", "must be a string when the page is not sensitive")),
            (other, _) => return Err(bad("path", format!("must be a string or null, not {}", kind(other)))),
        }
        if let Some(d) = o.get("dropped") {
            if d.as_u64().is_none_or(|n| n < 1) {
                return Err(bad("dropped", "must be an integer of at least 1"));
            }
        }
        Ok(Received { event_id: event_id.to_owned(), record_id, browser_id: browser_id.to_owned(), pageview, time, json: v.to_string() })
    }

    /// Parses and validates a request body: one event as a JSON object, in UTF-8.
    pub fn parse(body: &[u8]) -> Result<Received, Invalid> {
        let text = std::str::from_utf8(body).map_err(|_| bad("", "must be UTF-8"))?;
        let v: Value = serde_json::from_str(text).map_err(|e| bad("", format!("is not JSON: {e}")))?;
        validate(&v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::Source;
    use crate::core::signals::{Dnt, Gpc};
    use serde_json::{json, Value};

    fn choices() -> Vec<Choice> {
        vec![
            Choice { category: "necessary".into(), granted: true, source: Source::Default },
            Choice { category: "advertising".into(), granted: false, source: Source::Gpc },
        ]
    }

    #[test]
    fn the_receipt_is_the_record_as_json() {
        let r = crate::core::record::Record {
            id: "ab12".into(),
            created: 1_700_000_000_000,
            updated: 1_700_000_000_123,
            revision: "2026 \"v2\"".into(),
            choices: choices(),
            signals: Signals { dnt: Dnt::Unset, gpc: Gpc::True },
            language: "es".into(),
            method: Method::Notice,
            sdk_version: "1.2.3".into(),
        };
        let v: Value = serde_json::from_str(&record_json(&r)).unwrap();
        assert_eq!(
            v,
            json!({
                "id": "ab12", "created": 1_700_000_000_000u64, "updated": 1_700_000_000_123u64, "revision": "2026 \"v2\"",
                "choices": [
                    {"category": "necessary", "granted": true, "source": "default"},
                    {"category": "advertising", "granted": false, "source": "gpc"}
                ],
                "signals": {"dnt": "unset", "gpc": "true"}, "language": "es", "method": "notice", "sdkVersion": "1.2.3"
            })
        );
    }

    #[test]
    fn a_page_view_on_a_sensitive_page_reports_the_page_rule_a_decision_what_was_recorded() {
        let granted = [Choice { category: "analytics".into(), granted: true, source: Source::User }];
        let source = |e: &Event| serde_json::from_str::<Value>(&to_json(e, 0)).unwrap()["choices"][0].clone();
        let on_sensitive = Event { path: None, ..event(&granted) };
        assert_eq!(
            source(&Event { pageview: true, method: None, ..on_sensitive.clone() }),
            json!({"category": "analytics", "granted": false, "source": "page-rule"})
        );
        assert_eq!(source(&on_sensitive), json!({"category": "analytics", "granted": true, "source": "user"}));
        assert_eq!(
            source(&Event { pageview: true, method: None, ..event(&granted) }),
            json!({"category": "analytics", "granted": true, "source": "user"})
        );
    }

    fn event(choices: &[Choice]) -> Event<'_> {
        Event {
            pageview: false,
            event_id: "e1",
            record_id: Some("r1"),
            browser_id: "r1",
            time: 1_700_000_000_123,
            revision: "2026 \"v2\"\n\\ \u{1}\u{2028}",
            notice_hash: "",
            choices,
            signals: Signals { dnt: Dnt::On, gpc: Gpc::True },
            language: "es",
            method: Some(Method::Signal),
            path: Some("/a b/ü"),
        }
    }

    #[test]
    fn an_event_is_one_json_object_with_every_field() {
        let c = choices();
        let e = event(&c);
        let v: Value = serde_json::from_str(&to_json(&e, 0)).unwrap();
        assert_eq!(
            v,
            json!({
                "type": "decision", "eventId": "e1", "recordId": "r1", "browserId": "r1",
                "timestamp": "2023-11-14T22:13:20.123Z", "time": 1_700_000_000_123u64,
                "revision": "2026 \"v2\"\n\\ \u{1}\u{2028}", "noticeHash": "",
                "choices": [
                    {"category": "necessary", "granted": true, "source": "default"},
                    {"category": "advertising", "granted": false, "source": "gpc"}
                ],
                "signals": {"dnt": "on", "gpc": "true"}, "language": "es", "method": "signal",
                "path": "/a b/ü", "sensitive": false, "sdkVersion": crate::core::VERSION
            })
        );
        let pv = to_json(&Event { pageview: true, record_id: None, method: None, choices: &[], ..e }, 0);
        let v: Value = serde_json::from_str(&pv).unwrap();
        assert_eq!((&v["type"], &v["recordId"], &v["method"], &v["choices"]), (&json!("pageview"), &Value::Null, &Value::Null, &json!([])));
        // Line separators are escaped: the JSON is also valid JavaScript, one line per event.
        assert!(!to_json(&e, 0).contains(['\n', '\u{2028}', '\u{1}']));
    }

    #[test]
    fn an_event_on_a_sensitive_page_carries_no_path() {
        let c = choices();
        let json = to_json(&Event { path: None, ..event(&c) }, 0);
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!((&v["path"], &v["sensitive"]), (&Value::Null, &json!(true)));
        assert!(!json.contains("/a b"), "{json}");
    }

    #[test]
    fn iso_timestamps_without_chrono() {
        for (ms, want) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (951_868_799_999, "2000-02-29T23:59:59.999Z"),
            (1_700_000_000_007, "2023-11-14T22:13:20.007Z"),
            (1_709_251_199_050, "2024-02-29T23:59:59.050Z"),
            (4_102_444_800_000, "2100-01-01T00:00:00.000Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ] {
            let mut s = String::new();
            push_iso8601(&mut s, ms);
            assert_eq!(s, want, "{ms}");
        }
    }

    #[test]
    fn notice_text_covers_banner_categories_and_sections() {
        let config = crate::core::config::read_config(&json!({
            "googleAnalytics": "G-1",
            "notice": { "sections": [{ "heading": { "en": "About", "es": "Acerca" }, "blocks": [
                { "p": ["Read ", { "text": "this", "href": "/x" }, "."] },
                { "h3": "Sub" }, { "list": ["one", "two"] }, { "controls": true }, { "signals": true }
            ] }] }
        }))
        .config;
        let en = notice_text(&config, &config.texts_for("en", vec![]));
        let en_texts = config.texts_for("en", vec![]);
        for want in [
            en_texts.get(Text::BannerText),
            en_texts.get(Text::AnalyticsTitle),
            "Google Analytics: ",
            "About",
            "Read this </x>.",
            "Sub",
            "one\ntwo",
        ] {
            assert!(en.contains(want), "{want:?} in {en}");
        }
        assert!(!en.contains(en_texts.get(Text::GpcStatusAbsent)), "signal lines vary by visitor");
        let es = notice_text(&config, &config.texts_for("es", vec![]));
        assert!(es.contains("Acerca") && es != en);
    }

    /// A valid event as the SDK writes it, with its notice hash filled in.
    fn written(path: Option<&str>, pageview: bool) -> Value {
        let c = choices();
        let id = "0123456789abcdef0123456789abcdef";
        let method = if pageview { None } else { Some(Method::Banner) };
        let e = Event { event_id: id, path, pageview, method, ..event(&c) };
        let hash = "ab".repeat(32);
        let json = to_json(&Event { notice_hash: &hash, ..e }, 0);
        serde_json::from_str(&json).unwrap()
    }

    #[test]
    fn the_reader_accepts_what_the_writer_writes() {
        for (path, pageview) in [(Some("/x"), false), (None, false), (Some("/"), true), (None, true)] {
            let v = written(path, pageview);
            let r = read::validate(&v).unwrap_or_else(|e| panic!("{e:?} {v}"));
            assert_eq!(
                (r.event_id.as_str(), r.record_id.as_deref(), r.pageview, r.time),
                ("0123456789abcdef0123456789abcdef", Some("r1"), pageview, 1_700_000_000_123)
            );
            assert_eq!(serde_json::from_str::<Value>(&r.json).unwrap(), v);
            assert!(!r.json.contains('\n'));
        }
        let mut v = written(Some("/"), false);
        v["noticeHash"] = json!("");
        v["recordId"] = Value::Null;
        v["dropped"] = json!(3);
        assert!(read::validate(&v).is_ok());
        let body = to_json(&Event { event_id: "0123456789abcdef0123456789abcdef", ..event(&choices()) }, 0);
        assert_eq!(read::parse(body.as_bytes()).unwrap().browser_id, "r1");
        // An event an earlier SDK queued before `sensitive` existed is still delivered; without
        // it, the path must be a string.
        let mut old = written(Some("/x"), false);
        old.as_object_mut().unwrap().remove("sensitive");
        assert!(read::validate(&old).is_ok());
        old["path"] = Value::Null;
        assert!(read::validate(&old).is_err());
    }

    #[test]
    fn the_reader_names_the_member_at_fault() {
        type Mutation = Box<dyn Fn(&mut Value)>;
        let cases: Vec<(&str, Mutation)> = vec![
            ("type", Box::new(|v| v["type"] = json!("click"))),
            ("eventId", Box::new(|v| v["eventId"] = json!("e1"))),
            ("eventId", Box::new(|v| v["eventId"] = json!("0123456789ABCDEF0123456789ABCDEF"))),
            ("eventId", Box::new(|v| v.as_object_mut().unwrap().remove("eventId").map(drop).unwrap())),
            ("recordId", Box::new(|v| v["recordId"] = json!(""))),
            ("recordId", Box::new(|v| v["recordId"] = json!(5))),
            ("browserId", Box::new(|v| v["browserId"] = json!(""))),
            ("timestamp", Box::new(|v| v["timestamp"] = json!("2023-11-14T22:13:20Z"))),
            ("timestamp", Box::new(|v| v["time"] = json!(1_700_000_000_124u64))),
            ("time", Box::new(|v| v["time"] = json!(-1))),
            ("time", Box::new(|v| v["time"] = json!(1.5))),
            ("revision", Box::new(|v| v["revision"] = Value::Null)),
            ("noticeHash", Box::new(|v| v["noticeHash"] = json!("abc"))),
            ("choices", Box::new(|v| v["choices"] = json!({}))),
            ("choices[1].source", Box::new(|v| v["choices"][1]["source"] = json!("cookie"))),
            ("choices[0].granted", Box::new(|v| v["choices"][0]["granted"] = json!("yes"))),
            ("choices[0].category", Box::new(|v| v["choices"][0]["category"] = json!(""))),
            ("choices[1].extra", Box::new(|v| v["choices"][1]["extra"] = json!(1))),
            ("choices[0]", Box::new(|v| v["choices"][0] = json!("necessary"))),
            ("signals.gpc", Box::new(|v| v["signals"]["gpc"] = json!(true))),
            ("signals.dnt", Box::new(|v| v["signals"].as_object_mut().unwrap().remove("dnt").map(drop).unwrap())),
            ("method", Box::new(|v| v["method"] = json!("click"))),
            ("method", Box::new(|v| v["method"] = Value::Null)),
            ("method", Box::new(|v| v["type"] = json!("pageview"))),
            ("path", Box::new(|v| v["sensitive"] = json!(true))),
            ("path", Box::new(|v| v["path"] = Value::Null)),
            ("path", Box::new(|v| v["path"] = json!(["/"]))),
            ("sensitive", Box::new(|v| v["sensitive"] = json!("false"))),
            ("dropped", Box::new(|v| v["dropped"] = json!(0))),
            ("ip", Box::new(|v| v["ip"] = json!("203.0.113.9"))),
        ];
        for (field, mutate) in cases {
            let mut v = written(Some("/"), false);
            mutate(&mut v);
            let e = read::validate(&v).expect_err(&v.to_string());
            assert_eq!(e.field, field, "{v}: {e:?}");
            assert!(!e.problem.is_empty());
        }
        for body in [&b"[]"[..], b"{", b"\xff", b"null", b"\"x\""] {
            assert_eq!(read::parse(body).unwrap_err().field, "", "{body:?}");
        }
    }

    #[test]
    fn the_reader_agrees_with_the_schema_file() {
        let schema: Value = serde_json::from_str(include_str!("../../schemas/consent-event.schema.json")).unwrap();
        let names = |v: &Value| -> Vec<String> { v.as_array().unwrap().iter().map(|x| x.as_str().unwrap_or("null").to_owned()).collect() };
        let props = schema["properties"].as_object().unwrap();
        assert_eq!(names(&schema["required"]), read::REQUIRED);
        let mut all: Vec<&str> = props.keys().map(String::as_str).collect();
        let mut ours: Vec<&str> = read::REQUIRED.iter().chain(&read::OPTIONAL).copied().collect();
        all.sort_unstable();
        ours.sort_unstable();
        assert_eq!(all, ours);
        assert_eq!(schema["additionalProperties"], json!(false));
        assert_eq!(names(&props["type"]["enum"]), ["decision", "pageview"]);
        assert_eq!(names(&props["choices"]["items"]["properties"]["source"]["enum"]), read::source_names());
        let mut methods = read::method_names();
        methods.push("null");
        assert_eq!(names(&props["method"]["enum"]), methods);
        assert_eq!(names(&props["signals"]["properties"]["dnt"]["enum"]), ["on", "off", "unset"]);
        assert_eq!(names(&props["signals"]["properties"]["gpc"]["enum"]), ["true", "false", "absent"]);
        // The hand-written checks stand for these patterns and limits; a change here needs one there.
        assert_eq!(props["eventId"]["pattern"], json!("^[0-9a-f]{32}$"));
        assert_eq!(props["timestamp"]["pattern"], json!("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$"));
        assert_eq!(props["noticeHash"]["pattern"], json!("^([0-9a-f]{64})?$"));
        assert_eq!((&props["time"]["minimum"], &props["dropped"]["minimum"]), (&json!(0), &json!(1)));
        assert_eq!((&props["recordId"]["type"], &props["path"]["type"]), (&json!(["string", "null"]), &json!(["string", "null"])));
    }

    /// Reference: walks the calendar a year and a month at a time.
    fn naive_iso(ms: u64) -> String {
        let (mut days, rest) = (ms / 86_400_000, ms % 86_400_000);
        let leap = |y: u64| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        let mut year = 1970;
        while days >= if leap(year) { 366 } else { 365 } {
            days -= if leap(year) { 366 } else { 365 };
            year += 1;
        }
        let lengths = [31, if leap(year) { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let mut month = 0;
        while days >= lengths[month] {
            days -= lengths[month];
            month += 1;
        }
        let (h, m, sec, milli) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000);
        format!("{year:04}-{:02}-{:02}T{h:02}:{m:02}:{sec:02}.{milli:03}Z", month + 1, days + 1)
    }

    proptest::proptest! {
        #[test]
        fn iso_matches_a_calendar_walk(ms in 0u64..253_402_300_800_000) {
            let mut s = String::new();
            push_iso8601(&mut s, ms);
            proptest::prop_assert_eq!(s, naive_iso(ms));
        }

        #[test]
        fn any_strings_make_valid_json_that_round_trips(id in ".{0,20}", revision in "\\PC{0,40}|[\\x00-\\x7f]{0,40}", path in ".{0,40}", category in ".{1,20}") {
            let c = [Choice { category: category.clone(), granted: true, source: Source::User }];
            let e = Event { event_id: &id, revision: &revision, path: Some(&path), ..event(&c) };
            let v: Value = serde_json::from_str(&to_json(&e, 0)).unwrap();
            proptest::prop_assert_eq!((v["eventId"].as_str(), v["revision"].as_str(), v["path"].as_str()), (Some(&*id), Some(&*revision), Some(&*path)));
            proptest::prop_assert_eq!(v["choices"][0]["category"].as_str(), Some(&*category));
        }
    }
}
