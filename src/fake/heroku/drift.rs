//! Drift: changes to the fake's estate as they happen in a real Heroku account between two
//! syncs, so tests and the demo have something to review. Applied with
//! `POST /__fake/drift` (no auth, not counted in the stats) whose JSON body is one
//! [`Drift`] or an array of them, e.g.
//!
//! ```text
//! {"op": "rename-app", "app": "acme-api", "name": "acme-api-v2"}
//! {"op": "add-app", "team": "acme-platform", "name": "acme-new"}
//! {"op": "delete-app", "app": "acme-old"}
//! {"op": "two-factor-off", "email": "dana@acme.example"}
//! {"op": "remove-member", "email": "lee@acme.example"}            // everywhere
//! {"op": "remove-member", "email": "lee@acme.example", "team": "acme-platform"}
//! {"op": "set-addon-plan", "addon": "postgresql-round-12345", "plan": "standard-0"}
//! {"op": "delete-team", "team": "acme-labs"}                      // with its apps
//! ```
//!
//! The answer is `{"applied": [...]}`, or 404 with Heroku's error body naming what was not
//! found (then nothing of the request was applied; the route is registered in `server.rs`).
//! [`demo_drift`] is the small, deterministic drift the demo applies on each refresh after a
//! sync.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::data::{AppRec, Dataset};
use super::entry::Entry;
use super::generate::stable_uuid;
use super::range::SortField;

/// One change to the estate. Apps, teams and add-ons are named by id or name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Drift {
    /// Renames an app (its URLs follow, and the add-ons billed to it name it anew).
    RenameApp { app: String, name: String },
    /// Adds an app to a team, shaped like the team's first app.
    AddApp { team: String, name: String },
    /// Deletes an app and the add-ons billed to it.
    DeleteApp { app: String },
    /// Turns a user's two-factor authentication off in every member list.
    TwoFactorOff { email: String },
    /// Removes a member from one team, or (without `team`) from every enterprise account
    /// and team.
    RemoveMember {
        email: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team: Option<String>,
    },
    /// Changes an add-on's plan (`service:plan` or the plan's part).
    SetAddonPlan { addon: String, plan: String },
    /// Deletes a team with its apps, their add-ons and its memberships.
    DeleteTeam { team: String },
}

/// One drift or several.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Drifts {
    One(Drift),
    Many(Vec<Drift>),
}

