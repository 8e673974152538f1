//! [`AdvancedRules`] and the [`ProjectPlan`] they yield per project: what the source pushes
//! down into its GitLab queries, and the post-fetch filter for what GitLab cannot filter.
//!
//! | rule part | pushed down (GraphQL argument) | checked after fetching |
//! |---|---|---|
//! | `projects` / `types` | which listings run at all | documents of other projects / types |
//! | `issues.state`, `merge_requests.state` | `state` | `state` (issue `OPEN` ≡ `opened`) |
//! | `labels.include` | `labelName` (item must carry all) | all present |
//! | `labels.exclude` | — | none present |
//! | `updated_after` | `updatedAfter` (issues, MRs, epics) | `updated_at` ≥ it |
//! | `readmes` | tree listing (recursive if a glob has `/`) | `file_path` matches |
//!
//! The post-fetch checks repeat the pushed-down ones, so the filter is correct whatever the
//! source pushed down. A document whose field is missing or unparsable is kept (nothing proves
//! it should go).

use chrono::{DateTime, Utc};
use connector_core::{Document, DocumentFilter, ObjectKind, ScopeKey};
use serde_json::Value;

use crate::advanced::{
    self, AdvancedRule, AdvancedRuleError, IssueState, ItemRule, MergeRequestState, PathGlob,
    StateFilter,
};

/// Parsed, checked advanced rules. Implements [`DocumentFilter`] for the post-fetch part.
#[derive(Debug, Clone, Default)]
pub struct AdvancedRules {
    rules: Vec<AdvancedRule>,
}

impl AdvancedRules {
    /// Parses a connector's `advanced_snippet.value` (see [`advanced::parse`]).
    pub fn from_value(value: &Value) -> Result<AdvancedRules, Vec<AdvancedRuleError>> {
        advanced::parse(value).map(|rules| AdvancedRules { rules })
    }

    /// Wraps rules parsed elsewhere (a rules file), checking them with pointers under `base`.
    pub fn from_rules(
        rules: Vec<AdvancedRule>,
        base: &str,
    ) -> Result<AdvancedRules, Vec<AdvancedRuleError>> {
        let problems = advanced::check(&rules, base);
        if problems.is_empty() {
            Ok(AdvancedRules { rules })
        } else {
            Err(problems)
        }
    }

    /// Whether there are no advanced rules (nothing is restricted).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The plan for project `project_path` (its full path): the first matching rule's, or
    /// everything when there are no rules. `None`: rules exist and none matches, so the
    /// project (its `Project` document included) is not synced.
    pub fn plan_for_project(&self, project_path: &str) -> Option<ProjectPlan> {
        if self.rules.is_empty() {
            return Some(ProjectPlan::everything());
        }
        self.rules
            .iter()
            .enumerate()
            .find(|(_, rule)| rule.projects.matches(project_path))
            .map(|(index, rule)| ProjectPlan::of_rule(index, rule))
    }

    /// The plan for the epics of group `group_path`: rules match group paths with the same
    /// patterns; epics are synced when the plan lists [`ObjectKind::Epics`].
    pub fn plan_for_group(&self, group_path: &str) -> Option<ProjectPlan> {
        self.plan_for_project(group_path)
    }
}

/// State and label filters of one item kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPlan<S> {
    /// State to pass as GraphQL `state` (`None`: any state).
    pub state: Option<S>,
    /// Labels to pass as GraphQL `labelName` (every one must be present).
    pub labels_include: Vec<String>,
    /// Labels that exclude an item (post-filter only).
    pub labels_exclude: Vec<String>,
}

impl<S> Default for ItemPlan<S> {
    fn default() -> Self {
        ItemPlan {
            state: None,
            labels_include: Vec::new(),
            labels_exclude: Vec::new(),
        }
    }
}

impl<S: StateFilter> ItemPlan<S> {
    fn of_rule(rule: Option<&ItemRule<S>>) -> Self {
        let Some(rule) = rule else {
            return ItemPlan::default();
        };
        let labels = rule.labels.clone().unwrap_or_default();
        ItemPlan {
            state: rule.state,
            labels_include: labels.include,
            labels_exclude: labels.exclude,
        }
    }

