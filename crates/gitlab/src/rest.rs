//! Typed REST calls (`/api/v4`). File paths are percent-encoded here, in
//! [`encode_path_segment`], and nowhere else.

use bytes::Bytes;
use futures::Stream;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use crate::paginate;
use crate::{ClientError, GitlabClient};

/// Entries per tree page: GitLab's maximum (its default of 20 made the reference miss READMEs).
pub const TREE_PAGE_SIZE: u32 = 100;

/// Everything but unreserved characters is encoded, `/` included (`docs%2FREADME.md`).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a repository file path (or any value) as one URL path segment.
pub fn encode_path_segment(value: &str) -> String {
    utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// The user that owns the token (`GET /user`), the part `check` and the ping read.
#[derive(Debug, Clone, Deserialize)]
pub struct CurrentUser {
    /// Username.
    pub username: String,
}

/// The token itself (`GET /personal_access_tokens/self`), the parts `check` reads.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenInfo {
    /// Granted scopes (`read_api`, `read_repository`, `api`, …).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Whether the token is active.
    #[serde(default)]
    pub active: Option<bool>,
}

/// One entry of a repository tree listing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TreeEntry {
    /// Object id (SHA).
    pub id: String,
    /// File or directory name.
    pub name: String,
    /// Path from the repository root.
    pub path: String,
    /// `blob`, `tree` or `commit` (submodule).
    #[serde(rename = "type")]
    pub kind: String,
    /// Git file mode.
    #[serde(default)]
    pub mode: String,
}

fn file_path(project_id: u64, path: &str) -> String {
    format!(
        "/projects/{project_id}/repository/files/{}",
        encode_path_segment(path)
    )
}

impl GitlabClient {
    /// `GET /user`: the token's user (ping and `check`).
    pub async fn current_user(&self) -> Result<CurrentUser, ClientError> {
        Ok(self.get_json("/user", &[]).await?.body)
    }

    /// `GET /personal_access_tokens/self`: the token's scopes and state. `None` when GitLab
    /// does not say (older GitLab answers 404; project/group or job tokens may get 403).
    pub async fn token_info(&self) -> Result<Option<TokenInfo>, ClientError> {
        match self.get_json("/personal_access_tokens/self", &[]).await {
            Ok(resp) => Ok(Some(resp.body)),
            Err(ClientError::NotFound { .. } | ClientError::Forbidden { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The entries of `path` (the root when `None`) at `git_ref`, page by page
    /// (`per_page=100`, following `X-Next-Page`). A failed page ends the stream with `Err`.
    pub fn tree_entries(
        &self,
        project_id: u64,
        git_ref: &str,
        path: Option<&str>,
        recursive: bool,
    ) -> impl Stream<Item = Result<TreeEntry, ClientError>> + Send + 'static {
        let client = self.clone();
        let api_path = format!("/projects/{project_id}/repository/tree");
        let mut base_query = vec![
            ("ref", git_ref.to_owned()),
            ("per_page", TREE_PAGE_SIZE.to_string()),
        ];
        if let Some(path) = path.filter(|p| !p.is_empty()) {
            base_query.push(("path", path.to_owned()));
        }
        if recursive {
            base_query.push(("recursive", "true".to_owned()));
        }
        paginate::items(None, move |page: Option<u32>| {
            let client = client.clone();
            let api_path = api_path.clone();
            let mut query = base_query.clone();
            query.push(("page", page.unwrap_or(1).to_string()));
            async move {
                let resp = client.get_json::<Vec<TreeEntry>>(&api_path, &query).await?;
                Ok((resp.body, resp.next_page))
            }
        })
    }

    /// The raw content of a repository file, refusing files over `max_bytes`: unread when
    /// GitLab announces a larger `Content-Length`, cut off once more arrives otherwise.
    pub async fn file_raw(
        &self,
        project_id: u64,
        path: &str,
        git_ref: &str,
        max_bytes: u64,
    ) -> Result<Bytes, ClientError> {
        let api_path = format!("{}/raw", file_path(project_id, path));
        self.get_bytes(&api_path, &[("ref", git_ref.to_owned())], max_bytes)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_paths_are_fully_encoded() {
        assert_eq!(encode_path_segment("docs/README.md"), "docs%2FREADME.md");
        assert_eq!(
            encode_path_segment("a b/ü+#?.md"),
            "a%20b%2F%C3%BC%2B%23%3F.md"
        );
        assert_eq!(
            file_path(7, "x/y.md"),
            "/projects/7/repository/files/x%2Fy.md"
        );
    }
}
