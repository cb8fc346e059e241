//! Integration tests: the real binary on 127.0.0.1, against a SQLite file and a real PostgreSQL
//! server (CONSENT_GATE_TEST_POSTGRES; without it the PostgreSQL tests fail). Each test runs on
//! both through the `both!` macro.

mod common;

use common::{count, event, execute, id, postgres, request, sqlite, start};
use std::collections::HashSet;
use std::io::Write;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "test-token-0123";

macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(#[test] fn $name() { super::$name(&super::sqlite()) })*
        }
        mod on_postgres {
            $(#[test] fn $name() { super::$name(&super::postgres()) })*
        }
    };
}

both!(
    stores_an_event_once_however_often_it_arrives,
    refuses_malformed_events_naming_the_field,
    refuses_oversized_bodies,
    loses_nothing_answered_2xx_when_killed_mid_load,
    reads_need_the_token,
    retention_deletes_old_events_at_start_and_periodically,
    a_sigterm_finishes_the_request_in_flight,
    cors_health_and_logs_without_addresses,
    rate_limits_per_client,
);

fn stores_an_event_once_however_often_it_arrives(db: &str) {
    let r = start(db, &["--token", TOKEN]);
    let (eid, rid) = (id(), id());
    let body = event(&eid, Some(&rid), Some("/"));
    for _ in 0..3 {
        assert_eq!(r.post(&body).status, 204);
    }
    // The same event from eight connections at once, as a flaky network might deliver it.
    let racing = id();
    let racing_body = Arc::new(event(&racing, Some(&rid), Some("/privacy/")));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (addr, body) = (r.addr, racing_body.clone());
            std::thread::spawn(move || request(addr, "POST", "/events", &[], body.as_bytes()).unwrap().status)
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 204);
    }
    let all = r.export(TOKEN);
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(count(db), 2);
    let first = &all.iter().find(|e| e["eventId"] == eid.as_str()).unwrap();
    let sent: serde_json::Value = serde_json::from_str(&body).unwrap();
    let mut stored = (*first).clone();
    let received = stored.as_object_mut().unwrap().remove("received").unwrap();
    assert_eq!(stored, sent, "stored as sent, plus only `received`");
    assert!(received.as_str().unwrap().ends_with('Z'));
    let logs = r.logs.lock().unwrap().join("\n");
    assert_eq!(logs.matches("\"outcome\":\"stored\"").count(), 2);
    assert_eq!(logs.matches("\"outcome\":\"duplicate\"").count(), 9);
}

fn refuses_malformed_events_naming_the_field(db: &str) {
    let r = start(db, &["--token", TOKEN]);
    let good: serde_json::Value = serde_json::from_str(&event(&id(), Some("r"), Some("/"))).unwrap();
    let with = |k: &str, v: serde_json::Value| {
        let mut e = good.clone();
        e[k] = v;
        e.to_string()
    };
    let cases: Vec<(String, serde_json::Value)> = vec![
        ("not json".into(), serde_json::Value::Null),
        ("[]".into(), serde_json::Value::Null),
        (String::new(), serde_json::Value::Null),
        (with("eventId", "nope".into()), "eventId".into()),
        (with("type", "click".into()), "type".into()),
        (with("choices", serde_json::json!([{"category": "ads", "granted": true, "source": "cookie"}])), "choices[0].source".into()),
        (with("sensitive", true.into()), "path".into()),
        (with("ip", "192.0.2.7".into()), "ip".into()),
        (with("time", (-5).into()), "time".into()),
    ];
    for (body, field) in &cases {
        let a = r.post(body);
        assert_eq!(a.status, 400, "{body}: {}", a.text());
        let j = a.json();
        assert_eq!(&j["field"], field, "{j}");
        assert!(j["error"].as_str().unwrap().len() > 5, "{j}");
        assert_eq!(a.header("access-control-allow-origin"), Some("*"));
    }
    assert_eq!(count(db), 0);
    // Any content type is read as JSON, as the SDK sends text/plain.
    for ct in ["application/json", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"] {
        let body = event(&id(), None, None);
        assert_eq!(r.request("POST", "/events", &[("Content-Type", ct)], body.as_bytes()).status, 204, "{ct}");
    }
    let sensitive = r.export(TOKEN);
    assert!(sensitive.iter().all(|e| e["path"].is_null() && e["sensitive"] == true));
    assert_eq!(r.request("GET", "/events", &[], b"").status, 405);
    assert_eq!(r.request("POST", "/elsewhere", &[], b"{}").status, 404);
}

