//! `rollguard serve`, `rollguard migrate` and `rollguard openapi`.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::api::{AppState, openapi};
use crate::auth::{AllowedHosts, Auth};
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

/// Resolves on SIGTERM or Ctrl-C. The handlers are installed when this is called (not when the
/// future is first polled), so a signal that arrives right after start-up is not missed.
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    Ok(async move {
        #[cfg(unix)]
        let term = term.recv();
        #[cfg(not(unix))]
        let term = std::future::pending::<Option<()>>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = term => {},
        }
    })
}

/// File descriptors needed besides client connections and the Postgres pool: stdio, the
/// listener, the runtime's epoll and wakers, and SQLite's files (five connections, each with the
/// database, WAL and shared-memory files). An idle server on SQLite holds 17.
const OTHER_FDS: u64 = 32;

/// Warns when `--max-connections` does not fit below the open-file limit. Past the limit `accept`
/// fails (`EMFILE`) instead of new connections waiting in the backlog, and the cap no longer
/// keeps the server reachable. A warning rather than an error: the limit is often 1024 (systemd's
/// and most shells' default soft limit), below what the default cap and pool need.
fn check_open_file_limit(args: &ServeArgs) {
    let Some(limit) = open_file_limit() else {
        return;
    };
    let pool = if args.database.url.starts_with("postgres") {
        u64::from(args.db_max_connections)
    } else {
        0
    };
    let needed = args.max_connections as u64 + pool + OTHER_FDS;
    if needed > limit {
        tracing::warn!(
            max_connections = args.max_connections,
            db_max_connections = args.db_max_connections,
            open_file_limit = limit,
            "--max-connections does not fit below the open-file limit (ulimit -n): past the \
             limit new connections fail instead of waiting; raise the limit or lower \
             --max-connections"
        );
    }
}

/// The soft limit on open files, where the system tells it without a system call (Linux's
/// `/proc/self/limits`); `None` elsewhere or when unlimited.
fn open_file_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The environment variable that fixes glibc's mmap threshold, and the value `serve` gives it.
pub const MALLOC_MMAP_THRESHOLD: (&str, &str) = ("MALLOC_MMAP_THRESHOLD_", "131072");

/// glibc's malloc raises its mmap threshold (up to 32 MiB) each time a large mmapped block is
/// freed, and then serves later large blocks from its heaps, which it keeps: after a burst of
/// 16 MiB requests the process holds hundreds of MB it no longer uses. A fixed threshold
/// (allocations from 128 KiB up are mmapped and unmapped when freed) returns them. glibc reads it
/// from the environment only when the process starts, so `serve` runs itself again, once, with
/// the variable set, unless the environment already sets it (to any value: the operator's
/// choice wins). Other C libraries ignore the variable. When the re-execution fails, `serve`
/// goes on as it is. Measured in `benches/memory.sh` (docs/performance.md).
#[cfg(unix)]
pub fn fix_malloc_mmap_threshold() {
    use std::os::unix::process::CommandExt;

    let (name, value) = MALLOC_MMAP_THRESHOLD;
    if std::env::var_os(name).is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    // `exec` returns only when it failed.
    let error = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(name, value)
        .exec();
    eprintln!("rollguard serve: could not set {name} by running itself again: {error}");
}

/// Elsewhere there is no glibc to tune.
#[cfg(not(unix))]
pub fn fix_malloc_mmap_threshold() {}

/// The API tokens of `ROLLGUARD_TOKENS` and `--tokens-file`.
pub fn load_auth(args: &ServeArgs) -> anyhow::Result<Auth> {
    let mut tokens = Vec::new();
    if let Some(secret) = &args.tokens {
        tokens.extend(
            Auth::parse_entries(&secret.0, "ROLLGUARD_TOKENS").map_err(anyhow::Error::msg)?,
        );
    }
    if let Some(path) = &args.tokens_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the tokens file {}", path.display()))?;
        let source = path.display().to_string();
        tokens.extend(Auth::parse_entries(&text, &source).map_err(anyhow::Error::msg)?);
    }
    if args.tokens_file.is_some() && tokens.is_empty() {
        anyhow::bail!("the tokens file holds no token: give at least one, or leave the file out");
    }
    let auth = Auth::new(tokens).map_err(anyhow::Error::msg)?;
    if !auth.is_enabled() && !args.listen.ip().is_loopback() && !args.allow_unauthenticated {
        anyhow::bail!(
            "refusing to listen on {} without API tokens: configure ROLLGUARD_TOKENS or \
             --tokens-file, listen on a loopback address, or pass --allow-unauthenticated",
            args.listen
        );
    }
    let hosts = AllowedHosts::parse(&args.allowed_hosts)
        .map_err(|e| anyhow::anyhow!("--allowed-hosts: {e}"))?
        .with_address(args.listen.ip());
    Ok(auth
        .with_open_flagger_hooks(args.open_flagger_hooks)
        .with_open_kayenta_judge(args.open_kayenta_judge)
        .with_allowed_hosts(hosts))
}

