//! `gitlab-connector run -c config.yml` as Kibana would drive it, through the real binary:
//! register → configure → on-demand job → completed → SIGTERM exits cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use gitlab_sim::Size;
use serde_json::{Value, json};

use crate::util::{Es, Sim, TOKEN, connector};

fn es_call(es: &Es, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let mut request = client
            .request(method, format!("{}{path}", es.url))
            .header("X-elastic-product-origin", "kibana");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("es-sim answers");
        response.json::<Value>().await.unwrap_or(Value::Null)
    })
}

fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

struct Service(Child);

impl Service {
    /// `gitlab-connector run -c config`, its stderr captured.
    fn start(config: &std::path::Path) -> Service {
        Service::start_with(&[], config)
    }

    /// `gitlab-connector FLAGS run -c config`, its stderr captured.
    fn start_with(flags: &[&str], config: &std::path::Path) -> Service {
        let child = connector()
            .args(flags)
            .args(["run", "-c"])
            .arg(config)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("service starts");
        Service(child)
    }

    /// The first stderr line that contains `needle`, read as the service writes it.
    fn line_with(&mut self, needle: &str, timeout: Duration) -> String {
        let stderr = self.0.stderr.take().expect("stderr captured");
        let (lines, received) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    return;
                }
            }
        });
        let started = Instant::now();
        loop {
            let left = timeout.saturating_sub(started.elapsed());
            match received.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("no log line with `{needle}` within {timeout:?}"),
            }
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn run_registers_the_connector_runs_a_kibana_job_and_stops_on_sigterm() {
    let sim = Sim::start(Size::Small);
    let es = Es::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.yml");
    std::fs::write(
        &config,
        format!(
            "elasticsearch:\n  host: {}\n  username: elastic\n  password: changeme\n  retry_interval: 0.1\n\
             service:\n  idling: 0.2\n  heartbeat: 1\nconnectors:\n  - connector_id: gl-1\n    service_type: gitlab\n",
            es.url
        ),
    )
    .expect("config written");
    es_call(
        &es,
        reqwest::Method::PUT,
        "/_connector/gl-1",
        Some(json!({"index_name": "search-gitlab", "service_type": "gitlab", "name": "GitLab"})),
    );

    let mut service = Service::start(&config);

    let status =
        |es: &Es| es_call(es, reqwest::Method::GET, "/_connector/gl-1", None)["status"].clone();
    wait_for("needs_configuration", Duration::from_secs(20), || {
        status(&es) == "needs_configuration"
    });
    let connector_doc = es_call(&es, reqwest::Method::GET, "/_connector/gl-1", None);
    assert_eq!(
        connector_doc["configuration"]["token"]["label"],
        "Personal Access Token"
    );
    assert_eq!(
        connector_doc["configuration"]["projects"]["label"],
        "List of projects"
    );

    es_call(
        &es,
        reqwest::Method::PUT,
        "/_connector/gl-1/_configuration",
        Some(json!({"values": {"token": TOKEN, "projects": "*", "gitlab_url": sim.url}})),
    );
    wait_for("connected", Duration::from_secs(20), || {
        status(&es) == "connected"
    });
    let job = es_call(
        &es,
        reqwest::Method::POST,
        "/_connector/_sync_job",
        Some(json!({"id": "gl-1", "job_type": "full", "trigger_method": "on_demand"})),
    );
    let job_id = job["id"].as_str().expect("job id").to_owned();
    let job_status = |es: &Es| {
        es_call(
            es,
            reqwest::Method::GET,
            &format!("/_connector/_sync_job/{job_id}"),
            None,
        )["status"]
            .clone()
    };
    wait_for("job completed", Duration::from_secs(60), || {
        job_status(&es) == "completed"
    });

    let expected: u64 = gitlab_sim::expected_counts(Size::Small).values().sum();
    let stored = es
        .state
        .documents("search-gitlab")
        .expect("content index")
        .len() as u64;
    assert_eq!(stored, expected);
    let job = es_call(
        &es,
        reqwest::Method::GET,
        &format!("/_connector/_sync_job/{job_id}"),
        None,
    );
    assert_eq!(job["indexed_document_count"], expected);

    let pid = service.0.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = service.0.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "service ignored SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(exit.success(), "service exit status {exit:?}");
}

#[test]
fn elasticsearch_log_level_sets_the_level_of_the_elasticsearch_clients_lines() {
    let es = Es::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.yml");
    es_call(
        &es,
        reqwest::Method::PUT,
        "/_connector/gl-1",
        Some(json!({"index_name": "search-gitlab", "service_type": "gitlab", "name": "GitLab"})),
    );
    let run_until_registered = |es_level: &str| {
        std::fs::write(
            &config,
            format!(
                "elasticsearch:\n  host: {}\n  username: elastic\n  password: changeme\n  log_level: {es_level}\n\
                 service:\n  idling: 0.2\n  log_level: WARNING\nconnectors:\n  - connector_id: gl-1\n    service_type: gitlab\n",
                es.url
            ),
        )
        .expect("config written");
        let mut service = Service::start(&config);
        wait_for("the connector registered", Duration::from_secs(20), || {
            es_call(&es, reqwest::Method::GET, "/_connector/gl-1", None)["status"]
                == "needs_configuration"
        });
        let _ = service.0.kill();
        let output = service.0.stderr.take().map(|mut stderr| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut stderr, &mut text).expect("stderr");
            text
        });
        output.unwrap_or_default()
    };

    let debug = run_until_registered("DEBUG");
    assert!(
        debug.contains("Elasticsearch request"),
        "the client's requests are logged at DEBUG: {debug}"
    );
    assert!(
        !debug.contains("INFO"),
        "the rest stays at service.log_level: {debug}"
    );
    let default = run_until_registered("INFO");
    assert!(!default.contains("Elasticsearch request"), "{default}");
}

#[test]
fn service_log_lines_name_their_connector_once() {
    let es = Es::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.yml");
    for (flags, id) in [(&[][..], "gl-text"), (&["--log-json"][..], "gl-json")] {
        es_call(
            &es,
            reqwest::Method::PUT,
            &format!("/_connector/{id}"),
            Some(
                json!({"index_name": format!("search-{id}"), "service_type": "gitlab", "name": "GitLab"}),
            ),
        );
        std::fs::write(
            &config,
            format!(
                "elasticsearch:\n  host: {}\n  username: elastic\n  password: changeme\n\
                 service:\n  idling: 0.2\n  log_level: INFO\nconnectors:\n  - connector_id: {id}\n    service_type: gitlab\n",
                es.url
            ),
        )
        .expect("config written");
        let mut service = Service::start_with(flags, &config);
        let line = service.line_with("connector needs configuration", Duration::from_secs(20));
        assert_eq!(line.matches("connector_id").count(), 1, "{line}");
        assert!(
            !line.contains('\x1b'),
            "no colour codes when stderr is not a terminal: {line:?}"
        );
        if flags.is_empty() {
            assert!(line.contains(id), "{line}");
        } else {
            let line: Value = serde_json::from_str(&line).expect("a JSON line");
            assert_eq!(line["labels"]["connector_id"], id, "{line}");
        }
    }
}
