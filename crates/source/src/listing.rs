//! Cursor pagination over GraphQL connections: one request per page, page-size halving on
//! complexity/timeout errors (DESIGN principle 9), partial data kept, a node that does not
//! decode skipped alone; and the follow-ups that complete a nested list.

use gitlab_client::graphql::common::PageInfo;
use gitlab_client::{BadNode, Connection, GitlabClient, PageNode, RawConnection};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::sync::{OwnedSemaphorePermit, mpsc};

use crate::Error;
use crate::emit::Emitter;

/// One page of a connection, its nodes decoded.
#[derive(Debug, Default)]
pub(crate) struct Page<T> {
    /// The nodes that decoded (`null` entries dropped).
    pub nodes: Vec<T>,
    /// The nodes that did not, named and explained (see [`bad_nodes`]).
    pub bad: Vec<BadNode>,
    /// Cursor of the next page, when there is one.
    pub next: Option<String>,
    /// GraphQL errors that came with the data: the page may be missing items.
    pub errors: Vec<String>,
}

/// Whether GitLab's messages say the query was too expensive (so a smaller page may pass).
pub(crate) fn is_too_complex(messages: &[String]) -> bool {
    messages.iter().any(|message| {
        let message = message.to_lowercase();
        [
            "complexity",
            "timeout",
            "timed out",
            "too large",
            "too many records",
            "max page size",
        ]
        .iter()
        .any(|needle| message.contains(needle))
    })
}

/// Walks `keys` down from `data`; `None` when a key is absent or `null`.
pub(crate) fn walk<'a>(data: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter()
        .try_fold(data, |value, key| value.get(key))
        .filter(|value| !value.is_null())
}

impl<T> Page<T> {
    /// The page of a decoded connection, with the GraphQL errors that came with it.
    fn of(connection: Connection<T>, errors: Vec<String>) -> Page<T> {
        Page {
            nodes: connection.nodes,
            bad: connection.bad,
            next: connection.page_info.next_cursor().map(str::to_owned),
            errors,
        }
    }
}

/// Splits a connection object found in a `Value` (follow-up answers) into raw nodes and paging
/// state.
fn split_connection(mut connection: Value) -> RawConnection {
    let nodes = match connection.get_mut("nodes").map(Value::take) {
        Some(Value::Array(nodes)) => nodes
            .iter()
            .filter(|node| !node.is_null())
            .filter_map(|node| serde_json::value::to_raw_value(node).ok())
            .collect(),
        _ => Vec::new(),
    };
    let page_info: PageInfo = connection
        .get_mut("pageInfo")
        .map(Value::take)
        .and_then(|info| serde_json::from_value(info).ok())
        .unwrap_or_default();
    RawConnection { nodes, page_info }
}

/// Decodes raw nodes one at a time; a node that does not decode is returned as
/// `(what, reason)` instead of failing the page (spec §10.5).
pub(crate) fn decode_nodes<T: DeserializeOwned>(
    kind: &str,
    nodes: Vec<Box<RawValue>>,
) -> (Vec<T>, Vec<(String, String)>) {
    let connection = Connection::<T>::of_raw(RawConnection {
        nodes,
        ..RawConnection::default()
    });
    (connection.nodes, bad_nodes(kind, connection.bad))
}

/// Names and explains the nodes of a `kind` listing that did not decode.
pub(crate) fn bad_nodes(kind: &str, bad: Vec<BadNode>) -> Vec<(String, String)> {
    bad.into_iter()
        .map(|BadNode { node, error }| {
            (
                node_name(kind, &node),
                format!("malformed {kind} from GitLab: {error}"),
            )
        })
        .collect()
}

/// Names a node that did not decode by its first identifying field.
fn node_name(kind: &str, node: &RawValue) -> String {
    let node: Value = serde_json::from_str(node.get()).unwrap_or_default();
    ["id", "iid", "fullPath", "tagName", "username", "title"]
        .iter()
        .find_map(|key| {
            node.get(*key).and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            })
        })
        .map_or_else(|| kind.to_owned(), |id| format!("{kind} {id}"))
}

