//! Environment-variable interpolation of the raw `config.yml` text, as the reference's
//! `envyaml` does it before YAML parsing (spec §1.1 item 4):
//!
//! * `$NAME` and `${NAME}` are replaced by the variable `NAME`;
//! * `${NAME|fallback}` and `$NAME|fallback` give a fallback (a pipe, not a colon; the unbraced
//!   fallback runs to the next whitespace, quote or end of line);
//! * `$$` is a literal `$`;
//! * lines that begin with `#` are blanked first (kept as empty lines so line numbers stay true);
//! * strict mode: an unset variable without fallback is an error, unless `ENVYAML_STRICT_DISABLE`
//!   is set, in which case the reference is left as written.
//!
//! Variables come from [`EnvVars`]: the process environment over a `.env` file.

use std::collections::HashMap;
use std::path::Path;

/// The name of the variable that turns strict mode off.
pub const STRICT_DISABLE_VAR: &str = "ENVYAML_STRICT_DISABLE";
/// The variable naming the `.env` file to read instead of `./.env`.
pub const ENV_FILE_VAR: &str = "ENV_FILE";

/// The variables available to interpolation.
#[derive(Debug, Clone, Default)]
pub struct EnvVars {
    vars: HashMap<String, String>,
}

impl EnvVars {
    /// No variables at all (tests build on this).
    pub fn empty() -> Self {
        EnvVars::default()
    }

    /// The process environment over the `.env` file (`$ENV_FILE`, else `./.env`, when present).
    pub fn from_process() -> std::io::Result<Self> {
        let process: HashMap<String, String> = std::env::vars().collect();
        let file = process
            .get(ENV_FILE_VAR)
            .cloned()
            .unwrap_or_else(|| ".env".to_owned());
        let mut env = EnvVars::empty();
        let path = Path::new(&file);
        if path.is_file() {
            env = env.with_dotenv(&std::fs::read_to_string(path)?);
        }
        env.vars.extend(process);
        Ok(env)
    }

    /// Adds `NAME=value` lines of a `.env` text (blank lines and `#` comments skipped, one
    /// pair of surrounding quotes removed). Existing variables are overwritten.
    pub fn with_dotenv(mut self, text: &str) -> Self {
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            if let Some((name, value)) = line.split_once('=') {
                let value = value.trim();
                let unquoted = [('"', '"'), ('\'', '\'')]
                    .iter()
                    .find_map(|(open, close)| {
                        value
                            .strip_prefix(*open)
                            .and_then(|v| v.strip_suffix(*close))
                    })
                    .unwrap_or(value);
                self.vars
                    .insert(name.trim().to_owned(), unquoted.to_owned());
            }
        }
        self
    }

    /// Sets one variable (builder style).
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.vars.insert(name.to_owned(), value.to_owned());
        self
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    fn strict(&self) -> bool {
        self.get(STRICT_DISABLE_VAR).is_none()
    }
}

/// An unset variable referenced in strict mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingVar {
    /// The variable name.
    pub name: String,
    /// The 1-based line of the reference.
    pub line: usize,
}

