//! Reading responses: error statuses, size-capped bodies, JSON and GraphQL decoding. Each
//! result says whether the attempt may be retried ([`Failure`]).

use std::fmt;

use bytes::Bytes;
use reqwest::{Response, StatusCode};
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use tokio::sync::OwnedSemaphorePermit;

use crate::ClientError;
use crate::buffers::BodyBuffer;
use crate::client::{Failure, GraphqlResponse, MAX_JSON_BODY_BYTES};
use crate::connection::{
    Connection, ConnectionAt, DataShape, Name, NodeReader, PageNode, RawConnection, ShapeSeed,
    TypedConnection, read_connection_at,
};
use crate::json_reader::{Read, Reader, Unread, set_once};
use crate::retry::is_transient_graphql_message;
use crate::stats::ClientStats;

/// How much of an error body is kept in [`ClientError::Status`].
const ERROR_BODY_PREVIEW_CHARS: usize = 200;

/// A GraphQL response body: `data` decoded as `S` says, `errors` reduced to their messages,
/// anything else skipped.
pub(crate) struct GraphqlBody<O> {
    data: Option<O>,
    errors: Vec<String>,
}

#[derive(serde::Deserialize)]
struct RawGraphqlError {
    message: String,
}

/// Reads a response body in one pass (see [`crate::connection`]).
struct BodyVisitor<S>(S);

impl<'de, S: DataShape> Visitor<'de> for BodyVisitor<S> {
    type Value = GraphqlBody<S::Output>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GraphQL response object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut body = GraphqlBody {
            data: None,
            errors: Vec::new(),
        };
        while let Some(key) = map.next_key::<Name<'de>>()? {
            match key.as_str() {
                "data" => body.data = map.next_value_seed(ShapeSeed(self.0))?,
                "errors" => {
                    let errors: Option<Vec<RawGraphqlError>> = map.next_value()?;
                    body.errors = errors.into_iter().flatten().map(|e| e.message).collect();
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(body)
    }
}

/// The error for a non-success status (reads at most the first chunk of the body).
pub(crate) async fn status_error(
    mut resp: Response,
    op: &str,
    api_path: &str,
    attempts: u32,
) -> ClientError {
    let status = resp.status();
    match status {
        StatusCode::UNAUTHORIZED => ClientError::Unauthorized { op: op.to_owned() },
        StatusCode::FORBIDDEN => ClientError::Forbidden { op: op.to_owned() },
        StatusCode::NOT_FOUND => ClientError::NotFound {
            op: op.to_owned(),
            path: api_path.to_owned(),
        },
        _ => {
            let chunk = resp.chunk().await.ok().flatten().unwrap_or_default();
            let message: String = String::from_utf8_lossy(&chunk)
                .chars()
                .take(ERROR_BODY_PREVIEW_CHARS)
                .collect();
            ClientError::Status {
                op: op.to_owned(),
                status: status.as_u16(),
                attempts,
                message,
            }
        }
    }
}

/// Where a body is read for: the operation that names it in errors, the attempt, and the
/// client's counters, which count every body byte received.
pub(crate) struct BodyRead<'a> {
    /// The operation, for errors.
    pub op: &'a str,
    /// Which attempt this is, for errors.
    pub attempt: u32,
    /// The client's counters.
    pub stats: &'a ClientStats,
}

/// Reads a body of at most `limit` bytes without buffering more: `Content-Length` is checked
/// first, then the stream is cut as soon as it passes the limit.
pub(crate) async fn read_capped(
    resp: Response,
    read: BodyRead<'_>,
    limit: u64,
) -> Result<Bytes, Failure> {
    let mut buf = Vec::new();
    let chunk = read_capped_into(resp, read, limit, &mut buf).await?;
    Ok(chunk.unwrap_or_else(|| Bytes::from(buf)))
}

