//! Shapes of document field values, written straight from the decoded GitLab items (no
//! intermediate `Value`s or copied strings) as JSON, through [`WriteJson`].

use connector_core::json_str::{WriteJson, write_json_str};

/// GitLab's iids are strings; the reference stores them as numbers when they are numeric.
pub(crate) struct NumberOrText<'a>(pub(crate) &'a str);

impl WriteJson for NumberOrText<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self.0.parse::<i64>() {
            Ok(number) => number.write_json(out),
            Err(_) => write_json_str(out, self.0),
        }
    }
}

/// A list of names (usernames, label titles) picked by `pick` from each of `items`, written
/// as a JSON array of strings.
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

impl<'a, T: 'a, I> WriteJson for Names<I, T>
where
    I: Iterator<Item = &'a T> + Clone,
{
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (index, item) in self.items.clone().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            write_json_str(out, (self.pick)(item));
        }
        out.push(b']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn json_of(value: impl WriteJson) -> Value {
        let mut out = Vec::new();
        value.write_json(&mut out);
        serde_json::from_slice(&out).expect("one JSON value")
    }

    #[test]
    fn iids_are_numbers_when_numeric() {
        assert_eq!(json_of(NumberOrText("7")), json!(7));
        assert_eq!(json_of(NumberOrText("-12")), json!(-12));
        assert_eq!(json_of(NumberOrText("7a")), json!("7a"));
        assert_eq!(
            json_of(NumberOrText("9223372036854775808")),
            json!("9223372036854775808")
        );
    }

    #[test]
    fn names_write_an_array_of_strings() {
        let users = [("alice".to_owned(), 1), ("b\"ob".to_owned(), 2)];
        assert_eq!(
            json_of(names(users.iter(), |user| user.0.as_str())),
            json!(["alice", "b\"ob"])
        );
        assert_eq!(
            json_of(names(users[..0].iter(), |user| user.0.as_str())),
            json!([])
        );
    }
}
