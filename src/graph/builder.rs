//! Turns an [`Estate`] into the graph `DATA-MODEL.md` specifies: each Heroku object mapped to
//! its entity or relationship, and the rules across lists (one user per id, one entity per
//! id, add-ons kept when an app of the graph uses them, partial types). The streaming builder
//! (`super::stream`) maps pages with the same functions and feeds the same rules.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use serde_json::Value;
use serde_json::value::RawValue;

use super::entity::{Entity, Properties, RawData, RawJson, Relationship};
use super::id::Id;
use super::types::{self, class_of};
use super::{Graph, KeyIndex};
use crate::estate::{Estate, ListFailure, TeamData};
use crate::heroku::model::{
    AddOn, AddOnAttachment, App, EnterpriseAccount, EnterpriseAccountMember, HerokuObject, Str,
    Team, TeamMember,
};

/// Epoch milliseconds of an ISO-8601 timestamp; `None` when missing or unreadable.
#[must_use]
pub fn epoch_millis(timestamp: Option<&str>) -> Option<i64> {
    let ts = timestamp?;
    chrono::DateTime::parse_from_rfc3339(ts)
        .ok()
        .map(|t| t.timestamp_millis())
}

fn new_entity(key: &str, entity_type: &'static str) -> Entity {
    Entity {
        key: key.to_owned(),
        entity_type: Cow::Borrowed(entity_type),
        class: Cow::Borrowed(class_of(entity_type).unwrap_or("Entity")),
        properties: Properties::new(),
        raw_data: Vec::new(),
    }
}

fn default_raw(raw: &Arc<RawValue>) -> Vec<RawData> {
    vec![RawData {
        name: Cow::Borrowed("default"),
        raw: RawJson::new(raw),
    }]
}

fn set_times(p: &mut Properties, created: Option<&str>, updated: Option<&str>) {
    p.set_opt("createdOn", epoch_millis(created));
    p.set_opt("updatedOn", epoch_millis(updated));
}

fn opt_string(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.to_owned()))
}

/// The `function` of an add-on, from its service name.
#[must_use]
pub fn addon_function(service: &str) -> &'static [&'static str] {
    const LOGGING: &[&str] = &[
        "papertrail",
        "logentries",
        "loggly",
        "sumologic",
        "coralogix",
        "logdna",
        "mezmo",
        "solarwinds",
        "timber-logging",
        "logtail",
        "bonsai-logs",
    ];
    const MONITORING: &[&str] = &[
        "newrelic",
        "scout",
        "librato",
        "appsignal",
        "sentry",
        "rollbar",
        "honeybadger",
        "bugsnag",
        "raygun",
        "datadog",
        "atatus",
        "hirefire",
        "rails-autoscale",
        "judoscale",
    ];
    const MAIL: &[&str] = &[
        "sendgrid",
        "mailgun",
        "postmark",
        "mailtrap",
        "mailersend",
        "sparkpost",
    ];
    match service {
        "heroku-postgresql" => &["database"],
        "heroku-redis" | "memcachier" | "rediscloud" => &["caching"],
        "heroku-kafka" | "cloudamqp" | "iron_mq" => &["queuing"],
        "scheduler" | "advanced-scheduler" | "cron-to-go" => &["scheduling"],
        s if LOGGING.contains(&s) => &["logging"],
        s if MONITORING.contains(&s) => &["monitoring"],
        s if MAIL.contains(&s) => &["email"],
        _ => &[],
    }
}

pub(super) fn account_entity(a: &EnterpriseAccount) -> Entity {
    let mut e = new_entity(&a.id, types::ACCOUNT);
    let p = &mut e.properties;
    p.set("id", a.id.as_str());
    p.set("name", a.name.as_str());
    p.set("displayName", a.name.as_str());
    p.set("vendor", "Heroku");
    set_times(p, a.created_at.as_deref(), a.updated_at.as_deref());
    p.set_opt("trial", a.trial);
    p.set_opt("partnerBenefits", a.partner_benefits);
    p.set(
        "permissions",
        a.permissions.iter().map(Str::as_str).collect::<Vec<_>>(),
    );
    p.set("ssoEnabled", a.identity_provider.is_some());
    p.set(
        "identityProviderName",
        opt_string(a.identity_provider.as_ref().and_then(|i| i.name.as_deref())),
    );
    e.raw_data = default_raw(a.raw());
    e
}

