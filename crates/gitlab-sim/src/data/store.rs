//! The data store: generated projects and groups, with runtime mutations layered on top.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::config::Size;

use super::items::{self, ItemData, ItemKey, ItemMeta, Kind};
use super::releases::{self, ReleaseData};
use super::world::{self, GroupMeta, ProjectMeta};

/// A runtime change to one item.
#[derive(Debug, Clone, Default)]
struct Patch {
    title: Option<String>,
    description: Option<String>,
    deleted: bool,
    updated_at: Option<i64>,
}

#[derive(Debug, Default)]
struct Overlay {
    items: HashMap<ItemKey, Patch>,
    releases: HashMap<(usize, String), Patch>,
    added_releases: Vec<(usize, ReleaseData)>,
    epic_counts: HashMap<usize, u32>,
}

/// Generated data plus mutations. Cheap to query concurrently (short read locks, never held
/// across an await).
#[derive(Debug)]
pub struct Store {
    size: Size,
    groups: Vec<GroupMeta>,
    projects: RwLock<Vec<ProjectMeta>>,
    overlay: RwLock<Overlay>,
}

fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(PoisonError::into_inner)
}

/// Current time in epoch seconds (stamped on mutated items).
fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Store {
    /// Generates the data of a size.
    pub fn new(size: Size) -> Self {
        let groups = world::groups(size);
        let projects = world::projects(size, &groups);
        Store {
            size,
            groups,
            projects: RwLock::new(projects),
            overlay: RwLock::default(),
        }
    }

    /// Data size.
    pub fn size(&self) -> Size {
        self.size
    }

    /// All groups.
    pub fn groups(&self) -> &[GroupMeta] {
        &self.groups
    }

    /// Group by full path.
    pub fn group_by_path(&self, path: &str) -> Option<(usize, &GroupMeta)> {
        self.groups
            .iter()
            .enumerate()
            .find(|(_, g)| g.full_path == path)
    }

    /// Snapshot of the live (not deleted) projects.
    pub fn projects(&self) -> Vec<ProjectMeta> {
        read(&self.projects)
            .iter()
            .filter(|p| !p.deleted)
            .cloned()
            .collect()
    }

    /// Live project by index.
    pub fn project(&self, index: usize) -> Option<ProjectMeta> {
        read(&self.projects)
            .get(index)
            .filter(|p| !p.deleted)
            .cloned()
    }

    /// Live project by full path (exact, as GitLab's canonical path) or numeric id.
    pub fn project_by_ref(&self, r: &str) -> Option<ProjectMeta> {
        let id: Option<u64> = r.parse().ok();
        read(&self.projects)
            .iter()
            .find(|p| !p.deleted && (p.full_path == r || Some(p.id) == id))
            .cloned()
    }

    /// Current epic count (highest iid) of a group.
    pub fn epic_count(&self, group: usize) -> u32 {
        let base = self.groups.get(group).map_or(0, |g| g.epic_count);
        read(&self.overlay)
            .epic_counts
            .get(&group)
            .copied()
            .unwrap_or(base)
    }

    fn max_iid(&self, kind: Kind, owner: usize) -> u32 {
        match kind {
            Kind::Epic => self.epic_count(owner),
            Kind::Issue => self.project(owner).map_or(0, |p| p.issue_count),
            Kind::MergeRequest => self.project(owner).map_or(0, |p| p.mr_count),
        }
    }

    /// Whether an item exists (in range, owner alive, not deleted).
    pub fn exists(&self, key: ItemKey) -> bool {
        key.iid >= 1
            && key.iid <= self.max_iid(key.kind, key.owner)
            && !read(&self.overlay)
                .items
                .get(&key)
                .is_some_and(|p| p.deleted)
    }

    /// Cheap fields with the overlay applied, `None` when the item does not exist.
    pub fn meta(&self, key: ItemKey) -> Option<ItemMeta> {
        if !self.exists(key) {
            return None;
        }
        let mut m = items::meta(key);
        if let Some(t) = read(&self.overlay)
            .items
            .get(&key)
            .and_then(|p| p.updated_at)
        {
            m.updated_at = t;
        }
        Some(m)
    }

    /// Full item with the overlay applied.
    pub fn item(&self, key: ItemKey) -> Option<ItemData> {
        let meta = self.meta(key)?;
        let mut d = items::generate(key);
        d.meta = meta;
        if let Some(p) = read(&self.overlay).items.get(&key) {
            if let Some(t) = &p.title {
                d.title = t.clone();
            }
            if let Some(desc) = &p.description {
                d.description = Some(desc.clone());
            }
        }
        Some(d)
    }

    /// Keys of the existing items of an owner, newest first (GitLab's default `CREATED_DESC`).
    pub fn item_keys(&self, kind: Kind, owner: usize) -> Vec<ItemKey> {
        let max = self.max_iid(kind, owner);
        let ov = read(&self.overlay);
        (1..=max)
            .rev()
            .map(|iid| ItemKey::new(kind, owner, iid))
            .filter(|k| !ov.items.get(k).is_some_and(|p| p.deleted))
            .collect()
    }

    /// Existing items of an owner with their cheap fields, newest first, computed under one
    /// lock (listings filter thousands of items per request).
    pub fn item_metas(&self, kind: Kind, owner: usize) -> Vec<(ItemKey, ItemMeta)> {
        let max = self.max_iid(kind, owner);
        let ov = read(&self.overlay);
        (1..=max)
            .rev()
            .map(|iid| ItemKey::new(kind, owner, iid))
            .filter_map(|k| {
                let patch = ov.items.get(&k);
                if patch.is_some_and(|p| p.deleted) {
                    return None;
                }
                let mut m = items::meta(k);
                if let Some(t) = patch.and_then(|p| p.updated_at) {
                    m.updated_at = t;
                }
                Some((k, m))
            })
            .collect()
    }

    /// Releases of a project, newest release first (`RELEASED_AT_DESC`).
    pub fn releases(&self, project: usize) -> Vec<ReleaseData> {
        let ov = read(&self.overlay);
        let mut out: Vec<ReleaseData> = releases::tags(project)
            .iter()
            .enumerate()
            .map(|(i, t)| releases::release(project, i, t))
            .chain(
                ov.added_releases
                    .iter()
                    .filter(|(p, _)| *p == project)
                    .map(|(_, r)| r.clone()),
            )
            .filter_map(|mut r| {
                let patch = ov.releases.get(&(project, r.tag.clone()));
                if patch.is_some_and(|p| p.deleted) {
                    return None;
                }
                if let Some(p) = patch {
                    if let Some(t) = &p.title {
                        r.name = t.clone();
                    }
                    if let Some(d) = &p.description {
                        r.description = Some(d.clone());
                    }
                }
                Some(r)
            })
            .collect();
        out.sort_by(|a, b| b.released_at.cmp(&a.released_at).then(a.tag.cmp(&b.tag)));
        out
    }

    // ----- mutations -------------------------------------------------------------------

    /// Adds an item and returns its iid.
    pub fn add_item(
        &self,
        kind: Kind,
        owner: usize,
        title: String,
        description: Option<String>,
    ) -> Option<u32> {
        let iid = match kind {
            Kind::Epic => {
                self.groups.get(owner)?;
                let iid = self.epic_count(owner) + 1;
                write(&self.overlay).epic_counts.insert(owner, iid);
                iid
            }
            _ => {
                let mut projects = write(&self.projects);
                let p = projects.get_mut(owner).filter(|p| !p.deleted)?;
                let c = if kind == Kind::Issue {
                    &mut p.issue_count
                } else {
                    &mut p.mr_count
                };
                *c += 1;
                *c
            }
        };
        let patch = Patch {
            title: Some(title),
            description,
            deleted: false,
            updated_at: Some(now()),
        };
        write(&self.overlay)
            .items
            .insert(ItemKey::new(kind, owner, iid), patch);
        Some(iid)
    }

    /// Changes title and/or description; `false` when the item does not exist.
    pub fn update_item(
        &self,
        key: ItemKey,
        title: Option<String>,
        description: Option<String>,
    ) -> bool {
        if !self.exists(key) {
            return false;
        }
        let mut ov = write(&self.overlay);
        let p = ov.items.entry(key).or_default();
        p.title = title.or(p.title.take());
        p.description = description.or(p.description.take());
        p.updated_at = Some(now());
        true
    }

    /// Deletes an item; `false` when it does not exist.
    pub fn delete_item(&self, key: ItemKey) -> bool {
        if !self.exists(key) {
            return false;
        }
        write(&self.overlay).items.entry(key).or_default().deleted = true;
        true
    }

    /// Adds a release; `false` when the project is missing or the tag exists.
    pub fn add_release(
        &self,
        project: usize,
        tag: String,
        name: Option<String>,
        description: Option<String>,
    ) -> bool {
        if self.project(project).is_none() || self.releases(project).iter().any(|r| r.tag == tag) {
            return false;
        }
        let t = now();
        let r = ReleaseData {
            name: name.unwrap_or_else(|| format!("Release {tag}")),
            tag,
            description,
            created_at: t,
            released_at: t,
            author: 0,
            milestones: 0,
            links: 0,
        };
        let mut ov = write(&self.overlay);
        ov.releases.remove(&(project, r.tag.clone()));
        ov.added_releases.push((project, r));
        true
    }

    /// Renames / re-describes or deletes a release; `false` when it does not exist.
    pub fn patch_release(
        &self,
        project: usize,
        tag: &str,
        name: Option<String>,
        description: Option<String>,
        delete: bool,
    ) -> bool {
        if !self.releases(project).iter().any(|r| r.tag == tag) {
            return false;
        }
        let mut ov = write(&self.overlay);
        let p = ov.releases.entry((project, tag.to_string())).or_default();
        p.title = name.or(p.title.take());
        p.description = description.or(p.description.take());
        p.deleted |= delete;
        true
    }

    /// Adds an empty member project (README.md only) in a group or the user's namespace.
    pub fn add_project(&self, name: &str, group: Option<usize>) -> Option<ProjectMeta> {
        let namespace = match group {
            Some(g) => self.groups.get(g)?.full_path.clone(),
            None => world::CURRENT_USERNAME.to_string(),
        };
        let full_path = format!("{namespace}/{name}");
        if self.project_by_ref(&full_path).is_some() {
            return None;
        }
        let mut projects = write(&self.projects);
        let index = projects.len();
        let t = now();
        let p = ProjectMeta {
            index,
            id: 1000 + index as u64,
            name: name.to_string(),
            path: name.to_string(),
            full_path,
            group,
            member: true,
            issue_count: 0,
            mr_count: 0,
            description: None,
            visibility: "private",
            star_count: 0,
            forks_count: 0,
            created_at: t,
            last_activity_at: t,
            archived: false,
            has_repo: true,
            deleted: false,
        };
        projects.push(p.clone());
        Some(p)
    }

    /// Changes a project's name/description or deletes it; `false` when it does not exist.
    pub fn patch_project(
        &self,
        index: usize,
        name: Option<String>,
        description: Option<String>,
        delete: bool,
    ) -> bool {
        let mut projects = write(&self.projects);
        let Some(p) = projects.get_mut(index).filter(|p| !p.deleted) else {
            return false;
        };
        if let Some(n) = name {
            p.name = n;
        }
        if description.is_some() {
            p.description = description;
        }
        p.deleted |= delete;
        p.last_activity_at = now();
        true
    }
}
