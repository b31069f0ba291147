//! `heroku-j1 diff` and `sync --dry-run` as a user runs them: the real binary crawling the
//! fake Heroku (in this process, real HTTP on 127.0.0.1) and syncing to the fake JupiterOne.
//! The fake Heroku drifts through its control endpoint; the change set is checked against
//! an independent, naive comparison of the graphs `collect` writes before and after.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Output};

use heroku_j1::fake::heroku::{FakeHeroku, FakeHerokuConfig, Faults};
use heroku_j1::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig};
use heroku_j1::graph::{Graph, export};
use heroku_j1::jupiterone::diff::{entity_hash, relationship_hash};
use serde_json::{Value, json};

struct Env {
    rt: tokio::runtime::Runtime,
    heroku: FakeHeroku,
    j1: FakeJupiterOne,
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Self::with(FakeHerokuConfig::default())
    }

    fn with(config: FakeHerokuConfig) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let heroku = rt.block_on(FakeHeroku::start(config)).unwrap();
        let j1 = FakeJupiterOne::start(FakeJupiterOneConfig::default()).unwrap();
        Self {
            rt,
            heroku,
            j1,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_heroku-j1"));
        c.args(args)
            .arg("--log-file")
            .arg(self.dir.path().join("heroku-j1.log"))
            .env("HEROKU_API_URL", self.heroku.url())
            .env("HEROKU_API_KEY", self.heroku.token())
            .env("JUPITERONE_API_URL", self.j1.url())
            .env("JUPITERONE_API_KEY", self.j1.token())
            .env("JUPITERONE_ACCOUNT", self.j1.account())
            .env("HEROKU_J1_CONFIG_DIR", self.dir.path().join("config"))
            .env("HEROKU_J1_DATA_DIR", self.data_dir())
            .env_remove("JUPITERONE_REGION");
        c.output().unwrap()
    }

    fn sync(&self, extra: &[&str]) -> Value {
        let mut args = vec!["sync", "--json", "--poll-interval", "20ms"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", text(&out.stdout), text(&out.stderr)))
    }

    fn diff_json(&self) -> (Value, i32) {
        let out = self.run(&["diff", "--json", "--exit-code"]);
        let v = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", text(&out.stdout), text(&out.stderr)));
        (v, out.status.code().unwrap())
    }

    fn collect(&self, name: &str) -> Graph {
        let dir = self.dir.path().join(name);
        let out = self.run(&["collect", "--out", dir.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        export::read(&dir).unwrap()
    }

    fn drift(&self, body: &Value) {
        let url = format!("{}/__fake/drift", self.heroku.url());
        let res = self
            .rt
            .block_on(reqwest::Client::new().post(url).json(body).send())
            .unwrap();
        assert!(res.status().is_success(), "{}", res.status());
    }

    fn state_file(&self) -> PathBuf {
        let dir = self.data_dir().join("jupiterone-sync");
        let files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".state.zst"))
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        files[0].clone()
    }

    fn j1_requests(&self) -> u64 {
        self.j1.stats().total_requests
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// (change, _type, _key) → changed property names with old and new values.
type Expected = BTreeMap<(String, String, String), BTreeMap<String, (Value, Value)>>;

/// The naive oracle: every object of both graphs as JSON, compared member by member.
fn oracle(before: &Graph, after: &Graph) -> Expected {
    fn objects(g: &Graph) -> BTreeMap<String, Value> {
        g.entities()
            .iter()
            .map(|e| (e.key.clone(), serde_json::to_value(e).unwrap()))
            .chain(
                g.relationships()
                    .iter()
                    .map(|r| (r.key().to_owned(), serde_json::to_value(r).unwrap())),
            )
            .collect()
    }
    let (a, b) = (objects(before), objects(after));
    let mut out = Expected::new();
    for (key, new) in &b {
        let ty = new["_type"].as_str().unwrap().to_owned();
        match a.get(key) {
            None => {
                out.insert(("new".into(), ty, key.clone()), BTreeMap::new());
            }
            Some(old) if old != new => {
                let (o, n) = (old.as_object().unwrap(), new.as_object().unwrap());
                let props = o
                    .keys()
                    .chain(n.keys())
                    .filter(|k| o.get(*k) != n.get(*k))
                    .map(|k| {
                        let v = |m: &serde_json::Map<String, Value>| {
                            m.get(k).cloned().unwrap_or(json!("<absent>"))
                        };
                        (k.clone(), (v(o), v(n)))
                    })
                    .collect();
                out.insert(("changed".into(), ty, key.clone()), props);
            }
            Some(_) => {}
        }
    }
    // A deleted object lists what JupiterOne holds of it: every member, as removed.
    for (key, old) in &a {
        if !b.contains_key(key) {
            let ty = old["_type"].as_str().unwrap().to_owned();
            let props = old
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), (v.clone(), json!("<absent>"))))
                .collect();
            out.insert(("deleted".into(), ty, key.clone()), props);
        }
    }
    out
}

