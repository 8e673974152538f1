//! Sync rules from a rules file through the real binary: advanced rules pushed down into the
//! GitLab queries (right documents, fewer requests), and basic rules excluding documents.

use std::collections::BTreeMap;
use std::path::Path;

use gitlab_sim::Size;
use gitlab_sim::data::items::{self, Kind, State};

use crate::util::{Sim, by_type, counter, sync};

/// Writes `yaml` as a rules file in `dir` and returns its path as text.
fn rules_file(dir: &Path, yaml: &str) -> String {
    let path = dir.join("rules.yaml");
    std::fs::write(&path, yaml).expect("rules file written");
    path.to_string_lossy().into_owned()
}

/// The stored document with `_id` `id`, if any.
fn stored(dir: &Path, id: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    sink_local::get(dir, id).expect("index readable")
}

fn requests_total(run: &crate::util::SyncRun) -> u64 {
    run.summary["requests"]["total"]
        .as_u64()
        .unwrap_or_else(|| panic!("summary has no requests.total: {}", run.summary))
}

#[test]
fn opened_issues_with_a_label_are_all_that_is_fetched_and_it_takes_fewer_requests() {
    let sim = Sim::start(Size::Small);
    let store = sim.state.store();
    let project = store.project(1).expect("project 1");
    let opened: Vec<_> = store
        .item_metas(Kind::Issue, project.index)
        .into_iter()
        .filter(|(_, meta)| meta.state == State::Opened)
        .collect();
    let label = opened
        .iter()
        .find_map(|(key, _)| items::labels(*key).first().copied())
        .map(gitlab_sim::data::text::label)
        .expect("some opened issue has a label");
    let expected: Vec<u32> = opened
        .iter()
        .filter(|(key, _)| items::has_label(*key, &label))
        .map(|(key, _)| key.iid)
        .collect();
    let total_issues = store.item_keys(Kind::Issue, project.index).len();
    assert!(
        expected.len() < total_issues,
        "the filter must exclude something"
    );

    let work = tempfile::tempdir().expect("tempdir");
    let rules = rules_file(
        work.path(),
        &format!(
            "advanced:\n  - projects: \"{}\"\n    types: [issues]\n    issues:\n      state: opened\n      labels: {{ include: [\"{label}\"] }}\n",
            project.full_path
        ),
    );
    let filtered_dir = work.path().join("filtered");
    let filtered = sync(
        &sim,
        &filtered_dir,
        &["--projects", &project.full_path, "--rules", &rules],
    );
    assert_eq!(filtered.code, 0, "{}", filtered.stderr);
    let filtered_log = sim.state.request_log();
    let wanted: BTreeMap<String, u64> = [
        ("Issue".to_owned(), expected.len() as u64),
        ("Project".to_owned(), 1),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .collect();
    let got: BTreeMap<String, u64> = by_type(&filtered.summary)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(got, wanted, "documents by type");
    for iid in &expected {
        let issue = stored(&filtered_dir, &format!("issue_{}_{iid}", project.id))
            .unwrap_or_else(|| panic!("issue {iid} stored"));
        assert_eq!(issue["state"], "OPEN");
        let labels = issue["labels"].as_array().expect("labels");
        assert!(labels.iter().any(|l| l == label.as_str()), "{issue:?}");
    }

    sim.state.clear_request_log();
    let everything = sync(
        &sim,
        &work.path().join("everything"),
        &["--projects", &project.full_path],
    );
    assert_eq!(everything.code, 0, "{}", everything.stderr);
    let everything_log = sim.state.request_log();
    assert!(
        requests_total(&filtered) < requests_total(&everything),
        "push-down sent {} requests, the unfiltered sync {}",
        requests_total(&filtered),
        requests_total(&everything)
    );
    // Nothing but the issue listing (and the project lookup) reached GitLab.
    assert!(
        filtered_log.total * 2 < everything_log.total,
        "filtered {:?} vs everything {:?}",
        filtered_log.counts,
        everything_log.counts
    );
    assert!(
        !filtered_log
            .counts
            .keys()
            .any(|kind| kind.contains("MergeRequest") || kind.contains("Release")),
        "no merge request or release listing: {:?}",
        filtered_log.counts
    );
}

#[test]
fn a_glob_of_projects_gets_only_some_kinds_and_readme_globs_pick_docs_readme() {
    let sim = Sim::start(Size::Small);
    let store = sim.state.store();
    let project = store.project(1).expect("project 1");
    let group = &store.groups()[project.group.expect("project 1 is in a group")];
    let matching: Vec<_> = store
        .projects()
        .into_iter()
        .filter(|p| {
            p.member
                && p.group
                    .is_some_and(|g| store.groups()[g].full_path == group.full_path)
        })
        .collect();
    let releases: usize = matching.iter().map(|p| store.releases(p.index).len()).sum();

    let work = tempfile::tempdir().expect("tempdir");
    let rules = rules_file(
        work.path(),
        &format!(
            "advanced:\n  - projects: \"{}/*\"\n    types: [releases, files]\n    readmes: [\"docs/README.md\"]\n",
            group.full_path.to_uppercase()
        ),
    );
    let dir = work.path().join("index");
    let run = sync(&sim, &dir, &["--rules", &rules]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = by_type(&run.summary);
    assert_eq!(got["Project"], matching.len() as u64, "{got:?}");
    assert_eq!(got["Release"], releases as u64, "{got:?}");
    for kind in ["Issue", "Merge Request", "Epic"] {
        assert_eq!(got.get(kind).copied().unwrap_or(0), 0, "{kind}: {got:?}");
    }
    assert!(got["File"] >= 1, "{got:?}");
    assert!(
        got["File"] <= matching.len() as u64,
        "one docs/README.md per project: {got:?}"
    );
    let readme = stored(&dir, &format!("file_{}_docs/README.md", project.id))
        .expect("docs/README.md of project 1 stored");
    assert_eq!(readme["file_path"], "docs/README.md");
    assert!(
        stored(&dir, &format!("file_{}_README.md", project.id)).is_none(),
        "the root README is not in the globs"
    );
    let log = sim.state.request_log();
    assert!(
        !log.counts
            .keys()
            .any(|kind| kind.contains("Issues") || kind.contains("Epics")),
        "no issue or epic listing: {:?}",
        log.counts
    );
}

#[test]
fn basic_rules_from_a_yaml_file_exclude_documents() {
    let sim = Sim::start(Size::Small);
    let project = sim.state.store().project(1).expect("project 1");
    let work = tempfile::tempdir().expect("tempdir");
    let rules = rules_file(
        work.path(),
        "basic:\n  - policy: exclude\n    field: type\n    rule: equals\n    value: Issue\n",
    );
    let dir = work.path().join("index");
    let run = sync(
        &sim,
        &dir,
        &["--projects", &project.full_path, "--rules", &rules],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = by_type(&run.summary);
    assert_eq!(got.get("Issue").copied().unwrap_or(0), 0, "{got:?}");
    assert_eq!(got["Project"], 1);
    assert!(got["Merge Request"] > 0, "{got:?}");
    let in_index = sink_local::count_by_type(&dir).expect("index readable");
    assert_eq!(in_index.get("Issue").copied().unwrap_or(0), 0);
    assert!(stored(&dir, &format!("issue_{}_1", project.id)).is_none());
    assert_eq!(counter(&run.summary, "created"), got.values().sum::<u64>());
}
