//! User types. GitLab exposes the same fields under several type names (`UserCore`,
//! `MergeRequestAuthor`, `MergeRequestAssignee`, `MergeRequestReviewer`, `CurrentUser`).

use async_graphql::Object;

use crate::data::text::{self, User};
use crate::data::world::WEB_BASE;

use super::page::connection;
use super::scalars::UserId;

macro_rules! user_type {
    ($ty:ident, $name:literal) => {
        #[doc = concat!("`", $name, "`.")]
        #[derive(Debug, Clone)]
        pub struct $ty(pub User);

        #[Object(name = $name)]
        impl $ty {
            /// Global id.
            async fn id(&self) -> UserId {
                UserId(format!("gid://gitlab/User/{}", self.0.id))
            }
            /// Username.
            async fn username(&self) -> &str {
                &self.0.username
            }
            /// Display name.
            async fn name(&self) -> &str {
                &self.0.name
            }
            /// Profile URL.
            async fn web_url(&self) -> String {
                format!("{WEB_BASE}/{}", self.0.username)
            }
            /// Avatar URL.
            async fn avatar_url(&self) -> Option<String> {
                None
            }
        }

        impl $ty {
            /// User number `k`.
            pub fn of(k: u32) -> Self {
                $ty(text::user(k))
            }
        }
    };
}

user_type!(UserCore, "UserCore");
user_type!(MergeRequestAuthor, "MergeRequestAuthor");
user_type!(MergeRequestAssignee, "MergeRequestAssignee");
user_type!(MergeRequestReviewer, "MergeRequestReviewer");
user_type!(CurrentUser, "CurrentUser");

impl CurrentUser {
    /// The token's owner.
    pub fn token_owner() -> Self {
        CurrentUser(User {
            id: 1,
            username: crate::data::world::CURRENT_USERNAME.into(),
            name: "Simulator Admin".into(),
        })
    }
}

connection!(
    UserCoreConnection,
    "UserCoreConnection",
    UserCoreEdge,
    "UserCoreEdge",
    UserCore,
    count
);
connection!(
    MergeRequestAssigneeConnection,
    "MergeRequestAssigneeConnection",
    MergeRequestAssigneeEdge,
    "MergeRequestAssigneeEdge",
    MergeRequestAssignee,
    count
);
connection!(
    MergeRequestReviewerConnection,
    "MergeRequestReviewerConnection",
    MergeRequestReviewerEdge,
    "MergeRequestReviewerEdge",
    MergeRequestReviewer,
    count
);

/// `Label`.
#[derive(Debug, Clone)]
pub struct Label(pub u32);

#[Object(name = "Label")]
impl Label {
    /// Global id.
    async fn id(&self) -> super::scalars::LabelId {
        super::scalars::LabelId(format!("gid://gitlab/ProjectLabel/{}", 500 + self.0))
    }
    /// Title.
    async fn title(&self) -> String {
        text::label(self.0)
    }
    /// Background colour.
    async fn color(&self) -> String {
        format!("#{:06x}", text::hash(&[u64::from(self.0)]) & 0xff_ffff)
    }
    /// Description.
    async fn description(&self) -> Option<String> {
        None
    }
}

connection!(
    LabelConnection,
    "LabelConnection",
    LabelEdge,
    "LabelEdge",
    Label,
    count
);