impl Drifts {
    #[must_use]
    pub fn into_vec(self) -> Vec<Drift> {
        match self {
            Self::One(d) => vec![d],
            Self::Many(v) => v,
        }
    }
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn team_id(d: &Dataset, key: &str) -> Option<String> {
    if d.teams.contains_key(key) {
        return Some(key.to_owned());
    }
    d.teams
        .iter()
        .find(|(_, t)| t.name == key)
        .map(|(id, _)| id.clone())
}

fn app_id(d: &Dataset, key: &str) -> Option<String> {
    if d.apps.contains_key(key) {
        return Some(key.to_owned());
    }
    d.apps
        .iter()
        .find(|(_, a)| a.app.key(SortField::Name) == key)
        .map(|(id, _)| id.clone())
}

/// `f` applied to the JSON of an entry; a member entry is keyed by e-mail.
fn edit(entry: &Arc<Entry>, by_email: Option<&str>, f: impl FnOnce(&mut Value)) -> Arc<Entry> {
    let mut value = entry.value();
    f(&mut value);
    match by_email {
        Some(email) => Entry::new(&value, email),
        None => Entry::named(&value),
    }
}

impl Drift {
    /// Applies it; `Err` names what does not exist.
    ///
    /// # Errors
    /// When the app, team, add-on or member is unknown (the estate is then unchanged).
    pub fn apply(&self, d: &mut Dataset) -> Result<(), String> {
        match self {
            Self::RenameApp { app, name } => rename_app(d, app, name),
            Self::AddApp { team, name } => add_app(d, team, name),
            Self::DeleteApp { app } => d
                .remove_app(app)
                .then_some(())
                .ok_or_else(|| format!("app {app}")),
            Self::TwoFactorOff { email } => two_factor_off(d, email),
            Self::RemoveMember { email, team } => remove_member(d, email, team.as_deref()),
            Self::SetAddonPlan { addon, plan } => d
                .set_addon_plan(addon, plan)
                .then_some(())
                .ok_or_else(|| format!("add-on {addon}")),
            Self::DeleteTeam { team } => delete_team(d, team),
        }
    }
}

fn rename_app(d: &mut Dataset, app: &str, name: &str) -> Result<(), String> {
    let id = app_id(d, app).ok_or_else(|| format!("app {app}"))?;
    let stamp = now();
    let rec = d.apps.get_mut(&id).ok_or_else(|| format!("app {app}"))?;
    for entry in [&mut rec.app, &mut rec.team_app] {
        *entry = edit(entry, None, |v| {
            v["name"] = json!(name);
            v["web_url"] = json!(format!("https://{name}.herokuapp.com/"));
            v["git_url"] = json!(format!("https://git.heroku.com/{name}.git"));
            v["updated_at"] = json!(stamp);
        });
    }
    for addon in d.addons.values_mut().filter(|a| a.billing_app == id) {
        addon.entry = edit(&addon.entry, None, |v| v["app"]["name"] = json!(name));
    }
    d.reindex();
    Ok(())
}

fn add_app(d: &mut Dataset, team: &str, name: &str) -> Result<(), String> {
    let team_id = team_id(d, team).ok_or_else(|| format!("team {team}"))?;
    let template = d
        .apps
        .values()
        .find(|a| a.team == team_id)
        .cloned()
        .ok_or_else(|| format!("an app of team {team} to copy"))?;
    let id = stable_uuid(&format!("drift-app:{team_id}:{name}"));
    let stamp = now();
    let fill = |v: &mut Value| {
        v["id"] = json!(id);
        v["name"] = json!(name);
        v["web_url"] = json!(format!("https://{name}.herokuapp.com/"));
        v["git_url"] = json!(format!("https://git.heroku.com/{name}.git"));
        v["created_at"] = json!(stamp);
        v["updated_at"] = json!(stamp);
        v["released_at"] = Value::Null;
        v["maintenance"] = json!(false);
        if v.get("legacy_id").is_some() {
            v["legacy_id"] = json!(format!("app{}", &id[..8]));
        }
    };
    let rec = AppRec {
        team: team_id,
        team_app: edit(&template.team_app, None, fill),
        app: edit(&template.app, None, fill),
    };
    d.apps.insert(id, rec);
    d.reindex();
    Ok(())
}

fn two_factor_off(d: &mut Dataset, email: &str) -> Result<(), String> {
    let user = d
        .users
        .get_mut(email)
        .ok_or_else(|| format!("user {email}"))?;
    user.two_factor = false;
    let off = |v: &mut Value| v["two_factor_authentication"] = json!(false);
    for ea in d.eas.values_mut() {
        for m in ea
            .members
            .iter_mut()
            .filter(|m| m.key(SortField::Email) == email)
        {
            *m = edit(m, Some(email), off);
        }
    }
    for team in d.teams.values_mut() {
        for m in team
            .members
            .iter_mut()
            .filter(|m| m.key(SortField::Email) == email)
        {
            *m = edit(m, Some(email), off);
        }
    }
    d.reindex();
    Ok(())
}

fn remove_member(d: &mut Dataset, email: &str, team: Option<&str>) -> Result<(), String> {
    if let Some(team) = team {
        return d
            .remove_team_member(team, email)
            .then_some(())
            .ok_or_else(|| format!("member {email} of team {team}"));
    }
    let mut removed = false;
    for ea in d.eas.values_mut() {
        let before = ea.members.len();
        ea.members.retain(|m| m.key(SortField::Email) != email);
        removed |= ea.members.len() != before;
    }
    for t in d.teams.values_mut() {
        let before = t.members.len();
        t.members.retain(|m| m.key(SortField::Email) != email);
        removed |= t.members.len() != before;
    }
    if !removed {
        return Err(format!("member {email}"));
    }
    d.users.remove(email);
    d.reindex();
    Ok(())
}

fn delete_team(d: &mut Dataset, team: &str) -> Result<(), String> {
    let id = team_id(d, team).ok_or_else(|| format!("team {team}"))?;
    let apps: Vec<String> = d
        .apps
        .iter()
        .filter(|(_, a)| a.team == id)
        .map(|(app, _)| app.clone())
        .collect();
    for app in &apps {
        d.remove_app(app);
    }
    d.teams.remove(&id);
    d.reindex();
    Ok(())
}

/// Applies `drifts` in order, all or nothing.
///
/// # Errors
/// The first unknown object, as `app …`, `team …`, `add-on …`, `member …`.
pub fn apply_all(d: &mut Dataset, drifts: &[Drift]) -> Result<(), String> {
    let mut copy = d.clone();
    for drift in drifts {
        drift.apply(&mut copy)?;
    }
    *d = copy;
    Ok(())
}

/// The demo's drift after sync number `round` (1, 2, …): an app renamed, a user's 2FA off,
/// an add-on's plan changed, each picked by `round` in sorted order so the same round always
/// changes the same objects. Empty when the estate has nothing left to change.
#[must_use]
pub fn demo_drift(d: &Dataset, round: usize) -> Vec<Drift> {
    let mut out = Vec::new();
    let apps: Vec<&str> = d
        .apps
        .values()
        .map(|a| a.app.key(SortField::Name))
        .collect();
    if !apps.is_empty() {
        let app = apps[round % apps.len()];
        out.push(Drift::RenameApp {
            app: app.to_owned(),
            name: format!("{app}-r{round}"),
        });
    }
    if let Some(email) = d
        .users
        .iter()
        .filter(|(_, u)| u.two_factor)
        .map(|(e, _)| e)
        .nth(round % d.users.len().max(1))
        .or_else(|| d.users.iter().find(|(_, u)| u.two_factor).map(|(e, _)| e))
    {
        out.push(Drift::TwoFactorOff {
            email: email.clone(),
        });
    }
    let addons: Vec<(&String, String)> = d
        .addons
        .iter()
        .map(|(id, a)| {
            let plan = a.entry.value()["plan"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            (id, plan)
        })
        .collect();
    if !addons.is_empty() {
        let (id, plan) = &addons[round % addons.len()];
        let service = plan.split_once(':').map_or(plan.as_str(), |(s, _)| s);
        out.push(Drift::SetAddonPlan {
            addon: (*id).clone(),
            plan: format!("{service}:drift-{round}"),
        });
    }
    out
}
