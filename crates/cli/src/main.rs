//! `gitlab-connector`: sync GitLab into Elasticsearch or a local search index.
//!
//! This file only parses the command line, runs the chosen command, prints a failure once and
//! maps the outcome to an exit code (see [`exit`]). Each command lives in its own module.

mod allocator;
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
mod peak_memory;
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
    allocator::return_large_buffers();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    if let Command::Run(args) = &cli.command {
        return run_cmd::main(args, &cli.log).into();
    }
    if let Err(message) = logging::init(&cli.log, logging::DEFAULT_LEVEL) {
        eprintln!("error: {message}");
        return ExitCode::Failure.into();
    }
    let json_summary = matches!(&cli.command, Command::Sync(args) if args.json);
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
            let cause: &(dyn std::error::Error + 'static) = error.as_ref();
            let message = connector_core::error_text::with_causes(cause);
            eprintln!("error: {message}");
            if json_summary {
                // Scripts reading `sync --json` get an answer even when the sync never ran.
                let failure = serde_json::json!({"outcome": "failed", "error": message});
                println!("{failure}");
            }
            ExitCode::Failure.into()
        }
    }
}

/// Prints clap's message for a bad command line (or `--help`, `--version`) and exits `1` for
/// an error, `0` otherwise: clap's own exit code for an error, `2`, means "partial sync" here.
fn usage_error(error: &clap::Error) -> std::process::ExitCode {
    // Nothing sensible is left to do when stdout or stderr is closed.
    let _ = error.print();
    if error.use_stderr() {
        ExitCode::Failure.into()
    } else {
        ExitCode::Success.into()
    }
}

#[cfg(test)]
mod tests {
    /// An error that quotes its cause in its own message, as many of the workspace's do.
    #[derive(Debug)]
    struct QuotesItsCause {
        source: std::io::Error,
    }

    impl std::fmt::Display for QuotesItsCause {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "index /x: cannot open: {}", self.source)
        }
    }

    impl std::error::Error for QuotesItsCause {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.source)
        }
    }

    #[test]
    fn a_cause_is_printed_once() {
        let io = std::io::Error::other("Not a directory (os error 20)");
        let error = anyhow::Error::new(QuotesItsCause { source: io }).context("searching");
        let cause: &(dyn std::error::Error + 'static) = error.as_ref();
        assert_eq!(
            connector_core::error_text::with_causes(cause),
            "searching: index /x: cannot open: Not a directory (os error 20)"
        );
    }
}
