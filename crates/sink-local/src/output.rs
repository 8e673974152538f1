//! The human listing of `gitlab-connector search`.

use std::fmt::Write as _;

use crate::Hit;

const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// One block per hit: `rank. [type] title`, the URL, then the snippet with matches marked in
/// ANSI bold when `color` is true, else between `**`.
pub fn format_hits(hits: &[Hit], color: bool) -> String {
    let (open, close) = if color { (BOLD, RESET) } else { ("**", "**") };
    let mut out = String::new();
    for (rank, hit) in hits.iter().enumerate() {
        let _ = writeln!(out, "{}. [{}] {}", rank + 1, hit.doc_type, hit.title);
        if let Some(url) = &hit.url {
            let _ = writeln!(out, "   {url}");
        }
        let snippet = hit.marked_snippet(open, close).replace(['\n', '\r'], " ");
        if !snippet.trim().is_empty() {
            let _ = writeln!(out, "   {}", snippet.trim());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_marks_matches_and_ranks_hits() {
        let hit = Hit {
            id: "issue_1_2".into(),
            doc_type: "Issue".into(),
            title: "Crash".into(),
            url: Some("https://gitlab.example/a/b/-/issues/2".into()),
            score: 1.0,
            snippet: "it crashes\nat start".into(),
            snippet_html: String::new(),
            highlights: vec![(3, 10)],
        };
        assert_eq!(
            format_hits(std::slice::from_ref(&hit), false),
            "1. [Issue] Crash\n   https://gitlab.example/a/b/-/issues/2\n   it **crashes** at start\n"
        );
        assert!(format_hits(&[hit], true).contains("\x1b[1mcrashes\x1b[0m"));
    }
}