pub(super) fn team_entity(t: &Team, enterprise_account_id: &str) -> Entity {
    let mut e = new_entity(&t.id, types::TEAM);
    let p = &mut e.properties;
    p.set("id", t.id.as_str());
    p.set("name", t.name.as_str());
    p.set("displayName", t.name.as_str());
    set_times(p, t.created_at.as_deref(), t.updated_at.as_deref());
    p.set("enterpriseAccountId", enterprise_account_id);
    p.set("teamType", opt_string(t.team_type.as_deref()));
    p.set(
        "membershipLimit",
        t.membership_limit.map_or(Value::Null, Value::from),
    );
    p.set("defaultTeam", t.default.map_or(Value::Null, Value::Bool));
    p.set("ssoEnabled", t.identity_provider.is_some());
    p.set(
        "identityProviderName",
        opt_string(t.identity_provider.as_ref().and_then(|i| i.name.as_deref())),
    );
    p.set(
        "webLink",
        format!("https://dashboard.heroku.com/teams/{}/apps", t.name),
    );
    e.raw_data = default_raw(t.raw());
    e
}

pub(super) fn application_entity(a: &App, team_id: &str, team_name: &str) -> Entity {
    let mut e = new_entity(&a.id, types::APPLICATION);
    let p = &mut e.properties;
    p.set("id", a.id.as_str());
    p.set("name", a.name.as_str());
    p.set("displayName", a.name.as_str());
    set_times(p, a.created_at.as_deref(), a.updated_at.as_deref());
    p.set_opt("releasedOn", epoch_millis(a.released_at.as_deref()));
    p.set_opt("archivedOn", epoch_millis(a.archived_at.as_deref()));
    p.set("teamId", team_id);
    p.set("teamName", team_name);
    p.set(
        "owner",
        opt_string(a.owner.as_ref().map(|o| o.email.as_str())),
    );
    p.set(
        "webLink",
        format!("https://dashboard.heroku.com/apps/{}", a.name),
    );
    p.set_opt("productionURL", a.web_url.as_deref());
    p.set("gitUrl", opt_string(a.git_url.as_deref()));
    let name_of = |r: &Option<crate::heroku::model::NamedRef>| {
        opt_string(r.as_ref().and_then(|r| r.name.as_deref()))
    };
    p.set("region", name_of(&a.region));
    p.set("stack", name_of(&a.stack));
    p.set("buildStack", name_of(&a.build_stack));
    p.set(
        "buildpack",
        opt_string(a.buildpack_provided_description.as_deref()),
    );
    p.set_opt("maintenance", a.maintenance);
    p.set_opt("locked", a.locked);
    p.set_opt("joined", a.joined);
    p.set_opt("internalRouting", a.internal_routing);
    p.set_opt("acm", a.acm);
    p.set("spaceName", name_of(&a.space));
    p.set("slugSize", a.slug_size.map_or(Value::Null, Value::from));
    p.set("repoSize", a.repo_size.map_or(Value::Null, Value::from));
    e.raw_data = default_raw(a.raw());
    e
}

pub(super) fn addon_entity(a: &AddOn) -> Entity {
    let mut e = new_entity(&a.id, types::ADDON);
    let p = &mut e.properties;
    p.set("id", a.id.as_str());
    p.set("name", a.name.as_str());
    p.set("displayName", a.name.as_str());
    set_times(p, a.created_at.as_deref(), a.updated_at.as_deref());
    p.set("category", vec!["platform"]);
    let service = a.addon_service.as_ref().and_then(|s| s.name.as_deref());
    p.set(
        "function",
        addon_function(service.unwrap_or_default()).to_vec(),
    );
    p.set(
        "endpoints",
        a.web_url.iter().map(Str::as_str).collect::<Vec<_>>(),
    );
    p.set_opt("webLink", a.web_url.as_deref());
    p.set(
        "applicationId",
        opt_string(a.app.as_ref().and_then(|r| r.id.as_deref())),
    );
    p.set(
        "applicationName",
        opt_string(a.app.as_ref().and_then(|r| r.name.as_deref())),
    );
    p.set("service", opt_string(service));
    p.set(
        "plan",
        opt_string(a.plan.as_ref().and_then(|r| r.name.as_deref())),
    );
    p.set("state", opt_string(a.state.as_deref()));
    p.set(
        "configVars",
        a.config_vars
            .iter()
            .flatten()
            .map(Str::as_str)
            .collect::<Vec<_>>(),
    );
    if let Some(price) = &a.billed_price {
        p.set_opt("billedPriceCents", price.cents);
        p.set_opt("billedPriceUnit", price.unit.as_deref());
    }
    p.set(
        "billingEntityType",
        opt_string(
            a.billing_entity
                .as_ref()
                .and_then(|b| b.entity_type.as_deref()),
        ),
    );
    e.raw_data = default_raw(a.raw());
    e
}

