//! `gitlab-connector search`: ranked hits from the local index.

use std::io::IsTerminal;

use anyhow::Context;
use sink_local::SearchOptions;

use crate::args::SearchArgs;
use crate::exit::ExitCode;

/// Runs the search and prints the hits.
pub fn run(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let options = SearchOptions {
        types: args.types.clone(),
        limit: args.limit,
    };
    let hits = sink_local::search(&args.index_dir, &args.query, &options)
        .with_context(|| format!("searching the index in {}", args.index_dir.display()))?;
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
