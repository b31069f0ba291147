//! Serde types for the Heroku Platform API objects that heroku-j1 reads.
//!
//! They follow Heroku's official JSON hyper-schema (`heroku-schema-subset.json`): unknown
//! fields are ignored, every nullable or optional field is an `Option`, and ids are plain
//! strings (real responses carry ids such as `member-id-0000-0000-0000`). Each object that
//! becomes an entity keeps the JSON exactly as received in `raw`, which becomes the entity's
//! `_rawData`; an add-on attachment (a relationship) keeps only the ids of its ends.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::sync::Arc;

/// A string field. Most of Heroku's strings (timestamps, names, states, roles) fit in 24
/// bytes and are then stored inline, without an allocation of their own: an estate of 150,000
/// objects holds millions of them.
pub type Str = compact_str::CompactString;

/// The JSON text of one object exactly as Heroku sent it. Shared (not copied) by the
/// entities built from it.
pub type Raw = Arc<RawValue>;

/// An API object that keeps its original JSON.
pub trait HerokuObject: DeserializeOwned {
    /// Parses the typed view of `raw` and keeps `raw` beside it.
    ///
    /// # Errors
    /// When the JSON does not have the object's required fields.
    fn from_raw(raw: Box<RawValue>) -> Result<Self, serde_json::Error>;
    /// The JSON exactly as received.
    fn raw(&self) -> &Raw;
    /// What tells two objects of one list apart (pagination keeps one of each): the JSON
    /// as received, unless the object keeps none.
    fn identity(&self) -> &str {
        self.raw().get()
    }
}

macro_rules! heroku_object {
    ($($ty:ident),* $(,)?) => {$(
        impl HerokuObject for $ty {
            fn from_raw(raw: Box<RawValue>) -> Result<Self, serde_json::Error> {
                let mut object: Self = serde_json::from_str(raw.get())?;
                object.raw = Arc::from(raw);
                Ok(object)
            }
            fn raw(&self) -> &Raw {
                &self.raw
            }
        }
    )*};
}

/// `{}`, one copy shared by every object that has no JSON of its own yet.
static EMPTY: std::sync::LazyLock<Raw> = std::sync::LazyLock::new(|| {
    Arc::from(
        RawValue::from_string("{}".to_owned())
            .unwrap_or_else(|_| unreachable!("{{}} is valid JSON")),
    )
});

fn empty_raw() -> Raw {
    Arc::clone(&EMPTY)
}

/// Parses a JSON array of objects, keeping each element's original text.
///
/// # Errors
/// When the text is not an array, or an element lacks a required field.
pub fn parse_list<T: HerokuObject>(json: &str) -> Result<Vec<T>, serde_json::Error> {
    let items: Vec<Box<RawValue>> = serde_json::from_str(json)?;
    items.into_iter().map(T::from_raw).collect()
}

/// Parses one JSON object, keeping its original text.
///
/// # Errors
/// When the text is not the object, or lacks a required field.
pub fn parse_one<T: HerokuObject>(json: &str) -> Result<T, serde_json::Error> {
    T::from_raw(RawValue::from_string(json.to_owned())?)
}

/// `{id, name}`: a reference to another object.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct NamedRef {
    pub id: Option<Str>,
    pub name: Option<Str>,
}

/// `{email, id}` of a user or an app owner.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct UserRef {
    pub id: Str,
    pub email: Str,
    /// Only team-member objects carry the user's name, and it may be null.
    #[serde(default)]
    pub name: Option<Str>,
}

/// An identity provider (SSO) reference.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct IdentityProvider {
    pub id: Option<Str>,
    pub name: Option<Str>,
    #[serde(default)]
    pub slug: Option<Str>,
}

/// `GET /account`: the user the key belongs to.
#[derive(Debug, Deserialize)]
pub struct Account {
    pub id: String,
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub federated: Option<bool>,
    #[serde(default)]
    pub two_factor_authentication: Option<bool>,
    #[serde(default)]
    pub identity_provider: Option<IdentityProvider>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(skip, default = "empty_raw")]
    pub raw: Raw,
}

