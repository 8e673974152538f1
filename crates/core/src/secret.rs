//! [`Secret`]: a string whose `Debug` and `Display` never show it; and
//! [`url_without_credentials`], for showing URLs that may carry a password.

use std::fmt;

use url::Url;

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

/// `url` as messages, logs, summaries and debug output show it: a user name and password
/// written into it (`http://elastic:secret@host:9200`) are left out. Requests keep using the
/// original.
pub fn url_without_credentials(url: &Url) -> Url {
    let mut shown = url.clone();
    // Both fail only for URLs that cannot carry credentials (`mailto:`), left as they are.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown
}

#[cfg(test)]
mod tests {
    use url::Url;

    use super::url_without_credentials;

    #[test]
    fn urls_are_shown_without_their_credentials() {
        let url = Url::parse("http://elastic:ESSECRET@es.example:9200/prefix").unwrap();
        assert_eq!(
            url_without_credentials(&url).as_str(),
            "http://es.example:9200/prefix"
        );
        let plain = Url::parse("https://es.example/").unwrap();
        assert_eq!(url_without_credentials(&plain), plain);
    }

    #[test]
    fn formatting_redacts() {
        let secret = super::Secret::new("glpat-abc");
        assert_eq!(format!("{secret:?} {secret}"), "**REDACTED** **REDACTED**");
        assert_eq!(secret.expose(), "glpat-abc");
    }
}
