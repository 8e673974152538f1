//! [`each_item`]: the loop every work-item and merge-request listing runs — pages fetched one
//! ahead, each page's problems reported, one document per item.

use connector_core::{Document, ScopeKey};
use gitlab_client::{GitlabClient, PageNode};
use serde::Serialize;

use crate::Error;
use crate::emit::{Closed, Emitter, Problems};
use crate::listing::{Pager, ahead};

/// Walks every page of `pager` (fetched one ahead of the documents, see [`ahead`]). A page's
/// GraphQL errors and undecodable nodes (`kind` names them) are reported against `scope`; each
/// item goes to `document`, which may fetch follow-ups and returns the item's document with the
/// problems it met; the document is emitted before those problems. Returns the listing's error when a page could
/// not be fetched, for the caller to report (or not: epics on a tier without them).
pub(crate) async fn each_item<Q, V, F, T, D, Fut>(
    client: &GitlabClient,
    out: &Emitter,
    pager: Pager,
    build: F,
    (kind, scope): (&str, &ScopeKey),
    mut document: D,
) -> Result<Option<Error>, Closed>
where
    V: Serialize,
    F: Fn(i32, Option<String>) -> cynic::Operation<Q, V>,
    T: PageNode,
    D: FnMut(T) -> Fut,
    Fut: Future<Output = (Option<Document>, Problems)>,
{
    let label = pager.label().to_owned();
    let (mut pages, fetching) = ahead(client, out, pager, build);
    let walk = async move {
        while let Some((page, _room)) = pages.recv().await {
            let page = match page {
                Ok(page) => page,
                Err(error) => return Ok(Some(error)),
            };
            let mut problems = Problems::default();
            problems.partial(&label, &page.errors);
            problems.malformed(kind, page.bad);
            problems.emit(out, scope).await?;
            for item in page.nodes {
                let (doc, problems) = document(item).await;
                if let Some(doc) = doc {
                    out.item_document(doc, &problems).await?;
                }
                problems.emit(out, scope).await?;
            }
        }
        Ok(None)
    };
    let (result, ()) = futures::join!(walk, fetching);
    result
}
