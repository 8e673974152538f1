//! Query texts shaped like the connector's (ENDPOINTS.md), at the listed page sizes.

/// Member projects listing.
pub const MEMBER_PROJECTS: &str = r#"query MemberProjects($after: String) {
  projects(membership: true, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id name path fullPath description visibility starCount forksCount createdAt
      lastActivityAt archived webUrl repository { rootRef } group { id fullPath } }
  }
}"#;

/// Note selection.
pub const NOTE_FIELDS: &str = "id body createdAt updatedAt system author { username name } position { newLine oldLine newPath oldPath positionType }";

/// Issues of a project.
pub fn project_issues() -> String {
    format!(
        r#"query ProjectIssues($path: ID!, $after: String, $state: IssuableState, $labelName: [String!], $updatedAfter: Time) {{
  project(fullPath: $path) {{
    workItems(types: [ISSUE], first: 50, after: $after, state: $state, labelName: $labelName, updatedAfter: $updatedAfter) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ id iid title state createdAt updatedAt closedAt webUrl author {{ username name }} workItemType {{ name }}
        widgets(onlyTypes: [DESCRIPTION, ASSIGNEES, LABELS, NOTES]) {{ __typename
          ... on WorkItemWidgetDescription {{ description }}
          ... on WorkItemWidgetAssignees {{ assignees(first: 50) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ username name }} }} }}
          ... on WorkItemWidgetLabels {{ labels(first: 50) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ title }} }} }}
          ... on WorkItemWidgetNotes {{ discussions(first: 50) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ id notes(first: 50) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {NOTE_FIELDS} }} }} }} }} }}
        }}
      }}
    }}
  }}
}}"#
    )
}

/// Epics of a group.
pub fn group_epics() -> String {
    r#"query GroupEpics($path: ID!, $after: String) {
  group(fullPath: $path) {
    workItems(types: [EPIC], first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id iid title state createdAt updatedAt closedAt webUrl author { username name } workItemType { name }
        widgets(onlyTypes: [DESCRIPTION, ASSIGNEES, LABELS, NOTES, HIERARCHY, LINKED_ITEMS]) { __typename
          ... on WorkItemWidgetDescription { description }
          ... on WorkItemWidgetAssignees { assignees(first: 50) { pageInfo { hasNextPage endCursor } nodes { username name } } }
          ... on WorkItemWidgetLabels { labels(first: 50) { pageInfo { hasNextPage endCursor } nodes { title } } }
          ... on WorkItemWidgetNotes { discussions(first: 50) { pageInfo { hasNextPage endCursor } nodes { id notes(first: 50) { pageInfo { hasNextPage endCursor } nodes { id body createdAt updatedAt system author { username name } } } } } }
          ... on WorkItemWidgetHierarchy { parent { id iid title } children(first: 50) { pageInfo { hasNextPage endCursor } nodes { id iid title } } }
          ... on WorkItemWidgetLinkedItems { linkedItems(first: 50) { pageInfo { hasNextPage endCursor } nodes { linkId linkType linkCreatedAt linkUpdatedAt workItem { id iid title } } } }
        }
      }
    }
  }
}"#
    .to_string()
}

/// Merge requests of a project.
pub fn project_merge_requests() -> String {
    format!(
        r#"query ProjectMergeRequests($path: ID!, $after: String) {{
  project(fullPath: $path) {{
    mergeRequests(first: 100, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ id iid title description state createdAt updatedAt mergedAt closedAt webUrl sourceBranch targetBranch userNotesCount
        author {{ username name }} mergeUser {{ username name }}
        assignees(first: 100) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ username name }} }}
        reviewers(first: 100) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ username name }} }}
        approvedBy(first: 100) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ username name }} }}
        labels(first: 100) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ title }} }}
        discussions(first: 100) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ id notes(first: 100) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {NOTE_FIELDS} }} }} }} }}
      }}
    }}
  }}
}}"#
    )
}

/// Releases of a project.
pub const PROJECT_RELEASES: &str = r#"query ProjectReleases($path: ID!, $after: String) {
  project(fullPath: $path) {
    releases(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { tagName name description createdAt releasedAt author { username name } commit { sha title }
        milestones(first: 100) { pageInfo { hasNextPage endCursor } nodes { title } }
        assets { count links(first: 100) { pageInfo { hasNextPage endCursor } nodes { name url linkType } } } }
    }
  }
}"#;
