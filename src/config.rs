//! Typed configuration for `rollguard serve`, from flags and environment variables, and the
//! settings types the layers below the CLI read (`Limits` for the API). Every key is in
//! `.env.example`. The database URL may hold a password, so it never reaches logs or `Debug`.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::store::{DEFAULT_DATABASE_URL, PoolSettings};

/// Limits on what one request may carry.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Most points in one ingest batch.
    pub max_batch_points: usize,
    /// Longest a request may take, body included (408 beyond).
    pub request_timeout: Duration,
    /// Most requests handled at once (503 `overloaded` beyond).
    pub max_concurrent_requests: usize,
    /// Most bytes of request bodies held at once, all requests together (503 `overloaded`
    /// beyond); never less than `max_body_bytes` in effect.
    pub max_body_bytes_in_flight: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 16 * 1024 * 1024,
            max_batch_points: 50_000,
            request_timeout: Duration::from_secs(30),
            max_concurrent_requests: 256,
            max_body_bytes_in_flight: 256 * 1024 * 1024,
        }
    }
}

/// How the server treats connections (`crate::server::serve`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerOptions {
    /// After the shutdown signal: how long requests in flight may take to finish.
    pub shutdown_timeout: Duration,
    /// How long a connection may take to deliver a complete request head: from its accept for
    /// the first request, from the first byte of the head for later ones.
    pub header_read_timeout: Duration,
    /// How long a keep-alive connection may stay silent between requests (also how long writing
    /// an answer may make no progress).
    pub idle_timeout: Duration,
    /// Most connections open at once; the others wait in the kernel's backlog.
    pub max_connections: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            shutdown_timeout: Duration::from_secs(10),
            header_read_timeout: Duration::from_secs(10),
            // Longer than the 60 s idle timeout of common load balancers (AWS ALB, GCP): the
            // balancer, not the server, closes an idle connection first, so it never sends a
            // request on a connection the server is closing (which it would answer with a 502).
            idle_timeout: Duration::from_secs(75),
            // Each connection is a file descriptor: this must stay below the open-file limit
            // (`ulimit -n`), with room for the database pool and the SQLite files.
            max_connections: 1024,
        }
    }
}

/// Where the data lives: `postgres://…` or `sqlite://…`.
#[derive(Clone, Args)]
pub struct DatabaseArgs {
    /// `postgres://user@host/db` for Postgres; `sqlite://path` for an embedded SQLite file.
    #[arg(long = "database-url", env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, hide_env_values = true)]
    pub url: String,
}

