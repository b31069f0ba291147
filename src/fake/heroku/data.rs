//! The fake's in-memory Heroku estate: a deterministic generator and the lists it serves.
//!
//! Every object is kept as its pre-serialized JSON ([`Entry`]) with its sort keys, and every
//! list an endpoint serves is sorted once per accepted field ([`PagedList`]); a page is the
//! concatenation of the stored strings. The JSON is the single source of truth: the accessors
//! a test uses to compute the expected answer read the same strings the server sends.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Counts;
use super::names::{
    ADJECTIVES, BUILDPACKS, COMPANIES, COMPONENTS, DEPARTMENTS, ENVIRONMENTS, FIRST_NAMES,
    LAST_NAMES, OUTSIDE_DOMAINS, ROLES, SERVICES, SIDE_TEAMS, Service, TEAM_QUALIFIERS,
};
use super::range::{ADDON_FIELDS, APP_FIELDS, ID_FIELDS, MEMBER_FIELDS, SortField};

/// A sort key of an [`Entry`]: a span of its JSON text (no copy), or owned when the value
/// does not appear in the text.
#[derive(Debug)]
enum Key {
    Span(u32, u32),
    Owned(Box<str>),
}

/// One object as served: its JSON text and its sort keys.
///
/// The text is `head` followed by `body`: apps share one `head` between their app and
/// team-app shapes, which differ only in a few trailing fields.
#[derive(Debug)]
pub struct Entry {
    head: Option<Arc<str>>,
    body: Box<str>,
    id: Key,
    /// `name`, or the e-mail for members.
    name: Key,
    updated_at: Key,
}

impl Entry {
    fn build(
        head: Option<Arc<str>>,
        body: Box<str>,
        id: &str,
        name: &str,
        updated_at: &str,
    ) -> Arc<Self> {
        let mut entry = Self {
            head,
            body,
            id: Key::Span(0, 0),
            name: Key::Span(0, 0),
            updated_at: Key::Span(0, 0),
        };
        entry.id = entry.locate(id);
        entry.name = entry.locate(name);
        entry.updated_at = entry.locate(updated_at);
        Arc::new(entry)
    }

    /// Where `value` appears as a JSON string in the text.
    fn locate(&self, value: &str) -> Key {
        if value.is_empty() {
            return Key::Span(0, 0);
        }
        let quoted = format!("\"{value}\"");
        let head = self.head.as_deref().unwrap_or_default();
        let found = head
            .find(&quoted)
            .or_else(|| self.body.find(&quoted).map(|i| i + head.len()));
        match (found, u32::try_from(value.len())) {
            (Some(at), Ok(len)) => match u32::try_from(at + 1) {
                Ok(at) => Key::Span(at, len),
                Err(_) => Key::Owned(value.into()),
            },
            _ => Key::Owned(value.into()),
        }
    }

    fn resolve<'a>(&'a self, key: &'a Key) -> &'a str {
        match key {
            Key::Owned(s) => s,
            Key::Span(at, len) => {
                let (at, len) = (*at as usize, *len as usize);
                let head = self.head.as_deref().unwrap_or_default();
                if at < head.len() {
                    head.get(at..at + len).unwrap_or_default()
                } else {
                    self.body
                        .get(at - head.len()..at - head.len() + len)
                        .unwrap_or_default()
                }
            }
        }
    }

    fn new(value: &Value, name: &str) -> Arc<Self> {
        let s = |k: &str| value.get(k).and_then(Value::as_str).unwrap_or_default();
        Self::build(
            None,
            value.to_string().into_boxed_str(),
            s("id"),
            name,
            s("updated_at"),
        )
    }

    /// Builds the entry of an object whose sort name is its own `name` field.
    fn named(value: &Value) -> Arc<Self> {
        let name = value
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Self::new(value, &name)
    }

    /// The object's `id`.
    #[must_use]
    pub fn id(&self) -> &str {
        self.resolve(&self.id)
    }

    /// The object's JSON exactly as served.
    #[must_use]
    pub fn json(&self) -> std::borrow::Cow<'_, str> {
        match &self.head {
            None => std::borrow::Cow::Borrowed(&self.body),
            Some(head) => std::borrow::Cow::Owned(format!("{head}{}", self.body)),
        }
    }

    /// Appends the object's JSON to `out`.
    pub fn write_json(&self, out: &mut String) {
        if let Some(head) = &self.head {
            out.push_str(head);
        }
        out.push_str(&self.body);
    }

    /// The length of the object's JSON.
    #[must_use]
    pub fn json_len(&self) -> usize {
        self.head.as_deref().map_or(0, str::len) + self.body.len()
    }

    /// The value of a sort field.
    #[must_use]
    pub fn key(&self, field: SortField) -> &str {
        match field {
            SortField::Id => self.resolve(&self.id),
            SortField::Name | SortField::Email => self.resolve(&self.name),
            SortField::UpdatedAt => self.resolve(&self.updated_at),
        }
    }

    /// The object parsed.
    #[must_use]
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.json()).unwrap_or(Value::Null)
    }
}

/// A list as an endpoint serves it: sorted once per accepted `Range` field.
#[derive(Debug, Clone, Default)]
pub struct PagedList {
    fields: &'static [SortField],
    sorted: Vec<Vec<Arc<Entry>>>,
}

impl PagedList {
    fn new(fields: &'static [SortField], items: Vec<Arc<Entry>>) -> Self {
        let mut sorted = Vec::with_capacity(fields.len());
        let mut items = Some(items);
        for (i, &field) in fields.iter().enumerate() {
            let mut list = if i + 1 == fields.len() {
                items.take().unwrap_or_default()
            } else {
                items.clone().unwrap_or_default()
            };
            list.sort_by(|a, b| {
                a.key(field)
                    .cmp(b.key(field))
                    .then_with(|| a.id().cmp(b.id()))
            });
            sorted.push(list);
        }
        Self { fields, sorted }
    }

    /// An empty list sorted by `fields`.
    pub(crate) fn empty(fields: &'static [SortField]) -> Self {
        Self::new(fields, Vec::new())
    }

    /// The fields of `Accept-Ranges`; the first is the default order.
    #[must_use]
    pub fn fields(&self) -> &'static [SortField] {
        self.fields
    }

    /// The list in ascending order of `field` (empty for a field it does not sort by).
    #[must_use]
    pub fn sorted(&self, field: SortField) -> &[Arc<Entry>] {
        self.fields
            .iter()
            .position(|&f| f == field)
            .and_then(|i| self.sorted.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// The list in its default order.
    #[must_use]
    pub fn entries(&self) -> &[Arc<Entry>] {
        self.sorted.first().map_or(&[], Vec::as_slice)
    }

    /// How many objects it holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether it is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries().is_empty()
    }

    fn values(&self) -> Vec<Value> {
        self.entries().iter().map(|e| e.value()).collect()
    }
}

/// The endpoints, as the server routes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Account,
    RateLimits,
    EnterpriseAccounts,
    EnterpriseAccount,
    EnterpriseAccountMembers,
    EnterpriseAccountTeams,
    Teams,
    Team,
    TeamMembers,
    TeamApps,
    TeamAddons,
    Apps,
    App,
    AppAddons,
    Addons,
}