/// What the sources say of one Heroku user, merged.
struct UserFacts {
    id: String,
    email: String,
    name: Option<String>,
    mfa: Option<bool>,
    federated: bool,
    admin: bool,
    permissions: BTreeSet<String>,
    accounts: BTreeSet<String>,
    raw: Vec<RawData>,
}

impl UserFacts {
    fn new(id: &str, email: &str) -> Self {
        Self {
            id: id.to_owned(),
            email: email.to_owned(),
            name: None,
            mfa: None,
            federated: false,
            admin: false,
            permissions: BTreeSet::new(),
            accounts: BTreeSet::new(),
            raw: Vec::new(),
        }
    }

    fn add_raw(&mut self, source: String, raw: &RawJson) {
        let name = if self.raw.is_empty() {
            Cow::Borrowed("default")
        } else {
            Cow::Owned(source)
        };
        if !self.raw.iter().any(|r| r.name == name) {
            self.raw.push(RawData {
                name,
                raw: raw.clone(),
            });
        }
    }

    fn into_entity(self) -> Entity {
        let mut e = new_entity(&self.id, types::USER);
        let p = &mut e.properties;
        let (local, domain) = self
            .email
            .split_once('@')
            .unwrap_or((self.email.as_str(), ""));
        let (first, last) = match self
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            Some(name) => match name.split_once(char::is_whitespace) {
                Some((f, l)) if !l.trim().is_empty() => (Value::from(f), Value::from(l.trim())),
                _ => (Value::from(name), Value::Null),
            },
            None => (Value::Null, Value::Null),
        };
        p.set("id", self.id.as_str());
        p.set("name", self.email.as_str());
        p.set(
            "displayName",
            self.name
                .as_deref()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or(&self.email),
        );
        p.set("username", vec![self.email.as_str()]);
        p.set("email", vec![self.email.as_str()]);
        p.set("shortLoginId", vec![local]);
        p.set("emailDomain", vec![domain]);
        p.set("firstName", first);
        p.set("lastName", last);
        p.set_opt("mfaEnabled", self.mfa);
        p.set_opt("isMfaEnabled", self.mfa);
        p.set("federated", self.federated);
        p.set("isAdmin", self.admin);
        p.set(
            "enterprisePermissions",
            self.permissions.into_iter().collect::<Vec<_>>(),
        );
        p.set(
            "enterpriseAccountIds",
            self.accounts.into_iter().collect::<Vec<_>>(),
        );
        e.raw_data = self.raw;
        e
    }
}

/// Users in first-seen order, merged by `user.id`.
#[derive(Default)]
struct Users {
    order: Vec<UserFacts>,
    index: HashMap<String, usize>,
}

impl Users {
    fn get(&mut self, id: &str, email: &str) -> &mut UserFacts {
        let i = *self.index.entry(id.to_owned()).or_insert_with(|| {
            self.order.push(UserFacts::new(id, email));
            self.order.len() - 1
        });
        &mut self.order[i]
    }

    /// What one membership says of its user, merged with what earlier ones said.
    fn add(&mut self, source: Source<'_>, m: Membership) {
        let u = self.get(&m.id, &m.email);
        let raw_name = match source {
            Source::Account(id) => format!("enterprise-account-member:{id}"),
            Source::Team(id) => format!("team-member:{id}"),
        };
        u.add_raw(raw_name, &m.raw);
        if u.name.is_none() {
            u.name = m.name.as_ref().map(Str::to_string);
        }
        u.mfa = u.mfa.or(m.mfa);
        u.federated |= m.federated;
        u.admin |= m.admin;
        if let Source::Account(id) = source {
            u.permissions
                .extend(m.permissions.iter().map(Str::to_string));
            u.accounts.insert(id.to_owned());
        }
    }
}

