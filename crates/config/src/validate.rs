//! [`Config`] → [`Settings`]: every check names the dotted key and its line.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use connector_core::Secret;
use url::Url;

use crate::error::{ConfigError, ConfigWarning};
use crate::raw::{BulkConfig, Config, ElasticsearchConfig, ErrorMonitorConfig, ServiceConfig};
use crate::settings::{
    BulkSettings, ConnectorSettings, ElasticsearchSettings, ErrorMonitorSettings, EsAuth,
    ExtractionServiceSettings, LogLevel, ServiceSettings, Settings,
};
use crate::tree::Merged;

const MIB: f64 = 1024.0 * 1024.0;

/// Where the values came from, to name keys and lines in errors.
pub(crate) struct Ctx<'a> {
    pub(crate) file: &'a str,
    pub(crate) merged: &'a Merged,
    pub(crate) warnings: Vec<ConfigWarning>,
}

impl Ctx<'_> {
    pub(crate) fn invalid(&self, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            file: self.file.to_owned(),
            line: self.merged.line_of(key),
            key: key.to_owned(),
            message: message.into(),
        }
    }

    fn warn(&mut self, key: &str, message: impl Into<String>) {
        self.warnings.push(ConfigWarning {
            file: self.file.to_owned(),
            line: self.merged.line_of(key),
            key: key.to_owned(),
            message: message.into(),
        });
    }

    fn seconds(&self, key: &str, value: f64, allow_zero: bool) -> Result<Duration, ConfigError> {
        let ok = value.is_finite() && (value > 0.0 || (allow_zero && value == 0.0));
        if !ok {
            let what = if allow_zero {
                "zero or more"
            } else {
                "more than zero"
            };
            return Err(self.invalid(
                key,
                format!("must be a number of seconds, {what}, got {value}"),
            ));
        }
        Duration::try_from_secs_f64(value)
            .map_err(|_| self.invalid(key, format!("is too large, got {value}")))
    }

    fn positive(&self, key: &str, value: u64) -> Result<usize, ConfigError> {
        match usize::try_from(value) {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(self.invalid(key, format!("must be a positive integer, got {value}"))),
        }
    }

    fn mebibytes(&self, key: &str, value: f64) -> Result<usize, ConfigError> {
        if !(value.is_finite() && value > 0.0) {
            return Err(self.invalid(
                key,
                format!("must be a size in MiB, more than zero, got {value}"),
            ));
        }
        Ok((value * MIB) as usize)
    }

    fn url(&self, key: &str, value: &str) -> Result<Url, ConfigError> {
        let url = Url::parse(value).map_err(|err| {
            self.invalid(
                key,
                format!("must be a URL like `https://host:9200`, got {value:?} ({err})"),
            )
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(self.invalid(key, format!("must use http or https, got {value:?}")));
        }
        Ok(url)
    }
}

/// Validates the whole file.
pub(crate) fn settings(config: Config, ctx: &mut Ctx<'_>) -> Result<Settings, ConfigError> {
    let elasticsearch = elasticsearch(config.elasticsearch, ctx)?;
    let service = service(config.service, ctx)?;
    let mut connectors: Vec<ConnectorSettings> = Vec::new();
    for (index, entry) in config.connectors.into_iter().enumerate() {
        let key = format!("connectors[{index}]");
        let Some(id) = entry.connector_id.map(|id| id.to_text()) else {
            ctx.warn(&key, "has no `connector_id` and is skipped");
            continue;
        };
        let Some(service_type) = entry.service_type else {
            return Err(ctx.invalid(&format!("{key}.service_type"), "is required (use `gitlab`)"));
        };
        connectors.retain(|c| c.connector_id != id);
        connectors.push(ConnectorSettings {
            connector_id: id,
            service_type,
            api_key: entry.api_key.filter(|k| !k.is_empty()).map(Secret::from),
        });
    }
    if connectors.is_empty()
        && let (Some(id), Some(service_type)) = (config.connector_id, config.service_type)
    {
        connectors.push(ConnectorSettings {
            connector_id: id.to_text(),
            service_type,
            api_key: None,
        });
    }
    let extraction_service = match config.extraction_service {
        Some(raw) => match raw.host {
            Some(host) => Some(ExtractionServiceSettings {
                host: ctx.url("extraction_service.host", &host)?,
                timeout: ctx.seconds("extraction_service.timeout", raw.timeout, false)?,
                use_file_pointers: raw.use_file_pointers,
                stream_chunk_size: ctx.positive(
                    "extraction_service.stream_chunk_size",
                    raw.stream_chunk_size,
                )?,
                shared_volume_dir: PathBuf::from(raw.shared_volume_dir),
            }),
            None => None,
        },
        None => None,
    };
    Ok(Settings {
        elasticsearch,
        service,
        connectors,
        sources: config
            .sources
            .map(|s| s.into_keys().collect())
            .unwrap_or_default(),
        extraction_service,
    })
}