/// What a route resolves to.
pub(crate) enum Target<'a> {
    One(&'a Arc<Entry>),
    List(&'a PagedList),
}

#[derive(Debug, Clone)]
struct UserRec {
    id: String,
    name: Option<String>,
    two_factor: bool,
    identity_provider: Value,
}

#[derive(Debug, Clone)]
struct EaRec {
    entry: Arc<Entry>,
    name: String,
    members: Vec<Arc<Entry>>,
}

#[derive(Debug, Clone)]
struct TeamRec {
    entry: Arc<Entry>,
    name: String,
    ea: Option<String>,
    /// In `GET /teams` (the caller is a member).
    listed: bool,
    members: Vec<Arc<Entry>>,
}

#[derive(Debug, Clone)]
struct AppRec {
    team: String,
    team_app: Arc<Entry>,
    app: Arc<Entry>,
}

#[derive(Debug, Clone)]
struct AddonRec {
    billing_app: String,
    /// Other apps it is attached to.
    attached: Vec<String>,
    entry: Arc<Entry>,
}

#[derive(Debug, Clone, Default)]
struct Served {
    enterprise_accounts: PagedList,
    ea_members: HashMap<String, PagedList>,
    ea_teams: HashMap<String, PagedList>,
    teams: PagedList,
    team_members: HashMap<String, PagedList>,
    team_apps: HashMap<String, PagedList>,
    team_addons: HashMap<String, PagedList>,
    apps: PagedList,
    app_addons: HashMap<String, PagedList>,
    addons: PagedList,
    ea_names: HashMap<String, String>,
    team_names: HashMap<String, String>,
    app_names: HashMap<String, String>,
}

/// The fake's Heroku estate, as seen by the caller (the user of the configured tokens, an
/// enterprise admin).
///
/// The accessors return exactly what the endpoints serve, in their default order (ascending
/// `id`, `email` for team members); `None` means the endpoint answers 404. Objects are
/// addressed by id or name, like the API.
#[derive(Debug, Clone)]
pub struct Dataset {
    account: Arc<Entry>,
    non_enterprise_account: Arc<Entry>,
    /// Known users by e-mail.
    users: BTreeMap<String, UserRec>,
    eas: BTreeMap<String, EaRec>,
    teams: BTreeMap<String, TeamRec>,
    apps: BTreeMap<String, AppRec>,
    addons: BTreeMap<String, AddonRec>,
    served: Served,
}

fn values(list: Option<&PagedList>) -> Option<Vec<Value>> {
    list.map(PagedList::values)
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Dataset {
    /// Generates the estate for `counts` from `seed`: the same inputs give a byte-identical
    /// estate.
    #[must_use]
    pub fn generate(counts: Counts, seed: u64) -> Self {
        Generator::new(seed).run(counts)
    }

    /// What the estate holds: enterprise accounts, teams (all of them, including the
    /// non-enterprise ones), apps, add-ons, and users seen in any member list.
    #[must_use]
    pub fn counts(&self) -> Counts {
        let mut users: HashSet<&str> = HashSet::new();
        for ea in self.eas.values() {
            users.extend(ea.members.iter().map(|m| m.key(SortField::Email)));
        }
        for team in self.teams.values() {
            users.extend(team.members.iter().map(|m| m.key(SortField::Email)));
        }
        Counts {
            enterprise_accounts: self.eas.len(),
            teams: self.teams.len(),
            apps: self.apps.len(),
            addons: self.addons.len(),
            users: users.len(),
        }
    }

    /// `GET /account` for the configured tokens.
    #[must_use]
    pub fn account(&self) -> Value {
        self.account.value()
    }

    /// `GET /account` for the non-enterprise tokens (a user in no enterprise account).
    #[must_use]
    pub fn non_enterprise_account(&self) -> Value {
        self.non_enterprise_account.value()
    }

    /// `GET /enterprise-accounts`.
    #[must_use]
    pub fn enterprise_accounts(&self) -> Vec<Value> {
        self.served.enterprise_accounts.values()
    }

    /// `GET /enterprise-accounts/{id|name}`.
    #[must_use]
    pub fn enterprise_account(&self, id_or_name: &str) -> Option<Value> {
        let id = self.ea_id(id_or_name)?;
        self.eas.get(id).map(|ea| ea.entry.value())
    }

    /// `GET /enterprise-accounts/{id|name}/members`.
    #[must_use]
    pub fn enterprise_account_members(&self, id_or_name: &str) -> Option<Vec<Value>> {
        values(
            self.ea_id(id_or_name)
                .and_then(|id| self.served.ea_members.get(id)),
        )
    }

    /// `GET /enterprise-accounts/{id|name}/teams`.
    #[must_use]
    pub fn enterprise_account_teams(&self, id_or_name: &str) -> Option<Vec<Value>> {
        values(
            self.ea_id(id_or_name)
                .and_then(|id| self.served.ea_teams.get(id)),
        )
    }

    /// `GET /teams`: the teams the caller is a member of.
    #[must_use]
    pub fn teams(&self) -> Vec<Value> {
        self.served.teams.values()
    }

    /// Every team of the estate (also those where the caller's role is null), by id.
    #[must_use]
    pub fn all_teams(&self) -> Vec<Value> {
        self.teams.values().map(|t| t.entry.value()).collect()
    }

    /// The teams outside any enterprise account (type `team`).
    #[must_use]
    pub fn non_enterprise_teams(&self) -> Vec<Value> {
        self.teams
            .values()
            .filter(|t| t.ea.is_none())
            .map(|t| t.entry.value())
            .collect()
    }

    /// `GET /teams/{id|name}`.
    #[must_use]
    pub fn team(&self, id_or_name: &str) -> Option<Value> {
        let id = self.team_id(id_or_name)?;
        self.teams.get(id).map(|t| t.entry.value())
    }

    /// `GET /teams/{id|name}/members`, sorted by e-mail.
    #[must_use]
    pub fn team_members(&self, id_or_name: &str) -> Option<Vec<Value>> {
        values(
            self.team_id(id_or_name)
                .and_then(|id| self.served.team_members.get(id)),
        )
    }

    /// `GET /teams/{id|name}/apps` (the team-app shape).
    #[must_use]
    pub fn team_apps(&self, id_or_name: &str) -> Option<Vec<Value>> {
        values(
            self.team_id(id_or_name)
                .and_then(|id| self.served.team_apps.get(id)),
        )
    }

    /// `GET /teams/{id|name}/addons`: add-ons billed to or attached to any app of the team.
    #[must_use]
    pub fn team_addons(&self, id_or_name: &str) -> Option<Vec<Value>> {
        values(
            self.team_id(id_or_name)
                .and_then(|id| self.served.team_addons.get(id)),
        )
    }

    /// `GET /apps` (the app shape).
    #[must_use]
    pub fn apps(&self) -> Vec<Value> {
        self.served.apps.values()
    }

    /// `GET /apps/{id|name}`.
    #[must_use]
    pub fn app(&self, id_or_name: &str) -> Option<Value> {
        let id = self.app_id(id_or_name)?;
        self.apps.get(id).map(|a| a.app.value())
    }

    /// `GET /apps/{id|name}/addons`: billed to the app, or attached to it and billed to
    /// another app.
    #[must_use]
    pub fn app_addons(&self, id_or_name: &str) -> Option<Vec<Value>> {
        values(
            self.app_id(id_or_name)
                .and_then(|id| self.served.app_addons.get(id)),
        )
    }

    /// `GET /addons`.
    #[must_use]
    pub fn addons(&self) -> Vec<Value> {
        self.served.addons.values()
    }

    /// The ids of the apps an add-on is attached to besides its billing app.
    #[must_use]
    pub fn addon_attachments(&self, addon_id: &str) -> Vec<String> {
        self.addons
            .get(addon_id)
            .map(|a| a.attached.clone())
            .unwrap_or_default()
    }

    /// The whole estate as one JSON document (every list in its default order), e.g. to
    /// compare two generations.
    #[must_use]
    pub fn to_json(&self) -> String {
        fn push_list<'a>(out: &mut String, items: impl IntoIterator<Item = &'a Arc<Entry>>) {
            out.push('[');
            for (i, e) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                e.write_json(out);
            }
            out.push(']');
        }
        let s = &self.served;
        let empty = PagedList::default();
        let mut out = String::new();
        out.push_str("{\"account\":");
        self.account.write_json(&mut out);
        out.push_str(",\"non_enterprise_account\":");
        self.non_enterprise_account.write_json(&mut out);
        out.push_str(",\"enterprise_accounts\":[");
        for (i, ea) in s.enterprise_accounts.entries().iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"enterprise_account\":");
            ea.write_json(&mut out);
            out.push_str(",\"members\":");
            push_list(
                &mut out,
                s.ea_members.get(ea.id()).unwrap_or(&empty).entries(),
            );
            out.push_str(",\"teams\":");
            push_list(
                &mut out,
                s.ea_teams.get(ea.id()).unwrap_or(&empty).entries(),
            );
            out.push('}');
        }
        out.push_str("],\"teams\":");
        push_list(&mut out, s.teams.entries());
        out.push_str(",\"all_teams\":[");
        for (i, team) in self.teams.values().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let id = team.entry.id();
            out.push_str("{\"team\":");
            team.entry.write_json(&mut out);
            for (name, map) in [
                ("members", &s.team_members),
                ("apps", &s.team_apps),
                ("addons", &s.team_addons),
            ] {
                let _ = write!(out, ",\"{name}\":");
                push_list(&mut out, map.get(id).unwrap_or(&empty).entries());
            }
            out.push('}');
        }
        out.push_str("],\"apps\":[");
        for (i, app) in s.apps.entries().iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"app\":");
            app.write_json(&mut out);
            out.push_str(",\"addons\":");
            push_list(
                &mut out,
                s.app_addons.get(app.id()).unwrap_or(&empty).entries(),
            );
            out.push('}');
        }
        out.push_str("],\"addons\":");
        push_list(&mut out, s.addons.entries());
        out.push('}');
        out
    }

    fn ea_id<'a>(&'a self, key: &'a str) -> Option<&'a str> {
        if self.eas.contains_key(key) {
            Some(key)
        } else {
            self.served.ea_names.get(key).map(String::as_str)
        }
    }

    fn team_id<'a>(&'a self, key: &'a str) -> Option<&'a str> {
        if self.teams.contains_key(key) {
            Some(key)
        } else {
            self.served.team_names.get(key).map(String::as_str)
        }
    }

    fn app_id<'a>(&'a self, key: &'a str) -> Option<&'a str> {
        if self.apps.contains_key(key) {
            Some(key)
        } else {
            self.served.app_names.get(key).map(String::as_str)
        }
    }

    fn addon_id(&self, key: &str) -> Option<String> {
        if self.addons.contains_key(key) {
            return Some(key.to_owned());
        }
        self.addons
            .iter()
            .find(|(_, a)| a.entry.key(SortField::Name) == key)
            .map(|(id, _)| id.clone())
    }

    /// What a route serves; `Err` names the resource of the 404.
    pub(crate) fn target(&self, route: Route, key: &str) -> Result<Target<'_>, &'static str> {
        let s = &self.served;
        let ea = || self.ea_id(key).ok_or("enterprise-account");
        let team = || self.team_id(key).ok_or("team");
        let app = || self.app_id(key).ok_or("app");
        fn list<'a>(l: Option<&'a PagedList>, r: &'static str) -> Result<Target<'a>, &'static str> {
            l.map(Target::List).ok_or(r)
        }
        match route {
            Route::Account | Route::RateLimits => Ok(Target::One(&self.account)),
            Route::EnterpriseAccounts => Ok(Target::List(&s.enterprise_accounts)),
            Route::EnterpriseAccount => self
                .eas
                .get(ea()?)
                .map(|e| Target::One(&e.entry))
                .ok_or("enterprise-account"),
            Route::EnterpriseAccountMembers => list(s.ea_members.get(ea()?), "enterprise-account"),
            Route::EnterpriseAccountTeams => list(s.ea_teams.get(ea()?), "enterprise-account"),
            Route::Teams => Ok(Target::List(&s.teams)),
            Route::Team => self
                .teams
                .get(team()?)
                .map(|t| Target::One(&t.entry))
                .ok_or("team"),
            Route::TeamMembers => list(s.team_members.get(team()?), "team"),
            Route::TeamApps => list(s.team_apps.get(team()?), "team"),
            Route::TeamAddons => list(s.team_addons.get(team()?), "team"),
            Route::Apps => Ok(Target::List(&s.apps)),
            Route::App => self
                .apps
                .get(app()?)
                .map(|a| Target::One(&a.app))
                .ok_or("app"),
            Route::AppAddons => list(s.app_addons.get(app()?), "app"),
            Route::Addons => Ok(Target::List(&s.addons)),
        }
    }

    /// The non-enterprise caller's `/account`.
    pub(crate) fn non_enterprise_entry(&self) -> &Arc<Entry> {
        &self.non_enterprise_account
    }

    // ----- mutation -----------------------------------------------------------------

    /// Deletes an app (by id or name): it leaves its team and `/apps`, the add-ons billed to
    /// it are deleted, and the add-ons billed elsewhere are detached from it. `false` when
    /// there is no such app.
    pub fn remove_app(&mut self, id_or_name: &str) -> bool {
        let Some(id) = self.app_id(id_or_name).map(str::to_owned) else {
            return false;
        };
        self.apps.remove(&id);
        self.addons.retain(|_, a| a.billing_app != id);
        for addon in self.addons.values_mut() {
            addon.attached.retain(|a| *a != id);
        }
        self.reindex();
        true
    }

    /// Deletes an add-on (by id or name). `false` when there is no such add-on.
    pub fn remove_addon(&mut self, id_or_name: &str) -> bool {
        let Some(id) = self.addon_id(id_or_name) else {
            return false;
        };
        self.addons.remove(&id);
        self.reindex();
        true
    }

    /// Adds a user to a team (by id or name) with `role`, or changes the role of a member
    /// already there. A new e-mail makes a new user (not in any enterprise account). Returns
    /// the team-member object as `/teams/{id}/members` now serves it, or `None` for an
    /// unknown team.
    pub fn add_team_member(
        &mut self,
        team: &str,
        email: &str,
        name: Option<&str>,
        role: &str,
    ) -> Option<Value> {
        let team_id = self.team_id(team)?.to_owned();
        let user = self
            .users
            .entry(email.to_owned())
            .or_insert_with(|| UserRec {
                id: uuid::Uuid::new_v4().to_string(),
                name: name.map(str::to_owned),
                two_factor: false,
                identity_provider: Value::Null,
            })
            .clone();
        let stamp = now();
        let team = self.teams.get_mut(&team_id)?;
        let existing = team
            .members
            .iter()
            .position(|m| m.key(SortField::Email) == email);
        let (member_id, created) = match existing.map(|i| team.members[i].value()) {
            Some(old) => (
                old["id"].as_str().unwrap_or_default().to_owned(),
                old["created_at"].as_str().unwrap_or(&stamp).to_owned(),
            ),
            None => (uuid::Uuid::new_v4().to_string(), stamp.clone()),
        };
        let value = team_member_json(&member_id, &created, &stamp, email, &user, role);
        let entry = Entry::new(&value, email);
        match existing {
            Some(i) => team.members[i] = entry,
            None => team.members.push(entry),
        }
        self.reindex();
        Some(value)
    }

    /// Removes a member (by e-mail) from a team (by id or name). `false` when not found.
    pub fn remove_team_member(&mut self, team: &str, email: &str) -> bool {
        let Some(team_id) = self.team_id(team).map(str::to_owned) else {
            return false;
        };
        let Some(team) = self.teams.get_mut(&team_id) else {
            return false;
        };
        let before = team.members.len();
        team.members.retain(|m| m.key(SortField::Email) != email);
        let removed = team.members.len() != before;
        if removed {
            self.reindex();
        }
        removed
    }

    /// Changes an add-on's plan (`plan` as `service:plan` or just the plan's part); its
    /// `billed_price` follows when the plan is known, and `updated_at` becomes now. `false`
    /// when there is no such add-on.
    pub fn set_addon_plan(&mut self, addon: &str, plan: &str) -> bool {
        let Some(id) = self.addon_id(addon) else {
            return false;
        };
        let Some(rec) = self.addons.get_mut(&id) else {
            return false;
        };
        let mut value = rec.entry.value();
        let service = value["addon_service"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let full = if plan.contains(':') {
            plan.to_owned()
        } else {
            format!("{service}:{plan}")
        };
        value["plan"] = json!({"id": stable_uuid(&format!("plan:{full}")), "name": full});
        let short = full.split_once(':').map_or(full.as_str(), |(_, p)| p);
        if let Some(cents) = SERVICES
            .iter()
            .filter(|s| s.name == service)
            .flat_map(|s| s.plans.iter())
            .find(|(p, _)| *p == short)
            .map(|(_, c)| *c)
        {
            value["billed_price"] = json!({"cents": cents, "contract": false, "unit": "month"});
        }
        value["updated_at"] = Value::String(now());
        rec.entry = Entry::named(&value);
        self.reindex();
        true
    }

    /// Turns an app's maintenance mode on or off (both the app and the team-app object).
    /// `false` when there is no such app.
    pub fn set_app_maintenance(&mut self, app: &str, on: bool) -> bool {
        let Some(id) = self.app_id(app).map(str::to_owned) else {
            return false;
        };
        let Some(rec) = self.apps.get_mut(&id) else {
            return false;
        };
        let stamp = now();
        for entry in [&mut rec.app, &mut rec.team_app] {
            let mut value = entry.value();
            value["maintenance"] = Value::Bool(on);
            value["updated_at"] = Value::String(stamp.clone());
            *entry = Entry::named(&value);
        }
        self.reindex();
        true
    }

    /// Rebuilds every served list from the records.
    fn reindex(&mut self) {
        let mut s = Served {
            enterprise_accounts: PagedList::new(
                ID_FIELDS,
                self.eas.values().map(|e| e.entry.clone()).collect(),
            ),
            ..Served::default()
        };
        let mut ea_teams: HashMap<&str, Vec<Arc<Entry>>> = HashMap::new();
        for (id, ea) in &self.eas {
            s.ea_members
                .insert(id.clone(), PagedList::new(ID_FIELDS, ea.members.clone()));
            s.ea_names.insert(ea.name.clone(), id.clone());
            ea_teams.entry(id).or_default();
        }
        let mut team_apps: HashMap<&str, Vec<&AppRec>> = HashMap::new();
        for app in self.apps.values() {
            team_apps.entry(&app.team).or_default().push(app);
        }
        let mut app_addons: HashMap<&str, Vec<Arc<Entry>>> = HashMap::new();
        for addon in self.addons.values() {
            if self.apps.contains_key(&addon.billing_app) {
                app_addons
                    .entry(&addon.billing_app)
                    .or_default()
                    .push(addon.entry.clone());
            }
            for app in &addon.attached {
                if self.apps.contains_key(app) {
                    app_addons.entry(app).or_default().push(addon.entry.clone());
                }
            }
        }
        let mut listed = Vec::new();
        for (id, team) in &self.teams {
            if let Some(ea) = &team.ea {
                ea_teams.entry(ea).or_default().push(team.entry.clone());
            }
            if team.listed {
                listed.push(team.entry.clone());
            }
            s.team_names.insert(team.name.clone(), id.clone());
            s.team_members.insert(
                id.clone(),
                PagedList::new(MEMBER_FIELDS, team.members.clone()),
            );
            let apps = team_apps.remove(id.as_str()).unwrap_or_default();
            let mut seen = HashSet::new();
            let mut addons = Vec::new();
            for app in &apps {
                for addon in app_addons.get(app.app.id()).into_iter().flatten() {
                    if seen.insert(addon.id()) {
                        addons.push(addon.clone());
                    }
                }
            }
            s.team_apps.insert(
                id.clone(),
                PagedList::new(
                    APP_FIELDS,
                    apps.iter().map(|a| a.team_app.clone()).collect(),
                ),
            );
            s.team_addons
                .insert(id.clone(), PagedList::new(ADDON_FIELDS, addons));
        }
        for (ea, teams) in ea_teams {
            s.ea_teams
                .insert(ea.to_owned(), PagedList::new(ID_FIELDS, teams));
        }
        s.teams = PagedList::new(ID_FIELDS, listed);
        for (id, app) in &self.apps {
            s.app_names
                .insert(app.app.key(SortField::Name).to_owned(), id.clone());
            s.app_addons.insert(
                id.clone(),
                PagedList::new(
                    ADDON_FIELDS,
                    app_addons.remove(id.as_str()).unwrap_or_default(),
                ),
            );
        }
        s.apps = PagedList::new(
            APP_FIELDS,
            self.apps.values().map(|a| a.app.clone()).collect(),
        );
        s.addons = PagedList::new(
            ADDON_FIELDS,
            self.addons.values().map(|a| a.entry.clone()).collect(),
        );
        self.served = s;
    }
}

