//! Filtering validation (connector-protocol.md §5.3) in the `_filtering/_validation` shape.

use serde_json::{Value, json};
use sync_rules::{FilteringValidation, ValidationState, validate_filtering};

const UUID_A: &str = "4a9d2b7e-1c3f-4e5a-9b8c-7d6e5f4a3b2c";
const UUID_B: &str = "0f1e2d3c-4b5a-4968-8776-65544332211f";

fn default_rule() -> Value {
    json!({"id": "DEFAULT", "order": 1, "policy": "include", "field": "_", "rule": "regex", "value": ".*"})
}

fn rule(id: &str, order: i64, field: &str, kind: &str, value: &str) -> Value {
    json!({"id": id, "order": order, "policy": "exclude", "field": field, "rule": kind, "value": value})
}

fn validate(rules: Vec<Value>) -> FilteringValidation {
    validate_filtering(&json!({"rules": rules, "advanced_snippet": {"value": {}}}))
}

/// (ids, first message) of each error.
fn errors(result: &FilteringValidation) -> Vec<(Vec<String>, String)> {
    result
        .errors
        .iter()
        .map(|e| (e.ids.clone(), e.messages[0].clone()))
        .collect()
}

#[test]
fn elasticsearch_default_filtering_is_valid() {
    let result = validate(vec![default_rule()]);
    assert_eq!(
        serde_json::to_value(&result).unwrap(),
        json!({"state": "valid", "errors": []})
    );
}

#[test]
fn schema_violations_use_the_reference_messages() {
    let table: Vec<(Value, &str)> = vec![
        (json!("not a rule"), "data must be object"),
        (
            json!({"id": "r", "policy": "include", "field": "f", "rule": "equals", "value": "v"}),
            "data must contain ['id', 'policy', 'field', 'rule', 'value', 'order'] properties",
        ),
        (
            json!({"id": "", "order": 0, "policy": "include", "field": "f", "rule": "equals", "value": "v"}),
            "data.id must be longer than or equal to 1 characters",
        ),
        (
            json!({"id": "r", "order": 0, "policy": "keep", "field": "f", "rule": "equals", "value": "v"}),
            "data.policy must be policy",
        ),
        (
            json!({"id": "r", "order": 0, "policy": "include", "field": 3, "rule": "equals", "value": "v"}),
            "data.field must be string",
        ),
        (
            json!({"id": "r", "order": 0, "policy": "include", "field": "f", "rule": "greater_than", "value": "v"}),
            "data.rule must be rule",
        ),
        (
            json!({"id": "r", "order": 0, "policy": "include", "field": "f", "rule": "equals", "value": ""}),
            "data.value must be longer than or equal to 1 characters",
        ),
        (
            json!({"id": "r", "order": "1", "policy": "include", "field": "f", "rule": "equals", "value": "v"}),
            "data.order must be number",
        ),
    ];
    for (raw, message) in table {
        let result = validate(vec![raw.clone(), default_rule()]);
        assert_eq!(result.state, ValidationState::Invalid, "{raw}");
        assert_eq!(result.errors.len(), 1, "{raw}: {:?}", result.errors);
        assert_eq!(result.errors[0].messages, vec![message.to_owned()], "{raw}");
        let expected_ids: Vec<String> = raw
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .into_iter()
            .collect();
        assert_eq!(result.errors[0].ids, expected_ids, "{raw}");
    }
}

#[test]
fn match_all_regex_is_refused_outside_the_default_rule() {
    for value in [".*", "(.*)"] {
        let result = validate(vec![
            rule(UUID_A, 0, "title", "regex", value),
            default_rule(),
        ]);
        assert_eq!(
            errors(&result),
            vec![(
                vec![UUID_A.to_owned()],
                "Basic rule 1 (id: '4a9d2...a3b2c') uses a match all regexps ['.*', '(.*)'], which are not allowed."
                    .to_owned()
            )]
        );
    }
    assert!(validate(vec![rule("r", 0, "title", "regex", ".+"), default_rule()]).is_valid());
}

#[test]
fn semantic_duplicates_report_both_rules_ignoring_policy_and_rule_case() {
    let mut first = rule(UUID_A, 0, "state", "equals", "closed");
    first["policy"] = json!("include");
    let second = rule(UUID_B, 2, "state", "EQUALS", "closed");
    let result = validate(vec![first, second, default_rule()]);
    assert_eq!(
        errors(&result),
        vec![
            (
                vec![UUID_B.to_owned()],
                "Basic rule 3 (id: '0f1e2...2211f') is semantically equal to Basic rule 1 (id: '4a9d2...a3b2c')."
                    .to_owned()
            ),
            (
                vec![UUID_A.to_owned()],
                "Basic rule 1 (id: '4a9d2...a3b2c') is semantically equal to Basic rule 3 (id: '0f1e2...2211f')."
                    .to_owned()
            ),
        ]
    );
}

#[test]
fn only_the_first_duplicate_pair_is_reported() {
    let result = validate(vec![
        rule("a", 0, "f", "equals", "1"),
        rule("b", 1, "f", "equals", "1"),
        rule("c", 2, "g", "equals", "2"),
        rule("d", 3, "g", "equals", "2"),
    ]);
    let ids: Vec<Vec<String>> = result.errors.iter().map(|e| e.ids.clone()).collect();
    assert_eq!(ids, vec![vec!["b".to_owned()], vec!["a".to_owned()]]);
}

#[test]
fn regexes_the_engine_cannot_compile_are_invalid() {
    let result = validate(vec![
        rule("look", 0, "title", "regex", "(?<=a)b"),
        default_rule(),
    ]);
    let found = errors(&result);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, vec!["look".to_owned()]);
    assert!(found[0].1.contains("does not compile"), "{}", found[0].1);
}

#[test]
fn duplicate_ids_are_invalid() {
    let result = validate(vec![
        rule("same", 0, "a", "equals", "1"),
        rule("same", 1, "b", "equals", "2"),
    ]);
    assert_eq!(result.errors.len(), 1);
    assert!(
        result.errors[0].messages[0].contains("same id"),
        "{:?}",
        result.errors
    );
}

#[test]
fn missing_default_rule_is_accepted() {
    assert!(validate(vec![rule("r", 0, "a", "equals", "1")]).is_valid());
    assert!(validate(vec![]).is_valid());
}

#[test]
fn advanced_rule_errors_come_under_advanced_snippet_with_json_pointers() {
    let result = validate_filtering(&json!({
        "rules": [default_rule()],
        "advanced_snippet": {"value": [{"projects": "g/*", "issues": {"labels": {"include": ["a", 7]}}}]}
    }));
    assert_eq!(result.state, ValidationState::Invalid);
    assert_eq!(result.errors.len(), 1);
    assert_eq!(result.errors[0].ids, vec!["advanced_snippet".to_owned()]);
    let message = &result.errors[0].messages[0];
    assert!(
        message.starts_with("/0/issues/labels/include/1: "),
        "{message}"
    );
}

#[test]
fn validation_round_trips_the_protocol_shape() {
    let wire = json!({"state": "edited", "errors": [{"ids": ["x"], "messages": ["m"]}]});
    let parsed: FilteringValidation = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(parsed.state, ValidationState::Edited);
    assert_eq!(serde_json::to_value(parsed).unwrap(), wire);
}

#[test]
fn errors_describe_themselves_for_job_errors() {
    let result = validate(vec![rule("r", 0, "f", "regex", ".*")]);
    assert_eq!(
        result.describe_errors(),
        "(ids: [r], messages: [Basic rule 1 (id: 'r') uses a match all regexps ['.*', '(.*)'], which are not allowed.])"
    );
}