fn elasticsearch(
    raw: ElasticsearchConfig,
    ctx: &mut Ctx<'_>,
) -> Result<ElasticsearchSettings, ConfigError> {
    let p = |key: &str| format!("elasticsearch.{key}");
    let auth = match raw.api_key.filter(|k| !k.is_empty()) {
        Some(key) => {
            if raw.username != crate::DEFAULT_USERNAME || raw.password != crate::DEFAULT_PASSWORD {
                ctx.warn(
                    "elasticsearch.api_key",
                    "is set, so `elasticsearch.username`/`password` are ignored",
                );
            }
            EsAuth::ApiKey(Secret::from(key))
        }
        None => EsAuth::Basic {
            username: raw.username,
            password: Secret::from(raw.password),
        },
    };
    if !(raw.backoff_multiplier.is_finite() && raw.backoff_multiplier >= 1.0) {
        return Err(ctx.invalid(
            &p("backoff_multiplier"),
            format!(
                "must be a number of at least 1, got {}",
                raw.backoff_multiplier
            ),
        ));
    }
    let log_level = LogLevel::parse(&raw.log_level)
        .ok_or_else(|| ctx.invalid(&p("log_level"), level_message(&raw.log_level)))?;
    Ok(ElasticsearchSettings {
        host: ctx.url(&p("host"), &raw.host)?,
        auth,
        ssl: raw.ssl,
        verify_certs: raw.verify_certs,
        ca_certs: raw.ca_certs.filter(|c| !c.is_empty()).map(PathBuf::from),
        headers: raw
            .headers
            .into_iter()
            .map(|(name, value)| (name, Secret::from(value.to_text())))
            .collect::<BTreeMap<_, _>>(),
        request_timeout: ctx.seconds(&p("request_timeout"), raw.request_timeout, false)?,
        retry_on_timeout: raw.retry_on_timeout,
        max_retries: raw.max_retries,
        retry_interval: ctx.seconds(&p("retry_interval"), raw.retry_interval, true)?,
        max_wait_duration: ctx.seconds(&p("max_wait_duration"), raw.max_wait_duration, true)?,
        initial_backoff_duration: ctx.seconds(
            &p("initial_backoff_duration"),
            raw.initial_backoff_duration,
            true,
        )?,
        backoff_multiplier: raw.backoff_multiplier,
        log_level,
        feature_use_connectors_api: raw.feature_use_connectors_api,
        bulk: bulk(raw.bulk, ctx)?,
    })
}

fn bulk(raw: BulkConfig, ctx: &Ctx<'_>) -> Result<BulkSettings, ConfigError> {
    let p = |key: &str| format!("elasticsearch.bulk.{key}");
    let max_text = raw.max_text_document_size;
    if !(max_text.is_finite() && max_text >= 0.0) {
        return Err(ctx.invalid(
            &p("max_text_document_size"),
            format!("must be a size in MiB, zero (no limit) or more, got {max_text}"),
        ));
    }
    Ok(BulkSettings {
        queue_max_size: ctx.positive(&p("queue_max_size"), raw.queue_max_size)?,
        queue_max_mem_bytes: ctx.mebibytes(&p("queue_max_mem_size"), raw.queue_max_mem_size)?,
        queue_refresh_interval: ctx.seconds(
            &p("queue_refresh_interval"),
            raw.queue_refresh_interval,
            false,
        )?,
        queue_refresh_timeout: ctx.seconds(
            &p("queue_refresh_timeout"),
            raw.queue_refresh_timeout,
            false,
        )?,
        display_every: ctx.positive(&p("display_every"), raw.display_every)? as u64,
        chunk_size: ctx.positive(&p("chunk_size"), raw.chunk_size)?,
        chunk_max_mem_bytes: ctx.mebibytes(&p("chunk_max_mem_size"), raw.chunk_max_mem_size)?,
        max_text_document_bytes: (max_text > 0.0).then_some((max_text * MIB) as usize),
        max_concurrency: ctx.positive(&p("max_concurrency"), raw.max_concurrency)?,
        concurrent_downloads: ctx.positive(&p("concurrent_downloads"), raw.concurrent_downloads)?,
        max_retries: raw.max_retries,
        retry_interval: ctx.seconds(&p("retry_interval"), raw.retry_interval, true)?,
        enable_operations_logging: raw.enable_operations_logging,
        error_monitor: error_monitor(raw.error_monitor, ctx)?,
    })
}