/// Interpolates `text`, returning the text to parse as YAML.
pub fn interpolate(text: &str, env: &EnvVars) -> Result<String, MissingVar> {
    let mut out = String::with_capacity(text.len());
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if line.starts_with('#') {
            if line.ends_with('\n') {
                out.push('\n');
            }
            continue;
        }
        interpolate_line(line, index + 1, env, &mut out)?;
    }
    Ok(out)
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn interpolate_line(
    line: &str,
    number: usize,
    env: &EnvVars,
    out: &mut String,
) -> Result<(), MissingVar> {
    let mut rest = line;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let parsed = if let Some(inner) = after.strip_prefix('{') {
            inner.find('}').map(|end| {
                let body = &inner[..end];
                let (name, fallback) = match body.split_once('|') {
                    Some((name, fallback)) => (name, Some(fallback)),
                    None => (body, None),
                };
                (
                    name,
                    fallback,
                    &inner[end + 1..],
                    &rest[pos..pos + 1 + 1 + end + 1],
                )
            })
        } else {
            let name_len = after.find(|c| !is_name_char(c)).unwrap_or(after.len());
            (name_len > 0 && !after.starts_with(|c: char| c.is_ascii_digit())).then(|| {
                let name = &after[..name_len];
                let tail = &after[name_len..];
                match tail.strip_prefix('|') {
                    Some(fb) => {
                        let fb_len = fb
                            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                            .unwrap_or(fb.len());
                        let consumed = 1 + name_len + 1 + fb_len;
                        (
                            name,
                            Some(&fb[..fb_len]),
                            &fb[fb_len..],
                            &rest[pos..pos + consumed],
                        )
                    }
                    None => (name, None, tail, &rest[pos..pos + 1 + name_len]),
                }
            })
        };
        match parsed {
            Some((name, fallback, tail, written)) if !name.is_empty() => {
                match (env.get(name), fallback) {
                    (Some(value), _) => out.push_str(value),
                    (None, Some(fallback)) => out.push_str(fallback),
                    (None, None) if env.strict() => {
                        return Err(MissingVar {
                            name: name.to_owned(),
                            line: number,
                        });
                    }
                    (None, None) => out.push_str(written),
                }
                rest = tail;
            }
            _ => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> EnvVars {
        EnvVars::empty()
            .with("HOST", "http://es:9200")
            .with("PW", "s3cret")
    }

    #[test]
    fn replaces_plain_and_braced_references() {
        let text = "a: $HOST\nb: ${PW}x\nc: pre-${HOST}/post\n";
        assert_eq!(
            interpolate(text, &env()).as_deref(),
            Ok("a: http://es:9200\nb: s3cretx\nc: pre-http://es:9200/post\n")
        );
    }

    #[test]
    fn fallbacks_apply_only_when_unset() {
        let text = "a: ${NOPE|dflt}\nb: $NOPE|other rest\nc: ${PW|unused}\n";
        assert_eq!(
            interpolate(text, &env()).as_deref(),
            Ok("a: dflt\nb: other rest\nc: s3cret\n")
        );
    }

    #[test]
    fn double_dollar_is_a_literal_dollar() {
        assert_eq!(
            interpolate("p: pa$$word$$\n", &env()).as_deref(),
            Ok("p: pa$word$\n")
        );
    }

    #[test]
    fn strict_mode_names_the_variable_and_line() {
        let err = interpolate("a: 1\nb: $MISSING_ONE\n", &env()).unwrap_err();
        assert_eq!(
            err,
            MissingVar {
                name: "MISSING_ONE".into(),
                line: 2
            }
        );
    }

    #[test]
    fn strict_disable_leaves_reference_as_written() {
        let env = env().with(STRICT_DISABLE_VAR, "1");
        assert_eq!(
            interpolate("b: ${MISSING}-$OTHER\n", &env).as_deref(),
            Ok("b: ${MISSING}-$OTHER\n")
        );
    }

    #[test]
    fn comment_lines_are_blanked_but_counted() {
        let out = interpolate("# uses $UNSET\na: $PW\n", &env());
        assert_eq!(out.as_deref(), Ok("\na: s3cret\n"));
    }

    #[test]
    fn dotenv_values_feed_interpolation() {
        let env = EnvVars::empty().with_dotenv("# c\nKEY=\"abc\"\nexport OTHER=x\n");
        assert_eq!(
            interpolate("k: $KEY$OTHER\n", &env).as_deref(),
            Ok("k: abcx\n")
        );
    }

    #[test]
    fn lone_dollar_is_kept() {
        assert_eq!(
            interpolate("a: 5$ and $1\n", &env()).as_deref(),
            Ok("a: 5$ and $1\n")
        );
    }
}
