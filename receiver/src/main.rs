//! `consent-gate-receiver`: receives consent-gate's proof-of-consent events (README "Consent
//! log"), validates each with the SDK's own validator (`consent_gate::core::log::read`), and
//! stores each `eventId` once in SQLite or PostgreSQL. See receiver/README.md.

mod config;
mod http;
mod log;
mod store;

use std::sync::Arc;
use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{}", config::USAGE);
        return;
    }
    let config = match config::parse(&args, |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("consent-gate-receiver: {e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    if let Err(e) = runtime.block_on(run(config)) {
        log::event("error", &[("msg", "stopped on an error".into()), ("error", e.into())]);
        std::process::exit(1);
    }
}

async fn retention(app: &http::App, days: u32) {
    let cutoff = log::now_ms() - i64::from(days) * 86_400_000;
    match app.db.delete_before(cutoff).await {
        Ok(n) => log::event("info", &[("msg", "retention".into()), ("deleted", n.into()), ("before", log::iso(cutoff).into())]),
        Err(e) => log::event("error", &[("msg", "retention failed".into()), ("error", e.into())]),
    }
}

/// How long a stopping receiver waits for open connections to finish.
const DRAIN: Duration = Duration::from_secs(30);

async fn run(config: config::Config) -> Result<(), String> {
    let db = store::Db::open(&config.db).await?;
    let listener = tokio::net::TcpListener::bind(config.listen).await.map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let app = Arc::new(http::App::new(db, config));
    if let Some(days) = app.config.retention_days {
        retention(&app, days).await;
        let (app, every) = (app.clone(), app.config.retention_interval);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                retention(&app, days).await;
            }
        });
    }
    log::event(
        "info",
        &[
            ("msg", "listening".into()),
            ("addr", addr.to_string().into()),
            ("db", app.db.kind().into()),
            ("reading", app.config.token.is_some().into()),
            ("retentionDays", app.config.retention_days.into()),
        ],
    );
    let service = http::router(app.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let stopping = Arc::new(tokio::sync::Notify::new());
    let signalled = stopping.clone();
    let serve = axum::serve(listener, service).with_graceful_shutdown(async move {
        shutdown().await;
        signalled.notify_one();
    });
    tokio::select! {
        served = async { serve.await } => {
            served.map_err(|e| e.to_string())?;
            // Every accepted request has been answered; the database closes when `app` goes.
            log::event("info", &[("msg", "stopped".into())]);
        }
        // A client that never finishes its request must not hold a deploy up for ever.
        _ = async { stopping.notified().await; tokio::time::sleep(DRAIN).await } => {
            log::event("error", &[("msg", "stopped with connections still open".into()), ("waitedSeconds", DRAIN.as_secs().into())]);
        }
    }
    Ok(())
}

/// Resolves on SIGTERM or SIGINT: the server then stops accepting and finishes what it accepted.
async fn shutdown() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("a SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("a SIGINT handler");
    let name = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    };
    log::event("info", &[("msg", "stopping".into()), ("signal", name.into())]);
}
