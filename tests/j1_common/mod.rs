//! Hand-made Heroku estates and helpers shared by the JupiterOne tests.
#![allow(dead_code)]

use std::time::Duration;

use heroku_j1::estate::{EnterpriseAccountData, Estate, ListFailure, ListKind, TeamData};
use heroku_j1::fake::jupiterone::FakeJupiterOne;
use heroku_j1::heroku::model::{
    Account, AddOn, App, EnterpriseAccount, EnterpriseAccountMember, HerokuObject, Team,
    TeamMember, parse_one,
};
use heroku_j1::jupiterone::{JupiterOneClient, JupiterOneConfig, UploadOptions};
use heroku_j1::secrets::Secret;
use serde_json::{Value, json};

pub const USER_ID: &str = "99999999-0000-4000-8000-000000000001";
pub const EA1: &str = "aaaaaaaa-0000-4000-8000-000000000001";
pub const T1: &str = "bbbbbbbb-0000-4000-8000-000000000001";
pub const DANA: &str = "cccccccc-0000-4000-8000-00000000000d";
pub const LEE: &str = "cccccccc-0000-4000-8000-00000000000e";
pub const SAM: &str = "cccccccc-0000-4000-8000-00000000000f";
pub const APP1: &str = "dddddddd-0000-4000-8000-000000000001";
pub const APP2: &str = "dddddddd-0000-4000-8000-000000000002";
pub const APP3: &str = "dddddddd-0000-4000-8000-000000000003";
pub const PG: &str = "eeeeeeee-0000-4000-8000-000000000001";
pub const REDIS: &str = "eeeeeeee-0000-4000-8000-000000000002";

fn obj<T: HerokuObject>(v: &Value) -> T {
    parse_one(&v.to_string()).expect("parse object")
}

pub fn user() -> Account {
    obj(&json!({"id": USER_ID, "email": "owner@acme.example", "name": "Owner"}))
}

pub fn ea(id: &str, name: &str) -> EnterpriseAccount {
    obj(
        &json!({"id": id, "name": name, "created_at": "2020-05-11T09:30:00Z",
        "updated_at": "2026-02-03T17:44:09Z", "permissions": ["view", "manage"], "trial": false,
        "partner_benefits": false, "identity_provider": null}),
    )
}

pub fn ea_member(ea_id: &str, user: &str, email: &str) -> EnterpriseAccountMember {
    obj(
        &json!({"id": format!("m-{ea_id}-{user}"), "enterprise_account": {"id": ea_id, "name": "acme"},
        "user": {"id": user, "email": email}, "permissions": [{"name": "view", "description": "x"}],
        "two_factor_authentication": true, "identity_provider": null}),
    )
}

pub fn team(id: &str, name: &str) -> Team {
    obj(
        &json!({"id": id, "name": name, "created_at": "2020-05-11T09:41:27Z",
        "updated_at": "2026-06-20T11:02:55Z", "default": false, "membership_limit": null,
        "role": null, "type": "enterprise", "identity_provider": null}),
    )
}

pub fn team_member(user: &str, email: &str, role: &str) -> TeamMember {
    obj(
        &json!({"id": format!("tm-{user}"), "email": email, "role": role, "federated": false,
        "two_factor_authentication": false, "identity_provider": null,
        "user": {"id": user, "email": email, "name": "Dana Reyes"},
        "created_at": "2021-09-02T14:20:31Z", "updated_at": "2025-11-30T10:00:00Z"}),
    )
}

pub fn app(id: &str, name: &str) -> App {
    obj(
        &json!({"id": id, "name": name, "created_at": "2022-01-18T12:00:03Z",
        "updated_at": "2026-07-10T09:12:44Z", "owner": {"id": T1, "email": "t@herokumanager.com"},
        "team": {"name": "acme-platform"}, "web_url": format!("https://{name}.herokuapp.com/"),
        "git_url": null, "maintenance": false, "region": {"id": "r", "name": "eu"}}),
    )
}

pub fn addon(id: &str, name: &str, billing_app: &str, plan: &str, raw_padding: &str) -> AddOn {
    let service = plan.split(':').next().unwrap_or(plan);
    obj(
        &json!({"id": id, "name": name, "app": {"id": billing_app, "name": "billing"},
        "addon_service": {"id": "s", "name": service}, "plan": {"id": "p", "name": plan},
        "state": "provisioned", "config_vars": ["DATABASE_URL"], "created_at": "2022-01-18T12:05:40Z",
        "updated_at": "2026-03-02T07:30:00Z", "web_url": null, "billed_price": null,
        "billing_entity": {"id": billing_app, "name": "billing", "type": "app"},
        "padding": raw_padding}),
    )
}

/// One enterprise account, one team, two members, three apps, two add-ons.
pub fn estate() -> Estate {
    Estate {
        user: Some(user()),
        enterprise_accounts: vec![EnterpriseAccountData {
            account: ea(EA1, "acme"),
            members: vec![
                ea_member(EA1, DANA, "dana.reyes@acme.example"),
                ea_member(EA1, LEE, "lee.park@acme.example"),
            ],
            teams: vec![TeamData {
                team: team(T1, "acme-platform"),
                members: vec![team_member(DANA, "dana.reyes@acme.example", "admin")],
                apps: vec![
                    app(APP1, "acme-api"),
                    app(APP2, "acme-old"),
                    app(APP3, "acme-web"),
                ],
                addons: vec![
                    addon(
                        PG,
                        "postgresql-rigid-48213",
                        APP1,
                        "heroku-postgresql:essential-0",
                        "",
                    ),
                    addon(REDIS, "redis-curly-12345", APP3, "heroku-redis:mini", ""),
                ],
            }],
        }],
        attachments: Vec::new(),
        failures: vec![],
    }
}

/// The estate after: `acme-old` deleted, Sam added as a member, the Postgres plan changed.
pub fn changed_estate() -> Estate {
    let mut e = estate();
    let ea = &mut e.enterprise_accounts[0];
    ea.members.push(ea_member(EA1, SAM, "sam.lee@acme.example"));
    let t = &mut ea.teams[0];
    t.apps.retain(|a| a.id != APP2);
    t.addons[0] = addon(
        PG,
        "postgresql-rigid-48213",
        APP1,
        "heroku-postgresql:standard-0",
        "",
    );
    e
}

/// The estate with the team's add-ons unreadable (a partial dataset).
pub fn partial_estate() -> Estate {
    let mut e = estate();
    e.enterprise_accounts[0].teams[0].addons.clear();
    e.failures.push(ListFailure {
        list: ListKind::TeamAddons,
        owner: T1.into(),
        target: "team acme-platform".into(),
        reason: "Heroku refused the add-ons (403 forbidden)".into(),
    });
    e
}

/// A client of `fake` with quick retries.
pub fn client(fake: &FakeJupiterOne) -> JupiterOneClient {
    client_with_key(fake, fake.token())
}

pub fn client_with_key(fake: &FakeJupiterOne, key: &str) -> JupiterOneClient {
    let mut config = JupiterOneConfig::new(fake.url(), fake.account(), Secret::new(key));
    config.backoff_base = Duration::from_millis(5);
    config.backoff_max = Duration::from_millis(20);
    config.timeout = Duration::from_secs(30);
    JupiterOneClient::new(config).expect("client")
}

/// Upload options with a short poll interval.
pub fn options() -> UploadOptions {
    UploadOptions {
        poll_interval: Duration::from_millis(20),
        ..UploadOptions::default()
    }
}
