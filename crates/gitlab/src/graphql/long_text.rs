//! [`LongText`]: text GitLab sent that a document only writes out (a title, a description),
//! kept as the JSON string literal it arrived in.

use std::ops::Deref;

use connector_core::json_str::WriteJson;
use connector_core::json_text::JsonText;

use crate::json_reader::{Read, Unread};

/// Text from a GraphQL page, still escaped (a [`JsonText`]): decoding it only finds where
/// it ends and copies it once; a document writes it out by copying it again. Decoded into a
/// `String`, the same text would be unescaped, then escaped again for every field and `body`
/// it is written to. (Its own type only so that cynic accepts it for `String` fields.)
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct LongText(JsonText);

impl LongText {
    /// The text of `literal`, a string literal [`crate::json_reader::Reader`] read (quotes included, still escaped).
    pub(crate) fn from_literal(literal: &str) -> Read<Self> {
        JsonText::from_literal(literal).map(LongText).ok_or(Unread)
    }
}

impl Deref for LongText {
    type Target = JsonText;

    fn deref(&self) -> &JsonText {
        &self.0
    }
}

impl WriteJson for LongText {
    fn write_json(&self, out: &mut Vec<u8>) {
        self.0.write_json(out);
    }
}

impl PartialEq<&str> for LongText {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl cynic::schema::IsScalar<String> for LongText {
    type SchemaType = String;
}

impl cynic::coercions::CoercesTo<String> for LongText {}