fn refuses_oversized_bodies(db: &str) {
    let r = start(db, &["--max-body", "4096"]);
    let pad = "x".repeat(5000);
    let big = event(&id(), Some("r"), Some(&format!("/{pad}")));
    let a = r.post(&big);
    assert_eq!(a.status, 413, "{}", a.text());
    assert_eq!(a.json()["limit"], 4096);
    // Without a Content-Length (chunked), the limit holds while reading.
    let mut s = std::net::TcpStream::connect(r.addr).unwrap();
    write!(s, "POST /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n").unwrap();
    for _ in 0..3 {
        let _ = write!(s, "{:x}\r\n{pad}\r\n", pad.len());
    }
    let _ = write!(s, "0\r\n\r\n");
    assert_eq!(common::read_answer(&mut s).unwrap().status, 413);
    // A huge declared length is refused before any of it is read.
    let mut s = std::net::TcpStream::connect(r.addr).unwrap();
    write!(s, "POST /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 100000000000\r\n\r\n{{").unwrap();
    assert_eq!(common::read_answer(&mut s).unwrap().status, 413);
    assert_eq!(count(db), 0);
    assert_eq!(r.post(&event(&id(), Some("r"), Some("/"))).status, 204, "still serving");
}

fn loses_nothing_answered_2xx_when_killed_mid_load(db: &str) {
    let acked = Arc::new(Mutex::new(HashSet::new()));
    let mut pending: Vec<String> = Vec::new();
    let mut sent = 0;
    for round in 0..4 {
        let mut r = Some(start(db, &["--rate-limit", "0"]));
        let addr = r.as_ref().unwrap().addr;
        // Four clients keep sending (each retries what got no 2xx, as the SDK does), and the
        // receiver is killed with SIGKILL while they are at it.
        let queue = Arc::new(Mutex::new(std::mem::take(&mut pending)));
        for _ in 0..150 {
            queue.lock().unwrap().push(id());
        }
        sent += 150;
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let clients: Vec<_> = (0..4)
            .map(|_| {
                let (queue, acked, stop) = (queue.clone(), acked.clone(), stop.clone());
                std::thread::spawn(move || {
                    let mut failed = Vec::new();
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let Some(eid) = queue.lock().unwrap().pop() else { break };
                        match request(addr, "POST", "/events", &[], event(&eid, Some("load"), Some("/")).as_bytes()) {
                            Ok(a) if a.status == 204 => {
                                acked.lock().unwrap().insert(eid);
                            }
                            _ => failed.push(eid),
                        }
                    }
                    failed
                })
            })
            .collect();
        let target = acked.lock().unwrap().len() + 60;
        let end = Instant::now() + Duration::from_secs(60);
        while acked.lock().unwrap().len() < target && Instant::now() < end && !queue.lock().unwrap().is_empty() {
            std::thread::sleep(Duration::from_millis(2));
        }
        if round < 3 {
            r.take().unwrap().kill();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for c in clients {
            pending.extend(c.join().unwrap());
        }
        eprintln!("round {round}: {} acknowledged, {} to send again", acked.lock().unwrap().len(), pending.len());
        pending.extend(queue.lock().unwrap().drain(..));
        if let Some(r) = r {
            assert!(r.terminate().success());
        }
    }
    let r = start(db, &["--token", TOKEN, "--rate-limit", "0"]);
    let stored: Vec<String> = r.export(TOKEN).iter().map(|e| e["eventId"].as_str().unwrap().to_owned()).collect();
    let unique: HashSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "no event twice");
    let acked = acked.lock().unwrap();
    assert!(acked.len() >= 150, "the load went on: {} of {sent} acknowledged", acked.len());
    let lost: Vec<&String> = acked.iter().filter(|e| !unique.contains(e)).collect();
    assert!(lost.is_empty(), "answered 2xx but not stored: {lost:?}");
}

