//! What a crawl of Heroku reads: the raw objects, per enterprise account and per team, and
//! the lists that could not be read. The crawl hands each page to a [`Sink`] as it arrives:
//! [`Collector`] keeps them as an [`Estate`] (which the batch graph builder turns into a
//! graph), the streaming graph builder turns them into graph objects at once.

use std::sync::Mutex;

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

/// Which list a page belongs to: `account` is the enterprise account's position in
/// `/enterprise-accounts`, `team` the team's position in that account's teams list.
/// Ordered as the estate is (an account's members, its teams, then each team's members,
/// apps and add-ons; the attachments last): the order failures are reported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListAt {
    AccountMembers { account: usize },
    AccountTeams { account: usize },
    TeamMembers { account: usize, team: usize },
    TeamApps { account: usize, team: usize },
    TeamAddons { account: usize, team: usize },
    Attachments,
}

impl ListAt {
    /// The list's kind.
    #[must_use]
    pub const fn kind(self) -> ListKind {
        match self {
            Self::AccountMembers { .. } => ListKind::EnterpriseAccountMembers,
            Self::AccountTeams { .. } => ListKind::EnterpriseAccountTeams,
            Self::TeamMembers { .. } => ListKind::TeamMembers,
            Self::TeamApps { .. } => ListKind::TeamApps,
            Self::TeamAddons { .. } => ListKind::TeamAddons,
            Self::Attachments => ListKind::AddonAttachments,
        }
    }

    /// Where the list sits in the estate's order: (account, team + 1 or 0, list).
    #[must_use]
    pub const fn position(self) -> (usize, usize, u8) {
        match self {
            Self::AccountMembers { account } => (account, 0, 0),
            Self::AccountTeams { account } => (account, 0, 1),
            Self::TeamMembers { account, team } => (account, team + 1, 0),
            Self::TeamApps { account, team } => (account, team + 1, 1),
            Self::TeamAddons { account, team } => (account, team + 1, 2),
            Self::Attachments => (usize::MAX, 0, 0),
        }
    }
}

/// One page of a list: the objects not seen on its earlier pages.
#[derive(Debug)]
pub enum Page {
    AccountMembers(Vec<EnterpriseAccountMember>),
    Teams(Vec<Team>),
    TeamMembers(Vec<TeamMember>),
    Apps(Vec<App>),
    Addons(Vec<AddOn>),
    Attachments(Vec<AddOnAttachment>),
}

impl Page {
    /// How many objects the page holds.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::AccountMembers(v) => v.len(),
            Self::Teams(v) => v.len(),
            Self::TeamMembers(v) => v.len(),
            Self::Apps(v) => v.len(),
            Self::Addons(v) => v.len(),
            Self::Attachments(v) => v.len(),
        }
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where a crawl delivers what it reads, as it reads it. Calls come from the crawl's
/// concurrent requests (hence `&self` and `Sync`); a list's pages come in order, and a list
/// is delivered only after the one it depends on ended (an account's teams before any team's
/// lists).
pub trait Sink: Sync {
    /// The enterprise accounts, in the order listed; called once, before any page.
    fn accounts(&self, accounts: Vec<EnterpriseAccount>);
    /// One page of `list`.
    fn page(&self, list: ListAt, page: Page);
    /// The pages of `list` so far are void: it starts again (the add-ons of a team read per
    /// app after the team's list was refused).
    fn restart(&self, list: ListAt);
    /// `list` ended: complete, or failed for good (its pages are then void).
    fn end(&self, list: ListAt, failure: Option<ListFailure>);
}

/// A [`Sink`] that keeps everything as an [`Estate`], exactly as read.
#[derive(Debug, Default)]
pub struct Collector {
    estate: Mutex<Estate>,
    failures: Mutex<Vec<(ListAt, ListFailure)>>,
}

impl Collector {
    /// The estate read, with the key's user; failures in the estate's order.
    #[must_use]
    pub fn into_estate(self, user: Option<Account>) -> Estate {
        let mut estate = self
            .estate
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut failures = self
            .failures
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // In the estate's order, whatever order the lists ended in.
        failures.sort_by_key(|(at, _)| at.position());
        estate.failures = failures.into_iter().map(|(_, f)| f).collect();
        estate.user = user;
        estate
    }

    fn with<R>(&self, f: impl FnOnce(&mut Estate) -> R) -> R {
        f(&mut self
            .estate
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

fn team_of(estate: &mut Estate, account: usize, team: usize) -> Option<&mut TeamData> {
    estate
        .enterprise_accounts
        .get_mut(account)?
        .teams
        .get_mut(team)
}

impl Sink for Collector {
    fn accounts(&self, accounts: Vec<EnterpriseAccount>) {
        self.with(|e| {
            e.enterprise_accounts = accounts
                .into_iter()
                .map(|account| EnterpriseAccountData {
                    account,
                    members: Vec::new(),
                    teams: Vec::new(),
                })
                .collect();
        });
    }

    fn page(&self, list: ListAt, page: Page) {
        self.with(|e| match (list, page) {
            (ListAt::AccountMembers { account }, Page::AccountMembers(v)) => {
                if let Some(a) = e.enterprise_accounts.get_mut(account) {
                    a.members.extend(v);
                }
            }
            (ListAt::AccountTeams { account }, Page::Teams(v)) => {
                if let Some(a) = e.enterprise_accounts.get_mut(account) {
                    a.teams.extend(v.into_iter().map(|team| TeamData {
                        team,
                        members: Vec::new(),
                        apps: Vec::new(),
                        addons: Vec::new(),
                    }));
                }
            }
            (ListAt::TeamMembers { account, team }, Page::TeamMembers(v)) => {
                if let Some(t) = team_of(e, account, team) {
                    t.members.extend(v);
                }
            }
            (ListAt::TeamApps { account, team }, Page::Apps(v)) => {
                if let Some(t) = team_of(e, account, team) {
                    t.apps.extend(v);
                }
            }
            (ListAt::TeamAddons { account, team }, Page::Addons(v)) => {
                if let Some(t) = team_of(e, account, team) {
                    t.addons.extend(v);
                }
            }
            (ListAt::Attachments, Page::Attachments(v)) => e.attachments.extend(v),
            (list, page) => debug_assert!(false, "{list:?} got {page:?}"),
        });
    }

    fn restart(&self, list: ListAt) {
        self.with(|e| match list {
            ListAt::AccountMembers { account } => {
                if let Some(a) = e.enterprise_accounts.get_mut(account) {
                    a.members.clear();
                }
            }
            ListAt::AccountTeams { account } => {
                if let Some(a) = e.enterprise_accounts.get_mut(account) {
                    a.teams.clear();
                }
            }
            ListAt::TeamMembers { account, team } => {
                if let Some(t) = team_of(e, account, team) {
                    t.members.clear();
                }
            }
            ListAt::TeamApps { account, team } => {
                if let Some(t) = team_of(e, account, team) {
                    t.apps.clear();
                }
            }
            ListAt::TeamAddons { account, team } => {
                if let Some(t) = team_of(e, account, team) {
                    t.addons.clear();
                }
            }
            ListAt::Attachments => e.attachments.clear(),
        });
    }

    fn end(&self, list: ListAt, failure: Option<ListFailure>) {
        let Some(failure) = failure else { return };
        self.restart(list);
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((list, failure));
    }
}