/// `GET /enterprise-accounts`.
#[derive(Debug, Deserialize)]
pub struct EnterpriseAccount {
    pub id: Str,
    pub name: Str,
    #[serde(default)]
    pub created_at: Option<Str>,
    #[serde(default)]
    pub updated_at: Option<Str>,
    /// What the key's user may do in this account (`view`, `create`, `manage`, `billing`).
    #[serde(default)]
    pub permissions: Vec<Str>,
    #[serde(default)]
    pub trial: Option<bool>,
    #[serde(default)]
    pub partner_benefits: Option<bool>,
    #[serde(default)]
    pub identity_provider: Option<IdentityProvider>,
    #[serde(skip, default = "empty_raw")]
    pub raw: Raw,
}

/// One permission of an enterprise-account member.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Permission {
    pub name: Str,
    #[serde(default)]
    pub description: Option<Str>,
}

/// A member's permissions. A `null` among them is skipped and counted (the member is still
/// read; the builder reports the oddity), and a `null` list is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Permissions {
    pub list: Vec<Permission>,
    /// How many `null`s the list held.
    pub nulls: usize,
}

impl std::ops::Deref for Permissions {
    type Target = [Permission];

    fn deref(&self) -> &[Permission] {
        &self.list
    }
}

impl<'de> Deserialize<'de> for Permissions {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items: Option<Vec<Option<Permission>>> = Option::deserialize(d)?;
        let items = items.unwrap_or_default();
        let nulls = items.iter().filter(|p| p.is_none()).count();
        Ok(Self {
            list: items.into_iter().flatten().collect(),
            nulls,
        })
    }
}

/// `GET /enterprise-accounts/{id}/members`.
#[derive(Debug, Deserialize)]
pub struct EnterpriseAccountMember {
    /// The membership id (not the user id).
    pub id: Str,
    #[serde(default)]
    pub enterprise_account: Option<NamedRef>,
    pub user: UserRef,
    #[serde(default)]
    pub permissions: Permissions,
    #[serde(default)]
    pub two_factor_authentication: Option<bool>,
    #[serde(default)]
    pub identity_provider: Option<IdentityProvider>,
    #[serde(skip, default = "empty_raw")]
    pub raw: Raw,
}

/// `GET /enterprise-accounts/{id}/teams`, `GET /teams`.
#[derive(Debug, Deserialize)]
pub struct Team {
    pub id: Str,
    pub name: Str,
    #[serde(default)]
    pub created_at: Option<Str>,
    #[serde(default)]
    pub updated_at: Option<Str>,
    #[serde(default)]
    pub default: Option<bool>,
    #[serde(default)]
    pub enterprise_account: Option<NamedRef>,
    #[serde(default)]
    pub identity_provider: Option<IdentityProvider>,
    #[serde(default)]
    pub membership_limit: Option<f64>,
    /// The caller's role in the team.
    #[serde(default)]
    pub role: Option<Str>,
    /// `enterprise` or `team`.
    #[serde(default, rename = "type")]
    pub team_type: Option<Str>,
    #[serde(skip, default = "empty_raw")]
    pub raw: Raw,
}

/// `GET /teams/{id}/members`.
#[derive(Debug, Deserialize)]
pub struct TeamMember {
    /// The membership id.
    pub id: Str,
    #[serde(default)]
    pub email: Option<Str>,
    #[serde(default)]
    pub role: Option<Str>,
    #[serde(default)]
    pub federated: Option<bool>,
    #[serde(default)]
    pub two_factor_authentication: Option<bool>,
    #[serde(default)]
    pub identity_provider: Option<IdentityProvider>,
    pub user: UserRef,
    #[serde(default)]
    pub created_at: Option<Str>,
    #[serde(default)]
    pub updated_at: Option<Str>,
    #[serde(skip, default = "empty_raw")]
    pub raw: Raw,
}

/// `GET /teams/{id}/apps` answers team-apps, `GET /apps` apps: one type reads both, the
/// fields one shape lacks are `None`.
#[derive(Debug, Deserialize)]
pub struct App {
    pub id: Str,
    pub name: Str,
    #[serde(default)]
    pub created_at: Option<Str>,
    #[serde(default)]
    pub updated_at: Option<Str>,
    #[serde(default)]
    pub released_at: Option<Str>,
    #[serde(default)]
    pub archived_at: Option<Str>,
    #[serde(default)]
    pub owner: Option<UserRef>,
    #[serde(default)]
    pub team: Option<NamedRef>,
    #[serde(default)]
    pub web_url: Option<Str>,
    #[serde(default)]
    pub git_url: Option<Str>,
    #[serde(default)]
    pub region: Option<NamedRef>,
    #[serde(default)]
    pub stack: Option<NamedRef>,
    #[serde(default)]
    pub build_stack: Option<NamedRef>,
    #[serde(default)]
    pub buildpack_provided_description: Option<Str>,
    #[serde(default)]
    pub maintenance: Option<bool>,
    #[serde(default)]
    pub locked: Option<bool>,
    #[serde(default)]
    pub joined: Option<bool>,
    #[serde(default)]
    pub internal_routing: Option<bool>,
    #[serde(default)]
    pub acm: Option<bool>,
    #[serde(default)]
    pub space: Option<NamedRef>,
    #[serde(default)]
    pub slug_size: Option<i64>,
    #[serde(default)]
    pub repo_size: Option<i64>,
    #[serde(skip, default = "empty_raw")]
    pub raw: Raw,
}

