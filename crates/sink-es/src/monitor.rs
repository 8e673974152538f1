//! [`ErrorMonitor`]: fails the sync when bulk items fail too often (spec §1.2, §4.4):
//! more than `max_consecutive_errors` in a row, more than `max_total_errors` in the sync, or a
//! failure ratio above `max_error_rate` over the last `error_window_size` items (the ratio is
//! failures in the window divided by the window size, as in the reference).

use std::collections::VecDeque;

use connector_config::ErrorMonitorSettings;

/// Per-sync counters of item outcomes.
#[derive(Debug, Clone)]
pub struct ErrorMonitor {
    settings: ErrorMonitorSettings,
    total: u64,
    consecutive: u64,
    window: VecDeque<bool>,
    window_errors: usize,
    last_errors: VecDeque<String>,
}

impl ErrorMonitor {
    /// A monitor with no items seen.
    pub fn new(settings: ErrorMonitorSettings) -> Self {
        ErrorMonitor {
            settings,
            total: 0,
            consecutive: 0,
            window: VecDeque::new(),
            window_errors: 0,
            last_errors: VecDeque::new(),
        }
    }

    /// Records a successful item.
    pub fn success(&mut self) {
        self.consecutive = 0;
        self.push_window(false);
    }

    /// Records a failed item; returns the reason to fail the sync when a limit is exceeded
    /// (only when the monitor is enabled).
    pub fn failure(&mut self, error: String) -> Result<(), String> {
        self.total += 1;
        self.consecutive += 1;
        self.push_window(true);
        if self.settings.error_queue_size > 0 {
            if self.last_errors.len() == self.settings.error_queue_size {
                self.last_errors.pop_front();
            }
            self.last_errors.push_back(error);
        }
        if !self.settings.enabled {
            return Ok(());
        }
        let s = &self.settings;
        let rate = self.window_errors as f64 / s.error_window_size.max(1) as f64;
        let exceeded = if self.consecutive > s.max_consecutive_errors {
            Some(format!(
                "exceeded maximum consecutive errors - saw {} errors in a row",
                self.consecutive
            ))
        } else if self.total > s.max_total_errors {
            Some(format!(
                "exceeded maximum number of errors - saw {} errors",
                self.total
            ))
        } else if rate > s.max_error_rate {
            Some(format!(
                "exceeded maximum error ratio of {} for last {} operations",
                s.max_error_rate, s.error_window_size
            ))
        } else {
            None
        };
        match exceeded {
            Some(reason) => {
                let recent: Vec<&str> = self.last_errors.iter().map(String::as_str).collect();
                Err(format!("{reason}; last errors: {}", recent.join(" | ")))
            }
            None => Ok(()),
        }
    }

    fn push_window(&mut self, failed: bool) {
        if self.window.len() == self.settings.error_window_size.max(1)
            && self.window.pop_front() == Some(true)
        {
            self.window_errors -= 1;
        }
        self.window.push_back(failed);
        if failed {
            self.window_errors += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ErrorMonitorSettings {
        ErrorMonitorSettings {
            enabled: true,
            max_total_errors: 5,
            max_consecutive_errors: 2,
            max_error_rate: 0.5,
            error_window_size: 4,
            error_queue_size: 2,
        }
    }

    #[test]
    fn consecutive_limit_trips_after_more_than_the_maximum() {
        let mut m = ErrorMonitor::new(ErrorMonitorSettings {
            max_error_rate: 1.0,
            ..settings()
        });
        assert!(m.failure("a".into()).is_ok());
        assert!(m.failure("b".into()).is_ok());
        let err = m.failure("c".into()).unwrap_err();
        assert!(
            err.contains("3 errors in a row") && err.contains("b | c"),
            "{err}"
        );
    }

    #[test]
    fn total_limit_counts_across_successes() {
        let mut m = ErrorMonitor::new(ErrorMonitorSettings {
            max_error_rate: 1.0,
            error_window_size: 100,
            ..settings()
        });
        for _ in 0..5 {
            assert!(m.failure("x".into()).is_ok());
            m.success();
        }
        assert!(m.failure("x".into()).unwrap_err().contains("6 errors"));
    }

    #[test]
    fn error_rate_over_the_window_trips() {
        let mut m = ErrorMonitor::new(ErrorMonitorSettings {
            max_consecutive_errors: 100,
            ..settings()
        });
        m.success();
        assert!(m.failure("x".into()).is_ok());
        m.success();
        assert!(m.failure("x".into()).is_ok());
        assert!(m.failure("x".into()).unwrap_err().contains("error ratio"));
    }

    #[test]
    fn disabled_monitor_never_fails_the_sync() {
        let mut m = ErrorMonitor::new(ErrorMonitorSettings {
            enabled: false,
            ..settings()
        });
        for _ in 0..10 {
            assert!(m.failure("x".into()).is_ok());
        }
    }
}
