//! Typed configuration for `rollguard serve`, from flags and environment variables. Every key is
//! in `.env.example`. The database URL may hold a password, so it never reaches logs or `Debug`.

use std::fmt;
use std::net::SocketAddr;

use clap::{Args, ValueEnum};

use crate::api::Limits;
use crate::store::DEFAULT_DATABASE_URL;

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
}

impl ServeArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            max_body_bytes: self.max_body_bytes,
            max_batch_points: self.max_batch_points,
        }
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
}
