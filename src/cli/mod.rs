//! Command-line front ends: argument types (clap) and the commands that need no server.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub mod evaluate;
pub mod replay;
pub mod serve;

use crate::config::{DatabaseArgs, ServeArgs};

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
