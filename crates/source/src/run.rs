//! The sync itself: projects in parallel, object kinds of one project in parallel, events into
//! the bounded channel.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use connector_core::ObjectKind;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use gitlab_client::GitlabClient;
use gitlab_client::graphql::project::Project;
use tracing::Instrument;

use crate::emit::{Closed, Emitter};
use crate::project::{ProjectInfo, project_document};
use crate::settings::{ProjectSelection, SourceSettings};
use crate::{Error, epics, issues, merge_requests, readmes, releases, select};

/// Why a project task stopped early.
enum Stop {
    /// The consumer went away.
    Closed,
    /// The sync cannot go on.
    Fatal(Error),
}

impl From<Closed> for Stop {
    fn from(_: Closed) -> Self {
        Stop::Closed
    }
}

/// State shared by the project tasks of one sync.
struct Run {
    client: GitlabClient,
    settings: SourceSettings,
    out: Emitter,
    /// Groups whose epics were already listed (each group once per sync).
    seen_groups: Mutex<HashSet<String>>,
    /// Whether "epics unavailable on this tier" was already logged.
    epics_unavailable_logged: AtomicBool,
}

/// Runs the whole sync, sending events to `out`; ends with an `Err` event on a fatal error.
pub(crate) async fn run(client: GitlabClient, settings: SourceSettings, out: Emitter) {
    let projects: BoxStream<'static, Result<Project, Error>> = match &settings.projects {
        ProjectSelection::All => select::member_projects(client.clone(), out.clone()),
        ProjectSelection::Paths(paths) => {
            match select::explicit_projects(&client, paths, &settings.projects_origin, &out).await {
                Ok(projects) => stream::iter(projects.into_iter().map(Ok)).boxed(),
                Err(error) => return out.fatal(error).await,
            }
        }
    };
    let concurrency = settings.project_concurrency.max(1);
    let run = Run {
        client,
        settings,
        out: out.clone(),
        seen_groups: Mutex::new(HashSet::new()),
        epics_unavailable_logged: AtomicBool::new(false),
    };
    let result = projects
        .map_err(Stop::Fatal)
        .map_ok(|project| {
            let span = tracing::info_span!("project", path = %project.full_path.inner());
            sync_project(&run, project).instrument(span)
        })
        .try_buffer_unordered(concurrency)
        .try_for_each(|()| async { Ok(()) })
        .await;
    if let Err(Stop::Fatal(error)) = result {
        out.fatal(error).await;
    }
}

/// Emits one project's document, then lists its object kinds in parallel, as its plan
/// ([`SourceSettings::for_project`]) says; a project without a plan only leads to its group's
/// epics (which follow the group's plan).
async fn sync_project(run: &Run, project: Project) -> Result<(), Stop> {
    let (client, out) = (&run.client, &run.out);
    let Some(info) = ProjectInfo::of(&project) else {
        out.skipped(
            format!("project {}", project.full_path.inner()),
            "global id without a numeric part",
        )
        .await?;
        return Ok(());
    };
    let planned = run.settings.for_project(&info.full_path);
    if planned.is_some() {
        out.document(project_document(&project, &info)).await?;
    }
    let listing = |kind| planned.as_ref().filter(|settings| settings.syncs(kind));
    let issues = async {
        match listing(ObjectKind::Issues) {
            Some(settings) => issues::sync(client, settings, &info, out).await,
            None => Ok(()),
        }
    };
    let merge_requests = async {
        match listing(ObjectKind::MergeRequests) {
            Some(settings) => merge_requests::sync(client, settings, &info, out).await,
            None => Ok(()),
        }
    };
    let releases = async {
        match listing(ObjectKind::Releases) {
            Some(_) => releases::sync(client, &info, out).await,
            None => Ok(()),
        }
    };
    let files = async {
        match listing(ObjectKind::Files) {
            Some(settings) => {
                readmes::sync(
                    client,
                    settings.readme_max_bytes,
                    settings.readmes.as_ref(),
                    &info,
                    out,
                )
                .await
            }
            None => Ok(()),
        }
    };
    let epics = async {
        let Some((group_path, group_id)) = info.group.as_ref() else {
            return Ok(());
        };
        let first_time = run
            .seen_groups
            .lock()
            .map(|mut seen| seen.insert(group_path.clone()))
            .unwrap_or(false);
        if !first_time {
            return Ok(());
        }
        let Some(settings) = run.settings.for_group(group_path) else {
            return Ok(());
        };
        epics::sync(
            client,
            &settings,
            group_path,
            group_id.as_deref(),
            &run.epics_unavailable_logged,
            out,
        )
        .await
    };
    futures::try_join!(issues, merge_requests, releases, epics, files)?;
    Ok(())
}
