//! Small string helpers that avoid `core::fmt` (it costs kilobytes in the wasm), and std's `char`
//! searchers: text is cut at ASCII bytes here ([`pieces`], [`cut`]), and prefixes elsewhere are
//! written as strings (`starts_with("/")`, not `'/'`, which encodes the `char` as UTF-8 first).

/// The hexadecimal digits, lowercase: the one table every hex encoder of the SDK uses.
pub const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Appends the `digits` lowest hex digits of `n`, most significant first, lowercase.
pub fn push_hex(out: &mut String, n: u32, digits: u32) {
    for i in (0..digits).rev() {
        out.push(char::from(HEX_DIGITS[((n >> (i * 4)) & 15) as usize]));
    }
}

/// The value of one hex digit, either case; `None` for anything else.
pub fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `bytes` as text. Each invalid sequence is replaced by U+FFFD when `lossy` (exactly as
/// `String::from_utf8_lossy` does: one per maximal subpart), and is `None` otherwise (as
/// `String::from_utf8`). Written out because std's validator (`str::from_utf8`, with its
/// word-at-a-time ASCII path) is 0.6 KB of wasm.
pub fn utf8(bytes: &[u8], lossy: bool) -> Option<String> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let lead = bytes[i];
        // The sequence's length and the range of its second byte (RFC 3629, table 3-7 of Unicode:
        // no overlong forms, no surrogates, nothing above U+10FFFF); 0 for a byte no sequence
        // starts with.
        let (len, low, high) = match lead {
            0x00..=0x7f => (1, 0, 0),
            0xc2..=0xdf => (2, 0x80, 0xbf),
            0xe0 => (3, 0xa0, 0xbf),
            0xed => (3, 0x80, 0x9f),
            0xe1..=0xef => (3, 0x80, 0xbf),
            0xf0 => (4, 0x90, 0xbf),
            0xf1..=0xf3 => (4, 0x80, 0xbf),
            0xf4 => (4, 0x80, 0x8f),
            _ => (0, 0, 0),
        };
        let mut n = 1;
        while n < len {
            let (low, high) = if n == 1 { (low, high) } else { (0x80, 0xbf) };
            match bytes.get(i + n) {
                Some(&b) if b >= low && b <= high => {}
                _ => break,
            }
            n += 1;
        }
        if n == len {
            // Copied as it is: checked against the table above, so valid UTF-8 (not decoded and
            // encoded again).
            out.extend_from_slice(&bytes[i..i + n]);
        } else if lossy {
            out.extend_from_slice("\u{FFFD}".as_bytes());
        } else {
            return None;
        }
        i += n;
    }
    debug_assert!(core::str::from_utf8(&out).is_ok());
    // SAFETY: `out` holds only sequences the table above admits (well-formed UTF-8, RFC 3629) and
    // U+FFFD's encoding; the tests below check it against std's validator, proptests included.
    Some(unsafe { String::from_utf8_unchecked(out) })
}

/// Appends the decimal digits of `n` to `out`.
pub fn push_uint(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(d as char);
    }
}

/// The decimal digits of `n`.
pub fn uint(n: u64) -> String {
    let mut s = String::new();
    push_uint(&mut s, n);
    s
}

/// Parses unsigned decimal digits; `None` for anything else (no sign, no blanks, no overflow).
pub fn parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    let mut n: u64 = 0;
    for b in s.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    Some(n)
}

/// Bytes of a `str` cut at ASCII bytes (or where a character starts) as text again. Such a cut
/// is always at a character boundary, so no second check (std's `&s[a..b]` checks each cut, and
/// its check with its abort was in the wasm for five cuts whose place is known).
pub(crate) fn ascii_cut(piece: &[u8]) -> &str {
    // The native tests check every cut (the wasm is a release build, without this).
    debug_assert!(core::str::from_utf8(piece).is_ok());
    // SAFETY: every caller passes bytes of a `str` cut only at ASCII bytes (see [`is_cut`]),
    // before a byte that starts a character (`truncate`, `trim`), or at its ends.
    unsafe { core::str::from_utf8_unchecked(piece) }
}

/// Whether the byte `b` is the separator `sep`. Only an ASCII byte cuts: a non-ASCII `sep`
/// (which could fall inside a character) cuts nothing, so [`ascii_cut`] always gets whole text.
fn is_cut(b: u8, sep: u8) -> bool {
    b == sep && sep.is_ascii()
}

