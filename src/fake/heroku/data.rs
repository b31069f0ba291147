//! The fake's in-memory Heroku estate: the records it keeps, the lists it serves (rebuilt
//! from the records after every change), its lookups by id or name, and its mutations.
//!
//! The JSON is the single source of truth: the accessors a test uses to compute the expected
//! answer read the same strings the server sends ([`Entry`], [`PagedList`]). The estate itself
//! comes from the deterministic generator (the `generate` module builds a [`Dataset`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;

use serde_json::{Value, json};

pub use super::entry::{Entry, PagedList};

use super::Counts;
pub(super) use super::json::UserRec;
use super::json::{addon_attachment_json, team_member_json};
use super::names::SERVICES;
use super::sort::{ADDON_FIELDS, APP_FIELDS, ID_FIELDS, MEMBER_FIELDS, SortField};
use super::stamp::stable_uuid;

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
    AddonAttachments,
}

/// What a route resolves to.
pub(crate) enum Target<'a> {
    One(&'a Arc<Entry>),
    List(&'a PagedList),
}

#[derive(Debug, Clone)]
pub(super) struct EaRec {
    pub(super) entry: Arc<Entry>,
    pub(super) name: String,
    pub(super) members: Vec<Arc<Entry>>,
}

#[derive(Debug, Clone)]
pub(super) struct TeamRec {
    pub(super) entry: Arc<Entry>,
    pub(super) name: String,
    pub(super) ea: Option<String>,
    /// In `GET /teams` (the caller is a member).
    pub(super) listed: bool,
    pub(super) members: Vec<Arc<Entry>>,
}

#[derive(Debug, Clone)]
pub(super) struct AppRec {
    pub(super) team: String,
    pub(super) team_app: Arc<Entry>,
    pub(super) app: Arc<Entry>,
}

#[derive(Debug, Clone)]
pub(super) struct AddonRec {
    pub(super) billing_app: String,
    /// Other apps it is attached to.
    pub(super) attached: Vec<String>,
    pub(super) entry: Arc<Entry>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Served {
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
    addon_attachments: PagedList,
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
    pub(super) account: Arc<Entry>,
    pub(super) non_enterprise_account: Arc<Entry>,
    /// Known users by e-mail.
    pub(super) users: BTreeMap<String, UserRec>,
    pub(super) eas: BTreeMap<String, EaRec>,
    pub(super) teams: BTreeMap<String, TeamRec>,
    pub(super) apps: BTreeMap<String, AppRec>,
    pub(super) addons: BTreeMap<String, AddonRec>,
    pub(super) served: Served,
}

fn values(list: Option<&PagedList>) -> Option<Vec<Value>> {
    list.map(PagedList::values)
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Dataset {
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

    /// `GET /addon-attachments`: every attachment of an add-on to an app of the estate (its
    /// billing app's and the others).
    #[must_use]
    pub fn attachments(&self) -> Vec<Value> {
        self.served.addon_attachments.values()
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
            Route::AddonAttachments => Ok(Target::List(&s.addon_attachments)),
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
    pub(super) fn reindex(&mut self) {
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
        let mut attachments = Vec::new();
        for addon in self.addons.values() {
            let value = addon.entry.value();
            for app_id in std::iter::once(&addon.billing_app).chain(&addon.attached) {
                if let Some(app) = self.apps.get(app_id) {
                    let name = app.app.key(SortField::Name);
                    // An id that depends only on the two ends, so a regenerated estate keeps it.
                    let id = stable_uuid(&format!("attachment:{}:{app_id}", addon.entry.id()));
                    let json = addon_attachment_json(&id, &value, app_id, name);
                    attachments.push(Entry::named(&json));
                }
            }
        }
        s.addon_attachments = PagedList::new(ID_FIELDS, attachments);
        self.served = s;
    }
}
