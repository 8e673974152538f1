//! Live progress on a terminal: one line with documents per type, rate and requests.

use std::sync::Arc;
use std::time::Duration;

use gitlab_client::GitlabClient;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sync_engine::SyncProgress;

/// How often the progress line is redrawn.
const REFRESH: Duration = Duration::from_millis(200);

/// A progress line that follows a running sync until dropped.
pub struct ProgressLine {
    bar: ProgressBar,
    task: tokio::task::JoinHandle<()>,
}

impl ProgressLine {
    /// Starts drawing on stderr when it is a terminal and `enabled`; otherwise draws nothing.
    pub fn start(enabled: bool, progress: Arc<SyncProgress>, client: GitlabClient) -> Self {
        let target = if enabled {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        let line = bar.clone();
        let task = tokio::spawn(async move {
            let mut ticker = tokio::time::interval(REFRESH);
            loop {
                ticker.tick().await;
                line.set_message(describe(&progress, &client));
                line.tick();
            }
        });
        ProgressLine { bar, task }
    }
}

fn describe(progress: &SyncProgress, client: &GitlabClient) -> String {
    let types: Vec<String> = progress
        .by_type()
        .iter()
        .map(|(doc_type, count)| format!("{doc_type} {count}"))
        .collect();
    let requests = client.stats();
    format!(
        "{} | written {} unchanged {} | GitLab requests {} (retries {}, 429s {})",
        if types.is_empty() {
            "starting".to_owned()
        } else {
            types.join(" · ")
        },
        progress.created() + progress.updated(),
        progress.unchanged(),
        requests.graphql_requests + requests.rest_requests,
        requests.retries,
        requests.rate_limited,
    )
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.task.abort();
        self.bar.finish_and_clear();
    }
}
