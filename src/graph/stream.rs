//! Builds the graph while the crawl runs: a [`Sink`] that turns each page into graph objects
//! as it arrives, so the parsed Heroku objects are dropped page by page and never all exist
//! at once.
//!
//! Pages arrive in any order (lists run concurrently), while the graph must not depend on it:
//! each page's entities and relationships join one list of each in arrival order, their
//! positions filed under the list they belong to (an account's members, a team's apps, …),
//! and [`StreamBuilder::finish`] hands the positions to the batch builder's rules in the
//! estate's order. So a user seen first in a team and later in an account, an add-on
//! reached from several lists, a duplicate id and a failed list come out exactly as
//! [`super::build`] makes them from the whole [`crate::estate::Estate`] (the tests compare
//! the two). Finishing puts the two lists in the estate's order in place: the graph's largest
//! lists never exist twice.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::Graph;
use super::builder::{
    AccountMember, Attachment, Builder, Sizes, TeamMemberOf, account_entity, addon_entity,
    application_entity, at, billing_relationship, team_entity,
};
use super::entity::{Entity, Relationship};
use crate::estate::{ListAt, ListFailure, Page, Sink};
use crate::heroku::model::{EnterpriseAccount, Str};

/// An entity as it will sit in the graph: its buffers without room to grow (they wait in
/// the builder until the crawl ends).
fn compact(mut e: Entity) -> Entity {
    e.properties.shrink_to_fit();
    e.raw_data.shrink_to_fit();
    e
}

fn compact_relationship(mut r: Relationship) -> Relationship {
    r.properties.shrink_to_fit();
    r
}

/// The graph objects of one list (or their positions in [`State`]'s lists), page by page,
/// and its failure.
#[derive(Clone)]
struct List<T> {
    pages: Vec<Vec<T>>,
    failure: Option<ListFailure>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        Self {
            pages: Vec::new(),
            failure: None,
        }
    }
}

impl<T> List<T> {
    fn len(&self) -> usize {
        self.pages.iter().map(Vec::len).sum()
    }

    fn items(&self) -> impl Iterator<Item = &T> {
        self.pages.iter().flatten()
    }

    fn restart(&mut self) {
        self.pages = Vec::new();
    }

    fn end(&mut self, failure: Option<ListFailure>) {
        if failure.is_some() {
            self.restart();
        }
        self.failure = failure;
    }
}

#[derive(Clone)]
struct AccountSlot {
    id: Str,
    name: Str,
    /// The account's position in [`State::entities`].
    entity: u32,
    members: List<AccountMember>,
    teams: List<TeamSlot>,
}

#[derive(Clone)]
struct TeamSlot {
    id: Str,
    name: Str,
    /// Positions in [`State::entities`] (and in [`State::relationships`] for the add-ons'
    /// billing relationships).
    entity: u32,
    members: List<TeamMemberOf>,
    apps: List<u32>,
    addons: List<(u32, Option<u32>)>,
}

#[derive(Default, Clone)]
struct State {
    accounts: Vec<AccountSlot>,
    attachments: List<Attachment>,
    /// The entities of every page, in the order pages arrived (those of a restarted or
    /// failed list stay until [`StreamBuilder::finish`] drops them).
    entities: Vec<Entity>,
    /// The add-ons' billing relationships, in the order pages arrived.
    relationships: Vec<Relationship>,
}

impl State {
    /// Adds a page's entities: their positions.
    fn add(&mut self, page: Vec<Entity>) -> Vec<u32> {
        let start = self.entities.len();
        self.entities.extend(page);
        (start..self.entities.len()).map(at).collect()
    }
}

impl State {
    fn team(&mut self, account: usize, team: usize) -> Option<&mut TeamSlot> {
        self.accounts
            .get_mut(account)?
            .teams
            .pages
            .iter_mut()
            .flatten()
            .nth(team)
    }

    /// The id and name of a team (pages are looked up outside the lock with them).
    fn team_head(&self, account: usize, team: usize) -> Option<(Str, Str)> {
        let t = self.accounts.get(account)?.teams.items().nth(team)?;
        Some((t.id.clone(), t.name.clone()))
    }
}

/// The streaming graph builder: give it to [`crate::collect::crawl_into`], then
/// [`StreamBuilder::finish`] it. Dropping it (after a cancelled or failed crawl) drops
/// everything read.
#[derive(Default)]
pub struct StreamBuilder {
    state: Mutex<State>,
    /// Counts the calls that changed what was read (see [`StreamBuilder::changes`]).
    changes: AtomicU64,
    /// Objects read so far (see [`StreamBuilder::objects`]).
    objects: AtomicU64,
}

