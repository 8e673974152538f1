//! The project context shared by every listing of one project, and the Project document (§4.2).

use connector_core::{DocType, Document};
use gitlab_client::graphql::project::Project;
use serde_json::json;

use crate::body::join_body;
use crate::ids::{numeric_id, project_id};

/// What the per-project listings need to know about their project.
#[derive(Debug, Clone)]
pub(crate) struct ProjectInfo {
    /// Numeric id, as a string (`123`).
    pub id: String,
    /// `group/project`.
    pub full_path: String,
    /// Web URL.
    pub web_url: String,
    /// Default branch.
    pub default_branch: Option<String>,
    /// `lastActivityAt`, else `createdAt`.
    pub timestamp: Option<String>,
    /// Immediate parent group: `(full path, numeric id)`.
    pub group: Option<(String, Option<String>)>,
}

impl ProjectInfo {
    /// The context of `project`; `None` when its id has no numeric part.
    pub(crate) fn of(project: &Project) -> Option<ProjectInfo> {
        let id = numeric_id(project.id.inner());
        if id.is_empty() {
            return None;
        }
        Some(ProjectInfo {
            id: id.to_owned(),
            full_path: project.full_path.inner().to_owned(),
            web_url: project.web_url.clone().unwrap_or_default(),
            default_branch: project.repository.as_ref().and_then(|r| r.root_ref.clone()),
            timestamp: project
                .last_activity_at
                .clone()
                .or_else(|| project.created_at.clone()),
            group: project.group.as_ref().map(|g| {
                (
                    g.full_path.inner().to_owned(),
                    g.id.as_ref().map(|id| numeric_id(id.inner()).to_owned()),
                )
            }),
        })
    }
}

/// The Project document: the reference fields plus `project_id` (§10.12).
pub(crate) fn project_document(project: &Project, info: &ProjectInfo) -> Document {
    let mut doc = Document::new(project_id(&info.id), DocType::PROJECT)
        .with("project_id", info.id.as_str())
        .with("name", project.name.as_str())
        .with("path", project.path.as_str())
        .with("full_path", info.full_path.as_str())
        .with("description", json!(project.description))
        .with("visibility", json!(project.visibility))
        .with("star_count", project.star_count)
        .with("forks_count", project.forks_count)
        .with("created_at", json!(project.created_at))
        .with("last_activity_at", json!(project.last_activity_at))
        .with("archived", json!(project.archived))
        .with("default_branch", json!(info.default_branch))
        .with("web_url", json!(project.web_url));
    doc.timestamp = info.timestamp.as_deref().map(Into::into);
    doc.body = join_body([
        Some(project.name.as_str().into()),
        project.description.as_deref().map(Into::into),
    ]);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_document_carries_the_reference_fields_and_project_id() {
        let project: Project = serde_json::from_str(include_str!("../tests/data/project.json"))
            .expect("sample decodes");
        let info = ProjectInfo::of(&project).expect("numeric id");
        let doc = project_document(&project, &info);
        assert_eq!(doc.id, "project_123");
        assert_eq!(doc.doc_type, "Project");
        assert_eq!(doc.timestamp.as_deref(), Some("2024-03-01T10:00:00Z"));
        assert_eq!(doc.fields.value("project_id"), "123");
        assert_eq!(doc.fields.value("full_path"), "acme/app");
        assert_eq!(doc.fields.value("default_branch"), "main");
        assert_eq!(doc.fields.value("star_count"), 5);
        assert_eq!(doc.body, "App\n\nThe app.");
        assert_eq!(info.group, Some(("acme".to_owned(), Some("9".to_owned()))));
    }
}
