//! Generation of the add-ons: their services and plans, the apps they are billed to and
//! attached to, and their config vars.

use std::collections::HashMap;
use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{AddonOut, AppOut, Generator, T_2026_06_30, T_END, TeamGen, stable_uuid, ts};
use crate::fake::heroku::data::Entry;
use crate::fake::heroku::json::{
    ActionJson, AddonHeadJson, AddonJson, BilledPriceJson, BillingEntityJson, IdName, continuation,
};
use crate::fake::heroku::names::{ADJECTIVES, SERVICES, Service};

impl Generator {
    fn service(&mut self) -> &'static Service {
        let total: u32 = SERVICES.iter().map(|s| s.weight).sum();
        let mut r = self.rng.random_range(0..total.max(1));
        for s in SERVICES {
            if r < s.weight {
                return s;
            }
            r -= s.weight;
        }
        &SERVICES[0]
    }

    /// Attaches some shared add-ons to one or two more apps, and makes sure an add-on billed
    /// to an app outside every enterprise account is attached to an app inside one. Draws
    /// from a generator of its own, so everything else stays as the seed made it before.
    pub(super) fn more_attachments(
        &self,
        teams: &[TeamGen],
        apps: &[AppOut],
        addons: &mut [AddonOut],
    ) {
        if apps.len() < 3 {
            return;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ 0x0a77_ac4e_d000_0000);
        for a in addons.iter_mut().filter(|a| !a.attached.is_empty()) {
            if !rng.random_bool(0.3) {
                continue;
            }
            for _ in 0..rng.random_range(1..=2) {
                let id = &apps[rng.random_range(0..apps.len())].meta.id;
                if *id != a.billing_app && !a.attached.contains(id) {
                    a.attached.push(id.clone());
                }
            }
        }
        let in_enterprise: HashMap<&str, bool> = apps
            .iter()
            .map(|a| (a.meta.id.as_str(), teams[a.meta.team].ea.is_some()))
            .collect();
        let inside = |id: &str| in_enterprise.get(id).copied().unwrap_or(false);
        let billed_outside_used_inside = addons
            .iter()
            .any(|a| !inside(&a.billing_app) && a.attached.iter().any(|x| inside(x)));
        let first_inside = apps.iter().find(|a| inside(&a.meta.id));
        if let (false, Some(app)) = (billed_outside_used_inside, first_inside)
            && let Some(a) = addons.iter_mut().find(|a| !inside(&a.billing_app))
        {
            a.attached.push(app.meta.id.clone());
        }
    }

    pub(super) fn addons(&mut self, teams: &[TeamGen], apps: &[AppOut], n: usize) -> Vec<AddonOut> {
        const COLORS: &[&str] = &[
            "AMBER", "BLUE", "COBALT", "CRIMSON", "GOLD", "GRAY", "GREEN", "IVORY", "JADE",
            "MAROON", "NAVY", "OLIVE", "ONYX", "ORANGE", "PINK", "PURPLE", "RED", "ROSE", "SILVER",
            "TEAL", "WHITE", "YELLOW",
        ];
        let mut by_team: Vec<Vec<usize>> = vec![Vec::new(); teams.len()];
        for (i, a) in apps.iter().enumerate() {
            by_team[a.meta.team].push(i);
        }
        // Ids that are the same for every customer, computed once.
        let service_ids: Vec<String> = SERVICES
            .iter()
            .map(|s| stable_uuid(&format!("service:{}", s.name)))
            .collect();
        let plan_ids: Vec<Vec<(String, String)>> = SERVICES
            .iter()
            .map(|s| {
                s.plans
                    .iter()
                    .map(|(p, _)| {
                        let full = format!("{}:{p}", s.name);
                        (stable_uuid(&format!("plan:{full}")), full)
                    })
                    .collect()
            })
            .collect();
        // `{"actions":[…],"addon_service":{…}`: the same for every add-on of a service, so
        // all of them share one copy.
        let heads: Vec<Arc<str>> = SERVICES
            .iter()
            .zip(&service_ids)
            .map(|(service, service_id)| {
                let ids: Vec<String> = service
                    .actions
                    .iter()
                    .map(|(label, _, _)| stable_uuid(&format!("action:{}:{label}", service.name)))
                    .collect();
                let head = self.render(&AddonHeadJson {
                    actions: service
                        .actions
                        .iter()
                        .zip(&ids)
                        .map(|((label, action, url), id)| ActionJson {
                            id,
                            label,
                            action: *action,
                            url: *url,
                            requires_owner: None,
                        })
                        .collect(),
                    addon_service: IdName {
                        id: service_id,
                        name: service.name,
                    },
                });
                Arc::from(head.strip_suffix('}').unwrap_or(&head))
            })
            .collect();
        let mut postgres_per_app: HashMap<usize, usize> = HashMap::new();
        let mut out = Vec::with_capacity(n);
        for j in 0..n {
            let billing = self.index(apps.len());
            let app = &apps[billing].meta;
            let service = self.service();
            let s = SERVICES
                .iter()
                .position(|x| std::ptr::eq(x, service))
                .unwrap_or(0);
            let p = self.index(service.plans.len());
            let cents = service.plans[p].1;
            let name = self.unique(|g, _| {
                let adj = g.pick(ADJECTIVES);
                let n = g.rng.random_range(10_000..100_000);
                format!("{}-{adj}-{n}", service.prefix)
            });
            let id = self.uuid();
            let share = match j {
                0 | 1 => true,
                2 => false,
                _ => self.chance(0.06),
            };
            let mut attached = Vec::new();
            if share && apps.len() > 1 {
                let same_team = j == 0 || (j != 1 && self.chance(0.75));
                let team_apps = &by_team[app.team];
                let other = if same_team && team_apps.len() > 1 {
                    let k = team_apps
                        .iter()
                        .copied()
                        .filter(|&a| a != billing)
                        .nth(self.index(team_apps.len() - 1));
                    k.unwrap_or(billing)
                } else {
                    // Another team's app, in the same enterprise account when possible.
                    let ea = teams[app.team].ea;
                    let others = |same_ea: bool| -> Vec<usize> {
                        (0..teams.len())
                            .filter(|&t| t != app.team && !by_team[t].is_empty())
                            .filter(|&t| !same_ea || teams[t].ea == ea)
                            .collect()
                    };
                    let mut pool = others(true);
                    if pool.is_empty() {
                        pool = others(false);
                    }
                    if pool.is_empty() {
                        (billing + 1 + self.index(apps.len() - 1)) % apps.len()
                    } else {
                        let t = pool[self.index(pool.len())];
                        by_team[t][self.index(by_team[t].len())]
                    }
                };
                if other != billing {
                    attached.push(apps[other].meta.id.clone());
                }
            }
            let state = if j == 2 || (j > 2 && self.chance(0.015)) {
                "deprovisioned"
            } else if self.chance(0.01) {
                "provisioning"
            } else {
                "provisioned"
            };
            let config_vars: Vec<String> = if service.name == "heroku-postgresql" {
                let count = postgres_per_app.entry(billing).or_insert(0);
                *count += 1;
                if *count == 1 {
                    vec!["DATABASE_URL".to_owned()]
                } else {
                    let color = COLORS[(*count - 2) % COLORS.len()];
                    vec![format!("HEROKU_POSTGRESQL_{color}_URL")]
                }
            } else {
                service.config_vars.iter().map(|&v| v.to_owned()).collect()
            };
            let created = self.between(app.created, T_2026_06_30);
            let updated = self.between(created, T_END);
            let provider_id = self
                .rng
                .random_range(10_000_000u64..10_000_000_000)
                .to_string();
            let created_at = ts(created);
            let updated_at = ts(updated);
            let web_url = format!("https://addons-sso.heroku.com/apps/{}/addons/{id}", app.id);
            let (plan_id, plan_name) = &plan_ids[s][p];
            let addon = AddonJson {
                app: IdName {
                    id: &app.id,
                    name: &app.name,
                },
                config_vars: &config_vars,
                created_at: &created_at,
                id: &id,
                name: &name,
                plan: IdName {
                    id: plan_id,
                    name: plan_name,
                },
                billing_entity: BillingEntityJson {
                    id: &app.id,
                    name: &app.name,
                    kind: "app",
                },
                provider_id: &provider_id,
                state,
                updated_at: &updated_at,
                web_url: &web_url,
                billed_price: BilledPriceJson {
                    cents,
                    contract: false,
                    unit: "month",
                },
            };
            let body = continuation(&self.render(&addon));
            let entry = Entry::build(Some(heads[s].clone()), body, &id, &name, &updated_at);
            out.push(AddonOut {
                entry,
                billing_app: app.id.clone(),
                attached,
            });
        }
        out
    }
}
