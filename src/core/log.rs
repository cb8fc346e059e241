//! The consent log: one JSON object per consent event (a decision, or a page view's signals),
//! written by hand (no serde_json in the wasm), and the notice text whose SHA-256 each event
//! carries. The schema is `schemas/consent-event.schema.json`; README "Consent log".

use super::config::{Block, Config, Inline};
use super::i18n::{Text, Texts};
use super::record::{Choice, Method};
use super::signals::Signals;
use super::text::{push_json_str, push_uint};
use super::view;

/// The `noticeHash` member as core writes it: the browser fills in the hex SHA-256 of the
/// notice text (asynchronously, `crypto.subtle`) by replacing this exact text, which cannot
/// occur inside an escaped string value.
pub const HASH_SLOT: &str = "\"noticeHash\":\"\"";

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

/// The event as one JSON object (members in a fixed order; `noticeHash` is [`HASH_SLOT`]).
pub fn to_json(e: &Event) -> String {
    let mut s = String::with_capacity(512);
    s.push_str(if e.pageview { "{\"type\":\"pageview\"" } else { "{\"type\":\"decision\"" });
    str_field(&mut s, "eventId", e.event_id);
    key(&mut s, "recordId");
    match e.record_id {
        Some(id) => push_json_str(&mut s, id),
        None => s.push_str("null"),
    }
    str_field(&mut s, "browserId", e.browser_id);
    key(&mut s, "timestamp");
    s.push('"');
    push_iso8601(&mut s, e.time);
    s.push('"');
    key(&mut s, "time");
    push_uint(&mut s, e.time);
    str_field(&mut s, "revision", e.revision);
    s.push(',');
    s.push_str(HASH_SLOT);
    key(&mut s, "choices");
    s.push('[');
    for (i, c) in e.choices.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str("{\"category\":");
        push_json_str(&mut s, &c.category);
        s.push_str(if c.granted { ",\"granted\":true" } else { ",\"granted\":false" });
        str_field(&mut s, "source", c.source.name());
        s.push('}');
    }
    s.push(']');
    key(&mut s, "signals");
    s.push_str("{\"dnt\":\"");
    s.push_str(e.signals.dnt.name());
    s.push_str("\",\"gpc\":\"");
    s.push_str(e.signals.gpc.name());
    s.push_str("\"}");
    str_field(&mut s, "language", e.language);
    key(&mut s, "method");
    match e.method {
        Some(m) => push_json_str(&mut s, m.name()),
        None => s.push_str("null"),
    }
    key(&mut s, "path");
    match e.path {
        Some(p) => push_json_str(&mut s, p),
        None => s.push_str("null"),
    }
    key(&mut s, "sensitive");
    s.push_str(if e.path.is_some() { "false" } else { "true" });
    str_field(&mut s, "sdkVersion", super::VERSION);
    s.push('}');
    s
}

fn push2(out: &mut String, n: u64) {
    out.push((b'0' + (n / 10 % 10) as u8) as char);
    out.push((b'0' + (n % 10) as u8) as char);
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
    push2(s, year / 100);
    for (n, sep) in
        [(year, '-'), (month, '-'), (day, 'T'), (secs / 3600 % 24, ':'), (secs / 60 % 60, ':'), (secs % 60, '.'), (ms % 1000 / 10, '\0')]
    {
        push2(s, n);
        s.push(sep);
    }
    s.pop();
    s.push((b'0' + (ms % 10) as u8) as char);
    s.push('Z');
}

