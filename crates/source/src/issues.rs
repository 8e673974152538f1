//! The issues of one project (`ProjectIssues`).

use connector_core::{ObjectKind, ScopeKey};
use gitlab_client::GitlabClient;
use gitlab_client::graphql::project_issues::{self, ProjectIssuesVariables};
use gitlab_client::graphql::work_item::WorkItem;
use gitlab_client::graphql::{Time, WORK_ITEMS_PAGE_SIZE};

use crate::emit::{Closed, Emitter, Problems};
use crate::listing::{Pager, ahead, decode_nodes};
use crate::project::ProjectInfo;
use crate::settings::SourceSettings;
use crate::work_items::{Owner, WorkItemData};

/// Lists, completes and emits every issue of `project`.
pub(crate) async fn sync(
    client: &GitlabClient,
    settings: &SourceSettings,
    project: &ProjectInfo,
    out: &Emitter,
) -> Result<(), Closed> {
    let scope = ScopeKey::Project {
        project_id: project.id.clone(),
        kind: ObjectKind::Issues,
    };
    let pager = Pager::new(
        format!("ProjectIssues {}", project.full_path),
        project_issues::CONNECTION_PATH,
        WORK_ITEMS_PAGE_SIZE,
    );
    let filter = &settings.issues;
    let build = |first, after| {
        project_issues::build(ProjectIssuesVariables {
            full_path: cynic::Id::new(&project.full_path),
            first,
            after,
            state: filter.state,
            label_name: (!filter.labels.is_empty()).then(|| filter.labels.clone()),
            updated_after: settings.updated_after.clone().map(Time),
        })
    };
    let owner = Owner::Project {
        id: &project.id,
        path: &project.full_path,
    };
    let label = pager.label().to_owned();
    let (mut pages, fetching) = ahead(client, out, pager, build);
    let handle = async move {
        while let Some((page, _room)) = pages.recv().await {
            let page = match page {
                Ok(page) => page,
                Err(error) => return out.incomplete(scope, error.to_string()).await,
            };
            let mut problems = Problems::default();
            problems.partial(&label, &page.errors);
            let (items, bad) = decode_nodes::<WorkItem>("issue", page.nodes);
            problems.skip(bad);
            problems.emit(out, &scope).await?;
            for item in items {
                let mut problems = Problems::default();
                let mut data = WorkItemData::from_issue(item);
                data.complete(client, &project.full_path, &mut problems)
                    .await;
                if let Some(doc) = data.document(&owner) {
                    out.document(doc).await?;
                }
                problems.emit(out, &scope).await?;
            }
        }
        Ok(())
    };
    let (result, ()) = futures::join!(handle, fetching);
    result
}
