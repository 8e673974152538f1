//! REST endpoints under `/api/v4` (see `crates/gitlab/ENDPOINTS.md`).

use std::collections::HashMap;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;

use crate::data::repo;
use crate::data::world::{CURRENT_USERNAME, DEFAULT_BRANCH, ProjectMeta, WEB_BASE};
use crate::state::FailKind;

use super::App;
use super::gate::message;

/// GitLab's maximum `per_page`.
const MAX_PER_PAGE: usize = 100;
/// GitLab's default `per_page`.
const DEFAULT_PER_PAGE: usize = 20;

/// `GET /user`.
pub async fn user() -> Response {
    Json(serde_json::json!({
        "id": 1,
        "username": CURRENT_USERNAME,
        "name": "Simulator Admin",
        "state": "active",
        "locked": false,
        "avatar_url": null,
        "web_url": format!("{WEB_BASE}/{CURRENT_USERNAME}"),
        "created_at": "2022-01-01T00:00:00.000Z",
        "is_admin": false,
        "bot": false,
    }))
    .into_response()
}

/// `GET /personal_access_tokens/self`.
pub async fn token_self(State(app): State<App>) -> Response {
    Json(serde_json::json!({
        "id": 42,
        "name": "gitlab-connector",
        "revoked": false,
        "created_at": "2025-01-01T00:00:00.000Z",
        "description": "simulated token",
        "scopes": app.sim.scopes(),
        "user_id": 1,
        "last_used_at": null,
        "active": true,
        "expires_at": "2030-01-01",
    }))
    .into_response()
}

/// Unknown route: GitLab's generic 404.
pub async fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "404 Not Found")
}

/// A REST error, answered the way GitLab does.
#[derive(Debug, thiserror::Error)]
pub enum RestError {
    /// `404 {"message":"404 <what> Not Found"}`.
    #[error("404 {0} Not Found")]
    NotFound(&'static str),
    /// `400 {"error":"…"}`.
    #[error("{0}")]
    BadRequest(String),
    /// A status forced by a fail-for-good rule.
    #[error("{0}")]
    Injected(StatusCode),
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        match self {
            RestError::NotFound(_) => message(StatusCode::NOT_FOUND, &self.to_string()),
            RestError::BadRequest(msg) => (
                StatusCode::BAD_REQUEST,
                Json(serde_json::json!({ "error": msg })),
            )
                .into_response(),
            RestError::Injected(status) => message(status, &status.to_string()),
        }
    }
}

fn project(app: &App, id: &str) -> Result<ProjectMeta, RestError> {
    app.sim
        .store()
        .project_by_ref(id)
        .ok_or(RestError::NotFound("Project"))
}

fn number(q: &HashMap<String, String>, key: &str, default: usize) -> Result<usize, RestError> {
    match q.get(key) {
        None => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| RestError::BadRequest(format!("{key} is invalid"))),
    }
}

/// Checks `ref` (when given) and that the repository has commits.
fn check_ref(p: &ProjectMeta, r: Option<&String>, what: &'static str) -> Result<(), RestError> {
    if !p.has_repo || r.is_some_and(|r| r != DEFAULT_BRANCH) {
        return Err(RestError::NotFound(what));
    }
    Ok(())
}