fn listed(doc: &Value) -> Expected {
    doc["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let id = (
                o["change"].as_str().unwrap().to_owned(),
                o["_type"].as_str().unwrap().to_owned(),
                o["_key"].as_str().unwrap().to_owned(),
            );
            let props = o["properties"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    let v = |f: &str| p.get(f).cloned().unwrap_or(json!("<absent>"));
                    (p["name"].as_str().unwrap().to_owned(), (v("old"), v("new")))
                })
                .collect();
            (id, props)
        })
        .collect()
}

fn find<'a>(doc: &'a Value, change: &str, ty: &str, key: &str) -> &'a Value {
    doc["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["change"] == change && o["_type"] == ty && o["_key"] == key)
        .unwrap_or_else(|| panic!("no {change} {ty} {key}"))
}

fn property<'a>(o: &'a Value, name: &str) -> (&'a Value, &'a Value) {
    let p = o["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no property {name} in {o}"));
    (&p["old"], &p["new"])
}

/// The estate's objects the drift touches, read from the fake itself.
struct Picks {
    app_id: String,
    app_name: String,
    user_2fa: (String, String),
    removed: (String, String),
    addon_id: String,
    addon_plan: String,
    team_id: String,
    team_name: String,
}

fn picks(env: &Env) -> Picks {
    let data = env.heroku.data();
    let ea = &data.enterprise_accounts()[0];
    let ea_name = ea["name"].as_str().unwrap().to_owned();
    let members = data.enterprise_account_members(&ea_name).unwrap();
    let user = |m: &Value| {
        (
            m["user"]["id"].as_str().unwrap().to_owned(),
            m["user"]["email"].as_str().unwrap().to_owned(),
        )
    };
    let with_2fa: Vec<&Value> = members
        .iter()
        .filter(|m| m["two_factor_authentication"] == true)
        .collect();
    let teams = data.enterprise_account_teams(&ea_name).unwrap();
    // The team to delete: one of the other enterprise account's, so the rest stays apart.
    let other = &data.enterprise_accounts()[1];
    let other_teams = data
        .enterprise_account_teams(other["name"].as_str().unwrap())
        .unwrap();
    let team = &other_teams[0];
    let app = data
        .team_apps(teams[0]["id"].as_str().unwrap())
        .unwrap()
        .into_iter()
        .find(|a| {
            !data
                .app_addons(a["id"].as_str().unwrap())
                .unwrap()
                .is_empty()
        })
        .unwrap();
    let addon = data.app_addons(app["id"].as_str().unwrap()).unwrap()[0].clone();
    Picks {
        app_id: app["id"].as_str().unwrap().to_owned(),
        app_name: app["name"].as_str().unwrap().to_owned(),
        user_2fa: user(with_2fa[0]),
        removed: user(with_2fa[1]),
        addon_id: addon["id"].as_str().unwrap().to_owned(),
        addon_plan: addon["plan"]["name"].as_str().unwrap().to_owned(),
        team_id: team["id"].as_str().unwrap().to_owned(),
        team_name: team["name"].as_str().unwrap().to_owned(),
    }
}

