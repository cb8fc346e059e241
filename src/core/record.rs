//! The consent record: what one visitor chose, when, under which policy revision, and its
//! compact, versioned string encoding (stored in localStorage and mirrored in a cookie).

use super::signals::{Dnt, Gpc, Signals};
use super::text::{ascii_cut, cut, hex_value, parse_uint, pieces, push_hex, push_uint, utf8, HEX_DIGITS};

/// Where a category's state came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The visitor chose it.
    User,
    /// Global Privacy Control denied it.
    Gpc,
    /// Do Not Track denied it (only with `signals.dnt: "honor"`).
    Dnt,
    /// The category's configured default.
    Default,
    /// A regional default.
    Region,
    /// A page rule (a sensitive page) switched it off.
    PageRule,
}

/// Each source's wire name and record code, in declaration order (`SOURCES[s as usize].0 == s`).
const SOURCES: [(Source, &str, u8); 6] = [
    (Source::User, "user", b'u'),
    (Source::Gpc, "gpc", b'g'),
    (Source::Dnt, "dnt", b'd'),
    (Source::Default, "default", b'f'),
    (Source::Region, "region", b'r'),
    (Source::PageRule, "page-rule", b'p'),
];

impl Source {
    /// The wire name: `user`, `gpc`, `dnt`, `default`, `region`, `page-rule`.
    pub fn name(self) -> &'static str {
        SOURCES[self as usize].1
    }
    fn code(self) -> u8 {
        SOURCES[self as usize].2
    }
    fn from_code(c: u8) -> Option<Source> {
        SOURCES.iter().find(|s| s.2 == c).map(|s| s.0)
    }
}

/// How a decision was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// A button of the banner.
    Banner,
    /// The preferences dialog.
    Preferences,
    /// The switches in the privacy notice.
    Notice,
    /// The JavaScript API.
    Api,
    /// A browser signal, with no click.
    Signal,
}

/// Each method's wire name and record code, in declaration order (`METHODS[m as usize].0 == m`).
const METHODS: [(Method, &str, u8); 5] = [
    (Method::Banner, "banner", b'b'),
    (Method::Preferences, "preferences", b'p'),
    (Method::Notice, "notice", b'n'),
    (Method::Api, "api", b'a'),
    (Method::Signal, "signal", b's'),
];

impl Method {
    /// The wire name: `banner`, `preferences`, `notice`, `api`, `signal`.
    pub fn name(self) -> &'static str {
        METHODS[self as usize].1
    }
    fn code(self) -> u8 {
        METHODS[self as usize].2
    }
    fn from_code(c: u8) -> Option<Method> {
        METHODS.iter().find(|m| m.2 == c).map(|m| m.0)
    }
}

/// One category's state and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// Category id.
    pub category: String,
    /// Granted or refused.
    pub granted: bool,
    /// Its source.
    pub source: Source,
}

/// One visitor's consent record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Random pseudonymous id (hex), never derived from the IP.
    pub id: String,
    /// First decision, milliseconds since 1970 UTC.
    pub created: u64,
    /// Last decision, milliseconds since 1970 UTC.
    pub updated: u64,
    /// Policy revision the visitor decided under.
    pub revision: String,
    /// Each category's state.
    pub choices: Vec<Choice>,
    /// Signals seen when deciding.
    pub signals: Signals,
    /// Interface language.
    pub language: String,
    /// How the last decision was made.
    pub method: Method,
    /// SDK version that wrote it.
    pub sdk_version: String,
}

impl Record {
    /// The choice for `category`.
    pub fn choice(&self, category: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.category == category)
    }
}

/// The longest encoded record that is read at all.
pub const MAX_ENCODED_LEN: usize = 8192;

/// Version tag at the start of every encoded record; anything else is foreign.
pub const FORMAT: &str = "cg1";

/// Why a stored value was not accepted as a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not written by this format version (or not ours at all).
    ForeignVersion,
    /// Fields are missing, malformed or the checksum does not match (truncated or tampered).
    Corrupt,
    /// Dated ahead of this browser's clock: forged, or written under a wrong clock.
    Future,
}

