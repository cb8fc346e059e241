//! The HTTP side: routing, CORS, the body limit, rate limiting, the bearer token, and one log line
//! per request.
//!
//! | request | answer |
//! |---|---|
//! | `POST /events` | `204` stored or already there; `400` invalid (names the field); `413`; `429`; `503` database down |
//! | `OPTIONS` anything | `204` with the CORS headers |
//! | `GET /healthz` | `200` when the database answers, else `503` |
//! | `GET /records/{recordId}` | bearer token: `{"recordId", "events": [...]}`, oldest first; `404` when none |
//! | `GET /export?from=&to=` | bearer token: JSON Lines of the events received in `[from, to)`, streamed |

use crate::config::Config;
use crate::log;
use crate::store::{Cursor, Db};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use consent_gate::core::log::read;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Everything a request handler needs.
pub struct App {
    /// The database.
    pub db: Db,
    /// The settings.
    pub config: Config,
    limiter: Limiter,
}

impl App {
    /// A new application state.
    pub fn new(db: Db, config: Config) -> App {
        let limiter = Limiter { per_minute: config.rate_limit, buckets: Mutex::new(HashMap::new()) };
        App { db, config, limiter }
    }
}

/// The router: every request goes through [`handle`].
pub fn router(app: Arc<App>) -> Router {
    Router::new().fallback(handle).with_state(app)
}

/// Per-client token buckets, in memory only (the address is never stored or logged).
struct Limiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limiter {
    fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let cap = f64::from(self.per_minute);
        let rate = cap / 60.0;
        let mut b = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if b.len() > 10_000 {
            // Forget the clients whose bucket has refilled; past 100 000 live ones, everyone.
            b.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < cap);
            if b.len() > 100_000 {
                b.clear();
            }
        }
        let (tokens, at) = b.entry(ip).or_insert((cap, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(cap);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// What the log line says about a request besides method, status and time.
#[derive(Default)]
struct Note {
    route: &'static str,
    fields: Vec<(&'static str, Value)>,
}

fn json_response(status: StatusCode, body: Value) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "error": message }))
}

fn empty(status: StatusCode) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = status;
    r
}

/// Handles one request and logs it.
async fn handle(State(app): State<Arc<App>>, ConnectInfo(peer): ConnectInfo<SocketAddr>, req: Request) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let mut note = Note::default();
    let mut resp = dispatch(&app, peer, req, &mut note).await;
    let h = resp.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    if method == Method::OPTIONS {
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST, GET, OPTIONS"));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("Content-Type, Authorization"));
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    }
    let mut fields = vec![
        ("msg", Value::from("request")),
        ("method", Value::from(method.as_str())),
        ("route", Value::from(note.route)),
        ("status", Value::from(resp.status().as_u16())),
        ("ms", Value::from((started.elapsed().as_secs_f64() * 1e4).round() / 10.0)),
    ];
    fields.append(&mut note.fields);
    log::event("info", &fields);
    resp
}

/// The client's address for rate limiting: the peer, or behind a trusted proxy the last address
/// the proxy appended to `X-Forwarded-For`.
fn client(app: &App, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if app.config.trust_forwarded_for {
        let last = headers.get_all("x-forwarded-for").iter().next_back().and_then(|v| v.to_str().ok());
        if let Some(ip) = last.and_then(|v| v.rsplit(',').next()).and_then(|s| s.trim().parse().ok()) {
            return ip;
        }
    }
    peer.ip()
}

