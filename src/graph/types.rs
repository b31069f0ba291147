//! The data model as constants: every `_type`, `_class` and relationship verb heroku-j1
//! emits. `heroku-j1 document` and the README tables are generated from these.

/// `heroku_account` (`Account`): a Heroku Enterprise account.
pub const ACCOUNT: &str = "heroku_account";
/// `heroku_team` (`Team`).
pub const TEAM: &str = "heroku_team";
/// `heroku_account_member` (`User`): one per Heroku user.
pub const USER: &str = "heroku_account_member";
/// `heroku_application` (`Application`).
pub const APPLICATION: &str = "heroku_application";
/// `heroku_addon` (`Service`).
pub const ADDON: &str = "heroku_addon";

/// `heroku_account` HAS `heroku_team`.
pub const ACCOUNT_HAS_TEAM: &str = "heroku_account_has_team";
/// `heroku_account` HAS `heroku_account_member`.
pub const ACCOUNT_HAS_MEMBER: &str = "heroku_account_has_member";
/// `heroku_team` HAS `heroku_account_member`.
pub const TEAM_HAS_MEMBER: &str = "heroku_team_has_account_member";
/// `heroku_team` OWNS `heroku_application`.
pub const TEAM_OWNS_APPLICATION: &str = "heroku_team_owns_application";
/// `heroku_application` HAS `heroku_addon`.
pub const APPLICATION_HAS_ADDON: &str = "heroku_application_has_addon";

/// One entity type of the data model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityKind {
    /// What the Heroku resource is called in the documentation.
    pub resource: &'static str,
    pub entity_type: &'static str,
    pub class: &'static str,
}

/// One relationship type of the data model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationshipKind {
    pub relationship_type: &'static str,
    /// The verb, e.g. `HAS`.
    pub class: &'static str,
    pub from: &'static str,
    pub to: &'static str,
}

/// Every entity type, in the order the documentation lists them.
pub const ENTITY_KINDS: [EntityKind; 5] = [
    EntityKind {
        resource: "Enterprise Account",
        entity_type: ACCOUNT,
        class: "Account",
    },
    EntityKind {
        resource: "Team",
        entity_type: TEAM,
        class: "Team",
    },
    EntityKind {
        resource: "User",
        entity_type: USER,
        class: "User",
    },
    EntityKind {
        resource: "Application",
        entity_type: APPLICATION,
        class: "Application",
    },
    EntityKind {
        resource: "Add-on",
        entity_type: ADDON,
        class: "Service",
    },
];

/// Every relationship type, in the order the documentation lists them.
pub const RELATIONSHIP_KINDS: [RelationshipKind; 5] = [
    RelationshipKind {
        relationship_type: ACCOUNT_HAS_TEAM,
        class: "HAS",
        from: ACCOUNT,
        to: TEAM,
    },
    RelationshipKind {
        relationship_type: ACCOUNT_HAS_MEMBER,
        class: "HAS",
        from: ACCOUNT,
        to: USER,
    },
    RelationshipKind {
        relationship_type: TEAM_HAS_MEMBER,
        class: "HAS",
        from: TEAM,
        to: USER,
    },
    RelationshipKind {
        relationship_type: TEAM_OWNS_APPLICATION,
        class: "OWNS",
        from: TEAM,
        to: APPLICATION,
    },
    RelationshipKind {
        relationship_type: APPLICATION_HAS_ADDON,
        class: "HAS",
        from: APPLICATION,
        to: ADDON,
    },
];

/// The class of an entity type we emit.
#[must_use]
pub fn class_of(entity_type: &str) -> Option<&'static str> {
    ENTITY_KINDS
        .iter()
        .find(|k| k.entity_type == entity_type)
        .map(|k| k.class)
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