fn reads_need_the_token(db: &str) {
    let r = start(db, &["--token", TOKEN]);
    let rid = id();
    let ids: Vec<String> = (0..3).map(|_| id()).collect();
    for e in &ids {
        assert_eq!(r.post(&event(e, Some(&rid), Some("/"))).status, 204);
        std::thread::sleep(Duration::from_millis(3));
    }
    assert_eq!(r.post(&event(&id(), Some("someone-else"), Some("/"))).status, 204);
    for path in [format!("/records/{rid}"), "/export".to_owned(), "/export?from=2020-01-01".to_owned()] {
        let none = r.request("GET", &path, &[], b"");
        assert_eq!(none.status, 401, "{path}");
        assert_eq!(none.header("www-authenticate"), Some("Bearer"));
        assert_eq!(r.get(&path, "wrong-token-0123").status, 401, "{path}");
        assert_eq!(r.request("GET", &path, &[("Authorization", TOKEN)], b"").status, 401, "{path}: not a Bearer header");
        assert_eq!(r.get(&path, TOKEN).status, 200, "{path}");
    }
    let history = r.get(&format!("/records/{rid}"), TOKEN).json();
    assert_eq!(history["recordId"], rid.as_str());
    let got: Vec<&str> = history["events"].as_array().unwrap().iter().map(|e| e["eventId"].as_str().unwrap()).collect();
    assert_eq!(got, ids.iter().map(String::as_str).collect::<Vec<_>>(), "oldest first, only this record");
    assert_eq!(r.get("/records/nobody", TOKEN).status, 404);
    // Export bounds: received in [from, to).
    let future = r.get("/export?from=2999-01-01", TOKEN);
    assert_eq!((future.status, future.body.len()), (200, 0));
    assert_eq!(r.get("/export?from=2020-01-01&to=2999-01-01T00:00:00Z", TOKEN).text().lines().count(), 4);
    assert_eq!(r.get("/export?from=yesterday", TOKEN).status, 400);
    drop(r);
    // Without a configured token, reading is off.
    let r = start(db, &[]);
    assert_eq!(r.get("/export", "").status, 401);
    assert_eq!(r.get(&format!("/records/{rid}"), TOKEN).status, 401);
}

