//! Tests of whole-file loading: each key family, interpolation, dotted keys, messages.

use std::time::Duration;

use super::*;

fn load(text: &str) -> Result<Loaded, ConfigError> {
    load_str("config.yml", text, &EnvVars::empty())
}

fn ok(text: &str) -> Settings {
    match load(text) {
        Ok(loaded) => loaded.settings,
        Err(err) => panic!("{err}"),
    }
}

fn err(text: &str) -> String {
    match load(text) {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(err) => err.to_string(),
    }
}

#[test]
fn empty_file_gives_reference_defaults() {
    let s = ok("");
    let es = &s.elasticsearch;
    assert_eq!(es.host.as_str(), "http://localhost:9200/");
    assert_eq!(
        es.auth,
        EsAuth::Basic {
            username: "elastic".into(),
            password: "changeme".into()
        }
    );
    assert!(es.ssl && es.verify_certs && es.retry_on_timeout && es.feature_use_connectors_api);
    assert_eq!(es.request_timeout, Duration::from_secs(240));
    assert_eq!(
        (es.max_retries, es.retry_interval),
        (5, Duration::from_secs(10))
    );
    assert_eq!(es.max_wait_duration, Duration::from_secs(240));
    assert_eq!(es.initial_backoff_duration, Duration::from_secs(1));
    assert_eq!(es.backoff_multiplier, 2.0);
    assert_eq!(es.log_level, LogLevel::Info);
    let b = &es.bulk;
    assert_eq!((b.queue_max_size, b.queue_max_mem_bytes), (1024, 25 << 20));
    assert_eq!(b.queue_refresh_timeout, Duration::from_secs(1300));
    assert_eq!((b.chunk_size, b.chunk_max_mem_bytes), (500, 3 << 20));
    assert_eq!(b.max_text_document_bytes, Some(3 << 20));
    assert_eq!(
        (b.max_concurrency, b.concurrent_downloads, b.display_every),
        (5, 10, 100)
    );
    assert_eq!(b.error_monitor, ErrorMonitorSettings::default());
    let sv = &s.service;
    assert_eq!(
        (sv.idling, sv.heartbeat),
        (Duration::from_secs(30), Duration::from_secs(300))
    );
    assert_eq!((sv.preflight_max_attempts, sv.max_errors), (10, 20));
    assert_eq!(sv.max_concurrent_content_syncs, 1);
    assert_eq!(sv.max_concurrent_scheduling_tasks, 4);
    assert_eq!(sv.max_file_download_size, 10_485_760);
    assert_eq!(sv.job_cleanup_interval, Duration::from_secs(300));
    assert_eq!(sv.log_level, LogLevel::Info);
    assert!(!sv.worker_mode && sv.service_types.is_empty());
    assert!(s.connectors.is_empty() && s.extraction_service.is_none());
}

#[test]
fn elasticsearch_keys_nested_and_dotted_mix() {
    let s = ok(
        "elasticsearch:\n  host: https://es:9243\n  verify_certs: false\n  ca_certs: /ca.pem\n  headers:\n    X-Team: search\nelasticsearch.request_timeout: 2.5\nelasticsearch.max_retries: 2\nelasticsearch.retry_interval: 0\nelasticsearch.log_level: DEBUG\n",
    );
    let es = &s.elasticsearch;
    assert_eq!(es.host.as_str(), "https://es:9243/");
    assert!(!es.verify_certs);
    assert_eq!(
        es.ca_certs.as_deref(),
        Some(std::path::Path::new("/ca.pem"))
    );
    assert_eq!(es.headers["X-Team"].expose(), "search");
    assert_eq!(es.request_timeout, Duration::from_millis(2500));
    assert_eq!((es.max_retries, es.retry_interval), (2, Duration::ZERO));
    assert_eq!(es.log_level, LogLevel::Debug);
}

#[test]
fn api_key_wins_over_basic_auth_with_a_warning_when_credentials_were_changed() {
    let loaded = load("elasticsearch.api_key: abc==\nelasticsearch.username: bob\n").unwrap();
    assert_eq!(
        loaded.settings.elasticsearch.auth,
        EsAuth::ApiKey("abc==".into())
    );
    assert_eq!(loaded.warnings.len(), 1);
    assert!(
        loaded.warnings[0]
            .to_string()
            .starts_with("config.yml line 1: `elasticsearch.api_key`")
    );
    let quiet = load("elasticsearch.api_key: abc==\n").unwrap();
    assert!(quiet.warnings.is_empty());
}

#[test]
fn bulk_and_error_monitor_keys() {
    let s = ok(
        "elasticsearch.bulk:\n  chunk_size: 10\n  chunk_max_mem_size: 0.5\n  max_text_document_size: 0\n  max_concurrency: 2\nelasticsearch.bulk.error_monitor.max_error_rate: 0.5\nelasticsearch.bulk.error_monitor:\n  enabled: false\n  error_window_size: 20\n",
    );
    let b = &s.elasticsearch.bulk;
    assert_eq!(
        (b.chunk_size, b.chunk_max_mem_bytes, b.max_concurrency),
        (10, 512 << 10, 2)
    );
    assert_eq!(b.max_text_document_bytes, None);
    let m = &b.error_monitor;
    assert!(!m.enabled);
    assert_eq!(
        (m.max_error_rate, m.error_window_size, m.max_total_errors),
        (0.5, 20, 1000)
    );
}

