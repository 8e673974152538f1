//! `_id` schemes (spec §4, part of the compatibility contract). Ids are
//! built as [`CompactString`]s, kept inline (no allocation) up to 24 bytes, as most are.

use compact_str::{CompactString, format_compact};

/// The numeric id at the end of a global id (`gid://gitlab/Project/123` → `123`); a string
/// without `/` is returned as is.
pub fn numeric_id(global_id: &str) -> &str {
    global_id.rsplit('/').next().unwrap_or(global_id)
}

/// `project_<N>`.
pub fn project_id(project: &str) -> CompactString {
    format_compact!("project_{project}")
}

/// `<type lower-cased, spaces → _>_<owner>_<iid>`: `issue_123_7`, `epic_my-group_sub_12`.
pub fn work_item_id(type_name: &str, owner: &str, iid: &str) -> CompactString {
    let mut id = CompactString::with_capacity(type_name.len() + owner.len() + iid.len() + 2);
    if type_name.is_ascii() {
        id.extend(type_name.bytes().map(|b| {
            if b == b' ' {
                '_'
            } else {
                char::from(b.to_ascii_lowercase())
            }
        }));
    } else {
        id.push_str(&type_name.to_lowercase().replace(' ', "_"));
    }
    for part in ["_", owner, "_", iid] {
        id.push_str(part);
    }
    id
}

/// The owner part of an epic `_id` and its `group_id` field: the group path with `/` → `_`.
pub fn group_key(group_path: &str) -> String {
    group_path.replace('/', "_")
}

/// `mr_<N>_<iid>`.
pub fn merge_request_id(project: &str, iid: &str) -> CompactString {
    format_compact!("mr_{project}_{iid}")
}

/// `release_<N>_<tag>`.
pub fn release_id(project: &str, tag: &str) -> CompactString {
    format_compact!("release_{project}_{tag}")
}

/// `file_<N>_<path>`.
pub fn file_id(project: &str, path: &str) -> CompactString {
    format_compact!("file_{project}_{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_schemes_match_the_reference() {
        assert_eq!(
            project_id(numeric_id("gid://gitlab/Project/123")),
            "project_123"
        );
        assert_eq!(numeric_id("123"), "123");
        assert_eq!(work_item_id("Issue", "123", "7"), "issue_123_7");
        assert_eq!(work_item_id("ISSUE", "123", "7"), "issue_123_7");
        assert_eq!(work_item_id("Key Result", "123", "7"), "key_result_123_7");
        assert_eq!(
            work_item_id("Epic", &group_key("my-group/sub"), "12"),
            "epic_my-group_sub_12"
        );
        assert_eq!(merge_request_id("123", "1"), "mr_123_1");
        assert_eq!(release_id("123", "v1.0.0"), "release_123_v1.0.0");
        assert_eq!(file_id("123", "README.md"), "file_123_README.md");
    }
}
