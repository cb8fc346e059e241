//! Storage: one table, `consent_events`, in SQLite (a file, the default) or PostgreSQL (a
//! `postgres://` URL), with the same semantics: `event_id` is unique, so a duplicate is not
//! stored again; `received` is the receiver's clock in milliseconds since 1970; `body` is the
//! event as compact JSON. The binary creates and migrates the schema (`PRAGMA user_version` in
//! SQLite, the `consent_gate_schema` table under an advisory lock in PostgreSQL, so that several
//! receivers may start at once).

use consent_gate::core::log::read::Received;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio_postgres::{Client, NoTls, Statement};

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = 1;

/// One stored event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The event's id (32 hex digits).
    pub event_id: String,
    /// When the receiver stored it, in milliseconds since 1970.
    pub received: i64,
    /// The event as compact JSON.
    pub body: String,
}

impl Row {
    /// The event with its `received` time (ISO-8601 UTC) added: one line of the export.
    pub fn json(&self) -> String {
        let mut s = String::with_capacity(self.body.len() + 40);
        s.push_str(self.body.strip_suffix('}').unwrap_or(&self.body));
        s.push_str(if self.body.len() > 2 { ",\"received\":\"" } else { "\"received\":\"" });
        consent_gate::core::log::push_iso8601(&mut s, u64::try_from(self.received).unwrap_or(0));
        s.push_str("\"}");
        s
    }
}

/// Where to continue an export: after this `(received, event_id)`.
pub type Cursor = Option<(i64, String)>;

/// A database error, as text for the log (never sent to a client).
pub type Error = String;

/// The open database.
pub enum Db {
    /// A SQLite file behind one connection (writes are serialised anyway).
    Sqlite(Arc<Mutex<rusqlite::Connection>>),
    /// A few PostgreSQL connections, each pipelining the queries of many requests.
    Postgres(Pg),
}

/// PostgreSQL connections, used in turn and reopened when one breaks.
pub struct Pg {
    url: String,
    conns: Vec<tokio::sync::RwLock<Arc<PgConn>>>,
    next: AtomicUsize,
}

struct PgConn {
    client: Client,
    insert: Statement,
}

const SQLITE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS consent_events (
  event_id   TEXT PRIMARY KEY NOT NULL,
  record_id  TEXT,
  browser_id TEXT NOT NULL,
  type       TEXT NOT NULL,
  time       INTEGER NOT NULL,
  received   INTEGER NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS consent_events_record ON consent_events (record_id, time) WHERE record_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS consent_events_received ON consent_events (received, event_id);
";

// event_id is a uuid: the 32 hex digits the validator allows cast to it, in 16 bytes instead of 33.
const PG_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS consent_events (
  event_id   uuid PRIMARY KEY,
  record_id  text,
  browser_id text NOT NULL,
  type       text NOT NULL CHECK (type IN ('decision', 'pageview')),
  time       bigint NOT NULL,
  received   bigint NOT NULL,
  body       text NOT NULL
);
CREATE INDEX IF NOT EXISTS consent_events_record ON consent_events (record_id, time) WHERE record_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS consent_events_received ON consent_events (received, event_id);
";

const PG_INSERT: &str = "INSERT INTO consent_events (event_id, record_id, browser_id, type, time, received, body) \
     VALUES ($1::text::uuid, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING";

/// Whether `db` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

fn kind(e: &Received) -> &'static str {
    if e.pageview {
        "pageview"
    } else {
        "decision"
    }
}

fn time(e: &Received) -> i64 {
    i64::try_from(e.time).unwrap_or(i64::MAX)
}

