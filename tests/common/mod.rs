//! A small hand-made estate with every marker, shared by the explorer's tests.
#![allow(dead_code)]

pub mod review;

use heroku_j1::estate::{EnterpriseAccountData, Estate, ListFailure, ListKind, TeamData};
use heroku_j1::heroku::model::{HerokuObject, parse_one};
use serde_json::{Value, json};

pub const EA: &str = "2b6f0e9a-8c1d-4f3e-a7b2-5c9d0e1f2a3b";
pub const PLATFORM: &str = "4a3b2c1d-0e9f-4a8b-b7c6-d5e4f3a2b1c0";
pub const WEB: &str = "5b4c3d2e-1f0a-4b9c-a8d7-e6f5a4b3c2d1";
pub const DANA: &str = "7c1e5b2a-3f4d-4a8b-9e6c-0d1f2a3b4c5d";
pub const LEE: &str = "3c2d1e0f-9a8b-4c7d-9e6f-5a4b3c2d1e0f";
pub const SAM: &str = "8d7c6b5a-4f3e-4d2c-8b1a-0f9e8d7c6b5a";
pub const PAT: &str = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";
pub const API: &str = "8f7e6d5c-4b3a-4928-9170-6e5d4c3b2a19";
pub const WORKER: &str = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
pub const STOREFRONT: &str = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";
pub const PG: &str = "6d5c4b3a-2918-4f7e-a6d5-c4b3a2918f7e";
pub const TRAIL: &str = "7e6d5c4b-3a29-4f8e-b7d6-d5c4b3a29180";

fn obj<T: HerokuObject>(v: &Value) -> T {
    parse_one(&v.to_string()).expect("valid object")
}

fn member(user: &str, email: &str, perms: &[&str], mfa: bool, sso: bool) -> Value {
    let perms: Vec<Value> = perms
        .iter()
        .map(|p| json!({"name": p, "description": "x"}))
        .collect();
    json!({"id": format!("m-{user}"), "enterprise_account": {"id": EA, "name": "acme"},
        "user": {"id": user, "email": email}, "permissions": perms, "two_factor_authentication": mfa,
        "identity_provider": if sso { json!({"id": "idp-0000-0000", "name": "acme-sso", "redacted": false}) } else { Value::Null }})
}

fn team_member(user: &str, email: &str, name: Option<&str>, role: &str, mfa: bool) -> Value {
    json!({"id": format!("tm-{user}"), "email": email, "role": role, "federated": false,
        "two_factor_authentication": mfa, "identity_provider": null,
        "user": {"id": user, "email": email, "name": name},
        "created_at": "2021-09-02T14:20:31Z", "updated_at": "2025-11-30T10:00:00Z"})
}

fn team(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name, "created_at": "2020-05-11T09:41:27Z", "updated_at": "2026-06-20T11:02:55Z",
        "default": false, "membership_limit": null, "role": "admin", "type": "enterprise",
        "enterprise_account": {"id": EA, "name": "acme"}, "identity_provider": null})
}

fn app(id: &str, name: &str, team: &str, maintenance: bool, locked: bool, archived: bool) -> Value {
    json!({"id": id, "name": name, "created_at": "2022-01-18T12:00:03Z", "updated_at": "2026-07-10T09:12:44Z",
        "released_at": "2026-07-10T09:12:44Z", "archived_at": if archived { json!("2026-01-01T00:00:00Z") } else { Value::Null },
        "owner": {"id": "c0b1a2d3-e4f5-4a6b-9c7d-8e9f0a1b2c3d", "email": format!("{team}@herokumanager.com")},
        "team": {"name": team}, "web_url": format!("https://{name}.herokuapp.com/"),
        "git_url": format!("https://git.heroku.com/{name}.git"), "maintenance": maintenance, "locked": locked,
        "joined": true, "internal_routing": null, "region": {"id": "r", "name": "us"},
        "stack": {"id": "s", "name": "heroku-24"}, "build_stack": {"id": "s", "name": "heroku-24"},
        "buildpack_provided_description": "Ruby", "space": null, "slug_size": 58_311_234, "repo_size": null})
}

fn addon(
    id: &str,
    name: &str,
    app_id: &str,
    app_name: &str,
    service: &str,
    plan: &str,
    state: &str,
) -> Value {
    json!({"id": id, "name": name, "app": {"id": app_id, "name": app_name},
        "addon_service": {"id": "svc", "name": service}, "plan": {"id": "plan", "name": plan},
        "state": state, "config_vars": ["DATABASE_URL"], "created_at": "2022-01-18T12:05:40Z",
        "updated_at": "2026-03-02T07:30:00Z",
        "web_url": format!("https://addons-sso.heroku.com/apps/{app_id}/addons/{id}"),
        "billed_price": {"cents": 500, "contract": false, "unit": "month"},
        "billing_entity": {"id": app_id, "name": app_name, "type": "app"}, "actions": []})
}

/// The estate: one enterprise account, two teams, three apps, two add-ons, four users, and
/// the team members of `acme-web` refused (a partial dataset).
pub fn estate() -> Estate {
    let ea = json!({"id": EA, "name": "acme", "created_at": "2020-05-11T09:30:00Z", "updated_at": "2026-02-03T17:44:09Z",
        "permissions": ["view", "manage"], "trial": false, "partner_benefits": false,
        "identity_provider": {"id": "idp-0000-0000", "name": "acme-sso"}});
    Estate {
        user: Some(obj(&json!({"id": DANA, "email": "dana.reyes@acme.example", "name": "Dana Reyes"}))),
        enterprise_accounts: vec![EnterpriseAccountData {
            account: obj(&ea),
            members: vec![
                obj(&member(DANA, "dana.reyes@acme.example", &["view", "manage"], true, false)),
                obj(&member(LEE, "lee.park@acme.example", &["view"], false, false)),
                obj(&member(SAM, "sam.ortiz@acme.example", &["view", "billing"], true, true)),
            ],
            teams: vec![
                TeamData {
                    team: obj(&team(PLATFORM, "acme-platform")),
                    members: vec![
                        obj(&team_member(DANA, "dana.reyes@acme.example", Some("Dana Reyes"), "admin", true)),
                        obj(&team_member(LEE, "lee.park@acme.example", Some("Lee Park"), "member", false)),
                        obj(&team_member(PAT, "pat@contractor.example", None, "collaborator", true)),
                    ],
                    apps: vec![
                        obj(&app(API, "acme-api", "acme-platform", true, true, false)),
                        obj(&app(WORKER, "billing-worker", "acme-platform", false, false, true)),
                    ],
                    addons: vec![
                        obj(&addon(PG, "postgresql-rigid-48213", API, "acme-api", "heroku-postgresql", "heroku-postgresql:essential-0", "provisioned")),
                        obj(&addon(TRAIL, "papertrail-solid-67022", WORKER, "billing-worker", "papertrail", "papertrail:choklad", "deprovisioned")),
                    ],
                },
                TeamData {
                    team: obj(&team(WEB, "acme-web")),
                    members: vec![],
                    apps: vec![obj(&app(STOREFRONT, "storefront", "acme-web", false, true, false))],
                    addons: vec![],
                },
            ],
        }],
        attachments: Vec::new(),
        failures: vec![ListFailure {
            list: ListKind::TeamMembers,
            owner: WEB.into(),
            target: "team acme-web".into(),
            reason: "Heroku refused the members of team acme-web (403 forbidden: This request requires the global scope). Listing team members needs a key with the `global` OAuth scope: create one with `heroku authorizations:create --scope global`".into(),
        }],
    }
}
