//! Log output: human-readable lines on stderr by default, ECS-style JSON on request.

use tracing_subscriber::EnvFilter;

use crate::args::LogArgs;
use crate::ecs::EcsFormat;

/// The level when neither `--log-level` nor `RUST_LOG` says otherwise, for one-shot commands.
pub const DEFAULT_LEVEL: &str = "warn";

/// Installs the global subscriber. `RUST_LOG` overrides `--log-level`, which overrides
/// `fallback_level`.
pub fn init(args: &LogArgs, fallback_level: &str) {
    let level = args.log_level.as_deref().unwrap_or(fallback_level);
    // tantivy logs every segment save at info: keep it to warnings unless RUST_LOG says more.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{level},tantivy=warn")));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if args.log_json {
        builder.event_format(EcsFormat).init();
    } else {
        builder.compact().init();
    }
}