impl DecodeError {
    /// What to tell the console.
    pub fn message(self) -> &'static str {
        match self {
            DecodeError::ForeignVersion => "stored consent has an unknown format version; asking again",
            DecodeError::Corrupt => "stored consent is corrupt or was altered; asking again",
            DecodeError::Future => "stored consent is dated in the future (a wrong clock, or altered); asking again",
        }
    }
}

/// Appends `s` percent-encoded, then the separator `end` (every escaped field is followed by one).
fn escape(out: &mut String, s: &str, end: char) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_' {
            out.push(b as char);
        } else {
            out.push('%');
            // Uppercase, as RFC 3986 recommends for percent-encoding.
            out.push(char::from(HEX_DIGITS[usize::from(b >> 4)].to_ascii_uppercase()));
            out.push(char::from(HEX_DIGITS[usize::from(b & 15)].to_ascii_uppercase()));
        }
    }
    out.push(end);
}

fn unescape(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = hex_value(*b.get(i + 1)?)?;
            let l = hex_value(*b.get(i + 2)?)?;
            out.push(h * 16 + l);
            i += 3;
        } else if b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'-' || b[i] == b'_' {
            out.push(b[i]);
            i += 1;
        } else {
            return None;
        }
    }
    utf8(&out, false)
}

/// `s` unescaped; empty, with `ok` cleared, when it is not a field [`escape`] wrote.
fn text(s: &str, ok: &mut bool) -> String {
    let t = unescape(s);
    *ok &= t.is_some();
    t.unwrap_or_default()
}

