//! Generation of the apps: their names, regions, stacks and dates, serialized once into the
//! head both the app and the team-app shapes share.

use std::collections::HashSet;
use std::sync::Arc;

use rand::Rng;

use super::{
    AppGen, AppOut, EaGen, Generator, T_2024_04, T_2026_06_30, T_END, TeamGen, stable_uuid, ts,
};
use crate::fake::heroku::data::Entry;
use crate::fake::heroku::json::{
    AppHeadJson, AppTailJson, IdName, OwnerJson, SpaceJson, TeamAppTailJson, continuation,
};
use crate::fake::heroku::names::{BUILDPACKS, COMPONENTS, ENVIRONMENTS, ROLES};

/// (id, name) of a region (the real ids of `us` and `eu`).
fn region(name: &str) -> (String, String) {
    let id = match name {
        "us" => "59accabd-516d-4f0e-83e6-6e3757701145".to_owned(),
        "eu" => "ed30241c-ed8c-4bb6-9714-61953675d0b4".to_owned(),
        other => stable_uuid(&format!("region:{other}")),
    };
    (id, name.to_owned())
}

/// (id, name) of a stack.
fn stack(name: &str) -> (String, String) {
    let id = match name {
        "heroku-18" => "69bee368-352b-4bd0-9b7c-819d860a2588".to_owned(),
        other => stable_uuid(&format!("stack:{other}")),
    };
    (id, name.to_owned())
}

impl Generator {
    fn app_name(&mut self, team: &TeamGen, eas: &[EaGen]) -> String {
        let prefix = team.ea.map_or_else(
            || team.name.split('-').next().unwrap_or(&team.name).to_owned(),
            |e| eas[e].name.clone(),
        );
        let dept = team
            .name
            .strip_prefix(&format!("{prefix}-"))
            .unwrap_or(&team.name)
            .split('-')
            .next()
            .unwrap_or("app")
            .to_owned();
        self.unique(|g, attempt| {
            let comp = g.pick(COMPONENTS);
            let role = g.pick(ROLES);
            let env = g.pick(ENVIRONMENTS);
            let name = match (attempt, g.index(4)) {
                (0..=1, 0 | 1) => format!("{prefix}-{comp}-{role}"),
                (0..=1, 2) => format!("{comp}-{role}"),
                (0..=1, _) => format!("{dept}-{comp}-{role}"),
                (2..=7, 0 | 1) => format!("{prefix}-{comp}-{role}-{env}"),
                (2..=7, 2) => format!("{comp}-{role}-{env}"),
                (2..=7, _) => format!("{dept}-{comp}-{role}-{env}"),
                _ => format!("{comp}-{role}-{}", g.rng.random_range(1000..100_000)),
            };
            if name.len() <= 30 {
                name
            } else {
                format!("{comp}-{role}-{}", g.rng.random_range(1000..100_000))
            }
        })
    }

