//! The last step of generation: the generated estate turned into the records of a
//! [`Dataset`], with the enterprise-account and team member objects.

use std::collections::BTreeMap;

use rand::Rng;
use serde_json::{Value, json};

use super::{
    AddonOut, AppOut, EaGen, Generator, T_2026_06_30, T_END, TeamGen, UserGen,
    permission_description, ts,
};
use crate::fake::heroku::data::{
    AddonRec, AppRec, Dataset, EaRec, Entry, Served, TeamRec, UserRec,
};
use crate::fake::heroku::json::{account_json, team_member_json};

impl Generator {
    pub(super) fn assemble(
        self,
        eas: &[EaGen],
        users: &mut [UserGen],
        teams: &[TeamGen],
        apps: Vec<AppOut>,
        addons: Vec<AddonOut>,
        outsider: Value,
    ) -> Dataset {
        let mut rng = self.rng;
        let idp_of = |u: &UserGen| -> Value {
            u.idp.map_or(Value::Null, |e| {
                let idp = &eas[e].idp;
                json!({"id": idp["id"], "name": idp["name"], "redacted": false, "owner": idp["owner"]})
            })
        };
        let mut user_recs = BTreeMap::new();
        for u in users.iter() {
            user_recs.insert(
                u.email.clone(),
                UserRec {
                    id: u.id.clone(),
                    name: u.name.clone(),
                    two_factor: u.two_factor,
                    identity_provider: idp_of(u),
                },
            );
        }
        let mut ea_recs = BTreeMap::new();
        for (i, ea) in eas.iter().enumerate() {
            let value = json!({
                "id": ea.id,
                "created_at": ts(ea.created),
                "name": ea.name,
                "updated_at": ts(ea.updated),
                "permissions": ea.caller_perms,
                "trial": false,
                "partner_benefits": ea.partner_benefits,
                "identity_provider": ea.idp,
            });
            let mut members = Vec::new();
            for u in users.iter() {
                let Some((_, perms)) = u.memberships.iter().find(|(e, _)| *e == i) else {
                    continue;
                };
                let permissions: Vec<Value> = perms
                    .iter()
                    .map(|p| json!({"description": permission_description(p), "name": p}))
                    .collect();
                let member = json!({
                    "enterprise_account": {"id": ea.id, "name": ea.name},
                    "id": uuid::Builder::from_random_bytes(rng.random()).into_uuid().to_string(),
                    "permissions": permissions,
                    "user": {"email": u.email, "id": u.id},
                    "two_factor_authentication": u.two_factor,
                    "identity_provider": idp_of(u),
                });
                members.push(Entry::new(&member, &u.email));
            }
            ea_recs.insert(
                ea.id.clone(),
                EaRec {
                    entry: Entry::named(&value),
                    name: ea.name.clone(),
                    members,
                },
            );
        }
        let mut team_recs = BTreeMap::new();
        for team in teams {
            let ea = team.ea.map(|e| &eas[e]);
            let value = json!({
                "id": team.id,
                "created_at": ts(team.created),
                "credit_card_collections": ea.is_none(),
                "default": false,
                "enterprise_account": ea.map_or(Value::Null, |e| json!({"id": e.id, "name": e.name})),
                "identity_provider": ea.map_or(Value::Null, |e| e.idp.clone()),
                "membership_limit": if ea.is_none() { json!(25) } else { Value::Null },
                "name": team.name,
                "provisioned_licenses": ea.is_some(),
                "role": team.caller_role,
                "type": if ea.is_some() { "enterprise" } else { "team" },
                "updated_at": ts(team.updated),
            });
            let mut members = Vec::new();
            for &(u, role) in &team.members {
                let user = &users[u];
                let rec = &user_recs[&user.email];
                let created = rng.random_range(user.created.max(team.created)..=T_2026_06_30);
                let updated = rng.random_range(created..=T_END);
                let id = uuid::Builder::from_random_bytes(rng.random())
                    .into_uuid()
                    .to_string();
                let member =
                    team_member_json(&id, &ts(created), &ts(updated), &user.email, rec, role);
                members.push(Entry::new(&member, &user.email));
            }
            team_recs.insert(
                team.id.clone(),
                TeamRec {
                    entry: Entry::named(&value),
                    name: team.name.clone(),
                    ea: ea.map(|e| e.id.clone()),
                    listed: team.caller_role.is_some(),
                    members,
                },
            );
        }
        let mut app_recs = BTreeMap::new();
        for a in apps {
            app_recs.insert(
                a.meta.id,
                AppRec {
                    team: teams[a.meta.team].id.clone(),
                    team_app: a.team_app,
                    app: a.app,
                },
            );
        }
        let mut addon_recs = BTreeMap::new();
        for a in addons {
            addon_recs.insert(
                a.entry.id().to_owned(),
                AddonRec {
                    billing_app: a.billing_app,
                    attached: a.attached,
                    entry: a.entry,
                },
            );
        }
        let caller = &users[0];
        let last_login = rng.random_range(T_2026_06_30..=T_END);
        let account = account_json(
            &caller.id,
            &caller.email,
            caller.name.as_deref(),
            caller.idp.is_some(),
            caller.two_factor,
            &idp_of(caller),
            caller.created,
            last_login,
        );
        let mut dataset = Dataset {
            account: Entry::named(&account),
            non_enterprise_account: Entry::named(&outsider),
            users: user_recs,
            eas: ea_recs,
            teams: team_recs,
            apps: app_recs,
            addons: addon_recs,
            served: Served::default(),
        };
        dataset.reindex();
        dataset
    }
}
