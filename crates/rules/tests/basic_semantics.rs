//! Basic-rule semantics, one table row per case of connector-protocol.md §5.2.

use connector_core::{Document, DocumentFilter};
use serde_json::{Value, json};
use sync_rules::{BasicRule, BasicRules, Policy, RuleKind};

fn rule(id: &str, order: i64, policy: &str, field: &str, kind: &str, value: &str) -> Value {
    json!({"id": id, "order": order, "policy": policy, "field": field, "rule": kind, "value": value})
}

fn doc_with(field: &str, value: Value) -> Document {
    Document::new("issue_1_1", "Issue").with(field.to_owned(), value)
}

/// Whether a single `include` rule matches (`accepts` of an exclude rule is the inverse).
fn matches(kind: &str, rule_value: &str, doc_value: Value) -> bool {
    let rules = BasicRules::from_json(&json!([rule("r", 0, "exclude", "f", kind, rule_value)]))
        .expect("rules parse");
    !rules.accepts(&doc_with("f", doc_value))
}

#[test]
fn comparison_table_follows_the_reference() {
    // (rule, rule value, document value, matches?, what the row pins)
    let table: Vec<(&str, &str, Value, bool, &str)> = vec![
        // starts_with / ends_with / contains: str(D), case-sensitive
        (
            "starts_with",
            "Cra",
            json!("Crash on start"),
            true,
            "prefix",
        ),
        (
            "starts_with",
            "cra",
            json!("Crash on start"),
            false,
            "case-sensitive",
        ),
        (
            "ends_with",
            "start",
            json!("Crash on start"),
            true,
            "suffix",
        ),
        (
            "contains",
            "on s",
            json!("Crash on start"),
            true,
            "substring",
        ),
        ("contains", "x", json!("Crash"), false, "no substring"),
        (
            "starts_with",
            "Tr",
            json!(true),
            true,
            "bool stringifies as True",
        ),
        (
            "contains",
            "on",
            json!(null),
            true,
            "null stringifies as None",
        ),
        (
            "ends_with",
            ".0",
            json!(1.0),
            true,
            "float stringifies as 1.0",
        ),
        ("starts_with", "12", json!(123), true, "int stringifies"),
        (
            "contains",
            "'bug'",
            json!(["bug", "ui"]),
            true,
            "list stringifies as Python repr",
        ),
        (
            "contains",
            "bug",
            json!(["bug", "ui"]),
            true,
            "list contains label text",
        ),
        // regex: start-anchored, not end-anchored
        (
            "regex",
            "Cr.sh",
            json!("Crash on start"),
            true,
            "anchored at start",
        ),
        (
            "regex",
            "on",
            json!("Crash on start"),
            false,
            "not a search",
        ),
        (
            "regex",
            "Cra",
            json!("Crash on start"),
            true,
            "not anchored at end",
        ),
        (
            "regex",
            "a|Crash",
            json!("Crash"),
            true,
            "alternation is grouped",
        ),
        ("regex", "Tru", json!(true), true, "regex on str(bool)"),
        ("regex", r"\d+", json!(42), true, "regex on str(int)"),
        // equals on strings
        ("equals", "opened", json!("opened"), true, "string equality"),
        (
            "equals",
            "Opened",
            json!("opened"),
            false,
            "string equality is case-sensitive",
        ),
        // equals / < / > on numbers: V parsed as float
        ("equals", "3", json!(3), true, "int == float(V)"),
        ("equals", "3.0", json!(3), true, "int == 3.0"),
        ("equals", " 3 ", json!(3), true, "float() trims whitespace"),
        (
            "equals",
            "three",
            json!(3),
            false,
            "unparsable V never equals a number",
        ),
        ("<", "10", json!(9), true, "9 < 10 numerically"),
        ("<", "10", json!(10), false, "10 < 10"),
        (">", "10", json!(11.5), true, "11.5 > 10"),
        (">", "9", json!(10), true, "numeric, not lexicographic"),
        (
            "<",
            "ten",
            json!(9),
            false,
            "deviation: reference crashes, we do not match",
        ),
        // < / > on strings: lexicographic
        ("<", "b", json!("a"), true, "lexicographic <"),
        (
            ">",
            "9",
            json!("10"),
            false,
            "strings compare lexicographically",
        ),
        (
            "<",
            "2024-06-01",
            json!("2024-01-15T10:00:00Z"),
            true,
            "ISO dates compare as text",
        ),
        (
            ">",
            "2024-06-01",
            json!("2024-01-15T10:00:00Z"),
            false,
            "ISO dates compare as text",
        ),
        // booleans: equals never matches, < / > no match (deviation)
        (
            "equals",
            "true",
            json!(true),
            false,
            "reference compares bool with 'True'",
        ),
        ("equals", "True", json!(true), false, "even the exact text"),
        ("equals", "false", json!(false), false, "and for false"),
        (
            "<",
            "true",
            json!(false),
            false,
            "deviation: reference crashes",
        ),
        (
            ">",
            "false",
            json!(true),
            false,
            "deviation: reference crashes",
        ),
        // null / list / object: equals false, < / > no match
        (
            "equals",
            "None",
            json!(null),
            false,
            "null never equals text",
        ),
        ("<", "a", json!(null), false, "deviation: reference crashes"),
        (
            "equals",
            "['a']",
            json!(["a"]),
            false,
            "list never equals text",
        ),
        (
            ">",
            "a",
            json!({"k": 1}),
            false,
            "deviation: reference crashes",
        ),
    ];
    for (kind, rule_value, doc_value, expected, why) in table {
        assert_eq!(
            matches(kind, rule_value, doc_value.clone()),
            expected,
            "{kind} {rule_value:?} against {doc_value}: {why}"
        );
    }
}