async fn blocking<T: Send + 'static>(
    conn: &Arc<Mutex<rusqlite::Connection>>,
    f: impl FnOnce(&mut rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
) -> Result<T, Error> {
    let conn = conn.clone();
    tokio::task::spawn_blocking(move || {
        let mut c = conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut c).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

fn sqlite_rows(stmt: &mut rusqlite::Statement, params: impl rusqlite::Params) -> rusqlite::Result<Vec<Row>> {
    stmt.query_map(params, |r| Ok(Row { event_id: r.get(0)?, received: r.get(1)?, body: r.get(2)? }))?.collect()
}

fn pg_rows(rows: Vec<tokio_postgres::Row>) -> Vec<Row> {
    rows.iter().map(|r| Row { event_id: r.get(0), received: r.get(1), body: r.get(2) }).collect()
}

impl Db {
    /// Opens (creating if need be) and migrates the database named by `db`.
    pub async fn open(db: &str) -> Result<Db, Error> {
        if is_postgres(db) {
            let first = pg_connect(db).await?;
            pg_migrate(&first.client).await?;
            let mut conns = vec![tokio::sync::RwLock::new(Arc::new(first))];
            for _ in 1..4 {
                conns.push(tokio::sync::RwLock::new(Arc::new(pg_connect(db).await?)));
            }
            return Ok(Db::Postgres(Pg { url: db.to_owned(), conns, next: AtomicUsize::new(0) }));
        }
        let path = db.strip_prefix("sqlite://").unwrap_or(db).to_owned();
        let conn = tokio::task::spawn_blocking(move || -> rusqlite::Result<rusqlite::Connection> {
            let c = rusqlite::Connection::open(path)?;
            // WAL with a sync on every commit: a 2xx is only sent for an event on disk.
            c.pragma_update(None, "journal_mode", "WAL")?;
            c.pragma_update(None, "synchronous", "FULL")?;
            c.busy_timeout(std::time::Duration::from_secs(10))?;
            let version: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if version > SCHEMA_VERSION {
                return Err(rusqlite::Error::InvalidParameterName(format!(
                    "the database has schema version {version}, newer than this receiver's {SCHEMA_VERSION}"
                )));
            }
            if version < 1 {
                let tx = c.unchecked_transaction()?;
                tx.execute_batch(SQLITE_SCHEMA)?;
                tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
                tx.commit()?;
            }
            Ok(c)
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("SQLite: {e}"))?;
        Ok(Db::Sqlite(Arc::new(Mutex::new(conn))))
    }

    /// `"sqlite"` or `"postgres"`, for the log.
    pub fn kind(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Stores `e` unless its `eventId` is already there; `true` when it was stored. Returns only
    /// once the row is committed.
    pub async fn insert(&self, e: Received, received: i64) -> Result<bool, Error> {
        match self {
            Db::Sqlite(c) => {
                blocking(c, move |c| {
                    let mut stmt = c.prepare_cached(
                        "INSERT INTO consent_events (event_id, record_id, browser_id, type, time, received, body) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (event_id) DO NOTHING",
                    )?;
                    let n = stmt.execute(rusqlite::params![e.event_id, e.record_id, e.browser_id, kind(&e), time(&e), received, e.json])?;
                    Ok(n == 1)
                })
                .await
            }
            Db::Postgres(pg) => {
                let n = pg
                    .with(|c| {
                        let e = e.clone();
                        async move {
                            c.client
                                .execute(&c.insert, &[&e.event_id, &e.record_id, &e.browser_id, &kind(&e), &time(&e), &received, &e.json])
                                .await
                        }
                    })
                    .await?;
                Ok(n == 1)
            }
        }
    }

    /// Every event of one consent record, oldest first.
    pub async fn record(&self, record_id: String) -> Result<Vec<Row>, Error> {
        match self {
            Db::Sqlite(c) => {
                blocking(c, move |c| {
                    let mut stmt = c.prepare_cached(
                        "SELECT event_id, received, body FROM consent_events WHERE record_id = ?1 ORDER BY time, received, event_id",
                    )?;
                    sqlite_rows(&mut stmt, [record_id])
                })
                .await
            }
            Db::Postgres(pg) => {
                let rows = pg
                    .with(|c| {
                        let id = record_id.clone();
                        async move {
                            c.client
                                .query(
                                    "SELECT replace(event_id::text, '-', ''), received, body FROM consent_events \
                                     WHERE record_id = $1 ORDER BY time, received, event_id",
                                    &[&id],
                                )
                                .await
                        }
                    })
                    .await?;
                Ok(pg_rows(rows))
            }
        }
    }

    /// Up to `limit` events received in `[from, to)`, in `(received, event_id)` order, after `after`.
    pub async fn page(&self, from: i64, to: i64, after: Cursor, limit: i64) -> Result<Vec<Row>, Error> {
        match self {
            Db::Sqlite(c) => {
                blocking(c, move |c| {
                    let (r, id) = after.unwrap_or((i64::MIN, String::new()));
                    let mut stmt = c.prepare_cached(
                        "SELECT event_id, received, body FROM consent_events \
                         WHERE received >= ?1 AND received < ?2 AND (received > ?3 OR (received = ?3 AND event_id > ?4)) \
                         ORDER BY received, event_id LIMIT ?5",
                    )?;
                    sqlite_rows(&mut stmt, rusqlite::params![from, to, r, id, limit])
                })
                .await
            }
            Db::Postgres(pg) => {
                let rows = pg
                    .with(|c| {
                        let after = after.clone();
                        async move {
                            match after {
                                None => {
                                    c.client
                                        .query(
                                            "SELECT replace(event_id::text, '-', ''), received, body FROM consent_events \
                                             WHERE received >= $1 AND received < $2 ORDER BY received, event_id LIMIT $3",
                                            &[&from, &to, &limit],
                                        )
                                        .await
                                }
                                Some((r, id)) => {
                                    c.client
                                        .query(
                                            "SELECT replace(event_id::text, '-', ''), received, body FROM consent_events \
                                             WHERE received >= $1 AND received < $2 AND (received, event_id) > ($3, $4::text::uuid) \
                                             ORDER BY received, event_id LIMIT $5",
                                            &[&from, &to, &r, &id, &limit],
                                        )
                                        .await
                                }
                            }
                        }
                    })
                    .await?;
                Ok(pg_rows(rows))
            }
        }
    }

    /// Deletes the events received before `cutoff` (milliseconds since 1970), a batch at a time so
    /// that ingestion is never held up for long; returns how many went.
    pub async fn delete_before(&self, cutoff: i64) -> Result<u64, Error> {
        let mut total = 0;
        loop {
            let n = match self {
                Db::Sqlite(c) => {
                    blocking(c, move |c| {
                        c.execute(
                            "DELETE FROM consent_events WHERE rowid IN \
                             (SELECT rowid FROM consent_events WHERE received < ?1 ORDER BY received LIMIT 5000)",
                            [cutoff],
                        )
                        .map(|n| n as u64)
                    })
                    .await?
                }
                Db::Postgres(pg) => {
                    pg.with(|c| async move {
                        c.client
                            .execute(
                                "DELETE FROM consent_events WHERE event_id IN \
                                 (SELECT event_id FROM consent_events WHERE received < $1 ORDER BY received LIMIT 5000)",
                                &[&cutoff],
                            )
                            .await
                    })
                    .await?
                }
            };
            total += n;
            if n == 0 {
                return Ok(total);
            }
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), Error> {
        match self {
            Db::Sqlite(c) => blocking(c, |c| c.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))).await,
            Db::Postgres(pg) => pg.with(|c| async move { c.client.simple_query("SELECT 1").await.map(drop) }).await,
        }
    }
}

async fn pg_connect(url: &str) -> Result<PgConn, Error> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.map_err(|e| format!("PostgreSQL: {e}"))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            crate::log::event("error", &[("msg", "PostgreSQL connection ended".into()), ("error", e.to_string().into())]);
        }
    });
    let insert = match client.prepare(PG_INSERT).await {
        Ok(s) => s,
        // Before the migration the table is missing: prepare after it.
        Err(_) => {
            pg_migrate(&client).await?;
            client.prepare(PG_INSERT).await.map_err(|e| format!("PostgreSQL: {e}"))?
        }
    };
    Ok(PgConn { client, insert })
}

