//! Shared helpers: start the simulator on loopback port 0 and talk to it.

#![allow(dead_code)]

pub mod queries;

use gitlab_sim::{SimConfig, SimState, Size};
use serde_json::{Value, json};

/// The token the simulator accepts by default.
pub const TOKEN: &str = "test-token";

/// A running simulator plus a client.
pub struct Sim {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// In-process handle.
    pub state: SimState,
    /// HTTP client.
    pub http: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Starts a simulator on loopback port 0.
pub async fn start(size: Size) -> Sim {
    let state = SimState::new(SimConfig::new(size));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let st = state.clone();
    tokio::spawn(async move {
        gitlab_sim::serve(listener, st, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    Sim {
        base,
        state,
        http: reqwest::Client::new(),
        _stop: tx,
    }
}

impl Sim {
    /// Posts a GraphQL request.
    pub async fn gql_raw(&self, query: &str, variables: Value) -> reqwest::Response {
        self.http
            .post(format!("{}/api/graphql", self.base))
            .header("Authorization", format!("Bearer {TOKEN}"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
    }

    /// Runs a query and returns the whole JSON body (asserting HTTP 200).
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        let resp = self.gql_raw(query, variables).await;
        assert_eq!(resp.status(), 200);
        resp.json().await.unwrap()
    }

    /// Runs a query that must succeed and returns `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// GETs a REST path under `/api/v4` with the token.
    pub async fn rest(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}/api/v4{path}", self.base))
            .header("PRIVATE-TOKEN", TOKEN)
            .send()
            .await
            .unwrap()
    }

    /// Pages through a connection found at `pointer` (JSON pointer under `data`), collecting nodes.
    pub async fn all_nodes(&self, query: &str, mut vars: Value, pointer: &str) -> Vec<Value> {
        let mut out = Vec::new();
        loop {
            let data = self.data(query, vars.clone()).await;
            let conn = data.pointer(pointer).unwrap_or(&Value::Null).clone();
            if conn.is_null() {
                return out;
            }
            out.extend(conn["nodes"].as_array().unwrap().iter().cloned());
            if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                return out;
            }
            vars["after"] = conn["pageInfo"]["endCursor"].clone();
        }
    }
}