// ----- generation ----------------------------------------------------------------------

const T_2014: i64 = 1_388_534_400;
const T_2016: i64 = 1_451_606_400;
const T_2019: i64 = 1_546_300_800;
const T_2024_04: i64 = 1_711_929_600;
const T_2026_06_30: i64 = 1_782_777_600;
const T_END: i64 = 1_784_073_600;

/// `YYYY-MM-DDTHH:MM:SSZ`.
fn ts(secs: i64) -> String {
    use chrono::{Datelike as _, Timelike as _};
    let t = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A UUID that depends only on `label` (for objects that are the same for every Heroku
/// customer: regions, stacks, add-on services and plans, provider actions).
fn stable_uuid(label: &str) -> String {
    let digest = Sha256::digest(format!("heroku-j1 fake heroku: {label}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// (id, name) of a region (the real ids of `us` and `eu`).
fn region(name: &str) -> (String, String) {
    let id = match name {
        "us" => "59accabd-516d-4f0e-83e6-6e3757701145".to_owned(),
        "eu" => "ed30241c-ed8c-4bb6-9714-61953675d0b4".to_owned(),
        other => stable_uuid(&format!("region:{other}")),
    };
    (id, name.to_owned())
}

/// (id, name) of a stack.
fn stack(name: &str) -> (String, String) {
    let id = match name {
        "heroku-18" => "69bee368-352b-4bd0-9b7c-819d860a2588".to_owned(),
        other => stable_uuid(&format!("stack:{other}")),
    };
    (id, name.to_owned())
}

#[derive(Clone, Copy, Serialize)]
struct IdName<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Clone, Copy, Serialize)]
struct OwnerJson<'a> {
    email: &'a str,
    id: &'a str,
}

#[derive(Serialize)]
struct SpaceJson<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    shield: Option<bool>,
}

/// The fields an app and a team-app share, in the order of the recorded team-app.
#[derive(Serialize)]
struct AppHeadJson<'a> {
    acm: bool,
    archived_at: Option<&'a str>,
    buildpack_provided_description: Option<&'a str>,
    build_stack: IdName<'a>,
    created_at: &'a str,
    id: &'a str,
    git_url: &'a str,
    maintenance: bool,
    name: &'a str,
    owner: OwnerJson<'a>,
    region: IdName<'a>,
    organization: IdName<'a>,
    team: IdName<'a>,
    internal_routing: Option<bool>,
    released_at: Option<&'a str>,
    repo_size: Option<i64>,
    slug_size: Option<i64>,
    stack: IdName<'a>,
    updated_at: &'a str,
    web_url: &'a str,
}