/// The notice text a visitor is shown in `texts.lang`, one line per text: the banner, the
/// preferences dialog with every category and its services, then the notice sections (links as
/// `text <href>`). Lines that depend on the visitor's signals are left out, so equal hashes
/// mean the same notice. Its SHA-256 is each event's `noticeHash`.
pub fn notice_text(config: &Config, texts: &Texts) -> String {
    let lang = &texts.lang;
    let mut s = String::new();
    let line = |s: &mut String, parts: &[&str]| {
        for p in parts {
            s.push_str(p);
        }
        s.push('\n');
    };
    for t in [Text::BannerTitle, Text::BannerText, Text::PrivacyLink, Text::DialogTitle, Text::DialogText] {
        line(&mut s, &[texts.get(t)]);
    }
    for row in view::rows(config, texts, &[]) {
        line(&mut s, &[&row.title]);
        line(&mut s, &[&row.description]);
        for (name, what) in &row.services {
            line(&mut s, &[name, ": ", what]);
        }
    }
    for sec in &config.notice {
        line(&mut s, &[sec.heading.get(lang)]);
        for b in &sec.blocks {
            let runs: &[Vec<Inline>] = match b {
                Block::Paragraph(r) => std::slice::from_ref(r),
                Block::Subheading(h) => {
                    line(&mut s, &[h.get(lang)]);
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
                            for p in [text.get(lang), " <", href, ">"] {
                                s.push_str(p);
                            }
                        }
                    }
                }
                s.push('\n');
            }
        }
    }
    s
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

    fn event(choices: &[Choice]) -> Event<'_> {
        Event {
            pageview: false,
            event_id: "e1",
            record_id: Some("r1"),
            browser_id: "r1",
            time: 1_700_000_000_123,
            revision: "2026 \"v2\"\n\\ \u{1}\u{2028}",
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
        let v: Value = serde_json::from_str(&to_json(&e)).unwrap();
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
        let pv = to_json(&Event { pageview: true, record_id: None, method: None, choices: &[], ..e });
        let v: Value = serde_json::from_str(&pv).unwrap();
        assert_eq!((&v["type"], &v["recordId"], &v["method"], &v["choices"]), (&json!("pageview"), &Value::Null, &Value::Null, &json!([])));
        // Line separators are escaped: the JSON is also valid JavaScript, one line per event.
        assert!(!to_json(&e).contains(['\n', '\u{2028}', '\u{1}']));
    }

    #[test]
    fn an_event_on_a_sensitive_page_carries_no_path() {
        let c = choices();
        let json = to_json(&Event { path: None, ..event(&c) });
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!((&v["path"], &v["sensitive"]), (&Value::Null, &json!(true)));
        assert!(!json.contains("/a b"), "{json}");
    }

    #[test]
    fn the_hash_slot_is_the_first_match_even_when_strings_imitate_it() {
        let c = choices();
        let sneaky = "\"noticeHash\":\"\"";
        let e = Event { revision: sneaky, event_id: sneaky, path: Some(sneaky), ..event(&c) };
        let s = to_json(&e);
        assert_eq!(s.matches(HASH_SLOT).count(), 1);
        let filled = s.replacen(HASH_SLOT, "\"noticeHash\":\"ab\"", 1);
        let v: Value = serde_json::from_str(&filled).unwrap();
        assert_eq!((&v["noticeHash"], &v["revision"]), (&json!("ab"), &json!(sneaky)));
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
    fn notice_text_is_deterministic_and_covers_banner_categories_and_sections() {
        let config = crate::core::config::read_config(&json!({
            "googleAnalytics": "G-1",
            "notice": { "sections": [{ "heading": { "en": "About", "es": "Acerca" }, "blocks": [
                { "p": ["Read ", { "text": "this", "href": "/x" }, "."] },
                { "h3": "Sub" }, { "list": ["one", "two"] }, { "controls": true }, { "signals": true }
            ] }] }
        }))
        .config;
        let en = notice_text(&config, &config.texts_for("en"));
        assert_eq!(en, notice_text(&config, &config.texts_for("en")));
        let en_texts = config.texts_for("en");
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
        let es = notice_text(&config, &config.texts_for("es"));
        assert!(es.contains("Acerca") && es != en);
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
            let v: Value = serde_json::from_str(&to_json(&e)).unwrap();
            proptest::prop_assert_eq!((v["eventId"].as_str(), v["revision"].as_str(), v["path"].as_str()), (Some(&*id), Some(&*revision), Some(&*path)));
            proptest::prop_assert_eq!(v["choices"][0]["category"].as_str(), Some(&*category));
        }
    }
}