/// Where a membership was listed.
#[derive(Clone, Copy)]
enum Source<'a> {
    Account(&'a str),
    Team(&'a str),
}

/// What one membership (in an enterprise account or a team) says of its user: all the
/// graph keeps of the member object.
#[derive(Clone)]
pub(super) struct Membership {
    id: Str,
    email: Str,
    /// Only team members carry the user's name.
    name: Option<Str>,
    raw: RawJson,
    mfa: Option<bool>,
    federated: bool,
    admin: bool,
    /// Enterprise permissions (`view`, `manage`, …); none for a team member.
    permissions: Vec<Str>,
}

/// An enterprise-account member as the graph keeps it: the user's facts, the account's
/// relationship to the user, and how many null permissions Heroku sent.
#[derive(Clone)]
pub(super) struct AccountMember {
    user: Membership,
    relationship: Relationship,
    nulls: usize,
}

impl AccountMember {
    pub(super) fn new(account_id: &str, m: &EnterpriseAccountMember) -> Self {
        Self {
            user: Membership {
                id: m.user.id.clone(),
                email: m.user.email.clone(),
                name: None,
                raw: RawJson::new(m.raw()),
                mfa: m.two_factor_authentication,
                federated: m.identity_provider.is_some(),
                admin: m.permissions.iter().any(|p| p.name == "manage"),
                permissions: m.permissions.iter().map(|p| p.name.clone()).collect(),
            },
            relationship: {
                let mut r = member_relationship(account_id, m);
                r.properties.shrink_to_fit();
                r
            },
            nulls: m.permissions.nulls,
        }
    }
}

/// A team member as the graph keeps it: the user's facts and the team's relationship.
#[derive(Clone)]
pub(super) struct TeamMemberOf {
    user: Membership,
    relationship: Relationship,
}

impl TeamMemberOf {
    pub(super) fn new(team_id: &str, m: &TeamMember) -> Self {
        let mut r = Relationship::direct(types::TEAM_HAS_MEMBER, "HAS", team_id, &m.user.id);
        r.properties.set("role", opt_string(m.role.as_deref()));
        r.properties.shrink_to_fit();
        Self {
            user: Membership {
                id: m.user.id.clone(),
                email: m.user.email.clone(),
                name: m.user.name.clone(),
                raw: RawJson::new(m.raw()),
                mfa: m.two_factor_authentication,
                federated: m.federated == Some(true) || m.identity_provider.is_some(),
                admin: matches!(m.role.as_deref(), Some("admin" | "owner")),
                permissions: Vec::new(),
            },
            relationship: r,
        }
    }
}

/// An add-on's relationship from its billing app, when it names one.
pub(super) fn billing_relationship(addon: &AddOn) -> Option<Relationship> {
    let app_id = addon.app.as_ref().and_then(|a| a.id.as_deref())?;
    Some(app_has_addon(app_id, &addon.id, true))
}

/// An attachment's relationship from the app it is attached to, when it names one.
pub(super) fn attachment_relationship(a: &AddOnAttachment) -> Option<Relationship> {
    Attachment::new(a).map(|a| a.relationship())
}

/// What the graph keeps of an attachment that names its app: the ends of its relationship,
/// and whether the app is the one billed. Smaller than the relationship, which most
/// attachments only repeat (the billing app's): the streaming builder holds these until the
/// crawl ends.
#[derive(Clone)]
pub(super) struct Attachment {
    app_id: Id,
    addon_id: Id,
    billing: bool,
}

impl Attachment {
    pub(super) fn new(a: &AddOnAttachment) -> Option<Self> {
        let app_id = a.app_id.as_ref()?;
        Some(Self {
            billing: a.billing_app_id.as_ref() == Some(app_id),
            app_id: Id::new(app_id),
            addon_id: Id::new(&a.addon_id),
        })
    }

    pub(super) fn relationship(&self) -> Relationship {
        app_has_addon(&self.app_id.text(), &self.addon_id.text(), self.billing)
    }
}

/// `heroku_application_has_addon`, saying whether the app is the one billed.
fn app_has_addon(app_id: &str, addon_id: &str, billing_app: bool) -> Relationship {
    let mut r = Relationship::direct(types::APPLICATION_HAS_ADDON, "HAS", app_id, addon_id);
    r.properties.set("billingApp", billing_app);
    r
}

fn member_relationship(account_id: &str, m: &EnterpriseAccountMember) -> Relationship {
    let mut r = Relationship::direct(types::ACCOUNT_HAS_MEMBER, "HAS", account_id, &m.user.id);
    let has = |name: &str| m.permissions.iter().any(|p| p.name == name);
    r.properties.set("canView", has("view"));
    r.properties.set("canCreate", has("create"));
    r.properties.set("canManage", has("manage"));
    r.properties.set("canBilling", has("billing"));
    r
}

/// Builds the graph of an estate. Objects reached twice become one entity; relationships are
/// kept only when both ends are entities; an add-on is kept only when an app of the graph is
/// billed for it or attached to it; failed lists mark their types partial.
#[must_use]
pub fn build(estate: &Estate) -> Graph {
    let mut b = Builder::new(&Sizes::of(estate));
    for ea in &estate.enterprise_accounts {
        b.account(&ea.account, &ea.members);
    }
    for ea in &estate.enterprise_accounts {
        for team in &ea.teams {
            b.team(&ea.account.id, team);
        }
    }
    b.attachments(&estate.attachments);
    b.finish(&estate.failures)
}

/// [`build`], consuming the estate: each team's objects are dropped as soon as they are
/// entities, so the parsed Heroku objects and the graph never both exist in full (their
/// raw JSON is shared, not copied). The same graph as [`build`] gives.
#[must_use]
pub fn build_owned(mut estate: Estate) -> Graph {
    let mut b = Builder::new(&Sizes::of(&estate));
    for ea in &mut estate.enterprise_accounts {
        b.account(&ea.account, &ea.members);
        ea.members = Vec::new();
    }
    for ea in &mut estate.enterprise_accounts {
        for team in std::mem::take(&mut ea.teams) {
            b.team(&ea.account.id, &team);
        }
    }
    b.attachments(&std::mem::take(&mut estate.attachments));
    b.finish(&estate.failures)
}

/// How many objects of each kind a graph will be built from: the builder reserves exactly
/// that (growing by doubling would leave up to half of each list unused).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Sizes {
    pub(super) accounts: usize,
    pub(super) account_members: usize,
    pub(super) teams: usize,
    pub(super) team_members: usize,
    pub(super) apps: usize,
    pub(super) addons: usize,
    pub(super) attachments: usize,
}

