//! The data model, declared once: one table row per entity type and per relationship type.
//! Each row gives the `_type`, `_class` and documentation name, the export step that writes the
//! type, the Heroku lists that read it (what a failed list makes partial) and where the
//! explorer's tree shows it. The builder's type constants, `heroku-j1 document`, the README
//! tables, the export steps, the partial-type mapping and the tree grouping all come from here.
//!
//! A new type (say pipelines, `team HAS pipeline`) is one row here, its list in
//! [`ListKind`], its objects in the crawl and the builder, and its node kind in the tree.

use crate::estate::ListKind;

/// One entity type of the data model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityKind {
    /// What the Heroku resource is called in the documentation.
    pub resource: &'static str,
    pub entity_type: &'static str,
    pub class: &'static str,
    /// The export step that writes it.
    pub step: &'static Step,
    /// The lists that read entities of this type: when one fails, the type is partial.
    pub read_by: &'static [ListKind],
    /// The lists read once per entity of this type (e.g. a team's members): when the list
    /// that reads this type fails, theirs were never read either.
    pub lists: &'static [ListKind],
    /// The relationship types whose targets the tree shows under an entity of this type, in
    /// display order.
    pub tree_children: &'static [&'static str],
}

/// One relationship type of the data model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationshipKind {
    pub relationship_type: &'static str,
    /// The verb, e.g. `HAS`.
    pub class: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    /// The export step that writes it.
    pub step: &'static Step,
    /// The lists it is built from: when one fails, the type is partial.
    pub read_by: &'static [ListKind],
    /// The label of the group the tree puts the targets in under the source (`Members`), or
    /// `None` to put them right under the source.
    pub tree_group: Option<&'static str>,
}

/// One step of the collection, as `summary.json` names it. The `_type`s it declares are
/// those whose row names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub id: &'static str,
    pub name: &'static str,
    pub depends_on: &'static [&'static str],
}

