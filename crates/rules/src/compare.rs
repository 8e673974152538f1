//! One basic-rule comparison between a document value and a rule value, with the reference's
//! type coercion (connector-protocol.md §5.2.7).
//!
//! Deviation (documented, §10.13): where the reference raises a `TypeError` and fails the sync
//! (`<` / `>` against a boolean, `null`, a list, an object, or a number whose rule value does not
//! parse as a float), this port answers "no match".

use std::borrow::Cow;
use std::cmp::Ordering;

use regex::Regex;
use serde_json::Value;

use crate::basic::RuleKind;
use crate::pystr::py_str;

/// A document value as the rules see it: our own string members (`id`, `type`, `_timestamp`,
/// `body`) without copying them, or a JSON field value.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// A string member of the document.
    Text(&'a str),
    /// A field of the document.
    Json(&'a Value),
}

impl<'a> Subject<'a> {
    /// Python `str()` of the value.
    fn stringify(self) -> Cow<'a, str> {
        match self {
            Subject::Text(text) => Cow::Borrowed(text),
            Subject::Json(Value::String(text)) => Cow::Borrowed(text.as_str()),
            Subject::Json(value) => Cow::Owned(py_str(value)),
        }
    }
}

/// Whether `subject` satisfies `kind` against the rule `value`. `regex` is the compiled,
/// start-anchored form of `value` (present exactly when `kind` is [`RuleKind::Regex`]).
pub fn compare(kind: RuleKind, value: &str, regex: Option<&Regex>, subject: Subject<'_>) -> bool {
    match kind {
        RuleKind::StartsWith => subject.stringify().starts_with(value),
        RuleKind::EndsWith => subject.stringify().ends_with(value),
        RuleKind::Contains => subject.stringify().contains(value),
        RuleKind::Regex => regex.is_some_and(|re| re.is_match(&subject.stringify())),
        RuleKind::Equals => ordering(value, subject) == Some(Ordering::Equal),
        RuleKind::LessThan => ordering(value, subject) == Some(Ordering::Less),
        RuleKind::GreaterThan => ordering(value, subject) == Some(Ordering::Greater),
    }
}

/// How the document value orders against the coerced rule value; `None` when Python would
/// call them unequal and refuse to order them.
fn ordering(value: &str, subject: Subject<'_>) -> Option<Ordering> {
    match subject {
        // Python compares `str` by code point; UTF-8 byte order is the same order.
        Subject::Text(text) => Some(text.cmp(value)),
        Subject::Json(Value::String(text)) => Some(text.as_str().cmp(value)),
        Subject::Json(Value::Number(number)) => {
            let document = number.as_f64()?;
            let rule = py_float(value)?;
            document.partial_cmp(&rule)
        }
        // Booleans: the rule value becomes the text "True"/"False", which never equals a bool
        // and cannot be ordered against one. null, lists and objects: the rule value stays a
        // string, again never equal and not orderable.
        Subject::Json(_) => None,
    }
}

/// Python's `float(text)`: surrounding whitespace allowed, `_` allowed between digits,
/// `inf` / `nan` spelled any case.
fn py_float(text: &str) -> Option<f64> {
    let trimmed = text.trim();
    let cleaned: Cow<'_, str> = if trimmed.contains('_') {
        let bytes = trimmed.as_bytes();
        let between_digits = bytes.iter().enumerate().all(|(index, byte)| {
            *byte != b'_'
                || (index > 0
                    && bytes[index - 1].is_ascii_digit()
                    && bytes.get(index + 1).is_some_and(u8::is_ascii_digit))
        });
        if !between_digits {
            return None;
        }
        Cow::Owned(trimmed.replace('_', ""))
    } else {
        Cow::Borrowed(trimmed)
    };
    cleaned.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_float_parsing() {
        assert_eq!(py_float(" 1.5 "), Some(1.5));
        assert_eq!(py_float("1_000"), Some(1000.0));
        assert_eq!(py_float("1__0"), None);
        assert_eq!(py_float("_1"), None);
        assert_eq!(py_float("Infinity"), Some(f64::INFINITY));
        assert_eq!(py_float("ten"), None);
        assert_eq!(py_float(""), None);
    }
}
