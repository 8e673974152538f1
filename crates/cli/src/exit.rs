//! Exit codes, decided in one place.

/// How a command ended, as the shell sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// 0: everything worked.
    Success,
    /// 1: the command failed (bad input, GitLab or the index unusable, a `check` problem).
    Failure,
    /// 2: a sync finished but some listing was incomplete or some documents were refused;
    /// stale documents of the incomplete listings were kept.
    Partial,
    /// 3: the sync was canceled (Ctrl-C); nothing was deleted.
    Canceled,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(match code {
            ExitCode::Success => 0,
            ExitCode::Failure => 1,
            ExitCode::Partial => 2,
            ExitCode::Canceled => 3,
        })
    }
}
