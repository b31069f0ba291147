//! The deterministic estate generator: from a seed and the counts, a byte-identical estate
//! (enterprise accounts, users, teams, apps, add-ons) every time.
//!
//! This file holds the generator's state and helpers, its time frame and the ids that are the
//! same for every customer; each phase is in its own file.

mod addons;
mod apps;
mod assemble;
mod people;

use std::collections::HashSet;
use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde_json::Value;

use super::Counts;
use super::data::{Dataset, Entry};
pub(super) use super::stamp::{stable_uuid, ts};

const T_2014: i64 = 1_388_534_400;
const T_2016: i64 = 1_451_606_400;
const T_2019: i64 = 1_546_300_800;
const T_2024_04: i64 = 1_711_929_600;
const T_2026_06_30: i64 = 1_782_777_600;
const T_END: i64 = 1_784_073_600;

const PERM_VIEW: &str = "view";
const PERM_CREATE: &str = "create";
const PERM_MANAGE: &str = "manage";
const PERM_BILLING: &str = "billing";
const ADMIN_PERMS: &[&str] = &[PERM_VIEW, PERM_CREATE, PERM_MANAGE, PERM_BILLING];

fn permission_description(name: &str) -> &'static str {
    match name {
        PERM_VIEW => "View enterprise account members and teams.",
        PERM_CREATE => "Create teams in the enterprise account.",
        PERM_MANAGE => "Manage enterprise account.",
        _ => "View enterprise account billing info.",
    }
}

struct EaGen {
    id: String,
    name: String,
    /// `{id, name, owner}` or null.
    idp: Value,
    created: i64,
    updated: i64,
    caller_perms: &'static [&'static str],
    partner_benefits: bool,
}

struct UserGen {
    id: String,
    email: String,
    /// `None`: the user never set a name (`user.name: null` in team-member objects).
    name: Option<String>,
    two_factor: bool,
    /// Index of the enterprise account whose identity provider the user signs in with.
    idp: Option<usize>,
    /// (enterprise account index, permissions).
    memberships: Vec<(usize, &'static [&'static str])>,
    created: i64,
}

struct TeamGen {
    id: String,
    name: String,
    ea: Option<usize>,
    caller_role: Option<&'static str>,
    created: i64,
    updated: i64,
    /// (user index, role).
    members: Vec<(usize, &'static str)>,
}

struct AppGen {
    id: String,
    name: String,
    team: usize,
    created: i64,
}

struct AppOut {
    meta: AppGen,
    team_app: Arc<Entry>,
    app: Arc<Entry>,
}

struct AddonOut {
    entry: Arc<Entry>,
    billing_app: String,
    attached: Vec<String>,
}

pub(super) struct Generator {
    rng: ChaCha8Rng,
    seed: u64,
    names: HashSet<String>,
    buffer: Vec<u8>,
}

impl Dataset {
    /// Generates the estate for `counts` from `seed`: the same inputs give a byte-identical
    /// estate.
    #[must_use]
    pub fn generate(counts: Counts, seed: u64) -> Self {
        Generator::new(seed).run(counts)
    }
}

impl Generator {
    pub(super) fn new(seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            seed,
            names: HashSet::new(),
            buffer: Vec::with_capacity(4096),
        }
    }

    /// Serializes into a reused buffer and copies out exactly the bytes needed.
    fn render<T: Serialize>(&mut self, value: &T) -> Box<str> {
        self.buffer.clear();
        if serde_json::to_writer(&mut self.buffer, value).is_err() {
            return "null".into();
        }
        std::str::from_utf8(&self.buffer).unwrap_or("null").into()
    }

    fn uuid(&mut self) -> String {
        uuid::Builder::from_random_bytes(self.rng.random())
            .into_uuid()
            .to_string()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    fn index(&mut self, len: usize) -> usize {
        if len <= 1 {
            0
        } else {
            self.rng.random_range(0..len)
        }
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.rng.random_range(lo..=hi)
        }
    }

    /// Claims the first free candidate name; `candidate(attempt)` proposes one.
    fn unique(&mut self, mut candidate: impl FnMut(&mut Self, usize) -> String) -> String {
        for attempt in 0.. {
            let name = candidate(self, attempt);
            if !self.names.contains(&name) {
                self.names.insert(name.clone());
                return name;
            }
        }
        unreachable!("an unbounded loop only ends by returning")
    }

    pub(super) fn run(mut self, c: Counts) -> Dataset {
        let eas = self.enterprise_accounts(c.enterprise_accounts);
        let mut users = self.users(&eas, c);
        let mut teams = self.teams(&eas, c.teams);
        self.team_members(&eas, &users, &mut teams);
        let apps = self.apps(&eas, &teams, if teams.is_empty() { 0 } else { c.apps });
        let mut addons = self.addons(&teams, &apps, if apps.is_empty() { 0 } else { c.addons });
        self.more_attachments(&teams, &apps, &mut addons);
        let outsider = self.outsider();
        self.names = HashSet::new();
        self.assemble(&eas, &mut users, &teams, apps, addons, outsider)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_uuids_are_uuids() {
        let id = stable_uuid("plan:heroku-postgresql:essential-0");
        assert_eq!(id.len(), 36);
        assert_eq!(id, stable_uuid("plan:heroku-postgresql:essential-0"));
        assert_ne!(id, stable_uuid("plan:heroku-postgresql:standard-0"));
    }

    #[test]
    fn timestamps_are_iso() {
        assert_eq!(ts(T_2016), "2016-01-01T00:00:00Z");
    }
}
