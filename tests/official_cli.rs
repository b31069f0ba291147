//! JupiterOne's official CLI is the judge of our fake JupiterOne and of the folder `collect`
//! writes: `heroku-j1 fake-api` serves both fakes, `heroku-j1 collect --out` reads the fake
//! Heroku, and `j1-integration sync --source api` (npm `@jupiterone/integration-sdk-cli`)
//! uploads that folder into the fake JupiterOne, which must finish the job holding exactly
//! the entities and relationships `collect` wrote.
//!
//! The CLI is found on `PATH` (`.ci/run` installs it and puts it there). Without it the test
//! prints a notice and passes, unless `HEROKU_J1_REQUIRE_J1_CLI=1` (set by `.ci/run`) makes
//! it required. The CLI only ever talks to 127.0.0.1: every proxy variable points at a closed
//! loopback port, with loopback exempt, so any other request would fail the sync.

mod fake_api_process;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const SCOPE: &str = "heroku-j1-official-cli";

/// `j1-integration` on `PATH`, if any.
fn official_cli() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("j1-integration"))
        .find(|p| p.is_file())
}

/// Runs `cmd` with stdin closed, killing it after `limit`.
fn run(mut cmd: Command, limit: Duration) -> Output {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.expect("the command runs"),
        Err(_) => {
            let _ = Command::new("kill").arg(id.to_string()).status();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every object of one kind (`entities` or `relationships`) under `graph/`, by `_key`.
fn collected(graph: &Path, kind: &str) -> BTreeMap<String, Value> {
    fn walk(dir: &Path, kind: &str, out: &mut BTreeMap<String, Value>) {
        for entry in std::fs::read_dir(dir).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, kind, out);
            } else if path.parent().and_then(Path::file_name) == Some(kind.as_ref()) {
                let file: Value =
                    serde_json::from_slice(&std::fs::read(&path).expect("readable file"))
                        .expect("a JSON file");
                for object in file[kind].as_array().expect("a list") {
                    let key = object["_key"].as_str().expect("_key").to_owned();
                    assert!(out.insert(key, object.clone()).is_none(), "duplicate _key");
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(graph, kind, &mut out);
    out
}

fn get(url: &str, auth: Option<&fake_api_process::JupiterOne>) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mut request = reqwest::Client::new().get(url);
        if let Some(j1) = auth {
            request = request
                .bearer_auth(&j1.token)
                .header("JupiterOne-Account", &j1.account);
        }
        let response = request.send().await.expect("the fake answers");
        assert!(
            response.status().is_success(),
            "{url}: {}",
            response.status()
        );
        response.json().await.expect("JSON")
    })
}

