//! What a crawl of Heroku returns: the raw objects, per enterprise account and per team, and
//! the lists that could not be read. The graph builder turns it into a [`crate::graph::Graph`].

use crate::graph::types;
use crate::heroku::model::{
    Account, AddOn, App, EnterpriseAccount, EnterpriseAccountMember, Team, TeamMember,
};

/// Everything read from Heroku in one crawl.
#[derive(Debug, Default)]
pub struct Estate {
    /// The user the key belongs to (`GET /account`).
    pub user: Option<Account>,
    pub enterprise_accounts: Vec<EnterpriseAccountData>,
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
    /// What the list belongs to, e.g. `team acme-platform`.
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

/// The lists whose failure makes the graph partial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    EnterpriseAccountMembers,
    EnterpriseAccountTeams,
    TeamMembers,
    TeamApps,
    TeamAddons,
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
        }
    }

    /// The entity type the list feeds and every type built from it: the `_type`s that are
    /// incomplete when the list fails.
    #[must_use]
    pub const fn partial_types(self) -> &'static [&'static str] {
        match self {
            Self::EnterpriseAccountMembers => &[types::USER, types::ACCOUNT_HAS_MEMBER],
            // Without the teams, nothing below them was read either.
            Self::EnterpriseAccountTeams => &[
                types::TEAM,
                types::ACCOUNT_HAS_TEAM,
                types::USER,
                types::TEAM_HAS_MEMBER,
                types::APPLICATION,
                types::TEAM_OWNS_APPLICATION,
                types::ADDON,
                types::APPLICATION_HAS_ADDON,
            ],
            // Team members also feed the collaborators who are not enterprise members.
            Self::TeamMembers => &[types::USER, types::TEAM_HAS_MEMBER],
            // Add-ons billed to a missing app lose their relationship.
            Self::TeamApps => &[
                types::APPLICATION,
                types::TEAM_OWNS_APPLICATION,
                types::APPLICATION_HAS_ADDON,
            ],
            Self::TeamAddons => &[types::ADDON, types::APPLICATION_HAS_ADDON],
        }
    }
}
