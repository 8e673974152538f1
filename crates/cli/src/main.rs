//! `gitlab-connector`: sync GitLab into Elasticsearch or a local search index.
//!
//! This file only parses the command line, runs the chosen command, prints a failure once and
//! maps the outcome to an exit code (see [`exit`]). Each command lives in its own module.

mod args;
mod check_cmd;
#[cfg(feature = "demo")]
mod demo_cmd;
mod ecs;
mod es_settings;
mod exit;
mod gitlab_settings;
mod incremental;
mod logging;
mod progress;
mod run_cmd;
mod search_cmd;
mod summary;
mod sync_cmd;
mod sync_file;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::exit::ExitCode;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if let Command::Run(args) = &cli.command {
        return run_cmd::main(args, &cli.log).into();
    }
    logging::init(&cli.log, logging::DEFAULT_LEVEL);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::Failure.into();
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Run(_) => unreachable!("handled above"),
            Command::Sync(args) => sync_cmd::run(*args).await,
            Command::Search(args) => search_cmd::run(args),
            Command::Check(args) => check_cmd::run(args).await,
            #[cfg(feature = "demo")]
            Command::Demo(args) => demo_cmd::run(args).await,
        }
    });
    match outcome {
        Ok(code) => code.into(),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::Failure.into()
        }
    }
}