#[test]
fn official_cli_uploads_collect_output_into_the_fake() {
    let required = std::env::var("HEROKU_J1_REQUIRE_J1_CLI").is_ok_and(|v| v == "1");
    let Some(cli) = official_cli() else {
        assert!(
            !required,
            "HEROKU_J1_REQUIRE_J1_CLI=1 but j1-integration is not on PATH (.ci/run installs it)"
        );
        eprintln!(
            "notice: j1-integration (npm @jupiterone/integration-sdk-cli) is not on PATH; \
             the official-CLI interoperability test did not run"
        );
        return;
    };

    let mut server = fake_api_process::spawn(&["--size", "demo", "--seed", "5"]);
    let j1 = server.jupiterone();
    let tmp = tempfile::tempdir().expect("temporary folder");
    let home = tmp.path().join("home");
    let project = tmp.path().join("project");
    let out = project.join(".j1-integration");
    std::fs::create_dir_all(&home).expect("home");
    let isolate = |cmd: &mut Command| {
        cmd.env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_STATE_HOME", home.join(".local/state"));
    };

    // 1. heroku-j1 collect --out <project>/.j1-integration
    let mut collect = Command::new(env!("CARGO_BIN_EXE_heroku-j1"));
    collect
        .arg("collect")
        .arg("--out")
        .arg(&out)
        .arg("--heroku-api-url")
        .arg(&server.url)
        .arg("--log-file")
        .arg(tmp.path().join("heroku-j1.log"))
        .env_remove("HEROKU_API_URL")
        .env("HEROKU_API_KEY", &server.token);
    isolate(&mut collect);
    let o = run(collect, Duration::from_secs(120));
    assert_eq!(o.status.code(), Some(0), "collect: {}", text(&o));
    let entities = collected(&out.join("graph"), "entities");
    let relationships = collected(&out.join("graph"), "relationships");
    assert!(entities.len() > 50, "{} entities", entities.len());
    assert!(
        relationships.len() > 50,
        "{} relationships",
        relationships.len()
    );

    // 2. j1-integration sync --source api --scope S, only ever to 127.0.0.1.
    let sync = |project: &Path, target: &[&str]| {
        let mut sync = Command::new(&cli);
        sync.current_dir(project)
            .args(["sync", "--project-path"])
            .arg(project)
            .args(target)
            .args(["--api-base-url", &j1.url])
            .env("JUPITERONE_API_KEY", &j1.token)
            .env("JUPITERONE_ACCOUNT", &j1.account)
            .env_remove("JUPITERONE_DEV")
            .env_remove("JUPITERONE_INTEGRATION_STORAGE_DIRECTORY");
        for proxy in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "http_proxy",
            "https_proxy",
            "ALL_PROXY",
        ] {
            sync.env(proxy, "http://127.0.0.1:9");
        }
        for no_proxy in ["NO_PROXY", "no_proxy"] {
            sync.env(no_proxy, "127.0.0.1,localhost");
        }
        isolate(&mut sync);
        run(sync, Duration::from_secs(300))
    };
    let o = sync(&project, &["--source", "api", "--scope", SCOPE]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "j1-integration sync: {}",
        text(&o)
    );

    // 3. One job, finished, holding exactly what collect wrote.
    let job = only_new_job(&j1, 0);
    assert_eq!(job["source"], "api");
    assert_eq!(job["scope"], SCOPE);
    assert_finished_holding(
        &j1,
        &job,
        &format!("scope={SCOPE}"),
        &entities,
        &relationships,
    );
    assert!(job["events"].as_array().is_some_and(Vec::is_empty), "{job}");

    // 4. To an integration instance the CLI also posts job events: the fake keeps them.
    let o = sync(&project, &["--integrationInstanceId", INSTANCE]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "j1-integration sync: {}",
        text(&o)
    );
    let job = only_new_job(&j1, 1);
    assert_eq!(job["source"], "integration-managed");
    assert_eq!(job["integrationInstanceId"], INSTANCE);
    assert_finished_holding(
        &j1,
        &job,
        &format!("instance={INSTANCE}"),
        &entities,
        &relationships,
    );
    let events: Vec<&str> = job["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["name"].as_str().expect("name"))
        .collect();
    assert_eq!(events, ["sync_upload_start", "sync_upload_end"], "{job}");

    let stats = get(&format!("{}/__fake/stats", j1.url), None);
    assert_eq!(stats["unauthorized"], 0, "{stats}");
    assert_eq!(stats["requests"]["abort"], Value::Null, "{stats}");

    // 5. A property JupiterOne refuses (a nested object): the upload answers 400, the CLI
    //    aborts the job with the reason, and nothing is stored for that scope.
    let bad = tmp.path().join("bad");
    let file = std::fs::read_dir(out.join("graph"))
        .expect("graph folder")
        .map(|step| step.expect("step").path().join("entities"))
        .find(|dir| dir.is_dir())
        .and_then(|dir| std::fs::read_dir(dir).ok()?.next()?.ok())
        .expect("an entities file")
        .path();
    let mut tampered: Value =
        serde_json::from_slice(&std::fs::read(&file).expect("readable")).expect("JSON");
    tampered["entities"][0]["nested"] = serde_json::json!({"not": "allowed"});
    std::fs::create_dir_all(bad.join(".j1-integration/graph/only/entities")).expect("folder");
    std::fs::write(
        bad.join(".j1-integration/graph/only/entities/bad.json"),
        tampered.to_string(),
    )
    .expect("written");
    std::fs::copy(
        out.join("summary.json"),
        bad.join(".j1-integration/summary.json"),
    )
    .expect("summary copied");
    let o = sync(&bad, &["--source", "api", "--scope", "heroku-j1-refused"]);
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("INVALID_ENTITY"), "{}", text(&o));
    let job = only_new_job(&j1, 2);
    assert_eq!(job["status"], "ABORTED", "{job}");
    let reason = job["abortReason"].as_str().expect("a reason");
    assert!(reason.contains(".nested: a property must be"), "{reason}");
    let stored = get(
        &format!("{}/__fake/stored?scope=heroku-j1-refused", j1.url),
        None,
    );
    assert_eq!(stored["entities"], serde_json::json!({}), "{stored}");
}

const INSTANCE: &str = "11111111-2222-4333-8444-555555555555";

/// The job the last sync started (there were `before` jobs), as `GET /__fake/jobs` shows it.
fn only_new_job(j1: &fake_api_process::JupiterOne, before: usize) -> Value {
    let jobs = get(&format!("{}/__fake/jobs", j1.url), None);
    let jobs = jobs.as_array().expect("a list of jobs");
    assert_eq!(jobs.len(), before + 1, "{jobs:?}");
    jobs[before].clone()
}

/// The job reaches `FINISHED` with every object created, and the fake stores for `target`
/// (`scope=S` or `instance=ID`) exactly the objects `collect` wrote, unchanged.
fn assert_finished_holding(
    j1: &fake_api_process::JupiterOne,
    job: &Value,
    target: &str,
    entities: &BTreeMap<String, Value>,
    relationships: &BTreeMap<String, Value>,
) {
    let id = job["id"].as_str().expect("job id");
    let started = Instant::now();
    let job = loop {
        let answer = get(
            &format!("{}/persister/synchronization/jobs/{id}", j1.url),
            Some(j1),
        );
        let job = answer["job"].clone();
        if job["status"] == "FINISHED" {
            break job;
        }
        assert_eq!(job["status"], "FINALIZE_PENDING", "{job}");
        assert!(started.elapsed() < Duration::from_secs(30), "{job}");
        std::thread::sleep(Duration::from_millis(100));
    };
    let n = |v: usize| Value::from(v as u64);
    assert_eq!(job["numEntitiesUploaded"], n(entities.len()), "{job}");
    assert_eq!(job["numEntitiesCreated"], n(entities.len()), "{job}");
    assert_eq!(job["numRelationshipsUploaded"], n(relationships.len()));
    assert_eq!(job["numRelationshipsCreated"], n(relationships.len()));
    assert_eq!(job["numRelationshipCreateErrors"], 0);
    let stored = get(&format!("{}/__fake/stored?{target}", j1.url), None);
    let as_map = |v: &Value| -> BTreeMap<String, Value> {
        v.as_object()
            .expect("an object")
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    assert_eq!(&as_map(&stored["entities"]), entities, "{target}");
    assert_eq!(&as_map(&stored["relationships"]), relationships, "{target}");
}