    /// Whether an issue / MR document passes the state and label filters.
    fn accepts(&self, doc: &Document) -> bool {
        let state_ok = match (self.state, doc.fields.get_str("state")) {
            (Some(wanted), Some(state)) => normalize_state(&state) == wanted.as_str(),
            _ => true,
        };
        let labels: Vec<String> = match doc.fields.get("labels") {
            Some(Value::Array(items)) => items
                .into_iter()
                .filter_map(|item| match item {
                    Value::String(label) => Some(label),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        state_ok
            && self
                .labels_include
                .iter()
                .all(|label| labels.contains(label))
            && !self
                .labels_exclude
                .iter()
                .any(|label| labels.contains(label))
    }
}

/// Work items say `OPEN`/`CLOSED`, merge requests `opened`/`closed`/…; compare as the latter.
fn normalize_state(state: &str) -> String {
    match state.to_lowercase().as_str() {
        "open" => "opened".to_owned(),
        other => other.to_owned(),
    }
}

/// README globs of a plan.
#[derive(Debug, Clone)]
pub struct ReadmeGlobs(Vec<PathGlob>);

impl ReadmeGlobs {
    /// Whether repository path `path` is a README to sync.
    pub fn matches(&self, path: &str) -> bool {
        self.0.iter().any(|glob| glob.matches(path))
    }

    /// The globs as written.
    pub fn patterns(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|glob| glob.pattern.as_str())
    }

    /// Whether a glob can match below the root, so the source must list the tree recursively.
    pub fn needs_recursive_tree(&self) -> bool {
        self.patterns().any(|pattern| pattern.contains('/'))
    }
}

/// What to sync for one project (or one group's epics), for the source to map onto its
/// GitLab queries.
#[derive(Debug, Clone)]
pub struct ProjectPlan {
    /// Index of the advanced rule that produced the plan (`None`: no rules).
    pub rule_index: Option<usize>,
    /// Object kinds to list, in [`ObjectKind::ALL`] order.
    pub kinds: Vec<ObjectKind>,
    /// Issue filters.
    pub issues: ItemPlan<IssueState>,
    /// Merge request filters.
    pub merge_requests: ItemPlan<MergeRequestState>,
    /// Pass as GraphQL `updatedAfter` to issues, merge requests and epics.
    pub updated_after: Option<DateTime<Utc>>,
    /// README globs; `None`: the reference's root README discovery.
    pub readmes: Option<ReadmeGlobs>,
}

impl ProjectPlan {
    /// The plan without restrictions.
    pub fn everything() -> ProjectPlan {
        ProjectPlan {
            rule_index: None,
            kinds: ObjectKind::ALL.to_vec(),
            issues: ItemPlan::default(),
            merge_requests: ItemPlan::default(),
            updated_after: None,
            readmes: None,
        }
    }

    fn of_rule(index: usize, rule: &AdvancedRule) -> ProjectPlan {
        let kinds = ObjectKind::ALL
            .into_iter()
            .filter(|kind| {
                rule.types
                    .as_ref()
                    .is_none_or(|types| types.iter().any(|name| name.0 == *kind))
            })
            .collect();
        ProjectPlan {
            rule_index: Some(index),
            kinds,
            issues: ItemPlan::of_rule(rule.issues.as_ref()),
            merge_requests: ItemPlan::of_rule(rule.merge_requests.as_ref()),
            updated_after: rule.updated_after.map(|after| after.0),
            readmes: rule.readmes.clone().map(ReadmeGlobs),
        }
    }

    /// Whether `kind` is listed for this project.
    pub fn syncs(&self, kind: ObjectKind) -> bool {
        self.kinds.contains(&kind)
    }

    /// `updated_after` as GitLab's `Time` scalar (RFC 3339, `Z`).
    pub fn updated_after_rfc3339(&self) -> Option<String> {
        self.updated_after
            .map(|instant| instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }

    /// The post-fetch check of one document of this project (or group).
    pub fn accepts(&self, doc: &Document) -> bool {
        let Some(scope) = doc.scope() else {
            return true;
        };
        let kind = match scope {
            ScopeKey::Projects => return true,
            ScopeKey::Project { kind, .. } | ScopeKey::Group { kind, .. } => kind,
        };
        if !self.syncs(kind) {
            return false;
        }
        match kind {
            ObjectKind::Issues => self.issues.accepts(doc) && self.recent_enough(doc),
            ObjectKind::MergeRequests => {
                self.merge_requests.accepts(doc) && self.recent_enough(doc)
            }
            ObjectKind::Epics => self.recent_enough(doc),
            ObjectKind::Files => match (&self.readmes, doc.fields.get_str("file_path")) {
                (Some(globs), Some(path)) => globs.matches(&path),
                _ => true,
            },
            ObjectKind::Releases => true,
        }
    }

    fn recent_enough(&self, doc: &Document) -> bool {
        let Some(after) = self.updated_after else {
            return true;
        };
        doc.fields
            .get_str("updated_at")
            .and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
            .is_none_or(|updated| updated.with_timezone(&Utc) >= after)
    }
}

impl DocumentFilter for AdvancedRules {
    fn accepts(&self, doc: &Document) -> bool {
        if self.rules.is_empty() {
            return true;
        }
        let path_field = match doc.scope() {
            Some(ScopeKey::Projects) => "full_path",
            Some(ScopeKey::Group { .. }) => "group_path",
            Some(ScopeKey::Project { .. }) => "project_path",
            None => return true,
        };
        let Some(path) = doc.fields.get_str(path_field) else {
            return true;
        };
        self.plan_for_project(&path)
            .is_some_and(|plan| plan.accepts(doc))
    }
}
