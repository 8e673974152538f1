//! Faults: listings that fail for good, transient 5xx, truncated bodies and 429s.

use gitlab_sim::{Action, FailKind, FailRule, Mutation, Size, Switches, Target};

use crate::util::{Sim, by_type, counter, sync};

#[test]
fn a_listing_that_fails_for_good_deletes_nothing_from_its_scope_and_exits_partial() {
    let sim = Sim::start(Size::Small);
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(sync(&sim, dir.path(), &[]).code, 0);
    let broken = sim.state.store().project(0).expect("project 0");
    let healthy = sim.state.store().project(1).expect("project 1");
    for project in [&broken, &healthy] {
        sim.state
            .mutate(&Mutation {
                action: Some(Action::Delete),
                kind: Some(Target::Issue),
                project: Some(project.full_path.clone()),
                iid: Some(3),
                ..Mutation::default()
            })
            .expect("issue deleted");
    }
    sim.state.add_fail_rule(FailRule {
        path: broken.full_path.clone(),
        kind: FailKind::Issues,
        status: 500,
    });

    let run = sync(&sim, dir.path(), &["--max-attempts", "2"]);
    assert_eq!(run.code, 2, "partial exit code expected: {}", run.stderr);
    assert_eq!(run.summary["outcome"], "partial");
    let incomplete = run.summary["incomplete_scopes"]
        .as_array()
        .expect("incomplete list");
    assert_eq!(incomplete.len(), 1, "{incomplete:?}");
    // The failing project's issues are all kept (even the one deleted in GitLab) ...
    for iid in 1..=broken.issue_count {
        let id = format!("issue_{}_{iid}", broken.id);
        assert!(
            sink_local::get(dir.path(), &id).expect("index").is_some(),
            "{id} was deleted"
        );
    }
    // ... while the healthy project's deleted issue is gone.
    let gone = format!("issue_{}_3", healthy.id);
    assert!(sink_local::get(dir.path(), &gone).expect("index").is_none());
    assert_eq!(counter(&run.summary, "deleted"), 1);
}

#[test]
fn a_merge_request_whose_follow_ups_fail_keeps_its_complete_stored_copy() {
    let sim = Sim::start(Size::Small);
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(sync(&sim, dir.path(), &[]).code, 0);
    let projects: Vec<_> = sim
        .state
        .store()
        .projects()
        .into_iter()
        .filter(|project| project.member)
        .collect();
    let note_counts = |dir: &std::path::Path| -> Vec<(String, usize)> {
        let mut counts = Vec::new();
        for project in &projects {
            for iid in 1..=project.mr_count {
                let id = format!("mr_{}_{iid}", project.id);
                let doc = sink_local::get(dir, &id).expect("index").expect("stored");
                let notes = doc["notes"].as_array().map_or(0, Vec::len);
                counts.push((id, notes));
            }
        }
        counts
    };
    let before = note_counts(dir.path());
    for project in &projects {
        sim.state.add_fail_rule(FailRule {
            path: project.full_path.clone(),
            kind: FailKind::MergeRequestFollowUps,
            status: 500,
        });
    }

    let run = sync(&sim, dir.path(), &["--max-attempts", "1"]);
    assert_eq!(run.code, 2, "partial exit code expected: {}", run.stderr);
    // Several merge requests of a project fail their follow-ups: its scope is listed and
    // logged once all the same.
    let scopes: Vec<&str> = run.summary["incomplete_scopes"]
        .as_array()
        .expect("incomplete list")
        .iter()
        .filter_map(|scope| scope["what"].as_str())
        .collect();
    let distinct: std::collections::BTreeSet<&str> = scopes.iter().copied().collect();
    assert_eq!(scopes.len(), distinct.len(), "{scopes:?}");
    assert_eq!(
        run.stderr.matches("listing incomplete").count(),
        scopes.len(),
        "{}",
        run.stderr
    );
    assert_eq!(
        note_counts(dir.path()),
        before,
        "a merge request lost notes to a failed follow-up"
    );
    assert!(
        counter(&run.summary, "kept_stored_copies") > 0,
        "no merge request overflowed its first page: {}",
        run.summary
    );
    assert_eq!(counter(&run.summary, "deleted"), 0);
}

