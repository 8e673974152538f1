//! Data mutations of the control plane (`POST /-/sim/mutations`, [`crate::SimState::mutate`]).

use serde::{Deserialize, Serialize};

use crate::data::Store;
use crate::data::items::{ItemKey, Kind};

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Create.
    Add,
    /// Change title (name) and/or description.
    Update,
    /// Remove.
    Delete,
}

/// What to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// An issue of `project` (`iid` for update/delete).
    Issue,
    /// A merge request of `project`.
    MergeRequest,
    /// An epic of `group`.
    Epic,
    /// A release of `project` (`tag`).
    Release,
    /// A project (`project` = full path for update/delete; `name` + optional `group` for add).
    Project,
}

/// One data change, e.g. `{"action":"update","kind":"issue","project":"acme/web-frontend","iid":3,"title":"New"}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutation {
    /// What to do.
    pub action: Option<Action>,
    /// What to change.
    pub kind: Option<Target>,
    /// Project full path or numeric id.
    #[serde(default)]
    pub project: Option<String>,
    /// Group full path (epics, new projects).
    #[serde(default)]
    pub group: Option<String>,
    /// Item iid.
    #[serde(default)]
    pub iid: Option<u32>,
    /// Release tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// New title / release or project name.
    #[serde(default)]
    pub title: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
}

/// What a mutation created or changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationOutcome {
    /// iid of the added / changed item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iid: Option<u32>,
    /// Full path of the added / changed project.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Tag of the added / changed release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// Why a mutation was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MutationError {
    /// A required field is missing.
    #[error("mutation needs `{0}`")]
    Missing(&'static str),
    /// The target does not exist (or already exists, for adds).
    #[error("{0} not found (or already exists)")]
    NotFound(String),
}

fn need<T: Clone>(v: &Option<T>, name: &'static str) -> Result<T, MutationError> {
    v.clone().ok_or(MutationError::Missing(name))
}

/// Applies a mutation to the store.
pub fn apply(store: &Store, m: &Mutation) -> Result<MutationOutcome, MutationError> {
    let action = need(&m.action, "action")?;
    let kind = need(&m.kind, "kind")?;
    let project = || {
        let r = need(&m.project, "project")?;
        store
            .project_by_ref(&r)
            .ok_or(MutationError::NotFound(format!("project `{r}`")))
    };
    let group = || {
        let r = need(&m.group, "group")?;
        store
            .group_by_path(&r)
            .map(|(i, _)| i)
            .ok_or(MutationError::NotFound(format!("group `{r}`")))
    };
    match kind {
        Target::Issue | Target::MergeRequest | Target::Epic => {
            let (k, owner) = match kind {
                Target::Issue => (Kind::Issue, project()?.index),
                Target::MergeRequest => (Kind::MergeRequest, project()?.index),
                _ => (Kind::Epic, group()?),
            };
            let iid = if action == Action::Add {
                let title = need(&m.title, "title")?;
                store
                    .add_item(k, owner, title, m.description.clone())
                    .ok_or(MutationError::NotFound("owner".into()))?
            } else {
                let iid = need(&m.iid, "iid")?;
                let key = ItemKey::new(k, owner, iid);
                let ok = if action == Action::Update {
                    store.update_item(key, m.title.clone(), m.description.clone())
                } else {
                    store.delete_item(key)
                };
                if !ok {
                    return Err(MutationError::NotFound(format!("item {iid}")));
                }
                iid
            };
            Ok(MutationOutcome {
                iid: Some(iid),
                ..MutationOutcome::default()
            })
        }
        Target::Release => {
            let p = project()?;
            let tag = need(&m.tag, "tag")?;
            let ok = match action {
                Action::Add => {
                    store.add_release(p.index, tag.clone(), m.title.clone(), m.description.clone())
                }
                Action::Update => store.patch_release(
                    p.index,
                    &tag,
                    m.title.clone(),
                    m.description.clone(),
                    false,
                ),
                Action::Delete => store.patch_release(p.index, &tag, None, None, true),
            };
            if !ok {
                return Err(MutationError::NotFound(format!("release `{tag}`")));
            }
            Ok(MutationOutcome {
                tag: Some(tag),
                ..MutationOutcome::default()
            })
        }
        Target::Project => {
            let path = if action == Action::Add {
                let name = need(&m.title, "title")?;
                let g = if m.group.is_some() {
                    Some(group()?)
                } else {
                    None
                };
                store
                    .add_project(&name, g)
                    .ok_or(MutationError::NotFound(format!("project `{name}`")))?
                    .full_path
            } else {
                let p = project()?;
                let delete = action == Action::Delete;
                store.patch_project(p.index, m.title.clone(), m.description.clone(), delete);
                p.full_path
            };
            Ok(MutationOutcome {
                project: Some(path),
                ..MutationOutcome::default()
            })
        }
    }
}
