//! `heroku-j1 collect`, the real binary against the fake Heroku.

use std::process::Output;

use heroku_j1::fake::heroku::{FakeHeroku, FakeHerokuConfig, Faults};
use heroku_j1::graph::{export, types, validate::validate};

async fn run(args: Vec<String>, envs: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        // A home of its own: the default config, data folder and log are never the user's.
        let home = tempfile::tempdir().unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_heroku-j1"));
        cmd.args(&args)
            .env_remove("HEROKU_API_KEY")
            .env_remove("HEROKU_API_URL")
            .env_remove("HEROKU_J1_CONFIG_DIR")
            .env_remove("HEROKU_J1_DATA_DIR")
            .env_remove("HEROKU_J1_LOG_FILE")
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env(
                "HEROKU_J1_KEYRING_SERVICE",
                format!("heroku-j1-collect-cli-test-{}", std::process::id()),
            );
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    })
    .await
    .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_writes_the_graph_and_prints_a_summary() {
    let fake = FakeHeroku::start(FakeHerokuConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("graph");
    let log = dir.path().join("log");
    let o = run(
        vec![
            "collect".into(),
            "--out".into(),
            out.display().to_string(),
            "--heroku-api-url".into(),
            fake.url(),
            "--log-file".into(),
            log.display().to_string(),
        ],
        vec![
            ("HEROKU_API_KEY", fake.token()),
            ("HEROKU_J1_LOG", "trace".into()),
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let t = text(&o);
    for needle in [
        "heroku_account",
        "heroku_application_has_addon",
        "requests",
        "Complete",
        "no findings",
    ] {
        assert!(t.contains(needle), "{needle}: {t}");
    }
    let graph = export::read(&out).unwrap();
    assert!(validate(&graph).is_empty());
    assert_eq!(graph.counts()[types::ACCOUNT], 2);
    // The key is never printed or logged.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("collect finished"), "{logged}");
    assert!(!t.contains(&fake.token()) && !logged.contains(&fake.token()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_data_exits_3_and_json_says_why() {
    let config = FakeHerokuConfig {
        faults: Faults {
            forbid_team_members: true,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    };
    let fake = FakeHeroku::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        vec![
            "collect".into(),
            "--json".into(),
            "--out".into(),
            dir.path().display().to_string(),
            "--heroku-api-url".into(),
            fake.url(),
        ],
        vec![("HEROKU_API_KEY", fake.token())],
    )
    .await;
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let reasons = summary["partialDatasets"][types::TEAM_HAS_MEMBER]
        .as_array()
        .unwrap();
    assert!(reasons[0].as_str().unwrap().contains("global"));
    assert!(summary["requests"].as_u64().unwrap() > 0);
    assert_eq!(summary["findings"], serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_or_missing_key_exits_2() {
    let fake = FakeHeroku::start(FakeHerokuConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bad = "HRKU-AAwrong-wrong-wrong-0000000000000000000000000000000000000000000";
    let o = run(
        vec![
            "collect".into(),
            "--out".into(),
            dir.path().display().to_string(),
            "--heroku-api-url".into(),
            fake.url(),
        ],
        vec![("HEROKU_API_KEY", bad.into())],
    )
    .await;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("rejected the API key"), "{}", text(&o));
    assert!(!text(&o).contains(bad));

    let o = run(
        vec![
            "collect".into(),
            "--out".into(),
            dir.path().display().to_string(),
            "--heroku-api-url".into(),
            fake.url(),
        ],
        vec![],
    )
    .await;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("HEROKU_API_KEY"), "{}", text(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_collect_json_prints_a_json_error_on_stdout() {
    let fake = FakeHeroku::start(FakeHerokuConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bad = "HRKU-AAwrong-wrong-wrong-0000000000000000000000000000000000000000000";
    let o = run(
        vec![
            "collect".into(),
            "--json".into(),
            "--out".into(),
            dir.path().join("graph").display().to_string(),
            "--heroku-api-url".into(),
            fake.url(),
        ],
        vec![("HEROKU_API_KEY", bad.into())],
    )
    .await;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let error: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", text(&o)));
    assert_eq!(error["status"], "failed");
    assert_eq!(error["exitCode"], 2);
    assert!(
        error["error"]
            .as_str()
            .is_some_and(|e| e.contains("rejected the API key")),
        "{error}"
    );
    assert!(!text(&o).contains(bad));
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_utf8_heroku_api_key_is_named_as_such_and_the_log_is_private() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let log = logs.join("heroku-j1.log");
    let o = std::process::Command::new("sh")
        // Under the usual umask the log would be 0644 and its folder 0755.
        .args(["-c", "umask 022; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_heroku-j1"))
        .args(["collect", "--out"])
        .arg(dir.path().join("graph"))
        .arg("--log-file")
        .arg(&log)
        .env(
            "HEROKU_API_KEY",
            OsStr::from_bytes(b"HRKU-\xff\xfe-not-utf8"),
        )
        .env("HEROKU_API_URL", "http://127.0.0.1:9")
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env(
            "HEROKU_J1_KEYRING_SERVICE",
            format!("heroku-j1-collect-cli-test-{}", std::process::id()),
        )
        .output()
        .unwrap();
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(
        out.contains("HEROKU_API_KEY is set but is not valid UTF-8"),
        "{out}"
    );
    assert!(!out.contains("no Heroku API key"), "{out}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&log), 0o600, "the log holds e-mail addresses");
    assert_eq!(mode(&logs), 0o700);
}

#[test]
fn collect_names_an_object_that_cannot_fit_a_request_as_a_warning() {
    use heroku_j1::cli::collect::{Summary, render};
    use heroku_j1::graph::Graph;
    use heroku_j1::graph::entity::{Entity, Properties};
    let key = "dddddddd-0000-4000-8000-00000000beef";
    let mut p = Properties::new();
    p.set("name", "wide-app");
    p.set("displayName", "wide-app");
    for i in 0..6_000 {
        p.set(format!("extra{i}"), "v".repeat(900));
    }
    let mut graph = Graph::new();
    graph.add_entity(Entity {
        key: key.into(),
        entity_type: types::APPLICATION.into(),
        class: "Application".into(),
        properties: p,
        raw_data: Vec::new(),
    });
    let summary = Summary {
        heroku_api_url: "http://127.0.0.1:9".into(),
        heroku_user: None,
        counts: graph.counts(),
        partial_datasets: graph.partial_datasets().clone(),
        findings: validate(&graph),
        oversized: heroku_j1::jupiterone::plan::oversized(&graph),
        requests: 0,
        duration_ms: 0,
        rate_limit_remaining: None,
        out: "graph".into(),
    };
    let text = render(&summary, &graph);
    assert!(
        text.lines()
            .any(|l| l.starts_with("Warning: ") && l.contains(key) && l.contains("not uploaded")),
        "{text}"
    );
}
