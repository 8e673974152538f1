//! Cursor pagination as a [`Stream`], generic over a page-fetching closure.
//!
//! The closure gets the cursor of the page to fetch (`None` for the first page) and returns the
//! page with the cursor of the next one (`None` after the last page). A failed fetch ends the
//! stream with an `Err` item, never with a clean early end, so a failed listing cannot pass for
//! a short one. Retries happen inside the client, per request, never here.

use std::future::Future;

use futures::Stream;
use futures::stream::{self, StreamExt};

/// A stream of the pages returned by `fetch`, starting at cursor `first`.
pub fn pages<C, P, E, F, Fut>(first: Option<C>, fetch: F) -> impl Stream<Item = Result<P, E>>
where
    F: FnMut(Option<C>) -> Fut,
    Fut: Future<Output = Result<(P, Option<C>), E>>,
{
    enum State<C> {
        Fetch(Option<C>),
        Done,
    }
    stream::unfold(
        (State::Fetch(first), fetch),
        |(state, mut fetch)| async move {
            let State::Fetch(cursor) = state else {
                return None;
            };
            match fetch(cursor).await {
                Ok((page, Some(next))) => Some((Ok(page), (State::Fetch(Some(next)), fetch))),
                Ok((page, None)) => Some((Ok(page), (State::Done, fetch))),
                Err(e) => Some((Err(e), (State::Done, fetch))),
            }
        },
    )
}

/// A stream of the items of the pages returned by `fetch` (pages are `Vec`s of items).
pub fn items<C, T, E, F, Fut>(first: Option<C>, fetch: F) -> impl Stream<Item = Result<T, E>>
where
    F: FnMut(Option<C>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<C>), E>>,
{
    pages(first, fetch).flat_map(|page| match page {
        Ok(items) => stream::iter(items.into_iter().map(Ok).collect::<Vec<_>>()),
        Err(e) => stream::iter(vec![Err(e)]),
    })
}

#[cfg(test)]
mod tests {
    use futures::TryStreamExt;

    use super::*;

    async fn fetch(
        cursor: Option<u32>,
        fail_at: Option<u32>,
    ) -> Result<(Vec<u32>, Option<u32>), String> {
        let page = cursor.unwrap_or(1);
        if Some(page) == fail_at {
            return Err(format!("page {page} failed"));
        }
        let next = (page < 3).then_some(page + 1);
        Ok((vec![page * 10, page * 10 + 1], next))
    }

    #[tokio::test]
    async fn reads_every_page_to_the_end() {
        let all: Vec<u32> = items(None, |c| fetch(c, None))
            .try_collect()
            .await
            .expect("ok");
        assert_eq!(all, vec![10, 11, 20, 21, 30, 31]);
    }

    #[tokio::test]
    async fn mid_stream_failure_ends_with_err() {
        let seen: Vec<Result<u32, String>> = items(None, |c| fetch(c, Some(2))).collect().await;
        assert_eq!(seen, vec![Ok(10), Ok(11), Err("page 2 failed".to_owned())]);
    }

    #[tokio::test]
    async fn starts_at_the_given_cursor() {
        let got: Vec<Vec<u32>> = pages(Some(3), |c| fetch(c, None))
            .try_collect()
            .await
            .expect("ok");
        assert_eq!(got, vec![vec![30, 31]]);
    }
}
