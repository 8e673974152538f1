//! [`ConfigError`] and [`ConfigWarning`]: what went wrong or looks wrong, naming the file, the
//! line (when known) and the dotted key.

use std::fmt;
use std::path::PathBuf;

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// An unset environment variable was referenced in strict mode.
    #[error(
        "{file} line {line}: environment variable `{name}` is not set (give a fallback with \
         `${{{name}|value}}`, write a literal `$` as `$$`, or set ENVYAML_STRICT_DISABLE)"
    )]
    MissingVar {
        /// The file name.
        file: String,
        /// The variable.
        name: String,
        /// 1-based line.
        line: usize,
    },
    /// The text is not valid YAML or not a mapping.
    #[error("{file}: invalid YAML: {message}")]
    Yaml {
        /// The file name.
        file: String,
        /// The parser's message (it carries the line, never the file's text).
        message: String,
    },
    /// A key has an unusable value.
    #[error("{}`{key}` {message}", Location { file, line: *line })]
    Invalid {
        /// The file name.
        file: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// The dotted key (`elasticsearch.bulk.chunk_size`, `connectors[0].service_type`).
        key: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// The configuration is valid YAML but cannot run a service (spec §1.2 preflight rules).
    #[error("{file}: {message}")]
    Preflight {
        /// The file name.
        file: String,
        /// What to fix.
        message: String,
    },
}

/// Something accepted but probably not what the user meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    /// The file name.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The dotted key concerned.
    pub key: String,
    /// The advice.
    pub message: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}`{}` {}",
            Location {
                file: &self.file,
                line: self.line
            },
            self.key,
            self.message
        )
    }
}

struct Location<'a> {
    file: &'a str,
    line: Option<usize>,
}

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} line {line}: ", self.file),
            None => write!(f, "{}: ", self.file),
        }
    }
}
