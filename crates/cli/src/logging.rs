//! Log output: human-readable lines on stderr by default, ECS-style JSON on request.

use tracing_subscriber::EnvFilter;

use crate::args::LogArgs;

/// Installs the global subscriber. `RUST_LOG` overrides `--log-level`.
pub fn init(args: &LogArgs) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(args.log_level.as_str()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if args.log_json {
        builder.json().flatten_event(true).init();
    } else {
        builder.compact().init();
    }
}