impl std::fmt::Debug for StreamBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StreamBuilder")
    }
}

impl StreamBuilder {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Grows with every page and every list that ends: a snapshot is stale when it differs.
    #[must_use]
    pub fn changes(&self) -> u64 {
        self.changes.load(Ordering::Relaxed)
    }

    /// How many objects the pages so far held (void pages included): what a
    /// [`StreamBuilder::snapshot`] would copy.
    #[must_use]
    pub fn objects(&self) -> u64 {
        self.objects.load(Ordering::Relaxed)
    }

    /// The graph of what was read so far, for a live view while the crawl runs: lists still
    /// being read count with the pages they have (a list that fails later loses them). It
    /// copies what was read, so take one now and then, not after every page. Never upload
    /// it: only [`StreamBuilder::finish`] after a complete crawl gives the estate's graph.
    #[must_use]
    pub fn snapshot(&self) -> (Graph, Vec<ListFailure>) {
        let state = self.with(|s| s.clone());
        assemble(state)
    }

    /// The graph of everything read, and the lists that failed (in the estate's order).
    #[must_use]
    pub fn finish(self) -> (Graph, Vec<ListFailure>) {
        assemble(
            self.state
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

/// Hands the objects read to the batch builder's rules in the estate's order.
fn assemble(state: State) -> (Graph, Vec<ListFailure>) {
    let State {
        accounts,
        attachments,
        entities,
        relationships,
    } = state;
    let mut sizes = Sizes {
        accounts: accounts.len(),
        attachments: attachments.len(),
        ..Sizes::default()
    };
    for a in &accounts {
        sizes.account_members += a.members.len();
        sizes.teams += a.teams.len();
        for t in a.teams.items() {
            sizes.team_members += t.members.len();
            sizes.apps += t.apps.len();
            sizes.addons += t.addons.len();
        }
    }
    let mut b = Builder::adopting(&sizes, entities, relationships);
    let mut failures = Vec::new();
    let mut rest = Vec::with_capacity(accounts.len());
    for a in accounts {
        let AccountSlot {
            id,
            name,
            entity,
            members,
            teams,
        } = a;
        b.keep_at(entity);
        for m in members.pages.into_iter().flatten() {
            b.account_member(&id, &name, m);
        }
        failures.extend(members.failure);
        rest.push((id, teams));
    }
    let mut team_failures = Vec::new();
    for (account_id, teams) in rest {
        team_failures.extend(teams.failure);
        for t in teams.pages.into_iter().flatten() {
            b.team_entity(&account_id, t.entity);
            for m in t.members.pages.into_iter().flatten() {
                b.team_member(&t.id, m);
            }
            for app in t.apps.pages.into_iter().flatten() {
                b.app(&t.id, app);
            }
            for (addon, billing) in t.addons.pages.into_iter().flatten() {
                b.addon(addon, billing);
            }
            team_failures.extend(t.members.failure);
            team_failures.extend(t.apps.failure);
            team_failures.extend(t.addons.failure);
        }
    }
    for a in attachments.pages.into_iter().flatten() {
        b.attachment(a.relationship());
    }
    failures.extend(team_failures);
    failures.extend(attachments.failure);
    (b.finish(&failures), failures)
}

impl Sink for StreamBuilder {
    fn accounts(&self, accounts: Vec<EnterpriseAccount>) {
        let entities: Vec<Entity> = accounts
            .iter()
            .map(|a| compact(account_entity(a)))
            .collect();
        self.changes.fetch_add(1, Ordering::Relaxed);
        self.with(|s| {
            let positions = s.add(entities);
            s.accounts = accounts
                .into_iter()
                .zip(positions)
                .map(|(a, entity)| AccountSlot {
                    entity,
                    id: a.id,
                    name: a.name,
                    members: List::default(),
                    teams: List::default(),
                })
                .collect();
        });
    }

    fn page(&self, list: ListAt, page: Page) {
        self.changes.fetch_add(1, Ordering::Relaxed);
        self.objects.fetch_add(
            u64::try_from(page.len()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        match (list, page) {
            (ListAt::AccountMembers { account }, Page::AccountMembers(v)) => {
                let Some(id) = self.with(|s| s.accounts.get(account).map(|a| a.id.clone())) else {
                    return;
                };
                let page: Vec<_> = v.iter().map(|m| AccountMember::new(&id, m)).collect();
                drop(v);
                self.with(|s| {
                    if let Some(a) = s.accounts.get_mut(account) {
                        a.members.pages.push(page);
                    }
                });
            }
            (ListAt::AccountTeams { account }, Page::Teams(v)) => {
                let Some(id) = self.with(|s| s.accounts.get(account).map(|a| a.id.clone())) else {
                    return;
                };
                let entities: Vec<Entity> =
                    v.iter().map(|t| compact(team_entity(t, &id))).collect();
                self.with(|s| {
                    if account >= s.accounts.len() {
                        return;
                    }
                    let positions = s.add(entities);
                    let page = v
                        .into_iter()
                        .zip(positions)
                        .map(|(t, entity)| TeamSlot {
                            entity,
                            id: t.id,
                            name: t.name,
                            members: List::default(),
                            apps: List::default(),
                            addons: List::default(),
                        })
                        .collect();
                    s.accounts[account].teams.pages.push(page);
                });
            }
            (ListAt::TeamMembers { account, team }, Page::TeamMembers(v)) => {
                let Some((id, _)) = self.with(|s| s.team_head(account, team)) else {
                    return;
                };
                let page: Vec<_> = v.iter().map(|m| TeamMemberOf::new(&id, m)).collect();
                drop(v);
                self.with(|s| {
                    if let Some(t) = s.team(account, team) {
                        t.members.pages.push(page);
                    }
                });
            }
            (ListAt::TeamApps { account, team }, Page::Apps(v)) => {
                let Some((id, name)) = self.with(|s| s.team_head(account, team)) else {
                    return;
                };
                let page: Vec<_> = v
                    .iter()
                    .map(|a| compact(application_entity(a, &id, &name)))
                    .collect();
                drop(v);
                self.with(|s| {
                    if s.team(account, team).is_some() {
                        let page = s.add(page);
                        if let Some(t) = s.team(account, team) {
                            t.apps.pages.push(page);
                        }
                    }
                });
            }
            (ListAt::TeamAddons { account, team }, Page::Addons(v)) => {
                let entities: Vec<_> = v.iter().map(|a| compact(addon_entity(a))).collect();
                let billing: Vec<_> = v
                    .iter()
                    .map(|a| billing_relationship(a).map(compact_relationship))
                    .collect();
                drop(v);
                self.with(|s| {
                    if s.team(account, team).is_none() {
                        return;
                    }
                    let positions = s.add(entities);
                    let page = positions
                        .into_iter()
                        .zip(billing)
                        .map(|(entity, r)| {
                            let r = r.map(|r| {
                                s.relationships.push(r);
                                at(s.relationships.len() - 1)
                            });
                            (entity, r)
                        })
                        .collect();
                    if let Some(t) = s.team(account, team) {
                        t.addons.pages.push(page);
                    }
                });
            }
            (ListAt::Attachments, Page::Attachments(v)) => {
                let page: Vec<_> = v.iter().filter_map(Attachment::new).collect();
                drop(v);
                self.with(|s| s.attachments.pages.push(page));
            }
            (list, page) => debug_assert!(false, "{list:?} got {page:?}"),
        }
    }

    fn restart(&self, list: ListAt) {
        self.changes.fetch_add(1, Ordering::Relaxed);
        self.with(|s| s.apply(list, Op::Restart));
    }

    fn end(&self, list: ListAt, failure: Option<ListFailure>) {
        self.changes.fetch_add(1, Ordering::Relaxed);
        self.with(|s| s.apply(list, Op::End(failure)));
    }
}

/// What happens to a list's pages.
enum Op {
    Restart,
    End(Option<ListFailure>),
}

impl<T> List<T> {
    fn apply(&mut self, op: Op) {
        match op {
            Op::Restart => self.restart(),
            Op::End(failure) => self.end(failure),
        }
    }
}

impl State {
    fn apply(&mut self, list: ListAt, op: Op) {
        match list {
            ListAt::AccountMembers { account } => {
                if let Some(a) = self.accounts.get_mut(account) {
                    a.members.apply(op);
                }
            }
            ListAt::AccountTeams { account } => {
                if let Some(a) = self.accounts.get_mut(account) {
                    a.teams.apply(op);
                }
            }
            ListAt::TeamMembers { account, team } => {
                if let Some(t) = self.team(account, team) {
                    t.members.apply(op);
                }
            }
            ListAt::TeamApps { account, team } => {
                if let Some(t) = self.team(account, team) {
                    t.apps.apply(op);
                }
            }
            ListAt::TeamAddons { account, team } => {
                if let Some(t) = self.team(account, team) {
                    t.addons.apply(op);
                }
            }
            ListAt::Attachments => self.attachments.apply(op),
        }
    }
}
