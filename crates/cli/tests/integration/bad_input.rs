//! Bad input gets one clear error naming the thing at fault, and a non-zero exit.

use gitlab_sim::Size;

use crate::util::{Sim, connector, finish, sync};

#[test]
fn a_wrong_token_fails_clearly_without_printing_the_token() {
    let sim = Sim::start(Size::Small);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut command = connector();
    command.args([
        "sync",
        "--gitlab-url",
        &sim.url,
        "--token",
        "glpat-wrong-secret",
        "--json",
        "--index-dir",
    ]);
    command.arg(dir.path());
    let run = finish(command.output().expect("runs"));
    assert_eq!(run.code, 1);
    assert_eq!(run.summary["outcome"], "failed", "--json answers on stdout");
    let error = run.summary["error"].as_str().unwrap_or_default();
    assert!(error.to_lowercase().contains("token"), "{error}");
    assert!(
        !error.contains("glpat-wrong-secret"),
        "token leaked: {error}"
    );
    assert!(
        run.stderr.to_lowercase().contains("token"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("glpat-wrong-secret"),
        "token leaked: {}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("401 Unauthorized").count(),
        1,
        "the error is printed once: {}",
        run.stderr
    );
}

#[test]
fn unknown_project_paths_stop_the_sync_before_it_starts_and_are_all_listed() {
    let sim = Sim::start(Size::Small);
    let dir = tempfile::tempdir().expect("tempdir");
    let real = sim.state.store().project(0).expect("p").full_path;
    let list = format!("{real}, nope/missing-one, nope/missing-two");
    let run = sync(&sim, dir.path(), &["--projects", &list]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("nope/missing-one") && run.stderr.contains("nope/missing-two"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("nope/missing-two").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("check the paths in `--projects` (or GITLAB_PROJECTS)")
            && !run.stderr.contains("config.yml"),
        "{}",
        run.stderr
    );

    let settings = tempfile::tempdir().expect("tempdir");
    let file = settings.path().join("sync.yml");
    std::fs::write(&file, format!("gitlab:\n  projects: [{list}]\n")).expect("write");
    let run = sync(
        &sim,
        dir.path(),
        &["-c", file.to_str().expect("utf-8 path")],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "check the paths in `gitlab.projects` of {}",
            file.display()
        )),
        "{}",
        run.stderr
    );
    assert_eq!(
        sink_local::count_by_type(dir.path())
            .map(|c| c.values().sum::<u64>())
            .unwrap_or(0),
        0
    );
}

#[test]
fn search_without_an_index_says_how_to_create_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-index-here");
    let output = connector()
        .args(["search", "anything", "--index-dir"])
        .arg(&missing)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    let shown = missing.display();
    assert!(
        stderr.contains(&format!("error: no index at {shown}"))
            && stderr.contains(&format!("`gitlab-connector sync --index-dir {shown}`")),
        "{stderr}"
    );
    assert!(
        !stderr.contains("choose an empty or new directory"),
        "{stderr}"
    );
}

#[test]
fn a_malformed_settings_file_names_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("sync.yml");
    std::fs::write(
        &file,
        "gitlab:\n  url: https://gitlab.example.com\n  concurency: 4\n",
    )
    .expect("write");
    let output = connector()
        .args(["sync", "--token", "x", "-c"])
        .arg(&file)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("concurency"), "{stderr}");
}

#[test]
fn an_elasticsearch_index_without_the_elasticsearch_sink_is_refused() {
    let sim = Sim::start(Size::Small);
    let dir = tempfile::tempdir().expect("tempdir");
    let run = sync(&sim, dir.path(), &["--index", "search-gitlab"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("add `--sink elasticsearch`"),
        "{}",
        run.stderr
    );
    assert!(
        std::fs::read_dir(dir.path()).map_or(true, |mut entries| entries.next().is_none()),
        "nothing was written to the local index"
    );
}

#[test]
fn check_reports_each_problem_and_exits_non_zero() {
    let sim = Sim::start(Size::Small);
    let good = connector()
        .args([
            "check",
            "--gitlab-url",
            &sim.url,
            "--token",
            crate::util::TOKEN,
        ])
        .output()
        .expect("runs");
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stdout)
    );

    let bad = connector()
        .args([
            "check",
            "--gitlab-url",
            &sim.url,
            "--token",
            crate::util::TOKEN,
            "--projects",
            "ghost/project",
        ])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("ghost/project"));
}

#[test]
fn check_never_shows_credentials_written_into_the_gitlab_url() {
    let sim = Sim::start(Size::Small);
    let url = sim.url.replace("http://", "http://user:GLSECRET@");
    let output = connector()
        .args(["check", "--gitlab-url", &url, "--token", crate::util::TOKEN])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("ok: {}/ accepts the token", sim.url)),
        "{stdout}"
    );
    assert!(!stdout.contains("GLSECRET"), "{stdout}");
}

#[test]
fn log_level_takes_service_level_names_and_refuses_other_words() {
    let sim = Sim::start(Size::Small);
    let dir = tempfile::tempdir().expect("tempdir");
    // The small simulated GitLab has a release with too many links: one WARN line.
    let run = sync(&sim, dir.path(), &["--log-level", "warning"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("WARN"), "{}", run.stderr);

    let run = sync(&sim, dir.path(), &["--log-level", "verbose"]);
    assert_eq!(
        run.code, 1,
        "a bad flag is a failure, not a partial sync: {}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`verbose` is not a log level: use error (or critical), warn"),
        "{}",
        run.stderr
    );

    // `sync` with environment variable `var` set to `value`.
    let sync_with = |var: &str, value: &str| {
        let mut command = connector();
        command.env(var, value);
        command.args(["sync", "--gitlab-url", &sim.url]);
        command.args(["--token", crate::util::TOKEN, "--index-dir"]);
        command.arg(dir.path());
        finish(command.output().expect("runs"))
    };
    let run = sync_with("RUST_LOG", "warning");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("WARN"),
        "RUST_LOG=warning logs warnings: {}",
        run.stderr
    );

    let run = sync_with("RUST_LOG", "verbose");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: RUST_LOG: `verbose` is not a log level: use error (or critical)"),
        "{}",
        run.stderr
    );

    let run = sync_with("GITLAB_CONNECTOR_LOG", "gitlab_client=debug,warn");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("DEBUG"), "{}", run.stderr);
}

#[test]
fn json_logs_are_ecs_lines_and_never_carry_the_token() {
    let sim = Sim::start(Size::Small);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut command = connector();
    command.args([
        "--log-json",
        "--log-level",
        "debug",
        "sync",
        "--gitlab-url",
        &sim.url,
    ]);
    command.args(["--token", "glpat-do-not-log-me", "--index-dir"]);
    command.arg(dir.path());
    let run = finish(command.output().expect("runs"));
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.starts_with('{'))
        .collect();
    assert!(!lines.is_empty(), "no JSON log lines: {}", run.stderr);
    for line in lines {
        let value: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        assert!(
            value["@timestamp"].is_string() && value["log.level"].is_string(),
            "{line}"
        );
    }
    assert!(
        !run.stderr.contains("glpat-do-not-log-me"),
        "token leaked into logs"
    );
}