/// FNV-1a, 32 bits: detects truncation and casual edits (it is not a signature).
fn checksum(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

fn push_hex32(out: &mut String, n: u32) {
    push_hex(out, n, 8);
}

/// Encodes a record as a cookie-safe string:
/// `cg1|id|created|updated|revision|language|method|dnt|gpc|version|cat:1u+cat:0g|checksum`.
pub fn encode(r: &Record) -> String {
    let mut s = String::with_capacity(128);
    s.push_str(FORMAT);
    s.push('|');
    escape(&mut s, &r.id, '|');
    push_uint(&mut s, r.created);
    s.push('|');
    push_uint(&mut s, r.updated);
    s.push('|');
    escape(&mut s, &r.revision, '|');
    escape(&mut s, &r.language, '|');
    s.push(char::from(r.method.code()));
    s.push('|');
    s.push_str(r.signals.dnt.name());
    s.push('|');
    s.push_str(r.signals.gpc.name());
    s.push('|');
    escape(&mut s, &r.sdk_version, '|');
    for (i, c) in r.choices.iter().enumerate() {
        if i > 0 {
            s.push('+');
        }
        escape(&mut s, &c.category, ':');
        s.push(if c.granted { '1' } else { '0' });
        s.push(char::from(c.source.code()));
    }
    s.push('|');
    let sum = checksum(&s);
    push_hex32(&mut s, sum);
    s
}

/// Decodes what [`encode`] wrote. Anything else (truncated, edited, foreign) is an error; it
/// never panics and never yields a grant that was not encoded.
pub fn decode(s: &str) -> Result<Record, DecodeError> {
    if !s.starts_with("cg1|") {
        return Err(DecodeError::ForeignVersion);
    }
    // Far above any real record (a few hundred bytes); a forged giant one would cost every page
    // load time (the duplicate check is quadratic in the number of categories).
    if s.len() > MAX_ENCODED_LEN {
        return Err(DecodeError::Corrupt);
    }
    let bad = DecodeError::Corrupt;
    // The checksum is the last 8 bytes, after a `|` (found by position: no reverse search).
    let at = s.len().checked_sub(9).filter(|&at| s.as_bytes()[at] == b'|').ok_or(bad)?;
    // Cut after that `|`, an ASCII byte: no boundary check (`str::split_at` checks one).
    let (body, sum) = s.as_bytes().split_at(at + 1);
    let (body, sum) = (ascii_cut(body), ascii_cut(sum));
    // In a block: the checksum's text is dropped here, not at every exit after it.
    {
        let mut want = String::new();
        push_hex32(&mut want, checksum(body));
        if sum != want {
            return Err(bad);
        }
    }
    // Exactly 11 fields, into an array (no `Vec` of them: collecting costs more code).
    let mut f = [""; 11];
    // Without the `|` before the checksum (an ASCII byte: no boundary check).
    let mut fields = pieces(ascii_cut(&body.as_bytes()[..body.len() - 1]), b'|');
    for slot in &mut f {
        *slot = fields.next().ok_or(bad)?;
    }
    if fields.next().is_some() {
        return Err(bad);
    }
    // The fields that own no text first: when one is bad there is nothing to drop yet.
    let method = match *f[6].as_bytes() {
        [code] => Method::from_code(code),
        _ => None,
    };
    let (Some(created), Some(updated), Some(method), Some(dnt), Some(gpc)) =
        (parse_uint(f[2]), parse_uint(f[3]), method, Dnt::from_name(f[7]), Gpc::from_name(f[8]))
    else {
        return Err(bad);
    };
    // Then the texts, with no exit among them: a bad one clears `ok`, and what was read is
    // dropped once, below (an exit at each would drop the texts read so far, each its own code).
    let mut ok = true;
    let mut choices = vec![];
    if !f[10].is_empty() {
        for item in pieces(f[10], b'+') {
            // No `:` reads as an empty category, which is refused below.
            let (cat, state) = cut(item, b':').unwrap_or_default();
            // Two ASCII bytes: `1` or `0`, then the source's code (compared as bytes: no decoder).
            let (granted, source) = match *state.as_bytes() {
                [g @ (b'0' | b'1'), code] => (g == b'1', Source::from_code(code)),
                _ => (false, None),
            };
            let category = text(cat, &mut ok);
            ok &= source.is_some() && !category.is_empty() && !choices.iter().any(|c: &Choice| c.category == category);
            choices.push(Choice { category, granted, source: source.unwrap_or(Source::User) });
        }
    }
    let r = Record {
        id: text(f[1], &mut ok),
        created,
        updated,
        revision: text(f[4], &mut ok),
        language: text(f[5], &mut ok),
        method,
        signals: Signals { dnt, gpc },
        sdk_version: text(f[9], &mut ok),
        choices,
    };
    if !ok || r.id.is_empty() {
        return Err(bad);
    }
    Ok(r)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn sample() -> Record {
        Record {
            id: "a1b2c3".into(),
            created: 1_700_000_000_000,
            updated: 1_700_000_100_000,
            revision: "2016-01-01 | v2".into(),
            choices: vec![
                Choice { category: "necessary".into(), granted: true, source: Source::Default },
                Choice { category: "analytics".into(), granted: true, source: Source::User },
                Choice { category: "advertising".into(), granted: false, source: Source::Gpc },
            ],
            signals: Signals { dnt: Dnt::On, gpc: Gpc::True },
            language: "es".into(),
            method: Method::Preferences,
            sdk_version: "0.1.0".into(),
        }
    }

    #[test]
    fn code_tables_are_in_declaration_order() {
        for (i, s) in SOURCES.iter().enumerate() {
            assert_eq!((s.0 as usize, s.0.name(), s.0.code(), Source::from_code(s.2)), (i, s.1, s.2, Some(s.0)));
        }
        for (i, m) in METHODS.iter().enumerate() {
            assert_eq!((m.0 as usize, m.0.name(), m.0.code(), Method::from_code(m.2)), (i, m.1, m.2, Some(m.0)));
        }
    }

    #[test]
    fn a_giant_record_is_refused_unread() {
        let mut r = sample();
        r.choices = (0..2000)
            .map(|i| Choice {
                category: crate::core::text::concat(&["c", &crate::core::text::uint(i)]),
                granted: true,
                source: Source::User,
            })
            .collect();
        let s = encode(&r);
        assert!(s.len() > MAX_ENCODED_LEN);
        assert_eq!(decode(&s), Err(DecodeError::Corrupt));
    }

    #[test]
    fn round_trip_and_cookie_safe() {
        let r = sample();
        let s = encode(&r);
        assert!(s.bytes().all(|b| b.is_ascii_graphic() && b != b';' && b != b',' && b != b'"' && b != b'\\'), "{s}");
        assert_eq!(decode(&s), Ok(r));
    }

    #[test]
    fn rejects_foreign_truncated_and_tampered() {
        let s = encode(&sample());
        assert_eq!(decode(""), Err(DecodeError::ForeignVersion));
        assert_eq!(decode(&s.replacen("cg1", "cg9", 1)), Err(DecodeError::ForeignVersion));
        assert_eq!(decode(&s[..s.len() - 3]), Err(DecodeError::Corrupt));
        assert_eq!(decode(&s.replace("advertising:0g", "advertising:1u")), Err(DecodeError::Corrupt));
        assert_eq!(decode("cg1|x|1|2|r|en|b|on|true|v||deadbeef"), Err(DecodeError::Corrupt));
        // Too short to hold a checksum, or no `|` before its 8 bytes (a multi-byte character
        // there included).
        for short in ["cg1|", "cg1|abcd", "cg1|abcdefg", "cg1|abcdefgh", "cg1||abcdefgh", "cg1|é|1234567", "cg1|||\u{e9}1234567"] {
            assert_eq!(decode(short), Err(DecodeError::Corrupt), "{short}");
        }
    }

    #[test]
    fn tampering_with_a_recomputed_checksum_is_still_checked_field_by_field() {
        // A forger who recomputes the checksum still cannot smuggle malformed fields in.
        for body in [
            "cg1|x|1|2|r|en|b|on|true|v|analytics:1z|",
            "cg1|x|1|2|r|en|b|on|true|v|analytics:1u+analytics:0u|",
            "cg1|x|-1|2|r|en|b|on|true|v||",
            // One field too many, one too few.
            "cg1|x|1|2|r|en|b|on|true|v|analytics:1u|x|",
            "cg1|x|1|2|r|en|b|on|true|analytics:1u|",
        ] {
            let mut s = body.to_owned();
            push_hex32(&mut s, checksum(body));
            assert_eq!(decode(&s), Err(DecodeError::Corrupt), "{body}");
        }
    }

    fn arb_record() -> impl Strategy<Value = Record> {
        let choice = ("[a-z_-]{1,12}", any::<bool>(), 0usize..6).prop_map(|(category, granted, s)| Choice {
            category,
            granted,
            source: SOURCES[s].0,
        });
        (
            "[0-9a-f]{1,32}",
            any::<u64>(),
            any::<u64>(),
            ".{0,40}",
            proptest::collection::vec(choice, 0..6),
            0usize..3,
            0usize..3,
            "[a-z]{0,3}",
            0usize..5,
            ".{0,10}",
        )
            .prop_map(|(id, created, updated, revision, mut choices, d, g, language, m, sdk_version)| {
                choices.sort_by(|a, b| a.category.cmp(&b.category));
                choices.dedup_by(|a, b| a.category == b.category);
                Record {
                    id,
                    created: created / 2,
                    updated: updated / 2,
                    revision,
                    choices,
                    signals: Signals { dnt: [Dnt::On, Dnt::Off, Dnt::Unset][d], gpc: [Gpc::True, Gpc::False, Gpc::Absent][g] },
                    language,
                    method: METHODS[m].0,
                    sdk_version,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn encode_decode_round_trips(r in arb_record()) {
            prop_assert_eq!(decode(&encode(&r)), Ok(r));
        }

        #[test]
        fn decoding_any_string_never_panics(s in ".{0,200}") {
            let _ = decode(&s);
        }

        #[test]
        fn decoding_a_mutated_record_never_invents_a_grant(r in arb_record(), at in any::<usize>(), byte in any::<u8>()) {
            let mut bytes = encode(&r).into_bytes();
            let i = at % bytes.len();
            bytes[i] = byte;
            if let Ok(s) = String::from_utf8(bytes) {
                if let Ok(d) = decode(&s) {
                    for c in d.choices.iter().filter(|c| c.granted) {
                        prop_assert!(r.choice(&c.category).is_some_and(|o| o.granted), "invented grant {:?}", c);
                    }
                }
            }
        }
    }
}
