//! Explorer benchmark: the `huge` estate (1 enterprise account, 200 teams, 5,000 users,
//! 50,000 apps, 100,000 add-ons), everything expanded. Prints the frame time, the time from
//! a cursor key to the next frame, and the memory of the tree model.
//!
//! `cargo bench --bench tui`

use std::time::{Duration, Instant};

use heroku_j1::estate::{EnterpriseAccountData, Estate, TeamData};
use heroku_j1::graph;
use heroku_j1::heroku::model::{HerokuObject, parse_one};
use heroku_j1::tui::action::{Action, Command};
use heroku_j1::tui::app::{App, Endpoints};
use heroku_j1::tui::data::{Data, Loaded};
use heroku_j1::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

const TEAMS: usize = 200;
const USERS: usize = 5_000;
const APPS_PER_TEAM: usize = 250;
const ADDONS_PER_APP: usize = 2;

fn id(kind: u8, n: usize) -> String {
    format!("{kind:02x}{n:06x}-0000-4000-8000-{n:012x}")
}

fn obj<T: HerokuObject>(v: &serde_json::Value) -> T {
    parse_one(&v.to_string()).expect("valid")
}

fn huge_estate() -> Estate {
    let ea = id(1, 0);
    let members = (0..USERS)
        .map(|u| {
            obj(&json!({"id": id(2, u), "enterprise_account": {"id": ea, "name": "acme"},
                "user": {"id": id(3, u), "email": format!("user{u}@acme.example")},
                "permissions": [{"name": "view", "description": "View enterprise account members and teams."}],
                "two_factor_authentication": u % 7 != 0, "identity_provider": null}))
        })
        .collect();
    let teams = (0..TEAMS)
        .map(|t| {
            let team_id = id(4, t);
            let name = format!("team-{t}");
            let members = (0..50)
                .map(|k| {
                    let u = (t * 50 + k) % USERS;
                    obj(&json!({"id": id(5, t * 50 + k), "email": format!("user{u}@acme.example"), "role": "member",
                        "federated": false, "two_factor_authentication": true, "identity_provider": null,
                        "user": {"id": id(3, u), "email": format!("user{u}@acme.example"), "name": format!("User {u}")}}))
                })
                .collect();
            let apps = (0..APPS_PER_TEAM)
                .map(|a| {
                    let n = t * APPS_PER_TEAM + a;
                    obj(&json!({"id": id(6, n), "name": format!("app-{n}"), "created_at": "2022-01-18T12:00:03Z",
                        "updated_at": "2026-07-10T09:12:44Z", "owner": {"id": team_id, "email": format!("{name}@herokumanager.com")},
                        "maintenance": n.is_multiple_of(50), "locked": true, "region": {"id": "r", "name": "us"},
                        "stack": {"id": "s", "name": "heroku-24"}, "web_url": format!("https://app-{n}.herokuapp.com/")}))
                })
                .collect();
            let addons = (0..APPS_PER_TEAM * ADDONS_PER_APP)
                .map(|k| {
                    let n = t * APPS_PER_TEAM * ADDONS_PER_APP + k;
                    let app = t * APPS_PER_TEAM + k / ADDONS_PER_APP;
                    obj(&json!({"id": id(7, n), "name": format!("postgresql-{n}"), "app": {"id": id(6, app), "name": format!("app-{app}")},
                        "addon_service": {"id": "svc", "name": "heroku-postgresql"}, "plan": {"id": "p", "name": "heroku-postgresql:essential-0"},
                        "state": "provisioned", "config_vars": ["DATABASE_URL"], "created_at": "2022-01-18T12:05:40Z",
                        "updated_at": "2026-03-02T07:30:00Z", "web_url": format!("https://addons-sso.heroku.com/apps/{}/addons/{}", id(6, app), id(7, n))}))
                })
                .collect();
            TeamData { team: obj(&json!({"id": team_id, "name": name, "type": "enterprise"})), members, apps, addons }
        })
        .collect();
    Estate {
        user: None,
        enterprise_accounts: vec![EnterpriseAccountData {
            account: obj(&json!({"id": ea, "name": "acme", "permissions": ["view"]})),
            members,
            teams,
        }],
        attachments: Vec::new(),
        failures: vec![],
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let t = Instant::now();
    let estate = huge_estate();
    let graph = graph::build(&estate);
    println!(
        "huge estate: {} entities, {} relationships (built in {:.1} s)",
        graph.entities().len(),
        graph.relationships().len(),
        t.elapsed().as_secs_f64()
    );
    let (width, height) = (200, 50);
    let mut app = App::new(
        Endpoints {
            heroku_url: "bench".into(),
            jupiterone: None,
            demo: true,
        },
        width,
        height,
    );
    let t = Instant::now();
    app.load(Data::new(Loaded {
        graph: std::sync::Arc::new(graph),
        failures: vec![],
        heroku_user: None,
        heroku_user_id: None,
        requests: 0,
        rate_limit_remaining: None,
    }));
    let build = t.elapsed();
    let tree = app.tree().expect("loaded");
    println!(
        "tree: {} nodes built in {:.0} ms, model ≈ {:.1} MB",
        tree.len(),
        build.as_secs_f64() * 1e3,
        tree.memory_bytes() as f64 / 1e6
    );
    let t = Instant::now();
    if let Some(d) = app.data.as_mut() {
        d.tree.open_all();
    }
    println!(
        "expand all: {} visible rows in {:.1} ms",
        app.tree().map_or(0, |t| t.visible().len()),
        t.elapsed().as_secs_f64() * 1e3
    );

    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    // Move into the middle of the tree first.
    for _ in 0..10 {
        app.update(Action::Command(Command::PageDown));
    }
    let mut frames = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        terminal.draw(|f| view::draw(f, &app)).expect("draw");
        frames.push(t.elapsed());
    }
    let mut keys = Vec::new();
    for i in 0..200 {
        let t = Instant::now();
        let c = if i % 2 == 0 {
            Command::Down
        } else {
            Command::PageDown
        };
        app.update(Action::Command(c));
        terminal.draw(|f| view::draw(f, &app)).expect("draw");
        keys.push(t.elapsed());
    }
    // The worst details pane: the enterprise account with 5,000 members and 200 teams.
    app.update(Action::Command(Command::Top));
    let mut account_frames = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        terminal.draw(|f| view::draw(f, &app)).expect("draw");
        account_frames.push(t.elapsed());
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "frame (everything expanded, 200x50): median {:.3} ms, max {:.3} ms (target ≤ 2 ms)",
        ms(median(frames.clone())),
        ms(*frames.iter().max().unwrap_or(&Duration::ZERO))
    );
    println!("cursor key → next frame: median {:.3} ms", ms(median(keys)));
    println!(
        "frame with the enterprise account selected (5,200 relationships): median {:.3} ms",
        ms(median(account_frames))
    );
    change_review(&mut app, &mut terminal);
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM"))
    {
        println!(
            "peak memory of the bench process: {}",
            line.trim_start_matches("VmHWM:").trim()
        );
    }
}

