//! Cursor pagination as on GitLab: opaque base64 cursors, `first`/`after` and `last`/`before`,
//! default and maximum page size 100.

use async_graphql::{Error, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// GitLab's `max_page_size` (also the default when `first`/`last` are absent).
pub const MAX_PAGE_SIZE: i32 = 100;

/// `PageInfo`.
#[derive(SimpleObject, Debug, Clone, Default)]
#[graphql(name = "PageInfo")]
pub struct PageInfo {
    /// Cursor of the last node.
    pub end_cursor: Option<String>,
    /// More nodes after this page.
    pub has_next_page: bool,
    /// More nodes before this page.
    pub has_previous_page: bool,
    /// Cursor of the first node.
    pub start_cursor: Option<String>,
}

/// Connection arguments of one field.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    /// `after`.
    pub after: Option<String>,
    /// `before`.
    pub before: Option<String>,
    /// `first`.
    pub first: Option<i32>,
    /// `last`.
    pub last: Option<i32>,
}

impl PageArgs {
    /// Forward-only arguments (fields without `before`/`last`).
    pub fn forward(after: Option<String>, first: Option<i32>) -> Self {
        PageArgs {
            after,
            first,
            ..PageArgs::default()
        }
    }
}

/// One page of ranked items plus its page info and the total count.
#[derive(Debug)]
pub struct Page<T> {
    /// `(cursor, item)` pairs.
    pub items: Vec<(String, T)>,
    /// Page info.
    pub info: PageInfo,
    /// Number of items in the whole (filtered) list.
    pub total: usize,
}

fn encode(rank: u64) -> String {
    STANDARD.encode(format!("{{\"id\":\"{rank}\"}}"))
}

fn decode(cursor: &str, field: &str) -> Result<u64, Error> {
    let bad = || {
        Error::new(format!(
            "Please provide a valid cursor for the `{field}` field"
        ))
    };
    let raw = STANDARD.decode(cursor).map_err(|_| bad())?;
    let v: serde_json::Value = serde_json::from_slice(&raw).map_err(|_| bad())?;
    v.get("id")
        .and_then(|i| i.as_str())
        .and_then(|s| s.parse().ok())
        .ok_or_else(bad)
}

fn check_size(n: Option<i32>, arg: &str, field: &str) -> Result<Option<usize>, Error> {
    match n {
        Some(n) if n < 0 => Err(Error::new(format!(
            "Argument '{arg}' on Field '{field}' must be non-negative"
        ))),
        Some(n) if n > MAX_PAGE_SIZE => Err(Error::new(format!(
            "Argument '{arg}' on Field '{field}' has a value of {n}, which exceeds max page size of {MAX_PAGE_SIZE}"
        ))),
        Some(n) => Ok(Some(n as usize)),
        None => Ok(None),
    }
}

/// Pages `items`, whose ranks must increase in list order (ranks survive deletions, so a cursor
/// stays valid when items around it change).
pub fn paginate<T>(items: Vec<(u64, T)>, args: &PageArgs, field: &str) -> Result<Page<T>, Error> {
    let first = check_size(args.first, "first", field)?;
    let last = check_size(args.last, "last", field)?;
    let after = args
        .after
        .as_deref()
        .map(|c| decode(c, field))
        .transpose()?;
    let before = args
        .before
        .as_deref()
        .map(|c| decode(c, field))
        .transpose()?;
    let total = items.len();
    let mut window: Vec<(u64, T)> = items
        .into_iter()
        .filter(|(r, _)| after.is_none_or(|a| *r > a) && before.is_none_or(|b| *r < b))
        .collect();
    let window_len = window.len();
    let mut has_next = before.is_some() && window_len < total;
    let mut has_prev = after.is_some() && window_len < total;
    let take_first = first.or(if last.is_none() {
        Some(MAX_PAGE_SIZE as usize)
    } else {
        None
    });
    if let Some(f) = take_first
        && window.len() > f
    {
        window.truncate(f);
        has_next = true;
    }
    if let Some(l) = last
        && window.len() > l
    {
        window.drain(..window.len() - l);
        has_prev = true;
    }
    let items: Vec<(String, T)> = window.into_iter().map(|(r, t)| (encode(r), t)).collect();
    let info = PageInfo {
        start_cursor: items.first().map(|(c, _)| c.clone()),
        end_cursor: items.last().map(|(c, _)| c.clone()),
        has_next_page: has_next,
        has_previous_page: has_prev,
    };
    Ok(Page { items, info, total })
}

/// Pages a plain list, ranked by position.
pub fn paginate_list<T>(items: Vec<T>, args: &PageArgs, field: &str) -> Result<Page<T>, Error> {
    paginate(
        items
            .into_iter()
            .enumerate()
            .map(|(i, t)| (i as u64, t))
            .collect(),
        args,
        field,
    )
}

/// Defines a GitLab `*Connection` type (with or without `count`) and its `*Edge` type.
macro_rules! connection {
    ($conn:ident, $conn_name:literal, $edge:ident, $edge_name:literal, $node:ty $(, $count:ident)?) => {
        #[doc = concat!("`", $conn_name, "`.")]
        #[derive(async_graphql::SimpleObject)]
        #[graphql(name = $conn_name)]
        pub struct $conn {
            $(
                #[doc = "Total number of items in the filtered list."]
                $count: i32,
            )?
            /// Edges.
            edges: Option<Vec<Option<$edge>>>,
            /// Nodes.
            nodes: Option<Vec<Option<$node>>>,
            /// Page info.
            page_info: $crate::gql::page::PageInfo,
        }

        #[doc = concat!("`", $edge_name, "`.")]
        #[derive(async_graphql::SimpleObject)]
        #[graphql(name = $edge_name)]
        pub struct $edge {
            /// Cursor of this node.
            cursor: String,
            /// The node.
            node: Option<$node>,
        }

        impl $conn {
            /// Builds the connection from a page.
            pub fn from_page(page: $crate::gql::page::Page<$node>) -> Self {
                let edges = page
                    .items
                    .iter()
                    .map(|(c, n)| Some($edge { cursor: c.clone(), node: Some(n.clone()) }))
                    .collect();
                let nodes = page.items.into_iter().map(|(_, n)| Some(n)).collect();
                $conn {
                    $( $count: page.total as i32, )?
                    edges: Some(edges),
                    nodes: Some(nodes),
                    page_info: page.info,
                }
            }
        }
    };
}
pub(crate) use connection;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_forward_and_rejects_oversized_pages() {
        let items: Vec<(u64, u32)> = (0..250).map(|i| (i, i as u32)).collect();
        let p1 = paginate(items, &PageArgs::default(), "x").unwrap();
        assert_eq!(p1.items.len(), 100);
        assert!(p1.info.has_next_page);
        let args = PageArgs::forward(p1.info.end_cursor.clone(), Some(100));
        let items: Vec<(u64, u32)> = (0..250).map(|i| (i, i as u32)).collect();
        let p2 = paginate(items, &args, "x").unwrap();
        assert_eq!(p2.items[0].1, 100);
        let err = paginate(
            Vec::<(u64, u32)>::new(),
            &PageArgs::forward(None, Some(101)),
            "workItems",
        )
        .unwrap_err();
        assert!(err.message.contains("exceeds max page size"));
    }
}
