//! Small string helpers that avoid `core::fmt` (it costs kilobytes in the wasm).

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

/// `s` without the ASCII byte `b` repeated at its end (`str::trim_end_matches` with a char pulls
/// in a reverse byte search that nothing else needs).
pub fn trim_end_byte(s: &str, b: u8) -> &str {
    let mut end = s.len();
    while end > 0 && s.as_bytes()[end - 1] == b {
        end -= 1;
    }
    // Cutting before an ASCII byte is always at a character boundary.
    &s[..end]
}

/// At most `max` characters of `s`, with an ellipsis when cut.
pub fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => {
            let mut t = s[..at].to_owned();
            t.push('…');
            t
        }
        None => s.to_owned(),
    }
}

/// Concatenates parts into one string.
pub fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
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
    fn truncate_counts_characters() {
        assert_eq!(truncate("héllo", 3), "hél…");
        assert_eq!(truncate("abc", 3), "abc");
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
