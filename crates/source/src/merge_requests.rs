//! The merge requests of one project (`ProjectMergeRequests`, §4.4), with overflowing nested
//! lists completed by `MergeRequestFollowUp`.

use std::borrow::Cow;

use connector_core::{DocType, Document, ObjectKind, ScopeKey};
use gitlab_client::GitlabClient;
use gitlab_client::graphql::common::{Discussion, PageInfo};
use gitlab_client::graphql::merge_request::MergeRequest;
use gitlab_client::graphql::merge_request_follow_up as fu;
use gitlab_client::graphql::project_merge_requests::{self, ProjectMergeRequestsVariables};
use gitlab_client::graphql::{PAGE_SIZE, Time};
use serde::de::DeserializeOwned;

use crate::body::join_body;
use crate::emit::{Closed, Emitter, Problems};
use crate::ids::merge_request_id;
use crate::listing::{Pager, extend_unique, follow_up, walk};
use crate::notes;
use crate::project::ProjectInfo;
use crate::settings::SourceSettings;
use crate::values::{NumberOrText, names};
use crate::walk::each_item;

/// Lists, completes and emits every merge request of `project`.
pub(crate) async fn sync(
    client: &GitlabClient,
    settings: &SourceSettings,
    project: &ProjectInfo,
    out: &Emitter,
) -> Result<(), Closed> {
    let scope = ScopeKey::Project {
        project_id: project.id.clone(),
        kind: ObjectKind::MergeRequests,
    };
    let pager = Pager::new(
        format!("ProjectMergeRequests {}", project.full_path),
        project_merge_requests::CONNECTION_PATH,
        PAGE_SIZE,
    );
    let filter = &settings.merge_requests;
    let build = |first, after| {
        project_merge_requests::build(ProjectMergeRequestsVariables {
            full_path: cynic::Id::new(&project.full_path),
            first,
            after,
            state: filter.state.clone(),
            label_name: (!filter.labels.is_empty())
                .then(|| filter.labels.iter().cloned().map(Some).collect()),
            updated_after: settings.updated_after.clone().map(Time),
        })
    };
    let failed = each_item(
        client,
        out,
        pager,
        build,
        ("merge request", &scope),
        |mut mr: MergeRequest| async move {
            let mut problems = Problems::default();
            complete(client, &project.full_path, &mut mr, &mut problems).await;
            (Some(document(mr, project)), problems)
        },
    )
    .await?;
    match failed {
        Some(error) => out.incomplete(scope, error.to_string()).await,
        None => Ok(()),
    }
}

/// Fetches the rest of every nested list of `mr` that overflowed its first page. Few merge
/// requests overflow; the follow-ups' future is large, so it is built (boxed) only for those.
async fn complete(
    client: &GitlabClient,
    what: &str,
    mr: &mut MergeRequest,
    problems: &mut Problems,
) {
    if overflows(mr) {
        Box::pin(complete_lists(client, what, mr, problems)).await;
    }
}

/// Whether any nested list of `mr` (or any discussion's notes) has a next page.
fn overflows(mr: &MergeRequest) -> bool {
    let next = |page_info: &PageInfo| page_info.next_cursor().is_some();
    mr.assignees.as_ref().is_some_and(|c| next(&c.page_info))
        || mr.reviewers.as_ref().is_some_and(|c| next(&c.page_info))
        || mr.approved_by.as_ref().is_some_and(|c| next(&c.page_info))
        || mr.labels.as_ref().is_some_and(|c| next(&c.page_info))
        || next(&mr.discussions.page_info)
        || mr
            .discussions
            .nodes
            .iter()
            .flatten()
            .flatten()
            .any(|d| next(&d.notes.page_info))
}

async fn complete_lists(
    client: &GitlabClient,
    what: &str,
    mr: &mut MergeRequest,
    problems: &mut Problems,
) {
    let id = mr.id.inner().to_owned();
    let MergeRequest {
        assignees,
        reviewers,
        approved_by,
        labels,
        discussions,
        ..
    } = mr;
    // Each overflowing list: fetch the remaining pages from its cursor, then append the
    // entries not already present (keyed by username or label title). The lists are
    // independent, so their follow-ups run concurrently.
    macro_rules! complete_list {
        ($conn:ident, $followup:ident, $key:expr) => {
            async {
                let mut problems = Problems::default();
                if let Some(conn) = $conn {
                    let cursor = conn.page_info.next_cursor().map(str::to_owned);
                    let fetched = rest(
                        client,
                        what,
                        &id,
                        cursor,
                        fu::$followup::FIELD,
                        &mut problems,
                        fu::$followup::build,
                    )
                    .await;
                    if let Some(more) = fetched {
                        extend_unique(
                            conn.nodes.get_or_insert_with(Vec::new),
                            more.into_iter().map(Some).collect(),
                            $key,
                        );
                    }
                }
                problems
            }
        };
    }
    let discussions = async {
        let mut problems = Problems::default();
        let cursor = discussions.page_info.next_cursor().map(str::to_owned);
        let list = discussions.nodes.get_or_insert_with(Vec::new);
        if let Some(more) = rest::<Discussion, _>(
            client,
            what,
            &id,
            cursor,
            fu::discussions::FIELD,
            &mut problems,
            fu::discussions::build,
        )
        .await
        {
            extend_unique(list, more.into_iter().map(Some).collect(), |d| {
                d.as_ref()
                    .and_then(|d| d.first_note_id().map(Cow::into_owned))
            });
        }
        let mut complete: Vec<Discussion> = list.drain(..).flatten().collect();
        notes::complete_notes(client, what, &mut complete, &mut problems).await;
        *list = complete.into_iter().map(Some).collect();
        problems
    };
    let found = futures::join!(
        complete_list!(assignees, assignees, |u| u
            .as_ref()
            .map(|u| u.username.clone())),
        complete_list!(reviewers, reviewers, |u| u
            .as_ref()
            .map(|u| u.username.clone())),
        complete_list!(approved_by, approved_by, |u| u
            .as_ref()
            .map(|u| u.username.clone())),
        complete_list!(labels, labels, |l| l.as_ref().map(|l| l.title.clone())),
        discussions,
    );
    for more in <[Problems; 5]>::from(found) {
        problems.absorb(more);
    }
}

