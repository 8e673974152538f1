//! README files at the root of the default branch (§4.7, §5.6), or the ones a
//! [`ReadmeSelection`] picks anywhere in the tree: tree pages followed to the end, then one raw
//! download per file, refused unread when GitLab announces more than the size cap and cut off
//! when it sends more (one request per README, as the reference; no `HEAD` first).

use connector_core::json_text::JsonText;
use connector_core::{DocType, Document, ObjectKind, ScopeKey};
use futures::StreamExt;
use gitlab_client::{GitlabClient, TreeEntry};
use serde_json::json;

use crate::emit::{Closed, Emitter};
use crate::ids::file_id;
use crate::project::ProjectInfo;
use crate::settings::ReadmeSelection;

/// Extensions whose README content is indexed; `None` stands for a name without a dot.
const README_EXTENSIONS: [&str; 3] = [".md", ".rst", ".txt"];

/// The lower-cased extension from the last `.` (`""` without a dot), as the reference stores it.
pub(crate) fn extension(name: &str) -> String {
    let lower = name.to_lowercase();
    lower
        .rfind('.')
        .map(|i| lower[i..].to_owned())
        .unwrap_or_default()
}

/// Whether a tree entry is a README candidate: a blob whose name starts with `readme` (any
/// case) with extension `.md`, `.rst`, `.txt` or none.
pub(crate) fn is_readme(entry: &TreeEntry) -> bool {
    if entry.kind != "blob" || !entry.name.to_lowercase().starts_with("readme") {
        return false;
    }
    let ext = extension(&entry.name);
    ext.is_empty() || README_EXTENSIONS.contains(&ext.as_str())
}

/// The File document's metadata, without content.
pub(crate) fn metadata(entry: &TreeEntry, project: &ProjectInfo, branch: &str) -> Document {
    let mut doc = Document::new(file_id(&project.id, &entry.path), DocType::FILE)
        .with("project_id", project.id.as_str())
        .with("project_path", project.full_path.as_str())
        .with("file_path", entry.path.as_str())
        .with("file_name", entry.name.as_str())
        .with("extension", extension(&entry.name))
        .with(
            "web_url",
            json!(format!(
                "{}/-/blob/{branch}/{}",
                project.web_url, entry.path
            )),
        );
    doc.timestamp = project.timestamp.as_deref().map(Into::into);
    doc
}

/// Text content of a README, or why it has none.
pub(crate) fn text_content(bytes: &[u8]) -> Result<&str, &'static str> {
    if bytes.contains(&0) {
        return Err("binary content (NUL bytes)");
    }
    std::str::from_utf8(bytes).map_err(|_| "content is not valid UTF-8")
}

/// Lists the root of the default branch (or, with a `selection`, the tree it needs) and emits
/// one document per README.
pub(crate) async fn sync(
    client: &GitlabClient,
    max_bytes: u64,
    selection: Option<&ReadmeSelection>,
    project: &ProjectInfo,
    out: &Emitter,
) -> Result<(), Closed> {
    let Some(branch) = project.default_branch.as_deref() else {
        return Ok(());
    };
    let scope = ScopeKey::Project {
        project_id: project.id.clone(),
        kind: ObjectKind::Files,
    };
    let Ok(numeric) = project.id.parse::<u64>() else {
        return out
            .incomplete(scope, format!("project id `{}` is not numeric", project.id))
            .await;
    };
    let recursive = selection.is_some_and(|selection| selection.recursive);
    let mut entries = std::pin::pin!(client.tree_entries(numeric, branch, None, recursive));
    while let Some(entry) = entries.next().await {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                return out
                    .incomplete(
                        scope,
                        format!("repository tree of {}: {error}", project.full_path),
                    )
                    .await;
            }
        };
        let wanted = match selection {
            Some(selection) => entry.kind == "blob" && (selection.matches)(&entry.path),
            None => is_readme(&entry),
        };
        if !wanted {
            continue;
        }
        let mut doc = metadata(&entry, project, branch);
        match content(client, numeric, &entry.path, branch, max_bytes).await {
            Ok(text) => doc.body = JsonText::from_text(&text),
            Err(Problem::Skip(reason)) => out.skipped(doc.id.clone(), reason).await?,
            Err(Problem::Failed(reason)) => out.incomplete(scope.clone(), reason).await?,
        }
        out.document(doc).await?;
    }
    Ok(())
}

enum Problem {
    /// Content deliberately left out (too large, binary, not UTF-8).
    Skip(String),
    /// Download failed after retries.
    Failed(String),
}

async fn content(
    client: &GitlabClient,
    project: u64,
    path: &str,
    branch: &str,
    max_bytes: u64,
) -> Result<String, Problem> {
    let bytes = client
        .file_raw(project, path, branch, max_bytes)
        .await
        .map_err(|e| match e {
            gitlab_client::ClientError::TooLarge { size, .. } => Problem::Skip(format!(
                "README of {} exceeds the {max_bytes}-byte limit; indexed without content",
                size.map_or_else(|| "unknown size".to_owned(), |size| format!("{size} bytes"))
            )),
            e => Problem::Failed(format!("content of {path}: {e}")),
        })?;
    text_content(&bytes)
        .map(str::to_owned)
        .map_err(|reason| Problem::Skip(format!("{reason}; indexed without content")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, kind: &str) -> TreeEntry {
        TreeEntry {
            id: "0".into(),
            name: name.into(),
            path: name.into(),
            kind: kind.into(),
            mode: "100644".into(),
        }
    }

    #[test]
    fn readme_candidates_follow_the_reference_filter() {
        let names = [
            "README.md",
            "README.rst",
            "other.py",
            "readme-dev.txt",
            "README",
            "README.pdf",
            "README.markdown",
            "Readme_zh.MD",
        ];
        let picked: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| is_readme(&entry(n, "blob")))
            .collect();
        assert_eq!(
            picked,
            [
                "README.md",
                "README.rst",
                "readme-dev.txt",
                "README",
                "Readme_zh.MD"
            ]
        );
        assert!(!is_readme(&entry("README.md", "tree")));
    }

    #[test]
    fn file_metadata_has_the_reference_fields() {
        let project = ProjectInfo {
            id: "123".into(),
            full_path: "acme/app".into(),
            web_url: "https://gitlab.example/acme/app".into(),
            default_branch: Some("main".into()),
            timestamp: Some("2024-03-01T10:00:00Z".into()),
            group: None,
        };
        let doc = metadata(&entry("README.md", "blob"), &project, "main");
        assert_eq!(doc.id, "file_123_README.md");
        assert_eq!(doc.doc_type, "File");
        assert_eq!(doc.fields.value("extension"), ".md");
        assert_eq!(
            doc.fields.value("web_url"),
            "https://gitlab.example/acme/app/-/blob/main/README.md"
        );
        assert_eq!(doc.timestamp.as_deref(), Some("2024-03-01T10:00:00Z"));
        assert_eq!(extension("README"), "");
    }

    #[test]
    fn binary_and_invalid_utf8_content_is_refused() {
        assert_eq!(text_content(b"# Hello"), Ok("# Hello"));
        assert!(text_content(b"PNG\0\x01").is_err());
        assert!(text_content(&[0xff, 0xfe, 0x41]).is_err());
    }
}
