//! The foundation: Heroku models on the recorded fixtures, the graph builder against
//! DATA-MODEL.md, the validator's rules, and the j1-integration export round trip.

use heroku_j1::estate::{EnterpriseAccountData, Estate, ListFailure, ListKind, TeamData};
use heroku_j1::graph::entity::{Entity, Properties, RawData, Relationship};
use heroku_j1::graph::validate::{Rule, validate};
use heroku_j1::graph::{Graph, build, build_owned, export, types};
use heroku_j1::heroku::model::{
    Account, AddOn, AddOnAttachment, App, EnterpriseAccount, EnterpriseAccountMember, ErrorBody,
    HerokuObject, Team, TeamMember, parse_list, parse_one,
};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../shared/fixtures/heroku-recorded/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn obj<T: HerokuObject>(v: &Value) -> T {
    parse_one(&v.to_string()).expect("parse object")
}

#[test]
fn every_recorded_fixture_parses() {
    let account: Account = parse_one(&fixture("account.json")).unwrap();
    assert_eq!(account.email, "owner@example.com");
    assert_eq!(account.two_factor_authentication, Some(false));
    let err: ErrorBody = serde_json::from_str(&fixture("account-401.json")).unwrap();
    assert_eq!(err.id.as_deref(), Some("unauthorized"));

    let eas: Vec<EnterpriseAccount> = parse_list(&fixture("enterprise-accounts.json")).unwrap();
    assert_eq!(eas[0].permissions, vec!["view"]);
    let members: Vec<EnterpriseAccountMember> =
        parse_list(&fixture("enterprise-account-members.json")).unwrap();
    // Not a UUID: ids are kept as strings.
    assert_eq!(members[0].user.id, "user-id-0000-0000-0000");
    let teams: Vec<Team> = parse_list(&fixture("enterprise-account-teams.json")).unwrap();
    assert_eq!(teams[0].membership_limit, Some(25.0));
    let team_members: Vec<TeamMember> = parse_list(&fixture("team-members.json")).unwrap();
    assert_eq!(team_members[1].role.as_deref(), Some("admin"));
    let apps: Vec<App> = parse_list(&fixture("team-apps.json")).unwrap();
    assert_eq!(apps.len(), 2);
    assert_eq!(apps[1].slug_size, Some(24_037_601));
    let addons: Vec<AddOn> = parse_list(&fixture("app-addons.json")).unwrap();
    assert_eq!(
        addons[1].addon_service.as_ref().unwrap().name.as_deref(),
        Some("heroku-postgresql")
    );

    // The raw JSON is kept exactly as received.
    let raw: Value = serde_json::from_str(apps[0].raw().get()).unwrap();
    let original: Value =
        serde_json::from_str::<Vec<Value>>(&fixture("team-apps.json")).unwrap()[0].clone();
    assert_eq!(raw, original);
}

fn fixture_estate() -> Estate {
    let ea: Vec<EnterpriseAccount> = parse_list(&fixture("enterprise-accounts.json")).unwrap();
    let team = parse_list::<Team>(&fixture("enterprise-account-teams.json"))
        .unwrap()
        .remove(0);
    Estate {
        user: Some(parse_one(&fixture("account.json")).unwrap()),
        enterprise_accounts: vec![EnterpriseAccountData {
            account: ea.into_iter().next().unwrap(),
            members: parse_list(&fixture("enterprise-account-members.json")).unwrap(),
            teams: vec![TeamData {
                team,
                members: parse_list(&fixture("team-members.json")).unwrap(),
                apps: parse_list(&fixture("team-apps.json")).unwrap(),
                addons: parse_list(&fixture("app-addons.json")).unwrap(),
            }],
        }],
        attachments: Vec::new(),
        failures: vec![],
    }
}