    pub(super) fn apps(&mut self, eas: &[EaGen], teams: &[TeamGen], n: usize) -> Vec<AppOut> {
        let mut apps = Vec::with_capacity(n);
        let mut stamps = HashSet::new();
        let regions = [region("us"), region("eu")];
        let stacks = [
            stack("heroku-24"),
            stack("heroku-24"),
            stack("heroku-22"),
            stack("heroku-20"),
        ];
        let generations = [
            ("cedar", stable_uuid("generation:cedar")),
            ("fir", stable_uuid("generation:fir")),
        ];
        for i in 0..n {
            let t = if i < teams.len() {
                i
            } else {
                self.index(teams.len())
            };
            let team = &teams[t];
            let name = self.app_name(team, eas);
            let id = self.uuid();
            let created = self.between(team.created.min(T_2024_04), T_2026_06_30 - 86_400);
            let released = if self.chance(0.05) {
                None
            } else {
                Some(self.between(created, T_2026_06_30))
            };
            let mut updated = self.between(released.unwrap_or(created), T_END);
            while !stamps.insert(updated) {
                updated += 1;
            }
            let maintenance = i == 0 || (i > 3 && self.chance(0.05));
            let locked = i == 1 || (i > 3 && self.chance(0.08));
            let archived = i == 2 || (i > 3 && self.chance(0.04));
            let in_space = i == 3 || (i > 3 && self.chance(0.1));
            let joined = !self.chance(0.25);
            let acm = self.chance(0.5);
            let region = &regions[usize::from(self.chance(0.3))];
            let stack = &stacks[self.index(stacks.len())];
            let generation = &generations[usize::from(stack.1 == "heroku-24" && self.chance(0.15))];
            let buildpack = self.pick(BUILDPACKS);
            let slug_size: Option<i64> =
                (!self.chance(0.1)).then(|| self.rng.random_range(1_000_000..300_000_000));
            let repo_size: Option<i64> =
                (!self.chance(0.5)).then(|| self.rng.random_range(10_000..100_000_000));
            let web_url = if created >= T_2024_04 {
                let suffix: u64 = self.rng.random_range(0..(1u64 << 48));
                format!("https://{name}-{suffix:012x}.herokuapp.com/")
            } else {
                format!("https://{name}.herokuapp.com/")
            };
            let legacy_id = format!(
                "app{}@heroku.com",
                self.rng.random_range(100_000_000..999_999_999)
            );
            let space = in_space.then(|| {
                (
                    stable_uuid(&format!("space:{}", team.id)),
                    format!("{}-space", team.name.chars().take(24).collect::<String>()),
                )
            });
            let internal_routing = in_space.then(|| self.chance(0.3));
            let created_at = ts(created);
            let updated_at = ts(updated);
            let released_at = released.map(ts);
            let owner_email = format!("{}@herokumanager.com", team.name);
            let owner = OwnerJson {
                email: &owner_email,
                id: &team.id,
            };
            let team_ref = IdName {
                id: &team.id,
                name: &team.name,
            };
            let region = IdName {
                id: &region.0,
                name: &region.1,
            };
            let stack = IdName {
                id: &stack.0,
                name: &stack.1,
            };
            let git_url = format!("https://git.heroku.com/{name}.git");
            let archived_at = archived.then_some(updated_at.as_str());
            let head = self.render(&AppHeadJson {
                acm,
                archived_at,
                buildpack_provided_description: buildpack,
                build_stack: stack,
                created_at: &created_at,
                id: &id,
                git_url: &git_url,
                maintenance,
                name: &name,
                owner,
                region,
                organization: team_ref,
                team: team_ref,
                internal_routing,
                released_at: released_at.as_deref(),
                repo_size,
                slug_size,
                stack,
                updated_at: &updated_at,
                web_url: &web_url,
            });
            let team_tail = self.render(&TeamAppTailJson {
                space: space.as_ref().map(|(id, name)| SpaceJson {
                    id,
                    name,
                    shield: None,
                }),
                joined,
                legacy_id: &legacy_id,
                locked,
            });
            let app_tail = self.render(&AppTailJson {
                space: space.as_ref().map(|(id, name)| SpaceJson {
                    id,
                    name,
                    shield: Some(i == 3),
                }),
                generation: IdName {
                    id: &generation.1,
                    name: generation.0,
                },
            });
            // `{head…}` + `{tail…}` → `{head…,tail…}`: the head is shared by both shapes.
            let head: Arc<str> = Arc::from(head.strip_suffix('}').unwrap_or(&head));
            let team_app = Entry::build(
                Some(head.clone()),
                continuation(&team_tail),
                &id,
                &name,
                &updated_at,
            );
            let app = Entry::build(Some(head), continuation(&app_tail), &id, &name, &updated_at);
            apps.push(AppOut {
                meta: AppGen {
                    id,
                    name,
                    team: t,
                    created,
                },
                team_app,
                app,
            });
        }
        apps
    }
}