/// Connects, migrates, binds and serves until SIGTERM or Ctrl-C, then finishes the requests in
/// flight for at most `--shutdown-timeout` (see [`crate::server::serve`]). Whatever is still
/// running when this returns (a handler stuck in computation, a background replay) does not hold
/// the process up: [`super::run_async`] does not wait for it.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    init_logging(args.log_format);
    let auth = load_auth(&args)?;
    // Before the database: a bad certificate fails at once, not after the migrations.
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(crate::tls::Tls::load(cert, key)?),
        _ => None,
    };
    let store = store::connect_with(&args.database.url, args.pool())
        .await
        .context("opening the database")?;
    store.migrate().await.context("migrating the database")?;
    let mut state = AppState::new(store.clone());
    state.service = state
        .service
        .with_max_concurrent_replays(args.max_concurrent_replays)
        .with_replay_lease(args.replay_lease)
        .with_source_settings(crate::service::SourceSettings {
            max_staleness: args.source_max_staleness,
            secrets_dir: args.source_secrets_dir.clone(),
        });
    // SQLite serves one process: a replay `running` now was left by a process that stopped.
    // On Postgres other replicas may be running theirs: a dead replica's replays are found by
    // their lapsed leases instead (`run_replay_jobs`).
    let postgres = store.backend() == "postgres";
    if !postgres {
        let orphans = state
            .service
            .fail_orphaned_replays()
            .await
            .context("marking replays left running")?;
        if orphans > 0 {
            tracing::warn!(
                replays = orphans,
                "replays left running by a previous process marked failed"
            );
        }
    }
    // Partitions ahead (Postgres) and retention: beside requests, for the life of the process.
    tokio::spawn(
        state
            .service
            .clone()
            .maintain(args.retention, crate::service::MAINTENANCE_EVERY),
    );
    if let Some(keep) = args.retention {
        tracing::info!(retention = %humantime::format_duration(keep), "retention on");
    }
    tokio::spawn(state.service.clone().run_replay_jobs(postgres));
    state.limits = args.limits();
    if auth.is_enabled() {
        let names: Vec<&str> = auth.tokens().iter().map(crate::auth::Token::name).collect();
        tracing::info!(
            tokens = ?names,
            open_flagger_hooks = auth.flagger_hooks_open(),
            open_kayenta_judge = auth.kayenta_judge_open(),
            "API tokens required"
        );
    } else {
        tracing::warn!(
            "no API token configured: every endpoint is open to whoever reaches {}",
            args.listen
        );
    }
    state.auth = Arc::new(auth);
    check_open_file_limit(&args);
    let signal = shutdown_signal().context("installing the signal handlers")?;
    // At the signal, running replays stop too. On Postgres each is given back to the other
    // replicas, which claim it at once; on SQLite (one process) it is recorded `failed`. Either
    // happens before the process exits, within the shutdown timeout; a replay that takes longer
    // to stop is left to lapse (Postgres) or to be marked at the next start (SQLite).
    let service = state.service.clone();
    let signalled = Arc::new(std::sync::OnceLock::new());
    let signal = {
        let (service, signalled) = (service.clone(), signalled.clone());
        async move {
            signal.await;
            let _ = signalled.set(tokio::time::Instant::now());
            if postgres {
                service.hand_over_replays();
            } else {
                service.cancel_replays();
            }
        }
    };
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let local = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(address = %local, scheme, store = store.backend(), "rollguard listening");
    // A line on stdout that scripts and tests can wait for.
    println!("rollguard listening on {scheme}://{local}");

    let served = match tls {
        Some(tls) => {
            crate::server::serve_tls(
                listener,
                state,
                signal,
                args.server_options(),
                tls,
                args.tls_reload_interval,
            )
            .await
        }
        None => crate::server::serve(listener, state, signal, args.server_options()).await,
    };
    if let Some(&stopped_at) = signalled.get() {
        let left = service
            .replays_ended(stopped_at + args.shutdown_timeout)
            .await;
        if left > 0 {
            tracing::warn!(
                replays = left,
                "replays still stopping at the shutdown timeout; exiting anyway"
            );
        }
    }
    served
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

/// One retention sweep (migrating first, as `serve` does); prints what it removed and how long
/// it took, as one JSON object.
pub async fn sweep(args: crate::config::SweepArgs) -> anyhow::Result<()> {
    let store = store::connect(&args.database.url)
        .await
        .context("opening the database")?;
    store.migrate().await.context("migrating the database")?;
    let service = crate::service::Service::new(store);
    let start = std::time::Instant::now();
    let removed = service
        .sweep(args.retention, chrono::Utc::now())
        .await
        .context("sweeping")?;
    println!(
        "{}",
        serde_json::json!({
            "points": removed.points,
            "partitions": removed.partitions,
            "verdicts": removed.verdicts,
            "deployments": removed.deployments,
            "seconds": start.elapsed().as_secs_f64(),
        })
    );
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