impl Sizes {
    fn of(estate: &Estate) -> Self {
        let mut s = Self {
            accounts: estate.enterprise_accounts.len(),
            attachments: estate.attachments.len(),
            ..Self::default()
        };
        for ea in &estate.enterprise_accounts {
            s.account_members += ea.members.len();
            s.teams += ea.teams.len();
            for t in &ea.teams {
                s.team_members += t.members.len();
                s.apps += t.apps.len();
                s.addons += t.addons.len();
            }
        }
        s
    }

    /// The entities the lists make, users aside (at most: duplicates are dropped).
    fn entities(&self) -> usize {
        self.accounts + self.teams + self.apps + self.addons
    }

    /// The relationships the lists make (at most).
    fn relationships(&self) -> usize {
        self.account_members
            + self.teams
            + self.team_members
            + self.apps
            + self.addons
            + self.attachments
    }
}

/// The entities and relationships seen so far, in the order of the estate: the batch
/// builder and the streaming one ([`super::stream`]) feed it the same objects in the same
/// order, so both give the same graph.
///
/// Objects live in two lists in the order they were handed in (for the streaming builder,
/// the order pages arrived, so it hands its lists over instead of copying them); the builder
/// records which positions it keeps, in the estate's order, and [`Builder::finish`] puts the
/// lists in that order in place. The largest lists of the graph so never exist twice.
pub(super) struct Builder {
    /// Every entity handed in; `kept` says which are kept, in which order.
    arena: Vec<Entity>,
    /// Positions in `arena` of the entities kept, in the order they were first seen (all
    /// kinds in one list: [`Builder::finish`] puts it in the steps' order).
    kept: Vec<u32>,
    /// Positions in `arena`, by key: the ids kept so far.
    seen: KeyIndex,
    /// Oddities of the source data (key, what) for the graph.
    oddities: Vec<(String, String)>,
    users: Users,
    /// Every relationship handed in; `related` says which are kept, in which order.
    relationship_arena: Vec<Relationship>,
    related: Vec<u32>,
    /// Positions in `relationship_arena` of the relationships kept, by key.
    relationship_keys: KeyIndex,
}

