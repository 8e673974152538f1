//! Project selection: every membership project (paged), or exactly the configured paths
//! (fetched with `projects(fullPaths:)` in batches of 50, matched case-insensitively).

use connector_core::{ObjectKind, ScopeKey};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use gitlab_client::graphql::project::Project;
use gitlab_client::graphql::{FULL_PATHS_BATCH, PAGE_SIZE, member_projects, projects_by_path};
use gitlab_client::{BadNode, GitlabClient};
use serde_json::value::RawValue;

use crate::Error;
use crate::emit::{Emitter, Problems};
use crate::ids::numeric_id;
use crate::listing::Pager;

/// Page size of `projects(fullPaths:)`: a batch holds at most 50 paths.
const BY_PATH_PAGE_SIZE: i32 = 50;

/// Every project the token's user is a member of, page by page. A failed page ends the stream
/// with `Err` (the project list is the one scope whose failure is fatal); malformed nodes and
/// partial data are reported through `out`.
pub(crate) fn member_projects(
    client: GitlabClient,
    out: Emitter,
) -> BoxStream<'static, Result<Project, Error>> {
    let pager = Pager::new(
        "MemberProjects".to_owned(),
        member_projects::CONNECTION_PATH,
        PAGE_SIZE,
    );
    stream::unfold(
        (client, out, pager),
        |(client, out, mut pager)| async move {
            let page = pager
                .next::<Project, _, _, _>(&client, member_projects::build)
                .await?;
            let result = match page {
                Ok(page) => {
                    report_problems(&out, pager.label(), &page.errors, page.bad).await;
                    Ok(page.nodes)
                }
                Err(error) => Err(error),
            };
            Some((result, (client, out, pager)))
        },
    )
    .map_ok(|projects| stream::iter(projects.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

/// Exactly the configured projects, in configuration order. Any path that does not exist or
/// is not visible makes the whole call fail with one [`Error::ProjectsNotFound`] naming all.
pub(crate) async fn explicit_projects(
    client: &GitlabClient,
    paths: &[String],
    origin: &str,
    out: &Emitter,
) -> Result<Vec<Project>, Error> {
    let mut found: Vec<Project> = Vec::new();
    for batch in paths.chunks(FULL_PATHS_BATCH) {
        let mut pager = Pager::new(
            "ProjectsByPath".to_owned(),
            projects_by_path::CONNECTION_PATH,
            BY_PATH_PAGE_SIZE,
        );
        while let Some(page) = pager
            .next::<Project, _, _, _>(client, |first, after| {
                projects_by_path::build(batch.to_vec(), first, after)
            })
            .await
        {
            let page = page?;
            report_problems(out, pager.label(), &page.errors, page.bad).await;
            found.extend(page.nodes);
        }
    }
    order_and_check(paths, origin, found)
}

/// Reports a project-list page's GraphQL errors and the projects that did not decode. A
/// project that did not decode is skipped, and every scope that holds its documents is
/// reported incomplete, so none of them is deleted as stale: the project list, and each
/// object kind of the project when its id can be read from the node. (A project whose id
/// cannot be read leaves its issues, merge requests, releases and files to the stale check.)
async fn report_problems(out: &Emitter, label: &str, errors: &[String], bad: Vec<BadNode>) {
    let project_scopes: Vec<ScopeKey> = bad
        .iter()
        .filter_map(|bad| node_project_id(&bad.node))
        .flat_map(|project_id| {
            ObjectKind::ALL
                .into_iter()
                .filter(|kind| *kind != ObjectKind::Epics)
                .map(move |kind| ScopeKey::Project {
                    project_id: project_id.clone(),
                    kind,
                })
        })
        .collect();
    let mut problems = Problems::default();
    problems.partial(label, errors);
    problems.malformed("project", bad);
    // A closed stream stops the producers later on; nothing to do here.
    let _ = problems.emit(out, &ScopeKey::Projects).await;
    for scope in project_scopes {
        let _ = out
            .incomplete(
                scope,
                "the project did not decode; its stored documents are kept",
            )
            .await;
    }
}

/// The numeric id of a project node (`"id": "gid://gitlab/Project/12"`), when it has one.
fn node_project_id(node: &RawValue) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        id: String,
    }
    let IdOnly { id } = serde_json::from_str(node.get()).ok()?;
    Some(numeric_id(&id).to_owned()).filter(|id| !id.is_empty())
}

/// Keeps one project per configured path (case-insensitive), in configuration order, or
/// names every path that matched nothing, and `origin`, where the list was written.
pub(crate) fn order_and_check(
    paths: &[String],
    origin: &str,
    found: Vec<Project>,
) -> Result<Vec<Project>, Error> {
    let mut missing = Vec::new();
    let mut selected: Vec<Project> = Vec::new();
    for path in paths {
        let wanted = path.to_lowercase();
        match found
            .iter()
            .find(|p| p.full_path.inner().to_lowercase() == wanted)
        {
            Some(project) if !selected.iter().any(|s| s.id == project.id) => {
                selected.push(project.clone())
            }
            Some(_) => {}
            None => missing.push(path.clone()),
        }
    }
    if missing.is_empty() {
        Ok(selected)
    } else {
        Err(Error::ProjectsNotFound {
            paths: missing,
            origin: origin.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(path: &str, id: u32) -> Project {
        let mut project: Project = serde_json::from_str(include_str!("../tests/data/project.json"))
            .expect("sample decodes");
        project.full_path = cynic::Id::new(path);
        project.id = cynic::Id::new(format!("gid://gitlab/Project/{id}"));
        project
    }

    #[test]
    fn configured_paths_match_case_insensitively_and_missing_ones_are_all_named() {
        let found = vec![project("Acme/App", 1), project("acme/lib", 2)];
        let paths = vec!["acme/app".to_owned(), "ACME/LIB".to_owned()];
        let selected = order_and_check(&paths, "`--projects`", found.clone()).expect("both found");
        assert_eq!(selected.len(), 2);
        let paths = vec!["acme/app".to_owned(), "x/y".to_owned(), "z/w".to_owned()];
        match order_and_check(&paths, "`--projects`", found) {
            Err(error @ Error::ProjectsNotFound { .. }) => assert_eq!(
                error.to_string(),
                "project(s) not found or not visible to this token: x/y, z/w; check the paths in \
                 `--projects` and the token's access"
            ),
            other => panic!("expected ProjectsNotFound, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_project_that_does_not_decode_keeps_every_scope_of_its_documents() {
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        let node = RawValue::from_string(
            r#"{"id": "gid://gitlab/Project/12", "fullPath": null}"#.to_owned(),
        )
        .expect("raw node");
        let error = serde_json::from_str::<u8>("null").expect_err("not a number");
        report_problems(
            &Emitter::new(tx),
            "MemberProjects",
            &[],
            vec![BadNode { node, error }],
        )
        .await;
        let mut incomplete = Vec::new();
        let mut skipped = 0;
        while let Ok(event) = rx.try_recv() {
            match event.expect("no fatal error") {
                connector_core::SourceEvent::Incomplete { scope, .. } => {
                    incomplete.push(scope.to_string())
                }
                connector_core::SourceEvent::Skipped { .. } => skipped += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(skipped, 1);
        incomplete.sort();
        assert_eq!(
            incomplete,
            [
                "project 12 files",
                "project 12 issues",
                "project 12 merge_requests",
                "project 12 releases",
                "projects",
            ]
        );
    }
}