/// [`read_capped`] into `buf` (a reused buffer, see [`crate::buffers`]), except that a body
/// that comes in one chunk, as most pages do, is handed back as that chunk and not copied.
pub(crate) async fn read_capped_into(
    mut resp: Response,
    BodyRead { op, attempt, stats }: BodyRead<'_>,
    limit: u64,
    buf: &mut Vec<u8>,
) -> Result<Option<Bytes>, Failure> {
    let too_large = |size| {
        Failure::Final(ClientError::TooLarge {
            op: op.to_owned(),
            limit,
            size,
        })
    };
    if let Some(len) = resp.content_length().filter(|len| *len > limit) {
        return Err(too_large(Some(len)));
    }
    let expected_len = resp.content_length().unwrap_or(0) as usize;
    let mut first: Option<Bytes> = None;
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                stats.bytes(chunk.len() as u64);
                let held = buf.len() + first.as_ref().map_or(0, Bytes::len);
                if (held + chunk.len()) as u64 > limit {
                    return Err(too_large(None));
                }
                if held == 0 && first.is_none() {
                    first = Some(chunk);
                    continue;
                }
                if let Some(first) = first.take() {
                    buf.reserve(expected_len);
                    buf.extend_from_slice(&first);
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(first),
            Err(source) => {
                return Err(Failure::Transient(ClientError::Transport {
                    op: op.to_owned(),
                    attempts: attempt,
                    source,
                }));
            }
        }
    }
}

/// Decodes JSON; malformed JSON (a proxy page, a cut body) is retried, a shape mismatch is not.
pub(crate) fn decode_json<T: DeserializeOwned>(bytes: &[u8], op: &str) -> Result<T, Failure> {
    serde_json::from_slice(bytes).map_err(|source| decode_failure(source, op))
}

fn decode_failure(source: serde_json::Error, op: &str) -> Failure {
    let transient = source.is_syntax() || source.is_eof();
    let err = ClientError::Decode {
        op: op.to_owned(),
        source,
    };
    if transient {
        Failure::Transient(err)
    } else {
        Failure::Final(err)
    }
}

/// Decodes a GraphQL body in one pass, `data` as `shape` says. The body is checked to be UTF-8
/// once, as a whole, so that the parser need not check each string on its own (a per-string
/// check was 4 % of a sync's CPU); a body that is not UTF-8 is parsed as bytes, for the parser
/// to name where it breaks.
fn decode_body<S: DataShape>(
    bytes: &[u8],
    op: &str,
    shape: S,
) -> Result<GraphqlBody<S::Output>, Failure> {
    match page_text(bytes) {
        Some(text) => decode_with(serde_json::Deserializer::from_str(text), op, shape),
        None => decode_with(serde_json::Deserializer::from_slice(bytes), op, shape),
    }
}

/// A page's bytes as text when they are UTF-8. simdutf8 checks them 32 bytes at a time (AVX2,
/// chosen at run time), several times faster than `std::str::from_utf8` on the mostly-ASCII
/// pages GitLab sends: the check of every page was 2.3 % of a sync's instructions.
fn page_text(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

fn decode_with<'de, R: serde_json::de::Read<'de>, S: DataShape>(
    mut deserializer: serde_json::Deserializer<R>,
    op: &str,
    shape: S,
) -> Result<GraphqlBody<S::Output>, Failure> {
    deserializer
        .deserialize_map(BodyVisitor(shape))
        .and_then(|body| deserializer.end().map(|()| body))
        .map_err(|source| decode_failure(source, op))
}

/// Decodes a GraphQL body whose `data` holds a connection at `path`, its nodes as `T`: with
/// `T`'s own reader when it has one and the reader takes the page ([`PageNode`]), else with
/// serde_json ([`decode_connection_with_serde`]), counted in `stats` when `T` has a reader.
fn decode_connection<T: PageNode>(
    bytes: &[u8],
    op: &str,
    path: &'static [&'static str],
    stats: &ClientStats,
) -> Result<GraphqlBody<Connection<T>>, Failure> {
    if let Some(node) = T::READ {
        if let Some(text) = page_text(bytes)
            && let Ok(body) = read_connection_body(text, path, node)
        {
            return Ok(body);
        }
        stats.page_read_slowly();
        tracing::debug!(op, "listing page left to serde_json by its reader");
    }
    decode_connection_with_serde(bytes, op, path)
}