/// The position of an entity type's row in [`types::ENTITY_KINDS`].
fn kind_index(entity_type: &str) -> usize {
    types::ENTITY_KINDS
        .iter()
        .position(|k| k.entity_type == entity_type)
        .unwrap_or_default()
}

/// A position in one of the builder's lists, as stored.
pub(super) fn at(index: usize) -> u32 {
    u32::try_from(index).expect("fewer than 2^32 objects")
}

impl Builder {
    pub(super) fn new(sizes: &Sizes) -> Self {
        Self::adopting(
            sizes,
            // Room for the users too (at most one per membership): they join the list at
            // the end, and the graph takes the list without copying it.
            Vec::with_capacity(sizes.entities() + sizes.account_members + sizes.team_members),
            Vec::with_capacity(sizes.relationships()),
        )
    }

    /// A builder over objects already made ([`super::stream`]'s lists in arrival order):
    /// [`Builder::keep_at`] and [`Builder::relate_at`] pick them by position.
    pub(super) fn adopting(
        sizes: &Sizes,
        arena: Vec<Entity>,
        relationship_arena: Vec<Relationship>,
    ) -> Self {
        Self {
            arena,
            kept: Vec::with_capacity(sizes.entities()),
            seen: KeyIndex::with_capacity(sizes.entities()),
            oddities: Vec::new(),
            users: Users::default(),
            relationship_arena,
            related: Vec::with_capacity(sizes.relationships()),
            relationship_keys: KeyIndex::with_capacity(sizes.relationships()),
        }
    }

    /// Whether `r` repeats a relationship kept earlier (its key, type and ends): the graph
    /// keeps only the first relationship with a key, so it would drop this one (an add-on's
    /// attachment to its billing app repeats the billing relationship: a hundred thousand
    /// of them in the `huge` estate, not worth holding until then).
    fn repeats(&self, r: &Relationship) -> bool {
        let list = &self.relationship_arena;
        self.relationship_keys
            .get(r.key(), |i| list[i].key())
            .is_some_and(|i| {
                list[i].relationship_type == r.relationship_type
                    && list[i].from_key() == r.from_key()
                    && list[i].to_key() == r.to_key()
            })
    }

    /// Keeps the relationship at `index` of the list.
    fn keep_relationship(&mut self, index: usize) {
        let list = &self.relationship_arena;
        let key_at = |i: usize| list[i].key();
        self.relationship_keys
            .insert(list[index].key(), index, key_at);
        self.related.push(at(index));
    }

    /// Adds a relationship unless it [repeats](Builder::repeats) one kept earlier.
    fn relate(&mut self, r: Relationship) {
        if !self.repeats(&r) {
            self.relationship_arena.push(r);
            self.keep_relationship(self.relationship_arena.len() - 1);
        }
    }

    /// [`Builder::relate`] for the relationship at `index` of the adopted list.
    pub(super) fn relate_at(&mut self, index: u32) {
        let index = index as usize;
        if !self.repeats(&self.relationship_arena[index]) {
            self.keep_relationship(index);
        }
    }

    /// Adds `entity` to the list, kept or not: its position, for [`Builder::keep_at`].
    pub(super) fn add(&mut self, entity: Entity) -> u32 {
        self.arena.push(entity);
        at(self.arena.len() - 1)
    }

    /// Adds `relationship` to the list, kept or not: its position, for
    /// [`Builder::relate_at`].
    pub(super) fn add_relationship(&mut self, relationship: Relationship) -> u32 {
        self.relationship_arena.push(relationship);
        at(self.relationship_arena.len() - 1)
    }

    /// Keeps the entity at `index` of the list unless an entity with its key was kept
    /// before; a different object (other JSON) under a kept id is recorded as an oddity.
    pub(super) fn keep_at(&mut self, index: u32) {
        let index = index as usize;
        let list = &self.arena;
        let entity = &list[index];
        match self.seen.get(&entity.key, |i| list[i].key.as_str()) {
            None => {
                self.seen
                    .insert(&entity.key, index, |i| list[i].key.as_str());
                self.kept.push(at(index));
            }
            Some(i) if first_raw(&list[i]) != first_raw(entity) => {
                self.oddities.push((
                    entity.key.clone(),
                    format!(
                        "two different Heroku objects have the id {} (a second {}); only the \
                         first is kept",
                        crate::text::clean(&entity.key),
                        entity.entity_type
                    ),
                ));
            }
            Some(_) => {}
        }
    }

