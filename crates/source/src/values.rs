//! Shapes of document field values, serialized straight from the decoded GitLab items (no
//! intermediate `Value`s or copied strings).

use serde::{Serialize, Serializer};

/// GitLab's iids are strings; the reference stores them as numbers when they are numeric.
pub(crate) struct NumberOrText<'a>(pub(crate) &'a str);

impl Serialize for NumberOrText<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.parse::<i64>() {
            Ok(number) => serializer.serialize_i64(number),
            Err(_) => serializer.serialize_str(self.0),
        }
    }
}

/// A list of names (usernames, label titles) picked by `pick` from each of `items`,
/// serialized as a JSON array of strings.
pub(crate) struct Names<I, T> {
    items: I,
    pick: fn(&T) -> &str,
}

/// The names `pick` finds in `items`.
pub(crate) fn names<'a, T: 'a, I>(items: I, pick: fn(&T) -> &str) -> Names<I, T>
where
    I: Iterator<Item = &'a T> + Clone,
{
    Names { items, pick }
}

impl<'a, T: 'a, I> Serialize for Names<I, T>
where
    I: Iterator<Item = &'a T> + Clone,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.items.clone().map(self.pick))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn iids_are_numbers_when_numeric() {
        assert_eq!(serde_json::to_value(NumberOrText("7")).unwrap(), json!(7));
        assert_eq!(
            serde_json::to_value(NumberOrText("7a")).unwrap(),
            json!("7a")
        );
    }

    #[test]
    fn names_serialize_as_an_array_of_strings() {
        let users = [("alice".to_owned(), 1), ("bob".to_owned(), 2)];
        let names = names(users.iter(), |user| user.0.as_str());
        assert_eq!(
            serde_json::to_value(&names).unwrap(),
            json!(["alice", "bob"])
        );
        assert_eq!(
            serde_json::to_value(&names).unwrap(),
            json!(["alice", "bob"])
        );
    }
}