/// [`decode_connection`] with serde_json: in one pass when every node decodes, else (a node
/// GitLab sent in a shape we do not expect) once more with raw nodes, each decoded on its own
/// so only the bad ones are left out.
fn decode_connection_with_serde<T: DeserializeOwned>(
    bytes: &[u8],
    op: &str,
    path: &'static [&'static str],
) -> Result<GraphqlBody<Connection<T>>, Failure> {
    match decode_body(bytes, op, ConnectionAt::<TypedConnection<T>>::new(path)) {
        Ok(GraphqlBody { data, errors }) => Ok(GraphqlBody {
            data: data.map(|typed| typed.0),
            errors,
        }),
        Err(Failure::Final(ClientError::Decode { .. })) => {
            let GraphqlBody { data, errors } =
                decode_body(bytes, op, ConnectionAt::<RawConnection>::new(path))?;
            Ok(GraphqlBody {
                data: data.map(Connection::of_raw),
                errors,
            })
        }
        Err(failure) => Err(failure),
    }
}

/// [`decode_connection`]'s fast way: the body read with a [`Reader`], every node with `node`.
/// A body with `errors` is left to serde_json, which reduces them to their messages.
fn read_connection_body<T>(
    text: &str,
    path: &[&str],
    node: NodeReader<T>,
) -> Read<GraphqlBody<Connection<T>>> {
    let mut reader = Reader::new(text);
    let mut data = None;
    reader.members(|reader, key| match key {
        "data" => set_once(&mut data, read_connection_at(reader, path, node)?),
        "errors" => Err(Unread),
        _ => reader.skip(),
    })?;
    reader.end()?;
    Ok(GraphqlBody {
        data: data.flatten(),
        errors: Vec::new(),
    })
}

/// A decoder of GraphQL bodies whose `data` is read as `shape` says.
pub(crate) fn by_shape<S: DataShape>(
    shape: S,
) -> impl Fn(&[u8], &str, &ClientStats) -> Result<GraphqlBody<S::Output>, Failure> + Copy {
    move |bytes, op, _| decode_body(bytes, op, shape)
}

/// A decoder of GraphQL bodies whose `data` holds a connection of `T` at `path` (see
/// [`decode_connection`]).
pub(crate) fn by_connection<T: PageNode>(
    path: &'static [&'static str],
) -> impl Fn(&[u8], &str, &ClientStats) -> Result<GraphqlBody<Connection<T>>, Failure> + Copy {
    move |bytes, op, stats| decode_connection(bytes, op, path, stats)
}

/// Reads and decodes a GraphQL response; transient GraphQL errors (timeouts, "try again") are
/// retried, other errors are returned with whatever `data` came along.
pub(crate) async fn decode_graphql<O>(
    resp: Response,
    read: BodyRead<'_>,
    decode: impl FnOnce(&[u8], &str, &ClientStats) -> Result<GraphqlBody<O>, Failure>,
    slot: OwnedSemaphorePermit,
    mut buffer: BodyBuffer<'_>,
) -> Result<GraphqlResponse<O>, Failure> {
    let (op, attempt, stats) = (read.op.to_owned(), read.attempt, read.stats);
    let chunk = read_capped_into(resp, read, MAX_JSON_BODY_BYTES, &mut buffer).await?;
    drop(slot);
    let GraphqlBody { data, errors } = decode(chunk.as_deref().unwrap_or(&buffer), &op, stats)?;
    drop((chunk, buffer));
    if errors.iter().any(|m| is_transient_graphql_message(m)) {
        return Err(Failure::Transient(ClientError::Graphql {
            op,
            attempts: attempt,
            messages: errors,
        }));
    }
    if !errors.is_empty() {
        tracing::debug!(op, errors = ?errors, "graphql errors returned to the caller");
    }
    Ok(GraphqlResponse { data, errors })
}