/// Walks a top-level listing page by page. The page size starts at `first` (capped at 100)
/// and is halved for the rest of the listing whenever GitLab calls a page too complex.
pub(crate) struct Pager {
    label: String,
    path: &'static [&'static str],
    first: i32,
    after: Option<String>,
    done: bool,
}

impl Pager {
    /// A pager for the connection at `path` inside `data`, named `label` in logs and errors.
    pub(crate) fn new(label: String, path: &'static [&'static str], first: i32) -> Self {
        Pager {
            label,
            path,
            first: first.clamp(1, gitlab_client::graphql::MAX_PAGE_SIZE),
            after: None,
            done: false,
        }
    }

    /// The listing's label.
    pub(crate) fn label(&self) -> &str {
        &self.label
    }

    /// Fetches the next page; `None` after the last one. After an `Err` the pager is done.
    pub(crate) async fn next<T, Q, V, F>(
        &mut self,
        client: &GitlabClient,
        build: F,
    ) -> Option<Result<Page<T>, Error>>
    where
        T: PageNode,
        V: Serialize,
        F: Fn(i32, Option<String>) -> cynic::Operation<Q, V>,
    {
        if self.done {
            return None;
        }
        let result = fetch(client, &self.label, self.path, &mut self.first, |first| {
            build(first, self.after.clone())
        })
        .await;
        match &result {
            Ok(page) => {
                self.after = page.next.clone();
                self.done = page.next.is_none();
            }
            Err(_) => self.done = true,
        }
        Some(result)
    }
}

/// A fetched page (or the listing's error) with its room in the page budget.
pub(crate) type HeldPage<T> = (Result<Page<T>, Error>, OwnedSemaphorePermit);

/// The pages of `pager`, fetched one ahead of their consumer: the returned future fetches page
/// N+1 while the receiver's owner handles page N, so a listing's chain of requests is not
/// lengthened by document building, follow-up requests or a busy sink (the latency bound in
/// bench/README.md). At most two pages wait per listing (one queued, one being fetched), and
/// every page holds room in the sync's page budget ([`Emitter::page_room`]) until its
/// consumer drops it. Run the future alongside the consumer (`join!`); it stops after the last
/// page, after an error, or as soon as the receiver is dropped.
pub(crate) fn ahead<'a, T, Q, V, F>(
    client: &'a GitlabClient,
    out: &'a Emitter,
    mut pager: Pager,
    build: F,
) -> (mpsc::Receiver<HeldPage<T>>, impl Future<Output = ()> + 'a)
where
    T: PageNode + 'a,
    Q: 'a,
    V: Serialize + 'a,
    F: Fn(i32, Option<String>) -> cynic::Operation<Q, V> + 'a,
{
    let (tx, rx) = mpsc::channel(1);
    let fetch = async move {
        loop {
            let room = out.page_room().await;
            let Some(page) = pager.next(client, &build).await else {
                break;
            };
            if tx.send((page, room)).await.is_err() {
                break;
            }
        }
    };
    (rx, fetch)
}

/// One request, repeated with half the page size while GitLab calls it too complex.
async fn fetch<T, Q, V, F>(
    client: &GitlabClient,
    label: &str,
    path: &'static [&'static str],
    first: &mut i32,
    build: F,
) -> Result<Page<T>, Error>
where
    T: PageNode,
    V: Serialize,
    F: Fn(i32) -> cynic::Operation<Q, V>,
{
    loop {
        let response = client
            .graphql_connection(label, build(*first), path)
            .await
            .map_err(|error| Error::Client {
                what: label.to_owned(),
                error,
            })?;
        let errors = response.errors;
        if let Some(connection) = response.data {
            return Ok(Page::of(connection, errors));
        }
        if errors.is_empty() {
            return Err(Error::Missing {
                what: label.to_owned(),
            });
        }
        if is_too_complex(&errors) && *first > 1 {
            *first = (*first / 2).max(1);
            tracing::warn!(
                op = label,
                first = *first,
                "query too complex for GitLab; halving the page size"
            );
            continue;
        }
        return Err(Error::Graphql {
            what: label.to_owned(),
            messages: errors,
        });
    }
}