#[test]
fn recorded_fixtures_build_a_valid_graph() {
    let graph = build(&fixture_estate());
    let findings = validate(&graph);
    assert!(findings.is_empty(), "{findings:#?}");
    let counts = graph.counts();
    assert_eq!(counts[types::ACCOUNT], 1);
    assert_eq!(counts[types::TEAM], 1);
    // One enterprise member and two team members (collaborators of the enterprise).
    assert_eq!(counts[types::USER], 3);
    assert_eq!(counts[types::APPLICATION], 2);
    assert_eq!(counts[types::ADDON], 2);
    assert_eq!(counts[types::ACCOUNT_HAS_TEAM], 1);
    assert_eq!(counts[types::ACCOUNT_HAS_MEMBER], 1);
    assert_eq!(counts[types::TEAM_HAS_MEMBER], 2);
    assert_eq!(counts[types::TEAM_OWNS_APPLICATION], 2);
    assert_eq!(counts[types::APPLICATION_HAS_ADDON], 2);

    let account = graph
        .entity("01234567-89ab-cdef-0123-456789abcdef")
        .unwrap();
    let p = &account.properties;
    assert_eq!(account.class, "Account");
    assert_eq!(p.str("vendor"), Some("Heroku"));
    assert_eq!(p.get("createdOn"), Some(json!(1_325_419_200_000_i64)));
    assert_eq!(p.get("permissions"), Some(json!(["view"])));
    assert_eq!(p.bool("ssoEnabled"), Some(true));
    assert_eq!(p.str("identityProviderName"), Some("acme-sso"));
    assert_eq!(p.bool("trial"), Some(false));
    assert!(p.get("partnerBenefits").is_none(), "left out when absent");

    let team = graph
        .entity("00000000-0000-0000-0000-000000000000")
        .unwrap();
    let p = &team.properties;
    assert_eq!(
        p.str("enterpriseAccountId"),
        Some("01234567-89ab-cdef-0123-456789abcdef")
    );
    assert_eq!(p.str("teamType"), Some("team"));
    assert_eq!(p.get("membershipLimit"), Some(json!(25.0)));
    assert_eq!(p.bool("defaultTeam"), Some(true));
    assert_eq!(
        p.str("webLink"),
        Some("https://dashboard.heroku.com/teams/example/apps")
    );

    let member = graph.entity("user-id-0000-0000-0000").unwrap();
    let p = &member.properties;
    assert_eq!(member.class, "User");
    assert_eq!(p.str("name"), Some("username@example.com"));
    assert_eq!(p.str("displayName"), Some("username@example.com"));
    assert_eq!(p.get("email"), Some(json!(["username@example.com"])));
    assert_eq!(p.get("username"), Some(json!(["username@example.com"])));
    assert_eq!(p.get("shortLoginId"), Some(json!(["username"])));
    assert_eq!(p.get("emailDomain"), Some(json!(["example.com"])));
    assert_eq!(p.get("firstName"), Some(Value::Null));
    assert_eq!(p.get("lastName"), Some(Value::Null));
    assert_eq!(p.bool("mfaEnabled"), Some(true));
    assert_eq!(p.bool("isMfaEnabled"), Some(true));
    assert_eq!(p.bool("federated"), Some(true));
    assert_eq!(p.bool("isAdmin"), Some(false));
    assert_eq!(p.get("enterprisePermissions"), Some(json!(["view"])));
    assert_eq!(
        p.get("enterpriseAccountIds"),
        Some(json!(["01234567-89ab-cdef-0123-456789abcdef"]))
    );

    let owner = graph
        .entity("fdc6ef12-ed55-44b7-83a9-09b1a9c35ea8")
        .unwrap();
    assert_eq!(owner.properties.str("displayName"), Some("Example Person"));
    assert_eq!(owner.properties.str("firstName"), Some("Example"));
    assert_eq!(owner.properties.str("lastName"), Some("Person"));
    assert_eq!(
        owner.properties.bool("isAdmin"),
        Some(true),
        "team role admin"
    );
    assert_eq!(
        owner.properties.get("enterpriseAccountIds"),
        Some(json!([]))
    );
    assert!(
        owner.properties.get("mfaEnabled").is_none(),
        "no source gives 2FA"
    );

    let app = graph
        .entity("e3af0e11-ea32-475e-a36f-e20f48e83136")
        .unwrap();
    let p = &app.properties;
    assert_eq!(
        p.str("owner"),
        Some("ndowmon-lifeomic-test@herokumanager.com")
    );
    assert_eq!(
        p.str("teamId"),
        Some("00000000-0000-0000-0000-000000000000")
    );
    assert_eq!(p.str("teamName"), Some("example"));
    assert_eq!(
        p.str("webLink"),
        Some("https://dashboard.heroku.com/apps/damp-falls-40058")
    );
    assert_eq!(
        p.str("productionURL"),
        Some("https://damp-falls-40058.herokuapp.com/")
    );
    assert_eq!(
        p.str("gitUrl"),
        Some("https://git.heroku.com/damp-falls-40058.git")
    );
    assert_eq!(p.str("region"), Some("us"));
    assert_eq!(p.str("stack"), Some("heroku-18"));
    assert_eq!(p.str("buildpack"), Some("Node.js"));
    assert_eq!(p.bool("maintenance"), Some(false));
    assert_eq!(p.bool("acm"), Some(true));
    assert_eq!(p.get("internalRouting"), None, "null source is left out");
    assert_eq!(p.get("spaceName"), Some(Value::Null));
    assert_eq!(p.get("slugSize"), Some(json!(24_037_601)));
    assert_eq!(p.get("releasedOn"), Some(json!(1_586_878_044_000_i64)));
    assert!(p.get("archivedOn").is_none());

    let pg = graph
        .entity("d2e8f23d-ba46-47df-a002-94ff641a0747")
        .unwrap();
    let p = &pg.properties;
    assert_eq!(pg.class, "Service");
    assert_eq!(p.get("category"), Some(json!(["platform"])));
    assert_eq!(p.get("function"), Some(json!(["database"])));
    assert_eq!(p.str("service"), Some("heroku-postgresql"));
    assert_eq!(p.str("plan"), Some("heroku-postgresql:hobby-dev"));
    assert_eq!(p.str("state"), Some("provisioned"));
    assert_eq!(p.get("configVars"), Some(json!(["DATABASE_URL"])));
    assert_eq!(p.get("billedPriceCents"), Some(json!(0)));
    assert_eq!(p.str("billedPriceUnit"), Some("month"));
    assert_eq!(p.str("billingEntityType"), Some("app"));
    assert_eq!(
        p.str("applicationId"),
        Some("e3af0e11-ea32-475e-a36f-e20f48e83136")
    );
    assert_eq!(p.str("applicationName"), Some("damp-falls-40058"));
    assert_eq!(
        p.get("endpoints").and_then(|v| v.as_array().map(Vec::len)),
        Some(1)
    );
    let papertrail = graph
        .entity("2bb23a70-3da0-4a76-aa8e-31219fcc2b22")
        .unwrap();
    assert_eq!(
        papertrail.properties.get("function"),
        Some(json!(["logging"]))
    );

    let rel = graph
        .relationship("01234567-89ab-cdef-0123-456789abcdef|has|user-id-0000-0000-0000")
        .unwrap();
    assert_eq!(rel.relationship_type, types::ACCOUNT_HAS_MEMBER);
    assert_eq!(rel.properties.bool("canView"), Some(true));
    assert_eq!(rel.properties.bool("canManage"), Some(false));
    let rel = graph
        .relationship(
            "00000000-0000-0000-0000-000000000000|has|fdc6ef12-ed55-44b7-83a9-09b1a9c35ea8",
        )
        .unwrap();
    assert_eq!(rel.properties.str("role"), Some("admin"));
    assert_eq!(rel.properties.str("displayName"), Some("HAS"));
    let owns = graph
        .relationship(
            "00000000-0000-0000-0000-000000000000|owns|2a089907-da73-49d6-b569-5f4a89c65ba9",
        )
        .unwrap();
    assert_eq!(owns.class, "OWNS");

    // Adjacency both ways.
    assert_eq!(
        graph
            .outgoing("e3af0e11-ea32-475e-a36f-e20f48e83136")
            .count(),
        2
    );
    assert_eq!(
        graph
            .incoming("e3af0e11-ea32-475e-a36f-e20f48e83136")
            .count(),
        1
    );
    assert_eq!(graph.entities_of_type(types::ADDON).count(), 2);

    // _rawData keeps the source object exactly.
    let raw = &pg.raw_data[0];
    assert_eq!(raw.name, "default");
    let source: Vec<Value> = serde_json::from_str(&fixture("app-addons.json")).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&raw.raw.get()).unwrap(),
        source[1]
    );

    // The wire shape of an entity.
    let wire = serde_json::to_value(pg).unwrap();
    assert_eq!(wire["_key"], "d2e8f23d-ba46-47df-a002-94ff641a0747");
    assert_eq!(wire["_type"], "heroku_addon");
    assert_eq!(wire["_class"], json!(["Service"]));
    assert_eq!(wire["_rawData"][0]["name"], "default");
    assert_eq!(
        wire["_rawData"][0]["rawData"]["name"],
        "postgresql-shallow-48339"
    );
    let wire = serde_json::to_value(owns).unwrap();
    assert_eq!(wire["_class"], "OWNS");
    assert_eq!(
        wire["_fromEntityKey"],
        "00000000-0000-0000-0000-000000000000"
    );
    assert_eq!(wire["_toEntityKey"], "2a089907-da73-49d6-b569-5f4a89c65ba9");
}

