use std::process::ExitCode;

use clap::Parser;
use rollguard::cli::{Cli, Command, evaluate, replay, run_async, serve};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Evaluate(args) => evaluate::run(&args),
        Command::Replay(args) => replay::run(&args),
        Command::Serve(args) => {
            serve::fix_malloc_mmap_threshold();
            run_async(serve::serve(args))
        }
        Command::Migrate(db) => run_async(serve::migrate(db)),
        Command::Sweep(args) => run_async(serve::sweep(args)),
        Command::Openapi => serve::print_openapi(),
    }
}