/// The remaining pages of a nested connection, starting at `cursor`. `locate` finds the
/// connection inside `data` (returning a copy); when the parent is gone the follow-up ends with what it has.
pub(crate) struct FollowUp {
    /// All nodes of the remaining pages, raw.
    pub nodes: Vec<Box<RawValue>>,
    /// GraphQL errors that came with data: some nodes may be missing.
    pub errors: Vec<String>,
}

/// Fetches every remaining page of a nested connection.
pub(crate) async fn follow_up<Q, V, B, L>(
    client: &GitlabClient,
    label: &str,
    cursor: &str,
    build: B,
    locate: L,
) -> Result<FollowUp, Error>
where
    V: Serialize,
    B: Fn(Option<String>) -> cynic::Operation<Q, V>,
    L: Fn(&Value) -> Option<Value>,
{
    let mut result = FollowUp {
        nodes: Vec::new(),
        errors: Vec::new(),
    };
    let mut after = Some(cursor.to_owned());
    while let Some(cursor) = after.take() {
        let response = client
            .graphql(label, build(Some(cursor)))
            .await
            .map_err(|error| Error::Client {
                what: label.to_owned(),
                error,
            })?;
        let Some(connection) = response.data.as_ref().and_then(&locate) else {
            if response.errors.is_empty() {
                break;
            }
            return Err(Error::Graphql {
                what: label.to_owned(),
                messages: response.errors,
            });
        };
        let page = split_connection(connection);
        result.nodes.extend(page.nodes);
        result.errors.extend(response.errors);
        after = page.page_info.next_cursor().map(str::to_owned);
    }
    Ok(result)
}

/// Appends `more` to `items`, skipping items whose key is already present (a retried page
/// must never duplicate nested entries).
pub(crate) fn extend_unique<T, K: PartialEq>(
    items: &mut Vec<T>,
    more: Vec<T>,
    key: impl Fn(&T) -> K,
) {
    for item in more {
        let k = key(&item);
        if !items.iter().any(|existing| key(existing) == k) {
            items.push(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Deserialize, Debug)]
    struct Item {
        iid: String,
        n: i64,
    }

    #[test]
    fn a_malformed_node_is_reported_and_the_others_kept() {
        let nodes = [
            json!({"iid": "1", "n": 1}),
            json!({"iid": "2", "n": "oops"}),
            json!({"iid": "3", "n": 3}),
        ]
        .iter()
        .map(|node| serde_json::value::to_raw_value(node).expect("serializes"))
        .collect();
        let (items, bad) = decode_nodes::<Item>("issue", nodes);
        assert_eq!(
            items.iter().map(|i| i.iid.as_str()).collect::<Vec<_>>(),
            ["1", "3"]
        );
        assert_eq!(items[1].n, 3);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, "issue 2");
        assert!(bad[0].1.contains("malformed issue"), "{}", bad[0].1);
    }

    #[test]
    fn connection_split_keeps_nodes_and_cursor() {
        let data = json!({"project": {"workItems": {
            "pageInfo": {"hasNextPage": true, "endCursor": "abc"},
            "nodes": [{"iid": "1"}, null]
        }}});
        let connection = walk(&data, &["project", "workItems"]).expect("connection present");
        let page = split_connection(connection.clone());
        assert_eq!(page.nodes.len(), 1);
        assert_eq!(page.page_info.next_cursor(), Some("abc"));
        assert!(walk(&json!({"project": null}), &["project", "workItems"]).is_none());
    }

    #[test]
    fn complexity_timeout_and_size_errors_are_recognised() {
        assert!(is_too_complex(&[
            "Query has complexity of 300, which exceeds max complexity of 250".into()
        ]));
        assert!(is_too_complex(&["Request timed out".into()]));
        assert!(is_too_complex(&["Query too large".into()]));
        assert!(!is_too_complex(&[
            "Field 'x' doesn't exist on type 'Project'".into()
        ]));
    }

    #[test]
    fn extend_unique_drops_repeated_keys() {
        let mut users = vec!["a".to_owned(), "b".to_owned()];
        extend_unique(
            &mut users,
            vec!["b".to_owned(), "c".to_owned()],
            Clone::clone,
        );
        assert_eq!(users, ["a", "b", "c"]);
    }
}
