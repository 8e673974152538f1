//! Test harness: the two simulators on loopback port 0, service settings with small
//! intervals, Kibana-side calls, and polling helpers.

use std::future::Future;
use std::time::Duration;

use connector_config::{EnvVars, Settings};
use connector_service::ServiceError;
use es_client::{EsClient, EsSettings, Method, PRODUCT_ORIGIN, PRODUCT_ORIGIN_HEADER};
use es_sim::EsSimState;
use gitlab_sim::{SimConfig, SimState, Size};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The connector id every test uses.
pub const CONNECTOR: &str = "gitlab-test";
/// Its content index.
pub const INDEX: &str = "search-gitlab";

/// Starts es-sim on `listener`.
pub fn serve_es(listener: TcpListener, state: EsSimState) {
    tokio::spawn(es_sim::serve(listener, state, std::future::pending()));
}

/// Logs to the test output when `RUST_LOG` is set.
pub fn init_logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

/// An es-sim that demands the default basic credentials and the product-origin header.
pub fn strict_es() -> EsSimState {
    EsSimState::new(es_sim::SimConfig {
        api_key: None,
        basic: Some((
            connector_config::DEFAULT_USERNAME.to_owned(),
            connector_config::DEFAULT_PASSWORD.to_owned(),
        )),
        require_product_origin: true,
    })
}

/// es-sim on a fresh port: its state and URL.
pub async fn start_es() -> (EsSimState, String) {
    init_logs();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind es");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let state = strict_es();
    serve_es(listener, state.clone());
    (state, url)
}

/// gitlab-sim (small data) on a fresh port: its state and URL.
pub async fn start_gitlab() -> (SimState, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind gitlab");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let state = SimState::new(SimConfig::new(Size::Small));
    tokio::spawn(gitlab_sim::serve(
        listener,
        state.clone(),
        std::future::pending(),
    ));
    (state, url)
}

/// Service settings against `es_url` with sub-second intervals, owning [`CONNECTOR`].
pub fn settings(es_url: &str) -> Settings {
    let owned = format!("connectors:\n  - connector_id: {CONNECTOR}\n    service_type: gitlab\n");
    settings_with(es_url, &owned)
}

/// Service settings against `es_url` with sub-second intervals, in worker mode over `gitlab`
/// connectors (no `connectors:` list).
pub fn worker_settings(es_url: &str) -> Settings {
    settings_with(
        es_url,
        "service.worker_mode: true\nservice.service_types: [gitlab]\n",
    )
}

fn settings_with(es_url: &str, owned: &str) -> Settings {
    let text = format!(
        "elasticsearch.host: {es_url}\n\
         elasticsearch.max_retries: 5\n\
         elasticsearch.retry_interval: 0.05\n\
         elasticsearch.initial_backoff_duration: 0.1\n\
         elasticsearch.backoff_multiplier: 1.5\n\
         elasticsearch.max_wait_duration: 20\n\
         service.idling: 0.2\n\
         service.job_cleanup_interval: 0.5\n\
         {owned}"
    );
    let loaded =
        connector_config::load_str("config.yml", &text, &EnvVars::empty()).expect("test config");
    loaded.settings.preflight("config.yml").expect("preflight");
    loaded.settings
}

/// A running service and the switch that stops it.
pub struct Service {
    stop: Option<oneshot::Sender<()>>,
    handle: JoinHandle<Result<(), ServiceError>>,
}

impl Service {
    /// Starts `connector_service::run` with `settings`.
    pub fn start(settings: Settings) -> Service {
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown = async move {
            let _ = stopped.await;
        };
        let handle = tokio::spawn(connector_service::run(settings, shutdown));
        Service {
            stop: Some(stop),
            handle,
        }
    }

    /// Signals shutdown and waits for `run` to return (bounded).
    pub async fn stop(mut self) -> Result<(), ServiceError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(15), self.handle)
            .await
            .expect("service stops within 15 s")
            .expect("service task")
    }

    /// Whether `run` already returned.
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }
}

/// A Kibana-like client of es-sim.
pub fn kibana(es_url: &str) -> EsClient {
    let mut settings = EsSettings::new(es_url.parse().expect("url"));
    settings.auth = Some(es_client::EsAuth::Basic {
        username: connector_config::DEFAULT_USERNAME.to_owned(),
        password: connector_core::Secret::new(connector_config::DEFAULT_PASSWORD),
    });
    EsClient::new(settings).expect("client")
}

