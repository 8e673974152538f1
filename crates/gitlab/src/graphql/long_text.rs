//! [`LongText`]: a long string GitLab sent (a description, a note body), kept as the JSON string
//! literal it arrived in.

use std::borrow::Cow;
use std::fmt;

use connector_core::json_str::WriteJson;
use connector_core::json_text::{self, Escaped};
use serde::de::{self, Deserialize, Deserializer, Unexpected};
use serde_json::value::RawValue;

/// Long text from a GraphQL page, still escaped. Decoding it only finds where it ends and copies
/// it once; a document writes it out by copying it again. Decoded into a `String`, the same
/// text would be unescaped, then escaped again for every field and `body` it is written to.
#[derive(Clone)]
pub struct LongText(Box<RawValue>);

impl LongText {
    /// The JSON string literal, quotes included.
    pub fn as_json(&self) -> &str {
        self.0.get()
    }

    /// The inside of the literal, for [`connector_core::json_text::JsonText::push_escaped`].
    pub fn escaped(&self) -> Escaped<'_> {
        json_text::inner(self.0.get())
    }

    /// The text, unescaped (borrowed when it holds no escape).
    pub fn text(&self) -> Cow<'_, str> {
        json_text::unescape(self.0.get())
    }
}

impl<'de> Deserialize<'de> for LongText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        if raw.get().starts_with('"') {
            Ok(LongText(raw))
        } else {
            Err(de::Error::invalid_type(
                Unexpected::Other(raw.get()),
                &"a string",
            ))
        }
    }
}

impl WriteJson for LongText {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.0.get().as_bytes());
    }
}

impl PartialEq for LongText {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}

impl PartialEq<&str> for LongText {
    fn eq(&self, other: &&str) -> bool {
        self.text() == *other
    }
}

impl fmt::Debug for LongText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.get())
    }
}

impl cynic::schema::IsScalar<String> for LongText {
    type SchemaType = String;
}

impl cynic::coercions::CoercesTo<String> for LongText {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_as_sent_and_read_as_text() {
        let text: LongText =
            serde_json::from_str(r#""a body with \"quotes\" and\nlines, caf\u00e9""#)
                .expect("decodes");
        assert_eq!(
            text.as_json(),
            r#""a body with \"quotes\" and\nlines, caf\u00e9""#
        );
        assert_eq!(text, "a body with \"quotes\" and\nlines, café");
        let mut out = Vec::new();
        text.write_json(&mut out);
        assert_eq!(out, text.as_json().as_bytes());
    }

    #[test]
    fn decodes_from_a_value_and_refuses_what_is_not_a_string() {
        let from_value: LongText =
            serde_json::from_value(serde_json::json!("line\none")).expect("decodes");
        assert_eq!(from_value, "line\none");
        let absent: Option<LongText> = serde_json::from_str("null").expect("null is none");
        assert!(absent.is_none());
        for not_text in ["1", "{\"a\": 1}", "[\"x\"]", "true"] {
            assert!(
                serde_json::from_str::<LongText>(not_text).is_err(),
                "{not_text}"
            );
        }
    }
}
