//! Elastic's basic sync rules: the rule object of the connector document and its evaluation,
//! exactly as the reference evaluates them (connector-protocol.md §5.2).
//!
//! # Evaluation
//!
//! 1. Rules whose `id` is `DEFAULT` (the catch-all) are dropped.
//! 2. The rest are sorted by `order`, ascending and stable (equal orders keep array order).
//! 3. The first rule that matches decides: `include` indexes the document, `exclude` skips it.
//!    No rule matches (or no rules at all) ⇒ the document is indexed, which is what the
//!    default rule, always last, says.
//!
//! # Field lookup
//!
//! `field` names a **top-level** key of the document's `_source`; dotted paths are not
//! followed (the reference does not follow them either), and a missing key never matches.
//! `id` is the `_id`, `type` the type, `_timestamp` the timestamp (missing when the source set
//! none), `body` our searchable text; every other name is looked up in the document's fields.
//! The reference also shows its three pipeline flags (`_extract_binary_content`, …) to the
//! rules; those live in the job, not in the document, so here they are missing keys.

use std::borrow::Cow;
use std::fmt;

use connector_core::{Document, DocumentFilter};
use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

use crate::compare::{Subject, compare};
use crate::error::RulesError;

/// The `id` of the catch-all rule every connector carries.
pub const DEFAULT_RULE_ID: &str = "DEFAULT";

/// `include` or `exclude`, parsed case-insensitively, written in lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Policy {
    /// Index the matching document.
    Include,
    /// Skip the matching document.
    Exclude,
}

impl Policy {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Include => "include",
            Policy::Exclude => "exclude",
        }
    }

    /// Parses a policy, ignoring case; `None` for anything else.
    pub fn parse(text: &str) -> Option<Policy> {
        match text.to_lowercase().as_str() {
            "include" => Some(Policy::Include),
            "exclude" => Some(Policy::Exclude),
            _ => None,
        }
    }
}

impl From<Policy> for &'static str {
    fn from(policy: Policy) -> Self {
        policy.as_str()
    }
}

impl TryFrom<String> for Policy {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Policy::parse(&text).ok_or_else(|| {
            format!("'{text}' is an unknown value for the enum Policy. Allowed policies: include, exclude")
        })
    }
}

/// The comparison of a rule. Parsed case-insensitively; `<` and `>` are the only spellings of
/// the ordering rules (`less_than` / `greater_than` are refused, as in the reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum RuleKind {
    /// Coerced equality.
    Equals,
    /// Stringified document value contains the rule value.
    Contains,
    /// Stringified document value starts with the rule value.
    StartsWith,
    /// Stringified document value ends with the rule value.
    EndsWith,
    /// The rule value, as a regular expression, matches at the start of the stringified
    /// document value (not anchored at the end).
    Regex,
    /// Coerced `document < value`.
    LessThan,
    /// Coerced `document > value`.
    GreaterThan,
}

impl RuleKind {
    /// Every kind, for messages and tests.
    pub const ALL: [RuleKind; 7] = [
        RuleKind::Equals,
        RuleKind::Contains,
        RuleKind::StartsWith,
        RuleKind::EndsWith,
        RuleKind::Regex,
        RuleKind::LessThan,
        RuleKind::GreaterThan,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Equals => "equals",
            RuleKind::Contains => "contains",
            RuleKind::StartsWith => "starts_with",
            RuleKind::EndsWith => "ends_with",
            RuleKind::Regex => "regex",
            RuleKind::LessThan => "<",
            RuleKind::GreaterThan => ">",
        }
    }

    /// Parses a rule kind, ignoring case; `None` for anything else.
    pub fn parse(text: &str) -> Option<RuleKind> {
        let lower = text.to_lowercase();
        RuleKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == lower)
    }
}

impl From<RuleKind> for &'static str {
    fn from(kind: RuleKind) -> Self {
        kind.as_str()
    }
}

impl TryFrom<String> for RuleKind {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        RuleKind::parse(&text).ok_or_else(|| {
            format!(
                "'{text}' is an unknown value for the enum Rule. Allowed rules: equals, contains, starts_with, ends_with, regex, <, >"
            )
        })
    }
}

/// One basic rule, in the shape of the connector document's `filtering[].{draft,active}.rules`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BasicRule {
    /// Rule id (`DEFAULT` for the catch-all).
    pub id: String,
    /// Evaluation order, ascending.
    pub order: Number,
    /// What a match does.
    pub policy: Policy,
    /// Top-level document key the rule looks at.
    pub field: String,
    /// The comparison.
    pub rule: RuleKind,
    /// The rule value (a string in every connector document).
    pub value: String,
    /// When Kibana created the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When Kibana last changed the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

impl BasicRule {
    /// Whether this is the catch-all rule.
    pub fn is_default(&self) -> bool {
        self.id == DEFAULT_RULE_ID
    }

    /// The order as a float, for sorting.
    pub fn order_key(&self) -> f64 {
        self.order.as_f64().unwrap_or(0.0)
    }

