//! [`Fields`]: the named values of a document, kept serialized, in the order they were set.

use std::borrow::Cow;
use std::ops::Range;

use serde::Serialize;
use serde_json::Value;

use crate::json_str::{WriteJson, write_json_str};

/// The reference fields of a [`crate::Document`], held as the JSON they are written out as.
///
/// Every sink writes a document as JSON, and a sync writes every document but reads only a few
/// fields of a few (scopes, rules, titles). So a value is serialized once, when it is set, into
/// one buffer of `"name":value` members; a sink copies that buffer, and a reader parses just the
/// value it asks for. No tree of `Value`s is built, written out and torn down per document:
/// that was the largest share of a sync's CPU time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    /// `"name":value` members separated by commas: the inside of a JSON object.
    members: Vec<u8>,
    /// Each field's name and where its value sits in `members`, in insertion order.
    entries: Vec<(Cow<'static, str>, Range<u32>)>,
    /// A bit for each name set ([`name_bit`]): a name whose bit is clear is not set, so setting
    /// a new field mostly skips the search of `entries` (2.5 % of a sync's instructions; with
    /// the bits, 1.5 %).
    name_bits: u64,
}

/// The bit of `name` in [`Fields::name_bits`]: its length and first and last bytes, mixed.
fn name_bit(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let (first, last) = (bytes.first(), bytes.last());
    let mix = bytes.len() * 7
        + usize::from(first.copied().unwrap_or(0)) * 3
        + usize::from(last.copied().unwrap_or(0));
    1 << (mix % 64)
}

impl Fields {
    /// No fields.
    pub fn new() -> Self {
        Fields::default()
    }

    /// No fields yet, with room for `bytes` bytes of members (a builder that knows the size of
    /// its text saves regrowing the buffer while it sets the fields).
    pub fn with_capacity(bytes: usize) -> Self {
        Fields {
            members: Vec::with_capacity(bytes),
            entries: Vec::with_capacity(32),
            name_bits: 0,
        }
    }

    /// Gives back the room [`Fields::with_capacity`] reserved beyond what the fields took.
    pub fn shrink_to_fit(&mut self) {
        self.members.shrink_to_fit();
        self.entries.shrink_to_fit();
    }

    /// Sets `key` to `value` serialized as JSON, replacing any previous value (which moves the
    /// field to the end). A value that cannot be serialized (a map with non-string keys) is
    /// stored as `null`.
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: impl Serialize) {
        self.set(key.into(), |out| write_json(out, &value));
    }

    /// Sets `key` to `value`, which writes its own JSON (long text, see [`WriteJson`]);
    /// otherwise as [`Fields::insert`].
    pub fn insert_json(&mut self, key: impl Into<Cow<'static, str>>, value: impl WriteJson) {
        self.set(key.into(), |out| {
            let start = out.len();
            value.write_json(out);
            debug_assert!(
                serde_json::from_slice::<serde::de::IgnoredAny>(&out[start..]).is_ok(),
                "WriteJson wrote one JSON value"
            );
        });
    }

    /// Sets `key` to the value `write_value` writes, replacing any previous value.
    fn set(&mut self, key: Cow<'static, str>, write_value: impl FnOnce(&mut Vec<u8>)) {
        if self.contains_key(&key) {
            self.drop_member(&key);
        }
        self.append(key, write_value);
    }

    /// Appends one member, its value written by `write_value`.
    fn append(&mut self, key: Cow<'static, str>, write_value: impl FnOnce(&mut Vec<u8>)) {
        let member_start = self.members.len();
        if !self.members.is_empty() {
            self.members.push(b',');
        }
        write_json_str(&mut self.members, key.as_ref());
        self.members.push(b':');
        let value_start = self.members.len();
        write_value(&mut self.members);
        match (offset(value_start), offset(self.members.len())) {
            (Some(start), Some(end)) => {
                self.name_bits |= name_bit(&key);
                self.entries.push((key, start..end));
            }
            // Over 4 GB of fields: keep the document whole without this one.
            _ => self.members.truncate(member_start),
        }
    }

    /// The JSON text of `key`'s value, when set.
    pub fn json(&self, key: &str) -> Option<&[u8]> {
        self.entries
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, range)| &self.members[range.start as usize..range.end as usize])
    }

    /// The value of `key`, parsed, when set.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.json(key)
            .and_then(|json| serde_json::from_slice(json).ok())
    }

    /// The value of `key` when it is set to a string; borrowed unless it holds escapes.
    pub fn get_str(&self, key: &str) -> Option<Cow<'_, str>> {
        let json = self.json(key)?;
        if json.first() != Some(&b'"') {
            return None;
        }
        match serde_json::from_slice::<&str>(json) {
            Ok(text) => Some(Cow::Borrowed(text)),
            Err(_) => serde_json::from_slice::<String>(json).ok().map(Cow::Owned),
        }
    }

    /// The value of `key`, or `null` when it is not set (like indexing a `Value`).
    pub fn value(&self, key: &str) -> Value {
        self.get(key).unwrap_or(Value::Null)
    }

    /// Whether `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        self.name_bits & name_bit(key) != 0 && self.entries.iter().any(|(name, _)| name == key)
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let removed = self.get(key)?;
        self.drop_member(key);
        Some(removed)
    }

    /// Drops `key`'s member, rewriting the others in order.
    fn drop_member(&mut self, key: &str) {
        let members = std::mem::take(&mut self.members);
        self.name_bits = 0;
        for (name, range) in std::mem::take(&mut self.entries) {
            if name != key {
                let json = &members[range.start as usize..range.end as usize];
                self.append(name, |out| out.extend_from_slice(json));
            }
        }
    }

    /// How many fields are set.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The fields as `"name":value` members separated by commas (the inside of a JSON object).
    pub fn members(&self) -> &[u8] {
        &self.members
    }
}

