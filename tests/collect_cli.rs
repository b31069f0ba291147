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
