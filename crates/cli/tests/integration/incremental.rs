//! `sync --incremental` into the local index: full fallback without a recorded sync, then only
//! what changed since is fetched and written, and nothing is deleted.

use gitlab_sim::{Action, Mutation, Size, Target};

use crate::util::{Sim, by_type, counter, sync};

/// Changes the title of issue 1 of `project` in the simulator.
fn retitle_first_issue(sim: &Sim, project: &str, title: &str) {
    sim.state
        .mutate(&Mutation {
            action: Some(Action::Update),
            kind: Some(Target::Issue),
            project: Some(project.to_owned()),
            iid: Some(1),
            title: Some(title.to_owned()),
            ..Mutation::default()
        })
        .expect("issue updated in the simulator");
}

#[test]
fn incremental_sync_fetches_only_what_changed_and_deletes_nothing() {
    let sim = Sim::start(Size::Small);
    let dir = tempfile::tempdir().expect("tempdir");
    let expected = gitlab_sim::expected_counts(Size::Small);

    // No sync recorded yet: a full sync runs, with a notice.
    let first = sync(&sim, dir.path(), &["--incremental"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("no previous sync recorded"),
        "{}",
        first.stderr
    );
    assert_eq!(by_type(&first.summary), expected);
    let full_log = sim.state.request_log();

    let project = sim.state.store().project(0).expect("project 0");
    let title = "Renamed while nobody was looking";
    retitle_first_issue(&sim, &project.full_path, title);
    // A deletion is not seen by an incremental sync: the document stays.
    sim.state
        .mutate(&Mutation {
            action: Some(Action::Delete),
            kind: Some(Target::Issue),
            project: Some(project.full_path.clone()),
            iid: Some(2),
            ..Mutation::default()
        })
        .expect("issue deleted in the simulator");
    sim.state.clear_request_log();

    let second = sync(&sim, dir.path(), &["--incremental"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let incremental_log = sim.state.request_log();
    let fetched = by_type(&second.summary);
    assert!(
        fetched.get("Issue").copied().unwrap_or(0) <= 2,
        "only the changed issue(s): {fetched:?}"
    );
    assert_eq!(counter(&second.summary, "deleted"), 0);
    assert_eq!(counter(&second.summary, "updated"), 1, "{}", second.summary);
    let stored = sink_local::get(dir.path(), &format!("issue_{}_1", project.id))
        .expect("index readable")
        .expect("issue 1 stored");
    assert_eq!(stored["title"], title);
    assert!(
        sink_local::get(dir.path(), &format!("issue_{}_2", project.id))
            .expect("index readable")
            .is_some(),
        "incremental syncs delete nothing"
    );
    assert_eq!(
        sink_local::count_by_type(dir.path()).expect("index readable"),
        expected
    );
    // Issue pages and their follow-ups (notes, nested lists) shrink to one empty-ish page per
    // project; projects, releases and READMEs are re-listed.
    let issue_requests = |log: &gitlab_sim::RequestLog| {
        [
            "graphql:ProjectIssues",
            "graphql:WorkItemFollowUp",
            "graphql:DiscussionNotes",
        ]
        .iter()
        .map(|kind| log.counts.get(*kind).copied().unwrap_or(0))
        .sum::<u64>()
    };
    assert!(
        issue_requests(&incremental_log) * 2 < issue_requests(&full_log)
            && incremental_log.total < full_log.total,
        "incremental {:?} vs full {:?}",
        incremental_log.counts,
        full_log.counts
    );
}

#[test]
fn incremental_into_elasticsearch_needs_since() {
    let sim = Sim::start(Size::Small);
    let run = crate::util::finish(
        crate::util::connector()
            .args([
                "sync",
                "--gitlab-url",
                &sim.url,
                "--token",
                crate::util::TOKEN,
            ])
            .args(["--sink", "elasticsearch", "--es-url", "http://127.0.0.1:9"])
            .arg("--incremental")
            .output()
            .expect("binary runs"),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("--since"), "{}", run.stderr);
}

#[test]
fn a_partial_sync_keeps_the_recorded_start_so_changes_in_its_failed_listing_are_fetched_later() {
    let sim = Sim::start(Size::Small);
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(sync(&sim, dir.path(), &[]).code, 0);
    let project = sim.state.store().project(0).expect("project 0");
    let title = "Changed while its listing was failing";
    retitle_first_issue(&sim, &project.full_path, title);
    // GitLab times are whole seconds: the partial sync must start in a later second than the
    // change, or even a start recorded by that sync would not skip it.
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    sim.state.add_fail_rule(gitlab_sim::FailRule {
        path: project.full_path.clone(),
        kind: gitlab_sim::FailKind::Issues,
        status: 500,
    });
    let partial = sync(&sim, dir.path(), &["--incremental", "--max-attempts", "1"]);
    assert_eq!(partial.code, 2, "{}", partial.stderr);
    assert!(
        partial.stderr.contains("recorded sync start is kept"),
        "{}",
        partial.stderr
    );

    sim.state.clear_fail_rules();
    let next = sync(&sim, dir.path(), &["--incremental"]);
    assert_eq!(next.code, 0, "{}", next.stderr);
    let stored = sink_local::get(dir.path(), &format!("issue_{}_1", project.id))
        .expect("index readable")
        .expect("issue 1 stored");
    assert_eq!(stored["title"], title, "the change was skipped");
}
