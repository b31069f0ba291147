//! Generation of the people and their organisation: the enterprise accounts, the users
//! (the caller first), the teams and their members, and the user outside every enterprise
//! account.

use std::collections::HashSet;

use rand::Rng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};

use super::{
    ADMIN_PERMS, EaGen, Generator, PERM_BILLING, PERM_CREATE, PERM_MANAGE, PERM_VIEW, T_2014,
    T_2016, T_2019, T_2024_04, T_2026_06_30, T_END, TeamGen, UserGen,
};
use crate::fake::heroku::Counts;
use crate::fake::heroku::json::account_json;
use crate::fake::heroku::names::{
    COMPANIES, DEPARTMENTS, FIRST_NAMES, LAST_NAMES, OUTSIDE_DOMAINS, SIDE_TEAMS, TEAM_QUALIFIERS,
};

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

impl Generator {
    pub(super) fn enterprise_accounts(&mut self, n: usize) -> Vec<EaGen> {
        let mut companies = COMPANIES.to_vec();
        companies.shuffle(&mut self.rng);
        let mut eas = Vec::with_capacity(n);
        for i in 0..n {
            let base = companies[i % companies.len()];
            let name = if i < companies.len() {
                base.to_owned()
            } else {
                format!("{base}{}", i / companies.len() + 1)
            };
            self.names.insert(name.clone());
            let id = self.uuid();
            let sso = i == 0 || (i >= 2 && self.chance(0.5));
            let idp = if sso {
                json!({"id": self.uuid(), "name": format!("{name}-sso"),
                    "owner": {"id": id, "name": name, "type": "enterprise-account"}})
            } else {
                Value::Null
            };
            let created = self.between(T_2016, T_2019);
            let updated = self.between(T_2024_04, T_END);
            let caller_perms: &'static [&'static str] = if i == 0 {
                ADMIN_PERMS
            } else {
                &[PERM_VIEW, PERM_CREATE, PERM_MANAGE]
            };
            eas.push(EaGen {
                id,
                name,
                idp,
                created,
                updated,
                caller_perms,
                partner_benefits: i == 1,
            });
        }
        eas
    }

    fn person(&mut self, domain: &str, emails: &mut HashSet<String>) -> (String, String) {
        let first = self.pick(FIRST_NAMES);
        let last = self.pick(LAST_NAMES);
        let mut email = format!("{first}.{last}@{domain}");
        let mut n = 2;
        while emails.contains(&email) {
            email = format!("{first}.{last}{n}@{domain}");
            n += 1;
        }
        emails.insert(email.clone());
        (email, format!("{} {}", capitalize(first), capitalize(last)))
    }

    /// User 0 is the caller; then the enterprise members; then the outside collaborators.
    pub(super) fn users(&mut self, eas: &[EaGen], c: Counts) -> Vec<UserGen> {
        let n = c.users.max(1);
        let n_ea = eas.len();
        let n_out = if n_ea == 0 {
            n - 1
        } else if n >= 3 && c.teams > 0 {
            (n / 10).max(1)
        } else {
            0
        };
        let n_members = n - 1 - n_out;
        let mut emails = HashSet::new();
        let mut users = Vec::with_capacity(n);
        let domain = |ea: usize| format!("{}.example", eas[ea].name);
        let caller_domain = if n_ea > 0 {
            domain(0)
        } else {
            "example.com".to_owned()
        };
        let (email, name) = self.person(&caller_domain, &mut emails);
        let id = self.uuid();
        users.push(UserGen {
            id,
            email,
            name: Some(name),
            two_factor: true,
            idp: None,
            memberships: eas
                .iter()
                .enumerate()
                .map(|(i, ea)| (i, ea.caller_perms))
                .collect(),
            created: self.between(T_2014, T_2016),
        });
        for k in 0..n_members {
            let primary = k % n_ea;
            let (email, name) = self.person(&domain(primary), &mut emails);
            let id = self.uuid();
            let sso = !eas[primary].idp.is_null();
            let federated = sso && (k == 2 || (k != 3 && k != 0 && self.chance(0.7)));
            let two_factor = match k {
                3 => false,
                _ if federated => self.chance(0.4),
                _ => self.chance(0.8),
            };
            let name = if k == 4 || (k > 5 && self.chance(0.1)) {
                None
            } else {
                Some(name)
            };
            let perms: &'static [&'static str] = match k {
                1 => ADMIN_PERMS,
                _ => {
                    let r: f64 = self.rng.random();
                    if r < 0.08 {
                        ADMIN_PERMS
                    } else if r < 0.2 {
                        &[PERM_VIEW, PERM_BILLING]
                    } else if r < 0.4 {
                        &[PERM_VIEW, PERM_CREATE]
                    } else {
                        &[PERM_VIEW]
                    }
                }
            };
            let memberships = if k == 0 {
                // The user who is a member of every enterprise account.
                (0..n_ea)
                    .map(|i| {
                        let p: &'static [&'static str] = if i == 0 {
                            &[PERM_VIEW]
                        } else {
                            &[PERM_VIEW, PERM_CREATE]
                        };
                        (i, p)
                    })
                    .collect()
            } else {
                vec![(primary, perms)]
            };
            let created = self.between(T_2016, T_2024_04);
            users.push(UserGen {
                id,
                email,
                name,
                two_factor,
                idp: federated.then_some(primary),
                memberships,
                created,
            });
        }
        for j in 0..n_out {
            let domain = self.pick(OUTSIDE_DOMAINS);
            let (email, name) = self.person(domain, &mut emails);
            let id = self.uuid();
            let name = (j != 1 && !self.chance(0.1)).then_some(name);
            let two_factor = j != 0 && self.chance(0.5);
            let created = self.between(T_2016, T_2024_04);
            users.push(UserGen {
                id,
                email,
                name,
                two_factor,
                idp: None,
                memberships: Vec::new(),
                created,
            });
        }
        users
    }

    pub(super) fn teams(&mut self, eas: &[EaGen], n: usize) -> Vec<TeamGen> {
        let n_ea = eas.len();
        let n_side = if n_ea == 0 { n } else { usize::from(n >= 2) };
        let n_ent = n - n_side;
        let mut departments: Vec<Vec<&str>> = eas
            .iter()
            .map(|_| {
                let mut d = DEPARTMENTS.to_vec();
                d.shuffle(&mut self.rng);
                d
            })
            .collect();
        let mut used_per_ea = vec![0usize; n_ea];
        let last_of_first_ea = (0..n_ent).rev().find(|i| i % n_ea.max(1) == 0);
        let first_ea_teams = (0..n_ent).filter(|i| i % n_ea.max(1) == 0).count();
        let mut teams = Vec::with_capacity(n);
        for i in 0..n {
            let ea = (i < n_ent).then(|| i % n_ea);
            let name = match ea {
                Some(e) => {
                    let k = used_per_ea[e];
                    used_per_ea[e] += 1;
                    let company = eas[e].name.clone();
                    let depts = &mut departments[e];
                    let d = depts[k % depts.len()];
                    let round = k / depts.len();
                    self.unique(|g, attempt| {
                        let q = g.pick(TEAM_QUALIFIERS);
                        match (round + attempt, attempt) {
                            (0, _) => format!("{company}-{d}"),
                            (_, 0..=5) => format!("{company}-{d}-{q}"),
                            _ => format!("{company}-{d}-{}", round + attempt),
                        }
                    })
                }
                None => {
                    let side = SIDE_TEAMS[(i - n_ent) % SIDE_TEAMS.len()];
                    self.unique(|_, attempt| match attempt {
                        0 => side.to_owned(),
                        a => format!("{side}-{}", a + 1),
                    })
                }
            };
            let caller_role = match ea {
                Some(_) if Some(i) == last_of_first_ea && first_ea_teams >= 2 => None,
                Some(_) if i >= 6 && self.chance(0.1) => None,
                _ => Some("admin"),
            };
            let ea_created = ea.map_or(T_2016, |e| eas[e].created);
            let created = self.between(ea_created, T_2024_04);
            let updated = self.between(created, T_END);
            let id = self.uuid();
            teams.push(TeamGen {
                id,
                name,
                ea,
                caller_role,
                created,
                updated,
                members: Vec::new(),
            });
        }
        teams
    }

    pub(super) fn team_members(&mut self, eas: &[EaGen], users: &[UserGen], teams: &mut [TeamGen]) {
        if teams.is_empty() {
            return;
        }
        let mut by_ea: Vec<Vec<usize>> = vec![Vec::new(); eas.len()];
        let mut side = Vec::new();
        for (i, t) in teams.iter().enumerate() {
            match t.ea {
                Some(e) => by_ea[e].push(i),
                None => side.push(i),
            }
        }
        let add = |teams: &mut [TeamGen], t: usize, u: usize, role: &'static str| {
            if !teams[t].members.iter().any(|&(m, _)| m == u) {
                teams[t].members.push((u, role));
            }
        };
        for t in 0..teams.len() {
            if let Some(role) = teams[t].caller_role {
                add(teams, t, 0, role);
            }
        }
        let n_members = users
            .iter()
            .skip(1)
            .filter(|u| !u.memberships.is_empty())
            .count();
        for (u, user) in users.iter().enumerate().take(n_members + 1).skip(1) {
            if u == 1 {
                // In every enterprise account and several teams.
                for ea_teams in &by_ea {
                    if let Some(&t) = ea_teams.first() {
                        add(teams, t, u, "member");
                    }
                }
                if let Some(&t) = side.first() {
                    add(teams, t, u, "member");
                }
                continue;
            }
            let primary = user.memberships.first().map_or(0, |m| m.0);
            let ea_teams = &by_ea[primary];
            if ea_teams.is_empty() || (u > 6 && self.chance(0.1)) {
                continue;
            }
            let k = 1 + self.index(3);
            for _ in 0..k {
                let t = ea_teams[self.index(ea_teams.len())];
                let role = if self.chance(0.12) { "admin" } else { "member" };
                add(teams, t, u, role);
            }
        }
        for u in n_members + 1..users.len() {
            let j = u - n_members - 1;
            let first = if j == 0 && !by_ea.iter().all(Vec::is_empty) {
                by_ea.iter().find_map(|t| t.first().copied()).unwrap_or(0)
            } else {
                self.index(teams.len())
            };
            add(teams, first, u, "collaborator");
            if self.chance(0.4) {
                let t = self.index(teams.len());
                add(teams, t, u, "collaborator");
            }
        }
        for &t in &side {
            if n_members == 0 {
                break;
            }
            for _ in 0..3 {
                let u = 1 + self.index(n_members);
                add(teams, t, u, "member");
            }
        }
    }

    pub(super) fn outsider(&mut self) -> Value {
        let mut emails = HashSet::new();
        let (email, name) = self.person("indie.example", &mut emails);
        let id = self.uuid();
        let created = self.between(T_2016, T_2024_04);
        let login = self.between(T_2026_06_30, T_END);
        account_json(
            &id,
            &email,
            Some(&name),
            false,
            true,
            &Value::Null,
            created,
            login,
        )
    }
}
