//! Connector health: validate the configuration, then ping GitLab (`GET /api/v4/user`),
//! with the ping cached for one poll period so a tick and a job start do not both ask
//! (`gitlab-source.md` §10.18).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use gitlab_client::GitlabClient;
use tokio::time::Instant;

use crate::gitlab_config::{ConfigProblem, GitlabConfig};

/// (GitLab URL, token fingerprint).
type PingKey = (String, u64);
/// When a ping was made and what it answered.
type PingEntry = (Instant, Result<(), String>);

/// Longest a ping may take. The GitLab client's own limits (300 s per request, 6 attempts)
/// suit a sync, not a health check: a GitLab that does not answer would hold the scheduler's
/// tick, and with it the check-ins and cron jobs of every connector, for half an hour.
pub const PING_TIMEOUT: Duration = Duration::from_secs(60);

/// Ping results by (GitLab URL, token fingerprint), each valid for `ttl`.
pub struct PingCache {
    ttl: Duration,
    timeout: Duration,
    entries: Mutex<HashMap<PingKey, PingEntry>>,
}

impl PingCache {
    /// A cache whose entries live `ttl` (one poll period); pings give up after
    /// [`PING_TIMEOUT`].
    pub fn new(ttl: Duration) -> Self {
        PingCache {
            ttl,
            timeout: PING_TIMEOUT,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The same cache with pings giving up after `timeout`.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn cached(&self, key: &PingKey) -> Option<Result<(), String>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, result)| result.clone())
    }

    fn store(&self, key: PingKey, result: Result<(), String>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
        entries.insert(key, (Instant::now(), result));
    }

    /// Pings GitLab with `config`'s URL and token, or returns the cached answer. The error is
    /// the message Kibana shows.
    pub async fn ping(&self, config: &GitlabConfig) -> Result<(), ConfigProblem> {
        let key = config.ping_key();
        if let Some(result) = self.cached(&key) {
            return result.map_err(ConfigProblem);
        }
        let result = match tokio::time::timeout(self.timeout, ping_once(config)).await {
            Ok(result) => result,
            Err(_) => Err(format!(
                "Failed to connect to GitLab: no answer within {} s (check the GitLab URL and the network between this service and GitLab)",
                self.timeout.as_secs_f64()
            )),
        };
        self.store(key, result.clone());
        result.map_err(ConfigProblem)
    }
}

async fn ping_once(config: &GitlabConfig) -> Result<(), String> {
    let client = GitlabClient::new(config.client.clone())
        .map_err(|error| format!("Failed to connect to GitLab: {error}"))?;
    match client.current_user().await {
        Ok(user) => {
            tracing::debug!(user = %user.username, "GitLab answered the ping");
            Ok(())
        }
        Err(error) => Err(format!("Failed to authenticate with GitLab: {error}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gitlab_config;
    use crate::schema::gitlab_schema;
    use serde_json::json;

    #[tokio::test]
    async fn a_ping_gitlab_does_not_answer_gives_up_after_the_timeout() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        // Accepts connections and never answers.
        let silent = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let mut schema = gitlab_schema();
        schema["token"]["value"] = json!("t");
        schema["projects"]["value"] = json!("*");
        schema["gitlab_url"]["value"] = json!(url);
        let configuration = schema
            .into_iter()
            .map(|(k, v)| (k, serde_json::from_value(v).expect("field")))
            .collect();
        let config = gitlab_config::parse(&configuration).expect("valid");
        let cache = PingCache::new(Duration::from_secs(1)).with_timeout(Duration::from_millis(200));
        let answer = tokio::time::timeout(Duration::from_secs(5), cache.ping(&config))
            .await
            .expect("the ping gives up by itself");
        let problem = answer.expect_err("no answer is a failure");
        assert!(problem.0.contains("no answer within 0.2 s"), "{problem}");
        silent.abort();
    }
}
