//! Filtering validation (connector-protocol.md §5.3): the result the service sends with
//! `PUT _connector/{id}/_filtering/_validation`.
//!
//! Validators, in the reference's order, then ours:
//!
//! 1. **Schema**, per rule (DEFAULT included): `id`, `policy`, `field`, `rule`, `value`,
//!    `order` all present; `id`/`field`/`value` non-empty strings, `policy`/`rule` known words,
//!    `order` a number. Messages are the reference's (fastjsonschema) texts, e.g.
//!    `data.policy must be policy`. Only the first violation of a rule is reported.
//! 2. **No match-all regex**, per non-DEFAULT rule: a `regex` rule whose value is `.*` or `(.*)`.
//! 3. **Semantic duplicates**, over the set: the first two rules with the same `field`, `rule`
//!    and `value` (policy ignored) — one error for each.
//! 4. *(ours)* **Regex compiles**, per non-DEFAULT regex rule: the `regex` crate must accept it
//!    (Python look-arounds and backreferences are refused), since the sync would otherwise fail.
//! 5. *(ours)* **Unique ids**: two rules with one id would share match statistics.
//! 6. **Advanced rules**, when `advanced_snippet.value` is non-empty: one error with id
//!    `advanced_snippet` whose messages name each bad part by JSON pointer.
//!
//! A missing DEFAULT rule is not an error: evaluation drops DEFAULT anyway, and "no rule
//! matched ⇒ include" is exactly what it says. A rule without an `id` is reported with empty
//! `ids` (the reference sends `[null]`, which Elasticsearch's string list does not take).

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::basic::{BasicRule, Policy, RuleKind};
use crate::plan::AdvancedRules;

/// The id the reference gives advanced-rule errors.
pub const ADVANCED_RULES_ID: &str = "advanced_snippet";

/// The match-all regexes the reference refuses outside the DEFAULT rule.
const MATCH_ALL_REGEXES: [&str; 2] = [".*", "(.*)"];

/// The required keys, in the reference schema's order.
const REQUIRED: [&str; 6] = ["id", "policy", "field", "rule", "value", "order"];

/// `valid`, `invalid`, or `edited` (set by Elasticsearch on drafts, never by the service).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValidationState {
    /// Every rule is usable.
    Valid,
    /// At least one error.
    Invalid,
    /// A draft Kibana changed and nobody validated yet.
    Edited,
}

/// One error entry: the rule ids it concerns and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilteringError {
    /// Ids of the rules at fault (or [`ADVANCED_RULES_ID`]).
    pub ids: Vec<String>,
    /// Human-readable messages.
    pub messages: Vec<String>,
}

impl fmt::Display for FilteringError {
    /// `(ids: [a, b], messages: [m])`, as the reference logs and reports an error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "(ids: [{}], messages: [{}])",
            self.ids.join(", "),
            self.messages.join(", ")
        )
    }
}

/// `{state, errors}`, the `validation` object of a filtering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilteringValidation {
    /// Overall state.
    pub state: ValidationState,
    /// One entry per failing rule.
    pub errors: Vec<FilteringError>,
}

impl FilteringValidation {
    /// `valid` without errors, `invalid` with them.
    pub fn from_errors(errors: Vec<FilteringError>) -> FilteringValidation {
        let state = if errors.is_empty() {
            ValidationState::Valid
        } else {
            ValidationState::Invalid
        };
        FilteringValidation { state, errors }
    }

