//! The change set of the `huge` estate (the fake Heroku's generator: 200 teams, 5,000 users,
//! 50,000 apps, 100,000 add-ons) with 10 % of its entities and 10 % of its relationships
//! changed (properties and `_rawData`), against the state a sync stored. Prints figures; not
//! a timed test. `cargo bench --bench changes`
//!
//! Targets: the change set in at most 1 s; the stored state at most 40 MB on disk.
//! Also printed: the time to write and to load the stored state, and peak memory (the
//! process's `VmHWM`, reset before each stage through `/proc/self/clear_refs`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use heroku_j1::estate::{EnterpriseAccountData, Estate, TeamData};
use heroku_j1::fake::heroku::{Dataset, Size};
use heroku_j1::graph::entity::RawData;
use heroku_j1::graph::{self, Graph};
use heroku_j1::heroku::model::{HerokuObject, parse_list, parse_one};
use heroku_j1::jupiterone::{Target, changes, preview, state};
use serde_json::Value;
use serde_json::value::RawValue;

fn list<T: HerokuObject>(values: Option<Vec<Value>>) -> Vec<T> {
    let text = Value::Array(values.unwrap_or_default()).to_string();
    parse_list(&text).expect("a generated list parses")
}

fn one<T: HerokuObject>(value: &Value) -> T {
    parse_one(&value.to_string()).expect("a generated object parses")
}

/// The estate a crawl of the fake would read, without the HTTP.
fn estate(d: &Dataset) -> Estate {
    let enterprise_accounts = d
        .enterprise_accounts()
        .iter()
        .map(|ea| {
            let id = ea["id"].as_str().unwrap_or_default();
            let teams = d
                .enterprise_account_teams(id)
                .unwrap_or_default()
                .iter()
                .map(|t| {
                    let tid = t["id"].as_str().unwrap_or_default();
                    TeamData {
                        team: one(t),
                        members: list(d.team_members(tid)),
                        apps: list(d.team_apps(tid)),
                        addons: list(d.team_addons(tid)),
                    }
                })
                .collect();
            EnterpriseAccountData {
                account: one(ea),
                members: list(d.enterprise_account_members(id)),
                teams,
            }
        })
        .collect();
    Estate {
        user: Some(one(&d.account())),
        enterprise_accounts,
        ..Estate::default()
    }
}

/// Every tenth entity with a new `displayName` and a new `updated_at` in its `_rawData`;
/// every tenth relationship with a new property.
fn drifted(g: &Graph) -> Graph {
    let mut out = Graph::with_capacity(g.entities().len(), g.relationships().len());
    for (i, e) in g.entities().iter().enumerate() {
        let mut e = e.clone();
        if i % 10 == 0 {
            let name = format!("{} (changed)", e.display_name());
            e.properties.set("displayName", name);
            if let Some(first) = e.raw_data.first_mut() {
                let mut v: Value = serde_json::from_str(&first.raw.get()).unwrap_or(Value::Null);
                if let Some(m) = v.as_object_mut() {
                    m.insert("updated_at".into(), "2027-01-01T00:00:00Z".into());
                }
                *first = RawData {
                    name: first.name.clone(),
                    raw: RawValue::from_string(v.to_string()).expect("json").into(),
                };
            }
        }
        out.add_entity(e);
    }
    for (i, r) in g.relationships().iter().enumerate() {
        let mut r = r.clone();
        if i % 10 == 0 {
            r.properties.set("drift", true);
        }
        out.add_relationship(r);
    }
    out
}

fn kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Resets the peak (`VmHWM`) to the current RSS; `false` where the kernel does not allow it.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// CPU seconds this process has used (user + system), from `/proc/self/stat`.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 11 and 12 after the name; 100 Hz.
    (ticks(11) + ticks(12)) / 100.0
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn main() {
    let t = Instant::now();
    let data = Dataset::generate(Size::Huge.counts(), 1);
    let before = Arc::new(graph::build_owned(estate(&data)));
    drop(data);
    let after = Arc::new(drifted(&before));
    println!(
        "huge estate: {} entities, {} relationships (generated, built and drifted in {:.1} s)",
        before.entities().len(),
        before.relationships().len(),
        t.elapsed().as_secs_f64()
    );

    // The state a sync of `before` stores.
    let target = Target::default_scope("bench-user");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = state::state_path(dir.path(), "http://j1", "acct", &target);
    let first = preview(&before, &target, None);
    let t = Instant::now();
    state::save_snapshot(
        &path,
        &first.snapshot(&before, "http://j1", "acct", "job-1"),
    )
    .expect("state written");
    let write = t.elapsed();
    drop(first);
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!(
        "stored state: {:.1} MB on disk (target ≤ 40 MB), written in {:.2} s",
        size as f64 / 1e6,
        write.as_secs_f64()
    );

    let setup_peak = kb("VmHWM:");
    let peak_resettable = reset_peak();
    let base = kb("VmRSS:");
    let t = Instant::now();
    let stored = state::load(&path).expect("readable").expect("present");
    let load = t.elapsed();
    println!(
        "load the stored state: {:.2} s, {:.0} MB resident for it (peak +{:.0} MB)",
        load.as_secs_f64(),
        mb(kb("VmRSS:").saturating_sub(base)),
        mb(kb("VmHWM:").saturating_sub(base))
    );

    let mut times = Vec::new();
    let mut cpu = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        // The previous result is dropped first, so each run allocates afresh.
        drop(last.take());
        reset_peak();
        let base = kb("VmRSS:");
        let c = cpu_seconds();
        let t = Instant::now();
        let set = changes::compute(&after, &target, Some(&stored));
        times.push(t.elapsed());
        cpu.push(cpu_seconds() - c);
        let peak = kb("VmHWM:").saturating_sub(base);
        last = Some((set, peak));
    }
    cpu.sort_by(f64::total_cmp);
    times.sort();
    let (set, peak) = last.expect("ran");
    let e = set.counts(false);
    let r = set.counts(true);
    println!(
        "change set: entities {} changed / {} unchanged, relationships {} changed / {} unchanged",
        e.changed, e.unchanged, r.changed, r.unchanged
    );
    let median: Duration = times[times.len() / 2];
    println!(
        "change set time: median {:.3} s, best {:.3} s over {} runs (target ≤ 1 s)",
        median.as_secs_f64(),
        times[0].as_secs_f64(),
        times.len()
    );
    println!(
        "change set CPU time (all threads): median {:.3} s, best {:.3} s (wall time depends on the \
         other load of the machine; `uptime` shows it)",
        cpu[cpu.len() / 2],
        cpu[0]
    );
    if peak_resettable {
        println!(
            "change set memory: peak +{:.0} MB over the graph and the loaded state",
            mb(peak)
        );
    }
    println!(
        "peak memory of the bench process while building the graphs and writing the state: {:.0} MB; resident at the end: {:.0} MB",
        mb(setup_peak),
        mb(kb("VmRSS:"))
    );
    assert_eq!(e.changed, before.entities().len().div_ceil(10));
    assert_eq!(r.changed, before.relationships().len().div_ceil(10));
}
