//! Cookies: reading a `document.cookie` string, the consent cookie's assignment, and the
//! assignments that expire a cookie wherever the page can see it.

use super::config::{Config, SameSite};
use super::glob::glob;
use super::text::{ascii_case, ascii_cut, concat, cut, pieces, push_uint, trim, trim_end_byte};

/// Browsers keep a cookie with this name prefix host-only, `Secure` and on `/` (https only), so
/// no sibling subdomain can set or shadow it.
const HOST_PREFIX: &str = "__Host-";

/// The most parent folders of a path whose cookies are expired. Deeper folders are rare, and
/// the bound keeps the number of assignments small whatever the URL.
const MAX_PATH_DEPTH: usize = 8;

/// The consent cookie's name on this page: `__Host-<name>` on https unless the site shares the
/// cookie across its subdomains (`cookie.domain`).
pub fn consent_cookie_name(config: &Config, https: bool) -> String {
    if https && config.cookie.domain.is_none() {
        concat(&[HOST_PREFIX, &config.cookie.name])
    } else {
        config.cookie.name.clone()
    }
}

/// The `document.cookie` assignment that stores the consent cookie.
pub fn consent_cookie(config: &Config, value: &str, max_age_days: u32, https: bool) -> String {
    let c = &config.cookie;
    let mut s = concat(&[&consent_cookie_name(config, https), "=", value, "; Path=/; Max-Age="]);
    push_uint(&mut s, u64::from(max_age_days) * 86_400);
    s.push_str(match c.same_site {
        SameSite::Lax => "; SameSite=Lax",
        SameSite::Strict => "; SameSite=Strict",
        SameSite::None => "; SameSite=None",
    });
    if let Some(d) = &c.domain {
        s.push_str("; Domain=");
        s.push_str(d);
    }
    // A `__Host-` cookie without `Secure` is refused by the browser.
    if c.secure.unwrap_or(https) || c.same_site == SameSite::None || (https && c.domain.is_none()) {
        s.push_str("; Secure");
    }
    s
}

/// Both names the consent cookie can have (`name` and `__Host-name`). Before each save every
/// copy of either is expired, on every domain, so that a copy of the other scope (an earlier
/// `cookie.domain` setting, or one planted by a sibling subdomain) never stays beside ours.
pub fn consent_cookie_names(config: &Config) -> [String; 2] {
    [config.cookie.name.clone(), concat(&[HOST_PREFIX, &config.cookie.name])]
}

/// One assignment that expires `name` on `domain` (host-only when `None`) and `path`.
fn expiry(name: &str, domain: Option<&str>, path: &str, secure: bool) -> String {
    let mut s = concat(&[name, "=; Max-Age=0; Path=", path]);
    if let Some(d) = domain {
        s.push_str("; Domain=");
        s.push_str(d);
    }
    if secure {
        s.push_str("; Secure");
    }
    s
}

/// Every assignment that expires cookie `name` wherever a page at `host` and `path` can see it:
/// host-only and on each parent domain, on `/` and on each parent folder of `path` (with and
/// without the trailing slash, since the two are different cookie paths). On https each is
/// `Secure` (`__Secure-` and `__Host-` names are refused without it) and is repeated
/// `Partitioned`, the only way to reach a partitioned (CHIPS) copy.
pub fn expire(name: &str, host: &str, path: &str, https: bool) -> Vec<String> {
    let domains = cookie_domains(host);
    let mut out = vec![];
    for p in &cookie_paths(path) {
        out.push(expiry(name, None, p, https));
        for d in &domains {
            out.push(expiry(name, Some(d), p, https));
        }
    }
    if https {
        for i in 0..out.len() {
            let partitioned = concat(&[&out[i], "; Partitioned"]);
            out.push(partitioned);
        }
    }
    out
}

/// The cookie paths that can hold a cookie visible at `path`: `/`, then each parent folder
/// with and without its trailing slash, then `path` itself.
pub fn cookie_paths(path: &str) -> Vec<String> {
    let mut out = vec!["/".to_owned()];
    if !path.starts_with("/") {
        return out;
    }
    // Each `/` after the first, at most MAX_PATH_DEPTH of them (bytewise: no `char` search).
    let mut depth = 0;
    for (i, &b) in path.as_bytes().iter().enumerate() {
        if b == b'/' && i > 0 && depth < MAX_PATH_DEPTH {
            depth += 1;
            // Cut at and after a `/`, an ASCII byte: no boundary check.
            out.push(ascii_cut(&path.as_bytes()[..i]).to_owned());
            out.push(ascii_cut(&path.as_bytes()[..=i]).to_owned());
        }
    }
    if !path.ends_with("/") {
        out.push(path.to_owned());
    }
    out
}

/// The parent domains a cookie may be set on from `host`, most specific first, ending with the
/// registrable-looking domain (at least two labels). IP addresses and single labels have none.
/// Cookies on a public suffix are refused by the browser, so trying them is harmless. A host
/// written with a trailing dot (`www.example.org.`) keeps it: the browser accepts `Domain=` there
/// only in the same form.
pub fn cookie_domains(host: &str) -> Vec<String> {
    let dot = if host.ends_with(".") { "." } else { "" };
    let host = ascii_case(trim_end_byte::<b'.'>(host), false);
    // Each suffix that starts at a label, except the last label alone; none for an IP address
    // (digits and dots only, or in brackets), found in the same walk.
    let mut out = vec![];
    if host.starts_with("[") {
        return out;
    }
    let mut named = false;
    let mut start = 0;
    for (i, &b) in host.as_bytes().iter().enumerate() {
        named |= !b.is_ascii_digit() && b != b'.';
        if b == b'.' {
            // `start` is after a `.`: no second boundary check.
            out.push(concat(&[ascii_cut(&host.as_bytes()[start..]), dot]));
            start = i + 1;
        }
    }
    if !named {
        out.clear();
    }
    out
}

/// The names of the cookies in a `document.cookie` string that match any of `patterns`.
pub fn matching_cookies<'a>(cookies: &'a str, patterns: &[String]) -> Vec<&'a str> {
    let mut out = vec![];
    // Plain loops over the parts and the patterns, here and in `cookie_value`: no `filter_map`
    // or `any` iterator code of their own.
    for part in pieces(cookies, b';') {
        let Some((n, _)) = name_value(part) else { continue };
        for p in patterns {
            if glob(p, n) {
                out.push(n);
                break;
            }
        }
    }
    out
}

/// The value of cookie `name` in a `document.cookie` string.
pub fn cookie_value<'a>(cookies: &'a str, name: &str) -> Option<&'a str> {
    for part in pieces(cookies, b';') {
        match name_value(part) {
            Some((n, v)) if n == name => return Some(v),
            _ => {}
        }
    }
    None
}

/// One part of a `document.cookie` string as `(name, value)`, trimmed; `None` when malformed
/// (no `=`, or no name).
fn name_value(part: &str) -> Option<(&str, &str)> {
    let (n, v) = cut(part, b'=')?;
    let n = trim(n, false);
    (!n.is_empty()).then(|| (n, trim(v, false)))
}

/// `(name, value)` pairs of a `document.cookie` string; malformed parts are skipped (the parts
/// [`matching_cookies`] and [`cookie_value`] read).
#[cfg(test)]
pub fn cookie_names_values(cookies: &str) -> impl Iterator<Item = (&str, &str)> {
    pieces(cookies, b';').filter_map(name_value)
}
