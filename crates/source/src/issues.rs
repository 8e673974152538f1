//! The issues of one project (`ProjectIssues`).

use connector_core::{ObjectKind, ScopeKey};
use gitlab_client::GitlabClient;
use gitlab_client::graphql::project_issues::{self, ProjectIssuesVariables};
use gitlab_client::graphql::work_item::WorkItem;
use gitlab_client::graphql::{Time, WORK_ITEMS_PAGE_SIZE};

use crate::emit::{Closed, Emitter, Problems};
use crate::listing::Pager;
use crate::project::ProjectInfo;
use crate::settings::SourceSettings;
use crate::walk::each_item;
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
    let owner = &Owner::Project {
        id: &project.id,
        path: &project.full_path,
    };
    let failed = each_item(
        client,
        out,
        pager,
        build,
        ("issue", &scope),
        |item: WorkItem| async move {
            let mut problems = Problems::default();
            let mut data = WorkItemData::from_issue(item);
            data.complete(client, &project.full_path, &mut problems)
                .await;
            (data.document(owner), problems)
        },
    )
    .await?;
    match failed {
        Some(error) => out.incomplete(scope, error.to_string()).await,
        None => Ok(()),
    }
}
