//! [`SimState`]: the cloneable handle shared by the HTTP layer, the control plane and tests.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use serde::{Deserialize, Serialize};

use crate::config::{SimConfig, Switches};
use crate::data::Store;
use crate::data::items::Kind;
use crate::data::repo;
use crate::data::text::hash;
use crate::mutation::{self, Mutation, MutationError, MutationOutcome};

/// Which listing a fail-for-good rule breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailKind {
    /// `project.workItems` (issues).
    Issues,
    /// `project.mergeRequests`.
    MergeRequests,
    /// `project.releases`.
    Releases,
    /// `group.workItems` (epics); `path` is the group path.
    Epics,
    /// REST repository tree.
    Tree,
    /// REST repository files (HEAD, GET, raw).
    Files,
    /// `mergeRequest(id:)`, the follow-ups that complete a merge request's overflowing lists,
    /// for the merge requests of the project at `path`.
    MergeRequestFollowUps,
}

fn default_status() -> u16 {
    500
}

/// "Fail for good": every request for `kind` of `path` fails with `status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailRule {
    /// Project (or group, for epics) full path.
    pub path: String,
    /// Listing to break.
    pub kind: FailKind,
    /// HTTP status to answer with (default 500).
    #[serde(default = "default_status")]
    pub status: u16,
}

/// One logged request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// HTTP method.
    pub method: String,
    /// Path (without query).
    pub path: String,
    /// GraphQL `operationName`, when given.
    pub operation_name: Option<String>,
    /// Response status.
    pub status: u16,
    /// Kind used for counting: `graphql:<operationName>`, `graphql`, or `rest:<endpoint>`.
    pub kind: String,
    /// When the request arrived, in milliseconds since the Unix epoch.
    pub received_ms: i64,
    /// How long the simulator took to answer, in milliseconds (at least the latency switch).
    pub took_ms: u64,
}

/// Recent requests plus counters since the last reset.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RequestLog {
    /// The most recent entries (at most [`LOG_CAPACITY`]).
    pub entries: VecDeque<LogEntry>,
    /// Requests per kind.
    pub counts: BTreeMap<String, u64>,
    /// Requests per status.
    pub statuses: BTreeMap<u16, u64>,
    /// All requests.
    pub total: u64,
}

/// How many entries the request log keeps (counts are kept for all).
pub const LOG_CAPACITY: usize = 10_000;

/// Rate-limit accounting of one request.
#[derive(Debug, Clone, Copy)]
pub struct RateDecision {
    /// `RateLimit-Limit`.
    pub limit: u32,
    /// `RateLimit-Remaining`.
    pub remaining: u32,
    /// `RateLimit-Reset` (epoch seconds).
    pub reset: i64,
    /// `RateLimit-Observed`.
    pub observed: u32,
    /// Whether the request may proceed.
    pub allowed: bool,
}

/// Nominal limit reported in headers when no limit is enforced (gitlab.com's API default).
const NOMINAL_RPM: u32 = 2_000;

struct Inner {
    token: String,
    scopes: Vec<String>,
    store: Store,
    switches: RwLock<Switches>,
    fail_rules: RwLock<Vec<FailRule>>,
    log: Mutex<RequestLog>,
    window: Mutex<(i64, u32)>,
    seq: AtomicU64,
}

/// Shared simulator state; clone freely.
#[derive(Clone)]
pub struct SimState(Arc<Inner>);

