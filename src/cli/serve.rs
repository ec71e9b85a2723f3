//! `rollguard serve`, `rollguard migrate` and `rollguard openapi`.

use std::process::ExitCode;

use anyhow::Context;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::api::{AppState, openapi, router};
use crate::config::{DatabaseArgs, LogFormat, ServeArgs};
use crate::store;

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_env("ROLLGUARD_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // Logs go to stderr; stdout carries only the "listening" line scripts wait for.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: no new connections, finishing requests in flight");
}

/// Connects, migrates, binds and serves until SIGTERM or Ctrl-C.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    init_logging(args.log_format);
    let store = store::connect(&args.database.url)
        .await
        .context("opening the database")?;
    store.migrate().await.context("migrating the database")?;
    let mut state = AppState::new(store.clone());
    state.limits = args.limits();
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let local = listener.local_addr()?;
    tracing::info!(address = %local, store = store.backend(), "rollguard listening");
    // A line on stdout that scripts and tests can wait for.
    println!("rollguard listening on http://{local}");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// Applies migrations and exits.
pub async fn migrate(db: DatabaseArgs) -> anyhow::Result<()> {
    let store = store::connect(&db.url)
        .await
        .context("opening the database")?;
    store.migrate().await.context("migrating the database")?;
    println!("{} database is up to date", store.backend());
    Ok(())
}

/// Prints the OpenAPI document.
pub fn print_openapi() -> ExitCode {
    println!(
        "{}",
        openapi().to_pretty_json().expect("the document serialises")
    );
    ExitCode::SUCCESS
}