async fn pg_migrate(client: &Client) -> Result<(), Error> {
    let err = |e: tokio_postgres::Error| format!("PostgreSQL migration: {e}");
    // One receiver migrates at a time; the others wait here and then find it done.
    client.simple_query("SELECT pg_advisory_lock(7411620516)").await.map_err(err)?;
    let result = async {
        client.simple_query("CREATE TABLE IF NOT EXISTS consent_gate_schema (version integer NOT NULL)").await.map_err(err)?;
        let row = client.query_opt("SELECT max(version)::bigint FROM consent_gate_schema", &[]).await.map_err(err)?;
        let version: i64 = row.and_then(|r| r.get::<_, Option<i64>>(0)).unwrap_or(0);
        if version > SCHEMA_VERSION {
            return Err(format!("the database has schema version {version}, newer than this receiver's {SCHEMA_VERSION}"));
        }
        if version < 1 {
            client.batch_execute(&format!("BEGIN; {PG_SCHEMA} INSERT INTO consent_gate_schema VALUES (1); COMMIT;")).await.map_err(err)?;
        }
        Ok(())
    }
    .await;
    client.simple_query("SELECT pg_advisory_unlock(7411620516)").await.map_err(err)?;
    result
}

impl Pg {
    /// Runs `f` on the next connection; when that connection is found closed, opens a new one
    /// and tries once more.
    async fn with<T, F, Fut>(&self, f: F) -> Result<T, Error>
    where
        F: Fn(Arc<PgConn>) -> Fut,
        Fut: std::future::Future<Output = Result<T, tokio_postgres::Error>>,
    {
        let slot = &self.conns[self.next.fetch_add(1, Ordering::Relaxed) % self.conns.len()];
        let conn = slot.read().await.clone();
        match f(conn.clone()).await {
            Ok(v) => Ok(v),
            Err(e) if conn.client.is_closed() => {
                let fresh = {
                    let mut w = slot.write().await;
                    if w.client.is_closed() {
                        *w = Arc::new(pg_connect(&self.url).await.map_err(|c| format!("{e}; reconnecting: {c}"))?);
                    }
                    w.clone()
                };
                f(fresh).await.map_err(|e| format!("PostgreSQL: {e}"))
            }
            Err(e) => Err(format!("PostgreSQL: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_line_is_the_event_with_its_received_time() {
        let r = Row { event_id: "e".into(), received: 1_700_000_000_123, body: "{\"a\":1}".into() };
        assert_eq!(r.json(), "{\"a\":1,\"received\":\"2023-11-14T22:13:20.123Z\"}");
        assert!(is_postgres("postgres://u@h/db") && is_postgres("postgresql://h") && !is_postgres("consent.sqlite"));
    }
}