#[test]
fn rule_and_policy_words_are_case_insensitive_and_ordering_words_are_refused() {
    let upper = json!([rule("r", 0, "EXCLUDE", "f", "Starts_With", "a")]);
    assert!(
        !BasicRules::from_json(&upper)
            .unwrap()
            .accepts(&doc_with("f", json!("abc")))
    );
    for refused in ["greater_than", "less_than", "matches"] {
        let rules = json!([rule("r", 0, "include", "f", refused, "a")]);
        assert!(
            BasicRules::from_json(&rules).is_err(),
            "{refused} must be refused"
        );
    }
}

#[test]
fn first_rule_by_order_decides_and_equal_orders_keep_array_order() {
    // Listed out of order: order 2 excludes, order 1 includes ⇒ include wins.
    let rules = BasicRules::from_json(&json!([
        rule("late", 2, "exclude", "state", "equals", "opened"),
        rule("early", 1, "include", "state", "equals", "opened"),
    ]))
    .unwrap();
    let order: Vec<&str> = rules.rules().map(|r| r.id.as_str()).collect();
    assert_eq!(order, ["early", "late"]);
    assert!(rules.accepts(&doc_with("state", json!("opened"))));

    // Equal orders: the array's first rule decides.
    let tie = BasicRules::from_json(&json!([
        rule("first", 1, "exclude", "state", "starts_with", "op"),
        rule("second", 1, "include", "state", "equals", "opened"),
    ]))
    .unwrap();
    assert!(!tie.accepts(&doc_with("state", json!("opened"))));
}

#[test]
fn default_rule_is_dropped_and_unmatched_documents_are_included() {
    // A DEFAULT rule with exclude policy would exclude everything if it were evaluated.
    let rules = BasicRules::from_json(&json!([
        rule("DEFAULT", 0, "exclude", "_", "regex", ".*"),
        rule("r", 1, "exclude", "state", "equals", "closed"),
    ]))
    .unwrap();
    assert_eq!(rules.rules().count(), 1);
    assert!(rules.accepts(&doc_with("state", json!("opened"))));
    assert!(!rules.accepts(&doc_with("state", json!("closed"))));
    assert!(BasicRules::from_json(&json!([])).unwrap().is_empty());
    assert!(BasicRules::default().accepts(&doc_with("x", json!(1))));
}

#[test]
fn missing_fields_never_match_and_dotted_paths_are_not_followed() {
    let rules = BasicRules::from_json(&json!([
        rule("a", 0, "exclude", "author.name", "equals", "Ann"),
        rule("b", 1, "exclude", "missing", "regex", "x*"),
    ]))
    .unwrap();
    let doc = doc_with("author", json!({"name": "Ann"}));
    assert!(rules.accepts(&doc));
}

#[test]
fn id_type_timestamp_and_body_are_visible_as_top_level_keys() {
    let mut doc = Document::new("mr_7_1", "Merge Request");
    doc.body = "Fixes the crash".into();
    let excluded_from = |doc: &Document, field: &str, kind: &str, value: &str| {
        let rules = BasicRules::from_json(&json!([rule("r", 0, "exclude", field, kind, value)]));
        !rules.unwrap().accepts(doc)
    };
    let excluded = |field: &str, kind: &str, value: &str| excluded_from(&doc, field, kind, value);
    assert!(excluded("id", "starts_with", "mr_7_"));
    assert!(excluded("type", "equals", "Merge Request"));
    assert!(excluded("body", "contains", "crash"));
    assert!(
        !excluded("_timestamp", "regex", ".*"),
        "no timestamp set ⇒ key missing"
    );
    assert!(
        !excluded("_id", "regex", "mr"),
        "`_id` is not a key of the rules' document"
    );
    let mut stamped = doc.clone();
    stamped.timestamp = Some("2024-03-01T00:00:00Z".into());
    assert!(excluded_from(&stamped, "_timestamp", "<", "2024-06"));
}

#[test]
fn serde_shape_round_trips_the_connector_document() {
    let raw = json!({"id": "r1", "order": 3, "policy": "Include", "field": "state",
        "rule": "<", "value": "5", "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-02T00:00:00Z"});
    let parsed: BasicRule = serde_json::from_value(raw).unwrap();
    assert_eq!(parsed.policy, Policy::Include);
    assert_eq!(parsed.rule, RuleKind::LessThan);
    let back = serde_json::to_value(&parsed).unwrap();
    assert_eq!(back["policy"], "include");
    assert_eq!(back["rule"], "<");
    assert_eq!(back["order"], 3);
    let default = json!({"id": "DEFAULT", "order": 0, "policy": "include", "field": "_", "rule": "regex", "value": ".*"});
    let parsed: BasicRule = serde_json::from_value(default.clone()).unwrap();
    assert!(parsed.is_default());
    assert_eq!(serde_json::to_value(&parsed).unwrap(), default);
}

#[test]
fn regex_that_does_not_compile_is_an_error_naming_the_rule() {
    let error = BasicRules::from_json(&json!([rule("look", 0, "include", "f", "regex", "(?=a)")]))
        .unwrap_err();
    assert!(error.to_string().contains("`look`"), "{error}");
}