    /// The errors joined for a job error, e.g. `Filtering in state invalid, errors: {…}`.
    pub fn describe_errors(&self) -> String {
        self.errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether the state is `valid`.
    pub fn is_valid(&self) -> bool {
        self.state == ValidationState::Valid
    }
}

/// Validates a filtering object (`{rules, advanced_snippet: {value}, …}`: a connector's
/// `filtering[].draft`, or a job's `connector.filtering`).
pub fn validate_filtering(filtering: &Value) -> FilteringValidation {
    let rules = match filtering.get("rules") {
        Some(Value::Array(rules)) => rules.as_slice(),
        _ => &[],
    };
    let mut errors = validate_basic_rules(rules);
    let advanced = filtering
        .get("advanced_snippet")
        .and_then(|snippet| snippet.get("value"));
    if let Some(advanced) = advanced {
        errors.extend(validate_advanced_rules(advanced));
    }
    FilteringValidation::from_errors(errors)
}

/// Validates advanced rules (`advanced_snippet.value`); empty means none.
pub fn validate_advanced_rules(value: &Value) -> Option<FilteringError> {
    let problems = AdvancedRules::from_value(value).err()?;
    Some(FilteringError {
        ids: vec![ADVANCED_RULES_ID.to_owned()],
        messages: problems.iter().map(ToString::to_string).collect(),
    })
}

/// Validates basic rules given as raw JSON (validators 1–5 of the module doc).
pub fn validate_basic_rules(rules: &[Value]) -> Vec<FilteringError> {
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for raw in rules {
        match schema_violation(raw) {
            Some(message) => errors.push(error_for(raw.get("id").and_then(Value::as_str), message)),
            None => parsed.extend(serde_json::from_value::<BasicRule>(raw.clone()).ok()),
        }
    }
    for rule in parsed.iter().filter(|rule| !rule.is_default()) {
        if rule.rule == RuleKind::Regex && MATCH_ALL_REGEXES.contains(&rule.value.as_str()) {
            let message =
                format!("{rule} uses a match all regexps ['.*', '(.*)'], which are not allowed.");
            errors.push(error_for(Some(&rule.id), message));
        }
    }
    errors.extend(semantic_duplicates(&parsed));
    for rule in parsed.iter().filter(|rule| !rule.is_default()) {
        if let Some(Err(error)) = rule.anchored_regex() {
            let message = format!(
                "{rule} has a regex `{}` that does not compile: {error}",
                rule.value
            );
            errors.push(error_for(Some(&rule.id), message));
        }
    }
    let mut seen: HashMap<&str, &BasicRule> = HashMap::new();
    for rule in &parsed {
        if let Some(first) = seen.insert(&rule.id, rule) {
            let message = format!("{rule} has the same id as {first}; rule ids must be unique.");
            errors.push(error_for(Some(&rule.id), message));
        }
    }
    errors
}

fn error_for(id: Option<&str>, message: String) -> FilteringError {
    FilteringError {
        ids: id.map(str::to_owned).into_iter().collect(),
        messages: vec![message],
    }
}

/// The first schema violation of a raw rule, in fastjsonschema's words.
fn schema_violation(raw: &Value) -> Option<String> {
    let Value::Object(map) = raw else {
        return Some("data must be object".into());
    };
    if REQUIRED.iter().any(|key| !map.contains_key(*key)) {
        return Some(
            "data must contain ['id', 'policy', 'field', 'rule', 'value', 'order'] properties"
                .into(),
        );
    }
    for key in REQUIRED {
        let value = &map[key];
        let problem = match key {
            "policy" => value
                .as_str()
                .and_then(Policy::parse)
                .is_none()
                .then_some("must be policy"),
            "rule" => value
                .as_str()
                .and_then(RuleKind::parse)
                .is_none()
                .then_some("must be rule"),
            "order" => (!value.is_number()).then_some("must be number"),
            _ => match value.as_str() {
                None => Some("must be string"),
                Some("") => Some("must be longer than or equal to 1 characters"),
                Some(_) => None,
            },
        };
        if let Some(problem) = problem {
            return Some(format!("data.{key} {problem}"));
        }
    }
    None
}

/// The reference's duplicate check: stops at the first rule that repeats an earlier one's
/// (`field`, `rule`, `value`) and reports both, the later one first.
fn semantic_duplicates(rules: &[BasicRule]) -> Vec<FilteringError> {
    let mut seen: HashMap<(&str, RuleKind, &str), &BasicRule> = HashMap::new();
    for rule in rules {
        let key = (rule.field.as_str(), rule.rule, rule.value.as_str());
        if let Some(earlier) = seen.get(&key) {
            return vec![
                error_for(
                    Some(&rule.id),
                    format!("{rule} is semantically equal to {earlier}."),
                ),
                error_for(
                    Some(&earlier.id),
                    format!("{earlier} is semantically equal to {rule}."),
                ),
            ];
        }
        seen.insert(key, rule);
    }
    Vec::new()
}
