//! Advanced sync rules pushed down into the GitLab queries: the source's per-project and
//! per-group planners built from [`AdvancedRules`], so what the rules exclude is never fetched.
//! The same rules still filter every document afterwards (labels to exclude, for instance,
//! cannot be pushed down).

use std::sync::Arc;

use gitlab_source::{
    IssuableState, IssueFilter, MergeRequestFilter, MergeRequestState, Planner, ProjectOverrides,
    ReadmeSelection, SourceSettings,
};
use sync_rules::advanced::{IssueState, MergeRequestState as RuleMrState};
use sync_rules::{AdvancedRules, ProjectPlan};

/// Installs planners for `rules` in `settings`; without advanced rules, nothing changes.
pub fn apply(rules: &AdvancedRules, settings: &mut SourceSettings) {
    if rules.is_empty() {
        return;
    }
    let for_projects = rules.clone();
    let project: Planner = Arc::new(move |path: &str| {
        for_projects
            .plan_for_project(path)
            .map(|plan| overrides(&plan))
    });
    let for_groups = rules.clone();
    let group: Planner =
        Arc::new(move |path: &str| for_groups.plan_for_group(path).map(|plan| overrides(&plan)));
    settings.project_planner = Some(project);
    settings.group_planner = Some(group);
}

/// The source's view of one plan.
fn overrides(plan: &ProjectPlan) -> ProjectOverrides {
    ProjectOverrides {
        kinds: plan.kinds.iter().copied().collect(),
        issues: IssueFilter {
            state: plan.issues.state.map(|state| match state {
                IssueState::Opened => IssuableState::Opened,
                IssueState::Closed => IssuableState::Closed,
            }),
            labels: plan.issues.labels_include.clone(),
        },
        merge_requests: MergeRequestFilter {
            state: plan.merge_requests.state.map(|state| match state {
                RuleMrState::Opened => MergeRequestState::Opened,
                RuleMrState::Closed => MergeRequestState::Closed,
                RuleMrState::Merged => MergeRequestState::Merged,
                RuleMrState::Locked => MergeRequestState::Locked,
            }),
            labels: plan.merge_requests.labels_include.clone(),
        },
        updated_after: plan.updated_after_rfc3339(),
        readmes: plan.readmes.clone().map(|globs| ReadmeSelection {
            recursive: globs.needs_recursive_tree(),
            matches: Arc::new(move |path: &str| globs.matches(path)),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connector_core::ObjectKind;

    #[test]
    fn plans_become_source_overrides() {
        let rules = AdvancedRules::from_value(&serde_json::json!([
            {
                "projects": "acme/*",
                "types": ["issues", "files"],
                "issues": {"state": "opened", "labels": {"include": ["bug"], "exclude": ["x"]}},
                "updated_after": "2024-01-01",
                "readmes": ["docs/README.md"]
            }
        ]))
        .expect("valid rules");
        let mut settings = SourceSettings::default();
        apply(&rules, &mut settings);
        let planner = settings.project_planner.expect("planner installed");
        assert!(planner("other/app").is_none());
        let plan = planner("acme/app").expect("matched");
        assert_eq!(
            plan.kinds,
            [ObjectKind::Issues, ObjectKind::Files]
                .into_iter()
                .collect()
        );
        assert_eq!(plan.issues.state, Some(IssuableState::Opened));
        assert_eq!(plan.issues.labels, ["bug"]);
        assert_eq!(plan.updated_after.as_deref(), Some("2024-01-01T00:00:00Z"));
        let readmes = plan.readmes.expect("globs");
        assert!(readmes.recursive);
        assert!((readmes.matches)("docs/README.md"));
        assert!(!(readmes.matches)("README.md"));
        assert!(settings.group_planner.is_some());
    }
}
