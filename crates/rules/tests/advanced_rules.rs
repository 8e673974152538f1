//! Advanced rules: schema errors with JSON pointers, project matching, plans, post-filter.

use connector_core::{DocType, Document, DocumentFilter, ObjectKind};
use serde_json::{Value, json};
use sync_rules::{AdvancedRules, IssueState, MergeRequestState, SyncRules};

fn rules(value: Value) -> AdvancedRules {
    AdvancedRules::from_value(&value).expect("valid advanced rules")
}

/// The `pointer: message` of every error.
fn problems(value: Value) -> Vec<String> {
    AdvancedRules::from_value(&value)
        .expect_err("invalid advanced rules")
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn schema_errors_point_at_the_bad_part() {
    let table: Vec<(Value, &str, &str)> = vec![
        (json!({"projects": "a/*"}), "(root)", "JSON array"),
        (
            json!([{"types": ["issues"]}]),
            "/0",
            "missing field `projects`",
        ),
        (
            json!([{"projects": "a/*", "colour": "red"}]),
            "/0/colour",
            "unknown field `colour`",
        ),
        (
            json!([{"projects": ["a/*", 3]}]),
            "/0/projects/1",
            "invalid type",
        ),
        (
            json!([{"projects": "a/[*"}]),
            "/0/projects",
            "invalid glob `a/[*`",
        ),
        (
            json!([{"projects": "a", "types": ["issues", "wikis"]}]),
            "/0/types/1",
            "unknown object type `wikis`",
        ),
        (
            json!([{"projects": "a", "issues": {"state": "merged"}}]),
            "/0/issues/state",
            "unknown variant `merged`",
        ),
        (
            json!([{"projects": "a"}, {"projects": "b", "issues": {"labels": {"include": ["x", {}]}}}]),
            "/1/issues/labels/include/1",
            "invalid type",
        ),
        (
            json!([{"projects": "a", "issues": {"labels": {"only": []}}}]),
            "/0/issues/labels/only",
            "unknown field `only`",
        ),
        (
            json!([{"projects": "a", "updated_after": "last week"}]),
            "/0/updated_after",
            "invalid date `last week`",
        ),
        (
            json!([{"projects": "a", "readmes": ["docs/[.md"]}]),
            "/0/readmes/0",
            "invalid glob",
        ),
        (json!([{"projects": []}]), "/0/projects", "at least one"),
        (
            json!([{"projects": "a", "types": []}]),
            "/0/types",
            "at least one object type",
        ),
        (
            json!([{"projects": "a", "types": ["merge_requests"], "issues": {"state": "opened"}}]),
            "/0/issues",
            "`types` does not list `issues`",
        ),
        (
            json!([{"projects": "a", "types": ["issues"], "readmes": ["*.md"]}]),
            "/0/readmes",
            "does not list `files`",
        ),
        (
            json!([{"projects": "a", "readmes": []}]),
            "/0/readmes",
            "at least one glob",
        ),
        (
            json!([{"projects": "a", "merge_requests": {"labels": {"include": ["bug"], "exclude": ["ok", "bug"]}}}]),
            "/0/merge_requests/labels/exclude/1",
            "both included and excluded",
        ),
        (
            json!([{"projects": "a", "issues": {"labels": {"exclude": [" "]}}}]),
            "/0/issues/labels/exclude/0",
            "must not be empty",
        ),
    ];
    for (value, pointer, fragment) in table {
        let found = problems(value.clone());
        assert!(
            found
                .iter()
                .any(|p| p.starts_with(&format!("{pointer}: ")) && p.contains(fragment)),
            "{value}: expected `{pointer}: …{fragment}…`, got {found:?}"
        );
    }
}

#[test]
fn empty_snippets_mean_no_rules() {
    for value in [json!({}), json!(null), json!([])] {
        let parsed = rules(value.clone());
        assert!(parsed.is_empty(), "{value}");
        let plan = parsed
            .plan_for_project("any/project")
            .expect("everything synced");
        assert_eq!(plan.kinds, ObjectKind::ALL.to_vec());
        assert!(plan.readmes.is_none() && plan.updated_after.is_none());
    }
}

#[test]
fn project_globs_match_full_paths_first_rule_wins() {
    let parsed = rules(json!([
        {"projects": "group/app", "types": ["releases"]},
        {"projects": ["group/*", "other/**"], "types": ["issues"]},
    ]));
    let rule_of = |path: &str| {
        parsed
            .plan_for_project(path)
            .and_then(|plan| plan.rule_index)
    };
    assert_eq!(
        rule_of("group/app"),
        Some(0),
        "first match wins over later ones"
    );
    assert_eq!(
        rule_of("Group/App"),
        Some(0),
        "paths match case-insensitively"
    );
    assert_eq!(rule_of("group/lib"), Some(1));
    assert_eq!(rule_of("group/sub/lib"), None, "`*` does not cross `/`");
    assert_eq!(rule_of("other/a/b/c"), Some(1), "`**` crosses `/`");
    assert!(
        parsed.plan_for_project("elsewhere/x").is_none(),
        "unmatched ⇒ not synced"
    );
    assert_eq!(
        parsed
            .plan_for_group("other/team")
            .and_then(|p| p.rule_index),
        Some(1)
    );
}

#[test]
fn plan_carries_what_the_source_pushes_down() {
    let parsed = rules(json!([{
        "projects": "g/*",
        "types": ["issues", "merge_requests", "files"],
        "issues": {"state": "opened", "labels": {"include": ["bug", "p1"], "exclude": ["wontfix"]}},
        "merge_requests": {"state": "merged"},
        "updated_after": "2024-01-01",
        "readmes": ["**/README.md", "docs/*.md"]
    }]));
    let plan = parsed.plan_for_project("g/app").unwrap();
    assert_eq!(
        plan.kinds,
        vec![
            ObjectKind::Issues,
            ObjectKind::MergeRequests,
            ObjectKind::Files
        ]
    );
    assert!(plan.syncs(ObjectKind::Files) && !plan.syncs(ObjectKind::Releases));
    assert_eq!(plan.issues.state, Some(IssueState::Opened));
    assert_eq!(plan.issues.labels_include, ["bug", "p1"]);
    assert_eq!(plan.issues.labels_exclude, ["wontfix"]);
    assert_eq!(plan.merge_requests.state, Some(MergeRequestState::Merged));
    assert!(plan.merge_requests.labels_include.is_empty());
    assert_eq!(
        plan.updated_after_rfc3339().as_deref(),
        Some("2024-01-01T00:00:00Z")
    );
    let readmes = plan.readmes.as_ref().unwrap();
    assert!(readmes.needs_recursive_tree());
    assert!(readmes.matches("README.md"), "`**/` matches the root too");
    assert!(readmes.matches("a/b/README.md"));
    assert!(readmes.matches("docs/guide.md"));
    assert!(!readmes.matches("docs/deep/guide.md"));
    assert!(
        !readmes.matches("readme.md"),
        "repository paths are case-sensitive"
    );
}

#[test]
fn updated_after_accepts_rfc3339_with_offsets() {
    let parsed = rules(json!([{"projects": "*", "updated_after": "2024-05-01T12:00:00+02:00"}]));
    let plan = parsed.plan_for_project("p").unwrap();
    assert_eq!(
        plan.updated_after_rfc3339().as_deref(),
        Some("2024-05-01T10:00:00Z")
    );
}

fn issue(project: &str, state: &str, labels: &[&str], updated: &str) -> Document {
    Document::new("issue_1_1", "Issue")
        .with("project_id", "1")
        .with("project_path", project)
        .with("state", state)
        .with("labels", json!(labels))
        .with("updated_at", updated)
}

fn merge_request(project: &str, state: &str) -> Document {
    Document::new("mr_1_1", DocType::MERGE_REQUEST)
        .with("project_id", "1")
        .with("project_path", project)
        .with("state", state)
        .with("labels", json!([]))
        .with("updated_at", "2024-06-01T00:00:00Z")
}

#[test]
fn post_filter_applies_state_labels_dates_types_and_projects() {
    let filter = rules(json!([{
        "projects": "g/*",
        "types": ["issues", "merge_requests", "files"],
        "issues": {"state": "opened", "labels": {"include": ["bug"], "exclude": ["wontfix"]}},
        "merge_requests": {"state": "merged"},
        "updated_after": "2024-01-01",
        "readmes": ["docs/*.md"]
    }]));
    let new = "2024-03-01T00:00:00Z";
    let table: Vec<(Document, bool, &str)> = vec![
        (
            issue("g/a", "OPEN", &["bug"], new),
            true,
            "work-item OPEN is `opened`",
        ),
        (issue("g/a", "CLOSED", &["bug"], new), false, "wrong state"),
        (
            issue("g/a", "OPEN", &["ui"], new),
            false,
            "missing included label",
        ),
        (
            issue("g/a", "OPEN", &["bug", "wontfix"], new),
            false,
            "excluded label",
        ),
        (
            issue("g/a", "OPEN", &["bug"], "2023-12-31T23:59:59Z"),
            false,
            "too old",
        ),
        (
            issue("g/a", "OPEN", &["bug"], "2024-01-01T00:00:00Z"),
            true,
            "updated_after is inclusive",
        ),
        (
            issue("g/a", "OPEN", &["bug"], "not a date"),
            true,
            "unparsable date is kept",
        ),
        (
            issue("x/a", "OPEN", &["bug"], new),
            false,
            "project matches no rule",
        ),
        (merge_request("g/a", "merged"), true, "MR state"),
        (merge_request("g/a", "opened"), false, "MR wrong state"),
        (
            Document::new("release_1_v1", DocType::RELEASE)
                .with("project_id", "1")
                .with("project_path", "g/a"),
            false,
            "releases not in types",
        ),
        (
            Document::new("file_1_docs/a.md", DocType::FILE)
                .with("project_id", "1")
                .with("project_path", "g/a")
                .with("file_path", "docs/a.md"),
            true,
            "README glob matches",
        ),
        (
            Document::new("file_1_README.md", DocType::FILE)
                .with("project_id", "1")
                .with("project_path", "g/a")
                .with("file_path", "README.md"),
            false,
            "README outside the globs",
        ),
        (
            Document::new("project_1", DocType::PROJECT)
                .with("project_id", "1")
                .with("full_path", "g/a"),
            true,
            "project document of a matched project",
        ),
        (
            Document::new("project_2", DocType::PROJECT)
                .with("project_id", "2")
                .with("full_path", "x/b"),
            false,
            "project document of an unmatched project",
        ),
        (
            Document::new("epic_g_1", "Epic")
                .with("group_path", "g/a")
                .with("updated_at", new),
            false,
            "epics not in types",
        ),
    ];
    for (doc, expected, why) in table {
        assert_eq!(filter.accepts(&doc), expected, "{}: {why}", doc.id);
    }
}

#[test]
fn epics_follow_the_rule_matching_their_group() {
    let filter =
        rules(json!([{"projects": "g", "types": ["epics"], "updated_after": "2024-01-01"}]));
    let epic = |updated: &str| {
        Document::new("epic_g_1", "Epic")
            .with("group_path", "g")
            .with("updated_at", updated)
    };
    assert!(filter.accepts(&epic("2024-02-01T00:00:00Z")));
    assert!(!filter.accepts(&epic("2023-02-01T00:00:00Z")));
}

#[test]
fn sync_rules_apply_basic_and_advanced_together() {
    let rules = SyncRules::from_filtering(&json!({
        "rules": [{"id": "r", "order": 0, "policy": "exclude", "field": "title", "rule": "contains", "value": "WIP"}],
        "advanced_snippet": {"value": [{"projects": "g/*", "types": ["merge_requests"]}]}
    }))
    .unwrap();
    assert!(rules.accepts(&merge_request("g/a", "opened").with("title", "Ready")));
    assert!(
        !rules.accepts(&merge_request("g/a", "opened").with("title", "WIP: x")),
        "basic excludes"
    );
    assert!(
        !rules.accepts(&merge_request("x/a", "opened").with("title", "Ready")),
        "advanced excludes"
    );
    let bad = SyncRules::from_filtering(&json!({"advanced_snippet": {"value": [{"projects": 1}]}}));
    assert!(bad.unwrap_err().to_string().contains("/0/projects"));
}