impl std::fmt::Debug for SimState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimState")
            .field("size", &self.0.store.size())
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SimState {
    /// Builds the state (data is generated lazily; this is instant for every size).
    pub fn new(config: SimConfig) -> Self {
        SimState(Arc::new(Inner {
            token: config.token,
            scopes: config.token_scopes,
            store: Store::new(config.size),
            switches: RwLock::new(config.switches),
            fail_rules: RwLock::default(),
            log: Mutex::default(),
            window: Mutex::new((0, 0)),
            seq: AtomicU64::new(0),
        }))
    }

    /// The data store.
    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// Whether `token` is the configured one.
    pub fn token_ok(&self, token: &str) -> bool {
        token == self.0.token
    }

    /// Scopes of the token.
    pub fn scopes(&self) -> &[String] {
        &self.0.scopes
    }

    /// Current switches.
    pub fn switches(&self) -> Switches {
        self.0
            .switches
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the switches.
    pub fn set_switches(&self, s: Switches) {
        *self
            .0
            .switches
            .write()
            .unwrap_or_else(PoisonError::into_inner) = s;
    }

    /// Adds a fail-for-good rule.
    pub fn add_fail_rule(&self, rule: FailRule) {
        self.0
            .fail_rules
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .push(rule);
    }

    /// Removes all fail-for-good rules.
    pub fn clear_fail_rules(&self) {
        self.0
            .fail_rules
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Current fail-for-good rules.
    pub fn fail_rules(&self) -> Vec<FailRule> {
        self.0
            .fail_rules
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Status to fail with when a rule matches `path` + `kind`.
    pub fn failing_status(&self, path: &str, kind: FailKind) -> Option<u16> {
        self.0
            .fail_rules
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|r| r.kind == kind && r.path == path)
            .map(|r| r.status)
    }

    /// Applies a data mutation.
    pub fn mutate(&self, m: &Mutation) -> Result<MutationOutcome, MutationError> {
        mutation::apply(&self.0.store, m)
    }

    /// Snapshot of the request log.
    pub fn request_log(&self) -> RequestLog {
        lock(&self.0.log).clone()
    }

    /// Clears the request log and counters.
    pub fn clear_request_log(&self) {
        *lock(&self.0.log) = RequestLog::default();
    }

    /// Records one request.
    pub fn record(&self, entry: LogEntry) {
        let mut log = lock(&self.0.log);
        log.total += 1;
        *log.counts.entry(entry.kind.clone()).or_default() += 1;
        *log.statuses.entry(entry.status).or_default() += 1;
        if log.entries.len() == LOG_CAPACITY {
            log.entries.pop_front();
        }
        log.entries.push_back(entry);
    }

    /// Counts the request against the current one-minute window.
    pub fn rate_check(&self, now: i64) -> RateDecision {
        let limit = self.switches().rate_limit_rpm;
        let window_start = now - now.rem_euclid(60);
        let mut w = lock(&self.0.window);
        if w.0 != window_start {
            *w = (window_start, 0);
        }
        w.1 += 1;
        let observed = w.1;
        let nominal = limit.unwrap_or(NOMINAL_RPM);
        RateDecision {
            limit: nominal,
            remaining: nominal.saturating_sub(observed),
            reset: window_start + 60,
            observed,
            allowed: limit.is_none_or(|l| observed <= l),
        }
    }

    /// A deterministic pseudo-random number in `[0, 1)` for fault decisions (one per call).
    pub fn draw(&self) -> f64 {
        let n = self.0.seq.fetch_add(1, Ordering::Relaxed);
        (hash(&[n, 0xFA17]) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// What a full sync of all member projects finds in the current data (mutations included).
    fn census(&self) -> Census {
        let s = &self.0.store;
        let mut groups = std::collections::BTreeSet::new();
        let mut projects = Vec::new();
        for p in s.projects().into_iter().filter(|p| p.member) {
            let root = p.has_repo.then(|| {
                let entries = repo::list(p.index, "", false).unwrap_or_default();
                let readmes = entries.iter().filter(|e| repo::is_readme_candidate(e));
                RootTree {
                    entries: entries.len(),
                    readmes: readmes.count(),
                }
            });
            projects.push(ProjectCensus {
                issues: s.item_keys(Kind::Issue, p.index).len(),
                merge_requests: s.item_keys(Kind::MergeRequest, p.index).len(),
                releases: s.releases(p.index).len(),
                root,
            });
            if let Some(g) = p.group {
                groups.insert(g);
            }
        }
        let epics = groups
            .into_iter()
            .map(|g| s.item_keys(Kind::Epic, g).len())
            .collect();
        Census { projects, epics }
    }

    /// Documents a full sync of all member projects must produce with default settings, by
    /// `type`, for the current data (mutations included).
    pub fn expected_counts(&self) -> BTreeMap<String, u64> {
        let census = self.census();
        let total = |count: fn(&ProjectCensus) -> usize| {
            census.projects.iter().map(count).sum::<usize>() as u64
        };
        BTreeMap::from([
            ("Project".to_owned(), census.projects.len() as u64),
            ("Issue".to_owned(), total(|p| p.issues)),
            ("Merge Request".to_owned(), total(|p| p.merge_requests)),
            ("Release".to_owned(), total(|p| p.releases)),
            ("Epic".to_owned(), census.epics.iter().sum::<usize>() as u64),
            (
                "File".to_owned(),
                total(|p| p.root.map_or(0, |r| r.readmes)),
            ),
        ])
    }

    /// The requests Elastic's connector needs for this data before any follow-up
    /// (`gitlab-source.md` §5.8), by kind plus `total`: per member project one page per 50
    /// issues, per 100 merge requests and per 100 releases (each at least one) and, when it has
    /// a repository, the root tree in GitLab's default pages of 20 entries (the reference reads
    /// only the first; reading the whole root, as the same data needs, takes one per 20) and
    /// one download per README candidate; one page per 50 epics (at least one) per distinct
    /// group; one page per 100 member projects. Follow-ups for overflowing nested lists come on
    /// top, for the reference and for this connector alike.
    pub fn reference_requests(&self) -> BTreeMap<String, u64> {
        let census = self.census();
        let total = |count: fn(&ProjectCensus) -> u64| census.projects.iter().map(count).sum();
        let mut out = BTreeMap::from([
            ("projects".to_owned(), pages(census.projects.len(), 100)),
            ("issues".to_owned(), total(|p| pages(p.issues, 50))),
            (
                "merge_requests".to_owned(),
                total(|p| pages(p.merge_requests, 100)),
            ),
            ("releases".to_owned(), total(|p| pages(p.releases, 100))),
            (
                "tree".to_owned(),
                total(|p| p.root.map_or(0, |r| pages(r.entries, 20))),
            ),
            (
                "readmes".to_owned(),
                total(|p| p.root.map_or(0, |r| r.readmes as u64)),
            ),
            (
                "epics".to_owned(),
                census.epics.iter().map(|&e| pages(e, 50)).sum(),
            ),
        ]);
        let total = out.values().sum();
        out.insert("total".to_owned(), total);
        out
    }
}

/// Pages of `per_page` that `items` take; an empty list still takes one request.
fn pages(items: usize, per_page: usize) -> u64 {
    items.div_ceil(per_page).max(1) as u64
}

/// What a full sync of all member projects finds: see [`SimState::census`].
struct Census {
    /// One entry per member project.
    projects: Vec<ProjectCensus>,
    /// Epics of each distinct group of those projects.
    epics: Vec<usize>,
}

/// One member project's items and root tree.
struct ProjectCensus {
    issues: usize,
    merge_requests: usize,
    releases: usize,
    /// `None` without a repository.
    root: Option<RootTree>,
}

/// A repository's root directory.
#[derive(Clone, Copy)]
struct RootTree {
    entries: usize,
    readmes: usize,
}