#[test]
fn items_that_no_longer_decode_keep_their_stored_documents() {
    let sim = Sim::start(Size::Small);
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(sync(&sim, dir.path(), &[]).code, 0);
    let expected = gitlab_sim::expected_counts(Size::Small);
    sim.state.set_switches(Switches {
        drift: true,
        ..Switches::default()
    });

    let run = sync(&sim, dir.path(), &[]);
    assert!(
        counter(&run.summary, "skipped_count") > 2,
        "drift made no node malformed: {}",
        run.summary
    );
    assert_eq!(counter(&run.summary, "deleted"), 0, "{}", run.summary);
    assert_eq!(
        sink_local::count_by_type(dir.path()).expect("index"),
        expected
    );
    assert_eq!(run.summary["outcome"], "partial");
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn transient_server_errors_and_truncated_bodies_are_retried_without_loss_or_duplicates() {
    let sim = Sim::start(Size::Small);
    sim.state.set_switches(Switches {
        fault_5xx_rate: 0.15,
        fault_truncate_rate: 0.1,
        ..Switches::default()
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let run = sync(&sim, dir.path(), &["--max-attempts", "12"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = gitlab_sim::expected_counts(Size::Small);
    assert_eq!(by_type(&run.summary), expected);
    assert_eq!(
        sink_local::count_by_type(dir.path()).expect("index"),
        expected
    );
    assert_eq!(counter(&run.summary, "duplicates"), 0);
    assert!(
        run.summary["requests"]["retries"].as_u64().unwrap_or(0) > 0,
        "no retries seen"
    );
}

#[test]
fn readme_files_cut_short_are_read_again() {
    let sim = Sim::start(Size::Small);
    let clean = tempfile::tempdir().expect("tempdir");
    assert_eq!(sync(&sim, clean.path(), &[]).code, 0);
    // A third of all bodies are cut (at one half, streaks of cuts made the retries' backoff
    // alone take a minute). A README carries no structure that would show the cut: its length
    // is checked against the size GitLab announces (X-Gitlab-Size).
    sim.state.set_switches(Switches {
        fault_truncate_rate: 0.35,
        ..Switches::default()
    });
    let downloads = |sim: &Sim| sim.state.request_log().counts.get("rest:file_raw").copied();
    let clean_downloads = downloads(&sim).expect("READMEs downloaded");
    // More downloads than the clean sync's: some README was cut and read again. A sync whose
    // cuts all missed the READMEs (about 1 in 100) proves nothing, so it is run again.
    let mut syncs = 0;
    let dir = loop {
        syncs += 1;
        sim.state.clear_request_log();
        let dir = tempfile::tempdir().expect("tempdir");
        let run = sync(&sim, dir.path(), &["--max-attempts", "20"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        if downloads(&sim).expect("READMEs downloaded") > clean_downloads {
            break dir;
        }
        assert!(
            syncs < 4,
            "no README was cut and read again in {syncs} syncs"
        );
    };
    let files = sink_local::search(
        clean.path(),
        "",
        &sink_local::SearchOptions {
            types: vec!["File".to_owned()],
            limit: 100,
        },
    )
    .expect("search");
    assert!(files.len() > 5, "{files:?}");
    for file in files {
        let body = |dir: &std::path::Path| {
            sink_local::get(dir, &file.id)
                .expect("index")
                .expect("stored")["body"]
                .clone()
        };
        assert_eq!(body(dir.path()), body(clean.path()), "{} was cut", file.id);
    }
}

#[test]
fn rate_limited_requests_wait_and_retry_the_same_request() {
    let sim = Sim::start(Size::Small);
    sim.state.set_switches(Switches {
        rate_limit_rpm: Some(120),
        ..Switches::default()
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let run = sync(
        &sim,
        dir.path(),
        &[
            "--projects",
            &sim.state.store().project(2).expect("p").full_path,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(by_type(&run.summary)["Project"], 1);
}

#[test]
fn unexpected_nulls_and_unknown_enum_values_are_skipped_or_kept_without_failing_the_sync() {
    let sim = Sim::start(Size::Small);
    sim.state.set_switches(Switches {
        drift: true,
        ..Switches::default()
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let run = sync(&sim, dir.path(), &[]);
    assert!(
        matches!(run.code, 0 | 2),
        "drift must not abort the sync: {}",
        run.stderr
    );
    let documents = counter(&run.summary, "documents");
    let expected: u64 = gitlab_sim::expected_counts(Size::Small).values().sum();
    // The simulator drifts every 7th node; an unknown enum value is kept as text, while a node
    // missing a required field (`webUrl`) is skipped and reported, never silently dropped.
    let skipped = counter(&run.summary, "skipped_count");
    assert!(skipped > 0, "drifted nodes were not reported");
    assert!(
        documents + skipped >= expected,
        "{documents} documents + {skipped} skipped < {expected}"
    );
    assert!(
        documents >= expected * 8 / 10,
        "too many documents lost to drift: {documents}"
    );
}