impl fmt::Debug for DatabaseArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.url.split("://").next().unwrap_or("?");
        write!(f, "DatabaseArgs {{ url: \"{scheme}://…\" }}")
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// `rollguard serve` settings.
#[derive(Clone, Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ROLLGUARD_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Log format.
    #[arg(long, env = "ROLLGUARD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Largest accepted request body, in bytes.
    #[arg(long, env = "ROLLGUARD_MAX_BODY_BYTES", default_value_t = Limits::default().max_body_bytes)]
    pub max_body_bytes: usize,
    /// Most points accepted in one ingest batch.
    #[arg(long, env = "ROLLGUARD_MAX_BATCH_POINTS", default_value_t = Limits::default().max_batch_points)]
    pub max_batch_points: usize,
    /// Longest a request may take, reading its body included; beyond it the answer is 408.
    #[arg(long, env = "ROLLGUARD_REQUEST_TIMEOUT", value_parser = humantime::parse_duration, default_value = "30s")]
    pub request_timeout: Duration,
    /// Most requests handled at once; beyond it the answer is 503 `overloaded` (health,
    /// readiness and /metrics are never refused).
    #[arg(long, env = "ROLLGUARD_MAX_CONCURRENT_REQUESTS", default_value_t = Limits::default().max_concurrent_requests, value_parser = at_least_one)]
    pub max_concurrent_requests: usize,
    /// Most bytes of request bodies held at once, all requests together; a body that would pass
    /// it is answered 503 `overloaded` (before it is read when it declares its length). Never less
    /// than --max-body-bytes in effect.
    #[arg(long, env = "ROLLGUARD_MAX_BODY_BYTES_IN_FLIGHT", default_value_t = Limits::default().max_body_bytes_in_flight)]
    pub max_body_bytes_in_flight: usize,
    /// On SIGTERM or Ctrl-C: how long requests in flight may take to finish before the process
    /// exits anyway. New connections are refused from the signal on.
    #[arg(long, env = "ROLLGUARD_SHUTDOWN_TIMEOUT", value_parser = humantime::parse_duration, default_value = "10s")]
    pub shutdown_timeout: Duration,
    /// How long a connection may take to send a complete request head (from its accept for the
    /// first request, from the head's first byte on a kept-alive connection); beyond it the
    /// connection is closed without an answer.
    #[arg(long, env = "ROLLGUARD_HEADER_READ_TIMEOUT", value_parser = positive_duration, default_value = "10s")]
    pub header_read_timeout: Duration,
    /// How long a kept-alive connection may stay silent between requests before it is closed.
    #[arg(long, env = "ROLLGUARD_IDLE_TIMEOUT", value_parser = positive_duration, default_value = "75s")]
    pub idle_timeout: Duration,
    /// Most connections open at once; beyond it new connections wait in the kernel's backlog
    /// until one closes. Keep it below the open-file limit (`ulimit -n`).
    #[arg(long, env = "ROLLGUARD_MAX_CONNECTIONS", default_value_t = ServerOptions::default().max_connections, value_parser = connection_cap)]
    pub max_connections: usize,
    /// Most replays (`POST /v1/replays`) computing at once, each on one thread of the blocking
    /// pool and, for `from_store`, reading the database one query at a time; the others wait,
    /// `running` with progress 0, until one ends.
    #[arg(long, env = "ROLLGUARD_MAX_CONCURRENT_REPLAYS", default_value_t = crate::service::DEFAULT_MAX_CONCURRENT_REPLAYS, value_parser = replay_cap)]
    pub max_concurrent_replays: usize,
    /// How long a replica holds a replay it runs without renewing its claim (renewed every
    /// tenth of it). Postgres: a replay whose replica died is taken over by another replica
    /// once this lapses (within the lease and a tenth).
    #[arg(long, env = "ROLLGUARD_REPLAY_LEASE", value_parser = positive_duration, default_value = "30s")]
    pub replay_lease: Duration,
    /// When a deployment's metrics source (Prometheus) fails at verdict time: how long ago its
    /// series may have been last read for the verdict to be judged from the stored points;
    /// older, the verdict is `inconclusive`, naming the source and its error.
    #[arg(long, env = "ROLLGUARD_SOURCE_MAX_STALENESS", value_parser = humantime::parse_duration, default_value = "5m")]
    pub source_max_staleness: Duration,
    /// The directory a source's `auth.secret_file` must lie in (symbolic links resolved), e.g.
    /// where Kubernetes mounts the secret; unset, sources can take their secret only from an
    /// environment variable named `ROLLGUARD_SECRET_*`.
    #[arg(long, env = "ROLLGUARD_SOURCE_SECRETS_DIR", value_name = "DIR")]
    pub source_secrets_dir: Option<PathBuf>,
    /// Postgres: how long a request waits for a database connection before failing with 503
    /// (also how fast requests fail while the database is down).
    #[arg(long, env = "ROLLGUARD_DB_ACQUIRE_TIMEOUT", value_parser = humantime::parse_duration, default_value = "1s")]
    pub db_acquire_timeout: Duration,
    /// Postgres: most connections in the pool.
    #[arg(long, env = "ROLLGUARD_DB_MAX_CONNECTIONS", default_value_t = PoolSettings::default().max_connections)]
    pub db_max_connections: u32,
    /// Postgres: most points kept in memory (about 40 bytes each, over all deployments) so that
    /// a verdict reads only the points written since the deployment's last verdict; 0 turns the
    /// cache off.
    #[arg(long, env = "ROLLGUARD_VERDICT_CACHE_POINTS", default_value_t = PoolSettings::default().series_cache_points)]
    pub verdict_cache_points: usize,
    /// Remove points older than this (by their time), verdicts older than this (by when they
    /// were evaluated), then deployments left with neither, e.g. `30d`; unset keeps everything.
    /// Runs in the background hourly, a bounded step at a time (README, Operations).
    #[arg(long, env = "ROLLGUARD_RETENTION", value_parser = positive_duration)]
    pub retention: Option<Duration>,
    /// API tokens, `NAME:SCOPES:SECRET` entries separated by `;` (see the README). Prefer the
    /// environment variable or --tokens-file: a command line is visible to other users.
    #[arg(
        long,
        env = "ROLLGUARD_TOKENS",
        hide_env_values = true,
        value_name = "NAME:SCOPES:SECRET;..."
    )]
    pub tokens: Option<Secret>,
    /// A file of API tokens, one `NAME:SCOPES:SECRET` entry a line (`#` starts a comment);
    /// SECRET may be `sha256:<hex digest>` so the file holds no secret.
    #[arg(long, env = "ROLLGUARD_TOKENS_FILE", value_name = "PATH")]
    pub tokens_file: Option<PathBuf>,
    /// Serve without API tokens on a non-loopback address (by default, a server without tokens
    /// refuses to listen beyond loopback).
    #[arg(long, env = "ROLLGUARD_ALLOW_UNAUTHENTICATED")]
    pub allow_unauthenticated: bool,
    /// Leave the Flagger hooks (`/v1/hooks/flagger/*`) open when tokens are configured: Flagger
    /// cannot send an Authorization header. Restrict who reaches them at the network level.
    #[arg(long, env = "ROLLGUARD_OPEN_FLAGGER_HOOKS")]
    pub open_flagger_hooks: bool,
    /// Leave the Kayenta remote judge (`POST /v1/kayenta/judge`) open when tokens are
    /// configured: Kayenta sends no credentials. Restrict who reaches it at the network level.
    #[arg(long, env = "ROLLGUARD_OPEN_KAYENTA_JUDGE")]
    pub open_kayenta_judge: bool,
    /// Without API tokens: the host names (comma-separated, any port; `*` for any) whose
    /// requests are answered, against DNS rebinding; others get 421. The address listened on is
    /// always added. Not checked when tokens are configured.
    #[arg(
        long,
        env = "ROLLGUARD_ALLOWED_HOSTS",
        default_value = "localhost,127.0.0.1,[::1]",
        value_name = "HOST,..."
    )]
    pub allowed_hosts: String,
    /// Serve HTTPS with this certificate chain (PEM, the server's certificate first); needs
    /// --tls-key. Read again when it changes, without a restart.
    #[arg(
        long,
        env = "ROLLGUARD_TLS_CERT",
        value_name = "PATH",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(
        long,
        env = "ROLLGUARD_TLS_KEY",
        value_name = "PATH",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,
    /// How often the certificate and key files are read again; a changed pair is served from
    /// the next handshake on.
    #[arg(long, env = "ROLLGUARD_TLS_RELOAD_INTERVAL", value_parser = positive_duration, default_value = "10s")]
    pub tls_reload_interval: Duration,
}