// ---- hand-made estates for the rules of DATA-MODEL.md ----

const EA1: &str = "aaaaaaaa-0000-4000-8000-000000000001";
const EA2: &str = "aaaaaaaa-0000-4000-8000-000000000002";
const T1: &str = "bbbbbbbb-0000-4000-8000-000000000001";
const T2: &str = "bbbbbbbb-0000-4000-8000-000000000002";
const DANA: &str = "cccccccc-0000-4000-8000-00000000000d";
const LEE: &str = "cccccccc-0000-4000-8000-00000000000e";
const APP1: &str = "dddddddd-0000-4000-8000-000000000001";
const APP2: &str = "dddddddd-0000-4000-8000-000000000002";
const PG: &str = "eeeeeeee-0000-4000-8000-000000000001";

fn ea(id: &str, name: &str) -> EnterpriseAccount {
    obj(
        &json!({"id": id, "name": name, "created_at": "2020-05-11T09:30:00Z",
        "updated_at": "2026-02-03T17:44:09Z", "permissions": ["view", "manage"], "trial": false,
        "partner_benefits": false, "identity_provider": null}),
    )
}

fn ea_member(
    ea_id: &str,
    user: &str,
    email: &str,
    perms: &[&str],
    mfa: bool,
) -> EnterpriseAccountMember {
    let perms: Vec<Value> = perms
        .iter()
        .map(|p| json!({"name": p, "description": "x"}))
        .collect();
    obj(
        &json!({"id": format!("m-{ea_id}-{user}"), "enterprise_account": {"id": ea_id, "name": "acme"},
        "user": {"id": user, "email": email}, "permissions": perms,
        "two_factor_authentication": mfa, "identity_provider": null}),
    )
}

fn team(id: &str, name: &str) -> Team {
    obj(
        &json!({"id": id, "name": name, "created_at": "2020-05-11T09:41:27Z",
        "updated_at": "2026-06-20T11:02:55Z", "default": false, "membership_limit": null,
        "role": null, "type": "enterprise", "identity_provider": null}),
    )
}

fn team_member(user: &str, email: &str, name: Option<&str>, role: &str) -> TeamMember {
    obj(
        &json!({"id": format!("tm-{user}"), "email": email, "role": role, "federated": false,
        "two_factor_authentication": false, "identity_provider": null,
        "user": {"id": user, "email": email, "name": name},
        "created_at": "2021-09-02T14:20:31Z", "updated_at": "2025-11-30T10:00:00Z"}),
    )
}

