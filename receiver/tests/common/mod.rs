//! Test helpers: the real binary started on a free loopback port, a minimal HTTP/1.1 client over
//! a TcpStream, events as the SDK writes them, and fresh databases (SQLite files; PostgreSQL
//! databases on the server named by CONSENT_GATE_TEST_POSTGRES, which scripts/test-receiver.sh
//! starts).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running receiver.
pub struct Receiver {
    /// The process.
    pub child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Every line it wrote to stderr so far.
    pub logs: Arc<Mutex<Vec<String>>>,
}

/// Starts the binary with `--db db --listen 127.0.0.1:0` and `args`, and waits for its
/// "listening" line.
pub fn start(db: &str, args: &[&str]) -> Receiver {
    let mut child = Command::new(env!("CARGO_BIN_EXE_consent-gate-receiver"))
        .args(["--db", db, "--listen", "127.0.0.1:0"])
        .args(args)
        .env_remove("CONSENT_GATE_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the receiver binary starts");
    let logs = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    let sink = logs.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("\"msg\":\"listening\"") {
                let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                let _ = tx.send(v["addr"].as_str().unwrap().parse::<SocketAddr>().unwrap());
            }
            sink.lock().unwrap().push(line);
        }
    });
    let addr = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(a) => a,
        Err(_) => {
            let _ = child.kill();
            panic!("the receiver did not start: {:?}", logs.lock().unwrap());
        }
    };
    Receiver { child, addr, logs }
}

impl Receiver {
    /// Sends a request and reads the whole answer.
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
        request(self.addr, method, path, headers, body).expect("the receiver answers")
    }
    /// POSTs one body to /events as the SDK does (text/plain).
    pub fn post(&self, body: &str) -> Answer {
        self.request("POST", "/events", &[("Content-Type", "text/plain;charset=UTF-8")], body.as_bytes())
    }
    /// GETs `path` with the bearer token.
    pub fn get(&self, path: &str, token: &str) -> Answer {
        self.request("GET", path, &[("Authorization", &format!("Bearer {token}"))], b"")
    }
    /// Every exported event (one JSON object per line).
    pub fn export(&self, token: &str) -> Vec<serde_json::Value> {
        let a = self.get("/export", token);
        assert_eq!(a.status, 200, "{}", a.text());
        a.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        let end = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < end, "no exit 30 s after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    /// SIGKILL: the process ends at once, mid-request or not.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// Header names in lower case, with their values.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Answer {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

/// One request on a new connection (`Connection: close`).
pub fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> std::io::Result<Answer> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    // A server may answer (413) and close before taking the whole body.
    let _ = s.write_all(body);
    read_answer(&mut s)
}

/// Reads one answer from `s` until the server closes it.
pub fn read_answer(s: &mut TcpStream) -> std::io::Result<Answer> {
    let mut raw = Vec::new();
    if let Err(e) = s.read_to_end(&mut raw) {
        if raw.is_empty() {
            return Err(e);
        }
    }
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| std::io::Error::other("no header end"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status =
        lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|c| c.parse().ok()).ok_or_else(|| std::io::Error::other("no status"))?;
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned())).collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")) {
        body = dechunk(&body);
    }
    Ok(Answer { status, headers, body })
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else { return out };
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).split(';').next().unwrap().trim(), 16).unwrap_or(0);
        if size == 0 || b.len() < eol + 2 + size {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[(eol + 4 + size).min(b.len())..];
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A new random-ish 32-hex-digit id, unique in this process and across runs.
pub fn id() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    format!("{:016x}{:08x}{:08x}", t, std::process::id(), n)
}

/// A valid event as the SDK writes it (through the core's own writer).
pub fn event(event_id: &str, record_id: Option<&str>, path: Option<&str>) -> String {
    use consent_gate::core::log::{to_json, Event};
    use consent_gate::core::record::{Choice, Method, Source};
    use consent_gate::core::signals::{Dnt, Gpc, Signals};
    let choices = [
        Choice { category: "necessary".into(), granted: true, source: Source::Default },
        Choice { category: "advertising".into(), granted: false, source: Source::Gpc },
    ];
    let time = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    let notice_hash = "3a".repeat(32);
    let e = Event {
        pageview: false,
        event_id,
        record_id,
        browser_id: record_id.unwrap_or("b0"),
        time,
        revision: "2026-11-01",
        notice_hash: &notice_hash,
        choices: &choices,
        signals: Signals { dnt: Dnt::Unset, gpc: Gpc::True },
        language: "en",
        method: Some(Method::Banner),
        path,
    };
    to_json(&e, 0)
}

/// A new empty SQLite database file.
pub fn sqlite() -> String {
    let dir = std::env::temp_dir().join(format!("cg-receiver-test-{}", id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("consent.sqlite").to_string_lossy().into_owned()
}

/// A new empty database on the PostgreSQL server in CONSENT_GATE_TEST_POSTGRES. Fails (does not
/// skip) without it: run the tests with scripts/test-receiver.sh.
pub fn postgres() -> String {
    let base = std::env::var("CONSENT_GATE_TEST_POSTGRES")
        .expect("CONSENT_GATE_TEST_POSTGRES is not set: run bash scripts/test-receiver.sh, which starts a PostgreSQL server");
    let name = format!("cg_{}", id());
    let mut c = postgres::Client::connect(&base, postgres::NoTls).expect("the test PostgreSQL server answers");
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let cut = base.rfind('/').unwrap();
    format!("{}/{name}", &base[..cut])
}

/// Runs `sql` on the database `db` directly (to age events for the retention tests).
pub fn execute(db: &str, sql: &str) -> u64 {
    if db.starts_with("postgres") {
        let mut c = postgres::Client::connect(db, postgres::NoTls).unwrap();
        c.execute(sql, &[]).unwrap()
    } else {
        let c = rusqlite::Connection::open(db).unwrap();
        c.busy_timeout(Duration::from_secs(10)).unwrap();
        c.execute(sql, []).unwrap() as u64
    }
}

/// Counts the stored rows of `db`.
pub fn count(db: &str) -> i64 {
    if db.starts_with("postgres") {
        let mut c = postgres::Client::connect(db, postgres::NoTls).unwrap();
        c.query_one("SELECT count(*) FROM consent_events", &[]).unwrap().get(0)
    } else {
        let c = rusqlite::Connection::open(db).unwrap();
        c.query_row("SELECT count(*) FROM consent_events", [], |r| r.get(0)).unwrap()
    }
}
