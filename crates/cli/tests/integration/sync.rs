//! Full syncs of the small simulator into the local index, and searches over it.

use gitlab_sim::{Action, Mutation, Size, Target};

use crate::util::{Sim, by_type, connector, counter, sync};

#[test]
fn small_sync_indexes_exactly_the_expected_documents_and_a_second_sync_changes_nothing() {
    let sim = Sim::start(Size::Small);
    let dir = tempfile::tempdir().expect("tempdir");
    let expected = gitlab_sim::expected_counts(Size::Small);

    let first = sync(&sim, dir.path(), &["--projects", "*"]);
    assert_eq!(first.code, 0, "first sync failed: {}", first.stderr);
    assert_eq!(by_type(&first.summary), expected, "documents by type");
    let in_index = sink_local::count_by_type(dir.path()).expect("index readable");
    assert_eq!(in_index, expected, "documents stored in the index");
    assert_eq!(
        counter(&first.summary, "created"),
        expected.values().sum::<u64>()
    );
    assert_eq!(
        first.summary["requests"]["pages_read_slowly"], 0,
        "every issue and merge request page is taken by its reader (members in the query's order)"
    );
    if cfg!(target_os = "linux") {
        let peak = first.summary["peak_rss_bytes"].as_u64().unwrap_or(0);
        assert!(
            (1 << 20..1 << 30).contains(&peak),
            "the summary gives the sync's own peak memory: {peak}"
        );
    }

    // Spot-check fields against the simulator's own data.
    let project = sim.state.store().project(0).expect("project 0");
    let stored = sink_local::get(dir.path(), &format!("project_{}", project.id))
        .expect("index readable")
        .expect("project document stored");
    assert_eq!(stored["full_path"], project.full_path.as_str());
    assert_eq!(stored["name"], project.name.as_str());
    assert_eq!(stored["type"], "Project");
    assert_eq!(stored["id"], format!("project_{}", project.id).as_str());
    let issue = sim
        .state
        .store()
        .item(gitlab_sim::data::items::ItemKey::new(
            gitlab_sim::data::items::Kind::Issue,
            0,
            1,
        ))
        .expect("issue 1 of project 0");
    let stored_issue = sink_local::get(dir.path(), &format!("issue_{}_1", project.id))
        .expect("index readable")
        .expect("issue document stored");
    assert_eq!(stored_issue["title"], issue.title.as_str());
    assert_eq!(stored_issue["type"], "Issue");
    assert_eq!(stored_issue["project_path"], project.full_path.as_str());
    assert!(
        stored_issue["body"]
            .as_str()
            .is_some_and(|body| body.contains(&issue.title))
    );

    let second = sync(&sim, dir.path(), &[]);
    assert_eq!(second.code, 0, "second sync failed: {}", second.stderr);
    assert_eq!(counter(&second.summary, "created"), 0);
    assert_eq!(counter(&second.summary, "updated"), 0);
    assert_eq!(counter(&second.summary, "deleted"), 0);
    assert_eq!(
        counter(&second.summary, "unchanged"),
        expected.values().sum::<u64>()
    );
}

#[test]
fn an_issue_deleted_in_gitlab_disappears_after_the_next_full_sync() {
    let sim = Sim::start(Size::Small);
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(sync(&sim, dir.path(), &[]).code, 0);
    let project = sim.state.store().project(0).expect("project 0");
    let id = format!("issue_{}_2", project.id);
    assert!(sink_local::get(dir.path(), &id).expect("index").is_some());

    sim.state
        .mutate(&Mutation {
            action: Some(Action::Delete),
            kind: Some(Target::Issue),
            project: Some(project.full_path.clone()),
            iid: Some(2),
            ..Mutation::default()
        })
        .expect("issue deleted in the simulator");
    let after = sync(&sim, dir.path(), &[]);
    assert_eq!(after.code, 0, "{}", after.stderr);
    assert_eq!(counter(&after.summary, "deleted"), 1);
    assert!(sink_local::get(dir.path(), &id).expect("index").is_none());
}

#[test]
fn explicit_projects_sync_only_those_and_search_finds_their_documents() {
    let sim = Sim::start(Size::Small);
    let dir = tempfile::tempdir().expect("tempdir");
    let project = sim.state.store().project(1).expect("project 1");
    // Case differs from GitLab's canonical path: matched case-insensitively.
    let run = sync(
        &sim,
        dir.path(),
        &["--projects", &project.full_path.to_uppercase()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(by_type(&run.summary)["Project"], 1);
    assert_eq!(
        by_type(&run.summary)["Issue"],
        u64::from(project.issue_count)
    );

    let title = sink_local::get(dir.path(), &format!("issue_{}_1", project.id))
        .expect("index")
        .expect("issue stored")["title"]
        .as_str()
        .expect("title")
        .to_owned();
    let output = connector()
        .args(["search", &title, "--json", "--type", "Issue", "--index-dir"])
        .arg(dir.path())
        .output()
        .expect("search runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let hits: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON hits");
    let hits = hits.as_array().expect("array of hits");
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|hit| hit["type"] == "Issue"));
    assert!(
        hits.iter()
            .any(|hit| hit["id"] == format!("issue_{}_1", project.id).as_str())
    );

    // Type names match without regard to case; a type the index lacks is named, not silent.
    let search = |args: &[&str]| {
        connector()
            .arg("search")
            .args(args)
            .arg("--index-dir")
            .arg(dir.path())
            .output()
            .expect("search runs")
    };
    let lower = search(&[&title, "--json", "--type", "issue", "--limit", "1"]);
    let hits: serde_json::Value = serde_json::from_slice(&lower.stdout).expect("JSON hits");
    assert_eq!(hits.as_array().map(Vec::len), Some(1), "{hits}");
    assert_eq!(hits[0]["type"], "Issue");
    let unknown = search(&[&title, "--type", "Incident"]);
    assert_eq!(unknown.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("no documents of type `Incident`; its types: ")
            && stderr.contains("Merge Request"),
        "{stderr}"
    );
    assert_eq!(search(&[&title, "--limit", "0"]).status.code(), Some(1));
}