    /// [`Builder::keep_at`] for an entity not in the list yet.
    fn keep(&mut self, entity: Entity) {
        let index = self.add(entity);
        self.keep_at(index);
    }

    /// An enterprise account's member, in the account `account_name` (for messages).
    pub(super) fn account_member(
        &mut self,
        account_id: &str,
        account_name: &str,
        m: AccountMember,
    ) {
        if m.nulls > 0 {
            self.oddities.push((
                m.user.id.to_string(),
                format!(
                    "Heroku sent {} null permission(s) for {} in enterprise account {}; \
                     they were skipped",
                    m.nulls,
                    crate::text::clean(&m.user.email),
                    crate::text::clean(account_name)
                ),
            ));
        }
        self.users.add(Source::Account(account_id), m.user);
        self.relate(m.relationship);
    }

    /// A team of an enterprise account, before its lists.
    /// A team of an enterprise account (at `team` of the list), before its lists.
    pub(super) fn team_entity(&mut self, account_id: &str, team: u32) {
        let key = &self.arena[team as usize].key;
        self.relate(Relationship::direct(
            types::ACCOUNT_HAS_TEAM,
            "HAS",
            account_id,
            key,
        ));
        self.keep_at(team);
    }

    pub(super) fn team_member(&mut self, team_id: &str, m: TeamMemberOf) {
        self.users.add(Source::Team(team_id), m.user);
        self.relate(m.relationship);
    }

    /// An app of a team (at `app` of the list).
    pub(super) fn app(&mut self, team_id: &str, app: u32) {
        let key = &self.arena[app as usize].key;
        self.relate(Relationship::direct(
            types::TEAM_OWNS_APPLICATION,
            "OWNS",
            team_id,
            key,
        ));
        self.keep_at(app);
    }

    /// An add-on with its billing app's relationship (positions in the lists).
    pub(super) fn addon(&mut self, addon: u32, billing: Option<u32>) {
        self.keep_at(addon);
        if let Some(r) = billing {
            self.relate_at(r);
        }
    }

    /// An attachment's relationship. The billing app's comes first from the add-on lists,
    /// so a second one with its key is dropped.
    pub(super) fn attachment(&mut self, relationship: Relationship) {
        self.relate(relationship);
    }

    fn account(&mut self, account: &EnterpriseAccount, members: &[EnterpriseAccountMember]) {
        self.keep(account_entity(account));
        for m in members {
            self.account_member(
                &account.id,
                &account.name,
                AccountMember::new(&account.id, m),
            );
        }
    }

    fn team(&mut self, account_id: &str, data: &TeamData) {
        let TeamData {
            team,
            members,
            apps,
            addons,
        } = data;
        let team_at = self.add(team_entity(team, account_id));
        self.team_entity(account_id, team_at);
        for m in members {
            self.team_member(&team.id, TeamMemberOf::new(&team.id, m));
        }
        for app in apps {
            let app = self.add(application_entity(app, &team.id, &team.name));
            self.app(&team.id, app);
        }
        for addon in addons {
            let entity = self.add(addon_entity(addon));
            let billing = billing_relationship(addon).map(|r| self.add_relationship(r));
            self.addon(entity, billing);
        }
    }

    fn attachments(&mut self, attachments: &[AddOnAttachment]) {
        for a in attachments {
            if let Some(r) = attachment_relationship(a) {
                self.attachment(r);
            }
        }
    }

    /// Drops the add-ons no app of the graph is billed for or attached to: they belong to
    /// another estate (DATA-MODEL: an add-on is never left without an incoming relationship).
    fn drop_unused_addons(entities: &mut Vec<Entity>, relationships: &[Relationship]) {
        let apps: HashSet<&str> = entities
            .iter()
            .filter(|e| e.entity_type == types::APPLICATION)
            .map(|e| e.key.as_str())
            .collect();
        let used: HashSet<&str> = relationships
            .iter()
            .filter(|r| {
                r.relationship_type == types::APPLICATION_HAS_ADDON && apps.contains(r.from_key())
            })
            .map(Relationship::to_key)
            .collect();
        drop(apps);
        entities.retain(|e| e.entity_type != types::ADDON || used.contains(e.key.as_str()));
    }

