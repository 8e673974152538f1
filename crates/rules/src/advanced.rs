//! Advanced rules: the schema (a JSON array of rule objects, documented with examples in the
//! crate README), strict parsing that points at the bad part with a JSON pointer, and the
//! checks serde cannot express.
//!
//! Matching: the **first** rule whose `projects` patterns match a project's full path decides
//! everything for that project (rules are not merged, so what a project gets can be read off
//! one rule). With rules present, a project no rule matches is not synced at all. No rules
//! at all means no restriction.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use connector_core::ObjectKind;
use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_json::Value;

use crate::pointer;

/// One advanced rule. Unknown keys are refused.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvancedRule {
    /// Glob(s) over project full paths (`group/*`, `group/**`, `group/app`), matched
    /// case-insensitively; `*` does not cross `/`. A string or an array of strings.
    pub projects: ProjectPatterns,
    /// Object types to sync (`issues`, `merge_requests`, `releases`, `files`, `epics`);
    /// omitted ⇒ all of them.
    #[serde(default)]
    pub types: Option<Vec<KindName>>,
    /// Issue filters.
    #[serde(default)]
    pub issues: Option<ItemRule<IssueState>>,
    /// Merge request filters.
    #[serde(default)]
    pub merge_requests: Option<ItemRule<MergeRequestState>>,
    /// Only issues, merge requests and epics updated at or after this instant
    /// (`YYYY-MM-DD` = midnight UTC, or RFC 3339).
    #[serde(default)]
    pub updated_after: Option<UpdatedAfter>,
    /// README files to sync, as globs over repository paths (case-sensitive, `*` does not
    /// cross `/`, `**/` matches any depth including the root); omitted ⇒ the reference's
    /// root README discovery.
    #[serde(default)]
    pub readmes: Option<Vec<PathGlob>>,
}

/// State and label filters of issues or merge requests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemRule<S> {
    /// Only items in this state; omitted ⇒ any state.
    pub state: Option<S>,
    /// Label filters.
    pub labels: Option<LabelRule>,
}

/// Label filters: an item must carry **every** `include` label (GitLab's `labelName`
/// semantics, so it is pushed down) and **none** of the `exclude` labels (applied after
/// fetching).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelRule {
    /// Labels every synced item must carry.
    #[serde(default)]
    pub include: Vec<String>,
    /// Labels that exclude an item.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// Issue states GitLab can filter work items by (`IssuableState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueState {
    /// Open issues (documents carry `OPEN`).
    Opened,
    /// Closed issues (documents carry `CLOSED`).
    Closed,
}

/// Merge request states (`MergeRequestState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MergeRequestState {
    /// Open merge requests.
    Opened,
    /// Closed without merging.
    Closed,
    /// Merged.
    Merged,
    /// Locked.
    Locked,
}

/// A state filter that can be passed to GitLab and checked on a document.
pub trait StateFilter: Copy {
    /// GitLab's GraphQL enum value (lower case, e.g. `opened`).
    fn as_str(self) -> &'static str;
}

impl StateFilter for IssueState {
    fn as_str(self) -> &'static str {
        match self {
            IssueState::Opened => "opened",
            IssueState::Closed => "closed",
        }
    }
}

impl StateFilter for MergeRequestState {
    fn as_str(self) -> &'static str {
        match self {
            MergeRequestState::Opened => "opened",
            MergeRequestState::Closed => "closed",
            MergeRequestState::Merged => "merged",
            MergeRequestState::Locked => "locked",
        }
    }
}

/// A glob compiled with the given case sensitivity; `*` never crosses `/`.
fn compile_glob(text: &str, case_insensitive: bool) -> Result<GlobMatcher, String> {
    GlobBuilder::new(text)
        .literal_separator(true)
        .case_insensitive(case_insensitive)
        .build()
        .map(|glob| glob.compile_matcher())
        .map_err(|error| format!("invalid glob `{text}`: {}", error.kind()))
}

/// A project-path glob (case-insensitive, as GitLab paths are).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct ProjectGlob {
    /// The glob as written.
    pub pattern: String,
    matcher: GlobMatcher,
}

impl TryFrom<String> for ProjectGlob {
    type Error = String;
    fn try_from(pattern: String) -> Result<Self, String> {
        let matcher = compile_glob(&pattern, true)?;
        Ok(ProjectGlob { pattern, matcher })
    }
}

impl ProjectGlob {
    /// Whether `path` (a full path such as `group/sub/app`) matches.
    pub fn matches(&self, path: &str) -> bool {
        self.matcher.is_match(path)
    }
}

/// A repository-path glob (case-sensitive, as git paths are).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct PathGlob {
    /// The glob as written.
    pub pattern: String,
    matcher: GlobMatcher,
}

impl TryFrom<String> for PathGlob {
    type Error = String;
    fn try_from(pattern: String) -> Result<Self, String> {
        let matcher = compile_glob(&pattern, false)?;
        Ok(PathGlob { pattern, matcher })
    }
}

impl PathGlob {
    /// Whether repository path `path` matches.
    pub fn matches(&self, path: &str) -> bool {
        self.matcher.is_match(path)
    }
}

/// One or more project globs (`"group/*"` or `["a/*", "b/app"]`).
#[derive(Debug, Clone)]
pub struct ProjectPatterns(pub Vec<ProjectGlob>);

impl ProjectPatterns {
    /// Whether any pattern matches `path`.
    pub fn matches(&self, path: &str) -> bool {
        self.0.iter().any(|glob| glob.matches(path))
    }
}

