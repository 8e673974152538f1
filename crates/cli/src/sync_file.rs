//! The optional settings file of `sync` and `check` (`--config FILE`, YAML).
//!
//! What to sync lives here; how one run behaves (`--json`, progress, log level) stays in flags.
//! Unknown keys are errors, so a typo never silently falls back to a default.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use crate::args::SinkKind;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncFile {
    /// GitLab connection and selection.
    #[serde(default)]
    pub gitlab: GitlabSection,
    /// `local` or `elasticsearch`.
    pub sink: Option<SinkKind>,
    /// Directory of the local index.
    pub index_dir: Option<PathBuf>,
    /// Sync rules file (JSON or YAML), relative to the working directory.
    pub rules: Option<PathBuf>,
    /// Elasticsearch connection for `sink: elasticsearch`.
    #[serde(default)]
    pub elasticsearch: EsSection,
}

/// The `elasticsearch:` section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EsSection {
    /// Elasticsearch URL.
    pub url: Option<String>,
    /// Content index.
    pub index: Option<String>,
    /// Encoded API key.
    pub api_key: Option<String>,
    /// Basic-auth user.
    pub username: Option<String>,
    /// Basic-auth password.
    pub password: Option<String>,
    /// CA bundle (PEM).
    pub ca_certs: Option<PathBuf>,
}

/// The `gitlab:` section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitlabSection {
    /// Base URL.
    pub url: Option<String>,
    /// Access token.
    pub token: Option<String>,
    /// `*`, a comma/newline-separated string, or a list of full paths.
    pub projects: Option<ProjectList>,
    /// Extra CA certificates (PEM).
    pub ca_bundle: Option<PathBuf>,
    /// Skip TLS verification.
    #[serde(default)]
    pub insecure_skip_verify: bool,
    /// Most requests in flight.
    pub concurrency: Option<usize>,
    /// Projects synced in parallel.
    pub project_concurrency: Option<usize>,
    /// Requests-per-minute cap.
    pub requests_per_minute: Option<u32>,
    /// Attempts per request.
    pub max_attempts: Option<u32>,
}

/// A project list written either as one string or as a YAML list.
#[derive(Debug)]
pub enum ProjectList {
    /// `"*"` or `"a/b, c/d"`.
    Text(String),
    /// `["a/b", "c/d"]`.
    List(Vec<String>),
}

impl ProjectList {
    /// The entries, trimmed, empty ones dropped; strings split on commas and newlines.
    pub fn entries(&self) -> Vec<String> {
        let pieces: Vec<&str> = match self {
            ProjectList::Text(text) => text.split([',', '\n']).collect(),
            ProjectList::List(items) => items.iter().map(String::as_str).collect(),
        };
        pieces
            .into_iter()
            .map(str::trim)
            .filter(|piece| !piece.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// Deserialized by hand rather than `untagged`: serde's message for an untagged enum ("data
/// did not match any variant of untagged enum ProjectList") would not say what is accepted.
impl<'de> Deserialize<'de> for ProjectList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ProjectListVisitor)
    }
}

struct ProjectListVisitor;

impl<'de> Visitor<'de> for ProjectListVisitor {
    type Value = ProjectList;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(r#"a list of project paths, or one string of them separated by commas, or "*""#)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<ProjectList, E> {
        Ok(ProjectList::Text(text.to_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<ProjectList, A::Error> {
        let mut paths = Vec::new();
        while let Some(path) = items.next_element::<String>()? {
            paths.push(path);
        }
        Ok(ProjectList::List(paths))
    }
}

/// Reads and parses the file; errors name the file, the line and column, and the key.
pub fn load(path: &Path) -> anyhow::Result<SyncFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read settings file {}", path.display()))?;
    parse(&text).map_err(|message| anyhow::anyhow!("settings file {}: {message}", path.display()))
}

/// Parses the text. The error never quotes the file (the parser's snippet would show the lines
/// around the mistake, where the token or a password may sit): it reads
/// ``line 4, column 16: `gitlab.concurrency`: invalid u64``.
fn parse(text: &str) -> Result<SyncFile, String> {
    // The key is passed out on the side: the closure must fail with the parser's own error type.
    let mut key = String::new();
    serde_saphyr::with_deserializer_from_str(text, |deserializer| {
        serde_path_to_error::deserialize(deserializer).map_err(|error| {
            key = error.path().to_string();
            error.into_inner()
        })
    })
    .map_err(|error| {
        let message = error.without_snippet().to_string();
        let Some(at) = error.location() else {
            return format!("`{key}`: {message}");
        };
        let suffix = format!(" at line {}, column {}", at.line(), at.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        format!(
            "line {}, column {}: `{key}`: {message}",
            at.line(),
            at.column()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_lists_split_on_commas_and_newlines() {
        let text = ProjectList::Text("a/b, c/d\ne/f,,".into());
        assert_eq!(text.entries(), vec!["a/b", "c/d", "e/f"]);
        let list = ProjectList::List(vec![" x/y ".into(), String::new()]);
        assert_eq!(list.entries(), vec!["x/y"]);
    }

    #[test]
    fn a_project_list_of_the_wrong_shape_says_what_is_accepted() {
        let error = parse("gitlab:\n  projects: {a: 1}\n").expect_err("a map");
        assert_eq!(
            error,
            r#"line 2, column 13: `gitlab.projects`: invalid type: map, expected a list of project paths, or one string of them separated by commas, or "*""#
        );
        let file = parse("gitlab:\n  projects: '*'\n").expect("a string");
        assert_eq!(
            file.gitlab.projects.map(|p| p.entries()),
            Some(vec!["*".into()])
        );
    }

    #[test]
    fn unknown_key_is_named_in_the_error() {
        let error = serde_saphyr::from_str::<SyncFile>("gitlab:\n  url: http://x\n  tokn: abc\n")
            .expect_err("typo rejected");
        assert!(error.to_string().contains("tokn"), "{error}");
    }

    #[test]
    fn errors_name_line_and_key_but_never_quote_the_file() {
        let error = parse("gitlab:\n  url: http://x\n  token: SECRETTOK\n  concurrency: many\n")
            .expect_err("not a number");
        assert_eq!(
            error,
            "line 4, column 16: `gitlab.concurrency`: invalid u64"
        );
        assert!(!error.contains("SECRETTOK"), "{error}");
        let error = parse("elasticsearch:\n  api_key: APIKEYSECRET\n  bogus: 1\n")
            .expect_err("unknown key");
        assert!(error.starts_with("line 3, column 3: "), "{error}");
        assert!(error.contains("unknown field `bogus`"), "{error}");
        assert!(!error.contains("APIKEYSECRET"), "{error}");
    }

    #[test]
    fn the_shipped_example_parses() {
        let example = include_str!("../../../sync.yml.example");
        let file: SyncFile = serde_saphyr::from_str(example).expect("sync.yml.example parses");
        assert_eq!(file.sink, Some(SinkKind::Local));
        assert_eq!(file.elasticsearch.index.as_deref(), Some("search-gitlab"));
    }

    #[test]
    fn full_file_parses() {
        let file: SyncFile = serde_saphyr::from_str(
            "gitlab:\n  url: https://gitlab.example.com\n  projects: [a/b, c/d]\n  concurrency: 4\nsink: local\nindex_dir: /tmp/x\n",
        )
        .expect("parses");
        assert_eq!(
            file.gitlab.projects.map(|p| p.entries()),
            Some(vec!["a/b".into(), "c/d".into()])
        );
        assert_eq!(file.sink, Some(SinkKind::Local));
    }
}
