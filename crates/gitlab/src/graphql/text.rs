//! [`Text`]: the string type of the strings a GraphQL page decodes into.

use std::fmt;
use std::ops::Deref;

use compact_str::CompactString;
use connector_core::json_str::{WriteJson, write_json_str};

use super::schema;
use crate::json_reader::{Read, Unread};

/// A string GitLab sent: an id, a time, a name, a title, a body. Strings of up to 24 bytes
/// (global ids, times, usernames, label titles: most of the strings on a page) are kept inline,
/// without an allocation of their own; longer ones on the heap. Reads as a `&str`.
#[derive(Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct Text(CompactString);

impl Text {
    /// The text as a `&str`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Text {
    /// The text of a string [`crate::json_reader::Reader::string`] read: its literal (quotes
    /// included, still escaped) and whether it holds escapes. Text without escapes is taken as
    /// it is; text with escapes is decoded by serde_json, so both ways of decoding a page agree
    /// on every escape.
    pub(crate) fn from_literal((literal, escaped): (&str, bool)) -> Read<Self> {
        if escaped {
            serde_json::from_str(literal).map_err(|_| Unread)
        } else {
            let inside = literal
                .get(1..literal.len().saturating_sub(1))
                .ok_or(Unread)?;
            Ok(Text(CompactString::from(inside)))
        }
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<Text> for String {
    fn from(text: Text) -> Self {
        text.0.into_string()
    }
}

impl From<Text> for CompactString {
    fn from(text: Text) -> Self {
        text.0
    }
}

impl WriteJson for Text {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_str(out, self.as_str());
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Lets [`Text`] stand for GitLab's string-like scalars in output fields.
macro_rules! text_scalar {
    ($($scalar:ty),*) => {
        $(
            impl cynic::schema::IsScalar<$scalar> for Text {
                type SchemaType = $scalar;
            }
            impl cynic::coercions::CoercesTo<$scalar> for Text {}
        )*
    };
}

text_scalar!(
    String,
    schema::Time,
    schema::WorkItemID,
    schema::NoteID,
    schema::DiscussionID,
    schema::WorkItemsRelatedWorkItemLinkID
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_short_and_long_strings_with_escapes() {
        let short: Text = serde_json::from_str(r#""gid://gitlab/Note/1""#).expect("short");
        assert_eq!(short, "gid://gitlab/Note/1");
        let long: Text =
            serde_json::from_str(r#""a long body with \"quotes\" and\nlines, caf\u00e9""#)
                .expect("long");
        assert_eq!(long, "a long body with \"quotes\" and\nlines, café");
        assert_eq!(
            serde_json::to_string(&long).expect("encodes"),
            r#""a long body with \"quotes\" and\nlines, café""#
        );
    }
}
