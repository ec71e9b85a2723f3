//! Command-line front ends: argument types (clap) and the commands that need no server.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

pub mod evaluate;
pub mod replay;
pub mod serve;

use crate::config::{DatabaseArgs, ServeArgs, SweepArgs};

/// Runs an async command on a new Tokio runtime: 0 on success, else the error on stderr and 1.
///
/// The runtime is then shut down without waiting for its tasks. By the time a command returns,
/// what was worth waiting for has been waited for (`serve` gives requests in flight
/// `--shutdown-timeout`); dropping the runtime instead would wait, without limit, for every
/// worker busy in a long computation (a replay) and every blocking task, and the process would
/// outlive its shutdown timeout.
pub fn run_async(command: impl Future<Output = anyhow::Result<()>>) -> ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let result = runtime.block_on(command);
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rollguard: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// rollguard: answers "should this canary be rolled back?" with pass, rollback or inconclusive.
#[derive(Debug, Parser)]
#[command(name = "rollguard", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate one evaluation document and print the verdict as JSON.
    ///
    /// Exit code: 0 pass, 1 rollback, 3 inconclusive, 2 bad input.
    Evaluate(EvaluateArgs),
    /// Replay historical deployments under one or more policies (backtest).
    Replay(replay::ReplayArgs),
    /// Run the HTTP service (migrates the database first).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Remove what is older than --retention now, as `serve --retention` does hourly, and
    /// print what was removed (JSON).
    Sweep(SweepArgs),
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The evaluation document (JSON); `-` or nothing reads standard input.
    pub file: Option<PathBuf>,
    /// A built-in policy name or a policy JSON file; overrides the document's `policy`.
    #[arg(long, value_name = "NAME|FILE")]
    pub policy: Option<String>,
    /// Pretty-print the verdict.
    #[arg(long)]
    pub pretty: bool,
}
