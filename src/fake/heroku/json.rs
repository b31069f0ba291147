//! The wire shapes of the generated objects: the structs an app or an add-on is serialized
//! through (in the field order of the recorded responses), and the account, team-member and
//! add-on attachment objects.

use serde::Serialize;
use serde_json::{Value, json};

use super::stamp::ts;

/// What a member object shows of its user.
#[derive(Debug, Clone)]
pub(super) struct UserRec {
    pub(super) id: String,
    pub(super) name: Option<String>,
    pub(super) two_factor: bool,
    pub(super) identity_provider: Value,
}

#[derive(Clone, Copy, Serialize)]
pub(super) struct IdName<'a> {
    pub(super) id: &'a str,
    pub(super) name: &'a str,
}

#[derive(Clone, Copy, Serialize)]
pub(super) struct OwnerJson<'a> {
    pub(super) email: &'a str,
    pub(super) id: &'a str,
}

#[derive(Serialize)]
pub(super) struct SpaceJson<'a> {
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) shield: Option<bool>,
}

/// The fields an app and a team-app share, in the order of the recorded team-app.
#[derive(Serialize)]
pub(super) struct AppHeadJson<'a> {
    pub(super) acm: bool,
    pub(super) archived_at: Option<&'a str>,
    pub(super) buildpack_provided_description: Option<&'a str>,
    pub(super) build_stack: IdName<'a>,
    pub(super) created_at: &'a str,
    pub(super) id: &'a str,
    pub(super) git_url: &'a str,
    pub(super) maintenance: bool,
    pub(super) name: &'a str,
    pub(super) owner: OwnerJson<'a>,
    pub(super) region: IdName<'a>,
    pub(super) organization: IdName<'a>,
    pub(super) team: IdName<'a>,
    pub(super) internal_routing: Option<bool>,
    pub(super) released_at: Option<&'a str>,
    pub(super) repo_size: Option<i64>,
    pub(super) slug_size: Option<i64>,
    pub(super) stack: IdName<'a>,
    pub(super) updated_at: &'a str,
    pub(super) web_url: &'a str,
}

/// The rest of a team-app (`GET /teams/{id}/apps`).
#[derive(Serialize)]
pub(super) struct TeamAppTailJson<'a> {
    pub(super) space: Option<SpaceJson<'a>>,
    pub(super) joined: bool,
    pub(super) legacy_id: &'a str,
    pub(super) locked: bool,
}

/// The rest of an app (`GET /apps`).
#[derive(Serialize)]
pub(super) struct AppTailJson<'a> {
    pub(super) space: Option<SpaceJson<'a>>,
    pub(super) generation: IdName<'a>,
}

/// `{"a":1}` → `,"a":1}`, allocated to size.
pub(super) fn continuation(object: &str) -> Box<str> {
    let rest = object.strip_prefix('{').unwrap_or(object);
    let mut out = String::with_capacity(rest.len() + 1);
    out.push(',');
    out.push_str(rest);
    out.into_boxed_str()
}

#[derive(Serialize)]
pub(super) struct ActionJson<'a> {
    pub(super) id: &'a str,
    pub(super) label: &'a str,
    pub(super) action: Option<&'a str>,
    pub(super) url: Option<&'a str>,
    pub(super) requires_owner: Option<bool>,
}

#[derive(Serialize)]
pub(super) struct BillingEntityJson<'a> {
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    #[serde(rename = "type")]
    pub(super) kind: &'a str,
}

#[derive(Serialize)]
pub(super) struct BilledPriceJson<'a> {
    pub(super) cents: i64,
    pub(super) contract: bool,
    pub(super) unit: &'a str,
}

/// The start of an add-on: what every add-on of its service has.
#[derive(Serialize)]
pub(super) struct AddonHeadJson<'a> {
    pub(super) actions: Vec<ActionJson<'a>>,
    pub(super) addon_service: IdName<'a>,
}

/// The rest of an add-on, in the field order of the recorded response.
#[derive(Serialize)]
pub(super) struct AddonJson<'a> {
    pub(super) app: IdName<'a>,
    pub(super) config_vars: &'a [String],
    pub(super) created_at: &'a str,
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    pub(super) plan: IdName<'a>,
    pub(super) billing_entity: BillingEntityJson<'a>,
    pub(super) provider_id: &'a str,
    pub(super) state: &'a str,
    pub(super) updated_at: &'a str,
    pub(super) web_url: &'a str,
    pub(super) billed_price: BilledPriceJson<'a>,
}

/// The add-on attachment `id` (`GET /addon-attachments`) of `addon` (the add-on object as
/// served) to the app `app_id` named `app_name`.
pub(super) fn addon_attachment_json(
    id: &str,
    addon: &Value,
    app_id: &str,
    app_name: &str,
) -> Value {
    let addon_id = addon["id"].as_str().unwrap_or_default();
    // The config var prefix, e.g. `DATABASE` for `DATABASE_URL`.
    let name = addon["config_vars"][0]
        .as_str()
        .map(|v| v.strip_suffix("_URL").unwrap_or(v).to_owned())
        .unwrap_or_else(|| {
            let service = addon["addon_service"]["name"].as_str().unwrap_or("ADDON");
            service.to_uppercase().replace('-', "_")
        });
    json!({
        "addon": {"id": addon_id, "name": addon["name"], "app": addon["app"]},
        "app": {"id": app_id, "name": app_name},
        "created_at": addon["created_at"],
        "id": id,
        "log_input_url": null,
        "name": name,
        "namespace": null,
        "updated_at": addon["updated_at"],
        "web_url": addon["web_url"],
    })
}

pub(super) fn team_member_json(
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

#[allow(clippy::too_many_arguments)]
pub(super) fn account_json(
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
