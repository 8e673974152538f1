//! Live progress on a terminal: one line with documents per type, rate and requests.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use gitlab_client::GitlabClient;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sync_engine::SyncProgress;

/// How often the progress line is redrawn.
const REFRESH: Duration = Duration::from_millis(200);

/// The progress line on the terminal, if one is drawn: log lines step around it
/// ([`around_progress_line`]).
static ON_SCREEN: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Runs `write` (which writes to stderr) with the progress line, when one is drawn, cleared
/// first and drawn again after, so that what `write` writes never lands on the progress line.
pub fn around_progress_line<R>(write: impl FnOnce() -> R) -> R {
    let bar = ON_SCREEN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    match bar {
        Some(bar) => bar.suspend(write),
        None => write(),
    }
}

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
        let bar = spinner_line(target);
        if enabled {
            *ON_SCREEN.lock().unwrap_or_else(PoisonError::into_inner) = Some(bar.clone());
        }
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

/// The progress line's spinner, drawn on `target`. `wide_msg` cuts the line at the
/// terminal's width: a wrapped line would be redrawn one row too low, over the row above.
fn spinner_line(target: ProgressDrawTarget) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, target);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
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
        ON_SCREEN
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use indicatif::TermLike;

    use super::*;

    /// A terminal that records what is drawn on it, and the log lines written around it.
    #[derive(Debug, Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<String>>>);

    impl Recorder {
        fn push(&self, op: String) {
            self.0.lock().expect("lock").push(op);
        }

        fn ops(&self) -> Vec<String> {
            self.0.lock().expect("lock").clone()
        }
    }

    impl TermLike for Recorder {
        fn width(&self) -> u16 {
            80
        }
        fn move_cursor_up(&self, n: usize) -> io::Result<()> {
            self.push(format!("up {n}"));
            Ok(())
        }
        fn move_cursor_down(&self, n: usize) -> io::Result<()> {
            self.push(format!("down {n}"));
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, line: &str) -> io::Result<()> {
            self.push(format!("line {line}"));
            Ok(())
        }
        fn write_str(&self, text: &str) -> io::Result<()> {
            self.push(format!("str {text}"));
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            self.push("clear".to_owned());
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn log_lines_are_written_with_the_progress_line_cleared_then_redrawn() {
        let term = Recorder::default();
        let bar = spinner_line(ProgressDrawTarget::term_like(Box::new(term.clone())));
        bar.set_message("Issue 12");
        bar.tick();
        *ON_SCREEN.lock().expect("lock") = Some(bar.clone());
        around_progress_line(|| term.push("LOG".to_owned()));
        ON_SCREEN.lock().expect("lock").take();

        let ops = term.ops();
        let log = ops.iter().position(|op| op == "LOG").expect("logged");
        let drawn = |op: &String| op.contains("Issue 12");
        assert!(ops[..log].iter().any(drawn), "{ops:?}");
        let before = ops[..log].iter().rev().find(|op| !op.starts_with("up "));
        assert_eq!(
            before.map(String::as_str),
            Some("clear"),
            "cleared just before the log line: {ops:?}"
        );
        assert!(ops[log + 1..].iter().any(drawn), "drawn again: {ops:?}");
    }
}