    /// The regular expression this rule evaluates, anchored at the start as Python's
    /// `re.match` is. `None` unless the rule is a regex rule.
    pub fn anchored_regex(&self) -> Option<Result<Regex, regex::Error>> {
        (self.rule == RuleKind::Regex).then(|| Regex::new(&format!("^(?:{})", self.value)))
    }
}

impl fmt::Display for BasicRule {
    /// The reference's short form: `Basic rule 3 (id: 'abcde...vwxyz')`, order counted from 1.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let order = match (self.order.as_i64(), self.order.as_f64()) {
            (Some(order), _) => (order + 1).to_string(),
            (None, Some(order)) => crate::pystr::py_float(order + 1.0),
            (None, None) => self.order.to_string(),
        };
        write!(f, "Basic rule {order} (id: '{}')", shorten_id(&self.id))
    }
}

/// Keeps the first and last five characters of a long id, approximating the reference's
/// shortening of a 36-character UUID to 10 characters plus `...`; ids of
/// 13 characters or fewer stay whole.
fn shorten_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 13 {
        return id.to_owned();
    }
    let head: String = chars[..5].iter().collect();
    let tail: String = chars[chars.len() - 5..].iter().collect();
    format!("{head}...{tail}")
}

/// A rule ready to evaluate.
#[derive(Debug, Clone)]
struct CompiledRule {
    rule: BasicRule,
    regex: Option<Regex>,
}

/// The basic rules of one filtering, ready to evaluate: `DEFAULT` dropped, the rest sorted by
/// `order`, regexes compiled. Implements [`DocumentFilter`].
#[derive(Debug, Clone, Default)]
pub struct BasicRules {
    rules: Vec<CompiledRule>,
}

impl BasicRules {
    /// Prepares `rules` for evaluation. Fails on a regex rule whose value does not compile
    /// (the reference would fail the sync at the first document).
    pub fn new(rules: Vec<BasicRule>) -> Result<BasicRules, RulesError> {
        let mut kept: Vec<BasicRule> = rules
            .into_iter()
            .filter(|rule| !rule.is_default())
            .collect();
        kept.sort_by(|a, b| a.order_key().total_cmp(&b.order_key()));
        let rules = kept
            .into_iter()
            .map(|rule| {
                let regex = rule.anchored_regex().transpose().map_err(|source| {
                    RulesError::InvalidRegex {
                        id: rule.id.clone(),
                        pattern: rule.value.clone(),
                        source: Box::new(source),
                    }
                })?;
                Ok(CompiledRule { rule, regex })
            })
            .collect::<Result<_, RulesError>>()?;
        Ok(BasicRules { rules })
    }

    /// Parses the `rules` array of a filtering object (as found in a job's
    /// `connector.filtering.rules`) and prepares it.
    pub fn from_json(rules: &Value) -> Result<BasicRules, RulesError> {
        let parsed: Vec<BasicRule> = serde_path_to_error::deserialize(rules).map_err(|error| {
            RulesError::InvalidBasicRule {
                pointer: crate::pointer::of_path(error.path()),
                message: error.inner().to_string(),
            }
        })?;
        BasicRules::new(parsed)
    }

    /// The rules in evaluation order (without `DEFAULT`).
    pub fn rules(&self) -> impl Iterator<Item = &BasicRule> {
        self.rules.iter().map(|compiled| &compiled.rule)
    }

    /// Whether no rule is left to evaluate (everything is indexed).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rule that decides `doc`, if any matches.
    pub fn deciding_rule(&self, doc: &Document) -> Option<&BasicRule> {
        self.rules.iter().find_map(|compiled| {
            let rule = &compiled.rule;
            let decides = |subject: Subject<'_>| {
                compare(rule.rule, &rule.value, compiled.regex.as_ref(), subject)
            };
            let matched = match own_member(doc, &rule.field) {
                Some(member) => member.is_some_and(|text| decides(Subject::Text(&text))),
                None => doc
                    .fields
                    .get(&rule.field)
                    .is_some_and(|value| decides(Subject::Json(&value))),
            };
            matched.then_some(rule)
        })
    }
}

impl DocumentFilter for BasicRules {
    fn accepts(&self, doc: &Document) -> bool {
        self.deciding_rule(doc)
            .is_none_or(|rule| rule.policy == Policy::Include)
    }
}

/// The value of `_source` key `field` when it is one of the document's own members (`id`,
/// `type`, `_timestamp`, `body`; see the module doc): `Some(None)` for an unset `_timestamp`,
/// `None` for any other key, which is a field.
fn own_member<'a>(doc: &'a Document, field: &str) -> Option<Option<Cow<'a, str>>> {
    match field {
        "id" => Some(Some(Cow::Borrowed(&doc.id))),
        "type" => Some(Some(Cow::Borrowed(&doc.doc_type))),
        "_timestamp" => Some(doc.timestamp.as_deref().map(Cow::Borrowed)),
        "body" => Some(Some(doc.body.text())),
        _ => None,
    }
}
