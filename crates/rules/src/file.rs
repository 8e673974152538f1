//! Rules files for `sync` mode: `{ "basic": [...], "advanced": [...] }` in JSON or YAML.
//!
//! * `.json` files are JSON, `.yml` / `.yaml` YAML; any other name is JSON when its first
//!   non-blank character is `{`, YAML otherwise.
//! * `basic` holds basic rules in the connector-document shape, except that `id` (default
//!   `basic-<n>`, counted from 1) and `order` (default: position in the list) may be left out,
//!   and `value` may be written as a number or boolean (it is turned into text). The rules are
//!   then validated exactly as a draft is (see [`crate::validate`]).
//! * `advanced` holds advanced rules (see the crate README).
//!
//! Errors name the file, the line and column where the parser knows them, and the JSON
//! pointer of the bad part (`/advanced/0/issues/labels/1`).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};
use serde_json::{Number, Value};
use thiserror::Error;

use crate::advanced::AdvancedRule;
use crate::basic::{BasicRule, BasicRules, Policy, RuleKind};
use crate::plan::AdvancedRules;
use crate::validate::validate_basic_rules;
use crate::{SyncRules, pointer};

/// Why a rules file cannot be used.
#[derive(Debug, Error)]
pub enum RulesFileError {
    /// The file could not be read.
    #[error("cannot read rules file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid JSON / YAML or does not follow the schema.
    #[error("{}{location}: `{pointer}`: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where in the file, when the parser knows.
        location: Location,
        /// JSON pointer of the bad part (`""`: the whole file).
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// The rules parse but are not valid (one problem per entry).
    #[error("{}: invalid sync rules: {}", path.display(), problems.join("; "))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Each problem, naming the rule or the JSON pointer at fault.
        problems: Vec<String>,
    },
}

/// A line and column in a rules file (1-based), if known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    /// Line, 1-based; 0 when unknown.
    pub line: u64,
    /// Column, 1-based; 0 when unknown.
    pub column: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            Ok(())
        } else {
            write!(f, ":{}:{}", self.line, self.column)
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFileSpec {
    #[serde(default)]
    basic: Vec<FileBasicRule>,
    #[serde(default)]
    advanced: Vec<AdvancedRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileBasicRule {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    order: Option<Number>,
    policy: Policy,
    field: String,
    rule: RuleKind,
    #[serde(deserialize_with = "scalar_text")]
    value: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

/// A string, number or boolean, as text.
fn scalar_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::String(text) => Ok(text),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        _ => Err(serde::de::Error::custom(
            "expected a string, number or boolean",
        )),
    }
}

/// Loads and validates the rules file at `path`.
pub fn load(path: &Path) -> Result<SyncRules, RulesFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| RulesFileError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(path, &text)
}

/// Parses and validates rules-file `text`; `path` names the file in errors and picks the
/// format.
pub fn parse(path: &Path, text: &str) -> Result<SyncRules, RulesFileError> {
    let extension = path
        .extension()
        .and_then(|ext| ext.to_str())
        .map(str::to_lowercase);
    let json = match extension.as_deref() {
        Some("json") => true,
        Some("yml" | "yaml") => false,
        _ => text.trim_start().starts_with('{'),
    };
    let spec = if json {
        parse_json(path, text)?
    } else {
        parse_yaml(path, text)?
    };
    build(path, spec)
}

fn parse_json(path: &Path, text: &str) -> Result<RulesFileSpec, RulesFileError> {
    let parse_error = |pointer: String, error: &serde_json::Error| RulesFileError::Parse {
        path: path.to_owned(),
        location: Location {
            line: error.line() as u64,
            column: error.column() as u64,
        },
        pointer,
        message: strip_suffix(
            error.to_string(),
            &format!(" at line {} column {}", error.line(), error.column()),
        ),
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let spec = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| parse_error(pointer::of_path(error.path()), error.inner()))?;
    deserializer
        .end()
        .map_err(|error| parse_error(String::new(), &error))?;
    Ok(spec)
}

fn parse_yaml(path: &Path, text: &str) -> Result<RulesFileSpec, RulesFileError> {
    let parse_error = |pointer: String, error: &serde_saphyr::Error| {
        let location = error
            .location()
            .map(|at| Location {
                line: at.line(),
                column: at.column(),
            })
            .unwrap_or_default();
        RulesFileError::Parse {
            path: path.to_owned(),
            location,
            pointer,
            message: strip_suffix(
                error.without_snippet().to_string(),
                &format!(" at line {}, column {}", location.line, location.column),
            ),
        }
    };
    // The pointer is passed out on the side: the closure must fail with the parser's own
    // error type so the parser stops without complaining about the unread rest.
    let mut failed_at = String::new();
    serde_saphyr::with_deserializer_from_str(text, |deserializer| {
        serde_path_to_error::deserialize(deserializer).map_err(|error| {
            failed_at = pointer::of_path(error.path());
            error.into_inner()
        })
    })
    .map_err(|error| parse_error(failed_at, &error))
}

/// The parser's message without the location it appends (the error shows it up front).
fn strip_suffix(message: String, suffix: &str) -> String {
    match message.strip_suffix(suffix) {
        Some(stripped) => stripped.to_owned(),
        None => message,
    }
}

fn build(path: &Path, spec: RulesFileSpec) -> Result<SyncRules, RulesFileError> {
    let rules: Vec<BasicRule> = spec
        .basic
        .into_iter()
        .enumerate()
        .map(|(index, rule)| BasicRule {
            id: rule.id.unwrap_or_else(|| format!("basic-{}", index + 1)),
            order: rule.order.unwrap_or_else(|| Number::from(index)),
            policy: rule.policy,
            field: rule.field,
            rule: rule.rule,
            value: rule.value,
            created_at: rule.created_at,
            updated_at: rule.updated_at,
        })
        .collect();
    let raw: Vec<Value> = rules
        .iter()
        .filter_map(|rule| serde_json::to_value(rule).ok())
        .collect();
    let mut problems: Vec<String> = validate_basic_rules(&raw)
        .into_iter()
        .map(|error| {
            format!(
                "basic rule `{}`: {}",
                error.ids.join("`, `"),
                error.messages.join("; ")
            )
        })
        .collect();
    let advanced = AdvancedRules::from_rules(spec.advanced, "/advanced").unwrap_or_else(|errors| {
        problems.extend(errors.iter().map(|error| error.to_string()));
        AdvancedRules::default()
    });
    if !problems.is_empty() {
        return Err(RulesFileError::Invalid {
            path: path.to_owned(),
            problems,
        });
    }
    let basic = BasicRules::new(rules).map_err(|error| RulesFileError::Invalid {
        path: path.to_owned(),
        problems: vec![error.to_string()],
    })?;
    Ok(SyncRules { basic, advanced })
}