/// A request the service never sends, the way Kibana sends it: `path` under `es`'s URL, with
/// the default basic credentials and the product-origin header; panics unless ES answers 2xx.
pub async fn call(
    es: &EsClient,
    method: Method,
    path: &[&str],
    query: &[(&str, &str)],
    body: Option<Value>,
) -> Value {
    let mut url = es.base_url().clone();
    url.path_segments_mut()
        .expect("base URL")
        .pop_if_empty()
        .extend(path);
    url.query_pairs_mut().extend_pairs(query);
    let mut request = reqwest::Client::new()
        .request(method, url)
        .basic_auth(
            connector_config::DEFAULT_USERNAME,
            Some(connector_config::DEFAULT_PASSWORD),
        )
        .header(PRODUCT_ORIGIN_HEADER, PRODUCT_ORIGIN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let status = response.status();
    let text = response.text().await.expect("response body");
    assert!(status.is_success(), "{path:?}: {status} {text}");
    serde_json::from_str(&text).expect("JSON answer")
}

/// `PUT _connector/{id}` as Kibana does for a self-managed GitLab connector.
pub async fn create_connector(es: &EsClient) {
    create_connector_as(es, CONNECTOR, INDEX, "gitlab").await;
}

/// `PUT _connector/{id}` for a self-managed connector `id` of `service_type` into `index`.
pub async fn create_connector_as(es: &EsClient, id: &str, index: &str, service_type: &str) {
    let body =
        json!({"index_name": index, "name": id, "service_type": service_type, "is_native": false});
    call(es, Method::PUT, &["_connector", id], &[], Some(body)).await;
}

/// `PUT _connector/{id}/_configuration {"values": …}`.
pub async fn configure(es: &EsClient, token: &str, gitlab_url: &str) {
    configure_connector(es, CONNECTOR, token, gitlab_url).await;
}

/// `PUT _connector/{id}/_configuration {"values": …}` of connector `id`.
pub async fn configure_connector(es: &EsClient, id: &str, token: &str, gitlab_url: &str) {
    let body = json!({"values": {"token": token, "projects": "*", "gitlab_url": gitlab_url}});
    call(
        es,
        Method::PUT,
        &["_connector", id, "_configuration"],
        &[],
        Some(body),
    )
    .await;
}

/// `PUT _connector/{id}/_scheduling` with a full schedule.
pub async fn schedule_full(es: &EsClient, interval: &str) {
    let body = json!({"scheduling": {"full": {"enabled": true, "interval": interval}}});
    call(
        es,
        Method::PUT,
        &["_connector", CONNECTOR, "_scheduling"],
        &[],
        Some(body),
    )
    .await;
}

/// `POST _connector/_sync_job` (on demand) → job id.
pub async fn request_sync(es: &EsClient) -> String {
    es.sync_job_post(CONNECTOR, "full", "on_demand")
        .await
        .expect("job created")
}

/// `PUT _connector/_sync_job/{id}/_cancel`.
pub async fn cancel(es: &EsClient, job: &str) {
    call(
        es,
        Method::PUT,
        &["_connector", "_sync_job", job, "_cancel"],
        &[],
        None,
    )
    .await;
}

/// The connector as `GET _connector/{id}` returns it.
pub async fn connector(es: &EsClient) -> Value {
    connector_by_id(es, CONNECTOR).await
}

/// Connector `id` as `GET _connector/{id}` returns it.
pub async fn connector_by_id(es: &EsClient, id: &str) -> Value {
    call(es, Method::GET, &["_connector", id], &[], None).await
}

/// A job as `GET _connector/_sync_job/{id}` returns it.
pub async fn job(es: &EsClient, id: &str) -> Value {
    call(es, Method::GET, &["_connector", "_sync_job", id], &[], None).await
}

/// All jobs of the connector.
pub async fn jobs(es: &EsClient) -> Vec<Value> {
    let found = call(
        es,
        Method::GET,
        &["_connector", "_sync_job"],
        &[("connector_id", CONNECTOR), ("size", "100")],
        None,
    )
    .await;
    found["results"].as_array().cloned().unwrap_or_default()
}

/// Polls `probe` every 100 ms until it yields a value, or panics after `timeout`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until job `id` has `status`.
pub async fn wait_job_status(es: &EsClient, id: &str, status: &str, timeout: Duration) -> Value {
    wait_for(&format!("job {id} {status}"), timeout, || async {
        let job = job(es, id).await;
        (job["status"] == status).then_some(job)
    })
    .await
}

/// Waits until the connector has `status`.
pub async fn wait_connector_status(es: &EsClient, status: &str, timeout: Duration) -> Value {
    wait_status_of(es, CONNECTOR, status, timeout).await
}

/// Waits until connector `id` has `status`.
pub async fn wait_status_of(es: &EsClient, id: &str, status: &str, timeout: Duration) -> Value {
    wait_for(&format!("connector {id} {status}"), timeout, || async {
        let connector = connector_by_id(es, id).await;
        (connector["status"] == status).then_some(connector)
    })
    .await
}

/// Documents a full sync of the small data set must index.
pub fn expected_total() -> u64 {
    gitlab_sim::expected_counts(Size::Small).values().sum()
}

/// Documents in the content index.
pub async fn index_count(es: &EsClient) -> u64 {
    es.refresh(INDEX).await.expect("refresh");
    es.count(INDEX).await.expect("count")
}

/// A connected connector: created, schema registered, configured, `connected`.
pub async fn connected(es: &EsClient, gitlab_url: &str) {
    create_connector(es).await;
    wait_connector_status(es, "needs_configuration", Duration::from_secs(10)).await;
    configure(es, gitlab_sim::config::DEFAULT_TOKEN, gitlab_url).await;
    wait_connector_status(es, "connected", Duration::from_secs(10)).await;
}

/// `PUT _connector/{id}/_filtering {"rules": …}`: a new draft (state `edited`).
pub async fn set_draft_rules(es: &EsClient, rules: Value) {
    set_draft(es, json!({ "rules": rules })).await;
}

/// `PUT _connector/{id}/_filtering` with a whole draft body (`rules`, `advanced_snippet`).
pub async fn set_draft(es: &EsClient, body: Value) {
    call(
        es,
        Method::PUT,
        &["_connector", CONNECTOR, "_filtering"],
        &[],
        Some(body),
    )
    .await;
}

/// Writes job `id` straight into the jobs index, as a service that died would have left it.
pub async fn plant_job(es: &EsClient, id: &str, job: &Value) {
    call(
        es,
        Method::PUT,
        &[es_sim::JOBS_ALIAS, "_doc", id],
        &[],
        Some(job.clone()),
    )
    .await;
}

/// Leaves the connector's start lock taken (`last_sync_status: in_progress`), as a crash does.
pub async fn leave_in_progress(es: &EsClient) {
    es.update_doc(
        es_sim::CONNECTORS_ALIAS,
        CONNECTOR,
        &json!({"last_sync_status": "in_progress"}),
        None,
    )
    .await
    .expect("connector left in progress");
}

/// Waits until the cleanup loop errored job `id` as idle or orphaned.
pub async fn wait_idle_error(es: &EsClient, id: &str) -> Value {
    let job = wait_job_status(es, id, "error", Duration::from_secs(10)).await;
    assert_eq!(
        job["error"], "The job has not seen any update for some time.",
        "{job}"
    );
    job
}

/// Makes gitlab-sim hold every request for a minute (then answer 504, which is retried): a
/// GitLab that does not answer.
pub fn silence_gitlab(gl: &SimState) {
    gl.set_switches(gitlab_sim::Switches {
        fault_timeout_rate: 1.0,
        timeout_hold_ms: 60_000,
        ..gitlab_sim::Switches::default()
    });
}

/// A connected service running a sync that GitLab latency keeps going for seconds: the
/// Kibana-side client, the service and the job id.
pub async fn slow_running_job() -> (EsClient, Service, String) {
    let (es, gl, service) = connected_service().await;
    gl.set_switches(gitlab_sim::Switches {
        latency_ms: 60,
        ..gitlab_sim::Switches::default()
    });
    let id = request_sync(&es).await;
    wait_job_status(&es, &id, "in_progress", Duration::from_secs(10)).await;
    (es, service, id)
}

/// Both simulators and a service whose connector is `connected`: the Kibana-side client,
/// gitlab-sim and the service.
pub async fn connected_service() -> (EsClient, SimState, Service) {
    let (_es_state, es, gl, service) = connected_service_tuned(|_| {}).await;
    (es, gl, service)
}

/// Both simulators and a service with [`settings`] changed by `tune`, whose connector is
/// `connected`: es-sim, the Kibana-side client, gitlab-sim and the service.
pub async fn connected_service_tuned(
    tune: impl FnOnce(&mut Settings),
) -> (EsSimState, EsClient, SimState, Service) {
    let (es_state, es_url) = start_es().await;
    let (gl, gl_url) = start_gitlab().await;
    let es = kibana(&es_url);
    let mut settings = settings(&es_url);
    tune(&mut settings);
    let service = Service::start(settings);
    connected(&es, &gl_url).await;
    (es_state, es, gl, service)
}