#[test]
fn service_keys() {
    let s = ok(
        "service:\n  idling: 0.5\n  heartbeat: 60\n  max_concurrent_content_syncs: 3\n  log_level: warning\n  worker_mode: true\n  service_types: [gitlab]\n",
    );
    assert_eq!(s.service.idling, Duration::from_millis(500));
    assert_eq!(s.service.heartbeat, Duration::from_secs(60));
    assert_eq!(s.service.max_concurrent_content_syncs, 3);
    assert_eq!(s.service.log_level, LogLevel::Warning);
    assert_eq!(s.service.service_types, ["gitlab"]);
    s.preflight("config.yml").unwrap();
}

#[test]
fn connectors_stringify_ids_skip_missing_ids_and_keep_the_last_duplicate() {
    let loaded = load("connectors:\n  - connector_id: 42\n    service_type: gitlab\n  - service_type: gitlab\n  - connector_id: '42'\n    service_type: gitlab\n    api_key: k1\n  - connector_id: b\n    service_type: gitlab\n").unwrap();
    let c = &loaded.settings.connectors;
    assert_eq!(c.len(), 2);
    assert_eq!(
        (
            c[0].connector_id.as_str(),
            c[0].api_key.as_ref().map(|k| k.expose())
        ),
        ("42", Some("k1"))
    );
    assert_eq!(c[1].connector_id, "b");
    assert_eq!(loaded.warnings[0].key, "connectors[1]");
    assert_eq!(loaded.warnings[0].line, Some(4));
}

#[test]
fn top_level_connector_is_used_only_without_a_list() {
    let s = ok("connector_id: solo\nservice_type: gitlab\n");
    assert_eq!(s.connectors[0].connector_id, "solo");
    let s = ok(
        "connector_id: solo\nservice_type: gitlab\nconnectors:\n  - connector_id: a\n    service_type: gitlab\n",
    );
    assert_eq!(s.connectors.len(), 1);
    assert_eq!(s.connectors[0].connector_id, "a");
}

#[test]
fn sources_and_extraction_service() {
    let s = ok(
        "sources:\n  gitlab: connectors.sources.gitlab:GitLabDataSource\nextraction_service:\n  host: http://tika:8090\n",
    );
    assert_eq!(s.sources, ["gitlab"]);
    let x = s.extraction_service.unwrap();
    assert_eq!(x.host.as_str(), "http://tika:8090/");
    assert_eq!(
        (x.timeout, x.stream_chunk_size),
        (Duration::from_secs(30), 65536)
    );
    assert_eq!(x.shared_volume_dir, std::path::PathBuf::from("/app/files"));
}

