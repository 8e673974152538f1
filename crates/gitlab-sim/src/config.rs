//! Simulator configuration: data size, token and the runtime switches.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Named data sizes. Item counts grow with the size; every item is generated lazily.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    /// 5 projects, 100 issues and 50 merge requests per project.
    Small,
    /// 10 projects, 500 issues and 250 merge requests per project.
    Medium,
    /// 20 projects, 1000 issues and 500 merge requests per project.
    Large,
    /// 50 projects, 5000 issues and 500 merge requests per project.
    Huge,
}

impl Size {
    /// Number of member projects.
    pub fn projects(self) -> usize {
        match self {
            Size::Small => 5,
            Size::Medium => 10,
            Size::Large => 20,
            Size::Huge => 50,
        }
    }

    /// Issues per project.
    pub fn issues(self) -> u32 {
        match self {
            Size::Small => 100,
            Size::Medium => 500,
            Size::Large => 1000,
            Size::Huge => 5000,
        }
    }

    /// Merge requests per project.
    pub fn merge_requests(self) -> u32 {
        match self {
            Size::Small => 50,
            Size::Medium => 250,
            Size::Large | Size::Huge => 500,
        }
    }

    /// Multiplier for the number of epics per group.
    pub fn epic_factor(self) -> u32 {
        match self {
            Size::Small => 1,
            Size::Medium => 2,
            Size::Large => 3,
            Size::Huge => 5,
        }
    }
}

/// Error for an unknown size name.
#[derive(Debug, thiserror::Error)]
#[error("unknown size `{0}` (expected small, medium, large or huge)")]
pub struct UnknownSize(pub String);

impl FromStr for Size {
    type Err = UnknownSize;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "small" => Ok(Size::Small),
            "medium" => Ok(Size::Medium),
            "large" => Ok(Size::Large),
            "huge" => Ok(Size::Huge),
            _ => Err(UnknownSize(s.to_string())),
        }
    }
}

/// How long a "timeout" fault holds the response by default (longer than any sane client
/// timeout in tests that set one, short enough not to hang a forgotten run).
pub const DEFAULT_TIMEOUT_HOLD_MS: u64 = 30_000;

/// Runtime switches: latency, rate limit, fault rates and schema drift.
/// Settable at start (CLI) and at runtime (`POST /-/sim/switches`, [`crate::SimState::set_switches`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Switches {
    /// Response time per request, in milliseconds: no response leaves earlier than this after its
    /// request arrived (the simulator's own work counts toward it).
    pub latency_ms: u64,
    /// Requests allowed per minute (fixed one-minute windows); `None` = unlimited.
    pub rate_limit_rpm: Option<u32>,
    /// Send `Retry-After` as an HTTP date instead of seconds.
    pub retry_after_http_date: bool,
    /// Fraction of requests answered with 502/503.
    pub fault_5xx_rate: f64,
    /// Fraction of requests held for `timeout_hold_ms` and then answered with 504.
    pub fault_timeout_rate: f64,
    /// Fraction of responses whose body is cut in the middle.
    pub fault_truncate_rate: f64,
    /// How long a timeout fault holds the response, in milliseconds.
    pub timeout_hold_ms: u64,
    /// Rewrite GraphQL responses so a few nodes carry unexpected nulls and unknown enum values.
    pub drift: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            latency_ms: 0,
            rate_limit_rpm: None,
            retry_after_http_date: false,
            fault_5xx_rate: 0.0,
            fault_timeout_rate: 0.0,
            fault_truncate_rate: 0.0,
            timeout_hold_ms: DEFAULT_TIMEOUT_HOLD_MS,
            drift: false,
        }
    }
}

/// Token accepted when none is configured.
pub const DEFAULT_TOKEN: &str = "test-token";

/// Everything needed to build a [`crate::SimState`].
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Data size.
    pub size: Size,
    /// The only accepted token (`PRIVATE-TOKEN` or `Authorization: Bearer`).
    pub token: String,
    /// Scopes reported by `GET /personal_access_tokens/self`.
    pub token_scopes: Vec<String>,
    /// Initial switches.
    pub switches: Switches,
}

impl SimConfig {
    /// A configuration with the default token, full scopes and no faults.
    pub fn new(size: Size) -> Self {
        SimConfig {
            size,
            token: DEFAULT_TOKEN.to_string(),
            token_scopes: vec!["api".into(), "read_api".into(), "read_repository".into()],
            switches: Switches::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_parses_case_insensitively_and_rejects_unknown() {
        assert_eq!("Small".parse::<Size>().unwrap(), Size::Small);
        assert_eq!("huge".parse::<Size>().unwrap(), Size::Huge);
        assert!("tiny".parse::<Size>().is_err());
    }
}