impl<'de> Deserialize<'de> for ProjectPatterns {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrMany;
        impl<'de> Visitor<'de> for OneOrMany {
            type Value = ProjectPatterns;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a project path glob or an array of them")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<ProjectPatterns, E> {
                let glob = ProjectGlob::try_from(text.to_owned()).map_err(E::custom)?;
                Ok(ProjectPatterns(vec![glob]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ProjectPatterns, A::Error> {
                let mut globs = Vec::new();
                while let Some(glob) = seq.next_element::<ProjectGlob>()? {
                    globs.push(glob);
                }
                Ok(ProjectPatterns(globs))
            }
        }
        deserializer.deserialize_any(OneOrMany)
    }
}

/// An object type name (`issues`, `merge_requests`, `releases`, `files`, `epics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct KindName(pub ObjectKind);

impl TryFrom<String> for KindName {
    type Error = String;
    fn try_from(name: String) -> Result<Self, String> {
        ObjectKind::parse(&name).map(KindName).ok_or_else(|| {
            let known: Vec<&str> = ObjectKind::ALL.iter().map(|kind| kind.as_str()).collect();
            format!(
                "unknown object type `{name}`, expected one of {}",
                known.join(", ")
            )
        })
    }
}

/// The `updated_after` instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct UpdatedAfter(pub DateTime<Utc>);

impl TryFrom<String> for UpdatedAfter {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        if let Ok(date) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            return Ok(UpdatedAfter(
                date.and_time(chrono::NaiveTime::MIN).and_utc(),
            ));
        }
        DateTime::parse_from_rfc3339(&text)
            .map(|instant| UpdatedAfter(instant.with_timezone(&Utc)))
            .map_err(|_| {
                format!("invalid date `{text}`: expected YYYY-MM-DD or an RFC 3339 date-time")
            })
    }
}

/// What is wrong with advanced rules, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvancedRuleError {
    /// JSON pointer of the bad part (`/0/issues/labels/1`); `""` is the whole document.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for AdvancedRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        write!(f, "{at}: {}", self.message)
    }
}

impl AdvancedRuleError {
    fn at(pointer: String, message: impl Into<String>) -> Self {
        AdvancedRuleError {
            pointer,
            message: message.into(),
        }
    }
}

/// Parses advanced rules from a connector's `advanced_snippet.value`: `null` or `{}` mean no
/// rules; otherwise it must be an array of rule objects.
pub fn parse(value: &Value) -> Result<Vec<AdvancedRule>, Vec<AdvancedRuleError>> {
    match value {
        Value::Null => return Ok(Vec::new()),
        Value::Object(map) if map.is_empty() => return Ok(Vec::new()),
        Value::Array(_) => {}
        _ => {
            let message = "advanced rules must be a JSON array of rule objects";
            return Err(vec![AdvancedRuleError::at(String::new(), message)]);
        }
    }
    let rules: Vec<AdvancedRule> = serde_path_to_error::deserialize(value).map_err(|error| {
        vec![AdvancedRuleError::at(
            pointer::of_path(error.path()),
            error.inner().to_string(),
        )]
    })?;
    let problems = check(&rules, "");
    if problems.is_empty() {
        Ok(rules)
    } else {
        Err(problems)
    }
}

/// The checks serde cannot express, with pointers under `base` (`""`, or `/advanced` in a
/// rules file).
pub fn check(rules: &[AdvancedRule], base: &str) -> Vec<AdvancedRuleError> {
    let mut problems = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        let at = pointer::join(base, &index.to_string());
        if rule.projects.0.is_empty() {
            problems.push(AdvancedRuleError::at(
                pointer::join(&at, "projects"),
                "must list at least one project path glob",
            ));
        }
        let listed = |kind: ObjectKind| {
            rule.types
                .as_ref()
                .is_none_or(|types| types.contains(&KindName(kind)))
        };
        if rule.types.as_ref().is_some_and(Vec::is_empty) {
            problems.push(AdvancedRuleError::at(
                pointer::join(&at, "types"),
                "must list at least one object type (omit `types` to sync every type)",
            ));
        }
        let sections = [
            (
                "issues",
                ObjectKind::Issues,
                rule.issues.as_ref().map(|r| r.labels.as_ref()),
            ),
            (
                "merge_requests",
                ObjectKind::MergeRequests,
                rule.merge_requests.as_ref().map(|r| r.labels.as_ref()),
            ),
        ];
        for (key, kind, labels) in sections {
            let Some(labels) = labels else { continue };
            let here = pointer::join(&at, key);
            if !listed(kind) {
                let message = format!("has no effect: `types` does not list `{key}`");
                problems.push(AdvancedRuleError::at(here.clone(), message));
            }
            if let Some(labels) = labels {
                check_labels(labels, &pointer::join(&here, "labels"), &mut problems);
            }
        }
        if let Some(readmes) = &rule.readmes {
            let here = pointer::join(&at, "readmes");
            if readmes.is_empty() {
                let message = "must list at least one glob (omit `readmes` for the root README)";
                problems.push(AdvancedRuleError::at(here, message));
            } else if !listed(ObjectKind::Files) {
                let message = "has no effect: `types` does not list `files`";
                problems.push(AdvancedRuleError::at(here, message));
            }
        }
    }
    problems
}

fn check_labels(labels: &LabelRule, at: &str, problems: &mut Vec<AdvancedRuleError>) {
    for (key, list) in [("include", &labels.include), ("exclude", &labels.exclude)] {
        for (index, label) in list.iter().enumerate() {
            let here = pointer::join(&pointer::join(at, key), &index.to_string());
            if label.trim().is_empty() {
                problems.push(AdvancedRuleError::at(here, "label must not be empty"));
            } else if key == "exclude" && labels.include.contains(label) {
                let message = format!("label `{label}` is both included and excluded");
                problems.push(AdvancedRuleError::at(here, message));
            }
        }
    }
}