/// The rest of a team-app (`GET /teams/{id}/apps`).
#[derive(Serialize)]
struct TeamAppTailJson<'a> {
    space: Option<SpaceJson<'a>>,
    joined: bool,
    legacy_id: &'a str,
    locked: bool,
}

/// The rest of an app (`GET /apps`).
#[derive(Serialize)]
struct AppTailJson<'a> {
    space: Option<SpaceJson<'a>>,
    generation: IdName<'a>,
}

/// `{"a":1}` → `,"a":1}`, allocated to size.
fn continuation(object: &str) -> Box<str> {
    let rest = object.strip_prefix('{').unwrap_or(object);
    let mut out = String::with_capacity(rest.len() + 1);
    out.push(',');
    out.push_str(rest);
    out.into_boxed_str()
}

#[derive(Serialize)]
struct ActionJson<'a> {
    id: &'a str,
    label: &'a str,
    action: Option<&'a str>,
    url: Option<&'a str>,
    requires_owner: Option<bool>,
}

#[derive(Serialize)]
struct BillingEntityJson<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(Serialize)]
struct BilledPriceJson<'a> {
    cents: i64,
    contract: bool,
    unit: &'a str,
}

/// The start of an add-on: what every add-on of its service has.
#[derive(Serialize)]
struct AddonHeadJson<'a> {
    actions: Vec<ActionJson<'a>>,
    addon_service: IdName<'a>,
}

/// The rest of an add-on, in the field order of the recorded response.
#[derive(Serialize)]
struct AddonJson<'a> {
    app: IdName<'a>,
    config_vars: &'a [String],
    created_at: &'a str,
    id: &'a str,
    name: &'a str,
    plan: IdName<'a>,
    billing_entity: BillingEntityJson<'a>,
    provider_id: &'a str,
    state: &'a str,
    updated_at: &'a str,
    web_url: &'a str,
    billed_price: BilledPriceJson<'a>,
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

const PERM_VIEW: &str = "view";
const PERM_CREATE: &str = "create";
const PERM_MANAGE: &str = "manage";
const PERM_BILLING: &str = "billing";
const ADMIN_PERMS: &[&str] = &[PERM_VIEW, PERM_CREATE, PERM_MANAGE, PERM_BILLING];

