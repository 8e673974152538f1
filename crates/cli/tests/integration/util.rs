//! Test harness: a GitLab simulator on an ephemeral loopback port, and the real binary.

use std::path::Path;
use std::process::{Command, Output};

use gitlab_sim::{SimConfig, SimState, Size};
use serde_json::Value;

/// The token the simulator accepts in these tests.
pub const TOKEN: &str = "test-token";

/// A server running on its own runtime thread until dropped.
struct ServerThread {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ServerThread {
    /// Binds `127.0.0.1:0` on a fresh runtime thread and runs `serve(listener, shutdown)`.
    fn spawn<F, Fut>(serve: F) -> (std::net::SocketAddr, ServerThread)
    where
        F: FnOnce(tokio::net::TcpListener, tokio::sync::oneshot::Receiver<()>) -> Fut
            + Send
            + 'static,
        Fut: std::future::Future<Output = std::io::Result<()>>,
    {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                addr_tx
                    .send(listener.local_addr().expect("addr"))
                    .expect("send addr");
                serve(listener, stop_rx).await.expect("serve");
            });
        });
        let addr = addr_rx.recv().expect("server started");
        (
            addr,
            ServerThread {
                stop: Some(stop_tx),
                thread: Some(thread),
            },
        )
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A GitLab simulator on an ephemeral loopback port until dropped.
pub struct Sim {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// In-process handle: switches, fail rules, mutations, request log.
    pub state: SimState,
    _server: ServerThread,
}

impl Sim {
    /// Starts a simulator of `size`.
    pub fn start(size: Size) -> Sim {
        let config = SimConfig {
            token: TOKEN.to_owned(),
            ..SimConfig::new(size)
        };
        let state = SimState::new(config);
        let served = state.clone();
        let (addr, server) = ServerThread::spawn(move |listener, stop| {
            gitlab_sim::serve(listener, served, async move {
                let _ = stop.await;
            })
        });
        Sim {
            url: format!("http://{addr}"),
            state,
            _server: server,
        }
    }
}

/// The binary under test, with a clean environment for the variables it reads.
pub fn connector() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gitlab-connector"));
    for var in [
        "GITLAB_URL",
        "GITLAB_TOKEN",
        "GITLAB_PROJECTS",
        "GITLAB_CA_BUNDLE",
        "RUST_LOG",
    ] {
        command.env_remove(var);
    }
    command.env_remove("GITLAB_CONNECTOR_INDEX_DIR");
    command
}

/// What a `sync --json` run gave.
pub struct SyncRun {
    /// Exit code.
    pub code: i32,
    /// The JSON summary (Null when none was printed).
    pub summary: Value,
    /// Everything on stderr.
    pub stderr: String,
}

/// Runs `sync --json` against `sim` into the local index `dir`, with `extra` arguments.
pub fn sync(sim: &Sim, dir: &Path, extra: &[&str]) -> SyncRun {
    let mut command = connector();
    command.args([
        "sync",
        "--gitlab-url",
        &sim.url,
        "--token",
        TOKEN,
        "--json",
        "--index-dir",
    ]);
    command.arg(dir);
    command.args(extra);
    finish(command.output().expect("binary runs"))
}

/// Turns a finished process into a [`SyncRun`].
pub fn finish(output: Output) -> SyncRun {
    let stdout = String::from_utf8_lossy(&output.stdout);
    SyncRun {
        code: output.status.code().unwrap_or(-1),
        summary: serde_json::from_str(&stdout).unwrap_or(Value::Null),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A summary counter as a number.
pub fn counter(summary: &Value, key: &str) -> u64 {
    summary[key]
        .as_u64()
        .unwrap_or_else(|| panic!("summary has no `{key}`: {summary}"))
}

/// The summary's documents by type, as plain numbers.
pub fn by_type(summary: &Value) -> std::collections::BTreeMap<String, u64> {
    serde_json::from_value(summary["documents_by_type"].clone()).expect("documents_by_type")
}

/// An Elasticsearch simulator on an ephemeral loopback port until dropped.
pub struct Es {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// In-process handle: faults, request log, stored documents.
    pub state: es_sim::EsSimState,
    _server: ServerThread,
}

impl Es {
    /// Starts an Elasticsearch simulator accepting any credentials.
    pub fn start() -> Es {
        let state = es_sim::EsSimState::default();
        let served = state.clone();
        let (addr, server) = ServerThread::spawn(move |listener, stop| {
            es_sim::serve(listener, served, async move {
                let _ = stop.await;
            })
        });
        Es {
            url: format!("http://{addr}"),
            state,
            _server: server,
        }
    }
}

/// Runs `sync --json --sink elasticsearch` against `sim` into `es`'s index `search-gitlab`.
pub fn sync_es(sim: &Sim, es: &Es, extra: &[&str]) -> SyncRun {
    let mut command = connector();
    command.args(["sync", "--gitlab-url", &sim.url, "--token", TOKEN, "--json"]);
    command.args([
        "--sink",
        "elasticsearch",
        "--es-url",
        &es.url,
        "--index",
        "search-gitlab",
    ]);
    command.args(["--es-username", "elastic", "--es-password", "changeme"]);
    command.args(extra);
    finish(command.output().expect("binary runs"))
}
