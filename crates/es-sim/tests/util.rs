//! Test harness: an es-sim on loopback port 0 and a small JSON client.

use es_sim::EsSimState;
use reqwest::Method;
use serde_json::Value;
use tokio::sync::oneshot;

/// A running simulator; stops when dropped.
pub struct Sim {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Handle to the simulator's data and switches.
    pub state: EsSimState,
    /// Client for raw requests.
    pub client: reqwest::Client,
    _stop: oneshot::Sender<()>,
}

impl Sim {
    /// Starts a simulator with `state`.
    pub async fn start(state: EsSimState) -> Sim {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(es_sim::serve(listener, state.clone(), async {
            let _ = rx.await;
        }));
        Sim {
            base: format!("http://{addr}"),
            state,
            client: reqwest::Client::new(),
            _stop: tx,
        }
    }

    /// Starts a default simulator.
    pub async fn default() -> Sim {
        Sim::start(EsSimState::default()).await
    }

    /// Sends a request with the connectors product origin; returns status and JSON body.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("X-elastic-product-origin", "connectors");
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("send");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Sends an NDJSON `_bulk` body.
    pub async fn bulk(&self, path: &str, ndjson: &str) -> (u16, Value) {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-ndjson")
            .header("X-elastic-product-origin", "connectors")
            .body(ndjson.to_owned())
            .send()
            .await
            .expect("send");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}