fn error_monitor(
    raw: ErrorMonitorConfig,
    ctx: &Ctx<'_>,
) -> Result<ErrorMonitorSettings, ConfigError> {
    let p = |key: &str| format!("elasticsearch.bulk.error_monitor.{key}");
    if !(0.0..=1.0).contains(&raw.max_error_rate) {
        return Err(ctx.invalid(
            &p("max_error_rate"),
            format!(
                "must be a ratio between 0 and 1, got {}",
                raw.max_error_rate
            ),
        ));
    }
    Ok(ErrorMonitorSettings {
        enabled: raw.enabled,
        max_total_errors: raw.max_total_errors,
        max_consecutive_errors: raw.max_consecutive_errors,
        max_error_rate: raw.max_error_rate,
        error_window_size: ctx.positive(&p("error_window_size"), raw.error_window_size)?,
        error_queue_size: usize::try_from(raw.error_queue_size).unwrap_or(usize::MAX),
    })
}

fn service(raw: ServiceConfig, ctx: &Ctx<'_>) -> Result<ServiceSettings, ConfigError> {
    let p = |key: &str| format!("service.{key}");
    if raw.fips_mode {
        return Err(ctx.invalid(
            &p("fips_mode"),
            "is not supported by gitlab-connector; remove it or set it to false",
        ));
    }
    if raw.preflight_max_attempts == 0 {
        return Err(ctx.invalid(
            &p("preflight_max_attempts"),
            "must be a positive integer, got 0",
        ));
    }
    Ok(ServiceSettings {
        idling: ctx.seconds(&p("idling"), raw.idling, false)?,
        heartbeat: ctx.seconds(&p("heartbeat"), raw.heartbeat, false)?,
        preflight_max_attempts: raw.preflight_max_attempts,
        preflight_idle: ctx.seconds(&p("preflight_idle"), raw.preflight_idle, true)?,
        max_errors: raw.max_errors,
        max_errors_span: ctx.seconds(&p("max_errors_span"), raw.max_errors_span, false)?,
        max_concurrent_content_syncs: ctx.positive(
            &p("max_concurrent_content_syncs"),
            raw.max_concurrent_content_syncs,
        )?,
        max_concurrent_access_control_syncs: ctx.positive(
            &p("max_concurrent_access_control_syncs"),
            raw.max_concurrent_access_control_syncs,
        )?,
        max_concurrent_scheduling_tasks: ctx.positive(
            &p("max_concurrent_scheduling_tasks"),
            raw.max_concurrent_scheduling_tasks,
        )?,
        max_file_download_size: raw.max_file_download_size,
        job_cleanup_interval: ctx.seconds(
            &p("job_cleanup_interval"),
            raw.job_cleanup_interval,
            false,
        )?,
        log_level: LogLevel::parse(&raw.log_level)
            .ok_or_else(|| ctx.invalid(&p("log_level"), level_message(&raw.log_level)))?,
        worker_mode: raw.worker_mode,
        service_types: raw.service_types,
    })
}

fn level_message(got: &str) -> String {
    format!("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got {got:?}")
}

/// Turns a serde type error into "must be …, got …"; a secret's value is left out.
pub(crate) fn type_message(key: &str, inner: &str) -> String {
    let Some(rest) = inner.strip_prefix("invalid type: ") else {
        if inner.contains("untagged enum Scalar") {
            return "must be a string or a number".into();
        }
        return inner.to_owned();
    };
    let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let got = got
        .strip_prefix("string ")
        .or_else(|| got.strip_prefix("integer "))
        .or_else(|| got.strip_prefix("floating point "))
        .unwrap_or(got);
    let expected = match expected {
        e if e.starts_with('u') || e.starts_with('i') => {
            if POSITIVE_INTS.iter().any(|k| key.ends_with(k)) {
                "a positive integer"
            } else {
                "a whole number, zero or more"
            }
        }
        e if e.starts_with('f') => "a number",
        "a boolean" => "true or false",
        "a string" => "a string",
        e if e.contains("sequence") => "a list",
        e if e.starts_with("struct") || e.starts_with("a map") => "a mapping of keys",
        e => e,
    };
    if SECRET_KEYS.iter().any(|k| key.ends_with(k)) {
        return format!("must be {expected}");
    }
    format!("must be {expected}, got {got}")
}

/// Keys whose values are never echoed in an error (`elasticsearch.password: 123456`).
const SECRET_KEYS: &[&str] = &["password", "api_key"];

const POSITIVE_INTS: &[&str] = &[
    "queue_max_size",
    "display_every",
    "chunk_size",
    "max_concurrency",
    "concurrent_downloads",
    "error_window_size",
    "preflight_max_attempts",
    "max_concurrent_content_syncs",
    "max_concurrent_access_control_syncs",
    "max_concurrent_scheduling_tasks",
    "stream_chunk_size",
];
