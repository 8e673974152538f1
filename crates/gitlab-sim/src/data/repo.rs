//! Repository trees and file contents. Contents are generated on demand; the oversized README
//! is streamed from a repeated chunk rather than stored.

use super::text::{hash, paragraph};

/// Size of the oversized README (over the connector's 10 MiB cap).
pub const HUGE_README_BYTES: u64 = 11 * 1024 * 1024;
/// Number of filler files in project 0's root (so the root needs two 100-entry pages).
pub const FILLER_FILES: usize = 110;

/// Kind of a tree entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryType {
    /// Directory.
    Tree,
    /// File.
    Blob,
    /// Submodule.
    Commit,
}

impl EntryType {
    /// GitLab's wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryType::Tree => "tree",
            EntryType::Blob => "blob",
            EntryType::Commit => "commit",
        }
    }
}

/// A tree entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Full path from the root.
    pub path: String,
    /// Type.
    pub kind: EntryType,
}

impl Entry {
    fn new(path: impl Into<String>, kind: EntryType) -> Self {
        Entry {
            path: path.into(),
            kind,
        }
    }

    /// Last path segment.
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// Git object id (deterministic).
    pub fn sha(&self, project: usize) -> String {
        let h = hash(&[
            project as u64,
            self.path.len() as u64,
            self.path
                .bytes()
                .fold(0u64, |a, b| a.wrapping_mul(31).wrapping_add(u64::from(b))),
        ]);
        format!("{h:016x}{:016x}{:08x}", hash(&[h]), h >> 32)
    }

    /// Git file mode.
    pub fn mode(&self) -> &'static str {
        match self.kind {
            EntryType::Tree => "040000",
            EntryType::Blob => "100644",
            EntryType::Commit => "160000",
        }
    }
}

/// Every entry of a project's repository (recursive), in GitLab's order within a directory:
/// trees, then blobs, then submodules, each by name.
pub fn all_entries(project: usize) -> Vec<Entry> {
    use EntryType::{Blob, Commit, Tree};
    let mut e = vec![
        Entry::new("docs", Tree),
        Entry::new("src", Tree),
        Entry::new("README.md", Blob),
        Entry::new(".gitignore", Blob),
        Entry::new("Cargo.toml", Blob),
        Entry::new("docs/README.md", Blob),
        Entry::new("docs/guide.md", Blob),
        Entry::new("src/main.rs", Blob),
        Entry::new("src/README.txt", Blob),
    ];
    match project {
        0 => {
            for name in [
                "README.rst",
                "README.txt",
                "README",
                "README.markdown",
                "README.pdf",
                "readme-dev.txt",
                "CONTRIBUTING.md",
            ] {
                e.push(Entry::new(name, Blob));
            }
            e.push(Entry::new("README-vendor", Commit));
            e.extend((0..FILLER_FILES).map(|i| Entry::new(format!("file-{i:03}.txt"), Blob)));
        }
        1 => e.push(Entry::new("README.rst", Blob)),
        2 => e.push(Entry::new("README_invalid.txt", Blob)),
        3 => e.push(Entry::new("README", Blob)),
        _ => {}
    }
    e
}

/// Entries directly under `dir` ("" = root), or all below it when `recursive`.
pub fn list(project: usize, dir: &str, recursive: bool) -> Option<Vec<Entry>> {
    let all = all_entries(project);
    let dir = dir.trim_matches('/');
    if !dir.is_empty()
        && !all
            .iter()
            .any(|e| e.path == dir && e.kind == EntryType::Tree)
    {
        return None;
    }
    let mut out: Vec<Entry> = all
        .into_iter()
        .filter(|e| {
            let rest = if dir.is_empty() {
                Some(e.path.as_str())
            } else {
                e.path.strip_prefix(dir).and_then(|r| r.strip_prefix('/'))
            };
            rest.is_some_and(|r| recursive || !r.contains('/'))
        })
        .collect();
    out.sort_by(|a, b| {
        let depth = |e: &Entry| e.path.matches('/').count();
        let rank = |e: &Entry| match e.kind {
            EntryType::Tree => 0,
            EntryType::Blob => 1,
            EntryType::Commit => 2,
        };
        (depth(a), rank(a), a.name()).cmp(&(depth(b), rank(b), b.name()))
    });
    Some(out)
}

/// Whether `path` is a blob of the project.
pub fn is_blob(project: usize, path: &str) -> bool {
    all_entries(project)
        .iter()
        .any(|e| e.path == path && e.kind == EntryType::Blob)
}

/// Whether the file is the oversized README.
pub fn is_huge(project: usize, path: &str) -> bool {
    project == 1 && path == "README.md"
}

const HUGE_CHUNK_LINE: &str = "This README is intentionally enormous to exercise the size cap.\n";

/// Chunk size of the oversized README stream; divides [`HUGE_README_BYTES`].
pub const HUGE_CHUNK_BYTES: usize = 64 * 1024;

/// One chunk of the oversized README (the file is this chunk repeated).
pub fn huge_chunk() -> bytes::Bytes {
    let mut v = HUGE_CHUNK_LINE
        .repeat(HUGE_CHUNK_BYTES / HUGE_CHUNK_LINE.len() + 1)
        .into_bytes();
    v.truncate(HUGE_CHUNK_BYTES);
    bytes::Bytes::from(v)
}

/// Size in bytes of a blob.
pub fn size(project: usize, path: &str) -> u64 {
    if is_huge(project, path) {
        HUGE_README_BYTES
    } else {
        small_content(project, path).len() as u64
    }
}

/// Content of a blob that is not the oversized README. `README_invalid.txt` holds invalid UTF-8.
pub fn small_content(project: usize, path: &str) -> Vec<u8> {
    let h = hash(&[project as u64, path.len() as u64, 31]);
    if path == "README_invalid.txt" {
        let mut v = b"Broken encoding follows: ".to_vec();
        v.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]);
        v.extend_from_slice(b"\nend\n");
        return v;
    }
    let lower = path.to_ascii_lowercase();
    if lower.contains("readme") {
        format!("# Project {project} {path}\n\nWelcome to the project. {}\n\n## Install\n\nRun the installer and configure the token.\n", paragraph(h, 4)).into_bytes()
    } else {
        format!("// {path}\n{}\n", paragraph(h, 1)).into_bytes()
    }
}

/// Whether the root entry is a README the connector indexes (blob, lower-cased name starts with
/// `readme`, extension `.md`/`.rst`/`.txt` or none).
pub fn is_readme_candidate(e: &Entry) -> bool {
    let lower = e.name().to_ascii_lowercase();
    if e.kind != EntryType::Blob || !lower.starts_with("readme") {
        return false;
    }
    match lower.rfind('.') {
        None => true,
        Some(i) => matches!(&lower[i..], ".md" | ".rst" | ".txt"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_zero_root_needs_two_pages_and_has_varied_readmes() {
        let root = list(0, "", false).unwrap();
        assert!(root.len() > 100);
        let readmes: Vec<_> = root
            .iter()
            .filter(|e| is_readme_candidate(e))
            .map(|e| e.name().to_string())
            .collect();
        assert_eq!(
            readmes,
            [
                "README",
                "README.md",
                "README.rst",
                "README.txt",
                "readme-dev.txt"
            ]
        );
        assert!(
            list(0, "docs", false)
                .unwrap()
                .iter()
                .all(|e| e.path.starts_with("docs/"))
        );
        assert!(list(0, "nope", false).is_none());
    }

    #[test]
    fn invalid_readme_is_not_utf8() {
        assert!(String::from_utf8(small_content(2, "README_invalid.txt")).is_err());
    }
}