fn permission_description(name: &str) -> &'static str {
    match name {
        PERM_VIEW => "View enterprise account members and teams.",
        PERM_CREATE => "Create teams in the enterprise account.",
        PERM_MANAGE => "Manage enterprise account.",
        _ => "View enterprise account billing info.",
    }
}

fn team_member_json(
    member_id: &str,
    created: &str,
    updated: &str,
    email: &str,
    user: &UserRec,
    role: &str,
) -> Value {
    json!({
        "id": member_id,
        "created_at": created,
        "email": email,
        "federated": !user.identity_provider.is_null(),
        "identity_provider": user.identity_provider,
        "role": role,
        "two_factor_authentication": user.two_factor,
        "updated_at": updated,
        "user": {"id": user.id, "email": email, "name": user.name},
    })
}

struct EaGen {
    id: String,
    name: String,
    /// `{id, name, owner}` or null.
    idp: Value,
    created: i64,
    updated: i64,
    caller_perms: &'static [&'static str],
    partner_benefits: bool,
}

struct UserGen {
    id: String,
    email: String,
    /// `None`: the user never set a name (`user.name: null` in team-member objects).
    name: Option<String>,
    two_factor: bool,
    /// Index of the enterprise account whose identity provider the user signs in with.
    idp: Option<usize>,
    /// (enterprise account index, permissions).
    memberships: Vec<(usize, &'static [&'static str])>,
    created: i64,
}

struct TeamGen {
    id: String,
    name: String,
    ea: Option<usize>,
    caller_role: Option<&'static str>,
    created: i64,
    updated: i64,
    /// (user index, role).
    members: Vec<(usize, &'static str)>,
}

struct AppGen {
    id: String,
    name: String,
    team: usize,
    created: i64,
}

struct AppOut {
    meta: AppGen,
    team_app: Arc<Entry>,
    app: Arc<Entry>,
}

struct AddonOut {
    entry: Arc<Entry>,
    billing_app: String,
    attached: Vec<String>,
}

struct Generator {
    rng: ChaCha8Rng,
    names: HashSet<String>,
    buffer: Vec<u8>,
}

impl Generator {
    fn new(seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            names: HashSet::new(),
            buffer: Vec::with_capacity(4096),
        }
    }

    /// Serializes into a reused buffer and copies out exactly the bytes needed.
    fn render<T: Serialize>(&mut self, value: &T) -> Box<str> {
        self.buffer.clear();
        if serde_json::to_writer(&mut self.buffer, value).is_err() {
            return "null".into();
        }
        std::str::from_utf8(&self.buffer).unwrap_or("null").into()
    }

    fn uuid(&mut self) -> String {
        uuid::Builder::from_random_bytes(self.rng.random())
            .into_uuid()
            .to_string()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    fn index(&mut self, len: usize) -> usize {
        if len <= 1 {
            0
        } else {
            self.rng.random_range(0..len)
        }
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.rng.random_range(lo..=hi)
        }
    }

    /// Claims the first free candidate name; `candidate(attempt)` proposes one.
    fn unique(&mut self, mut candidate: impl FnMut(&mut Self, usize) -> String) -> String {
        for attempt in 0.. {
            let name = candidate(self, attempt);
            if !self.names.contains(&name) {
                self.names.insert(name.clone());
                return name;
            }
        }
        unreachable!("an unbounded loop only ends by returning")
    }

    fn run(mut self, c: Counts) -> Dataset {
        let eas = self.enterprise_accounts(c.enterprise_accounts);
        let mut users = self.users(&eas, c);
        let mut teams = self.teams(&eas, c.teams);
        self.team_members(&eas, &users, &mut teams);
        let apps = self.apps(&eas, &teams, if teams.is_empty() { 0 } else { c.apps });
        let addons = self.addons(&teams, &apps, if apps.is_empty() { 0 } else { c.addons });
        let outsider = self.outsider();
        self.names = HashSet::new();
        self.assemble(&eas, &mut users, &teams, apps, addons, outsider)
    }