/// The remaining pages of one list, decoded leniently; `None` when nothing overflowed or the
/// follow-up failed (recorded in `problems`).
async fn rest<T: DeserializeOwned, Q>(
    client: &GitlabClient,
    what: &str,
    id: &str,
    cursor: Option<String>,
    field: &'static str,
    problems: &mut Problems,
    build: fn(&str, Option<String>) -> cynic::Operation<Q, fu::MergeRequestFollowUpVariables>,
) -> Option<Vec<T>> {
    let cursor = cursor?;
    let label = format!("MergeRequestFollowUp {field} {what}");
    let result = follow_up(
        client,
        &label,
        &cursor,
        |after| build(id, after),
        |data| walk(data, &["mergeRequest", field]).cloned(),
    )
    .await;
    problems.settle(&label, field, result)
}

/// The merge request's document, its fields serialized straight from the decoded merge
/// request; `merged_by` comes from `mergeUser` (§10.6).
pub(crate) fn document(mr: MergeRequest, project: &ProjectInfo) -> Document {
    let discussions: Vec<Discussion> = mr
        .discussions
        .nodes
        .into_iter()
        .flatten()
        .flatten()
        .collect();
    let body = join_body(
        [
            Some((&mr.title).into()),
            mr.description.as_ref().map(Into::into),
        ]
        .into_iter()
        .chain(notes::searchable_bodies(&discussions)),
    );
    let author = mr.author.as_ref();
    macro_rules! names {
        ($connection:expr, $name:ident) => {
            names(
                $connection
                    .iter()
                    .flat_map(|c| c.nodes.iter().flatten().flatten()),
                |node| node.$name.as_str(),
            )
        };
    }
    let mut doc = Document::with_capacity(
        merge_request_id(&project.id, &mr.iid),
        DocType::MERGE_REQUEST,
        notes::field_bytes(&body, &discussions),
    )
    .with_json("project_id", project.id.as_str())
    .with_json("project_path", project.full_path.as_str())
    .with_json("iid", NumberOrText(&mr.iid))
    .with_json("title", &mr.title)
    .with_json("description", mr.description.as_ref())
    .with_json("state", mr.state.as_str())
    .with_json("created_at", &mr.created_at)
    .with_json("updated_at", &mr.updated_at)
    .with_json("merged_at", &mr.merged_at)
    .with_json("closed_at", &mr.closed_at)
    .with_json("web_url", &mr.web_url)
    .with_json("source_branch", &mr.source_branch)
    .with_json("target_branch", &mr.target_branch)
    .with_json("author", author.map(|user| &user.username))
    .with_json("author_name", author.map(|user| &user.name))
    .with_json("assignees", names!(mr.assignees, username))
    .with_json("reviewers", names!(mr.reviewers, username))
    .with_json("approved_by", names!(mr.approved_by, username))
    .with_json("merged_by", mr.merge_user.as_ref().map(|u| &u.username))
    .with_json("labels", names!(mr.labels, title))
    .with_json("notes", notes::NoteObjects(&discussions));
    doc.fields.shrink_to_fit();
    doc.timestamp = Some(mr.updated_at.into());
    doc.body = body;
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn project() -> ProjectInfo {
        ProjectInfo {
            id: "123".into(),
            full_path: "acme/app".into(),
            web_url: "https://gitlab.example/acme/app".into(),
            default_branch: Some("main".into()),
            timestamp: None,
            group: None,
        }
    }

    #[test]
    fn merge_request_document_takes_merged_by_from_merge_user() {
        let mr: MergeRequest =
            serde_json::from_str(include_str!("../tests/data/merge_request.json"))
                .expect("sample decodes");
        let doc = document(mr, &project());
        assert_eq!(doc.id, "mr_123_1");
        assert_eq!(doc.doc_type, "Merge Request");
        assert_eq!(doc.timestamp.as_deref(), Some("2024-01-04T00:00:00Z"));
        assert_eq!(doc.fields.value("merged_by"), "carol");
        assert_eq!(doc.fields.value("state"), "merged");
        assert_eq!(doc.fields.value("iid"), 1);
        assert_eq!(doc.fields.value("reviewers"), json!(["alice"]));
        assert_eq!(doc.fields.value("approved_by"), json!(["alice"]));
        assert_eq!(doc.fields.value("labels"), json!(["bug"]));
        assert_eq!(
            doc.fields.value("notes")[0]["position"]["new_path"],
            "src/main.rs"
        );
        assert_eq!(doc.body, "Fix crash\n\nFixes #7\n\nLooks good");
        assert_eq!(
            doc.scope(),
            Some(ScopeKey::Project {
                project_id: "123".into(),
                kind: ObjectKind::MergeRequests
            })
        );
    }
}
