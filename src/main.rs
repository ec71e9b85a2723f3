use std::process::ExitCode;

use clap::Parser;
use rollguard::cli::{Cli, Command, evaluate, replay, serve};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let run_async = |fut: std::pin::Pin<Box<dyn Future<Output = anyhow::Result<()>>>>| {
        let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
        match runtime.block_on(fut) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("rollguard: {e:#}");
                ExitCode::FAILURE
            }
        }
    };
    match cli.command {
        Command::Evaluate(args) => evaluate::run(&args),
        Command::Replay(args) => replay::run(&args),
        Command::Serve(args) => run_async(Box::pin(serve::serve(args))),
        Command::Migrate(db) => run_async(Box::pin(serve::migrate(db))),
        Command::Openapi => serve::print_openapi(),
    }
}