fn fail(app: &App, p: &ProjectMeta, kind: FailKind) -> Result<(), RestError> {
    match app.sim.failing_status(&p.full_path, kind) {
        Some(s) => Err(RestError::Injected(
            StatusCode::from_u16(s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        )),
        None => Ok(()),
    }
}

/// `GET /projects/:id/repository/tree` with offset pagination headers.
pub async fn tree(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, RestError> {
    let p = project(&app, &id)?;
    fail(&app, &p, FailKind::Tree)?;
    check_ref(&p, q.get("ref"), "Tree")?;
    let per_page = number(&q, "per_page", DEFAULT_PER_PAGE)?.clamp(1, MAX_PER_PAGE);
    let page = number(&q, "page", 1)?.max(1);
    let recursive = q.get("recursive").is_some_and(|v| v == "true");
    let dir = q.get("path").map_or("", String::as_str);
    let entries = repo::list(p.index, dir, recursive).ok_or(RestError::NotFound("Tree"))?;
    let total = entries.len();
    let pages = total.div_ceil(per_page).max(1);
    let body: Vec<serde_json::Value> = entries
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|e| {
            serde_json::json!({
                "id": e.sha(p.index), "name": e.name(), "type": e.kind.as_str(), "path": e.path, "mode": e.mode(),
            })
        })
        .collect();
    let mut resp = Json(body).into_response();
    let h = resp.headers_mut();
    let next = if page < pages {
        (page + 1).to_string()
    } else {
        String::new()
    };
    let prev = if page > 1 {
        (page - 1).to_string()
    } else {
        String::new()
    };
    for (k, v) in [
        ("x-page", page.to_string()),
        ("x-per-page", per_page.to_string()),
        ("x-total", total.to_string()),
        ("x-total-pages", pages.to_string()),
        ("x-next-page", next),
        ("x-prev-page", prev),
    ] {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    Ok(resp)
}

/// Looks up a blob for the files endpoints; `require_ref` as on GitLab's non-raw endpoint.
fn blob(
    app: &App,
    id: &str,
    path: &str,
    q: &HashMap<String, String>,
    require_ref: bool,
) -> Result<ProjectMeta, RestError> {
    let p = project(app, id)?;
    fail(app, &p, FailKind::Files)?;
    if require_ref && q.get("ref").is_none_or(|r| r.is_empty()) {
        return Err(RestError::BadRequest("ref is missing, ref is empty".into()));
    }
    check_ref(&p, q.get("ref"), "Commit")?;
    if !repo::is_blob(p.index, path) {
        return Err(RestError::NotFound("File"));
    }
    Ok(p)
}

fn file_headers(h: &mut HeaderMap, p: &ProjectMeta, path: &str) {
    let name = path.rsplit('/').next().unwrap_or(path);
    let entry_sha = repo::all_entries(p.index)
        .into_iter()
        .find(|e| e.path == path)
        .map(|e| e.sha(p.index))
        .unwrap_or_default();
    for (k, v) in [
        ("x-gitlab-size", repo::size(p.index, path).to_string()),
        ("x-gitlab-file-name", name.to_string()),
        ("x-gitlab-file-path", path.to_string()),
        ("x-gitlab-ref", DEFAULT_BRANCH.to_string()),
        ("x-gitlab-blob-id", entry_sha),
        ("x-gitlab-encoding", "base64".to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
}

/// `HEAD /projects/:id/repository/files/:path?ref=`: metadata headers only.
pub async fn file_head(
    State(app): State<App>,
    Path((id, path)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, RestError> {
    let p = blob(&app, &id, &path, &q, true)?;
    let mut resp = StatusCode::OK.into_response();
    file_headers(resp.headers_mut(), &p, &path);
    Ok(resp)
}

fn content(p: &ProjectMeta, path: &str) -> Body {
    if repo::is_huge(p.index, path) {
        let chunks = repo::HUGE_README_BYTES / repo::huge_chunk().len() as u64;
        let stream = futures::stream::iter(
            (0..chunks).map(|_| Ok::<_, std::convert::Infallible>(repo::huge_chunk())),
        );
        Body::from_stream(stream)
    } else {
        Body::from(repo::small_content(p.index, path))
    }
}

/// `GET /projects/:id/repository/files/:path/raw`: raw bytes.
pub async fn file_raw(
    State(app): State<App>,
    Path((id, path)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, RestError> {
    let p = blob(&app, &id, &path, &q, false)?;
    let mut resp = Response::new(content(&p, &path));
    let h = resp.headers_mut();
    file_headers(h, &p, &path);
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(repo::size(p.index, &path)),
    );
    Ok(resp)
}

/// `GET /projects/:id/repository/files/:path?ref=`: JSON with base64 content.
pub async fn file_json(
    State(app): State<App>,
    Path((id, path)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, RestError> {
    let p = blob(&app, &id, &path, &q, true)?;
    let bytes = if repo::is_huge(p.index, &path) {
        let chunk = repo::huge_chunk();
        let n = (repo::HUGE_README_BYTES / chunk.len() as u64) as usize;
        chunk.repeat(n)
    } else {
        repo::small_content(p.index, &path)
    };
    Ok(Json(serde_json::json!({
        "file_name": path.rsplit('/').next().unwrap_or(&path),
        "file_path": path,
        "size": bytes.len(),
        "encoding": "base64",
        "content": base64::engine::general_purpose::STANDARD.encode(&bytes),
        "ref": DEFAULT_BRANCH,
        "blob_id": repo::all_entries(p.index).into_iter().find(|e| e.path == path).map(|e| e.sha(p.index)),
    }))
    .into_response())
}
