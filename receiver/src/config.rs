//! Configuration from flags, or else from `CONSENT_GATE_*` environment variables.

use std::net::SocketAddr;
use std::time::Duration;

/// What `consent-gate-receiver --help` prints.
pub const USAGE: &str = "\
consent-gate-receiver: receives consent-gate's consent events and stores each once.

  consent-gate-receiver [--db consent.sqlite] [--listen 127.0.0.1:8081] [--token TOKEN] ...

Every flag can also be given as an environment variable (the flag wins):
  --listen ADDR             CONSENT_GATE_LISTEN            where to listen (127.0.0.1:8081; port 0: any free port)
  --db PATH|URL             CONSENT_GATE_DB                a SQLite file (consent.sqlite), or postgres://user@host/db
  --token TOKEN             CONSENT_GATE_TOKEN             bearer token for GET /records/{id} and GET /export;
                                                           without one, reading is off (prefer the variable: flags show in ps)
  --retention-days N        CONSENT_GATE_RETENTION_DAYS    delete events received more than N days ago (default: keep all)
  --retention-interval S    CONSENT_GATE_RETENTION_INTERVAL  seconds between retention runs (3600)
  --max-body BYTES          CONSENT_GATE_MAX_BODY          largest accepted body (65536); larger gets 413
  --rate-limit N            CONSENT_GATE_RATE_LIMIT        requests per minute per client address (600, bursts of as many); 0: off
  --trust-forwarded-for     CONSENT_GATE_TRUST_FORWARDED_FOR=1  rate-limit by the last X-Forwarded-For address (behind a proxy)

Endpoints: POST /events, GET /healthz, GET /records/{recordId}, GET /export?from=&to=.
Logs: one JSON line per request on stderr, without the client's address.
";

/// The receiver's settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// A SQLite file path, or a `postgres://` URL.
    pub db: String,
    /// Bearer token for the read endpoints; `None` turns them off.
    pub token: Option<String>,
    /// Events received more than this many days ago are deleted.
    pub retention_days: Option<u32>,
    /// Time between two retention runs.
    pub retention_interval: Duration,
    /// The largest body accepted, in bytes.
    pub max_body: usize,
    /// Requests per minute per client; 0 for no limit.
    pub rate_limit: u32,
    /// Whether the client is the last address in `X-Forwarded-For` (set behind a proxy only).
    pub trust_forwarded_for: bool,
}

/// Reads the command line (without the program name) and the environment through `env`.
pub fn parse(args: &[String], env: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
    let flag = |name: &str, var: &str| -> Result<Option<String>, String> {
        let mut value = None;
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            if a == name {
                value = Some(args.get(i + 1).cloned().ok_or_else(|| format!("{name} needs a value"))?);
                i += 1;
            } else if let Some(v) = a.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                value = Some(v.to_owned());
            }
            i += 1;
        }
        Ok(value.or_else(|| env(var)))
    };
    let listen = flag("--listen", "CONSENT_GATE_LISTEN")?.unwrap_or_else(|| "127.0.0.1:8081".into());
    let listen = listen.parse().map_err(|_| format!("--listen: {listen:?} is not an address like 127.0.0.1:8081"))?;
    let db = flag("--db", "CONSENT_GATE_DB")?.unwrap_or_else(|| "consent.sqlite".into());
    let token = flag("--token", "CONSENT_GATE_TOKEN")?.filter(|t| !t.is_empty());
    let number = |name: &str, v: Option<String>| -> Result<Option<u64>, String> {
        v.map(|s| s.trim().parse::<u64>().map_err(|_| format!("{name}: {s:?} is not a whole number"))).transpose()
    };
    let retention_days = number("--retention-days", flag("--retention-days", "CONSENT_GATE_RETENTION_DAYS")?)?;
    let retention_days = retention_days.map(|d| u32::try_from(d).map_err(|_| "--retention-days: too large".to_owned())).transpose()?;
    let interval = number("--retention-interval", flag("--retention-interval", "CONSENT_GATE_RETENTION_INTERVAL")?)?.unwrap_or(3600);
    if interval == 0 {
        return Err("--retention-interval: must be at least 1 second".into());
    }
    let max_body = number("--max-body", flag("--max-body", "CONSENT_GATE_MAX_BODY")?)?.unwrap_or(64 * 1024);
    let rate_limit = number("--rate-limit", flag("--rate-limit", "CONSENT_GATE_RATE_LIMIT")?)?.unwrap_or(600);
    let trust_forwarded_for = args.iter().any(|a| a == "--trust-forwarded-for")
        || env("CONSENT_GATE_TRUST_FORWARDED_FOR").is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes"));
    let known = ["--listen", "--db", "--token", "--retention-days", "--retention-interval", "--max-body", "--rate-limit"];
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if known.contains(&a.as_str()) {
            i += 2;
            continue;
        }
        if a != "--trust-forwarded-for" && !known.iter().any(|k| a.starts_with(&format!("{k}="))) {
            return Err(format!("unknown argument {a:?} (see --help)"));
        }
        i += 1;
    }
    Ok(Config {
        listen,
        db,
        token,
        retention_days,
        retention_interval: Duration::from_secs(interval),
        max_body: usize::try_from(max_body).map_err(|_| "--max-body: too large".to_owned())?,
        rate_limit: u32::try_from(rate_limit).map_err(|_| "--rate-limit: too large".to_owned())?,
        trust_forwarded_for,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_win_over_the_environment_and_defaults_fill_the_rest() {
        let env = |k: &str| match k {
            "CONSENT_GATE_DB" => Some("postgres://x@127.0.0.1/db".to_owned()),
            "CONSENT_GATE_TOKEN" => Some("from-env".to_owned()),
            "CONSENT_GATE_RETENTION_DAYS" => Some("30".to_owned()),
            _ => None,
        };
        let c = parse(&args(&["--token", "t0k", "--listen=127.0.0.1:0"]), env).unwrap();
        assert_eq!(c.token.as_deref(), Some("t0k"));
        assert_eq!(c.db, "postgres://x@127.0.0.1/db");
        assert_eq!(c.listen.to_string(), "127.0.0.1:0");
        assert_eq!((c.retention_days, c.max_body, c.rate_limit, c.trust_forwarded_for), (Some(30), 65536, 600, false));
        let d = parse(&[], |_| None).unwrap();
        assert_eq!((d.db.as_str(), d.listen.to_string(), d.token), ("consent.sqlite", "127.0.0.1:8081".to_owned(), None));
    }

    #[test]
    fn mistakes_are_named() {
        for (a, want) in [
            (&["--listen", "nowhere"][..], "--listen"),
            (&["--retention-days", "-1"], "--retention-days"),
            (&["--db"], "--db needs a value"),
            (&["--verbose"], "unknown argument"),
            (&["--retention-interval", "0"], "--retention-interval"),
        ] {
            let e = parse(&args(a), |_| None).unwrap_err();
            assert!(e.contains(want), "{a:?}: {e}");
        }
    }
}