    fn enterprise_accounts(&mut self, n: usize) -> Vec<EaGen> {
        let mut companies = COMPANIES.to_vec();
        companies.shuffle(&mut self.rng);
        let mut eas = Vec::with_capacity(n);
        for i in 0..n {
            let base = companies[i % companies.len()];
            let name = if i < companies.len() {
                base.to_owned()
            } else {
                format!("{base}{}", i / companies.len() + 1)
            };
            self.names.insert(name.clone());
            let id = self.uuid();
            let sso = i == 0 || (i >= 2 && self.chance(0.5));
            let idp = if sso {
                json!({"id": self.uuid(), "name": format!("{name}-sso"),
                    "owner": {"id": id, "name": name, "type": "enterprise-account"}})
            } else {
                Value::Null
            };
            let created = self.between(T_2016, T_2019);
            let updated = self.between(T_2024_04, T_END);
            let caller_perms: &'static [&'static str] = if i == 0 {
                ADMIN_PERMS
            } else {
                &[PERM_VIEW, PERM_CREATE, PERM_MANAGE]
            };
            eas.push(EaGen {
                id,
                name,
                idp,
                created,
                updated,
                caller_perms,
                partner_benefits: i == 1,
            });
        }
        eas
    }

    fn person(&mut self, domain: &str, emails: &mut HashSet<String>) -> (String, String) {
        let first = self.pick(FIRST_NAMES);
        let last = self.pick(LAST_NAMES);
        let mut email = format!("{first}.{last}@{domain}");
        let mut n = 2;
        while emails.contains(&email) {
            email = format!("{first}.{last}{n}@{domain}");
            n += 1;
        }
        emails.insert(email.clone());
        (email, format!("{} {}", capitalize(first), capitalize(last)))
    }

    /// User 0 is the caller; then the enterprise members; then the outside collaborators.
    fn users(&mut self, eas: &[EaGen], c: Counts) -> Vec<UserGen> {
        let n = c.users.max(1);
        let n_ea = eas.len();
        let n_out = if n_ea == 0 {
            n - 1
        } else if n >= 3 && c.teams > 0 {
            (n / 10).max(1)
        } else {
            0
        };
        let n_members = n - 1 - n_out;
        let mut emails = HashSet::new();
        let mut users = Vec::with_capacity(n);
        let domain = |ea: usize| format!("{}.example", eas[ea].name);
        let caller_domain = if n_ea > 0 {
            domain(0)
        } else {
            "example.com".to_owned()
        };
        let (email, name) = self.person(&caller_domain, &mut emails);
        let id = self.uuid();
        users.push(UserGen {
            id,
            email,
            name: Some(name),
            two_factor: true,
            idp: None,
            memberships: eas
                .iter()
                .enumerate()
                .map(|(i, ea)| (i, ea.caller_perms))
                .collect(),
            created: self.between(T_2014, T_2016),
        });
        for k in 0..n_members {
            let primary = k % n_ea;
            let (email, name) = self.person(&domain(primary), &mut emails);
            let id = self.uuid();
            let sso = !eas[primary].idp.is_null();
            let federated = sso && (k == 2 || (k != 3 && k != 0 && self.chance(0.7)));
            let two_factor = match k {
                3 => false,
                _ if federated => self.chance(0.4),
                _ => self.chance(0.8),
            };
            let name = if k == 4 || (k > 5 && self.chance(0.1)) {
                None
            } else {
                Some(name)
            };
            let perms: &'static [&'static str] = match k {
                1 => ADMIN_PERMS,
                _ => {
                    let r: f64 = self.rng.random();
                    if r < 0.08 {
                        ADMIN_PERMS
                    } else if r < 0.2 {
                        &[PERM_VIEW, PERM_BILLING]
                    } else if r < 0.4 {
                        &[PERM_VIEW, PERM_CREATE]
                    } else {
                        &[PERM_VIEW]
                    }
                }
            };
            let memberships = if k == 0 {
                // The user who is a member of every enterprise account.
                (0..n_ea)
                    .map(|i| {
                        let p: &'static [&'static str] = if i == 0 {
                            &[PERM_VIEW]
                        } else {
                            &[PERM_VIEW, PERM_CREATE]
                        };
                        (i, p)
                    })
                    .collect()
            } else {
                vec![(primary, perms)]
            };
            let created = self.between(T_2016, T_2024_04);
            users.push(UserGen {
                id,
                email,
                name,
                two_factor,
                idp: federated.then_some(primary),
                memberships,
                created,
            });
        }
        for j in 0..n_out {
            let domain = self.pick(OUTSIDE_DOMAINS);
            let (email, name) = self.person(domain, &mut emails);
            let id = self.uuid();
            let name = (j != 1 && !self.chance(0.1)).then_some(name);
            let two_factor = j != 0 && self.chance(0.5);
            let created = self.between(T_2016, T_2024_04);
            users.push(UserGen {
                id,
                email,
                name,
                two_factor,
                idp: None,
                memberships: Vec::new(),
                created,
            });
        }
        users
    }

    fn teams(&mut self, eas: &[EaGen], n: usize) -> Vec<TeamGen> {
        let n_ea = eas.len();
        let n_side = if n_ea == 0 { n } else { usize::from(n >= 2) };
        let n_ent = n - n_side;
        let mut departments: Vec<Vec<&str>> = eas
            .iter()
            .map(|_| {
                let mut d = DEPARTMENTS.to_vec();
                d.shuffle(&mut self.rng);
                d
            })
            .collect();
        let mut used_per_ea = vec![0usize; n_ea];
        let last_of_first_ea = (0..n_ent).rev().find(|i| i % n_ea.max(1) == 0);
        let first_ea_teams = (0..n_ent).filter(|i| i % n_ea.max(1) == 0).count();
        let mut teams = Vec::with_capacity(n);
        for i in 0..n {
            let ea = (i < n_ent).then(|| i % n_ea);
            let name = match ea {
                Some(e) => {
                    let k = used_per_ea[e];
                    used_per_ea[e] += 1;
                    let company = eas[e].name.clone();
                    let depts = &mut departments[e];
                    let d = depts[k % depts.len()];
                    let round = k / depts.len();
                    self.unique(|g, attempt| {
                        let q = g.pick(TEAM_QUALIFIERS);
                        match (round + attempt, attempt) {
                            (0, _) => format!("{company}-{d}"),
                            (_, 0..=5) => format!("{company}-{d}-{q}"),
                            _ => format!("{company}-{d}-{}", round + attempt),
                        }
                    })
                }
                None => {
                    let side = SIDE_TEAMS[(i - n_ent) % SIDE_TEAMS.len()];
                    self.unique(|_, attempt| match attempt {
                        0 => side.to_owned(),
                        a => format!("{side}-{}", a + 1),
                    })
                }
            };
            let caller_role = match ea {
                Some(_) if Some(i) == last_of_first_ea && first_ea_teams >= 2 => None,
                Some(_) if i >= 6 && self.chance(0.1) => None,
                _ => Some("admin"),
            };
            let ea_created = ea.map_or(T_2016, |e| eas[e].created);
            let created = self.between(ea_created, T_2024_04);
            let updated = self.between(created, T_END);
            let id = self.uuid();
            teams.push(TeamGen {
                id,
                name,
                ea,
                caller_role,
                created,
                updated,
                members: Vec::new(),
            });
        }
        teams
    }

    fn team_members(&mut self, eas: &[EaGen], users: &[UserGen], teams: &mut [TeamGen]) {
        if teams.is_empty() {
            return;
        }
        let mut by_ea: Vec<Vec<usize>> = vec![Vec::new(); eas.len()];
        let mut side = Vec::new();
        for (i, t) in teams.iter().enumerate() {
            match t.ea {
                Some(e) => by_ea[e].push(i),
                None => side.push(i),
            }
        }
        let add = |teams: &mut [TeamGen], t: usize, u: usize, role: &'static str| {
            if !teams[t].members.iter().any(|&(m, _)| m == u) {
                teams[t].members.push((u, role));
            }
        };
        for t in 0..teams.len() {
            if let Some(role) = teams[t].caller_role {
                add(teams, t, 0, role);
            }
        }
        let n_members = users
            .iter()
            .skip(1)
            .filter(|u| !u.memberships.is_empty())
            .count();
        for (u, user) in users.iter().enumerate().take(n_members + 1).skip(1) {
            if u == 1 {
                // In every enterprise account and several teams.
                for ea_teams in &by_ea {
                    if let Some(&t) = ea_teams.first() {
                        add(teams, t, u, "member");
                    }
                }
                if let Some(&t) = side.first() {
                    add(teams, t, u, "member");
                }
                continue;
            }
            let primary = user.memberships.first().map_or(0, |m| m.0);
            let ea_teams = &by_ea[primary];
            if ea_teams.is_empty() || (u > 6 && self.chance(0.1)) {
                continue;
            }
            let k = 1 + self.index(3);
            for _ in 0..k {
                let t = ea_teams[self.index(ea_teams.len())];
                let role = if self.chance(0.12) { "admin" } else { "member" };
                add(teams, t, u, role);
            }
        }
        for u in n_members + 1..users.len() {
            let j = u - n_members - 1;
            let first = if j == 0 && !by_ea.iter().all(Vec::is_empty) {
                by_ea.iter().find_map(|t| t.first().copied()).unwrap_or(0)
            } else {
                self.index(teams.len())
            };
            add(teams, first, u, "collaborator");
            if self.chance(0.4) {
                let t = self.index(teams.len());
                add(teams, t, u, "collaborator");
            }
        }
        for &t in &side {
            if n_members == 0 {
                break;
            }
            for _ in 0..3 {
                let u = 1 + self.index(n_members);
                add(teams, t, u, "member");
            }
        }
    }

    fn app_name(&mut self, team: &TeamGen, eas: &[EaGen]) -> String {
        let prefix = team.ea.map_or_else(
            || team.name.split('-').next().unwrap_or(&team.name).to_owned(),
            |e| eas[e].name.clone(),
        );
        let dept = team
            .name
            .strip_prefix(&format!("{prefix}-"))
            .unwrap_or(&team.name)
            .split('-')
            .next()
            .unwrap_or("app")
            .to_owned();
        self.unique(|g, attempt| {
            let comp = g.pick(COMPONENTS);
            let role = g.pick(ROLES);
            let env = g.pick(ENVIRONMENTS);
            let name = match (attempt, g.index(4)) {
                (0..=1, 0 | 1) => format!("{prefix}-{comp}-{role}"),
                (0..=1, 2) => format!("{comp}-{role}"),
                (0..=1, _) => format!("{dept}-{comp}-{role}"),
                (2..=7, 0 | 1) => format!("{prefix}-{comp}-{role}-{env}"),
                (2..=7, 2) => format!("{comp}-{role}-{env}"),
                (2..=7, _) => format!("{dept}-{comp}-{role}-{env}"),
                _ => format!("{comp}-{role}-{}", g.rng.random_range(1000..100_000)),
            };
            if name.len() <= 30 {
                name
            } else {
                format!("{comp}-{role}-{}", g.rng.random_range(1000..100_000))
            }
        })
    }

    fn apps(&mut self, eas: &[EaGen], teams: &[TeamGen], n: usize) -> Vec<AppOut> {
        let mut apps = Vec::with_capacity(n);
        let mut stamps = HashSet::new();
        let regions = [region("us"), region("eu")];
        let stacks = [
            stack("heroku-24"),
            stack("heroku-24"),
            stack("heroku-22"),
            stack("heroku-20"),
        ];
        let generations = [
            ("cedar", stable_uuid("generation:cedar")),
            ("fir", stable_uuid("generation:fir")),
        ];
        for i in 0..n {
            let t = if i < teams.len() {
                i
            } else {
                self.index(teams.len())
            };
            let team = &teams[t];
            let name = self.app_name(team, eas);
            let id = self.uuid();
            let created = self.between(team.created.min(T_2024_04), T_2026_06_30 - 86_400);
            let released = if self.chance(0.05) {
                None
            } else {
                Some(self.between(created, T_2026_06_30))
            };
            let mut updated = self.between(released.unwrap_or(created), T_END);
            while !stamps.insert(updated) {
                updated += 1;
            }
            let maintenance = i == 0 || (i > 3 && self.chance(0.05));
            let locked = i == 1 || (i > 3 && self.chance(0.08));
            let archived = i == 2 || (i > 3 && self.chance(0.04));
            let in_space = i == 3 || (i > 3 && self.chance(0.1));
            let joined = !self.chance(0.25);
            let acm = self.chance(0.5);
            let region = &regions[usize::from(self.chance(0.3))];
            let stack = &stacks[self.index(stacks.len())];
            let generation = &generations[usize::from(stack.1 == "heroku-24" && self.chance(0.15))];
            let buildpack = self.pick(BUILDPACKS);
            let slug_size: Option<i64> =
                (!self.chance(0.1)).then(|| self.rng.random_range(1_000_000..300_000_000));
            let repo_size: Option<i64> =
                (!self.chance(0.5)).then(|| self.rng.random_range(10_000..100_000_000));
            let web_url = if created >= T_2024_04 {
                let suffix: u64 = self.rng.random_range(0..(1u64 << 48));
                format!("https://{name}-{suffix:012x}.herokuapp.com/")
            } else {
                format!("https://{name}.herokuapp.com/")
            };
            let legacy_id = format!(
                "app{}@heroku.com",
                self.rng.random_range(100_000_000..999_999_999)
            );
            let space = in_space.then(|| {
                (
                    stable_uuid(&format!("space:{}", team.id)),
                    format!("{}-space", team.name.chars().take(24).collect::<String>()),
                )
            });
            let internal_routing = in_space.then(|| self.chance(0.3));
            let created_at = ts(created);
            let updated_at = ts(updated);
            let released_at = released.map(ts);
            let owner_email = format!("{}@herokumanager.com", team.name);
            let owner = OwnerJson {
                email: &owner_email,
                id: &team.id,
            };
            let team_ref = IdName {
                id: &team.id,
                name: &team.name,
            };
            let region = IdName {
                id: &region.0,
                name: &region.1,
            };
            let stack = IdName {
                id: &stack.0,
                name: &stack.1,
            };
            let git_url = format!("https://git.heroku.com/{name}.git");
            let archived_at = archived.then_some(updated_at.as_str());
            let head = self.render(&AppHeadJson {
                acm,
                archived_at,
                buildpack_provided_description: buildpack,
                build_stack: stack,
                created_at: &created_at,
                id: &id,
                git_url: &git_url,
                maintenance,
                name: &name,
                owner,
                region,
                organization: team_ref,
                team: team_ref,
                internal_routing,
                released_at: released_at.as_deref(),
                repo_size,
                slug_size,
                stack,
                updated_at: &updated_at,
                web_url: &web_url,
            });
            let team_tail = self.render(&TeamAppTailJson {
                space: space.as_ref().map(|(id, name)| SpaceJson {
                    id,
                    name,
                    shield: None,
                }),
                joined,
                legacy_id: &legacy_id,
                locked,
            });
            let app_tail = self.render(&AppTailJson {
                space: space.as_ref().map(|(id, name)| SpaceJson {
                    id,
                    name,
                    shield: Some(i == 3),
                }),
                generation: IdName {
                    id: &generation.1,
                    name: generation.0,
                },
            });
            // `{head…}` + `{tail…}` → `{head…,tail…}`: the head is shared by both shapes.
            let head: Arc<str> = Arc::from(head.strip_suffix('}').unwrap_or(&head));
            let team_app = Entry::build(
                Some(head.clone()),
                continuation(&team_tail),
                &id,
                &name,
                &updated_at,
            );
            let app = Entry::build(Some(head), continuation(&app_tail), &id, &name, &updated_at);
            apps.push(AppOut {
                meta: AppGen {
                    id,
                    name,
                    team: t,
                    created,
                },
                team_app,
                app,
            });
        }
        apps
    }

    fn service(&mut self) -> &'static Service {
        let total: u32 = SERVICES.iter().map(|s| s.weight).sum();
        let mut r = self.rng.random_range(0..total.max(1));
        for s in SERVICES {
            if r < s.weight {
                return s;
            }
            r -= s.weight;
        }
        &SERVICES[0]
    }

    fn addons(&mut self, teams: &[TeamGen], apps: &[AppOut], n: usize) -> Vec<AddonOut> {
        const COLORS: &[&str] = &[
            "AMBER", "BLUE", "COBALT", "CRIMSON", "GOLD", "GRAY", "GREEN", "IVORY", "JADE",
            "MAROON", "NAVY", "OLIVE", "ONYX", "ORANGE", "PINK", "PURPLE", "RED", "ROSE", "SILVER",
            "TEAL", "WHITE", "YELLOW",
        ];
        let mut by_team: Vec<Vec<usize>> = vec![Vec::new(); teams.len()];
        for (i, a) in apps.iter().enumerate() {
            by_team[a.meta.team].push(i);
        }
        // Ids that are the same for every customer, computed once.
        let service_ids: Vec<String> = SERVICES
            .iter()
            .map(|s| stable_uuid(&format!("service:{}", s.name)))
            .collect();
        let plan_ids: Vec<Vec<(String, String)>> = SERVICES
            .iter()
            .map(|s| {
                s.plans
                    .iter()
                    .map(|(p, _)| {
                        let full = format!("{}:{p}", s.name);
                        (stable_uuid(&format!("plan:{full}")), full)
                    })
                    .collect()
            })
            .collect();
        // `{"actions":[…],"addon_service":{…}`: the same for every add-on of a service, so
        // all of them share one copy.
        let heads: Vec<Arc<str>> = SERVICES
            .iter()
            .zip(&service_ids)
            .map(|(service, service_id)| {
                let ids: Vec<String> = service
                    .actions
                    .iter()
                    .map(|(label, _, _)| stable_uuid(&format!("action:{}:{label}", service.name)))
                    .collect();
                let head = self.render(&AddonHeadJson {
                    actions: service
                        .actions
                        .iter()
                        .zip(&ids)
                        .map(|((label, action, url), id)| ActionJson {
                            id,
                            label,
                            action: *action,
                            url: *url,
                            requires_owner: None,
                        })
                        .collect(),
                    addon_service: IdName {
                        id: service_id,
                        name: service.name,
                    },
                });
                Arc::from(head.strip_suffix('}').unwrap_or(&head))
            })
            .collect();
        let mut postgres_per_app: HashMap<usize, usize> = HashMap::new();
        let mut out = Vec::with_capacity(n);
        for j in 0..n {
            let billing = self.index(apps.len());
            let app = &apps[billing].meta;
            let service = self.service();
            let s = SERVICES
                .iter()
                .position(|x| std::ptr::eq(x, service))
                .unwrap_or(0);
            let p = self.index(service.plans.len());
            let cents = service.plans[p].1;
            let name = self.unique(|g, _| {
                let adj = g.pick(ADJECTIVES);
                let n = g.rng.random_range(10_000..100_000);
                format!("{}-{adj}-{n}", service.prefix)
            });
            let id = self.uuid();
            let share = match j {
                0 | 1 => true,
                2 => false,
                _ => self.chance(0.06),
            };
            let mut attached = Vec::new();
            if share && apps.len() > 1 {
                let same_team = j == 0 || (j != 1 && self.chance(0.75));
                let team_apps = &by_team[app.team];
                let other = if same_team && team_apps.len() > 1 {
                    let k = team_apps
                        .iter()
                        .copied()
                        .filter(|&a| a != billing)
                        .nth(self.index(team_apps.len() - 1));
                    k.unwrap_or(billing)
                } else {
                    // Another team's app, in the same enterprise account when possible.
                    let ea = teams[app.team].ea;
                    let others = |same_ea: bool| -> Vec<usize> {
                        (0..teams.len())
                            .filter(|&t| t != app.team && !by_team[t].is_empty())
                            .filter(|&t| !same_ea || teams[t].ea == ea)
                            .collect()
                    };
                    let mut pool = others(true);
                    if pool.is_empty() {
                        pool = others(false);
                    }
                    if pool.is_empty() {
                        (billing + 1 + self.index(apps.len() - 1)) % apps.len()
                    } else {
                        let t = pool[self.index(pool.len())];
                        by_team[t][self.index(by_team[t].len())]
                    }
                };
                if other != billing {
                    attached.push(apps[other].meta.id.clone());
                }
            }
            let state = if j == 2 || (j > 2 && self.chance(0.015)) {
                "deprovisioned"
            } else if self.chance(0.01) {
                "provisioning"
            } else {
                "provisioned"
            };
            let config_vars: Vec<String> = if service.name == "heroku-postgresql" {
                let count = postgres_per_app.entry(billing).or_insert(0);
                *count += 1;
                if *count == 1 {
                    vec!["DATABASE_URL".to_owned()]
                } else {
                    let color = COLORS[(*count - 2) % COLORS.len()];
                    vec![format!("HEROKU_POSTGRESQL_{color}_URL")]
                }
            } else {
                service.config_vars.iter().map(|&v| v.to_owned()).collect()
            };
            let created = self.between(app.created, T_2026_06_30);
            let updated = self.between(created, T_END);
            let provider_id = self
                .rng
                .random_range(10_000_000u64..10_000_000_000)
                .to_string();
            let created_at = ts(created);
            let updated_at = ts(updated);
            let web_url = format!("https://addons-sso.heroku.com/apps/{}/addons/{id}", app.id);
            let (plan_id, plan_name) = &plan_ids[s][p];
            let addon = AddonJson {
                app: IdName {
                    id: &app.id,
                    name: &app.name,
                },
                config_vars: &config_vars,
                created_at: &created_at,
                id: &id,
                name: &name,
                plan: IdName {
                    id: plan_id,
                    name: plan_name,
                },
                billing_entity: BillingEntityJson {
                    id: &app.id,
                    name: &app.name,
                    kind: "app",
                },
                provider_id: &provider_id,
                state,
                updated_at: &updated_at,
                web_url: &web_url,
                billed_price: BilledPriceJson {
                    cents,
                    contract: false,
                    unit: "month",
                },
            };
            let body = continuation(&self.render(&addon));
            let entry = Entry::build(Some(heads[s].clone()), body, &id, &name, &updated_at);
            out.push(AddonOut {
                entry,
                billing_app: app.id.clone(),
                attached,
            });
        }
        out
    }

    fn outsider(&mut self) -> Value {
        let mut emails = HashSet::new();
        let (email, name) = self.person("indie.example", &mut emails);
        let id = self.uuid();
        let created = self.between(T_2016, T_2024_04);
        let login = self.between(T_2026_06_30, T_END);
        account_json(
            &id,
            &email,
            Some(&name),
            false,
            true,
            &Value::Null,
            created,
            login,
        )
    }

    fn assemble(
        self,
        eas: &[EaGen],
        users: &mut [UserGen],
        teams: &[TeamGen],
        apps: Vec<AppOut>,
        addons: Vec<AddonOut>,
        outsider: Value,
    ) -> Dataset {
        let mut rng = self.rng;
        let idp_of = |u: &UserGen| -> Value {
            u.idp.map_or(Value::Null, |e| {
                let idp = &eas[e].idp;
                json!({"id": idp["id"], "name": idp["name"], "redacted": false, "owner": idp["owner"]})
            })
        };
        let mut user_recs = BTreeMap::new();
        for u in users.iter() {
            user_recs.insert(
                u.email.clone(),
                UserRec {
                    id: u.id.clone(),
                    name: u.name.clone(),
                    two_factor: u.two_factor,
                    identity_provider: idp_of(u),
                },
            );
        }
        let mut ea_recs = BTreeMap::new();
        for (i, ea) in eas.iter().enumerate() {
            let value = json!({
                "id": ea.id,
                "created_at": ts(ea.created),
                "name": ea.name,
                "updated_at": ts(ea.updated),
                "permissions": ea.caller_perms,
                "trial": false,
                "partner_benefits": ea.partner_benefits,
                "identity_provider": ea.idp,
            });
            let mut members = Vec::new();
            for u in users.iter() {
                let Some((_, perms)) = u.memberships.iter().find(|(e, _)| *e == i) else {
                    continue;
                };
                let permissions: Vec<Value> = perms
                    .iter()
                    .map(|p| json!({"description": permission_description(p), "name": p}))
                    .collect();
                let member = json!({
                    "enterprise_account": {"id": ea.id, "name": ea.name},
                    "id": uuid::Builder::from_random_bytes(rng.random()).into_uuid().to_string(),
                    "permissions": permissions,
                    "user": {"email": u.email, "id": u.id},
                    "two_factor_authentication": u.two_factor,
                    "identity_provider": idp_of(u),
                });
                members.push(Entry::new(&member, &u.email));
            }
            ea_recs.insert(
                ea.id.clone(),
                EaRec {
                    entry: Entry::named(&value),
                    name: ea.name.clone(),
                    members,
                },
            );
        }
        let mut team_recs = BTreeMap::new();
        for team in teams {
            let ea = team.ea.map(|e| &eas[e]);
            let value = json!({
                "id": team.id,
                "created_at": ts(team.created),
                "credit_card_collections": ea.is_none(),
                "default": false,
                "enterprise_account": ea.map_or(Value::Null, |e| json!({"id": e.id, "name": e.name})),
                "identity_provider": ea.map_or(Value::Null, |e| e.idp.clone()),
                "membership_limit": if ea.is_none() { json!(25) } else { Value::Null },
                "name": team.name,
                "provisioned_licenses": ea.is_some(),
                "role": team.caller_role,
                "type": if ea.is_some() { "enterprise" } else { "team" },
                "updated_at": ts(team.updated),
            });
            let mut members = Vec::new();
            for &(u, role) in &team.members {
                let user = &users[u];
                let rec = &user_recs[&user.email];
                let created = rng.random_range(user.created.max(team.created)..=T_2026_06_30);
                let updated = rng.random_range(created..=T_END);
                let id = uuid::Builder::from_random_bytes(rng.random())
                    .into_uuid()
                    .to_string();
                let member =
                    team_member_json(&id, &ts(created), &ts(updated), &user.email, rec, role);
                members.push(Entry::new(&member, &user.email));
            }
            team_recs.insert(
                team.id.clone(),
                TeamRec {
                    entry: Entry::named(&value),
                    name: team.name.clone(),
                    ea: ea.map(|e| e.id.clone()),
                    listed: team.caller_role.is_some(),
                    members,
                },
            );
        }
        let mut app_recs = BTreeMap::new();
        for a in apps {
            app_recs.insert(
                a.meta.id,
                AppRec {
                    team: teams[a.meta.team].id.clone(),
                    team_app: a.team_app,
                    app: a.app,
                },
            );
        }
        let mut addon_recs = BTreeMap::new();
        for a in addons {
            addon_recs.insert(
                a.entry.id().to_owned(),
                AddonRec {
                    billing_app: a.billing_app,
                    attached: a.attached,
                    entry: a.entry,
                },
            );
        }
        let caller = &users[0];
        let last_login = rng.random_range(T_2026_06_30..=T_END);
        let account = account_json(
            &caller.id,
            &caller.email,
            caller.name.as_deref(),
            caller.idp.is_some(),
            caller.two_factor,
            &idp_of(caller),
            caller.created,
            last_login,
        );
        let mut dataset = Dataset {
            account: Entry::named(&account),
            non_enterprise_account: Entry::named(&outsider),
            users: user_recs,
            eas: ea_recs,
            teams: team_recs,
            apps: app_recs,
            addons: addon_recs,
            served: Served::default(),
        };
        dataset.reindex();
        dataset
    }
}

#[allow(clippy::too_many_arguments)]
fn account_json(
    id: &str,
    email: &str,
    name: Option<&str>,
    federated: bool,
    two_factor: bool,
    identity_provider: &Value,
    created: i64,
    last_login: i64,
) -> Value {
    json!({
        "allow_tracking": true,
        "beta": false,
        "email": email,
        "federated": federated,
        "id": id,
        "identity_provider": identity_provider,
        "last_login": ts(last_login),
        "name": name,
        "sms_number": null,
        "two_factor_authentication": two_factor,
        "verified": true,
        "created_at": ts(created),
        "updated_at": ts(last_login),
        "suspended_at": null,
        "default_organization": null,
        "default_team": null,
        "delinquent_at": null,
        "country_of_residence": "United States",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_uuids_are_uuids() {
        let id = stable_uuid("plan:heroku-postgresql:essential-0");
        assert_eq!(id.len(), 36);
        assert_eq!(id, stable_uuid("plan:heroku-postgresql:essential-0"));
        assert_ne!(id, stable_uuid("plan:heroku-postgresql:standard-0"));
    }

    #[test]
    fn timestamps_are_iso() {
        assert_eq!(ts(T_2016), "2016-01-01T00:00:00Z");
    }
}