fn app(id: &str, name: &str) -> App {
    obj(
        &json!({"id": id, "name": name, "created_at": "2022-01-18T12:00:03Z",
        "updated_at": "2026-07-10T09:12:44Z", "owner": {"id": T1, "email": "t@herokumanager.com"},
        "team": {"name": "t"}, "web_url": null, "git_url": null, "maintenance": true,
        "region": {"id": "r", "name": "eu"}}),
    )
}

fn addon(id: &str, billing_app: &str) -> AddOn {
    obj(
        &json!({"id": id, "name": "postgresql-rigid-48213", "app": {"id": billing_app, "name": "billing"},
        "addon_service": {"id": "s", "name": "heroku-postgresql"}, "plan": {"id": "p", "name": "heroku-postgresql:essential-0"},
        "state": "provisioned", "config_vars": ["DATABASE_URL"], "created_at": "2022-01-18T12:05:40Z",
        "updated_at": "2026-03-02T07:30:00Z", "web_url": null, "billed_price": null,
        "billing_entity": {"id": billing_app, "name": "billing", "type": "app"}}),
    )
}

fn two_account_estate() -> Estate {
    Estate {
        user: None,
        enterprise_accounts: vec![
            EnterpriseAccountData {
                account: ea(EA1, "acme"),
                members: vec![ea_member(
                    EA1,
                    DANA,
                    "dana.reyes@acme.example",
                    &["view"],
                    true,
                )],
                teams: vec![TeamData {
                    team: team(T1, "acme-platform"),
                    members: vec![
                        team_member(
                            DANA,
                            "dana.reyes@acme.example",
                            Some("Dana Maria Reyes"),
                            "member",
                        ),
                        team_member(
                            LEE,
                            "lee.park@partner.example",
                            Some("Lee Park"),
                            "collaborator",
                        ),
                    ],
                    apps: vec![app(APP1, "acme-api")],
                    addons: vec![addon(PG, APP1)],
                }],
            },
            EnterpriseAccountData {
                account: ea(EA2, "acme-eu"),
                members: vec![ea_member(
                    EA2,
                    DANA,
                    "dana.reyes@acme.example",
                    &["view", "manage"],
                    true,
                )],
                teams: vec![TeamData {
                    team: team(T2, "acme-eu-web"),
                    members: vec![team_member(DANA, "dana.reyes@acme.example", None, "admin")],
                    apps: vec![app(APP2, "acme-eu-web")],
                    // The same add-on, attached here but billed to APP1.
                    addons: vec![addon(PG, APP1)],
                }],
            },
        ],
        attachments: Vec::new(),
        failures: vec![],
    }
}

#[test]
fn a_user_in_two_accounts_and_two_teams_is_one_entity() {
    let graph = build(&two_account_estate());
    assert!(validate(&graph).is_empty(), "{:#?}", validate(&graph));
    assert_eq!(graph.entities_of_type(types::USER).count(), 2);
    let dana = graph.entity(DANA).unwrap();
    let p = &dana.properties;
    assert_eq!(p.get("enterpriseAccountIds"), Some(json!([EA1, EA2])));
    assert_eq!(
        p.get("enterprisePermissions"),
        Some(json!(["manage", "view"]))
    );
    assert_eq!(p.bool("isAdmin"), Some(true));
    assert_eq!(p.str("displayName"), Some("Dana Maria Reyes"));
    assert_eq!(p.str("firstName"), Some("Dana"));
    assert_eq!(p.str("lastName"), Some("Maria Reyes"));
    let names: Vec<&str> = dana.raw_data.iter().map(|r| r.name.as_ref()).collect();
    assert_eq!(
        names,
        vec![
            "default".to_owned(),
            format!("enterprise-account-member:{EA2}"),
            format!("team-member:{T1}"),
            format!("team-member:{T2}"),
        ]
    );
    // Relationships to both accounts and both teams.
    let incoming: Vec<&str> = graph
        .incoming(DANA)
        .map(|r| r.relationship_type.as_ref())
        .collect();
    assert_eq!(
        incoming
            .iter()
            .filter(|t| **t == types::ACCOUNT_HAS_MEMBER)
            .count(),
        2
    );
    assert_eq!(
        incoming
            .iter()
            .filter(|t| **t == types::TEAM_HAS_MEMBER)
            .count(),
        2
    );
}

#[test]
fn a_collaborator_outside_the_enterprise_account_is_kept() {
    let graph = build(&two_account_estate());
    let lee = graph.entity(LEE).expect("collaborator entity");
    assert_eq!(lee.properties.get("enterpriseAccountIds"), Some(json!([])));
    assert_eq!(lee.properties.bool("isAdmin"), Some(false));
    assert_eq!(lee.raw_data[0].name, "default");
    let rel = graph.relationship(&format!("{T1}|has|{LEE}")).unwrap();
    assert_eq!(rel.properties.str("role"), Some("collaborator"));
    // And no enterprise membership was invented.
    assert!(
        graph
            .incoming(LEE)
            .all(|r| r.relationship_type == types::TEAM_HAS_MEMBER)
    );
}

#[test]
fn an_addon_reached_twice_is_one_entity_related_to_its_billing_app() {
    let graph = build(&two_account_estate());
    assert_eq!(graph.entities_of_type(types::ADDON).count(), 1);
    let rels: Vec<&Relationship> = graph
        .relationships_of_type(types::APPLICATION_HAS_ADDON)
        .collect();
    assert_eq!(rels.len(), 1);
    assert_eq!(rels[0].from_key(), APP1);
    assert!(graph.outgoing(APP2).next().is_none());
}

