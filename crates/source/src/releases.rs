//! The releases of one project (`ProjectReleases`, §4.6).

use connector_core::{DocType, Document, ObjectKind, ScopeKey};
use gitlab_client::GitlabClient;
use gitlab_client::graphql::PAGE_SIZE;
use gitlab_client::graphql::project_releases::{self, Release};
use serde_json::{Value, json};

use crate::body::join_body;
use crate::emit::{Closed, Emitter, Problems};
use crate::ids::release_id;
use crate::listing::Pager;
use crate::project::ProjectInfo;

/// Lists and emits every release of `project`.
pub(crate) async fn sync(
    client: &GitlabClient,
    project: &ProjectInfo,
    out: &Emitter,
) -> Result<(), Closed> {
    let scope = ScopeKey::Project {
        project_id: project.id.clone(),
        kind: ObjectKind::Releases,
    };
    let mut pager = Pager::new(
        format!("ProjectReleases {}", project.full_path),
        project_releases::CONNECTION_PATH,
        PAGE_SIZE,
    );
    while let Some(page) = pager
        .next::<Release, _, _, _>(client, |first, after| {
            project_releases::build(&project.full_path, first, after)
        })
        .await
    {
        let page = match page {
            Ok(page) => page,
            Err(error) => return out.incomplete(scope, error.to_string()).await,
        };
        let mut problems = Problems::default();
        problems.partial(pager.label(), &page.errors);
        problems.malformed("release", page.bad);
        for release in page.nodes {
            match document(&release, project) {
                Some(doc) => out.document(doc).await?,
                None => problems.skip(vec![(
                    format!("release of {}", project.full_path),
                    "release without a tag name".into(),
                )]),
            }
            if release
                .milestones
                .as_ref()
                .is_some_and(|c| c.page_info.has_next_page)
                || release
                    .assets
                    .as_ref()
                    .and_then(|a| a.links.as_ref())
                    .is_some_and(|c| c.page_info.has_next_page)
            {
                tracing::warn!(project = %project.full_path, tag = release.tag_name.as_deref().unwrap_or_default(), "release has over 100 milestones or asset links; only the first 100 are kept");
            }
        }
        problems.emit(out, &scope).await?;
    }
    Ok(())
}

/// The release's document; `None` without a tag name (it is part of the `_id`).
pub(crate) fn document(release: &Release, project: &ProjectInfo) -> Option<Document> {
    let tag = release.tag_name.as_deref()?;
    let milestones: Vec<&str> = release
        .milestones
        .iter()
        .flat_map(|c| c.nodes.iter().flatten().flatten())
        .map(|m| m.title.as_str())
        .collect();
    let links: Vec<Value> = release
        .assets
        .iter()
        .flat_map(|a| a.links.iter())
        .flat_map(|c| c.nodes.iter().flatten().flatten())
        .map(|l| json!({"name": l.name, "url": l.url, "type": l.link_type.as_ref().map(|t| t.as_str())}))
        .collect();
    let mut doc = Document::new(release_id(&project.id, tag), DocType::RELEASE)
        .with("project_id", project.id.as_str())
        .with("project_path", project.full_path.as_str())
        .with("tag_name", tag)
        .with("name", json!(release.name))
        .with("description", json!(release.description))
        .with("created_at", json!(release.created_at))
        .with("released_at", json!(release.released_at))
        .with(
            "author",
            json!(release.author.as_ref().map(|a| &a.username)),
        )
        .with(
            "author_name",
            json!(release.author.as_ref().map(|a| &a.name)),
        )
        .with("milestones", json!(milestones))
        .with(
            "asset_count",
            json!(release.assets.as_ref().and_then(|a| a.count)),
        );
    if let Some(commit) = &release.commit {
        doc = doc
            .with("commit_sha", commit.sha.as_str())
            .with("commit_title", json!(commit.title));
    }
    if !links.is_empty() {
        doc = doc.with("asset_links", links);
    }
    doc.timestamp = release
        .released_at
        .as_deref()
        .or(release.created_at.as_deref())
        .map(Into::into);
    doc.body = join_body([
        release.name.as_deref().or(Some(tag)).map(Into::into),
        release.description.as_deref().map(Into::into),
    ]);
    Some(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_document_has_reference_fields() {
        let release: Release = serde_json::from_str(include_str!("../tests/data/release.json"))
            .expect("sample decodes");
        let project = ProjectInfo {
            id: "123".into(),
            full_path: "acme/app".into(),
            web_url: String::new(),
            default_branch: None,
            timestamp: None,
            group: None,
        };
        let doc = document(&release, &project).expect("tagged release");
        assert_eq!(doc.id, "release_123_v1.0.0");
        assert_eq!(doc.timestamp.as_deref(), Some("2024-01-11T00:00:00Z"));
        assert_eq!(doc.fields.value("milestones"), json!(["1.0"]));
        assert_eq!(doc.fields.value("asset_count"), 3);
        assert_eq!(doc.fields.value("commit_sha"), "abc123");
        assert_eq!(
            doc.fields.value("asset_links"),
            json!([{"name": "bin", "url": "https://x/bin", "type": "PACKAGE"}])
        );
        assert_eq!(doc.body, "First\n\nInitial release");
    }
}
