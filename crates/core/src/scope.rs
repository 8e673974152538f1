//! Scopes: the unit of completeness. A scope is one listing (project × object type, a group's
//! epics, or the project list itself). When a listing fails after its retries, the source reports
//! its scope incomplete and the sync deletes nothing from it.

use std::borrow::Cow;
use std::fmt;

use serde_json::{Map, Value};

use crate::document::DocType;

/// The kinds of objects a scope lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    /// Project work items of type Issue.
    Issues,
    /// Merge requests.
    MergeRequests,
    /// Releases.
    Releases,
    /// README files.
    Files,
    /// Group work items of type Epic.
    Epics,
}

impl ObjectKind {
    /// Every kind, in the order a project is synced.
    pub const ALL: [ObjectKind; 5] = [
        ObjectKind::Issues,
        ObjectKind::MergeRequests,
        ObjectKind::Releases,
        ObjectKind::Epics,
        ObjectKind::Files,
    ];

    /// The stable lower-case name used in scope keys, rules and summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Issues => "issues",
            ObjectKind::MergeRequests => "merge_requests",
            ObjectKind::Releases => "releases",
            ObjectKind::Files => "files",
            ObjectKind::Epics => "epics",
        }
    }

    /// Parses [`ObjectKind::as_str`] back.
    pub fn parse(name: &str) -> Option<ObjectKind> {
        ObjectKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

/// Which listing a document came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScopeKey {
    /// The list of synced projects (holds the `Project` documents).
    Projects,
    /// One object kind of one project, by numeric project id.
    Project {
        /// Numeric project id, as a string (as in the documents).
        project_id: String,
        /// The object kind listed.
        kind: ObjectKind,
    },
    /// One object kind of one group, by full path.
    Group {
        /// The group's full path (`a/b`).
        group_path: String,
        /// The object kind listed.
        kind: ObjectKind,
    },
}

impl ScopeKey {
    /// Derives the scope of a stored document from its `type` and fields. Used both for new
    /// documents and for documents already in an index, so the two always agree.
    /// `text` gives a field's value when it is a string.
    pub fn of_fields<'a>(
        doc_type: &str,
        text: impl Fn(&str) -> Option<Cow<'a, str>>,
    ) -> Option<ScopeKey> {
        let text = |key: &str| text(key).map(Cow::into_owned);
        let project =
            |kind| text("project_id").map(|project_id| ScopeKey::Project { project_id, kind });
        match doc_type {
            DocType::PROJECT => Some(ScopeKey::Projects),
            DocType::MERGE_REQUEST => project(ObjectKind::MergeRequests),
            DocType::RELEASE => project(ObjectKind::Releases),
            DocType::FILE => project(ObjectKind::Files),
            _ => match text("group_path") {
                Some(group_path) => Some(ScopeKey::Group {
                    group_path,
                    kind: ObjectKind::Epics,
                }),
                None => project(ObjectKind::Issues),
            },
        }
    }

    /// Derives the scope from a stored `_source` object (which carries `type`).
    pub fn of_source(source: &Map<String, Value>) -> Option<ScopeKey> {
        let doc_type = source.get("type").and_then(Value::as_str)?;
        ScopeKey::of_fields(doc_type, |key| {
            source.get(key).and_then(Value::as_str).map(Cow::Borrowed)
        })
    }
}

impl fmt::Display for ScopeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScopeKey::Projects => f.write_str("projects"),
            ScopeKey::Project { project_id, kind } => {
                write!(f, "project {project_id} {}", kind.as_str())
            }
            ScopeKey::Group { group_path, kind } => {
                write!(f, "group {group_path} {}", kind.as_str())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Document;

    #[test]
    fn scope_of_each_document_kind() {
        let issue = Document::new("issue_7_1", "Issue").with("project_id", "7");
        let epic = Document::new("epic_g_1", "Epic").with("group_path", "g");
        let mr = Document::new("mr_7_1", DocType::MERGE_REQUEST).with("project_id", "7");
        let project = Document::new("project_7", DocType::PROJECT).with("project_id", "7");
        assert_eq!(
            issue.scope(),
            Some(ScopeKey::Project {
                project_id: "7".into(),
                kind: ObjectKind::Issues
            })
        );
        assert_eq!(
            epic.scope(),
            Some(ScopeKey::Group {
                group_path: "g".into(),
                kind: ObjectKind::Epics
            })
        );
        assert_eq!(
            mr.scope(),
            Some(ScopeKey::Project {
                project_id: "7".into(),
                kind: ObjectKind::MergeRequests
            })
        );
        assert_eq!(project.scope(), Some(ScopeKey::Projects));
        let source = serde_json::from_str(&issue.source_json()).unwrap();
        assert_eq!(ScopeKey::of_source(&source), issue.scope());
    }

    #[test]
    fn object_kind_names_round_trip() {
        for kind in ObjectKind::ALL {
            assert_eq!(ObjectKind::parse(kind.as_str()), Some(kind));
        }
    }
}
