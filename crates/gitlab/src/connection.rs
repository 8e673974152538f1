//! Reading one connection straight out of a GraphQL response body.
//!
//! A listing page only needs the connection at a known path (`project.workItems`, …). Instead
//! of building a `serde_json::Value` tree of the whole page and walking it, the path is walked
//! while parsing and every other field is skipped. The nodes are decoded into typed items in
//! that same pass; only when some node does not decode is the page read again with every node
//! kept as raw JSON and decoded on its own, so a bad node costs only itself (spec §10.5).

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor,
};
use serde_json::value::RawValue;

use crate::graphql::common::PageInfo;
use crate::json_reader::{Read, Reader, set_once};

/// One page of a connection: its nodes as raw JSON (`null` entries dropped) and its paging state.
#[derive(Debug, Default)]
pub struct RawConnection {
    /// The nodes, undecoded.
    pub nodes: Vec<Box<RawValue>>,
    /// `pageInfo` (the default, "no next page", when GitLab left it out).
    pub page_info: PageInfo,
}

/// One page of a connection with its nodes decoded as `T` (`null` entries dropped).
#[derive(Debug)]
pub struct Connection<T> {
    /// The nodes that decoded, in page order.
    pub nodes: Vec<T>,
    /// The nodes that did not, raw, with the reason.
    pub bad: Vec<BadNode>,
    /// `pageInfo` (the default, "no next page", when GitLab left it out).
    pub page_info: PageInfo,
}

/// A node that did not decode into its item type.
#[derive(Debug)]
pub struct BadNode {
    /// The node as GitLab sent it.
    pub node: Box<RawValue>,
    /// Why it did not decode.
    pub error: serde_json::Error,
}

impl<T: DeserializeOwned> Connection<T> {
    /// Decodes each raw node on its own, keeping the ones that fail apart.
    pub fn of_raw(raw: RawConnection) -> Self {
        let mut nodes = Vec::with_capacity(raw.nodes.len());
        let mut bad = Vec::new();
        for node in raw.nodes {
            match serde_json::from_str::<T>(node.get()) {
                Ok(item) => nodes.push(item),
                Err(error) => bad.push(BadNode { node, error }),
            }
        }
        Connection {
            nodes,
            bad,
            page_info: raw.page_info,
        }
    }
}

/// A node type of a listing page ([`crate::GitlabClient::graphql_connection`]).
///
/// A type with a reader of its own ([`PageNode::READ`]) has its pages read with a [`Reader`]
/// first, in one pass and without serde; a page the reader does not take (a member it does not
/// expect, a shape or a piece of JSON it leaves to serde_json, GraphQL `errors`) is decoded
/// with serde_json as every other page is, so both ways give the same nodes.
pub trait PageNode: DeserializeOwned {
    /// Reads one node (never `null`), or `None` to decode pages with serde_json only.
    const READ: Option<NodeReader<Self>> = None;
}

/// Reads one node of a listing page with a [`Reader`].
pub type NodeReader<T> = fn(&mut Reader<'_>) -> Read<T>;

/// The entries of a list that are not `null`, in order, in the list's own allocation (an
/// `Option<T>` is as large as a `T` when `T` holds a string, and `filter_map`, unlike
/// `flatten`, is collected in place).
#[allow(
    clippy::filter_map_identity,
    reason = "flatten() would allocate a new list"
)]
pub fn present<T>(list: Vec<Option<T>>) -> Vec<T> {
    list.into_iter().filter_map(|entry| entry).collect()
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

/// The connection found by walking `path` (object keys) down from `data`, decoded as `C`
/// ([`RawConnection`] or [`TypedConnection`]).
pub(crate) struct ConnectionAt<C> {
    path: &'static [&'static str],
    connection: PhantomData<fn() -> C>,
}

impl<C> ConnectionAt<C> {
    /// The connection at `path`.
    pub(crate) fn new(path: &'static [&'static str]) -> Self {
        ConnectionAt {
            path,
            connection: PhantomData,
        }
    }
}

impl<C> Clone for ConnectionAt<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for ConnectionAt<C> {}

impl<C: WireShape> DataShape for ConnectionAt<C> {
    type Output = C;

    fn decode<'de, D: Deserializer<'de>>(self, data: D) -> Result<Option<Self::Output>, D::Error> {
        data.deserialize_option(PathVisitor::<C> {
            path: self.path,
            connection: PhantomData,
        })
    }
}

/// The connection found by walking `path` (object keys) down from the reader's value, its
/// nodes read with `node`: [`ConnectionAt`] for a [`Reader`] (`None` when a step is absent or
/// `null`; every other member skipped).
pub(crate) fn read_connection_at<T>(
    reader: &mut Reader<'_>,
    path: &[&str],
    node: NodeReader<T>,
) -> Read<Option<Connection<T>>> {
    if reader.null() {
        return Ok(None);
    }
    let Some((step, rest)) = path.split_first() else {
        return read_connection(reader, node).map(Some);
    };
    let mut found = None;
    reader.members(|reader, key| {
        if key == *step {
            set_once(&mut found, read_connection_at(reader, rest, node)?)
        } else {
            reader.skip()
        }
    })?;
    Ok(found.flatten())
}

