//! What a crawl of Heroku returns: the raw objects, per enterprise account and per team, and
//! the lists that could not be read. The graph builder turns it into a graph.

use crate::heroku::model::{
    Account, AddOn, AddOnAttachment, App, EnterpriseAccount, EnterpriseAccountMember, Team,
    TeamMember,
};

/// Everything read from Heroku in one crawl.
#[derive(Debug, Default)]
pub struct Estate {
    /// The user the key belongs to (`GET /account`).
    pub user: Option<Account>,
    pub enterprise_accounts: Vec<EnterpriseAccountData>,
    /// Every add-on attachment the key can see (`GET /addon-attachments`): which apps use
    /// which add-ons, also those billed to another app.
    pub attachments: Vec<AddOnAttachment>,
    /// Lists that failed for good; their types are partial in the graph.
    pub failures: Vec<ListFailure>,
}

/// One enterprise account with its members and teams.
#[derive(Debug)]
pub struct EnterpriseAccountData {
    pub account: EnterpriseAccount,
    pub members: Vec<EnterpriseAccountMember>,
    pub teams: Vec<TeamData>,
}

/// One team with its members, apps and add-ons.
#[derive(Debug)]
pub struct TeamData {
    pub team: Team,
    pub members: Vec<TeamMember>,
    pub apps: Vec<App>,
    pub addons: Vec<AddOn>,
}

/// A list call that failed for good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFailure {
    pub list: ListKind,
    /// The `_key` of the entity the list belongs to (the enterprise account's or team's id):
    /// what the explorer matches the failure to.
    pub owner: String,
    /// What the list belongs to, in words, e.g. `team acme-platform`.
    pub target: String,
    /// The actionable reason, e.g. the missing OAuth scope.
    pub reason: String,
}

impl ListFailure {
    /// `"<list> of <target>: <reason>"`.
    #[must_use]
    pub fn describe(&self) -> String {
        format!("{} of {}: {}", self.list.label(), self.target, self.reason)
    }
}

/// The lists whose failure makes the graph partial (which `_type`s each one reads is in
/// the graph's `types` table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    EnterpriseAccountMembers,
    EnterpriseAccountTeams,
    TeamMembers,
    TeamApps,
    TeamAddons,
    AddonAttachments,
}

impl ListKind {
    /// What the list is called in messages.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::EnterpriseAccountMembers => "members",
            Self::EnterpriseAccountTeams => "teams",
            Self::TeamMembers => "team members",
            Self::TeamApps => "apps",
            Self::TeamAddons => "add-ons",
            Self::AddonAttachments => "add-on attachments",
        }
    }
}
