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
use sync_engine::{Outcome, SyncMode, SyncOptions, SyncProgress, SyncReport};
use sync_rules::SyncRules;

use crate::args::{SinkKind, SyncArgs};
use crate::es_settings;
use crate::exit::ExitCode;
use crate::gitlab_settings::{self, GitlabSettings};
use crate::incremental;
use crate::peak_memory;
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
    let since = args
        .since
        .as_deref()
        .map(incremental::parse_since)
        .transpose()?;
    let mut run = SyncRun {
        gitlab,
        rules,
        updated_after: None,
        show_progress: !args.json && !args.no_progress && std::io::stderr().is_terminal(),
        json: args.json,
        sink_label: String::new(),
    };
    let sink = args.sink.or(file.sink).unwrap_or(SinkKind::Local);
    if sink == SinkKind::Local && args.es.index.is_some() {
        // `--index` names an Elasticsearch index: without `--sink elasticsearch` the documents
        // would quietly go to the local index instead.
        anyhow::bail!(
            "--index names an Elasticsearch index, but the sink is the local index: add \
             `--sink elasticsearch` (or `sink: elasticsearch` in the settings file), or use \
             --index-dir for the local index"
        );
    }
    match sink {
        SinkKind::Local => {
            let dir = args
                .index_dir
                .clone()
                .or(file.index_dir.clone())
                .unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX_DIR));
            let mut sink = LocalIndex::open_or_create(&dir)
                .with_context(|| format!("opening the local index in {}", dir.display()))?;
            run.sink_label = format!("local index {}", dir.display());
            if args.incremental {
                run.updated_after = since.or_else(|| incremental::last_sync_start(&dir));
                if run.updated_after.is_none() {
                    tracing::warn!(
                        "no previous sync recorded in {}; running a full sync instead of an incremental one",
                        dir.display()
                    );
                }
            }
            let started = incremental::sync_start();
            let code = run.execute(&mut sink).await?;
            match code {
                ExitCode::Success => {
                    if let Err(error) = incremental::record_sync_start(&dir, &started) {
                        // The sync itself succeeded; the next --incremental runs a full sync.
                        tracing::warn!("{error:#}");
                    }
                }
                // A listing that failed may have missed changes made since the recorded start;
                // keeping it makes the next --incremental fetch them instead of skipping them.
                ExitCode::Partial => tracing::warn!(
                    "the sync was partial, so the recorded sync start is kept: the next \
                     --incremental fetches again everything changed since the last complete sync"
                ),
                _ => {}
            }
            Ok(code)
        }
        SinkKind::Elasticsearch => {
            crate::allocator::elasticsearch_sink();
            if args.incremental && since.is_none() {
                anyhow::bail!(
                    "--incremental with --sink elasticsearch needs --since RFC3339: no sync state is kept in Elasticsearch"
                );
            }
            run.updated_after = since.filter(|_| args.incremental);
            let (settings, index) = es_settings::resolve(&args.es, &file.elasticsearch)?;
            let url = connector_core::url_without_credentials(&settings.url);
            let sink_settings = sink_es::SinkSettings {
                item_retry: settings.retry.clone(),
                ..sink_es::SinkSettings::new(index.clone())
            };
            let client = EsClient::new(settings).context("setting up the Elasticsearch client")?;
            let mut sink = ElasticsearchSink::new(client, sink_settings);
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
    /// Sync rules (empty: everything); advanced rules are also pushed into the GitLab queries.
    pub rules: SyncRules,
    /// Incremental sync: only issues, merge requests and epics updated at or after this
    /// RFC 3339 instant are fetched and nothing is deleted. `None`: a full sync.
    pub updated_after: Option<String>,
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
            peak_rss_bytes: peak_memory::peak_rss_bytes(),
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
        let mut settings = source_settings(&self.gitlab);
        settings.updated_after = self.updated_after.clone();
        connector_service::push_down::apply(&self.rules.advanced, &mut settings);
        let source = GitlabSource::new(client.clone(), settings);
        if !self.rules.is_empty() {
            tracing::info!("sync rules loaded; excluded documents are not indexed");
        }
        let progress = Arc::new(SyncProgress::default());
        let options = SyncOptions {
            mode: match self.updated_after {
                Some(_) => SyncMode::Incremental,
                None => SyncMode::Full,
            },
            ..SyncOptions::default()
        };
        if let Some(since) = &self.updated_after {
            tracing::info!(since = %since, "incremental sync: fetching items updated since the last sync; nothing is deleted");
        }
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
        projects_origin: gitlab.projects_origin.clone(),
        project_concurrency: gitlab.project_concurrency,
        ..SourceSettings::default()
    }
}