/// A connection object (`nodes`, `pageInfo`; anything else skipped), as [`TypedConnection`]
/// reads it.
fn read_connection<T>(reader: &mut Reader<'_>, node: NodeReader<T>) -> Read<Connection<T>> {
    let (mut nodes, mut page_info) = (None, None);
    reader.members(|reader, key| match key {
        "nodes" => set_once(&mut nodes, reader.nullable_list(node)?.map(present)),
        "pageInfo" => set_once(&mut page_info, reader.nullable(PageInfo::read)?),
        _ => reader.skip(),
    })?;
    Ok(Connection {
        nodes: nodes.flatten().unwrap_or_default(),
        bad: Vec::new(),
        page_info: page_info.flatten().unwrap_or_default(),
    })
}

/// A connection type read at the end of a path.
pub(crate) trait WireShape: Sized {
    /// Reads the connection object.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

impl WireShape for RawConnection {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = WireConnection::<Box<RawValue>>::deserialize(deserializer)?;
        Ok(RawConnection {
            nodes: wire.nodes.map(present).unwrap_or_default(),
            page_info: wire.page_info.unwrap_or_default(),
        })
    }
}

/// A connection whose nodes all decoded as `T` (reading fails on the first that does not).
pub(crate) struct TypedConnection<T>(pub(crate) Connection<T>);

impl<T: DeserializeOwned> WireShape for TypedConnection<T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = WireConnection::<T>::deserialize(deserializer)?;
        Ok(TypedConnection(Connection {
            nodes: wire.nodes.map(present).unwrap_or_default(),
            bad: Vec::new(),
            page_info: wire.page_info.unwrap_or_default(),
        }))
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

/// The wire shape of a connection with nodes of type `N`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound = "N: DeserializeOwned")]
struct WireConnection<N> {
    #[serde(default)]
    nodes: Option<Vec<Option<N>>>,
    #[serde(default)]
    page_info: Option<PageInfo>,
}

/// Walks one path step: `null` ends the walk with `None`, an object is searched for the next key.
struct PathVisitor<C> {
    path: &'static [&'static str],
    connection: PhantomData<fn() -> C>,
}

impl<'de, C: WireShape> Visitor<'de> for PathVisitor<C> {
    type Value = Option<C>;

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
            None => C::read(deserializer).map(Some),
            Some((key, rest)) => deserializer.deserialize_map(KeyVisitor::<C> {
                key,
                rest,
                connection: PhantomData,
            }),
        }
    }
}

/// Looks for `key` in an object, walking on with `rest` below it and skipping everything else.
struct KeyVisitor<C> {
    key: &'static str,
    rest: &'static [&'static str],
    connection: PhantomData<fn() -> C>,
}

impl<'de, C: WireShape> Visitor<'de> for KeyVisitor<C> {
    type Value = Option<C>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object with `{}`", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<Name<'de>>()? {
            if key.as_str() == self.key {
                found = map.next_value_seed(ShapeSeed(ConnectionAt::<C>::new(self.rest)))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// An object key (or a short string such as a type name) read in place: borrowed from the
/// page unless it holds escapes. serde's `Cow<'de, str>` looks like this but is always owned:
/// one `String` per key.
pub(crate) enum Name<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Name<'_> {
    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Name::Borrowed(name) => name,
            Name::Owned(name) => name,
        }
    }
}

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;

        impl<'de> Visitor<'de> for NameVisitor {
            type Value = Name<'de>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Name<'de>, E> {
                Ok(Name::Borrowed(name))
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<Name<'de>, E> {
                Ok(Name::Owned(name.to_owned()))
            }
        }

        deserializer.deserialize_str(NameVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(json: &str, path: &'static [&'static str]) -> Option<RawConnection> {
        let mut de = serde_json::Deserializer::from_str(json);
        let out = ShapeSeed(ConnectionAt::<RawConnection>::new(path))
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
    fn present_drops_nulls_in_order_without_a_new_list() {
        let list: Vec<Option<crate::graphql::text::Text>> =
            serde_json::from_str(r#"["a", null, "b", null, "c"]"#).expect("decodes");
        let buffer = list.as_ptr() as usize;
        let kept = present(list);
        assert_eq!(kept, ["a", "b", "c"]);
        assert_eq!(kept.as_ptr() as usize, buffer, "collected in place");
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
            ShapeSeed(ConnectionAt::<RawConnection>::new(&[
                "project",
                "workItems"
            ]))
            .deserialize(&mut de)
            .is_err()
        );
    }
}