/// `rollguard sweep`: the database and how much to keep.
#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Keep this much, e.g. `30d`: points older than it (by their time), verdicts older than it
    /// (by when they were evaluated), then deployments left with neither are removed.
    #[arg(long, env = "ROLLGUARD_RETENTION", value_parser = positive_duration)]
    pub retention: Duration,
}

impl ServeArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            max_body_bytes: self.max_body_bytes,
            max_batch_points: self.max_batch_points,
            request_timeout: self.request_timeout,
            max_concurrent_requests: self.max_concurrent_requests,
            max_body_bytes_in_flight: self.max_body_bytes_in_flight,
        }
    }

    pub fn server_options(&self) -> ServerOptions {
        ServerOptions {
            shutdown_timeout: self.shutdown_timeout,
            header_read_timeout: self.header_read_timeout,
            idle_timeout: self.idle_timeout,
            max_connections: self.max_connections,
        }
    }

    pub fn pool(&self) -> PoolSettings {
        PoolSettings {
            max_connections: self.db_max_connections,
            acquire_timeout: self.db_acquire_timeout,
            series_cache_points: self.verdict_cache_points,
        }
    }
}

fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("'{s}' is not a whole number of at least 1")),
    }
}

/// 1 up to what the replay semaphore can count.
fn replay_cap(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=tokio::sync::Semaphore::MAX_PERMITS).contains(&n) => Ok(n),
        _ => Err(format!(
            "'{s}' is not a whole number between 1 and {}",
            tokio::sync::Semaphore::MAX_PERMITS
        )),
    }
}

/// 1 up to what the connection semaphore can count (`tokio::sync::Semaphore::MAX_PERMITS`).
fn connection_cap(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=tokio::sync::Semaphore::MAX_PERMITS).contains(&n) => Ok(n),
        _ => Err(format!(
            "'{s}' is not a whole number from 1 to {}",
            tokio::sync::Semaphore::MAX_PERMITS
        )),
    }
}

fn positive_duration(s: &str) -> Result<Duration, String> {
    match humantime::parse_duration(s) {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) => Err("must be longer than zero".to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// A value that must not reach logs or `Debug` output (the API tokens).
#[derive(Clone)]
pub struct Secret(pub String);

impl FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_database_password() {
        let args = DatabaseArgs {
            url: "postgres://app:s3cret@db/rollguard".into(),
        };
        let shown = format!("{args:?}");
        assert!(
            !shown.contains("s3cret") && shown.contains("postgres"),
            "{shown}"
        );
    }

    #[test]
    fn serve_flags_default_to_the_server_defaults() {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from(["rollguard", "serve"]).unwrap();
        let crate::cli::Command::Serve(args) = cli.command else {
            panic!("not serve")
        };
        assert_eq!(args.server_options(), ServerOptions::default());
    }

    #[test]
    fn debug_output_hides_the_tokens() {
        let shown = format!("{:?}", Secret("argo:read:0123456789abcdef".into()));
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
    }
}
