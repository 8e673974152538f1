//! [`Fields`]: the named values of a document, kept in the order they were set.

use std::borrow::Cow;
use std::ops::Index;

use serde_json::Value;

/// The reference fields of a [`crate::Document`], in insertion order.
///
/// A document has a couple of dozen fields with names fixed at compile time, so they live in a
/// small vector keyed by `&'static str` (a `Cow` for the rare computed name): no key is
/// allocated and no tree is built or torn down per document, which a `BTreeMap<String, Value>`
/// did for every field of every document (a large share of the sync's CPU time).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(Vec<(Cow<'static, str>, Value)>);

impl Fields {
    /// No fields.
    pub fn new() -> Self {
        Fields(Vec::new())
    }

    /// Sets `key` to `value`, replacing (in place) and returning any previous value.
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.0.iter_mut().find(|(name, _)| *name == key) {
            Some((_, slot)) => Some(std::mem::replace(slot, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// The value of `key`, when set.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    /// Whether `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.0.iter().position(|(name, _)| name == key)?;
        Some(self.0.remove(at).1)
    }

    /// The fields in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(name, value)| (name.as_ref(), value))
    }

    /// How many fields are set.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `fields["name"]`: the value, or `null` when the field is not set (like `Value`'s index).
impl Index<&str> for Fields {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

impl<K: Into<Cow<'static, str>>> FromIterator<(K, Value)> for Fields {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(items: I) -> Self {
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
    fn insert_replaces_in_place_and_keeps_order() {
        let mut fields = Fields::new();
        fields.insert("b", json!(1));
        fields.insert("a", json!(2));
        assert_eq!(fields.insert("b", json!(3)), Some(json!(1)));
        fields.insert(String::from("c"), json!(null));
        let order: Vec<_> = fields.iter().map(|(k, v)| (k, v.clone())).collect();
        assert_eq!(
            order,
            [("b", json!(3)), ("a", json!(2)), ("c", json!(null))]
        );
        assert_eq!(fields["a"], 2);
        assert_eq!(fields["missing"], Value::Null);
        assert!(fields.contains_key("c") && !fields.contains_key("d"));
        assert_eq!(fields.remove("a"), Some(json!(2)));
        assert_eq!(fields.len(), 2);
    }
}