fn attachment(addon: &str, billing_app: Option<&str>, app: &str) -> AddOnAttachment {
    obj(&json!({"id": format!("{addon}:{app}"), "name": "DATABASE",
        "addon": {"id": addon, "name": "postgresql-rigid-48213",
                  "app": billing_app.map(|b| json!({"id": b, "name": "billing"}))},
        "app": {"id": app, "name": "attached"}, "namespace": null,
        "created_at": "2022-01-18T12:05:40Z", "updated_at": "2026-03-02T07:30:00Z"}))
}

const OUTSIDE_APP: &str = "dddddddd-0000-4000-8000-0000000000ff";
const SHARED: &str = "eeeeeeee-0000-4000-8000-000000000002";

#[test]
fn an_addon_no_app_of_the_graph_uses_is_not_an_entity() {
    let mut estate = two_account_estate();
    // Billed to an app that was not collected, and attached to no app of the graph.
    estate.enterprise_accounts[0].teams[0]
        .addons
        .push(addon(SHARED, OUTSIDE_APP));
    estate.attachments = vec![attachment(SHARED, Some(OUTSIDE_APP), OUTSIDE_APP)];
    let graph = build(&estate);
    assert!(graph.entity(SHARED).is_none());
    assert!(graph.relationships().iter().all(|r| r.to_key() != SHARED));
    assert!(validate(&graph).is_empty());
}

