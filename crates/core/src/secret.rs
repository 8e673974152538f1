//! [`Secret`]: a string whose `Debug` and `Display` never show it.

use std::fmt;

/// A token, API key or password. Formatting it prints `**REDACTED**`; the value is reachable
/// only through [`Secret::expose`], which call sites use at the moment of sending it.
#[derive(Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("**REDACTED**")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("**REDACTED**")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formatting_redacts() {
        let secret = super::Secret::new("glpat-abc");
        assert_eq!(format!("{secret:?} {secret}"), "**REDACTED** **REDACTED**");
        assert_eq!(secret.expose(), "glpat-abc");
    }
}
