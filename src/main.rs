use std::process::ExitCode;

use clap::Parser;
use rollguard::cli::{Cli, Command, evaluate};

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Evaluate(args) => evaluate::run(&args),
    }
}