#[test]
fn attachments_relate_an_addon_to_every_app_that_uses_it() {
    let mut estate = two_account_estate();
    // Billed outside the graph, used by APP1 and APP2 (two teams).
    estate.enterprise_accounts[0].teams[0]
        .addons
        .push(addon(SHARED, OUTSIDE_APP));
    estate.attachments = vec![
        attachment(SHARED, Some(OUTSIDE_APP), OUTSIDE_APP),
        attachment(SHARED, Some(OUTSIDE_APP), APP1),
        attachment(SHARED, Some(OUTSIDE_APP), APP2),
        // PG is billed to APP1 and also attached to APP2.
        attachment(PG, Some(APP1), APP1),
        attachment(PG, Some(APP1), APP2),
    ];
    let graph = build(&estate);
    assert!(validate(&graph).is_empty(), "{:#?}", validate(&graph));
    let shared = graph.entity(SHARED).unwrap();
    assert_eq!(shared.properties.str("applicationId"), Some(OUTSIDE_APP));
    let incoming = |key: &str| -> Vec<(String, Option<bool>)> {
        let mut v: Vec<_> = graph
            .incoming(key)
            .map(|r| {
                assert_eq!(r.relationship_type, types::APPLICATION_HAS_ADDON);
                (r.from_key().to_owned(), r.properties.bool("billingApp"))
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        incoming(SHARED),
        vec![
            (APP1.to_owned(), Some(false)),
            (APP2.to_owned(), Some(false))
        ]
    );
    assert_eq!(
        incoming(PG),
        vec![
            (APP1.to_owned(), Some(true)),
            (APP2.to_owned(), Some(false))
        ]
    );
    // Without the attachments, the add-on billed outside is unknown to the graph, and says so.
    estate.attachments.clear();
    estate.failures.push(ListFailure {
        list: ListKind::AddonAttachments,
        owner: DANA.into(),
        target: "the user dana.reyes@acme.example".into(),
        reason: "403 forbidden".into(),
    });
    let graph = build(&estate);
    assert!(graph.entity(SHARED).is_none());
    assert_eq!(incoming_count(&graph, PG), 1);
    let partial: Vec<&str> = graph
        .partial_datasets()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(partial, vec![types::ADDON, types::APPLICATION_HAS_ADDON]);
}

fn incoming_count(graph: &Graph, key: &str) -> usize {
    graph.incoming(key).count()
}

#[test]
fn null_and_missing_fields_and_non_uuid_ids() {
    let minimal_team: Team = obj(&json!({"id": "team-id-0000-0000", "name": "bare"}));
    let minimal_app: App = obj(
        &json!({"id": "app-id-0000-0000", "name": "bare-app", "owner": null,
        "created_at": "not a date", "region": null}),
    );
    let minimal_member: TeamMember = obj(
        &json!({"id": "x", "user": {"id": "user-id-0000-0000", "email": "solo"}, "role": null}),
    );
    let addon_without_app: AddOn = obj(&json!({"id": "addon-id-0000-0000", "name": "lonely"}));
    let estate = Estate {
        user: None,
        enterprise_accounts: vec![EnterpriseAccountData {
            account: obj(&json!({"id": "enterprise-account-id-0000", "name": "e"})),
            members: vec![],
            teams: vec![TeamData {
                team: minimal_team,
                members: vec![minimal_member],
                apps: vec![minimal_app],
                addons: vec![addon_without_app],
            }],
        }],
        attachments: vec![attachment("addon-id-0000-0000", None, "app-id-0000-0000")],
        failures: vec![],
    };
    let graph = build(&estate);
    assert!(validate(&graph).is_empty(), "{:#?}", validate(&graph));
    let app = graph.entity("app-id-0000-0000").unwrap();
    assert!(
        app.properties.get("createdOn").is_none(),
        "unreadable timestamp is left out"
    );
    assert_eq!(app.properties.get("owner"), Some(Value::Null));
    assert_eq!(app.properties.get("region"), Some(Value::Null));
    let user = graph.entity("user-id-0000-0000").unwrap();
    assert_eq!(user.properties.get("shortLoginId"), Some(json!(["solo"])));
    assert_eq!(user.properties.get("emailDomain"), Some(json!([""])));
    let rel = graph
        .relationship("team-id-0000-0000|has|user-id-0000-0000")
        .unwrap();
    assert_eq!(rel.properties.get("role"), Some(Value::Null));
    let addon = graph.entity("addon-id-0000-0000").unwrap();
    assert_eq!(addon.properties.get("function"), Some(json!([])));
    assert_eq!(addon.properties.get("endpoints"), Some(json!([])));
    assert_eq!(addon.properties.get("configVars"), Some(json!([])));
    assert_eq!(addon.properties.get("applicationId"), Some(Value::Null));
    let rel = graph
        .relationship("app-id-0000-0000|has|addon-id-0000-0000")
        .unwrap();
    assert_eq!(rel.properties.get("billingApp"), Some(json!(false)));
}

#[test]
fn a_short_id_is_a_finding_not_a_prefix() {
    let estate = Estate {
        user: None,
        enterprise_accounts: vec![EnterpriseAccountData {
            account: obj(&json!({"id": "short", "name": "e"})),
            members: vec![],
            teams: vec![],
        }],
        attachments: Vec::new(),
        failures: vec![],
    };
    let graph = build(&estate);
    assert!(
        graph.entity("short").is_some(),
        "the key is the id, unprefixed"
    );
    let findings = validate(&graph);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, Rule::KeyTooShort);
    assert_eq!(findings[0].key, "short");
}

#[test]
fn failed_lists_mark_their_types_partial() {
    let mut estate = two_account_estate();
    estate.failures.push(ListFailure {
        list: ListKind::TeamMembers,
        owner: T1.into(),
        target: "team acme-platform".into(),
        reason: "403 forbidden: needs the global scope".into(),
    });
    estate.failures.push(ListFailure {
        list: ListKind::TeamAddons,
        owner: T2.into(),
        target: "team acme-eu-web".into(),
        reason: "403 forbidden".into(),
    });
    let graph = build(&estate);
    let partial: Vec<&str> = graph
        .partial_datasets()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        partial,
        vec![
            types::USER,
            types::APPLICATION_HAS_ADDON,
            types::ADDON,
            types::TEAM_HAS_MEMBER
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    assert!(graph.partial_datasets()[types::TEAM_HAS_MEMBER][0].contains("global scope"));
    assert!(graph.partial_datasets()[types::TEAM_HAS_MEMBER][0].contains("team acme-platform"));
}

// ---- the validator, one failing case per rule ----

fn entity(
    key: &str,
    entity_type: &'static str,
    class: &'static str,
    props: &[(&'static str, Value)],
) -> Entity {
    let mut properties = Properties::new();
    for (k, v) in props {
        properties.set(*k, v.clone());
    }
    Entity {
        key: key.to_owned(),
        entity_type: entity_type.into(),
        class: class.into(),
        properties,
        raw_data: vec![],
    }
}

fn named(extra: &[(&'static str, Value)]) -> Vec<(&'static str, Value)> {
    let mut v = vec![("name", json!("n")), ("displayName", json!("n"))];
    v.extend(extra.iter().cloned());
    v
}

fn rules_of(graph: &Graph) -> Vec<Rule> {
    validate(graph).into_iter().map(|f| f.rule).collect()
}

fn one_entity(e: Entity) -> Graph {
    let mut g = Graph::new();
    g.add_entity(e);
    g
}

#[test]
fn validator_requires_name_and_display_name() {
    let g = one_entity(entity(
        "team-key-0001",
        "heroku_team",
        "Team",
        &[("name", json!("x"))],
    ));
    let f = validate(&g);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, Rule::MissingRequired);
    assert!(f[0].message.contains("displayName"));
}

#[test]
fn validator_requires_class_properties() {
    let g = one_entity(entity(
        "account-key-1",
        "heroku_account",
        "Account",
        &named(&[]),
    ));
    assert_eq!(rules_of(&g), vec![Rule::MissingRequired]);
    let g = one_entity(entity(
        "account-key-1",
        "heroku_account",
        "Account",
        &named(&[("vendor", json!(1))]),
    ));
    assert_eq!(rules_of(&g), vec![Rule::WrongType]);

    let good_user = named(&[
        ("firstName", Value::Null),
        ("lastName", Value::Null),
        ("email", json!(["a@b.c"])),
        ("shortLoginId", json!(["a"])),
        ("username", Value::Null),
    ]);
    assert!(
        rules_of(&one_entity(entity(
            "user-key-0001",
            "heroku_account_member",
            "User",
            &good_user
        )))
        .is_empty()
    );
    // graph-heroku's string username fails the current User class.
    let mut bad_user = good_user.clone();
    bad_user[6] = ("username", json!("a@b.c"));
    assert_eq!(
        rules_of(&one_entity(entity(
            "user-key-0001",
            "heroku_account_member",
            "User",
            &bad_user
        ))),
        vec![Rule::WrongType]
    );
    let missing: Vec<_> = good_user
        .iter()
        .filter(|(k, _)| *k != "lastName")
        .cloned()
        .collect();
    assert_eq!(
        rules_of(&one_entity(entity(
            "user-key-0001",
            "heroku_account_member",
            "User",
            &missing
        ))),
        vec![Rule::MissingRequired]
    );

    let service = named(&[("category", json!(["platform"]))]);
    assert_eq!(
        rules_of(&one_entity(entity(
            "addon-key-001",
            "acme_service",
            "Service",
            &service
        ))),
        vec![Rule::MissingRequired]
    );
    let service = named(&[
        ("category", json!(["platform"])),
        ("function", json!("database")),
    ]);
    assert_eq!(
        rules_of(&one_entity(entity(
            "addon-key-001",
            "acme_service",
            "Service",
            &service
        ))),
        vec![Rule::WrongType]
    );
    // An add-on no app leads to.
    let service = named(&[
        ("category", json!(["platform"])),
        ("function", json!(["database"])),
    ]);
    let mut g = one_entity(entity("addon-key-001", types::ADDON, "Service", &service));
    assert_eq!(rules_of(&g), vec![Rule::AddonWithoutApp]);
    g.add_entity(entity(
        "app-key-0001",
        types::APPLICATION,
        "Application",
        &named(&[]),
    ));
    g.add_relationship(Relationship::direct(
        types::APPLICATION_HAS_ADDON,
        "HAS",
        "app-key-0001",
        "addon-key-001",
    ));
    assert_eq!(rules_of(&g), Vec::<Rule>::new());
}

#[test]
fn validator_checks_property_names_and_values() {
    let g = one_entity(entity(
        "team-key-0001",
        "heroku_team",
        "Team",
        &named(&[("web_url", json!("x"))]),
    ));
    assert_eq!(rules_of(&g), vec![Rule::PropertyName]);
    let g = one_entity(entity(
        "team-key-0001",
        "heroku_team",
        "Team",
        &named(&[("tag.Env", json!("prod")), ("_x", json!(1))]),
    ));
    assert!(rules_of(&g).is_empty());
    let g = one_entity(entity(
        "team-key-0001",
        "heroku_team",
        "Team",
        &named(&[("owner", json!({"email": "x"}))]),
    ));
    assert_eq!(rules_of(&g), vec![Rule::PropertyValue]);
    let g = one_entity(entity(
        "team-key-0001",
        "heroku_team",
        "Team",
        &named(&[("mixed", json!(["a", 1]))]),
    ));
    assert_eq!(rules_of(&g), vec![Rule::PropertyValue]);
    let g = one_entity(entity(
        "team-key-0001",
        "heroku_team",
        "Team",
        &named(&[("nested", json!([["a"]]))]),
    ));
    assert_eq!(rules_of(&g), vec![Rule::PropertyValue]);
}

#[test]
fn validator_checks_keys_ends_and_verbs() {
    let mut g = Graph::new();
    g.add_entity(entity("team-key-0001", "heroku_team", "Team", &named(&[])));
    g.add_entity(entity("team-key-0001", "heroku_team", "Team", &named(&[])));
    g.add_entity(entity("team-key-0002", "heroku_team", "Team", &named(&[])));
    assert_eq!(rules_of(&g), vec![Rule::DuplicateKey]);

    let mut g = Graph::new();
    g.add_entity(entity("team-key-0001", "heroku_team", "Team", &named(&[])));
    g.add_entity(entity("team-key-0002", "heroku_team", "Team", &named(&[])));
    let mut r = Relationship::new(
        "team-key-0002",
        "heroku_team_has_team",
        "HAS",
        "team-key-0001",
        "team-key-0002",
    );
    r.properties.set("displayName", "HAS");
    g.add_relationship(r);
    assert_eq!(
        rules_of(&g),
        vec![Rule::DuplicateKey],
        "keys are unique across entities and relationships"
    );

    let mut g = Graph::new();
    g.add_entity(entity("team-key-0001", "heroku_team", "Team", &named(&[])));
    g.add_relationship(Relationship::direct(
        "heroku_team_has_team",
        "HAS",
        "team-key-0001",
        "missing-key-01",
    ));
    assert_eq!(rules_of(&g), vec![Rule::DanglingRelationship]);

    let mut g = Graph::new();
    g.add_entity(entity("team-key-0001", "heroku_team", "Team", &named(&[])));
    g.add_entity(entity("team-key-0002", "heroku_team", "Team", &named(&[])));
    g.add_relationship(Relationship::direct(
        "heroku_team_likes_team",
        "LIKES",
        "team-key-0001",
        "team-key-0002",
    ));
    assert_eq!(rules_of(&g), vec![Rule::UnknownVerb]);

    let mut g = Graph::new();
    let mut e = entity("team-key-0001", "heroku_team", "Team", &named(&[]));
    let raw: heroku_j1::graph::RawJson = serde_json::value::RawValue::from_string("{}".into())
        .unwrap()
        .into();
    e.raw_data = vec![
        RawData {
            name: "default".into(),
            raw: raw.clone(),
        },
        RawData {
            name: "default".into(),
            raw,
        },
    ];
    g.add_entity(e);
    assert_eq!(rules_of(&g), vec![Rule::DuplicateRawDataName]);

    let mut g = Graph::new();
    g.add_entity(entity("team-key-0001", "heroku_team", "Team", &named(&[])));
    g.add_entity(entity("team-key-0002", "heroku_team", "Team", &named(&[])));
    let mut r = Relationship::direct(
        "heroku_team_has_team",
        "HAS",
        "team-key-0001",
        "team-key-0002",
    );
    r.properties.set("roles", json!(["a"]));
    g.add_relationship(r);
    assert_eq!(rules_of(&g), vec![Rule::PropertyValue]);
}

#[test]
fn export_round_trip() {
    let mut estate = two_account_estate();
    estate.failures.push(ListFailure {
        list: ListKind::TeamApps,
        owner: T2.into(),
        target: "team acme-eu-web".into(),
        reason: "503 after 4 tries".into(),
    });
    let graph = build(&estate);
    let dir = tempfile::tempdir().unwrap();
    export::write(&graph, dir.path()).unwrap();

    let entities_file = dir
        .path()
        .join("graph/fetch-team-addons/entities/00000.json");
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(entities_file).unwrap()).unwrap();
    assert_eq!(file["entities"][0]["_type"], "heroku_addon");
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(
        summary["metadata"]["partialDatasets"]["types"],
        // Without a team's apps, the add-ons only they use are missing too.
        json!([
            types::ADDON,
            types::APPLICATION,
            types::APPLICATION_HAS_ADDON,
            types::TEAM_OWNS_APPLICATION
        ])
    );
    let steps = summary["integrationStepResults"].as_array().unwrap();
    assert_eq!(steps.len(), 6);
    let apps_step = steps.iter().find(|s| s["id"] == "fetch-team-apps").unwrap();
    assert_eq!(apps_step["status"], "failure");

    let back = export::read(dir.path()).unwrap();
    assert_eq!(back.entities(), graph.entities());
    assert_eq!(back.relationships().len(), graph.relationships().len());
    for r in graph.relationships() {
        assert_eq!(back.relationship(r.key()), Some(r));
    }
    assert_eq!(back.partial_datasets(), graph.partial_datasets());
    assert_eq!(back.outgoing(APP1).count(), graph.outgoing(APP1).count());
}

#[test]
fn export_splits_files_at_500_objects() {
    let mut graph = Graph::new();
    for i in 0..1201 {
        graph.add_entity(entity(
            &format!("team-key-{i:05}"),
            "heroku_team",
            "Team",
            &named(&[]),
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    export::write(&graph, dir.path()).unwrap();
    let files: Vec<_> = std::fs::read_dir(dir.path().join("graph/fetch-teams/entities"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 3);
    let back = export::read(dir.path()).unwrap();
    assert_eq!(back.entities().len(), 1201);
    assert_eq!(back.entities()[1200].key, "team-key-01200");
}

#[test]
fn import_reports_a_folder_that_is_not_a_graph() {
    let dir = tempfile::tempdir().unwrap();
    let err = export::read(dir.path()).unwrap_err();
    assert!(err.to_string().contains("summary.json"), "{err}");
    std::fs::write(dir.path().join("summary.json"), "{not json").unwrap();
    let err = export::read(dir.path()).unwrap_err();
    assert!(err.to_string().contains("summary.json"), "{err}");
}

#[test]
fn building_from_an_owned_estate_gives_the_same_graph() {
    let with_failure = || {
        let mut estate = two_account_estate();
        estate.failures.push(ListFailure {
            list: ListKind::TeamAddons,
            owner: T2.into(),
            target: "team acme-eu-web".into(),
            reason: "403 forbidden".into(),
        });
        estate
    };
    for (borrowed, owned) in [
        (build(&with_failure()), build_owned(with_failure())),
        (build(&fixture_estate()), build_owned(fixture_estate())),
    ] {
        assert!(!owned.entities().is_empty() && !owned.relationships().is_empty());
        assert_eq!(owned.entities(), borrowed.entities());
        assert_eq!(owned.relationships(), borrowed.relationships());
        assert_eq!(owned.partial_datasets(), borrowed.partial_datasets());
        for e in owned.entities() {
            assert_eq!(owned.entity(&e.key), Some(e));
            assert_eq!(
                owned.outgoing(&e.key).collect::<Vec<_>>(),
                borrowed.outgoing(&e.key).collect::<Vec<_>>()
            );
            assert_eq!(
                owned.incoming(&e.key).collect::<Vec<_>>(),
                borrowed.incoming(&e.key).collect::<Vec<_>>()
            );
        }
        for r in owned.relationships() {
            assert_eq!(owned.relationship(r.key()), Some(r));
        }
    }
}

#[test]
fn relationship_ends_read_back_whatever_the_key() {
    let direct = Relationship::direct("heroku_team_has_user", "HAS", "team-0001", "user-0001");
    assert_eq!(direct.key(), "team-0001|has|user-0001");
    assert_eq!(
        (direct.from_key(), direct.to_key()),
        ("team-0001", "user-0001")
    );
    // Keys that do not spell out their ends, or spell them out ambiguously.
    for (key, from, to) in [
        ("rel-key-0001", "team-0001", "user-0001"),
        ("a|b|c|d", "a|b", "c|d"),
        ("a|b", "a", "b"),
        ("é|x|ü", "é", "ü"),
        ("team-0001|has|user-0002", "team-0001", "user-0001"),
        ("user-0001|has|team-0001", "team-0001", "user-0001"),
    ] {
        let r = Relationship::new(key, "heroku_team_has_user", "HAS", from, to);
        assert_eq!((r.key(), r.from_key(), r.to_key()), (key, from, to));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["_fromEntityKey"], from);
        assert_eq!(json["_toEntityKey"], to);
        let back: Relationship = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
    }
}
