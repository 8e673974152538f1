//! `gitlab-connector demo`: the whole path offline. Starts the GitLab simulator in-process on a
//! loopback port, syncs it into a temporary local index and runs a sample search.

use std::path::PathBuf;

use anyhow::Context;
use connector_core::Secret;
use gitlab_client::ClientSettings;
use sink_local::{LocalIndex, SearchOptions};
use tokio_util::sync::CancellationToken;

use crate::args::DemoArgs;
use crate::exit::ExitCode;
use crate::gitlab_settings::{DEFAULT_PROJECT_CONCURRENCY, GitlabSettings};
use crate::sync_cmd::SyncRun;

/// The token the in-process simulator accepts.
const DEMO_TOKEN: &str = "demo-token";

/// Runs the demo.
pub async fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding a loopback port for the simulator")?;
    let addr = listener.local_addr()?;
    let config = gitlab_sim::SimConfig {
        token: DEMO_TOKEN.to_owned(),
        ..gitlab_sim::SimConfig::new(gitlab_sim::Size::Small)
    };
    let state = gitlab_sim::SimState::new(config);
    let stop = CancellationToken::new();
    let shutdown = stop.clone();
    let server = tokio::spawn(gitlab_sim::serve(listener, state, async move {
        shutdown.cancelled().await;
    }));
    eprintln!("Simulated GitLab (small data set) listening on http://{addr}");

    let temp = tempfile::tempdir().context("creating a temporary directory")?;
    let dir: PathBuf = args
        .index_dir
        .clone()
        .unwrap_or_else(|| temp.path().join("gitlab-index"));
    let base_url = url::Url::parse(&format!("http://{addr}"))?;
    let gitlab = GitlabSettings {
        client: ClientSettings::new(base_url, Secret::new(DEMO_TOKEN)),
        projects: Vec::new(),
        projects_origin: "the demo".to_owned(),
        project_concurrency: DEFAULT_PROJECT_CONCURRENCY,
    };
    let mut sink = LocalIndex::open_or_create(&dir)
        .with_context(|| format!("opening the local index in {}", dir.display()))?;
    let run = SyncRun {
        gitlab,
        rules: sync_rules::SyncRules::default(),
        updated_after: None,
        show_progress: true,
        json: false,
        sink_label: format!("local index {}", dir.display()),
    };
    let code = run.execute(&mut sink).await?;
    drop(sink);

    let hits = sink_local::search(
        &dir,
        &args.query,
        &SearchOptions {
            types: Vec::new(),
            limit: 5,
        },
    )?;
    println!("\nTop hits for `{}`:\n", args.query);
    print!("{}", sink_local::format_hits(&hits, false));
    if args.index_dir.is_some() {
        println!(
            "\nSearch it yourself: gitlab-connector search \"{}\" --index-dir {}",
            args.query,
            dir.display()
        );
    } else {
        println!(
            "\nThe index was temporary; run `gitlab-connector demo --index-dir DIR` to keep it."
        );
    }
    stop.cancel();
    let _ = server.await;
    Ok(code)
}