fn retention_deletes_old_events_at_start_and_periodically(db: &str) {
    let r = start(db, &["--token", TOKEN]);
    let (old, fresh) = (id(), id());
    assert_eq!(r.post(&event(&old, Some("r"), Some("/"))).status, 204);
    assert_eq!(r.post(&event(&fresh, Some("r"), Some("/"))).status, 204);
    drop(r);
    let ten_days = 10 * 86_400_000i64;
    execute(db, &format!("UPDATE consent_events SET received = received - {ten_days} WHERE body LIKE '%{old}%'"));
    let r = start(db, &["--token", TOKEN, "--retention-days", "7", "--retention-interval", "1"]);
    let ids = |r: &common::Receiver| -> Vec<String> { r.export(TOKEN).iter().map(|e| e["eventId"].as_str().unwrap().to_owned()).collect() };
    assert_eq!(ids(&r), std::slice::from_ref(&fresh), "deleted at start");
    assert!(r.logs.lock().unwrap().iter().any(|l| l.contains("\"msg\":\"retention\"") && l.contains("\"deleted\":1")));
    // While running: an event that becomes old goes at the next run (every second here).
    let later = id();
    assert_eq!(r.post(&event(&later, Some("r"), Some("/"))).status, 204);
    execute(db, &format!("UPDATE consent_events SET received = received - {ten_days} WHERE body LIKE '%{later}%'"));
    let end = Instant::now() + Duration::from_secs(20);
    while ids(&r).contains(&later) {
        assert!(Instant::now() < end, "not deleted while running");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(ids(&r), [fresh], "the recent event stays");
}

fn a_sigterm_finishes_the_request_in_flight(db: &str) {
    let r = start(db, &["--token", TOKEN]);
    let eid = id();
    let body = event(&eid, Some("r"), Some("/"));
    let (a, b) = body.split_at(body.len() / 2);
    let mut s = std::net::TcpStream::connect(r.addr).unwrap();
    write!(s, "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{a}", body.len()).unwrap();
    s.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    Command::new("kill").args(["-TERM", &r.child.id().to_string()]).status().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // Stopping: no new connections are taken, but this request is.
    assert!(request(r.addr, "GET", "/healthz", &[], b"").is_err(), "a new connection is refused once stopping");
    s.write_all(b.as_bytes()).unwrap();
    let answer = common::read_answer(&mut s).unwrap();
    assert_eq!(answer.status, 204);
    let status = r.terminate();
    assert!(status.success(), "{status:?}");
    let r = start(db, &["--token", TOKEN]);
    assert_eq!(r.export(TOKEN).len(), 1);
}

fn cors_health_and_logs_without_addresses(db: &str) {
    let r = start(db, &["--token", TOKEN]);
    let pre = r.request(
        "OPTIONS",
        "/events",
        &[
            ("Origin", "https://shop.example"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        b"",
    );
    assert_eq!(pre.status, 204);
    assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
    assert!(pre.header("access-control-allow-methods").unwrap().contains("POST"));
    assert!(pre.header("access-control-allow-headers").unwrap().to_ascii_lowercase().contains("content-type"));
    let post = r.request("POST", "/events", &[("Origin", "https://shop.example")], event(&id(), None, Some("/")).as_bytes());
    assert_eq!((post.status, post.header("access-control-allow-origin")), (204, Some("*")));
    let health = r.request("GET", "/healthz", &[], b"");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    assert_eq!(r.get("/records/x", "bad").header("access-control-allow-origin"), Some("*"));
    std::thread::sleep(Duration::from_millis(100));
    let logs = r.logs.lock().unwrap().clone();
    let requests: Vec<&String> = logs.iter().filter(|l| l.contains("\"msg\":\"request\"")).collect();
    assert_eq!(requests.len(), 4, "{logs:?}");
    for l in &requests {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["status"].is_u64() && v["route"].is_string() && v["time"].is_string(), "{l}");
        assert!(!l.contains("127.0.0.1"), "no client address in the log: {l}");
    }
    assert!(requests[3].contains("/records/{recordId}"), "the record id is not logged either");
}

fn rate_limits_per_client(db: &str) {
    let r = start(db, &["--rate-limit", "5"]);
    let statuses: Vec<u16> = (0..7).map(|_| r.post(&event(&id(), None, Some("/"))).status).collect();
    assert_eq!(statuses, [204, 204, 204, 204, 204, 429, 429]);
    let limited = r.post(&event(&id(), None, Some("/")));
    assert_eq!(limited.header("retry-after"), Some("10"));
    assert_eq!(limited.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.request("GET", "/healthz", &[], b"").status, 200, "health checks are not limited");
    assert_eq!(count(db), 5);
}

#[test]
fn a_postgres_outage_is_a_503_never_a_2xx_and_the_receiver_reconnects() {
    let db = postgres();
    let name = db.rsplit('/').next().unwrap().to_owned();
    let r = start(&db, &["--token", TOKEN]);
    let (first, second) = (id(), id());
    assert_eq!(r.post(&event(&first, Some("r"), Some("/"))).status, 204);
    let mut admin = ::postgres::Client::connect(&std::env::var("CONSENT_GATE_TEST_POSTGRES").unwrap(), ::postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS false; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        ))
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // Every connection is gone and none can be made: not a 2xx, so the SDK keeps the event.
    for _ in 0..6 {
        let a = r.post(&event(&second, Some("r"), Some("/")));
        assert_eq!(a.status, 503, "{}", a.text());
    }
    assert_eq!(r.request("GET", "/healthz", &[], b"").status, 503);
    admin.batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).unwrap();
    // The SDK sends it again: the receiver reconnects and stores it.
    assert_eq!(r.post(&event(&second, Some("r"), Some("/"))).status, 204);
    assert_eq!(r.request("GET", "/healthz", &[], b"").status, 200);
    let ids: Vec<String> = r.export(TOKEN).iter().map(|e| e["eventId"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&first) && ids.contains(&second));
    assert!(r.logs.lock().unwrap().iter().any(|l| l.contains("\"outcome\":\"storage error\"")));
}
