//! Rules files for `sync` mode (JSON and YAML).

use std::path::Path;

use connector_core::{DocType, Document, DocumentFilter, ObjectKind};
use sync_rules::file::{self, Location, RulesFileError};

const YAML: &str = r#"
basic:
  - policy: exclude
    field: title
    rule: starts_with
    value: "Draft:"
  - id: keep-big
    order: 5
    policy: include
    field: iid
    rule: ">"
    value: 100
advanced:
  - projects: ["group/*"]
    types: [issues, merge_requests]
    merge_requests:
      state: merged
"#;

fn mr(title: &str, state: &str) -> Document {
    Document::new("mr_1_1", DocType::MERGE_REQUEST)
        .with("project_id", "1")
        .with("project_path", "group/app")
        .with("title", title)
        .with("state", state)
}

#[test]
fn yaml_file_loads_basic_and_advanced_rules() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.yml");
    std::fs::write(&path, YAML).unwrap();
    let rules = file::load(&path).unwrap();
    let ids: Vec<&str> = rules.basic.rules().map(|rule| rule.id.as_str()).collect();
    assert_eq!(
        ids,
        ["basic-1", "keep-big"],
        "ids and orders default to the position"
    );
    let plan = rules.advanced.plan_for_project("group/app").unwrap();
    assert_eq!(
        plan.kinds,
        vec![ObjectKind::Issues, ObjectKind::MergeRequests]
    );
    assert!(rules.accepts(&mr("Fix", "merged")));
    assert!(!rules.accepts(&mr("Draft: fix", "merged")));
    assert!(!rules.accepts(&mr("Fix", "opened")));
}

#[test]
fn json_file_loads_the_same_rules() {
    let json = r#"{"basic": [{"id": "r", "order": 0, "policy": "exclude", "field": "state",
        "rule": "equals", "value": "closed"}], "advanced": []}"#;
    let rules = file::parse(Path::new("rules.json"), json).unwrap();
    assert!(!rules.accepts(&mr("x", "closed")));
    assert!(rules.advanced.is_empty());
}

#[test]
fn json_schema_error_names_file_line_and_pointer() {
    let json = "{\n  \"advanced\": [\n    {\"projects\": \"g/*\",\n     \"issues\": {\"labels\": {\"include\": [\"a\", 5]}}}\n  ]\n}";
    let error = file::parse(Path::new("rules.json"), json).unwrap_err();
    match &error {
        RulesFileError::Parse {
            location, pointer, ..
        } => {
            assert_eq!(pointer, "/advanced/0/issues/labels/include/1");
            assert_eq!(location.line, 4);
        }
        other => panic!("unexpected {other:?}"),
    }
    let text = error.to_string();
    assert!(text.starts_with("rules.json:4:"), "{text}");
}

#[test]
fn yaml_schema_error_names_file_line_and_pointer() {
    let yaml = "advanced:\n  - projects: g/*\n    typo: 1\n";
    let error = file::parse(Path::new("rules.yaml"), yaml).unwrap_err();
    match &error {
        RulesFileError::Parse {
            location,
            pointer,
            message,
            ..
        } => {
            assert_eq!(pointer, "/advanced/0/typo", "{message}");
            assert_eq!(location.line, 3, "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(error.to_string().contains("rules.yaml:3:"), "{error}");
}

#[test]
fn yaml_syntax_error_names_the_line() {
    let error = file::parse(Path::new("r.yml"), "basic:\n  - [unclosed\n").unwrap_err();
    let RulesFileError::Parse { location, .. } = &error else {
        panic!("{error:?}")
    };
    assert_ne!(*location, Location::default(), "{error}");
}

#[test]
fn invalid_rules_are_reported_with_the_rule_and_pointer() {
    let yaml = r#"
basic:
  - {id: a, policy: exclude, field: f, rule: regex, value: ".*"}
advanced:
  - projects: g
    types: [issues]
    readmes: ["*.md"]
"#;
    let error = file::parse(Path::new("rules.yaml"), yaml).unwrap_err();
    let RulesFileError::Invalid { problems, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("basic rule `a`: ") && problems[0].contains("match all"));
    assert!(
        problems[1].starts_with("/advanced/0/readmes: "),
        "{}",
        problems[1]
    );
}

#[test]
fn unknown_top_level_key_and_missing_file_are_errors() {
    let error = file::parse(Path::new("r.json"), r#"{"basics": []}"#).unwrap_err();
    assert!(
        error.to_string().contains("unknown field `basics`"),
        "{error}"
    );
    let missing = file::load(Path::new("/nonexistent/rules.yml")).unwrap_err();
    assert!(
        missing.to_string().contains("/nonexistent/rules.yml"),
        "{missing}"
    );
}