/// `billed_price` of an add-on.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct BilledPrice {
    #[serde(default)]
    pub cents: Option<i64>,
    #[serde(default)]
    pub contract: Option<bool>,
    #[serde(default)]
    pub unit: Option<Str>,
}

/// `billing_entity` of an add-on: the app or team that pays for it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct BillingEntity {
    #[serde(default)]
    pub id: Option<Str>,
    #[serde(default)]
    pub name: Option<Str>,
    #[serde(default, rename = "type")]
    pub entity_type: Option<Str>,
}

/// `GET /teams/{id}/addons`, `GET /apps/{id}/addons`, `GET /addons`.
#[derive(Debug, Deserialize)]
pub struct AddOn {
    pub id: Str,
    pub name: Str,
    #[serde(default)]
    pub created_at: Option<Str>,
    #[serde(default)]
    pub updated_at: Option<Str>,
    #[serde(default)]
    pub addon_service: Option<NamedRef>,
    #[serde(default)]
    pub plan: Option<NamedRef>,
    /// The billing app.
    #[serde(default)]
    pub app: Option<NamedRef>,
    #[serde(default)]
    pub billing_entity: Option<BillingEntity>,
    #[serde(default)]
    pub billed_price: Option<BilledPrice>,
    #[serde(default)]
    pub config_vars: Option<Vec<Str>>,
    /// `provisioning`, `provisioned` or `deprovisioned`.
    #[serde(default)]
    pub state: Option<Str>,
    #[serde(default)]
    pub web_url: Option<Str>,
    #[serde(skip, default = "empty_raw")]
    pub raw: Raw,
}

/// `GET /addon-attachments`: one add-on attached to one app. Only what the graph needs is
/// kept, the three ids of the relationship it becomes (and its own id, which tells two
/// attachments of a page apart); its JSON is not kept: the `huge` estate has over 100,000.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddOnAttachment {
    pub id: Str,
    /// The add-on.
    pub addon_id: Str,
    /// The add-on's billing app.
    pub billing_app_id: Option<Str>,
    /// The app it is attached to.
    pub app_id: Option<Str>,
}

impl<'de> Deserialize<'de> for AddOnAttachment {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// `{id, addon {id, app {id}}, app {id}}`: the fields read; the rest is skipped.
        #[derive(Deserialize)]
        struct Wire {
            id: Str,
            addon: WireAddOn,
            app: IdRef,
        }
        #[derive(Deserialize)]
        struct WireAddOn {
            id: Str,
            #[serde(default)]
            app: Option<IdRef>,
        }
        #[derive(Deserialize)]
        struct IdRef {
            #[serde(default)]
            id: Option<Str>,
        }
        let w = Wire::deserialize(d)?;
        Ok(Self {
            id: w.id,
            addon_id: w.addon.id,
            billing_app_id: w.addon.app.and_then(|a| a.id),
            app_id: w.app.id,
        })
    }
}

impl HerokuObject for AddOnAttachment {
    fn from_raw(raw: Box<RawValue>) -> Result<Self, serde_json::Error> {
        serde_json::from_str(raw.get())
    }
    fn raw(&self) -> &Raw {
        &EMPTY
    }
    /// Its id: an attachment keeps no JSON.
    fn identity(&self) -> &str {
        &self.id
    }
}

/// `GET /account/rate-limits`.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct RateLimits {
    pub remaining: i64,
}

/// The error body of every non-2xx answer.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct ErrorBody {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    /// Ancient (v2) bodies used `error` instead of `message`.
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub resource: Option<String>,
}

heroku_object!(
    Account,
    EnterpriseAccount,
    EnterpriseAccountMember,
    Team,
    TeamMember,
    App,
    AddOn
);
