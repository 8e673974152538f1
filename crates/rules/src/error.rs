//! The crate's error type.

use thiserror::Error;

use crate::advanced::AdvancedRuleError;

/// Why a set of sync rules cannot be used.
#[derive(Debug, Error)]
pub enum RulesError {
    /// A basic rule does not have the connector document's shape.
    #[error("basic rule at `{pointer}`: {message}")]
    InvalidBasicRule {
        /// JSON pointer of the bad part, inside the `rules` array.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// A regex rule whose value the `regex` crate cannot compile (look-arounds and
    /// backreferences of Python's `re` are not supported).
    #[error("basic rule `{id}`: regex `{pattern}` does not compile: {source}")]
    InvalidRegex {
        /// The rule's id.
        id: String,
        /// The rule's value.
        pattern: String,
        /// The compiler's complaint.
        source: Box<regex::Error>,
    },
    /// The advanced rules do not follow the schema (see the crate README).
    #[error("advanced rules are invalid: {}", join(.0))]
    InvalidAdvanced(Vec<AdvancedRuleError>),
}

fn join(errors: &[AdvancedRuleError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
