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

/// Ping results by (GitLab URL, token fingerprint), each valid for `ttl`.
pub struct PingCache {
    ttl: Duration,
    entries: Mutex<HashMap<PingKey, PingEntry>>,
}

impl PingCache {
    /// A cache whose entries live `ttl` (one poll period).
    pub fn new(ttl: Duration) -> Self {
        PingCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
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
        let result = ping_once(config).await;
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
