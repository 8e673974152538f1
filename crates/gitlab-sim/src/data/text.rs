//! Deterministic building blocks: a hash, word lists, users, labels and timestamps.

use chrono::{DateTime, SecondsFormat};

/// Mixes a list of numbers into one well-spread `u64` (splitmix64 steps); the only source of
/// variety in generated data, so every run produces the same data.
pub fn hash(parts: &[u64]) -> u64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for p in parts {
        x ^= p.wrapping_add(0x9E37_79B9_7F4A_7C15);
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x = z ^ (z >> 31);
    }
    x
}

/// Picks one entry of `list` by `h`.
pub fn pick<'a>(list: &[&'a str], h: u64) -> &'a str {
    list[(h % list.len() as u64) as usize]
}

const VERBS: &[&str] = &[
    "Fix",
    "Improve",
    "Refactor",
    "Document",
    "Add",
    "Remove",
    "Optimize",
    "Investigate",
    "Migrate",
    "Harden",
    "Simplify",
    "Support",
];
const ADJECTIVES: &[&str] = &[
    "flaky",
    "slow",
    "broken",
    "missing",
    "legacy",
    "concurrent",
    "encrypted",
    "paginated",
    "cached",
    "experimental",
    "nightly",
    "regional",
];
const NOUNS: &[&str] = &[
    "login",
    "search",
    "webhook",
    "pipeline",
    "dashboard",
    "export",
    "billing",
    "scheduler",
    "notification",
    "upload",
    "permission",
    "indexer",
    "tokenizer",
    "backup",
];
const COMPONENTS: &[&str] = &[
    "API gateway",
    "web frontend",
    "worker pool",
    "database layer",
    "CLI",
    "mobile app",
    "auth service",
    "storage backend",
];
const SENTENCES: &[&str] = &[
    "Users report intermittent failures when the cluster is under load.",
    "Steps to reproduce are listed below; the problem started after the last deployment.",
    "We should add regression tests before changing the retry behaviour.",
    "The stack trace points at the connection pool running out of handles.",
    "Memory grows steadily until the process is restarted by the orchestrator.",
    "This blocks the quarterly release, please prioritise accordingly.",
    "A workaround is to disable caching, at the cost of slower responses.",
    "Elasticsearch mappings need an update for the new keyword fields.",
    "The documentation does not mention the required token scopes.",
    "Latency doubled for requests that include unicode characters like café or naïve.",
];

/// A realistic issue / MR title for the given seed.
pub fn title(h: u64) -> String {
    format!(
        "{} {} {} in {}",
        pick(VERBS, h),
        pick(ADJECTIVES, h >> 8),
        pick(NOUNS, h >> 16),
        pick(COMPONENTS, h >> 24)
    )
}

/// A few Markdown sentences.
pub fn paragraph(h: u64, sentences: usize) -> String {
    (0..sentences)
        .map(|i| pick(SENTENCES, hash(&[h, i as u64])))
        .collect::<Vec<_>>()
        .join(" ")
}

const FIRST: &[&str] = &[
    "Alice", "Bob", "Carla", "Deepak", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemal",
    "Lena", "Mateo", "Nora", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tariq",
];
const LAST: &[&str] = &[
    "Smith", "Okafor", "Müller", "Tanaka", "Garcia", "Novak", "Rossi", "Khan", "Dubois", "Larsen",
    "Silva", "Kowalski", "Nguyen", "Haddad", "Ivanova",
];

/// Number of distinct generated users.
pub const USER_COUNT: u32 = 400;

/// A generated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Numeric id.
    pub id: u64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub name: String,
}

/// User number `k` (taken modulo [`USER_COUNT`]).
pub fn user(k: u32) -> User {
    let k = k % USER_COUNT;
    let first = FIRST[(k as usize) % FIRST.len()];
    let last = LAST[(k as usize / FIRST.len()) % LAST.len()];
    User {
        id: 100 + u64::from(k),
        username: format!("{}.{}{}", first.to_lowercase(), last.to_lowercase(), k),
        name: format!("{first} {last}"),
    }
}

const LABEL_WORDS: &[&str] = &[
    "bug",
    "feature",
    "documentation",
    "security",
    "performance",
    "ux",
    "backend",
    "frontend",
    "priority::high",
    "priority::low",
    "good first issue",
    "regression",
];

/// Number of distinct generated labels.
pub const LABEL_COUNT: u32 = 150;

/// Label title number `k` (modulo [`LABEL_COUNT`]).
pub fn label(k: u32) -> String {
    let k = k % LABEL_COUNT;
    match LABEL_WORDS.get(k as usize) {
        Some(w) => (*w).to_string(),
        None => format!("area::component-{k}"),
    }
}

/// 2023-01-01T00:00:00Z: generated timestamps count from here.
pub const EPOCH_BASE: i64 = 1_672_531_200;

/// Formats epoch seconds the way GitLab does (`2023-01-01T00:00:00Z`).
pub fn time(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses a GraphQL `Time` argument (RFC 3339 or a bare date).
pub fn parse_time(s: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp());
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc().timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_varied() {
        assert_eq!(title(hash(&[1, 2])), title(hash(&[1, 2])));
        assert_ne!(hash(&[1, 2]), hash(&[2, 1]));
        assert_eq!(user(3).username, user(3 + USER_COUNT).username);
        assert_ne!(user(3).username, user(4).username);
        assert_eq!(time(EPOCH_BASE), "2023-01-01T00:00:00Z");
        assert_eq!(parse_time("2023-01-01T00:00:00Z"), Some(EPOCH_BASE));
        assert_eq!(parse_time("2023-01-01"), Some(EPOCH_BASE));
    }
}
