//! Reading one connection straight out of a GraphQL response body.
//!
//! A listing page only needs the connection at a known path (`project.workItems`, …). Instead
//! of building a `serde_json::Value` tree of the whole page and walking it, the path is walked
//! while parsing, every other field is skipped, and each node is kept as its raw JSON text: the
//! caller decodes nodes one at a time into typed items, so a node that does not decode costs
//! only itself (spec §10.5) and no intermediate tree is ever allocated.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::graphql::common::PageInfo;

/// One page of a connection: its nodes as raw JSON (`null` entries dropped) and its paging state.
#[derive(Debug, Default)]
pub struct RawConnection {
    /// The nodes, undecoded.
    pub nodes: Vec<Box<RawValue>>,
    /// `pageInfo` (the default, "no next page", when GitLab left it out).
    pub page_info: PageInfo,
}

/// What `data` is decoded into: the whole tree, or only the connection at a path.
pub(crate) trait DataShape: Copy {
    /// The decoded `data`.
    type Output;

    /// Decodes `data` (`None` when it is `null` or, for a path, when any step is).
    fn decode<'de, D: Deserializer<'de>>(self, data: D) -> Result<Option<Self::Output>, D::Error>;
}

/// The whole `data` object as a `Value` (small responses: checks, follow-ups).
#[derive(Clone, Copy)]
pub(crate) struct WholeData;

impl DataShape for WholeData {
    type Output = serde_json::Value;

    fn decode<'de, D: Deserializer<'de>>(self, data: D) -> Result<Option<Self::Output>, D::Error> {
        Ok(Option::<serde_json::Value>::deserialize(data)?.filter(|value| !value.is_null()))
    }
}

/// The connection found by walking `path` (object keys) down from `data`.
#[derive(Clone, Copy)]
pub(crate) struct ConnectionAt(pub &'static [&'static str]);

impl DataShape for ConnectionAt {
    type Output = RawConnection;

    fn decode<'de, D: Deserializer<'de>>(self, data: D) -> Result<Option<Self::Output>, D::Error> {
        data.deserialize_option(PathVisitor { path: self.0 })
    }
}

/// Adapts a [`DataShape`] to serde's seeds, for `next_value_seed`.
pub(crate) struct ShapeSeed<S>(pub S);

impl<'de, S: DataShape> DeserializeSeed<'de> for ShapeSeed<S> {
    type Value = Option<S::Output>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.decode(deserializer)
    }
}

/// The wire shape of a connection; nodes stay raw.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireConnection {
    #[serde(default)]
    nodes: Option<Vec<Option<Box<RawValue>>>>,
    #[serde(default)]
    page_info: Option<PageInfo>,
}

/// Walks one path step: `null` ends the walk with `None`, an object is searched for the next key.
struct PathVisitor {
    path: &'static [&'static str],
}

impl<'de> Visitor<'de> for PathVisitor {
    type Value = Option<RawConnection>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        match self.path.split_first() {
            None => {
                let wire = WireConnection::deserialize(deserializer)?;
                Ok(Some(RawConnection {
                    nodes: wire.nodes.into_iter().flatten().flatten().collect(),
                    page_info: wire.page_info.unwrap_or_default(),
                }))
            }
            Some((key, rest)) => deserializer.deserialize_map(KeyVisitor { key, rest }),
        }
    }
}

/// Looks for `key` in an object, walking on with `rest` below it and skipping everything else.
struct KeyVisitor {
    key: &'static str,
    rest: &'static [&'static str],
}

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Option<RawConnection>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object with `{}`", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == self.key {
                found = map.next_value_seed(ShapeSeed(ConnectionAt(self.rest)))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(json: &str, path: &'static [&'static str]) -> Option<RawConnection> {
        let mut de = serde_json::Deserializer::from_str(json);
        let out = ShapeSeed(ConnectionAt(path))
            .deserialize(&mut de)
            .expect("decodes");
        de.end().expect("nothing after the value");
        out
    }

    #[test]
    fn the_connection_at_the_path_is_found_and_the_rest_skipped() {
        let json = r#"{"other": {"x": [1, 2, {"y": null}]},
            "project": {"id": "gid://gitlab/Project/1", "workItems": {
                "pageInfo": {"hasNextPage": true, "endCursor": "abc"},
                "nodes": [{"iid": "1", "t": "a\"b"}, null, {"iid": "2"}]}}}"#;
        let connection = decode(json, &["project", "workItems"]).expect("connection present");
        let nodes: Vec<&str> = connection.nodes.iter().map(|n| n.get()).collect();
        assert_eq!(nodes, [r#"{"iid": "1", "t": "a\"b"}"#, r#"{"iid": "2"}"#]);
        assert_eq!(connection.page_info.next_cursor(), Some("abc"));
    }

    #[test]
    fn a_null_or_absent_step_gives_none() {
        assert!(decode(r#"{"project": null}"#, &["project", "workItems"]).is_none());
        assert!(decode(r#"{"group": {}}"#, &["project", "workItems"]).is_none());
        assert!(
            decode(
                r#"{"project": {"workItems": null}}"#,
                &["project", "workItems"]
            )
            .is_none()
        );
    }

    #[test]
    fn a_connection_without_page_info_is_a_last_page() {
        let connection = decode(r#"{"projects": {"nodes": []}}"#, &["projects"]).expect("present");
        assert!(connection.nodes.is_empty());
        assert_eq!(connection.page_info.next_cursor(), None);
    }

    #[test]
    fn a_non_object_step_is_an_error() {
        let mut de = serde_json::Deserializer::from_str(r#"{"project": [1]}"#);
        assert!(
            ShapeSeed(ConnectionAt(&["project", "workItems"]))
                .deserialize(&mut de)
                .is_err()
        );
    }
}