    pub(super) fn finish(self, failures: &[ListFailure]) -> Graph {
        let Self {
            arena,
            kept,
            seen,
            users,
            relationship_arena,
            related,
            relationship_keys,
            oddities,
        } = self;
        drop((seen, relationship_keys));
        let mut entities = gather(arena, &kept);
        drop(kept);
        let relationships = gather(relationship_arena, &related);
        drop(related);
        Self::drop_unused_addons(&mut entities, &relationships);
        entities.extend(users.order.into_iter().map(UserFacts::into_entity));
        in_step_order(&mut entities);
        let mut graph = Graph::new();
        graph.adopt_entities(entities);
        graph.adopt_relationships(relationships);
        for f in failures {
            graph.mark_partial(&types::partial_types(f.list), &f.describe());
        }
        for (key, what) in oddities {
            graph.note_oddity(&key, what);
        }
        graph
    }
}

/// The items of `list` at the positions `order` gives, in that order (the others dropped),
/// rearranged in place: the list is one of the graph's largest.
fn gather<T>(mut list: Vec<T>, order: &[u32]) -> Vec<T> {
    // Where each item goes: the listed ones to their rank, the others after them in turn.
    let mut target = vec![u32::MAX; list.len()];
    for (rank, &i) in order.iter().enumerate() {
        target[i as usize] = at(rank);
    }
    let mut next = order.len();
    for t in &mut target {
        if *t == u32::MAX {
            *t = at(next);
            next += 1;
        }
    }
    permute(&mut list, target);
    list.truncate(order.len());
    list
}

/// Moves each item of `list` to the position `target` gives (a permutation) by following
/// the permutation's cycles.
fn permute<T>(list: &mut [T], mut target: Vec<u32>) {
    for i in 0..list.len() {
        while target[i] as usize != i {
            let t = target[i] as usize;
            list.swap(i, t);
            target.swap(i, t);
        }
    }
}

/// The JSON of the first source of an entity.
fn first_raw(e: &Entity) -> Option<&RawJson> {
    e.raw_data.first().map(|r| &r.raw)
}

/// Orders the entities by the export step of their type (so that a graph read back is in
/// the same order), types of one step in the order of [`types::ENTITY_KINDS`], each type's
/// entities in the order they were kept: a stable counting sort, done in place (the list is
/// the graph's largest).
fn in_step_order(entities: &mut [Entity]) {
    let step_of = |k: &types::EntityKind| {
        types::STEPS
            .iter()
            .position(|s| *s == k.step)
            .unwrap_or(usize::MAX)
    };
    // The rank of each row of ENTITY_KINDS: its place once sorted by step.
    let mut rows: Vec<usize> = (0..types::ENTITY_KINDS.len()).collect();
    rows.sort_by_key(|&k| step_of(&types::ENTITY_KINDS[k]));
    let mut rank = vec![0; rows.len()];
    for (r, &k) in rows.iter().enumerate() {
        rank[k] = r;
    }
    let ranks: Vec<usize> = entities
        .iter()
        .map(|e| rank[kind_index(&e.entity_type)])
        .collect();
    let mut start = vec![0; rows.len()];
    for &r in &ranks {
        if let Some(next) = start.get_mut(r + 1) {
            *next += 1;
        }
    }
    for r in 1..start.len() {
        start[r] += start[r - 1];
    }
    let target: Vec<u32> = ranks
        .into_iter()
        .map(|r| {
            let t = start[r];
            start[r] += 1;
            at(t)
        })
        .collect();
    permute(entities, target);
}

#[cfg(test)]
mod tests {
    use super::gather;

    #[test]
    fn gather_keeps_the_listed_positions_in_order_and_drops_the_rest() {
        let list: Vec<String> = ["a", "b", "c", "d", "e", "f"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(gather(list.clone(), &[4, 0, 2]), ["e", "a", "c"]);
        assert_eq!(gather(list.clone(), &[0, 1, 2, 3, 4, 5]), list);
        assert_eq!(
            gather(list.clone(), &[5, 4, 3, 2, 1, 0]),
            ["f", "e", "d", "c", "b", "a"]
        );
        assert!(gather(list, &[]).is_empty());
    }
}