/// Declares the rows of one table: a `&str` constant per `_type`, and the table in order.
macro_rules! table {
    ($kind:ident, $all:ident, $($(#[$doc:meta])* $name:ident = $t:literal => $row:expr;)*) => {
        $($(#[$doc])* pub const $name: &str = $t;)*
        /// Every row, in the order the documentation lists them.
        pub const $all: &[$kind] = &[$($row),*];
    };
}

pub const STEP_ACCOUNTS: Step = Step {
    id: "fetch-enterprise-accounts",
    name: "Fetch Enterprise Accounts",
    depends_on: &[],
};
pub const STEP_ACCOUNT_MEMBERS: Step = Step {
    id: "fetch-account-members",
    name: "Fetch Account Members",
    depends_on: &["fetch-enterprise-accounts"],
};
pub const STEP_TEAMS: Step = Step {
    id: "fetch-teams",
    name: "Fetch Teams",
    depends_on: &["fetch-enterprise-accounts"],
};
pub const STEP_TEAM_MEMBERS: Step = Step {
    id: "fetch-team-members",
    name: "Fetch Team Members",
    depends_on: &["fetch-teams", "fetch-account-members"],
};
pub const STEP_TEAM_APPS: Step = Step {
    id: "fetch-team-apps",
    name: "Fetch Team Apps",
    depends_on: &["fetch-teams"],
};
pub const STEP_TEAM_ADDONS: Step = Step {
    id: "fetch-team-addons",
    name: "Fetch Team Add-ons",
    depends_on: &["fetch-team-apps"],
};

/// The steps in the order `summary.json` lists them and the graph's entities are kept.
pub const STEPS: &[&Step] = &[
    &STEP_ACCOUNTS,
    &STEP_ACCOUNT_MEMBERS,
    &STEP_TEAMS,
    &STEP_TEAM_MEMBERS,
    &STEP_TEAM_APPS,
    &STEP_TEAM_ADDONS,
];

table! { EntityKind, ENTITY_KINDS,
    /// `heroku_account` (`Account`): a Heroku Enterprise account.
    ACCOUNT = "heroku_account" => EntityKind {
        resource: "Enterprise Account",
        entity_type: ACCOUNT,
        class: "Account",
        step: &STEP_ACCOUNTS,
        read_by: &[],
        lists: &[ListKind::EnterpriseAccountMembers, ListKind::EnterpriseAccountTeams],
        tree_children: &[ACCOUNT_HAS_MEMBER, ACCOUNT_HAS_TEAM],
    };
    /// `heroku_team` (`Team`).
    TEAM = "heroku_team" => EntityKind {
        resource: "Team",
        entity_type: TEAM,
        class: "Team",
        step: &STEP_TEAMS,
        read_by: &[ListKind::EnterpriseAccountTeams],
        lists: &[ListKind::TeamMembers, ListKind::TeamApps, ListKind::TeamAddons],
        tree_children: &[TEAM_HAS_MEMBER, TEAM_OWNS_APPLICATION],
    };
    /// `heroku_account_member` (`User`): one per Heroku user.
    USER = "heroku_account_member" => EntityKind {
        resource: "User",
        entity_type: USER,
        class: "User",
        step: &STEP_ACCOUNT_MEMBERS,
        // Team members also feed the collaborators who are not enterprise members.
        read_by: &[ListKind::EnterpriseAccountMembers, ListKind::TeamMembers],
        lists: &[],
        tree_children: &[],
    };
    /// `heroku_application` (`Application`).
    APPLICATION = "heroku_application" => EntityKind {
        resource: "Application",
        entity_type: APPLICATION,
        class: "Application",
        step: &STEP_TEAM_APPS,
        read_by: &[ListKind::TeamApps],
        lists: &[],
        tree_children: &[APPLICATION_HAS_ADDON],
    };
    /// `heroku_addon` (`Service`).
    ADDON = "heroku_addon" => EntityKind {
        resource: "Add-on",
        entity_type: ADDON,
        class: "Service",
        step: &STEP_TEAM_ADDONS,
        // An add-on is an entity only when an app of the graph is billed for it or attached
        // to it: without the apps or the attachments, some are missing.
        read_by: &[
            ListKind::TeamAddons,
            ListKind::TeamApps,
            ListKind::AddonAttachments,
        ],
        lists: &[],
        tree_children: &[],
    };
}

table! { RelationshipKind, RELATIONSHIP_KINDS,
    /// `heroku_account` HAS `heroku_team`.
    ACCOUNT_HAS_TEAM = "heroku_account_has_team" => RelationshipKind {
        relationship_type: ACCOUNT_HAS_TEAM,
        class: "HAS",
        from: ACCOUNT,
        to: TEAM,
        step: &STEP_TEAMS,
        read_by: &[ListKind::EnterpriseAccountTeams],
        tree_group: Some("Teams"),
    };
    /// `heroku_account` HAS `heroku_account_member`.
    ACCOUNT_HAS_MEMBER = "heroku_account_has_member" => RelationshipKind {
        relationship_type: ACCOUNT_HAS_MEMBER,
        class: "HAS",
        from: ACCOUNT,
        to: USER,
        step: &STEP_ACCOUNT_MEMBERS,
        read_by: &[ListKind::EnterpriseAccountMembers],
        tree_group: Some("Members"),
    };
    /// `heroku_team` HAS `heroku_account_member`.
    TEAM_HAS_MEMBER = "heroku_team_has_account_member" => RelationshipKind {
        relationship_type: TEAM_HAS_MEMBER,
        class: "HAS",
        from: TEAM,
        to: USER,
        step: &STEP_TEAM_MEMBERS,
        read_by: &[ListKind::TeamMembers],
        tree_group: Some("Members"),
    };
    /// `heroku_team` OWNS `heroku_application`.
    TEAM_OWNS_APPLICATION = "heroku_team_owns_application" => RelationshipKind {
        relationship_type: TEAM_OWNS_APPLICATION,
        class: "OWNS",
        from: TEAM,
        to: APPLICATION,
        step: &STEP_TEAM_APPS,
        read_by: &[ListKind::TeamApps],
        tree_group: Some("Apps"),
    };
    /// `heroku_application` HAS `heroku_addon`.
    APPLICATION_HAS_ADDON = "heroku_application_has_addon" => RelationshipKind {
        relationship_type: APPLICATION_HAS_ADDON,
        class: "HAS",
        from: APPLICATION,
        to: ADDON,
        step: &STEP_TEAM_ADDONS,
        // Add-ons of a missing app lose their relationship; without the attachments, only
        // the billing app's is known.
        read_by: &[
            ListKind::TeamAddons,
            ListKind::TeamApps,
            ListKind::AddonAttachments,
        ],
        tree_group: None,
    };
}

/// The row of an entity type we emit.
#[must_use]
pub fn entity_kind(entity_type: &str) -> Option<&'static EntityKind> {
    ENTITY_KINDS.iter().find(|k| k.entity_type == entity_type)
}

/// The row of a relationship type we emit.
#[must_use]
pub fn relationship_kind(relationship_type: &str) -> Option<&'static RelationshipKind> {
    RELATIONSHIP_KINDS
        .iter()
        .find(|k| k.relationship_type == relationship_type)
}

/// The class of an entity type we emit.
#[must_use]
pub fn class_of(entity_type: &str) -> Option<&'static str> {
    entity_kind(entity_type).map(|k| k.class)
}

/// The step that writes `_type` (entity or relationship), or `None` for a type we do not know.
#[must_use]
pub fn step_of(object_type: &str) -> Option<&'static Step> {
    entity_kind(object_type)
        .map(|k| k.step)
        .or_else(|| relationship_kind(object_type).map(|k| k.step))
}

