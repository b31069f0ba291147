//! Uploading a graph the size of the `huge` estate to the fake JupiterOne, in-process.
//! Prints figures; not a timed test. Run with `cargo bench --bench upload`.
//!
//! Targets: no request over 5,000,000 bytes; at least 100 MB/s serialization.

use std::sync::Arc;
use std::time::{Duration, Instant};

use heroku_j1::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig};
use heroku_j1::graph::entity::{Entity, Properties, RawData, Relationship};
use heroku_j1::graph::{Graph, types};
use heroku_j1::jupiterone::diff::{entity_hash, relationship_hash};
use heroku_j1::jupiterone::plan::MAX_BATCH_BYTES;
use heroku_j1::jupiterone::{
    JupiterOneClient, JupiterOneConfig, Plan, Target, UploadOptions, preview, upload,
};
use heroku_j1::secrets::Secret;
use serde_json::value::RawValue;

const TEAMS: usize = 200;
const USERS: usize = 5_000;
const APPS: usize = 50_000;
const ADDONS: usize = 100_000;

fn id(prefix: u32, n: usize) -> String {
    format!("{prefix:08x}-0000-4000-8000-{n:012}")
}

fn raw(json: String) -> Vec<RawData> {
    vec![RawData {
        name: "default".into(),
        raw: RawValue::from_string(json).expect("raw json").into(),
    }]
}

fn entity(
    key: String,
    entity_type: &'static str,
    class: &'static str,
    p: Properties,
    r: String,
) -> Entity {
    Entity {
        key,
        entity_type: entity_type.into(),
        class: class.into(),
        properties: p,
        raw_data: raw(r),
    }
}

fn named(name: &str, key: &str) -> Properties {
    let mut p = Properties::new();
    p.set("id", key.to_owned());
    p.set("name", name.to_owned());
    p.set("displayName", name.to_owned());
    p.set("createdOn", 1_642_507_203_000_i64);
    p.set("updatedOn", 1_783_674_764_000_i64);
    p
}