/// The pieces of `s` cut at each ASCII byte `sep`: what `s.split(sep)` gives, through one
/// byte loop shared by every caller instead of std's `char` searcher (with its `memchr`).
pub fn pieces(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    s.as_bytes().split(move |&b| is_cut(b, sep)).map(ascii_cut)
}

/// `s` without leading whitespace, and without trailing whitespace unless `start_only`
/// (Unicode whitespace, as `str::trim` and `trim_start`): one forward pass, instead of std's
/// searchers from both ends.
pub fn trim(s: &str, start_only: bool) -> &str {
    let (mut start, mut end) = (s.len(), s.len());
    // `chars`, the position counted here: the one `Chars::next` the crate shares, not a
    // `CharIndices` decoder of its own.
    let mut i = 0;
    for c in s.chars() {
        let next = i + c.len_utf8();
        if !c.is_whitespace() {
            if start == s.len() {
                start = i;
                if start_only {
                    break;
                }
            }
            end = next;
        }
        i = next;
    }
    // Both ends are where a character starts, or the end: no second boundary check.
    ascii_cut(&s.as_bytes()[start..end.max(start)])
}

/// Whether `word` is one of the pieces of the space-separated `list`.
pub fn has_word(list: &str, word: &str) -> bool {
    // A loop, not `any`: one copy for every caller.
    for w in pieces(list, b' ') {
        if w == word {
            return true;
        }
    }
    false
}

/// `s` cut at its first ASCII byte `sep`, as `s.split_once(sep)`.
pub fn cut(s: &str, sep: u8) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let at = b.iter().position(|&x| is_cut(x, sep))?;
    Some((ascii_cut(&b[..at]), ascii_cut(&b[at + 1..])))
}

/// The `n`-th piece of `s` cut at each ASCII byte `sep` (empty past the last): what
/// `s.split(sep).nth(n)` gives.
pub fn nth_piece(s: &str, sep: u8, mut n: usize) -> &str {
    let b = s.as_bytes();
    let mut start = 0;
    let mut end = 0;
    while end < b.len() && (n > 0 || !is_cut(b[end], sep)) {
        if is_cut(b[end], sep) {
            n -= 1;
            start = end + 1;
        }
        end += 1;
    }
    ascii_cut(if n == 0 { &b[start..end] } else { &[] })
}

/// `s` without the ASCII byte `B` repeated at its end (`str::trim_end_matches` with a char pulls
/// in a reverse byte search that nothing else needs). `B` is a constant, checked to be ASCII
/// when the crate compiles, so the cut is never inside a character and needs no check.
pub fn trim_end_byte<const B: u8>(s: &str) -> &str {
    const { assert!(B.is_ascii()) };
    let mut end = s.len();
    while end > 0 && s.as_bytes()[end - 1] == B {
        end -= 1;
    }
    ascii_cut(&s.as_bytes()[..end])
}

/// At most `max` characters of `s`, with an ellipsis when cut.
pub fn truncate(s: &str, max: usize) -> String {
    let mut chars = 0;
    for (at, &b) in s.as_bytes().iter().enumerate() {
        // A byte that is not a UTF-8 continuation byte starts a character.
        if b & 0xC0 != 0x80 {
            if chars == max {
                // Cut before the byte that starts a character.
                let mut t = ascii_cut(&s.as_bytes()[..at]).to_owned();
                t.push('…');
                return t;
            }
            chars += 1;
        }
    }
    s.to_owned()
}

/// `s` with its ASCII letters in upper case (`upper`) or lower case, every other character as it
/// is. One loop for the case changes of short texts (region hints, cookie domains, language
/// tags, DNT values): std's `to_ascii_lowercase` and `to_ascii_uppercase` were code each. The
/// path matcher lowercases its bytes in place (`make_ascii_lowercase`): through this measured
/// 6 bytes more.
pub fn ascii_case(s: &str, upper: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        out.push(if upper { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() });
    }
    out
}

/// Where `s` is in `names`: one loop for every "the value with this name" look-up (the
/// interface's actions and scopes, the privacy signals) instead of a search of its own each.
pub fn index_of(names: &[&str], s: &str) -> Option<usize> {
    for (i, n) in names.iter().enumerate() {
        if *n == s {
            return Some(i);
        }
    }
    None
}

/// Concatenates parts into one string (grown as it goes: no pass to sum the lengths first).
pub fn concat(parts: &[&str]) -> String {
    let mut s = String::new();
    for p in parts {
        s.push_str(p);
    }
    s
}