/// The `_type`s a step writes: its entity types, then its relationship types.
#[must_use]
pub fn declared_types(step: &Step) -> Vec<&'static str> {
    let entities = ENTITY_KINDS
        .iter()
        .filter(|k| k.step == step)
        .map(|k| k.entity_type);
    let relationships = RELATIONSHIP_KINDS
        .iter()
        .filter(|k| k.step == step)
        .map(|k| k.relationship_type);
    entities.chain(relationships).collect()
}

/// The `_type`s that are incomplete when `list` fails: those it reads, and, for each entity
/// type it reads, the types read by that entity's own lists (which were never read).
#[must_use]
pub fn partial_types(list: ListKind) -> Vec<&'static str> {
    let mut out = Vec::new();
    for k in ENTITY_KINDS.iter().filter(|k| k.read_by.contains(&list)) {
        out.push(k.entity_type);
        for &below in k.lists {
            out.extend(partial_types(below));
        }
    }
    out.extend(
        RELATIONSHIP_KINDS
            .iter()
            .filter(|k| k.read_by.contains(&list))
            .map(|k| k.relationship_type),
    );
    let mut seen = std::collections::HashSet::new();
    out.retain(|t| seen.insert(*t));
    out
}

/// JupiterOne's `RelationshipClass` verbs (data-model 0.64).
pub const RELATIONSHIP_VERBS: [&str; 49] = [
    "ALLOWS",
    "ASSIGNED",
    "BUILDS",
    "CONNECTS",
    "CONTAINS",
    "CONTRIBUTES_TO",
    "CREATED",
    "DEFINES",
    "DELETED",
    "DENIES",
    "DEPENDS_ON",
    "DEPLOYED",
    "DESIGNED",
    "ENCRYPTS",
    "EVALUATES",
    "EXPLOITS",
    "EXTENDS",
    "GENERATED",
    "HAS",
    "IDENTIFIED",
    "IMPACTS",
    "IMPLEMENTS",
    "INFECTS",
    "INVOKES",
    "IS",
    "LINKS",
    "LOGS",
    "MANAGES",
    "MITIGATES",
    "MONITORS",
    "NOTIFIES",
    "OPENED",
    "OWNS",
    "PERFORMED",
    "PREVENTS",
    "PROTECTS",
    "PROVIDES",
    "PUBLISHED",
    "REPORTED",
    "REVIEWED",
    "SCANS",
    "SENDS",
    "SHARED",
    "STORES",
    "TRIGGERS",
    "TRUSTS",
    "UPDATED",
    "USES",
    "VIOLATES",
];