fn huge_graph() -> Graph {
    let mut g = Graph::new();
    let account = id(0xaaaa_aaaa, 1);
    let mut p = named("acme", &account);
    p.set("vendor", "Heroku");
    p.set("trial", false);
    p.set("permissions", vec!["view", "manage"]);
    p.set("ssoEnabled", true);
    g.add_entity(entity(
        account.clone(),
        types::ACCOUNT,
        "Account",
        p,
        format!(r#"{{"id":"{account}","name":"acme","created_at":"2020-05-11T09:30:00Z","updated_at":"2026-02-03T17:44:09Z","permissions":["view","manage"],"trial":false,"identity_provider":{{"id":"idp","name":"acme-sso","owner":{{"id":"{account}","name":"acme","type":"enterprise-account"}}}}}}"#),
    ));
    for t in 0..TEAMS {
        let key = id(0xbbbb_bbbb, t);
        let name = format!("team-{t:03}");
        let mut p = named(&name, &key);
        p.set("enterpriseAccountId", account.clone());
        p.set("teamType", "enterprise");
        p.set("defaultTeam", false);
        p.set(
            "webLink",
            format!("https://dashboard.heroku.com/teams/{name}/apps"),
        );
        g.add_entity(entity(
            key.clone(),
            types::TEAM,
            "Team",
            p,
            format!(r#"{{"id":"{key}","name":"{name}","created_at":"2020-05-11T09:41:27Z","updated_at":"2026-06-20T11:02:55Z","default":false,"membership_limit":null,"role":"admin","type":"enterprise","identity_provider":null,"enterprise_account":{{"id":"{account}","name":"acme"}}}}"#),
        ));
        g.add_relationship(Relationship::direct(
            types::ACCOUNT_HAS_TEAM,
            "HAS",
            &account,
            &key,
        ));
    }
    for u in 0..USERS {
        let key = id(0xcccc_cccc, u);
        let email = format!("user{u:05}@acme.example");
        let mut p = named(&email, &key);
        p.set("username", vec![email.clone()]);
        p.set("email", vec![email.clone()]);
        p.set("shortLoginId", vec![format!("user{u:05}")]);
        p.set("emailDomain", vec!["acme.example"]);
        p.set("firstName", serde_json::Value::Null);
        p.set("lastName", serde_json::Value::Null);
        p.set("mfaEnabled", true);
        p.set("isAdmin", false);
        p.set("enterpriseAccountIds", vec![account.clone()]);
        g.add_entity(entity(
            key.clone(),
            types::USER,
            "User",
            p,
            format!(r#"{{"id":"m-{key}","created_at":"2021-09-02T14:20:31Z","updated_at":"2025-11-30T10:00:00Z","enterprise_account":{{"id":"{account}","name":"acme"}},"user":{{"id":"{key}","email":"{email}"}},"permissions":[{{"description":"View enterprise account members and teams.","name":"view"}}],"two_factor_authentication":true,"identity_provider":null}}"#),
        ));
        let mut r = Relationship::direct(types::ACCOUNT_HAS_MEMBER, "HAS", &account, &key);
        r.properties.set("canView", true);
        r.properties.set("canManage", false);
        g.add_relationship(r);
        let mut r = Relationship::direct(
            types::TEAM_HAS_MEMBER,
            "HAS",
            &id(0xbbbb_bbbb, u % TEAMS),
            &key,
        );
        r.properties.set("role", "member");
        g.add_relationship(r);
    }
    for a in 0..APPS {
        let key = id(0xdddd_dddd, a);
        let team = id(0xbbbb_bbbb, a % TEAMS);
        let name = format!("acme-app-{a:05}");
        let mut p = named(&name, &key);
        p.set("teamId", team.clone());
        p.set("teamName", format!("team-{:03}", a % TEAMS));
        p.set("owner", format!("team-{:03}@herokumanager.com", a % TEAMS));
        p.set(
            "webLink",
            format!("https://dashboard.heroku.com/apps/{name}"),
        );
        p.set("productionURL", format!("https://{name}.herokuapp.com/"));
        p.set("gitUrl", format!("https://git.heroku.com/{name}.git"));
        p.set("region", "us");
        p.set("stack", "heroku-24");
        p.set("maintenance", false);
        p.set("slugSize", 24_037_601);
        g.add_entity(entity(
            key.clone(),
            types::APPLICATION,
            "Application",
            p,
            format!(r#"{{"acm":true,"archived_at":null,"buildpack_provided_description":"Node.js","build_stack":{{"id":"69bee368-352b-4bd0-9b7c-819d860a2588","name":"heroku-24"}},"created_at":"2022-01-18T12:00:03Z","git_url":"https://git.heroku.com/{name}.git","id":"{key}","internal_routing":null,"maintenance":false,"name":"{name}","owner":{{"email":"team-{t:03}@herokumanager.com","id":"{team}"}},"organization":{{"id":"{team}","name":"team-{t:03}"}},"team":{{"id":"{team}","name":"team-{t:03}"}},"region":{{"id":"59accabd-516d-4f0e-83e6-6e3757701145","name":"us"}},"released_at":"2026-07-10T09:12:44Z","repo_size":null,"slug_size":24037601,"space":null,"stack":{{"id":"69bee368-352b-4bd0-9b7c-819d860a2588","name":"heroku-24"}},"updated_at":"2026-07-10T09:12:44Z","web_url":"https://{name}.herokuapp.com/","generation":{{"id":"e6c1c0f0-1d5b-4b8a-9f2e-3a7c5d9b1e24","name":"cedar"}},"locked":false,"joined":false,"space":null,"buildpack_description":"heroku/nodejs, heroku/metrics"}}"#, t = a % TEAMS),
        ));
        g.add_relationship(Relationship::direct(
            types::TEAM_OWNS_APPLICATION,
            "OWNS",
            &team,
            &key,
        ));
    }
    for d in 0..ADDONS {
        let key = id(0xeeee_eeee, d);
        let app = id(0xdddd_dddd, d % APPS);
        let app_name = format!("acme-app-{:05}", d % APPS);
        let (service, plan, function) = if d % 2 == 0 {
            (
                "heroku-postgresql",
                "heroku-postgresql:standard-0",
                "database",
            )
        } else {
            ("heroku-redis", "heroku-redis:premium-0", "caching")
        };
        let name = format!("{service}-addon-{d:06}");
        let mut p = named(&name, &key);
        p.set("category", vec!["platform"]);
        p.set("function", vec![function]);
        p.set("endpoints", Vec::<String>::new());
        p.set("applicationId", app.clone());
        p.set("applicationName", app_name.clone());
        p.set("service", service);
        p.set("plan", plan);
        p.set("state", "provisioned");
        p.set("configVars", vec!["DATABASE_URL"]);
        p.set("billedPriceCents", 5000);
        p.set("billedPriceUnit", "month");
        p.set("billingEntityType", "app");
        g.add_entity(entity(
            key.clone(),
            types::ADDON,
            "Service",
            p,
            format!(r#"{{"actions":[],"addon_service":{{"id":"6c67493d-8fc2-4cd4-9161-4f1ec11cbe69","name":"{service}"}},"app":{{"id":"{app}","name":"{app_name}"}},"billed_price":{{"cents":5000,"contract":false,"unit":"month"}},"billing_entity":{{"id":"{app}","name":"{app_name}","type":"app"}},"config_vars":["DATABASE_URL"],"created_at":"2022-01-18T12:05:40Z","id":"{key}","name":"{name}","plan":{{"id":"a6d3d4a2-9c5f-4e2b-8b6a-2f1e4c3d5b7a","name":"{plan}"}},"provider_id":"resource{d}@heroku.com","state":"provisioned","updated_at":"2026-03-02T07:30:00Z","web_url":"https://addons-sso.heroku.com/apps/{app}/addons/{key}","addon_service_human_name":"{service}","attachments":[{{"id":"b2d1c0a9-8e7f-4d6c-9b5a-4f3e2d1c0b9a","name":"DATABASE","app":{{"id":"{app}","name":"{app_name}"}},"namespace":null,"web_url":"https://addons-sso.heroku.com/apps/{app}/addons/{key}"}}],"plan_price":{{"cents":5000,"unit":"month","metered":false}}}}"#),
        ));
        g.add_relationship(Relationship::direct(
            types::APPLICATION_HAS_ADDON,
            "HAS",
            &app,
            &key,
        ));
    }
    g
}

fn vm_hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let t = Instant::now();
    let graph = Arc::new(huge_graph());
    println!(
        "graph: {} entities, {} relationships, built in {:.2} s",
        graph.entities().len(),
        graph.relationships().len(),
        t.elapsed().as_secs_f64()
    );
    let raw_avg = graph
        .entities()
        .iter()
        .map(|e| e.raw_data[0].raw.get().len())
        .sum::<usize>()
        / graph.entities().len();
    println!("average _rawData: {raw_avg} bytes");
    let target = Target::Scope("heroku-j1:bench".into());

    let t = Instant::now();
    let plan = Plan::new(graph.clone(), target.clone());
    let plan_s = t.elapsed().as_secs_f64();
    println!(
        "plan: {} batches, {:.1} MB, largest batch {} bytes, cut in {:.2} s ({:.0} MB/s sizing)",
        plan.batches().len(),
        mb(plan.total_bytes()),
        plan.batches().iter().map(|b| b.bytes).max().unwrap_or(0),
        plan_s,
        mb(plan.total_bytes()) / plan_s
    );

    // Serialization alone: render every body.
    let t = Instant::now();
    let mut rendered = 0u64;
    for i in 0..plan.batches().len() {
        rendered += plan.body(i).len() as u64;
    }
    let ser_s = t.elapsed().as_secs_f64();
    println!(
        "serialization: {:.1} MB in {:.3} s = {:.0} MB/s (target: at least 100 MB/s)",
        mb(rendered),
        ser_s,
        mb(rendered) / ser_s
    );

    let t = Instant::now();
    let findings = heroku_j1::graph::validate::validate(&graph);
    println!(
        "  of which validation: {:.2} s ({} findings)",
        t.elapsed().as_secs_f64(),
        findings.len()
    );
    let t = Instant::now();
    let hashed: usize = graph
        .entities()
        .iter()
        .map(|e| entity_hash(e).len())
        .chain(
            graph
                .relationships()
                .iter()
                .map(|r| relationship_hash(r).len()),
        )
        .sum();
    println!(
        "  of which content hashes on one core: {:.2} s ({hashed} hex chars)",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let p = preview(&graph, &target, None);
    println!(
        "preview (content hashes of every object): {:.2} s, {} types",
        t.elapsed().as_secs_f64(),
        p.types.len()
    );
    drop(p);

    let fake = FakeJupiterOne::start(FakeJupiterOneConfig::default()).expect("fake");
    let client = JupiterOneClient::new(JupiterOneConfig::new(
        fake.url(),
        fake.account(),
        Secret::new(fake.token()),
    ))
    .expect("client");
    let options = UploadOptions {
        poll_interval: Duration::from_millis(50),
        ..UploadOptions::default()
    };
    let t = Instant::now();
    let outcome = runtime
        .block_on(upload(&client, &plan, &options, None))
        .expect("upload");
    let wall = t.elapsed().as_secs_f64();
    let stats = fake.stats();
    println!(
        "upload: job {} {} in {:.2} s wall ({:.0} MB/s end to end, fake server included)",
        outcome.job_id,
        outcome.job.status,
        wall,
        mb(outcome.bytes_sent) / wall
    );
    println!(
        "  created {} entities, {} relationships",
        outcome.job.num_entities_created, outcome.job.num_relationships_created
    );
    println!(
        "requests: {} (entities {}, relationships {}, start {}, finalize {}, polls {}), 413s: {}",
        stats.total_requests,
        stats.route("entities"),
        stats.route("relationships"),
        stats.route("start"),
        stats.route("finalize"),
        stats.route("get"),
        stats.too_large
    );
    println!(
        "largest request body: {} bytes (limit {MAX_BATCH_BYTES}): {}",
        stats.max_body_bytes,
        if stats.max_body_bytes <= MAX_BATCH_BYTES {
            "ok"
        } else {
            "OVER"
        }
    );
    println!(
        "peak memory (VmHWM, graph + plan + fake store in one process): {}",
        vm_hwm()
    );
    fake.shutdown();
}