/// Writes `value` as JSON; strings and the other plain values it is used for cannot fail.
pub(crate) fn write_json(out: &mut Vec<u8>, value: &(impl Serialize + ?Sized)) {
    let start = out.len();
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.truncate(start);
        out.extend_from_slice(b"null");
    }
}

fn offset(at: usize) -> Option<u32> {
    u32::try_from(at).ok()
}

impl<K: Into<Cow<'static, str>>, V: Serialize> FromIterator<(K, V)> for Fields {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut fields = Fields::new();
        for (key, value) in items {
            fields.insert(key, value);
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_name_set_again_is_replaced_among_many_whatever_their_bits() {
        let mut fields = Fields::new();
        let names: Vec<String> = (0..200).map(|n| format!("k{n}")).collect();
        for name in &names {
            fields.insert(name.clone(), 1);
        }
        for name in &names {
            assert!(fields.contains_key(name), "{name}");
            fields.insert(name.clone(), 2);
        }
        assert_eq!(fields.len(), names.len());
        assert!(!fields.contains_key("k200") && !fields.contains_key(""));
        assert!(names.iter().all(|name| fields.get(name) == Some(json!(2))));
        fields.remove("k7");
        assert!(!fields.contains_key("k7") && fields.contains_key("k8"));
        fields.insert("k8", 3);
        assert_eq!(fields.len(), names.len() - 1);
    }

    #[test]
    fn insert_keeps_order_and_serializes_once() {
        let mut fields = Fields::new();
        fields.insert("b", 1);
        fields.insert("a", "x\"y");
        fields.insert(String::from("c"), Option::<String>::None);
        assert_eq!(fields.members(), br#""b":1,"a":"x\"y","c":null"#);
        assert_eq!(fields.get("b"), Some(json!(1)));
        assert_eq!(fields.get_str("a").as_deref(), Some("x\"y"));
        assert!(matches!(fields.get_str("a"), Some(Cow::Owned(_))));
        assert_eq!(fields.value("missing"), Value::Null);
        assert!(fields.contains_key("c") && !fields.contains_key("d"));
        assert_eq!(fields.get_str("b"), None, "a number is not a string");
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let fields: Fields = [("title", "plain")].into_iter().collect();
        assert!(matches!(
            fields.get_str("title"),
            Some(Cow::Borrowed("plain"))
        ));
    }

    #[test]
    fn replacing_and_removing_keep_the_other_members_intact() {
        let mut fields = Fields::new();
        fields.insert("a", json!({"x": [1, 2]}));
        fields.insert("b", "two");
        fields.insert("c", 3);
        fields.insert("a", "one");
        assert_eq!(fields.members(), br#""b":"two","c":3,"a":"one""#);
        assert_eq!(fields.remove("c"), Some(json!(3)));
        assert_eq!(fields.remove("c"), None);
        assert_eq!(fields.members(), br#""b":"two","a":"one""#);
        assert_eq!(fields.get("a"), Some(json!("one")));
        assert_eq!(fields.len(), 2);
        let object: Value =
            serde_json::from_slice(&[b"{", fields.members(), b"}"].concat()).unwrap();
        assert_eq!(object, json!({"b": "two", "a": "one"}));
    }

    #[test]
    fn values_that_write_their_own_json_read_back_like_inserted_ones() {
        let mut fields = Fields::new();
        fields.insert("title", "first");
        fields.insert_json("description", Some("says \"hi\"\n"));
        fields.insert_json("title", "second");
        fields.insert_json("closed_at", None::<&str>);
        assert_eq!(
            fields.members(),
            br#""description":"says \"hi\"\n","title":"second","closed_at":null"#
        );
        assert_eq!(
            fields.get_str("description").as_deref(),
            Some("says \"hi\"\n")
        );
        assert_eq!(fields.value("closed_at"), Value::Null);
    }

    #[test]
    fn unserializable_values_become_null() {
        let mut fields = Fields::new();
        let bad: std::collections::HashMap<(u8, u8), u8> = [((1, 2), 3)].into_iter().collect();
        fields.insert("bad", &bad);
        fields.insert("good", true);
        assert_eq!(fields.members(), br#""bad":null,"good":true"#);
    }
}
