//! The `scope` field: a [`ScopeKey`] as stored text and back.
//!
//! The text is [`ScopeKey`]'s `Display` form (`projects`, `project 7 issues`,
//! `group a/b epics`), so it reads well in `get` output and parses back without loading the
//! full `_source`.

use connector_core::{ObjectKind, ScopeKey};

/// The stored text of a scope.
pub(crate) fn to_text(scope: &ScopeKey) -> String {
    scope.to_string()
}

/// Parses [`to_text`] back; `None` for text this crate did not write.
pub(crate) fn parse(text: &str) -> Option<ScopeKey> {
    if text == "projects" {
        return Some(ScopeKey::Projects);
    }
    let (head, kind) = text.rsplit_once(' ')?;
    let kind = ObjectKind::parse(kind)?;
    if let Some(project_id) = head.strip_prefix("project ") {
        return Some(ScopeKey::Project {
            project_id: project_id.to_owned(),
            kind,
        });
    }
    let group_path = head.strip_prefix("group ")?;
    Some(ScopeKey::Group {
        group_path: group_path.to_owned(),
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_shape_round_trips() {
        let scopes = [
            ScopeKey::Projects,
            ScopeKey::Project {
                project_id: "12".into(),
                kind: ObjectKind::MergeRequests,
            },
            ScopeKey::Group {
                group_path: "a/b c".into(),
                kind: ObjectKind::Epics,
            },
        ];
        for scope in scopes {
            assert_eq!(parse(&to_text(&scope)), Some(scope));
        }
        assert_eq!(parse("project 1 nonsense"), None);
        assert_eq!(parse(""), None);
    }
}
