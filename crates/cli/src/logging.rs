//! Log output: human-readable lines on stderr by default, ECS-style JSON on request.

use std::io::{IsTerminal, Write};

use connector_config::LogLevel;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::JsonFields;

use crate::args::LogArgs;
use crate::ecs::EcsFormat;
use crate::progress::around_progress_line;

/// The level when neither `--log-level` nor `RUST_LOG` says otherwise, for one-shot commands.
pub const DEFAULT_LEVEL: &str = "warn";

/// The environment variable whose value overrides `--log-level`, read like it.
const RUST_LOG: &str = "RUST_LOG";

/// Parses `--log-level` (and `GITLAB_CONNECTOR_LOG`) into EnvFilter directives: a level, or
/// directives like `gitlab_source=debug,warn`. Levels are `error`, `warn`, `info`, `debug`,
/// `trace` and `off` in any case, plus the names of `service.log_level` (`warning`,
/// `critical`). A bare word that is not a level is refused: EnvFilter would take it for a target
/// and silence every other log line.
pub fn parse_level(text: &str) -> Result<String, String> {
    let not_a_level = || {
        format!(
            "`{text}` is not a log level: use error (or critical), warn (or warning), info, debug, \
             trace or off, or directives like `gitlab_source=debug,warn`"
        )
    };
    let parts: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| match part.rsplit_once('=') {
            Some((target, level)) => level_name(level).map(|level| format!("{target}={level}")),
            None => level_name(part).map(str::to_owned),
        })
        .collect::<Option<_>>()
        .ok_or_else(not_a_level)?;
    if parts.is_empty() {
        return Err(not_a_level());
    }
    let directives = parts.join(",");
    // The target syntax is EnvFilter's own.
    EnvFilter::builder()
        .parse(&directives)
        .map_err(|error| format!("`{text}` is not a valid log filter: {error}"))?;
    Ok(directives)
}

/// The EnvFilter level of `service.log_level` (`WARNING` → `warn`, `CRITICAL` → `error`).
pub fn service_level(level: LogLevel) -> &'static str {
    match level {
        LogLevel::Debug => "debug",
        LogLevel::Info => "info",
        LogLevel::Warning => "warn",
        LogLevel::Error | LogLevel::Critical => "error",
    }
}

/// The EnvFilter directives of `run` mode: `service.log_level` for everything, and
/// `elasticsearch.log_level` for the Elasticsearch client (`es_client`), which the reference
/// also logs at a level of its own.
pub fn service_levels(service: LogLevel, elasticsearch: LogLevel) -> String {
    format!(
        "{},es_client={}",
        service_level(service),
        service_level(elasticsearch)
    )
}

/// One level name as EnvFilter spells it, or `None` when `text` names no level.
fn level_name(text: &str) -> Option<&'static str> {
    match text.to_ascii_lowercase().as_str() {
        "trace" => Some("trace"),
        "off" => Some("off"),
        _ => LogLevel::parse(text).map(service_level),
    }
}

/// Installs the global subscriber. `RUST_LOG` overrides `--log-level`, which overrides
/// `fallback` (a level, or directives such as [`service_levels`] gives). `RUST_LOG` is read with
/// [`parse_level`], like `--log-level`: `warning` means `warn`, and a value that names no level
/// is an error (EnvFilter would take a bare word for a target and silence every log line).
pub fn init(args: &LogArgs, fallback: &str) -> Result<(), String> {
    let directives = match std::env::var(RUST_LOG) {
        Ok(text) if !text.trim().is_empty() => {
            parse_level(&text).map_err(|error| format!("{RUST_LOG}: {error}"))?
        }
        _ => {
            let level = args.log_level.as_deref().unwrap_or(fallback);
            // tantivy logs every segment save at info: keep it to warnings unless RUST_LOG
            // says more.
            format!("{level},tantivy=warn")
        }
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(directives))
        .with_ansi(colored())
        .with_writer(LogLine::default);
    if args.log_json {
        builder
            .fmt_fields(JsonFields::new())
            .event_format(EcsFormat)
            .init();
    } else {
        builder.compact().init();
    }
    Ok(())
}

/// Whether log lines get colours: only when stderr is a terminal (not in a file, a pipe or
/// `docker logs`), and never with `NO_COLOR` set to anything (no-color.org).
fn colored() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// One log event's text, written to stderr in one piece when the event is done, around the
/// progress line (see [`around_progress_line`]) so the two never share a row.
#[derive(Default)]
struct LogLine(Vec<u8>);

impl Write for LogLine {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LogLine {
    fn drop(&mut self) {
        if !self.0.is_empty() {
            around_progress_line(|| {
                // Nowhere to report a failed write to stderr.
                let _ = std::io::stderr().write_all(&self.0);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_their_service_names_map_to_envfilter_levels() {
        for (given, expected) in [
            ("warn", "warn"),
            ("warning", "warn"),
            ("WARNING", "warn"),
            ("critical", "error"),
            ("Info", "info"),
            ("trace", "trace"),
            ("off", "off"),
        ] {
            assert_eq!(parse_level(given).as_deref(), Ok(expected), "{given}");
        }
    }

    #[test]
    fn directives_are_kept_with_their_levels_mapped() {
        assert_eq!(
            parse_level("gitlab_source=debug,warn").as_deref(),
            Ok("gitlab_source=debug,warn")
        );
        assert_eq!(
            parse_level("es_client=warning, sink_es[bulk]=info").as_deref(),
            Ok("es_client=warn,sink_es[bulk]=info")
        );
    }

    #[test]
    fn words_that_are_not_levels_are_refused_naming_the_value() {
        for bad in [
            "verbose",
            "warnings",
            "",
            "gitlab_source=loud",
            "warn,quiet",
        ] {
            let error = parse_level(bad).expect_err(bad);
            assert!(error.contains(&format!("`{bad}`")), "{error}");
            assert!(
                error.contains("use error (or critical), warn (or warning), info"),
                "{error}"
            );
        }
        let error = parse_level("gitlab_source[=debug").expect_err("unclosed span");
        assert!(error.contains("not a valid log filter"), "{error}");
    }
}
