//! One wildcard matcher for sensitive paths and cookie names: `*` matches any run of characters.

use super::text::{hex_value, trim_end_byte, utf8};

/// Whether `text` matches `pattern`, where `*` matches any run of characters (also none).
/// Linear in practice: it backtracks only to the last `*`, so no input can make it slow.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    // What is left of the pattern must be stars (a loop: no `all` copy of its own).
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// A URL path made comparable: percent-escapes decoded (repeatedly, for servers that decode
/// twice), path parameters (`;jsessionid=…`) and trailing dots and spaces of a segment dropped
/// (servers that ignore them serve `/portal;x/` and `/portal./` as `/portal/`), `.` and `..`
/// resolved, lowercased, repeated slashes folded. Matching is deliberately loose so that no spelling a server accepts
/// slips past a rule for `/patient-portal/*`.
pub fn normalize_path(path: &str) -> String {
    normalized(path, true)
}

/// Percent-escapes decoded until none is left (at most three passes).
fn decoded(mut b: Vec<u8>) -> Vec<u8> {
    for _ in 0..3 {
        let again = decode(&b);
        let done = again == b;
        // Taken either way (the same bytes when done): one drop, of the old pass.
        b = again;
        if done {
            break;
        }
    }
    b
}

/// [`normalize_path`] with the escapes decoded before the segments are resolved, or after
/// (`decode_first` false): an escaped slash or dot (`/patient-portal/1%2F..%2F..%2Fhome`) is part
/// of a segment for a router that splits the path before decoding it, which serves the portal
/// there.
fn normalized(path: &str, decode_first: bool) -> String {
    let mut b = path.as_bytes().to_vec();
    if decode_first {
        b = decoded(b);
    }
    // Segment by segment, each written after a slash: `.` and `..` resolved as a browser
    // resolves them in a path (a hash route is not resolved by the browser), empty segments
    // (doubled slashes) dropped.
    let mut out: Vec<u8> = Vec::with_capacity(b.len() + 1);
    // Servers that take `\` for `/` (IIS) route `/patient-portal%5Cx` to the portal.
    for segment in b.split(|&c| c == b'/' || c == b'\\') {
        let segment = &segment[..segment.iter().position(|&c| c == b';').unwrap_or(segment.len())];
        let mut end = segment.len();
        while end > 0 && (segment[end - 1] == b'.' || segment[end - 1] == b' ') {
            end -= 1;
        }
        match segment {
            b"" | b"." => {}
            // The last segment goes with its slash.
            b".." => {
                // Back to the last slash (a loop: no reverse search of its own).
                let mut at = out.len();
                while at > 0 && out[at - 1] != b'/' {
                    at -= 1;
                }
                out.truncate(at.saturating_sub(1));
            }
            _ => {
                out.push(b'/');
                out.extend_from_slice(if end == 0 { segment } else { &segment[..end] });
            }
        }
    }
    // The root alone, or a trailing slash kept.
    if out.is_empty() || b.len() > 1 && b.last() == Some(&b'/') {
        out.push(b'/');
    }
    // A relative path has no leading slash: skipped at the end (decoding and lowercasing leave
    // the slash first), no `Vec::remove` for this one use.
    let skip = usize::from(b.first() != Some(&b'/'));
    if !decode_first {
        out = decoded(out);
    }
    out.make_ascii_lowercase();
    // Invalid UTF-8 (from escapes) replaced, as `String::from_utf8_lossy` would.
    utf8(&out[skip..], true).unwrap_or_default()
}

/// One pass of percent-decoding; escapes that are not two hex digits are kept as they are.
fn decode(b: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let mut c = b[i];
        if c == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex_value(b[i + 1]), hex_value(b[i + 2])) {
                c = h * 16 + l;
                i += 2;
            }
        }
        i += 1;
        out.push(c);
    }
    out
}

/// Whether `path` matches a sensitive-path `pattern`. A trailing slash makes no difference on
/// either side (`/book` matches `/book/`: most servers serve both), and a pattern ending in `/*`
/// also matches the bare folder (`/patient-portal/*` matches `/patient-portal`).
///
/// The path is read twice, its escapes decoded before and after its `.` and `..` are resolved
/// ([`normalized`]): it matches when either reading does.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let p = normalize_path(pattern);
    let p = unslashed(&p);
    reading_matches(p, path, true) || reading_matches(p, path, false)
}

