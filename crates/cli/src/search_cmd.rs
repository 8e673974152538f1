//! `gitlab-connector search`: ranked hits from the local index.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Context;
use sink_local::{LocalIndexError, SearchOptions};

use crate::args::SearchArgs;
use crate::exit::ExitCode;

/// Runs the search and prints the hits.
pub fn run(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let options = SearchOptions {
        types: stored_types(&args)?,
        limit: usize::try_from(args.limit).unwrap_or(usize::MAX),
    };
    let hits = sink_local::search(&args.index_dir, &args.query, &options)
        .map_err(index_error(&args.index_dir, "searching"))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&hits)?);
    } else if hits.is_empty() {
        println!("no hits for `{}`", args.query);
    } else {
        print!(
            "{}",
            sink_local::format_hits(&hits, std::io::stdout().is_terminal())
        );
    }
    Ok(ExitCode::Success)
}

/// An error of `doing` (`searching`, …) the index in `dir`. When there is no index yet, it
/// says how to create one rather than name the step that failed.
fn index_error(dir: &Path, doing: &str) -> impl FnOnce(LocalIndexError) -> anyhow::Error {
    let context = format!("{doing} the index in {}", dir.display());
    let sync = format!("gitlab-connector sync --index-dir {}", dir.display());
    move |error| match error {
        LocalIndexError::NoIndex { .. } => anyhow::anyhow!(
            "{error}; create one with `{sync}` (plus the GitLab URL, token and projects)"
        ),
        error => anyhow::Error::new(error).context(context),
    }
}

/// The `--type` values as the index spells them: matched without regard to letter case against
/// the types the index holds (`issue` finds `Issue`). A type the index does not hold is an
/// error that lists the ones it does, rather than a search that quietly finds nothing.
fn stored_types(args: &SearchArgs) -> anyhow::Result<Vec<String>> {
    if args.types.is_empty() {
        return Ok(Vec::new());
    }
    let held = sink_local::count_by_type(&args.index_dir)
        .map_err(index_error(&args.index_dir, "reading"))?;
    args.types
        .iter()
        .map(|wanted| {
            held.keys()
                .find(|held| held.eq_ignore_ascii_case(wanted))
                .cloned()
                .with_context(|| {
                    let names: Vec<&str> = held.keys().map(String::as_str).collect();
                    format!(
                        "the index holds no documents of type `{wanted}`; its types: {}",
                        names.join(", ")
                    )
                })
        })
        .collect()
}