#[test]
fn preflight_rejects_empty_list_placeholders_and_bare_worker_mode() {
    let e = ok("").preflight("config.yml").unwrap_err().to_string();
    assert!(e.contains("no connector configured"), "{e}");
    let e = ok("connectors:\n  - connector_id: changeme\n    service_type: gitlab\n")
        .preflight("config.yml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("placeholder"), "{e}");
    let e = ok("service.worker_mode: true\n")
        .preflight("config.yml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("service_types"), "{e}");
}

#[test]
fn type_errors_name_the_key_and_line() {
    let text = "service:\n  idling: 1\nelasticsearch:\n  host: http://x\n  bulk:\n    display_every: 3\n    chunk_size: abc\n";
    assert_eq!(
        err(text),
        "config.yml line 7: `elasticsearch.bulk.chunk_size` must be a positive integer, got \"abc\""
    );
    assert_eq!(
        err("service.worker_mode: maybe\n"),
        "config.yml line 1: `service.worker_mode` must be true or false, got \"maybe\""
    );
    assert_eq!(
        err("connectors:\n  - connector_id: a\n    service_type: [x]\n"),
        "config.yml line 3: `connectors[0].service_type` must be a string, got sequence"
    );
}

#[test]
fn range_errors_name_the_key_and_line() {
    assert_eq!(
        err("elasticsearch.bulk.chunk_size: 0\n"),
        "config.yml line 1: `elasticsearch.bulk.chunk_size` must be a positive integer, got 0"
    );
    assert!(
        err("\nelasticsearch.host: not a url\n")
            .starts_with("config.yml line 2: `elasticsearch.host` must be a URL")
    );
    assert!(
        err("elasticsearch.bulk.max_text_document_size: -1\n").contains("zero (no limit) or more")
    );
    assert!(err("service.log_level: LOUD\n").contains("must be one of DEBUG"));
    assert!(err("service.idling: 0\n").contains("more than zero"));
    assert!(
        err("elasticsearch.bulk.error_monitor.max_error_rate: 2\n").contains("between 0 and 1")
    );
    assert!(
        err("connectors:\n  - connector_id: a\n")
            .contains("`connectors[0].service_type` is required")
    );
}

#[test]
fn invalid_yaml_is_reported_with_its_position() {
    let e = err("service:\n  idling: [1,\n");
    assert!(e.starts_with("config.yml: invalid YAML"), "{e}");
}

#[test]
fn errors_never_quote_a_secret() {
    let e = err("elasticsearch:\n  password: PWSECRET\n  host: [unclosed\n");
    assert!(e.contains("line 3"), "{e}");
    assert!(!e.contains("PWSECRET"), "{e}");
    let e = err("elasticsearch:\n  api_key: KEY\n  api_key: APIKEYSECRET\n");
    assert!(e.contains("duplicate mapping key"), "{e}");
    assert!(!e.contains("APIKEYSECRET"), "{e}");
    let e = err("elasticsearch.password: 123456\n");
    assert_eq!(
        e,
        "config.yml line 1: `elasticsearch.password` must be a string"
    );
    let e = err("connectors:\n  - connector_id: a\n    api_key: 987654\n");
    assert!(
        e.contains("`connectors[0].api_key` must be a string"),
        "{e}"
    );
    assert!(!e.contains("987654"), "{e}");
}

#[test]
fn interpolation_strict_fallback_and_dollar_literal() {
    let env = EnvVars::empty()
        .with("ES_HOST", "https://es:9200")
        .with("KEY", "k$y");
    let text = "# $NOT_SET in a comment\nelasticsearch.host: $ES_HOST\nelasticsearch.api_key: ${KEY}\nelasticsearch.password: pa$$word\nservice.idling: ${IDLE|2}\n";
    let s = load_str("config.yml", text, &env).unwrap().settings;
    assert_eq!(s.elasticsearch.host.as_str(), "https://es:9200/");
    assert_eq!(s.elasticsearch.auth, EsAuth::ApiKey("k$y".into()));
    assert_eq!(s.service.idling, Duration::from_secs(2));
    let e = load_str("config.yml", "a: 1\nelasticsearch.host: $NOPE\n", &env).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("config.yml line 2: environment variable `NOPE` is not set")
    );
    let relaxed = env.with(interpolate::STRICT_DISABLE_VAR, "yes");
    let s = load_str("config.yml", "elasticsearch.password: a$NOPE\n", &relaxed)
        .unwrap()
        .settings;
    assert_eq!(
        s.elasticsearch.auth,
        EsAuth::Basic {
            username: "elastic".into(),
            password: "a$NOPE".into()
        }
    );
}

#[test]
fn env_file_feeds_interpolation_when_loading_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.yml");
    std::fs::write(&path, "elasticsearch.host: http://localhost:9200\n").unwrap();
    let loaded = load_file(&path).unwrap();
    assert_eq!(loaded.settings.elasticsearch.host.port(), Some(9200));
    let env = EnvVars::empty().with_dotenv("HOST_FROM_DOTENV=http://dotenv:9200\n");
    let s = load_str(
        "config.yml",
        "elasticsearch.host: $HOST_FROM_DOTENV\n",
        &env,
    )
    .unwrap();
    assert_eq!(s.settings.elasticsearch.host.host_str(), Some("dotenv"));
}

#[test]
fn typos_are_warned_with_line_and_suggestion_and_still_accepted() {
    let loaded = load("service:\n  idlng: 3\n").unwrap();
    assert_eq!(
        loaded.warnings[0].to_string(),
        "config.yml line 2: `service.idlng` is not a known key and is ignored (did you mean `service.idling`?)"
    );
    assert_eq!(loaded.settings.service.idling, Duration::from_secs(30));
}

#[test]
fn keys_without_effect_in_this_service_are_warned_with_their_line() {
    let loaded = load("service.idling: 3\nelasticsearch.bulk.display_every: 5\n").unwrap();
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert_eq!(
        loaded.warnings[0].to_string(),
        "config.yml line 2: `elasticsearch.bulk.display_every` is accepted for compatibility and ignored: sync progress is reported in the job's counts every 10 seconds"
    );
}

#[test]
fn debug_of_settings_shows_no_secret() {
    let s = ok(
        "elasticsearch.password: hunter2-pw\nelasticsearch.headers:\n  Authorization: hunter3-hdr\nconnectors:\n  - connector_id: a\n    service_type: gitlab\n    api_key: hunter4-key\n",
    );
    let debug = format!("{s:?}");
    for secret in ["hunter2-pw", "hunter3-hdr", "hunter4-key"] {
        assert!(!debug.contains(secret), "{secret} leaked in {debug}");
    }
    let s = ok("elasticsearch.api_key: hunter5-key\n");
    assert!(!format!("{s:?}").contains("hunter5-key"));
}

#[test]
fn example_file_loads_and_documents_every_known_key() {
    let text = include_str!("../../../config.yml.example");
    let loaded = load(text).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let e = loaded.settings.preflight("config.yml.example").unwrap_err();
    assert!(e.to_string().contains("placeholder"), "{e}");
    for key in keys::KNOWN_KEYS {
        let leaf = key.trim_end_matches(".*").rsplit('.').next().unwrap_or(key);
        assert!(
            text.contains(&format!("{leaf}:")),
            "config.yml.example does not mention `{key}`"
        );
    }
}