/// A page decoded both ways, each result written with `Debug`: with `T`'s reader (`None` when
/// it did not take the page) and with serde_json alone. For the readers' tests.
#[cfg(test)]
pub(crate) fn both_ways<T: PageNode + fmt::Debug>(
    text: &str,
    path: &'static [&'static str],
) -> (Option<String>, String) {
    let written = |body: GraphqlBody<Connection<T>>| format!("{:?} {:?}", body.data, body.errors);
    let fast = T::READ
        .and_then(|node| read_connection_body(text, path, node).ok())
        .map(written);
    let serde = match decode_connection_with_serde(text.as_bytes(), "op", path) {
        Ok(body) => written(body),
        Err(failure) => format!("{failure:?}"),
    };
    (fast, serde)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Item {
        iid: String,
        n: i32,
    }

    impl PageNode for Item {}

    const PATH: &[&str] = &["project", "workItems"];

    fn page(nodes: &str) -> String {
        format!(
            r#"{{"data": {{"project": {{"workItems": {{
                "pageInfo": {{"hasNextPage": true, "endCursor": "abc"}},
                "nodes": {nodes}}}}}}}, "errors": [{{"message": "field x failed"}}]}}"#
        )
    }

    #[test]
    fn a_page_whose_nodes_all_decode_is_read_in_one_pass() {
        let body = page(r#"[{"iid": "1", "n": 1}, null, {"iid": "2", "n": 2}]"#);
        let GraphqlBody { data, errors } =
            decode_connection::<Item>(body.as_bytes(), "op", PATH, &ClientStats::default())
                .expect("decodes");
        let connection = data.expect("connection present");
        let iids: Vec<&str> = connection.nodes.iter().map(|i| i.iid.as_str()).collect();
        assert_eq!(iids, ["1", "2"]);
        assert!(connection.bad.is_empty());
        assert_eq!(connection.page_info.next_cursor(), Some("abc"));
        assert_eq!(errors, ["field x failed"]);
    }

    #[test]
    fn a_bad_node_is_kept_apart_and_the_others_decoded() {
        let body =
            page(r#"[{"iid": "1", "n": 1}, {"iid": "2", "n": "oops"}, {"iid": "3", "n": 3}]"#);
        let GraphqlBody { data, errors } =
            decode_connection::<Item>(body.as_bytes(), "op", PATH, &ClientStats::default())
                .expect("decodes");
        let connection = data.expect("connection present");
        let kept: Vec<(&str, i32)> = connection
            .nodes
            .iter()
            .map(|i| (i.iid.as_str(), i.n))
            .collect();
        assert_eq!(kept, [("1", 1), ("3", 3)]);
        assert_eq!(connection.bad.len(), 1);
        assert!(connection.bad[0].node.get().contains("oops"));
        assert_eq!(connection.page_info.next_cursor(), Some("abc"));
        assert_eq!(errors, ["field x failed"]);
    }

    /// A node type with a reader of its own, which takes `{a b}` in that order only.
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Ordered {
        a: i32,
        b: i32,
    }

    impl PageNode for Ordered {
        const READ: Option<NodeReader<Self>> = Some(|reader| {
            reader.object(|object| {
                Ok(Ordered {
                    a: object.member("a", Reader::i32)?,
                    b: object.member("b", Reader::i32)?,
                })
            })
        });
    }

    #[test]
    fn pages_the_reader_leaves_to_serde_decode_the_same_and_are_counted() {
        let stats = ClientStats::default();
        let nodes = |body: &str| {
            let body = decode_connection::<Ordered>(body.as_bytes(), "op", PATH, &stats);
            body.expect("decodes").data.expect("connection").nodes
        };
        let expected = [Ordered { a: 1, b: 2 }, Ordered { a: 3, b: 4 }];
        let in_order = r#"{"data": {"project": {"workItems": {"nodes": [{"a": 1, "b": 2}, {"a": 3, "b": 4}]}}}}"#;
        assert_eq!(nodes(in_order), expected);
        assert_eq!(stats.snapshot().pages_read_slowly, 0);
        let reordered = in_order.replace(r#"{"a": 3, "b": 4}"#, r#"{"b": 4, "a": 3}"#);
        assert_eq!(nodes(&reordered), expected);
        assert_eq!(stats.snapshot().pages_read_slowly, 1);
    }

    #[test]
    fn a_body_that_is_not_utf8_fails_naming_where() {
        let mut body = page(r#"[{"iid": "1", "n": 1}]"#).into_bytes();
        let at = body.iter().position(|&b| b == b'1').expect("iid");
        body[at] = 0xff;
        let Err(Failure::Transient(ClientError::Decode { source, .. })) =
            decode_connection::<Item>(&body, "op", PATH, &ClientStats::default())
        else {
            panic!("a decode failure");
        };
        assert!(source.line() > 0 && source.column() > 0, "{source}");
    }

    #[test]
    fn a_cut_body_is_a_transient_failure() {
        let body = page(r#"[{"iid": "1", "n": 1}"#);
        assert!(matches!(
            decode_connection::<Item>(body.as_bytes(), "op", PATH, &ClientStats::default()),
            Err(Failure::Transient(ClientError::Decode { .. }))
        ));
    }
}