/// Appends `s` as a JSON string literal (quoted and escaped).
pub fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str("\\u");
                push_hex(out, c as u32, 4);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uint_round_trips() {
        for n in [0, 7, 10, 1_700_000_000_000, u64::MAX / 10] {
            assert_eq!(parse_uint(&uint(n)), Some(n));
            assert_eq!(uint(n), n.to_string());
        }
        assert_eq!(parse_uint(""), None);
        assert_eq!(parse_uint("-1"), None);
        assert_eq!(parse_uint("12a"), None);
        assert_eq!(parse_uint("99999999999999999999"), None);
    }

    #[test]
    fn utf8_decodes_as_std_does() {
        let cases: [&[u8]; 11] = [
            b"",
            b"abc",
            b"a\xffb",
            b"\xe2\x82",
            b"\xe2\x82x\xe2\x82\xac",
            b"\xf0\x9f\x98",
            b"\xc0\xaf\xed\xa0\x80",
            b"\xf4\x90\x80\x80\xf4\x8f\xbf\xbf",
            b"\xe0\x80\xaf\xe0\xa0\x80\x80",
            b"\xc2\x7f\xdf\xbf\xc1\xbf",
            "é€😀".as_bytes(),
        ];
        for bytes in cases {
            assert_eq!(utf8(bytes, true).as_deref(), Some(&*String::from_utf8_lossy(bytes)), "{bytes:?}");
            assert_eq!(utf8(bytes, false), String::from_utf8(bytes.to_vec()).ok(), "{bytes:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 5000, ..Default::default() })]

        #[test]
        fn utf8_matches_std_on_any_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24),
                                         text in ".{0,12}") {
            // Random bytes are mostly invalid; text with one byte changed is mostly valid.
            let mut edited = text.clone().into_bytes();
            edited.extend_from_slice(&bytes[..bytes.len().min(3)]);
            for b in [&bytes, &edited, &text.into_bytes()] {
                proptest::prop_assert_eq!(utf8(b, true), Some(String::from_utf8_lossy(b).into_owned()));
                proptest::prop_assert_eq!(utf8(b, false), String::from_utf8(b.to_vec()).ok());
            }
        }

        #[test]
        fn byte_cuts_match_std(text in "[a bé\n]{0,12}", n in 0usize..8) {
            for sep in [b' ', b'\n'] {
                let std = text.split(char::from(sep)).nth(n).unwrap_or_default();
                proptest::prop_assert_eq!(nth_piece(&text, sep, n), std);
                let c = char::from(sep);
                proptest::prop_assert_eq!(pieces(&text, sep).collect::<Vec<_>>(), text.split(c).collect::<Vec<_>>());
                proptest::prop_assert_eq!(cut(&text, sep), text.split_once(c));
                proptest::prop_assert_eq!(has_word(&text, "b"), text.split(' ').any(|w| w == "b"));
            }
            // A byte of a multi-byte character is no separator: the text stays whole.
            proptest::prop_assert_eq!(pieces(&text, 0xc3).collect::<Vec<_>>(), vec![text.as_str()]);
            proptest::prop_assert_eq!(cut(&text, 0xa9), None);
            proptest::prop_assert_eq!(nth_piece(&text, 0xc3, 0), text.as_str());
        }

        #[test]
        fn trim_matches_std(text in "[a \t\u{a0}\u{3000}é\n]{0,10}") {
            proptest::prop_assert_eq!(trim(&text, false), text.trim());
            proptest::prop_assert_eq!(trim(&text, true), text.trim_start());
        }
    }

    #[test]
    fn ascii_case_changes_ascii_letters_only() {
        assert_eq!(ascii_case("us-Wa É ß1", true), "US-WA É ß1");
        assert_eq!(ascii_case("WWW.Example.ORG Éİ", false), "www.example.org Éİ");
        assert_eq!(ascii_case("", true), "");
    }

    #[test]
    fn truncate_counts_characters() {
        assert_eq!(truncate("héllo", 3), "hél…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("a😀b\u{e9}c", 3), "a😀b…");
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut s = String::new();
        push_json_str(&mut s, "a\"b\\c\n\u{1}");
        assert_eq!(s, r#""a\"b\\c\n\u0001""#);
        let back: String = serde_json::from_str(&s).unwrap();
        assert_eq!(back, "a\"b\\c\n\u{1}");
    }
}