/// The change review on `huge` against nothing (every object new, so the longest lists):
/// opening the largest `_type`'s list and an object's diff, each with its first frame.
fn change_review(app: &mut App, terminal: &mut Terminal<TestBackend>) {
    let graph = std::sync::Arc::clone(&app.data.as_ref().expect("loaded").loaded.graph);
    let target = heroku_j1::jupiterone::Target::default_scope("bench");
    let t = Instant::now();
    let preview = heroku_j1::jupiterone::preview(&graph, &target, None);
    let computed = t.elapsed();
    let largest = preview
        .types
        .iter()
        .enumerate()
        .max_by_key(|(_, t)| t.new + t.changed + t.to_delete)
        .map_or(0, |(i, _)| i);
    let rows = preview.types[largest].new;
    let plan = heroku_j1::jupiterone::Plan::new(graph, target);
    app.update(Action::PreviewReady(Ok(Box::new((plan, preview)))));
    if let Some(p) = app.preview.as_mut() {
        p.selected = largest;
    }
    let mut open_list = Vec::new();
    let mut list_frames = Vec::new();
    let mut open_diff = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        app.update(Action::Command(Command::OpenChanges));
        terminal.draw(|f| view::draw(f, app)).expect("draw");
        open_list.push(t.elapsed());
        for _ in 0..5 {
            app.update(Action::Command(Command::PageDown));
            let t = Instant::now();
            terminal.draw(|f| view::draw(f, app)).expect("draw");
            list_frames.push(t.elapsed());
        }
        let t = Instant::now();
        app.update(Action::Command(Command::OpenChanges));
        terminal.draw(|f| view::draw(f, app)).expect("draw");
        open_diff.push(t.elapsed());
        app.update(Action::Command(Command::Dismiss));
        app.update(Action::Command(Command::Dismiss));
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "change review: preview of huge against nothing in {:.0} ms; largest _type list ({rows} rows): open + first frame median {:.3} ms, list frame median {:.3} ms (target ≤ 2 ms), open an object's diff + frame median {:.3} ms",
        ms(computed),
        ms(median(open_list)),
        ms(median(list_frames)),
        ms(median(open_diff)),
    );
}
