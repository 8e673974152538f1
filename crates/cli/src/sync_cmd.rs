//! `gitlab-connector sync`: GitLab → sync engine → local index or Elasticsearch, then a summary.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use connector_core::Sink;
use es_client::EsClient;
use gitlab_client::GitlabClient;
use gitlab_source::{GitlabSource, ProjectSelection, SourceSettings};
use sink_es::ElasticsearchSink;
use sink_local::LocalIndex;
use sync_engine::{Outcome, SyncOptions, SyncProgress, SyncReport};
use sync_rules::SyncRules;

use crate::args::{SinkKind, SyncArgs};
use crate::es_settings;
use crate::exit::ExitCode;
use crate::gitlab_settings::{self, GitlabSettings};
use crate::progress::ProgressLine;
use crate::summary::{Requests, Summary};
use crate::sync_file::{self, SyncFile};

/// The local index directory when none is given.
pub const DEFAULT_INDEX_DIR: &str = "gitlab-index";

/// Runs `sync`.
pub async fn run(args: SyncArgs) -> anyhow::Result<ExitCode> {
    let file = match &args.gitlab.config {
        Some(path) => sync_file::load(path)?,
        None => SyncFile::default(),
    };
    let gitlab = gitlab_settings::resolve(&args.gitlab, &file.gitlab)?;
    let rules = match args.rules.as_ref().or(file.rules.as_ref()) {
        Some(path) => sync_rules::file::load(path)?,
        None => SyncRules::default(),
    };
    let mut run = SyncRun {
        gitlab,
        rules,
        show_progress: !args.json && !args.no_progress && std::io::stderr().is_terminal(),
        json: args.json,
        sink_label: String::new(),
    };
    match args.sink.or(file.sink).unwrap_or(SinkKind::Local) {
        SinkKind::Local => {
            let dir = args
                .index_dir
                .clone()
                .or(file.index_dir.clone())
                .unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX_DIR));
            let mut sink = LocalIndex::open_or_create(&dir)
                .with_context(|| format!("opening the local index in {}", dir.display()))?;
            run.sink_label = format!("local index {}", dir.display());
            run.execute(&mut sink).await
        }
        SinkKind::Elasticsearch => {
            let (settings, index) = es_settings::resolve(&args.es, &file.elasticsearch)?;
            let url = settings.url.clone();
            let client = EsClient::new(settings).context("setting up the Elasticsearch client")?;
            let mut sink =
                ElasticsearchSink::new(client, sink_es::SinkSettings::new(index.clone()));
            sink.ensure_index()
                .await
                .with_context(|| format!("preparing index `{index}` on {url}"))?;
            run.sink_label = format!("Elasticsearch index {index} on {url}");
            run.execute(&mut sink).await
        }
    }
}

/// One sync invocation, independent of the sink type.
pub struct SyncRun {
    /// GitLab settings.
    pub gitlab: GitlabSettings,
    /// Sync rules (empty: everything).
    pub rules: SyncRules,
    /// Draw a progress line.
    pub show_progress: bool,
    /// Print the summary as JSON on stdout.
    pub json: bool,
    /// How the summary names the sink.
    pub sink_label: String,
}

impl SyncRun {
    /// Syncs into `sink`, prints the summary and returns the exit code.
    pub async fn execute<S: Sink>(self, sink: &mut S) -> anyhow::Result<ExitCode> {
        let (report, requests) = self.sync(sink).await?;
        let summary = Summary {
            documents: report.documents(),
            report: &report,
            requests,
            sink: self.sink_label.clone(),
        };
        if self.json {
            println!("{}", serde_json::to_string_pretty(&summary)?);
        } else {
            eprint!("{}", summary.to_text());
        }
        Ok(match report.outcome {
            Outcome::Complete => ExitCode::Success,
            Outcome::Partial => ExitCode::Partial,
            Outcome::Canceled => ExitCode::Canceled,
        })
    }

    /// Runs the sync itself; returns the report and the GitLab request statistics.
    pub async fn sync<S: Sink>(&self, sink: &mut S) -> anyhow::Result<(SyncReport, Requests)> {
        let client = GitlabClient::new(self.gitlab.client.clone())
            .context("setting up the GitLab client")?;
        let source = GitlabSource::new(client.clone(), source_settings(&self.gitlab));
        if !self.rules.is_empty() {
            tracing::info!("sync rules loaded; excluded documents are not indexed");
        }
        let progress = Arc::new(SyncProgress::default());
        let options = SyncOptions::default();
        let cancel = options.cancel.clone();
        let ctrl_c = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                tracing::warn!("interrupted: stopping the sync; nothing will be deleted");
                cancel.cancel();
            }
        });
        let line = ProgressLine::start(self.show_progress, progress.clone(), client.clone());
        let result =
            sync_engine::run(source.documents(), sink, &self.rules, &options, &progress).await;
        drop(line);
        ctrl_c.abort();
        let report = result?;
        let requests = Requests::from(client.stats());
        Ok((report, requests))
    }
}

/// Source settings from the resolved GitLab settings.
pub fn source_settings(gitlab: &GitlabSettings) -> SourceSettings {
    SourceSettings {
        projects: ProjectSelection::from_entries(&gitlab.projects),
        project_concurrency: gitlab.project_concurrency,
        ..SourceSettings::default()
    }
}
