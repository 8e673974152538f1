//! GitLab's custom scalars (`Time`, global id scalars) as string newtypes.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

macro_rules! string_scalar {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $class:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $ty(pub String);

        #[Scalar(name = $name)]
        impl ScalarType for $ty {
            fn parse(value: Value) -> InputValueResult<Self> {
                let Value::String(s) = value else {
                    return Err(InputValueError::expected_type(value));
                };
                let class: Option<&[&str]> = $class;
                if let Some(classes) = class {
                    let ok = classes.iter().any(|c| {
                        s.strip_prefix("gid://gitlab/")
                            .and_then(|r| r.strip_prefix(c))
                            .and_then(|r| r.strip_prefix('/'))
                            .is_some_and(|n| !n.is_empty())
                    });
                    if !ok {
                        return Err(InputValueError::custom(format!(
                            "\"{s}\" does not represent an instance of {}",
                            classes[0]
                        )));
                    }
                }
                Ok($ty(s))
            }

            fn to_value(&self) -> Value {
                Value::String(self.0.clone())
            }
        }
    };
}

string_scalar!(
    /// ISO-8601 timestamp (`Time`).
    Time, "Time", None
);
string_scalar!(
    /// `gid://gitlab/WorkItem/<n>`.
    WorkItemId, "WorkItemID", Some(&["WorkItem"])
);
string_scalar!(
    /// `gid://gitlab/Note/<n>` (or a subclass such as `DiffNote`).
    NoteId, "NoteID", Some(&["Note", "DiffNote", "DiscussionNote", "LegacyDiffNote"])
);
string_scalar!(
    /// `gid://gitlab/MergeRequest/<n>`.
    MergeRequestId, "MergeRequestID", Some(&["MergeRequest"])
);
string_scalar!(
    /// `gid://gitlab/Discussion/<sha>`.
    DiscussionId, "DiscussionID", None
);
string_scalar!(
    /// `gid://gitlab/WorkItems::Type/<n>`.
    WorkItemsTypeId, "WorkItemsTypeID", None
);
string_scalar!(
    /// `gid://gitlab/WorkItems::RelatedWorkItemLink/<n>`.
    WorkItemsRelatedWorkItemLinkId, "WorkItemsRelatedWorkItemLinkID", None
);
string_scalar!(
    /// `gid://gitlab/User/<n>`.
    UserId, "UserID", None
);
string_scalar!(
    /// `gid://gitlab/ProjectLabel/<n>`.
    LabelId, "LabelID", None
);
string_scalar!(
    /// `gid://gitlab/Release/<n>`.
    ReleaseId, "ReleaseID", None
);

impl Time {
    /// From epoch seconds.
    pub fn at(secs: i64) -> Self {
        Time(crate::data::text::time(secs))
    }
}

/// Numeric tail of a global id (`gid://gitlab/WorkItem/12` → 12).
pub fn gid_number(gid: &str) -> Option<u64> {
    gid.rsplit('/').next()?.parse().ok()
}

/// Parses a `Time` argument into epoch seconds.
pub fn parse_time_arg(t: &Time) -> async_graphql::Result<i64> {
    crate::data::text::parse_time(&t.0)
        .ok_or_else(|| async_graphql::Error::new(format!("\"{}\" is not a valid Time", t.0)))
}
