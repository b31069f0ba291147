//! Hostile servers: the real binary against fakes that send terminal escapes in names,
//! e-mails and error messages (issue 12, item 3: no ESC or BEL byte may reach stdout, stderr
//! or the log file), duplicate ids and null permissions (item 8; also kept in a collected
//! folder for `sync`, `diff` and `query --from`), and a 2 MB app name that
//! must be truncated to fit a request (item 4); a server that never answers, all of it or
//! some lists, stopped by the crawl's `--deadline` (issue 17).

use std::path::Path;
use std::process::{Command, Output};

use heroku_j1::fake::heroku::{FakeHeroku, FakeHerokuConfig, Faults};
use heroku_j1::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig};

const J1_KEY: &str = "j1-hostile-test-key-0f9e8d7c6b5a4938271605aa";
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m";

/// The binary with a home, config, data folder and log of its own under `dir`.
fn command(dir: &Path, heroku: &FakeHeroku, j1: &FakeJupiterOne, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_heroku-j1"));
    c.args(args)
        .env("HOME", dir.join("home"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("HEROKU_J1_CONFIG_DIR", dir.join("config"))
        .env("HEROKU_J1_DATA_DIR", dir.join("data"))
        .env("HEROKU_J1_LOG_FILE", dir.join("heroku-j1.log"))
        .env("HEROKU_J1_LOG", "trace")
        .env(
            "HEROKU_J1_KEYRING_SERVICE",
            format!("heroku-j1-hostile-test-{}", std::process::id()),
        )
        .env("HEROKU_API_KEY", heroku.token())
        .env("HEROKU_API_URL", heroku.url())
        .env("JUPITERONE_API_URL", j1.url())
        .env("JUPITERONE_API_KEY", J1_KEY)
        .env("JUPITERONE_ACCOUNT", j1.account())
        .env_remove("HEROKU_J1_SCOPE")
        .env_remove("HEROKU_J1_INTEGRATION_INSTANCE_ID")
        .env_remove("JUPITERONE_REGION");
    c
}

/// A fake Heroku with `faults` and a fake JupiterOne that takes [`J1_KEY`].
async fn fakes(faults: Faults) -> (FakeHeroku, FakeJupiterOne) {
    let heroku = FakeHeroku::start(FakeHerokuConfig {
        faults,
        ..FakeHerokuConfig::default()
    })
    .await
    .unwrap();
    let j1 = tokio::task::spawn_blocking(|| {
        FakeJupiterOne::start(FakeJupiterOneConfig {
            token: J1_KEY.into(),
            ..FakeJupiterOneConfig::default()
        })
        .unwrap()
    })
    .await
    .unwrap();
    (heroku, j1)
}

fn assert_inert(what: &str, out: &Output, log: &Path) {
    let log = std::fs::read(log).unwrap_or_default();
    for (name, bytes) in [
        ("stdout", &out.stdout),
        ("stderr", &out.stderr),
        ("log", &log),
    ] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !bytes.contains(&0x1b) && !bytes.contains(&0x07) && !text.contains('\u{9b}'),
            "{what}: {name} carries a control character:\n{text:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escapes_in_names_emails_and_errors_never_reach_a_terminal_or_log() {
    let (heroku, j1) = fakes(Faults {
        hostile_text: HOSTILE.into(),
        // A refused list: its error message carries the escapes too.
        forbid_team_members: true,
        ..Faults::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("heroku-j1.log");
    let graph = dir.path().join("graph");
    let graph = graph.display().to_string();
    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("collect", vec!["collect", "--out", &graph]),
        ("collect --json", vec!["collect", "--out", &graph, "--json"]),
        (
            "sync",
            vec!["sync", "--scope", "hostile", "--yes", "--allow-partial"],
        ),
        (
            "sync --dry-run",
            vec!["sync", "--scope", "hostile", "--dry-run", "--allow-partial"],
        ),
        ("status", vec!["status"]),
        ("status --json", vec!["status", "--json"]),
    ];
    let mut outputs = Vec::new();
    for (what, args) in runs {
        let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        let c = {
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            command(dir.path(), &heroku, &j1, &refs)
        };
        let out = tokio::task::spawn_blocking(move || {
            let mut c = c;
            c.output().unwrap()
        })
        .await
        .unwrap();
        assert_inert(what, &out, &log);
        outputs.push((what, out));
    }
    // The hostile text did arrive: the names are there, with the escapes made visible.
    let (_, collect) = &outputs[0];
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&collect.stdout),
        String::from_utf8_lossy(&collect.stderr)
    );
    assert!(
        all.contains("\u{fffd}[2J"),
        "the refusal message is shown, cleaned:\n{all}"
    );
    let (_, status) = &outputs[4];
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.contains("\u{fffd}]0;pwned\u{fffd}"),
        "the user e-mail, cleaned:\n{status}"
    );
    assert!(
        j1.jobs().iter().any(|j| j.status == "FINISHED"),
        "the sync went through"
    );
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.contains("\u{fffd}[2J"),
        "the log holds the cleaned server text:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_id_and_a_null_permission_are_findings_not_silent_or_partial() {
    let heroku = FakeHeroku::start(FakeHerokuConfig {
        faults: Faults {
            duplicate_team_id: true,
            null_permission: true,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    })
    .await
    .unwrap();
    let j1 = tokio::task::spawn_blocking(|| FakeJupiterOne::start(FakeJupiterOneConfig::default()))
        .await
        .unwrap()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("graph").display().to_string();
    let c = command(dir.path(), &heroku, &j1, &["collect", "--out", &graph]);
    let out = tokio::task::spawn_blocking(move || {
        let mut c = c;
        c.output().unwrap()
    })
    .await
    .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        all.contains("two different Heroku objects have the id"),
        "the duplicate team id is a finding:\n{all}"
    );
    assert!(
        all.contains("null permission(s)"),
        "the null permission is a finding:\n{all}"
    );
    assert!(!all.contains("(partial)"), "no list is partial:\n{all}");
    assert!(!all.contains("Validation: no findings"), "{all}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_findings_survive_a_collected_folder_into_sync_diff_and_query() {
    let (heroku, j1) = fakes(Faults {
        duplicate_team_id: true,
        null_permission: true,
        ..Faults::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("graph");
    let from = graph.display().to_string();
    let (code, collect, _) =
        run_against(dir.path(), &heroku, &j1, &[], &["collect", "--out", &from]).await;
    assert_eq!(code, Some(0), "{collect}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(graph.join("summary.json")).unwrap())
            .unwrap();
    let persisted = summary["metadata"]["sourceFindings"].as_array().cloned();
    let persisted = persisted.unwrap_or_default();
    let about = |what: &str| {
        persisted
            .iter()
            .any(|f| f["message"].as_str().is_some_and(|m| m.contains(what)))
    };
    assert!(
        about("two different Heroku objects") && about("null permission(s)"),
        "{summary}"
    );
    let requests_before = heroku.stats().requests;
    for (what, args, code) in [
        (
            "sync --from",
            vec!["sync", "--from", &from, "--scope", "odd", "--yes"],
            1,
        ),
        (
            "diff --from",
            vec!["diff", "--from", &from, "--scope", "odd"],
            0,
        ),
        (
            "query --from",
            vec!["query", "FIND heroku_team", "--from", &from],
            0,
        ),
    ] {
        let (got, out, _) = run_against(dir.path(), &heroku, &j1, &[], &args).await;
        assert_eq!(got, Some(code), "{what}: {out}");
        for f in &persisted {
            let key = f["_key"].as_str().unwrap();
            assert!(
                out.lines().any(|l| l.contains(key)
                    && (l.contains("two different Heroku objects have the id")
                        || l.contains("null permission(s)"))),
                "{what} shows the finding about {key}:\n{out}"
            );
        }
    }
    // The sync was blocked by them, as a direct sync is: nothing reached JupiterOne's jobs.
    assert!(j1.jobs().is_empty());
    assert_eq!(
        heroku.stats().requests,
        requests_before,
        "--from reads no Heroku"
    );
}

/// Runs the binary with `args` and returns its stdout and stderr together.
async fn run(dir: &Path, heroku: &FakeHeroku, j1: &FakeJupiterOne, args: &[&str]) -> String {
    let c = command(dir, heroku, j1, args);
    let out = tokio::task::spawn_blocking(move || {
        let mut c = c;
        c.output().unwrap()
    })
    .await
    .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2_mb_app_name_is_truncated_to_fit_and_warned_about_and_the_sync_goes_on() {
    let (heroku, j1) = fakes(Faults {
        huge_app_name_bytes: 2_000_000,
        ..Faults::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("graph").display().to_string();
    let collect = run(dir.path(), &heroku, &j1, &["collect", "--out", &graph]).await;
    let sync = run(
        dir.path(),
        &heroku,
        &j1,
        &["sync", "--scope", "oversize", "--yes", "--allow-partial"],
    )
    .await;
    let jobs = j1.jobs();
    assert_eq!(jobs.len(), 1, "{sync}");
    assert_eq!(jobs[0].status, "FINISHED", "{sync}");
    let stats = j1.stats();
    assert_eq!(stats.too_large, 0, "{sync}");
    assert!(
        stats.max_body_bytes <= 5_000_000,
        "a request of {} bytes",
        stats.max_body_bytes
    );
    let stored = j1.stored("oversize");
    let huge: Vec<(&String, &serde_json::Value)> = stored
        .entities
        .iter()
        .filter(|(_, e)| {
            e["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("huge-app-"))
        })
        .collect();
    assert!(!huge.is_empty(), "the huge app was uploaded");
    for (key, e) in huge {
        // Its 2 MB of `_rawData` went first; the 2 MB name then fits and is kept whole.
        assert_eq!(e["name"].as_str().map(str::len), Some(2_000_000), "{key}");
        assert_eq!(e["_rawData"][0]["rawData"], "TRUNCATED", "{key}");
        for (what, out) in [("collect", &collect), ("sync", &sync)] {
            assert!(
                out.lines()
                    .any(|l| l.contains("Warning: ") && l.contains(key.as_str())),
                "{what} names {key} in a warning:\n{}",
                &out[..out.len().min(5_000)]
            );
        }
    }
    assert!(
        collect.contains("Validation: no findings"),
        "a warning, not a finding"
    );
    // The change set compares what was uploaded: nothing changed since.
    let again = run(
        dir.path(),
        &heroku,
        &j1,
        &[
            "sync",
            "--scope",
            "oversize",
            "--dry-run",
            "--json",
            "--allow-partial",
        ],
    )
    .await;
    let json_start = again.find('{').unwrap_or(0);
    let report: serde_json::Value = serde_json::Deserializer::from_str(&again[json_start..])
        .into_iter()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(
        report["preview"]["totals"]["entities"]["updated"],
        0,
        "{}",
        &again[..again.len().min(3_000)]
    );
    let oversized = report["preview"]["oversized"].as_array().cloned();
    let oversized = oversized.unwrap_or_default();
    assert!(
        !oversized.is_empty(),
        "the JSON preview lists the oversized objects"
    );
    for o in oversized {
        let (bytes, fitted) = (o["bytes"].as_u64(), o["fittedBytes"].as_u64());
        assert!(
            bytes > Some(5_000_000) && fitted < Some(5_000_000),
            "too large alone, fitted: {o}"
        );
    }
}

/// A server that accepts connections and reads requests but never answers.
async fn silent_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    url
}

/// A proxy to `upstream` that never answers a team's apps (`/teams/{id}/apps`): the rest of
/// the estate reads, those lists hang.
async fn proxy_hanging_on_apps(upstream: String) -> String {
    use axum::body::Body;
    use axum::http::{Request, Response};
    let http = reqwest::Client::new();
    let app = axum::Router::new().fallback(move |req: Request<Body>| {
        let (http, upstream) = (http.clone(), upstream.clone());
        async move {
            let path = req
                .uri()
                .path_and_query()
                .map(ToString::to_string)
                .unwrap_or_default();
            if path.starts_with("/teams/") && path.contains("/apps") {
                std::future::pending::<()>().await;
            }
            let mut out = http.get(format!("{upstream}{path}"));
            for (name, value) in req.headers() {
                if name != "host" {
                    out = out.header(name.as_str(), value.as_bytes());
                }
            }
            let answer = out.send().await.unwrap();
            let mut response = Response::builder().status(answer.status().as_u16());
            for (name, value) in answer.headers() {
                response = response.header(name.as_str(), value.as_bytes());
            }
            response
                .body(Body::from(answer.bytes().await.unwrap()))
                .unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// Runs the binary with `args` and `env`: exit code, output, time.
async fn run_against(
    dir: &Path,
    heroku: &FakeHeroku,
    j1: &FakeJupiterOne,
    env: &[(&str, &str)],
    args: &[&str],
) -> (Option<i32>, String, std::time::Duration) {
    let mut c = command(dir, heroku, j1, args);
    c.envs(env.iter().copied());
    let started = std::time::Instant::now();
    let out = tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), all, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_is_stopped_by_the_deadline_which_the_message_names() {
    let (heroku, j1) = fakes(Faults::default()).await;
    let silent = silent_server().await;
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("graph").display().to_string();
    // Each request alone could take 30 s (and 4 retries): only the deadline ends it early.
    let (code, out, took) = run_against(
        dir.path(),
        &heroku,
        &j1,
        &[("HEROKU_API_URL", &silent)],
        &[
            "collect",
            "--out",
            &graph,
            "--timeout",
            "30s",
            "--deadline",
            "2s",
        ],
    )
    .await;
    assert_eq!(code, Some(1), "{out}");
    assert!(took < std::time::Duration::from_secs(15), "{took:?}: {out}");
    assert!(out.contains("deadline passed"), "{out}");
    assert!(
        out.contains("--deadline 2s"),
        "the deadline is named: {out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_that_never_answer_end_at_the_deadline_as_partial_datasets() {
    let (heroku, j1) = fakes(Faults::default()).await;
    let proxy = proxy_hanging_on_apps(heroku.url()).await;
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("graph").display().to_string();
    // The deadline from the environment, as a cron job would set it.
    let (code, out, took) = run_against(
        dir.path(),
        &heroku,
        &j1,
        &[("HEROKU_API_URL", &proxy), ("HEROKU_J1_DEADLINE", "3s")],
        &["collect", "--out", &graph, "--timeout", "30s"],
    )
    .await;
    assert_eq!(code, Some(3), "partial: {out}");
    assert!(took < std::time::Duration::from_secs(20), "{took:?}: {out}");
    assert!(
        out.lines()
            .any(|l| l.contains("heroku_application: apps of team")
                && l.contains("deadline passed before the apps")),
        "{out}"
    );
    assert!(
        out.contains("the crawl stopped at its deadline (--deadline 3s)"),
        "{out}"
    );
    // What was read before the deadline is kept.
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with("heroku_team ") && !l.contains(" 0")),
        "{out}"
    );
}
