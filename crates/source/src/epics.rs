//! The epics of one group (`GroupEpics`), fetched once per immediate parent group.

use std::sync::atomic::{AtomicBool, Ordering};

use connector_core::{ObjectKind, ScopeKey};
use gitlab_client::GitlabClient;
use gitlab_client::graphql::group_epics::{self, GroupEpicsVariables};
use gitlab_client::graphql::work_item::EpicWorkItem;
use gitlab_client::graphql::{Time, WORK_ITEMS_PAGE_SIZE};

use crate::Error;
use crate::emit::{Closed, Emitter, Problems};
use crate::listing::Pager;
use crate::settings::SourceSettings;
use crate::walk::each_item;
use crate::work_items::{Owner, WorkItemData};

/// Whether GitLab's error says epics do not exist on this tier or edition (Free tier, CE).
fn epics_unavailable(error: &Error) -> bool {
    let Error::Graphql { messages, .. } = error else {
        return false;
    };
    messages.iter().any(|message| {
        let message = message.to_lowercase();
        [
            "not available",
            "unavailable",
            "licensed",
            "premium",
            "ultimate",
            "not supported",
        ]
        .iter()
        .any(|needle| message.contains(needle))
            || (message.contains("epic") && message.contains("invalid"))
    })
}

/// Lists, completes and emits every epic of the group. `unavailable_logged` makes the
/// "no epics on this tier" notice appear once per sync.
pub(crate) async fn sync(
    client: &GitlabClient,
    settings: &SourceSettings,
    group_path: &str,
    group_id: Option<&str>,
    unavailable_logged: &AtomicBool,
    out: &Emitter,
) -> Result<(), Closed> {
    let scope = ScopeKey::Group {
        group_path: group_path.to_owned(),
        kind: ObjectKind::Epics,
    };
    let pager = Pager::new(
        format!("GroupEpics {group_path}"),
        group_epics::CONNECTION_PATH,
        WORK_ITEMS_PAGE_SIZE,
    );
    let build = |first, after| {
        group_epics::build(GroupEpicsVariables {
            full_path: cynic::Id::new(group_path),
            first,
            after,
            state: None,
            updated_after: settings.updated_after.clone().map(Time),
        })
    };
    let owner = &Owner::Group {
        path: group_path,
        id: group_id,
    };
    let failed = each_item(
        client,
        out,
        pager,
        build,
        ("epic", &scope),
        |item: EpicWorkItem| async move {
            let mut problems = Problems::default();
            let mut data = WorkItemData::from_epic(item);
            data.complete(client, group_path, &mut problems).await;
            (data.document(owner), problems)
        },
    )
    .await?;
    match failed {
        Some(error) if epics_unavailable(&error) => {
            if !unavailable_logged.swap(true, Ordering::Relaxed) {
                tracing::info!(group = group_path, error = %error, "epics are not available on this GitLab tier; skipping epics");
            }
            Ok(())
        }
        Some(error) => out.incomplete(scope, error.to_string()).await,
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_errors_are_recognised_and_others_are_not() {
        let graphql = |m: &str| Error::Graphql {
            what: "GroupEpics g".into(),
            messages: vec![m.into()],
        };
        assert!(epics_unavailable(&graphql(
            "Epics are not available for this group (requires Premium)"
        )));
        assert!(epics_unavailable(&graphql(
            "Argument 'types' on Field 'workItems' has an invalid value ([EPIC])"
        )));
        assert!(!epics_unavailable(&graphql("Internal server error")));
        assert!(!epics_unavailable(&Error::Missing {
            what: "GroupEpics g".into()
        }));
    }
}
