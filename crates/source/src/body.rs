//! [`join_body`]: a document's searchable `body`, joined from its parts.

use connector_core::json_text::{Escaped, JsonText, trim_escaped};
use gitlab_client::graphql::long_text::LongText;

/// One part of the searchable text: text, or text still escaped as GitLab sent it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BodyPart<'a> {
    /// Text (a title, a name).
    Plain(&'a str),
    /// Escaped text (a description, a note body), copied as it is.
    Escaped(Escaped<'a>),
}

impl<'a> BodyPart<'a> {
    /// The part without whitespace at either end.
    fn trimmed(self) -> BodyPart<'a> {
        match self {
            BodyPart::Plain(text) => BodyPart::Plain(text.trim()),
            BodyPart::Escaped(text) => BodyPart::Escaped(trim_escaped(text)),
        }
    }

    /// Bytes of the part as given (escaped parts as escaped).
    fn len(self) -> usize {
        match self {
            BodyPart::Plain(text) => text.len(),
            BodyPart::Escaped(text) => text.as_str().len(),
        }
    }
}

impl<'a> From<&'a str> for BodyPart<'a> {
    fn from(text: &'a str) -> Self {
        BodyPart::Plain(text)
    }
}

impl<'a> From<&'a LongText> for BodyPart<'a> {
    fn from(text: &'a LongText) -> Self {
        BodyPart::Escaped(text.escaped())
    }
}

/// Joins the non-empty parts of the searchable text with blank lines, each trimmed (allocated
/// once, at about its final size: the text can be megabytes; the parts are walked twice, to
/// size and to copy).
pub(crate) fn join_body<'a, I>(parts: I) -> JsonText
where
    I: IntoIterator<Item = Option<BodyPart<'a>>>,
    I::IntoIter: Clone,
{
    let parts = parts
        .into_iter()
        .flatten()
        .map(BodyPart::trimmed)
        .filter(|part| part.len() > 0);
    let bytes: usize = parts.clone().map(|part| part.len() + 4).sum();
    let mut body = JsonText::with_capacity(bytes + 2);
    // The blank line between parts, already escaped.
    let separator = Escaped::of_literal(r#""\n\n""#);
    for (index, part) in parts.enumerate() {
        if index > 0 {
            body.push_escaped(separator);
        }
        match part {
            BodyPart::Plain(text) => body.push_text(text),
            BodyPart::Escaped(text) => body.push_escaped(text),
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_joins_non_empty_parts_with_blank_lines() {
        let note: LongText = serde_json::from_str(r#""\n\t note \u00e9 \n""#).expect("decodes");
        let blank: LongText = serde_json::from_str(r#""\n \r\n""#).expect("decodes");
        let body = join_body([
            Some("Title \"x\"".into()),
            None,
            Some("  ".into()),
            Some(BodyPart::from(&blank)),
            Some("desc\n".into()),
            Some(BodyPart::from(&note)),
        ]);
        assert_eq!(body, "Title \"x\"\n\ndesc\n\nnote é");
        assert_eq!(body.as_json(), r#""Title \"x\"\n\ndesc\n\nnote \u00e9""#);
        assert_eq!(join_body([None, Some("".into())]), "");
    }
}
