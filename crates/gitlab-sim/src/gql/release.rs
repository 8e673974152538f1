//! `Release`, `ReleaseAssets`, `ReleaseAssetLink`, `Milestone`, `Commit`.

use async_graphql::{Object, Result};

use crate::data::releases::ReleaseData;
use crate::data::text;

use super::enums::{MilestoneStateEnum, ReleaseAssetLinkType};
use super::page::{PageArgs, connection, paginate_list};
use super::scalars::{ReleaseId, Time};
use super::users::UserCore;

/// `Release`.
#[derive(Debug, Clone)]
pub struct Release {
    /// Data.
    pub data: ReleaseData,
    /// Project index.
    pub project: usize,
    /// Project web URL.
    pub project_url: String,
}

#[Object(name = "Release")]
impl Release {
    /// Global id.
    async fn id(&self) -> ReleaseId {
        ReleaseId(format!(
            "gid://gitlab/Release/{}",
            self.project * 1000 + self.data.created_at as usize % 1000
        ))
    }
    /// Tag name.
    async fn tag_name(&self) -> Option<&str> {
        Some(&self.data.tag)
    }
    /// Tag path.
    async fn tag_path(&self) -> Option<String> {
        Some(format!("/-/tags/{}", self.data.tag))
    }
    /// Name.
    async fn name(&self) -> Option<&str> {
        Some(&self.data.name)
    }
    /// Markdown notes.
    async fn description(&self) -> Option<&str> {
        self.data.description.as_deref()
    }
    /// Creation time.
    async fn created_at(&self) -> Option<Time> {
        Some(Time::at(self.data.created_at))
    }
    /// Release time.
    async fn released_at(&self) -> Option<Time> {
        Some(Time::at(self.data.released_at))
    }
    /// Upcoming release flag.
    async fn upcoming_release(&self) -> Option<bool> {
        Some(false)
    }
    /// Historical release flag.
    async fn historical_release(&self) -> Option<bool> {
        Some(false)
    }
    /// Author.
    async fn author(&self) -> Option<UserCore> {
        Some(UserCore::of(self.data.author))
    }
    /// Tagged commit.
    async fn commit(&self) -> Option<Commit> {
        Some(Commit {
            sha: self.data.sha(self.project),
            title: format!("Prepare {}", self.data.tag),
            project_url: self.project_url.clone(),
        })
    }
    /// Milestones.
    async fn milestones(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<MilestoneConnection>> {
        let all = (0..self.data.milestones)
            .map(|i| Milestone {
                index: i,
                project: self.project,
                tag: self.data.tag.clone(),
            })
            .collect();
        Ok(Some(MilestoneConnection::from_page(paginate_list(
            all,
            &PageArgs {
                after,
                before,
                first,
                last,
            },
            "milestones",
        )?)))
    }
    /// Assets.
    async fn assets(&self) -> Option<ReleaseAssets> {
        Some(ReleaseAssets(self.clone()))
    }
}

connection!(
    ReleaseConnection,
    "ReleaseConnection",
    ReleaseEdge,
    "ReleaseEdge",
    Release,
    count
);

/// `ReleaseAssets`.
pub struct ReleaseAssets(Release);

#[Object(name = "ReleaseAssets")]
impl ReleaseAssets {
    /// Number of assets (links plus the four source archives).
    async fn count(&self) -> Option<i32> {
        Some(self.0.data.links as i32 + 4)
    }
    /// Asset links.
    async fn links(
        &self,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<ReleaseAssetLinkConnection>> {
        let all = (0..self.0.data.links)
            .map(|i| ReleaseAssetLink {
                index: i,
                base: format!("{}/-/releases/{}", self.0.project_url, self.0.data.tag),
            })
            .collect();
        Ok(Some(ReleaseAssetLinkConnection::from_page(paginate_list(
            all,
            &PageArgs {
                after,
                before,
                first,
                last,
            },
            "links",
        )?)))
    }
}

/// `ReleaseAssetLink`.
#[derive(Debug, Clone)]
pub struct ReleaseAssetLink {
    index: u32,
    base: String,
}

#[Object(name = "ReleaseAssetLink")]
impl ReleaseAssetLink {
    /// Global id.
    async fn id(&self) -> async_graphql::ID {
        async_graphql::ID(format!("gid://gitlab/Releases::Link/{}", self.index + 1))
    }
    /// Name.
    async fn name(&self) -> Option<String> {
        Some(format!("artifact-{:03}.tar.gz", self.index))
    }
    /// URL.
    async fn url(&self) -> Option<String> {
        Some(format!(
            "{}/downloads/artifact-{:03}.tar.gz",
            self.base, self.index
        ))
    }
    /// Direct asset URL.
    async fn direct_asset_url(&self) -> Option<String> {
        Some(format!(
            "{}/downloads/artifact-{:03}.tar.gz",
            self.base, self.index
        ))
    }
    /// Link type.
    async fn link_type(&self) -> Option<ReleaseAssetLinkType> {
        Some(if self.index.is_multiple_of(2) {
            ReleaseAssetLinkType::Package
        } else {
            ReleaseAssetLinkType::Other
        })
    }
}

connection!(
    ReleaseAssetLinkConnection,
    "ReleaseAssetLinkConnection",
    ReleaseAssetLinkEdge,
    "ReleaseAssetLinkEdge",
    ReleaseAssetLink
);

/// `Milestone`.
#[derive(Debug, Clone)]
pub struct Milestone {
    index: u32,
    project: usize,
    tag: String,
}

#[Object(name = "Milestone")]
impl Milestone {
    /// Global id.
    async fn id(&self) -> async_graphql::ID {
        async_graphql::ID(format!(
            "gid://gitlab/Milestone/{}",
            self.project * 1000 + self.index as usize + 1
        ))
    }
    /// Internal id.
    async fn iid(&self) -> async_graphql::ID {
        async_graphql::ID((self.index + 1).to_string())
    }
    /// Title.
    async fn title(&self) -> String {
        format!("{} milestone {}", self.tag, self.index + 1)
    }
    /// State.
    async fn state(&self) -> MilestoneStateEnum {
        MilestoneStateEnum::Closed
    }
    /// Creation time.
    async fn created_at(&self) -> Time {
        Time::at(text::EPOCH_BASE + i64::from(self.index) * 3_600)
    }
}

connection!(
    MilestoneConnection,
    "MilestoneConnection",
    MilestoneEdge,
    "MilestoneEdge",
    Milestone
);

/// `Commit`.
#[derive(Debug, Clone)]
pub struct Commit {
    sha: String,
    title: String,
    project_url: String,
}

#[Object(name = "Commit")]
impl Commit {
    /// Global id.
    async fn id(&self) -> async_graphql::ID {
        async_graphql::ID(format!("gid://gitlab/CommitPresenter/{}", self.sha))
    }
    /// SHA.
    async fn sha(&self) -> &str {
        &self.sha
    }
    /// Short SHA.
    async fn short_id(&self) -> &str {
        &self.sha[..8]
    }
    /// Title.
    async fn title(&self) -> Option<&str> {
        Some(&self.title)
    }
    /// Message.
    async fn message(&self) -> Option<String> {
        Some(format!("{}\n\nSigned-off-by: Release Bot", self.title))
    }
    /// Web URL.
    async fn web_url(&self) -> String {
        format!("{}/-/commit/{}", self.project_url, self.sha)
    }
}