#[test]
fn diff_lists_exactly_what_drifted_and_sync_then_does_exactly_that() {
    let env = Env::new();
    let first = env.sync(&["--yes"]);
    assert_eq!(first["status"], "synced", "{first}");
    let (doc, code) = env.diff_json();
    assert_eq!(code, 0, "nothing changed right after a sync: {doc}");
    assert_eq!(doc["changes"], false);
    assert!(doc["objects"].as_array().unwrap().is_empty());
    let before = env.collect("before");

    let p = picks(&env);
    let service = p.addon_plan.split(':').next().unwrap().to_owned();
    env.drift(&json!([
        {"op": "rename-app", "app": p.app_name, "name": format!("{}-renamed", p.app_name)},
        {"op": "two-factor-off", "email": p.user_2fa.1},
        {"op": "remove-member", "email": p.removed.1},
        {"op": "set-addon-plan", "addon": p.addon_id, "plan": format!("{service}:drifted-9")},
        {"op": "delete-team", "team": p.team_name},
    ]));
    let after = env.collect("after");
    let (doc, code) = env.diff_json();
    assert_eq!(code, 1, "--exit-code: something would change");
    assert_eq!(doc["format"], 1);
    assert!(doc["detailsMissing"].is_null());

    // Exactly the objects and properties the independent comparison finds.
    let expected = oracle(&before, &after);
    assert!(expected.len() > 10, "{expected:?}");
    let got = listed(&doc);
    assert_eq!(
        got.keys().collect::<BTreeSet<_>>(),
        expected.keys().collect::<BTreeSet<_>>()
    );
    assert_eq!(got, expected);

    // And those are the drift's doing.
    let app = find(&doc, "changed", "heroku_application", &p.app_id);
    assert_eq!(
        property(app, "name"),
        (
            &json!(p.app_name),
            &json!(format!("{}-renamed", p.app_name))
        )
    );
    assert_eq!(app["name"], format!("{}-renamed", p.app_name));
    let raw = app["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "_rawData")
        .unwrap();
    assert!(
        raw["diff"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "/default/name" && d["old"] == json!(p.app_name)),
        "{raw}"
    );
    let user = find(&doc, "changed", "heroku_account_member", &p.user_2fa.0);
    assert_eq!(property(user, "mfaEnabled"), (&json!(true), &json!(false)));
    let removed = find(&doc, "deleted", "heroku_account_member", &p.removed.0);
    let removed_name = before.entity(&p.removed.0).unwrap().display_name();
    assert_eq!(removed["name"], removed_name, "the name it had when synced");
    let addon = find(&doc, "changed", "heroku_addon", &p.addon_id);
    assert_eq!(
        property(addon, "plan"),
        (&json!(p.addon_plan), &json!(format!("{service}:drifted-9")))
    );
    let team = find(&doc, "deleted", "heroku_team", &p.team_id);
    assert_eq!(team["name"], p.team_name);
    // A relationship names both ends.
    let has_team = doc["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["_type"] == "heroku_account_has_team" && o["to"]["_key"] == p.team_id.as_str())
        .unwrap();
    assert_eq!(has_team["change"], "deleted");
    assert_eq!(has_team["to"]["name"], p.team_name);
    assert!(has_team["from"]["name"].is_string(), "{has_team}");
    assert!(has_team["name"].as_str().unwrap().ends_with(&p.team_name));

    // The readable report says the same, summary first.
    let out = env.run(&["diff"]);
    let report = text(&out.stdout);
    assert!(out.status.success());
    let summary_at = report.find("heroku_team ").unwrap();
    let detail_at = report.find(&format!("  - {}", p.team_name)).unwrap();
    assert!(summary_at < detail_at, "{report}");
    assert!(report.contains("~ mfaEnabled: true → false"), "{report}");

    // `--type` narrows it.
    let out = env.run(&["diff", "--json", "--type", "heroku_team"]);
    let only: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(only["objects"].as_array().unwrap().len(), 1);

    // A dry run reports the same and sends nothing to JupiterOne.
    let requests = env.j1_requests();
    let dry = env.sync(&["--dry-run"]);
    assert_eq!(dry["status"], "dry-run");
    assert_eq!(dry["changes"]["summary"], doc["summary"]);
    assert_eq!(env.j1_requests(), requests, "no request reached JupiterOne");

    // The sync then does what the diff said.
    let synced = env.sync(&["--yes"]);
    assert_eq!(synced["status"], "synced", "{synced}");
    let job = &synced["job"];
    let s = &doc["summary"];
    assert_eq!(
        (
            &job["numEntitiesCreated"],
            &job["numEntitiesUpdated"],
            &job["numEntitiesDeleted"]
        ),
        (
            &s["entities"]["new"],
            &s["entities"]["changed"],
            &s["entities"]["deleted"]
        )
    );
    assert_eq!(
        (
            &job["numRelationshipsCreated"],
            &job["numRelationshipsUpdated"],
            &job["numRelationshipsDeleted"]
        ),
        (
            &s["relationships"]["new"],
            &s["relationships"]["changed"],
            &s["relationships"]["deleted"]
        )
    );
    let (_, code) = env.diff_json();
    assert_eq!(code, 0, "in sync again");
}

#[test]
fn a_state_without_objects_still_previews_counts() {
    let env = Env::new();
    assert_eq!(env.sync(&["--yes"])["status"], "synced");
    let graph = env.collect("synced");
    // Replace the state by what an older heroku-j1 wrote: hashes only.
    let path = env.state_file();
    let legacy = path.with_file_name(
        path.file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .replace(".state.zst", ".json"),
    );
    let hashes = |pairs: Vec<(String, String, String)>| -> Value {
        pairs
            .into_iter()
            .map(|(k, t, h)| (k, json!({"type": t, "hash": h})))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let v1 = json!({
        "version": 1, "apiUrl": env.j1.url(), "account": env.j1.account(),
        "target": "whatever", "jobId": "job-old", "syncedAt": "2026-01-01T00:00:00Z",
        "entities": hashes(graph.entities().iter().map(|e| (e.key.clone(), e.entity_type.to_string(), entity_hash(e))).collect()),
        "relationships": hashes(graph.relationships().iter().map(|r| (r.key().to_owned(), r.relationship_type.to_string(), relationship_hash(r))).collect()),
    });
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&legacy, v1.to_string()).unwrap();
    let (doc, code) = env.diff_json();
    assert_eq!(code, 0, "the hashes match: {doc}");
    assert_eq!(doc["lastSync"]["jobId"], "job-old");

    let data = env.heroku.data();
    let email = data
        .enterprise_account_members(data.enterprise_accounts()[0]["name"].as_str().unwrap())
        .unwrap()
        .into_iter()
        .find(|m| m["two_factor_authentication"] == true)
        .unwrap()["user"]["email"]
        .as_str()
        .unwrap()
        .to_owned();
    let app = data.apps()[0]["name"].as_str().unwrap().to_owned();
    env.drift(&json!([
        {"op": "two-factor-off", "email": email},
        {"op": "delete-app", "app": app},
    ]));
    let (doc, code) = env.diff_json();
    assert_eq!(code, 1);
    let why = doc["detailsMissing"].as_str().unwrap();
    assert!(why.contains("older heroku-j1"), "{why}");
    let s = &doc["summary"]["entities"];
    assert_eq!(s["changed"], 1, "{doc}");
    assert!(s["deleted"].as_u64().unwrap() >= 1, "{doc}");
    let changed = doc["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["change"] == "changed")
        .unwrap();
    assert!(changed.get("properties").is_none(), "no details: {changed}");
    // The human report says why.
    let out = env.run(&["diff"]);
    assert!(
        text(&out.stdout)
            .contains("Details missing: the last sync was recorded by an older heroku-j1")
    );
}

/// An app too large for one upload request is uploaded fitted (its `_rawData` truncated);
/// `diff`, `sync --dry-run` and the sync's own preview compare that fitted object, so right
/// after the sync nothing differs, and all three agree.
#[test]
fn diff_compares_the_fitted_graph_the_upload_sends() {
    let env = Env::with(FakeHerokuConfig {
        faults: Faults {
            huge_app_name_bytes: 2_000_000,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    });
    let first = env.sync(&["--yes", "--allow-partial"]);
    assert_eq!(first["status"], "synced", "{first}");
    let (doc, code) = env.diff_json();
    assert_eq!(
        code,
        0,
        "the stored (fitted) objects equal the fitted graph: {}",
        &doc.to_string()[..doc.to_string().len().min(3_000)]
    );
    assert_eq!(doc["changes"], false);
    // The preview of a dry run counts the same.
    let out = env.run(&["sync", "--dry-run", "--json", "--allow-partial"]);
    let stdout = text(&out.stdout);
    let report: Value = serde_json::Deserializer::from_str(&stdout[stdout.find('{').unwrap()..])
        .into_iter()
        .next()
        .unwrap()
        .unwrap();
    let totals = &report["preview"]["totals"];
    for (what, kind) in [("entities", "entities"), ("relationships", "relationships")] {
        let s = &doc["summary"][kind];
        let t = &totals[what];
        assert_eq!(
            (&s["new"], &s["changed"], &s["deleted"], &s["unchanged"]),
            (&t["created"], &t["updated"], &t["deleted"], &t["unchanged"]),
            "{what}: diff {s} vs dry run {t}"
        );
    }
    assert!(
        !report["preview"]["oversized"]
            .as_array()
            .unwrap_or(&Vec::new())
            .is_empty(),
        "the fault made an object too large: {}",
        report["preview"]
    );
    // A change elsewhere is still seen, and the huge app is not among the changes.
    let data = env.heroku.data();
    let email = data
        .enterprise_account_members(data.enterprise_accounts()[0]["name"].as_str().unwrap())
        .unwrap()
        .into_iter()
        .find(|m| m["two_factor_authentication"] == true)
        .unwrap()["user"]["email"]
        .as_str()
        .unwrap()
        .to_owned();
    env.drift(&json!({"op": "two-factor-off", "email": email}));
    let (doc, code) = env.diff_json();
    assert_eq!(code, 1);
    let changed: Vec<&str> = doc["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["change"] == "changed")
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert!(!changed.is_empty(), "{doc}");
    assert!(
        changed.iter().all(|n| !n.starts_with("huge-app-")),
        "{changed:?}"
    );
}

#[test]
fn a_damaged_state_is_named_and_never_overwritten() {
    let env = Env::new();
    assert_eq!(env.sync(&["--yes"])["status"], "synced");
    let path = env.state_file();
    let damaged = b"\x28\xb5\x2f\xfd this is not what heroku-j1 wrote".to_vec();
    std::fs::write(&path, &damaged).unwrap();
    let out = env.run(&["diff"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("damaged"), "{err}");
    let jobs = env.j1.jobs().len();
    let report = env.sync(&["--yes"]);
    assert_eq!(report["status"], "failed");
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains(&path.display().to_string())
    );
    assert_eq!(env.j1.jobs().len(), jobs, "no job was started");
    assert_eq!(std::fs::read(&path).unwrap(), damaged, "left as it was");
}

#[test]
fn a_state_from_a_newer_release_is_refused_by_name() {
    let env = Env::new();
    let dir = env.data_dir().join("jupiterone-sync");
    std::fs::create_dir_all(&dir).unwrap();
    assert_eq!(env.sync(&["--yes"])["status"], "synced");
    let path = env.state_file();
    let future = zstd::encode_all(&b"{\"version\":99}\n{}"[..], 3).unwrap();
    std::fs::write(&path, &future).unwrap();
    let out = env.run(&["diff"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("format version 99"), "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), future);
}

#[test]
fn the_demo_drift_is_small_deterministic_and_applies() {
    use heroku_j1::fake::heroku::drift::{Drift, apply_all, demo_drift};
    use heroku_j1::fake::heroku::{Dataset, Size};
    let data = Dataset::generate(Size::Demo.counts(), 1);
    let again = Dataset::generate(Size::Demo.counts(), 1);
    for round in 1..=3 {
        let drift = demo_drift(&data, round);
        assert_eq!(drift, demo_drift(&again, round), "round {round}");
        assert_eq!(drift.len(), 3, "{drift:?}");
        assert!(matches!(drift[0], Drift::RenameApp { .. }));
        let mut changed = data.clone();
        apply_all(&mut changed, &drift).unwrap();
        assert_ne!(changed.to_json(), data.to_json());
    }
    assert_ne!(demo_drift(&data, 1), demo_drift(&data, 2));
    let mut d = data.clone();
    let err = apply_all(
        &mut d,
        &[
            Drift::DeleteApp {
                app: data.apps()[0]["name"].as_str().unwrap().into(),
            },
            Drift::DeleteTeam {
                team: "no-such-team".into(),
            },
        ],
    )
    .unwrap_err();
    assert_eq!(err, "team no-such-team");
    assert_eq!(d.to_json(), data.to_json(), "all or nothing");
}
