//! JSON pointers (RFC 6901) for the paths `serde_path_to_error` records, so an error can say
//! exactly which part of a rules document is at fault (`/0/issues/labels/1`).

use serde_path_to_error::{Path, Segment};

/// The JSON pointer of `path`; `""` is the whole document.
pub fn of_path(path: &Path) -> String {
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => push(&mut pointer, &index.to_string()),
            Segment::Map { key } => push(&mut pointer, key),
            Segment::Enum { variant } => push(&mut pointer, variant),
            Segment::Unknown => {}
        }
    }
    pointer
}

/// Appends one reference token, escaping `~` and `/` as RFC 6901 requires.
pub fn push(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
}

/// `pointer` with `token` appended.
pub fn join(pointer: &str, token: &str) -> String {
    let mut joined = pointer.to_owned();
    push(&mut joined, token);
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_reference_tokens() {
        assert_eq!(join("/0", "a/b~c"), "/0/a~1b~0c");
    }
}
