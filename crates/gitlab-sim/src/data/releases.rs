//! Releases of a project: a few per project, one with more than 100 asset links and milestones.

use super::text::{self, EPOCH_BASE, hash, paragraph};

/// A generated (or added) release.
#[derive(Debug, Clone)]
pub struct ReleaseData {
    /// Tag name (unique per project).
    pub tag: String,
    /// Display name.
    pub name: String,
    /// Markdown notes.
    pub description: Option<String>,
    /// Creation time.
    pub created_at: i64,
    /// Release time.
    pub released_at: i64,
    /// Author user number.
    pub author: u32,
    /// Number of milestones.
    pub milestones: u32,
    /// Number of asset links.
    pub links: u32,
}

impl ReleaseData {
    /// Commit SHA of the tag.
    pub fn sha(&self, project: usize) -> String {
        let h = hash(&[project as u64, self.created_at as u64]);
        format!("{h:016x}{:016x}{:08x}", hash(&[h]), h >> 32)
    }
}

/// Tags of the generated releases of a project.
pub fn tags(project: usize) -> Vec<String> {
    let mut tags: Vec<String> = vec!["v1.0.0".into(), "v1.1.0".into(), "v2.0.0".into()];
    if project == 0 {
        tags.push("v2.1.0".into());
        tags.push("v3.0.0-rc.1".into());
    }
    tags
}

/// Generates release `index` of the project's tags.
pub fn release(project: usize, index: usize, tag: &str) -> ReleaseData {
    let h = hash(&[project as u64, index as u64, 23]);
    let created_at = EPOCH_BASE + 86_400 * (20 + 40 * index as i64) + project as i64 * 60;
    let big = project == 0 && tag == "v2.0.0";
    ReleaseData {
        tag: tag.to_string(),
        name: format!("Release {tag}"),
        description: Some(format!("## Changes\n\n{}", paragraph(h, 3))),
        created_at,
        released_at: created_at + 3_600,
        author: (h >> 7) as u32 % text::USER_COUNT,
        milestones: if big { 105 } else { 1 },
        links: if big { 120 } else { 2 },
    }
}