/// Whether one reading of `path` ([`normalized`]) matches the normalized pattern `p`.
fn reading_matches(p: &str, path: &str, decode_first: bool) -> bool {
    let t = normalized(path, decode_first);
    let t = unslashed(&t);
    glob(p, t) || p.strip_suffix("/*").is_some_and(|folder| folder == t)
}

/// `s` without trailing slashes, unless it is the root alone.
fn unslashed(s: &str) -> &str {
    if s.len() > 1 {
        trim_end_byte::<b'/'>(s)
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_table() {
        let cases = [
            ("_ga", "_ga", true),
            ("_ga", "_gab", false),
            ("_ga_*", "_ga_ABC123", true),
            ("_ga_*", "_ga", false),
            ("*", "", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("/x/*", "/x/", true),
            ("*a", "bbbba", true),
            ("", "", true),
            ("", "a", false),
        ];
        for (p, t, want) in cases {
            assert_eq!(glob(p, t), want, "{p} {t}");
        }
    }

    #[test]
    fn sensitive_paths_cannot_be_dodged() {
        let cases = [
            ("/patient-portal/*", "/patient-portal/", true),
            ("/patient-portal/*", "/patient-portal", true),
            ("/patient-portal/*", "/patient-portal/login", true),
            ("/patient-portal/*", "/Patient-Portal/login", true),
            ("/patient-portal/*", "/patient%2Dportal/x", true),
            ("/patient-portal/*", "//patient-portal/x", true),
            ("/patient-portal/*", "/patient-portals", false),
            ("/patient-portal/*", "/news/patient-portal/", false),
            ("*/appointments/*", "/clinic/appointments/new", true),
            ("/book", "/book", true),
            ("/book", "/book/", true),
            ("/book/", "/book", true),
            ("/book", "/book//", true),
            // Spellings servers accept for the same page.
            ("/patient-portal/*", "/patient-portal;jsessionid=1/results", true),
            ("/patient-portal/*", "/patient-portal./results", true),
            ("/patient-portal/*", "/patient-portal%20/results", true),
            ("/patient-portal/*", "/patient%252Dportal/x", true),
            ("/patient-portal/*", "/x%252fpatient-portal/y", false),
            ("/patient-portal/*", "%2fpatient-portal%2fy", true),
            ("/patient-portal/*", "/x/../patient-portal/y", true),
            ("/patient-portal/*", "/./patient-portal/y", true),
            ("/patient-portal/*", "/patient-portal/../news", false),
            ("/patient-portal/*", "/patient-portal%5Cresults", true),
            ("/patient-portal/*", "/x/..%5Cpatient-portal%5Cresults", true),
            ("/book", "/books", false),
            ("/book", "/book/x", false),
            ("/", "/", true),
            ("/", "/x", false),
        ];
        for (p, t, want) in cases {
            assert_eq!(path_matches(p, t), want, "{p} {t}");
        }
    }

    #[test]
    fn invalid_utf8_is_replaced_as_std_does() {
        assert_eq!(normalize_path("/%C3%A9%FF%e2%82"), "/é\u{FFFD}\u{FFFD}");
    }

    #[test]
    fn an_escaped_slash_or_dot_before_dot_dot_does_not_take_a_path_out_of_its_folder() {
        // A router that splits before decoding serves the portal for each of these.
        for path in [
            "/patient-portal/123%2F..%2F..%2Fhome",
            "/patient-portal/..%2Fhome",
            "/patient-portal/%2e%2e%2fhome",
            "/patient-portal/..%5Chome",
            "/patient-portal/1%252F..%252F..%252Fhome",
        ] {
            assert!(path_matches("/patient-portal/*", path), "{path}");
        }
        // Decoded first, these still resolve into the portal, and real `..` segments out of it.
        assert!(path_matches("/patient-portal/*", "/shop/..%2Fpatient-portal/1"));
        assert!(!path_matches("/patient-portal/*", "/patient-portal/../home"));
        assert!(!path_matches("/patient-portal/*", "/home%2Fpatient-portal"));
    }

    #[test]
    fn bad_escapes_are_kept() {
        assert_eq!(normalize_path("/a%zz%4"), "/a%zz%4");
        assert_eq!(normalize_path("%41"), "a");
    }

    #[test]
    fn a_relative_path_keeps_no_leading_slash() {
        assert_eq!(normalize_path("a/B/../c/"), "a/c/");
        assert_eq!(normalize_path("a/.."), "");
        assert_eq!(normalize_path(""), "");
        assert_eq!(normalized("%2Fa", false), "/a");
    }
}