async fn dispatch(app: &Arc<App>, peer: SocketAddr, req: Request, note: &mut Note) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    note.route = match path.as_str() {
        "/events" => "/events",
        "/healthz" => "/healthz",
        "/export" => "/export",
        p if p.starts_with("/records/") => "/records/{recordId}",
        _ => "other",
    };
    if note.route == "/healthz" && method == Method::GET {
        return match app.db.ping().await {
            Ok(()) => json_response(StatusCode::OK, json!({ "status": "ok", "db": app.db.kind() })),
            Err(e) => {
                note.fields.push(("error", e.into()));
                json_response(StatusCode::SERVICE_UNAVAILABLE, json!({ "status": "database unavailable", "db": app.db.kind() }))
            }
        };
    }
    if !app.limiter.allow(client(app, peer, req.headers()), Instant::now()) {
        let mut r = error(StatusCode::TOO_MANY_REQUESTS, "too many requests from this address; try again later");
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
        return r;
    }
    if method == Method::OPTIONS {
        return empty(StatusCode::NO_CONTENT);
    }
    let allowed = match note.route {
        "/events" => "POST, OPTIONS",
        "other" => return error(StatusCode::NOT_FOUND, "no such endpoint: POST /events, GET /healthz, /records/{recordId}, /export"),
        _ => "GET, OPTIONS",
    };
    let ok_method = if note.route == "/events" { method == Method::POST } else { method == Method::GET || method == Method::HEAD };
    if !ok_method {
        let mut r = error(StatusCode::METHOD_NOT_ALLOWED, &format!("use {allowed}"));
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allowed));
        return r;
    }
    if note.route == "/events" {
        return ingest(app, req, note).await;
    }
    if let Some(r) = authorize(app, req.headers()) {
        note.fields.push(("outcome", "unauthorized".into()));
        return r;
    }
    let mut r = if note.route == "/export" { export(app, req.uri().query().unwrap_or(""), note) } else { record(app, &path, note).await };
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn ingest(app: &Arc<App>, req: Request, note: &mut Note) -> Response {
    let max = app.config.max_body;
    let too_large = || json_response(StatusCode::PAYLOAD_TOO_LARGE, json!({ "error": "body too large", "limit": max }));
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        note.fields.push(("outcome", "too large".into()));
        return too_large();
    }
    let mut body = Vec::new();
    let mut stream = req.into_body().into_data_stream();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(c) if body.len() + c.len() <= max => body.extend_from_slice(&c),
            Ok(_) => {
                note.fields.push(("outcome", "too large".into()));
                return too_large();
            }
            Err(_) => return error(StatusCode::BAD_REQUEST, "could not read the body"),
        }
    }
    note.fields.push(("bytes", body.len().into()));
    let event = match read::parse(&body) {
        Ok(e) => e,
        Err(invalid) => {
            note.fields.push(("outcome", "invalid".into()));
            note.fields.push(("field", invalid.field.clone().into()));
            let field = if invalid.field.is_empty() { Value::Null } else { Value::from(invalid.field.clone()) };
            let message = if invalid.field.is_empty() {
                format!("the body {}", invalid.problem)
            } else {
                format!("{} {}", invalid.field, invalid.problem)
            };
            return json_response(StatusCode::BAD_REQUEST, json!({ "error": message, "field": field, "problem": invalid.problem }));
        }
    };
    match app.db.insert(event, log::now_ms()).await {
        Ok(stored) => {
            note.fields.push(("outcome", if stored { "stored" } else { "duplicate" }.into()));
            empty(StatusCode::NO_CONTENT)
        }
        Err(e) => {
            note.fields.push(("outcome", "storage error".into()));
            note.fields.push(("error", e.into()));
            // Not a 2xx: the SDK keeps the event and sends it again later.
            error(StatusCode::SERVICE_UNAVAILABLE, "storage unavailable; send again later")
        }
    }
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `None` when the request carries the configured bearer token; else the 401 to answer.
fn authorize(app: &App, headers: &HeaderMap) -> Option<Response> {
    let unauthorized = |message: &str| {
        let mut r = error(StatusCode::UNAUTHORIZED, message);
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        r
    };
    let Some(token) = &app.config.token else {
        return Some(unauthorized("reading is off: start the receiver with --token (or CONSENT_GATE_TOKEN)"));
    };
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(g) if same(g.trim().as_bytes(), token.as_bytes()) => None,
        Some(_) => Some(unauthorized("wrong bearer token")),
        None => Some(unauthorized("needs Authorization: Bearer <token>")),
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(if b[i] == b'+' { b' ' } else { b[i] });
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

async fn record(app: &Arc<App>, path: &str, note: &mut Note) -> Response {
    let raw = path.strip_prefix("/records/").unwrap_or("");
    let Some(id) = percent_decode(raw).filter(|id| !id.is_empty() && !id.contains('/')) else {
        return error(StatusCode::BAD_REQUEST, "expected /records/{recordId}");
    };
    match app.db.record(id.clone()).await {
        Ok(rows) if rows.is_empty() => error(StatusCode::NOT_FOUND, "no event has this recordId"),
        Ok(rows) => {
            note.fields.push(("events", rows.len().into()));
            let events: Vec<String> = rows.iter().map(|r| r.json()).collect();
            let body = format!("{{\"recordId\":{},\"events\":[{}]}}", Value::from(id), events.join(","));
            let mut r = Response::new(Body::from(body));
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            r
        }
        Err(e) => {
            note.fields.push(("error", e.into()));
            error(StatusCode::SERVICE_UNAVAILABLE, "storage unavailable")
        }
    }
}

/// Reads a time bound: milliseconds since 1970, a date (`2026-11-01`, midnight UTC), or an
/// ISO-8601 UTC time (`2026-11-01T09:15:04Z`, `2026-11-01T09:15:04.120Z`).
pub fn parse_time(s: &str) -> Option<i64> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let num = |a: usize, b: usize| -> Option<i64> {
        let t = s.get(a..b)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    if s.get(4..5) != Some("-") || s.get(7..8) != Some("-") || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let (mut hh, mut mm, mut ss, mut ms) = (0, 0, 0, 0);
    if s.len() > 10 {
        let rest = &s[10..];
        if !(rest.starts_with('T') && rest.ends_with('Z') && s.get(13..14) == Some(":") && s.get(16..17) == Some(":")) {
            return None;
        }
        (hh, mm, ss) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
        match s.len() {
            20 => {}
            24 if s.get(19..20) == Some(".") => ms = num(20, 23)?,
            _ => return None,
        }
        if hh > 23 || mm > 59 || ss > 60 {
            return None;
        }
    }
    // Days from a civil date (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hh) * 60 + mm) * 60_000 + ss * 1000 + ms)
}

fn export(app: &Arc<App>, query: &str, note: &mut Note) -> Response {
    let mut bounds = [i64::MIN, i64::MAX];
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let i = match k {
            "from" => 0,
            "to" => 1,
            _ => return error(StatusCode::BAD_REQUEST, &format!("unknown parameter {k:?}: use from and to")),
        };
        if v.is_empty() {
            continue;
        }
        match percent_decode(v).as_deref().and_then(parse_time) {
            Some(t) => bounds[i] = t,
            None => {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    json!({ "error": format!("{k} must be milliseconds since 1970, a date like 2026-11-01, or a time like 2026-11-01T09:15:04Z"), "field": k }),
                )
            }
        }
    }
    let [from, to] = bounds;
    note.fields.push(("outcome", "export".into()));
    const PAGE: i64 = 1000;
    let app = app.clone();
    let pages = futures_util::stream::unfold((app, None::<Cursor>, false), move |(app, after, done)| async move {
        if done {
            return None;
        }
        match app.db.page(from, to, after.clone().flatten(), PAGE).await {
            Ok(rows) if rows.is_empty() => None,
            Ok(rows) => {
                let last = rows.last().map(|r| (r.received, r.event_id.clone()));
                let mut chunk = String::with_capacity(rows.len() * 700);
                for r in &rows {
                    chunk.push_str(&r.json());
                    chunk.push('\n');
                }
                let finished = (rows.len() as i64) < PAGE;
                Some((Ok::<_, std::io::Error>(chunk), (app, Some(last), finished)))
            }
            Err(e) => {
                log::event("error", &[("msg", "export stopped".into()), ("error", e.clone().into())]);
                Some((Err(std::io::Error::other(e)), (app, after, true)))
            }
        }
    });
    let mut r = Response::new(Body::from_stream(pages));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-ndjson"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_bounds_in_three_spellings() {
        assert_eq!(parse_time("1700000000123"), Some(1_700_000_000_123));
        assert_eq!(parse_time("2023-11-14T22:13:20.123Z"), Some(1_700_000_000_123));
        assert_eq!(parse_time("2023-11-14T22:13:20Z"), Some(1_700_000_000_000));
        assert_eq!(parse_time("1970-01-01"), Some(0));
        assert_eq!(parse_time("2000-03-01"), Some(951_868_800_000));
        for bad in ["", "2023-13-01", "2023-11-14T22:13", "yesterday", "2023-11-14T22:13:20+01:00", "-5"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_bucket_refills_and_the_limit_is_per_address() {
        let l = Limiter { per_minute: 60, buckets: Mutex::new(HashMap::new()) };
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        let t = Instant::now();
        assert!((0..60).all(|_| l.allow(a, t)));
        assert!(!l.allow(a, t));
        assert!(l.allow(b, t));
        assert!(l.allow(a, t + std::time::Duration::from_millis(1100)));
        let off = Limiter { per_minute: 0, buckets: Mutex::new(HashMap::new()) };
        assert!((0..10_000).all(|_| off.allow(a, t)));
    }

    #[test]
    fn tokens_and_paths() {
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"abc", b"ab"));
        assert_eq!(percent_decode("a%2Fb%20c").as_deref(), Some("a/b c"));
        assert_eq!(percent_decode("%zz"), None);
    }
}
