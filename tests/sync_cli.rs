//! `heroku-j1 sync` as a user runs it: the real binary, a collected folder (`--from`), the
//! fake JupiterOne in this process. The guard, exit codes, JSON, `--every`, and no key in
//! any output or log; an object too large for any request left out; and (through the
//! library, real HTTP) a failed batch whose abort waits for the uploads in flight.

#[path = "j1_common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;
use heroku_j1::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig};
use heroku_j1::graph::{build, export, types};
use serde_json::Value;

const J1_KEY: &str = "j1-cli-secret-key-0f9e8d7c6b5a4938271605aa";
const HEROKU_KEY: &str = "HRKU-AAcli-heroku-secret-key-do-not-print-1234567890";
const SCOPE: &str = "heroku-j1:cli-test-scope";

struct Env {
    fake: FakeJupiterOne,
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        let fake = FakeJupiterOne::start(FakeJupiterOneConfig {
            token: J1_KEY.into(),
            ..FakeJupiterOneConfig::default()
        })
        .unwrap();
        Self {
            fake,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn folder(&self, name: &str, estate: &heroku_j1::estate::Estate) -> String {
        let path = self.dir.path().join(name);
        export::write(&build(estate), &path).unwrap();
        path.display().to_string()
    }

    fn log(&self) -> std::path::PathBuf {
        self.dir.path().join("heroku-j1.log")
    }

    fn command(&self, key: &str, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_heroku-j1"));
        c.arg("sync")
            .args(args)
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .arg("--log-file")
            .arg(self.log())
            .arg("--config-dir")
            .arg(self.dir.path().join("config"))
            .args(["--poll-interval", "20ms"])
            .env("JUPITERONE_API_URL", self.fake.url())
            .env("JUPITERONE_API_KEY", key)
            .env("JUPITERONE_ACCOUNT", self.fake.account())
            .env("HEROKU_API_KEY", HEROKU_KEY)
            .env("HEROKU_API_URL", "http://127.0.0.1:9")
            .env("HEROKU_J1_LOG", "trace")
            .env_remove("HEROKU_J1_DATA_DIR")
            .env_remove("HEROKU_J1_SCOPE")
            .env_remove("HEROKU_J1_INTEGRATION_INSTANCE_ID")
            .env_remove("JUPITERONE_REGION");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(J1_KEY, args).output().unwrap()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn assert_no_key(out: &Output, log: &Path) {
    let log = std::fs::read_to_string(log).unwrap_or_default();
    for (name, s) in [
        ("stdout", text(&out.stdout)),
        ("stderr", text(&out.stderr)),
        ("log", log),
    ] {
        for key in [J1_KEY, HEROKU_KEY] {
            assert!(!s.contains(key), "{name} contains a key:\n{s}");
        }
    }
}

#[test]
fn the_guard_refuses_a_first_sync_without_yes_then_yes_uploads() {
    let env = Env::new();
    let dir = env.folder("estate", &estate());
    let out = env.run(&["--from", &dir, "--scope", SCOPE]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("first sync to scope heroku-j1:cli-test-scope"),
        "{stderr}"
    );
    assert!(stderr.contains("--yes"), "{stderr}");
    assert!(
        text(&out.stdout).contains("heroku_application"),
        "the preview is shown"
    );
    assert!(env.fake.jobs().is_empty(), "nothing was sent");

    let out = env.run(&["--from", &dir, "--scope", SCOPE, "--yes"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    let job = env.fake.jobs().pop().unwrap();
    assert_eq!(job.status, "FINISHED");
    assert!(
        stdout.contains(&format!("Job {}: FINISHED", job.id)),
        "{stdout}"
    );
    assert!(stdout.contains("created"), "{stdout}");
    let graph = build(&estate());
    assert_eq!(
        env.fake.stored(SCOPE).entities.len(),
        graph.entities().len()
    );
    assert_no_key(&out, &env.log());

    // Nothing changed: a clean plan goes straight through without --yes.
    let out = env.run(&["--from", &dir, "--scope", SCOPE, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["status"], "synced");
    assert_eq!(report["job"]["numEntitiesCreated"], 0);
    assert_eq!(
        report["preview"]["totals"]["entities"]["unchanged"],
        graph.entities().len()
    );

    // An app deleted: 1 of 3 applications is more than 10 %, refused without --yes.
    let changed = env.folder("changed", &changed_estate());
    let out = env.run(&["--from", &changed, "--scope", SCOPE, "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["status"], "refused");
    assert_eq!(report["reasons"][0]["reason"], "many-deleted");
    assert_eq!(report["reasons"][0]["type"], types::APPLICATION);
    let out = env.run(&["--from", &changed, "--scope", SCOPE, "--json", "--yes"]);
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["job"]["numEntitiesDeleted"], 1);
    assert_eq!(report["job"]["numEntitiesCreated"], 1);
    assert_eq!(report["job"]["numEntitiesUpdated"], 1);
    assert_no_key(&out, &env.log());
}

#[test]
fn partial_data_needs_allow_partial_and_exits_3() {
    let env = Env::new();
    let full = env.folder("full", &estate());
    let out = env.run(&["--from", &full, "--scope", SCOPE, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let partial = env.folder("partial", &partial_estate());
    let out = env.run(&["--from", &partial, "--scope", SCOPE, "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("partial datasets"), "{stderr}");
    assert!(stderr.contains("--allow-partial"), "{stderr}");
    assert_eq!(env.fake.jobs().len(), 1);
    let out = env.run(&["--from", &partial, "--scope", SCOPE, "--allow-partial"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let job = env.fake.jobs().pop().unwrap();
    assert_eq!(job.status, "FINISHED");
    assert_eq!(job.counters.num_entities_deleted, 0);
    assert_eq!(
        job.partial_types.unwrap(),
        vec![types::ADDON, types::APPLICATION_HAS_ADDON]
    );
    assert!(env.fake.stored(SCOPE).entities.contains_key(PG));
}

#[test]
fn keys_never_appear_in_output_or_log_even_when_rejected() {
    let env = Env::new();
    let dir = env.folder("estate", &estate());
    let wrong = "j1-wrong-secret-key-77777777777777777777";
    let out = env
        .command(wrong, &["--from", &dir, "--scope", SCOPE, "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "JupiterOne rejected the API key for account {}",
            env.fake.account()
        )),
        "{stderr}"
    );
    let log = std::fs::read_to_string(env.log()).unwrap();
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "trace logging is on"
    );
    for s in [&stderr, &text(&out.stdout), &log] {
        assert!(!s.contains(wrong));
    }
    assert_no_key(&out, &env.log());

    // No account: a usage error that says what to set.
    let out = env
        .command(J1_KEY, &["--from", &dir, "--scope", SCOPE])
        .env_remove("JUPITERONE_ACCOUNT")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("JUPITERONE_ACCOUNT"));
}

#[test]
fn every_repeats_one_line_per_run_until_interrupted() {
    let env = Env::new();
    let dir = env.folder("estate", &estate());
    let mut child = env
        .command(
            J1_KEY,
            &["--from", &dir, "--scope", SCOPE, "--yes", "--every", "1s"],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    assert!(
        first.contains("sync synced to scope heroku-j1:cli-test-scope"),
        "{first}"
    );
    assert!(first.contains("status=FINISHED entities=+"), "{first}");
    assert!(first.ends_with("exit=0"), "{first}");
    assert!(second.contains("entities=+0~0-0"), "{second}");
    Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(env.fake.jobs().len() >= 2);
}

#[test]
fn no_scope_and_no_heroku_user_is_refused_with_how_to_name_one() {
    let env = Env::new();
    let dir = env.folder("estate", &estate());
    // No Heroku key in the environment, and a keyring service that holds none: the Heroku
    // user id cannot be known.
    let out = env
        .command(J1_KEY, &["--from", &dir, "--yes"])
        .env_remove("HEROKU_API_KEY")
        .env(
            "HEROKU_J1_KEYRING_SERVICE",
            format!("heroku-j1-sync-cli-test-{}", std::process::id()),
        )
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no sync target"), "{stderr}");
    assert!(
        stderr.contains("--scope S") && stderr.contains("--integration-instance-id ID"),
        "{stderr}"
    );
    assert!(!text(&out.stdout).contains("unknown-user"));
    assert!(!stderr.contains("unknown-user"));
    assert_eq!(
        env.fake.stats().total_requests,
        0,
        "refused before JupiterOne was asked anything"
    );
}

#[test]
fn bad_urls_and_durations_are_refused_at_once_with_exit_2() {
    let env = Env::new();
    let dir = env.folder("estate", &estate());
    // (flags, an environment variable, what stderr must say)
    type Case<'a> = (&'a [&'a str], Option<(&'a str, &'a str)>, &'a [&'a str]);
    let cases: [Case; 6] = [
        (
            &["--heroku-api-url", "banana"],
            None,
            &["banana", "not a URL"],
        ),
        (&["--jupiterone-api-url", "ftp://x"], None, &["http(s) URL"]),
        (&["--timeout", "0"], None, &["greater than 0"]),
        (&["--every", "5x"], None, &["not a duration", "30s"]),
        (
            &[],
            Some(("HEROKU_API_URL", "banana")),
            &["HEROKU_API_URL", "not a URL"],
        ),
        (
            &[],
            Some(("HEROKU_J1_TIMEOUT", "0s")),
            &["HEROKU_J1_TIMEOUT", "greater than 0"],
        ),
    ];
    for (args, var, needles) in cases {
        let mut c = env.command(J1_KEY, &["--from", &dir, "--scope", SCOPE]);
        c.args(args);
        if let Some((k, v)) = var {
            c.env(k, v);
        }
        let started = std::time::Instant::now();
        let out = c.output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} {var:?}: {stderr}");
        for n in needles {
            assert!(
                stderr.contains(n),
                "{args:?} {var:?}: {n:?} not in {stderr}"
            );
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "at once"
        );
    }
    assert_eq!(env.fake.stats().total_requests, 0, "no request was made");
    // Human durations and plain seconds are accepted.
    for timeout in ["5s", "2m", "45"] {
        let out = env.run(&["--from", &dir, "--scope", SCOPE, "--timeout", timeout]);
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("first sync"),
            "--timeout {timeout}: {stderr}"
        );
    }
}

/// The lock file of the only target synced in `env` (it appears once a sync holds it).
fn lock_holder(env: &Env) -> Option<String> {
    let dir = env.dir.path().join("data");
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).ok()?.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "lock") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                if !text.trim().is_empty() {
                    return Some(text);
                }
            }
        }
    }
    None
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_second_sync_of_the_same_target_waits_or_with_no_wait_exits_naming_the_holder() {
    use heroku_j1::fake::jupiterone::Faults;
    let env = Env::new();
    let dir = env.folder("estate", &estate());
    // Every answer takes 300 ms: the first sync holds the lock for seconds.
    env.fake.set_faults(Faults {
        delay_ms: 300,
        ..Faults::default()
    });
    let first = env
        .command(
            J1_KEY,
            &["--from", &dir, "--scope", SCOPE, "--yes", "--json"],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = first.id();
    wait_until("the first sync to hold the lock", || {
        lock_holder(&env).is_some_and(|h| h.contains(&format!("process {pid} ")))
    });

    let busy = env.run(&["--from", &dir, "--scope", SCOPE, "--yes", "--no-wait"]);
    let stderr = text(&busy.stderr);
    assert_eq!(busy.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("another sync of this target is running"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("process {pid} started at")),
        "{stderr}"
    );

    // Without --no-wait it says so and waits; the first sync then changes the baseline this
    // one previewed against, so it uploads nothing.
    let waiter = env.run(&["--from", &dir, "--scope", SCOPE, "--yes"]);
    let first = first.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let stderr = text(&waiter.stderr);
    assert!(
        stderr.contains(&format!(
            "another sync of this target is running (process {pid} started at"
        )) && stderr.contains("waiting for it to end"),
        "{stderr}"
    );
    assert_eq!(waiter.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("after this preview was made") && stderr.contains("nothing was uploaded"),
        "{stderr}"
    );

    let jobs = env.fake.jobs();
    assert_eq!(jobs.len(), 1, "only the first sync started a job: {jobs:?}");
    let report: Value = serde_json::from_slice(&first.stdout).unwrap();
    let state_path = report["statePath"].as_str().unwrap();
    let state = heroku_j1::jupiterone::state::load(Path::new(state_path))
        .unwrap()
        .unwrap();
    assert_eq!(state.job_id, jobs[0].id);
    assert_eq!(jobs[0].status, "FINISHED");
    assert_eq!(
        state.entities.len(),
        env.fake.stored(SCOPE).entities.len(),
        "the state holds what JupiterOne holds"
    );

    // Once free, the next sync goes through against the right baseline: nothing changes.
    env.fake.set_faults(Faults::default());
    let out = env.run(&["--from", &dir, "--scope", SCOPE, "--no-wait", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let job = env.fake.jobs().pop().unwrap();
    assert_eq!(job.counters.num_entities_deleted, 0, "{job:?}");
}

#[cfg(unix)]
#[test]
fn sigterm_during_the_upload_aborts_the_job_and_exits_143() {
    use heroku_j1::fake::jupiterone::Faults;
    let env = Env::new();
    let dir = env.folder("estate", &estate());
    env.fake.set_faults(Faults {
        delay_ms: 1500,
        ..Faults::default()
    });
    let child = env
        .command(J1_KEY, &["--from", &dir, "--scope", SCOPE, "--yes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("the job to start", || !env.fake.jobs().is_empty());
    Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(143), "{stderr}");
    let job = env.fake.jobs().pop().unwrap();
    assert_eq!(job.status, "ABORTED", "{job:?}");
    assert!(
        job.abort_reason
            .as_deref()
            .is_some_and(|r| r.contains("cancelled")),
        "{job:?}"
    );
    assert!(stderr.contains("aborted"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn the_state_file_is_private_and_a_failed_state_write_exits_1_saying_jupiterone_has_the_data() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let dir = env.folder("estate", &estate());
    let data = env.dir.path().join("data");
    // Under the usual umask the files would be 0644 and the folders 0755.
    let out = Command::new("sh")
        .args(["-c", "umask 022; exec \"$0\" \"$@\""])
        .arg(env.command(J1_KEY, &[]).get_program())
        .args(
            env.command(
                J1_KEY,
                &["--from", &dir, "--scope", SCOPE, "--yes", "--json"],
            )
            .get_args(),
        )
        .envs(
            env.command(J1_KEY, &[])
                .get_envs()
                .filter_map(|(k, v)| v.map(|v| (k, v))),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let state = Path::new(report["statePath"].as_str().unwrap()).to_owned();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&state), 0o600);
    let mut folder = state.parent().unwrap();
    while folder.starts_with(&data) {
        assert_eq!(mode(folder), 0o700, "{}", folder.display());
        folder = folder.parent().unwrap();
    }
    assert_eq!(mode(&env.log()), 0o600);

    // Once the next sync has checked its baseline and started its job, a folder takes the
    // state file's place: the upload succeeds, the record cannot be written (even as root).
    let changed = env.folder("changed", &changed_estate());
    env.fake.set_faults(heroku_j1::fake::jupiterone::Faults {
        delay_ms: 300,
        ..Default::default()
    });
    let child = env
        .command(J1_KEY, &["--from", &changed, "--scope", SCOPE, "--yes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("the second job", || env.fake.jobs().len() == 2);
    std::fs::remove_file(&state).unwrap();
    std::fs::create_dir(&state).unwrap();
    std::fs::write(state.join("in-the-way"), "").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let job = env.fake.jobs().pop().unwrap();
    assert_eq!(job.status, "FINISHED");
    assert!(
        stderr.contains(&format!("JupiterOne has the data of job {}", job.id))
            && stderr.contains("next preview will treat this target as a first sync"),
        "{stderr}"
    );
}

#[test]
fn poll_limit_gives_up_on_a_job_that_stays_pending() {
    let env = Env {
        fake: FakeJupiterOne::start(FakeJupiterOneConfig {
            token: J1_KEY.into(),
            finalize_pending_polls: u32::MAX,
            ..FakeJupiterOneConfig::default()
        })
        .unwrap(),
        dir: tempfile::tempdir().unwrap(),
    };
    let dir = env.folder("estate", &estate());
    let started = std::time::Instant::now();
    let out = env.run(&[
        "--from",
        &dir,
        "--scope",
        SCOPE,
        "--yes",
        "--poll-limit",
        "400ms",
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("is still FINALIZE_PENDING after"),
        "{stderr}"
    );
    // The default limit is 30 minutes: the option is what ended the wait.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));

    let out = env.run(&["--from", &dir, "--scope", SCOPE, "--poll-limit", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("\"soon\" is not a duration"));
}

/// `n` add-on entities with `raw` bytes of `_rawData` each.
fn padded_graph(n: usize, raw: usize) -> heroku_j1::graph::Graph {
    use heroku_j1::graph::entity::{Entity, Properties, RawData};
    let mut g = heroku_j1::graph::Graph::new();
    let padding = "x".repeat(raw);
    for i in 0..n {
        let key = format!("eeeeeeee-0000-4000-8000-{i:012}");
        let mut p = Properties::new();
        p.set("name", format!("addon-{i}"));
        p.set("displayName", format!("addon-{i}"));
        let raw = serde_json::json!({"id": key, "padding": padding}).to_string();
        g.add_entity(Entity {
            key,
            entity_type: types::ADDON.into(),
            class: "Service".into(),
            properties: p,
            raw_data: vec![RawData {
                name: "default".into(),
                raw: serde_json::value::RawValue::from_string(raw)
                    .unwrap()
                    .into(),
            }],
        });
    }
    g
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_batch_waits_for_the_uploads_in_flight_and_no_request_follows_the_abort() {
    use heroku_j1::fake::jupiterone::Faults;
    use heroku_j1::jupiterone::upload::upload;
    use heroku_j1::jupiterone::{Plan, Target, UploadError};
    let fake = tokio::task::spawn_blocking(|| {
        FakeJupiterOne::start(FakeJupiterOneConfig::default()).unwrap()
    })
    .await
    .unwrap();
    let client = client(&fake);
    let graph = std::sync::Arc::new(padded_graph(120, 2_000));
    let plan = Plan::with_max_batch_bytes(graph, Target::Scope("drain".into()), 20_000);
    assert!(plan.batches().len() >= 10, "{}", plan.batches().len());
    // Six uploads go out at once: the first two take 1.5 s, the third and later fail at once.
    fake.set_faults(Faults {
        fail_uploads_from: Some(3),
        fail_upload_status: 400,
        slow_upload_ms: 1_500,
        ..Faults::default()
    });
    let err = upload(&client, &plan, &options(), None).await.unwrap_err();
    assert!(
        matches!(
            err,
            UploadError::Aborted {
                abort_error: None,
                ..
            }
        ),
        "{err:?}"
    );
    let log = fake.log();
    let is_upload = |r: &&heroku_j1::fake::jupiterone::LoggedRequest| {
        matches!(r.route.as_str(), "entities" | "relationships" | "upload")
    };
    // When the first upload was answered (a failure), others were still in flight.
    let first_answer = log
        .iter()
        .position(|r| is_upload(&r) && r.handled)
        .expect("an upload was answered");
    let arrived = log[..first_answer]
        .iter()
        .filter(|r| is_upload(r) && !r.handled)
        .count();
    assert!(arrived >= 2, "nothing was in flight: {log:?}");
    let abort = log
        .iter()
        .position(|r| r.route == "abort" && !r.handled)
        .expect("the job was aborted");
    let before_abort = &log[..abort];
    assert_eq!(
        before_abort
            .iter()
            .filter(|r| is_upload(r) && !r.handled)
            .count(),
        before_abort
            .iter()
            .filter(|r| is_upload(r) && r.handled)
            .count(),
        "the abort went out while an upload was in flight: {log:?}"
    );
    assert!(
        !log[abort..].iter().any(|r| is_upload(&r)),
        "an upload reached the server after the abort: {log:?}"
    );
    assert_eq!(fake.stats().route("finalize"), 0, "finalized");
    let job = fake.jobs().pop().unwrap();
    assert_eq!(job.status, "ABORTED");
    assert!(fake.stored("drain").entities.is_empty());
}

#[test]
fn an_object_that_cannot_fit_a_request_is_left_out_and_named_and_no_request_is_too_large() {
    let env = Env::new();
    let mut graph = build(&estate());
    // An app with 6,000 values of 900 bytes (over 5 MB): nothing to truncate makes it fit.
    let mut wide = graph
        .entities()
        .iter()
        .find(|e| e.entity_type == types::APPLICATION)
        .unwrap()
        .clone();
    let key = "dddddddd-0000-4000-8000-00000000beef".to_owned();
    wide.key.clone_from(&key);
    wide.properties.set("name", "wide-app");
    wide.properties.set("displayName", "wide-app");
    for i in 0..6_000 {
        wide.properties.set(format!("extra{i}"), "v".repeat(900));
    }
    graph.add_entity(wide);
    let dir = env.dir.path().join("wide");
    export::write(&graph, &dir).unwrap();
    let dir = dir.display().to_string();

    // The preview names it before anything is sent.
    let out = env.run(&["--from", &dir, "--scope", SCOPE, "--dry-run", "--json"]);
    let stdout = text(&out.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let oversized = report["preview"]["oversized"].as_array().unwrap();
    assert_eq!(oversized.len(), 1, "{}", report["preview"]["oversized"]);
    assert_eq!(oversized[0]["_key"], key.as_str());
    assert_eq!(oversized[0]["fits"], false);
    let reasons = report["preview"]["partialDatasets"][types::APPLICATION].to_string();
    assert!(
        reasons.contains(&key) && reasons.contains("not uploaded"),
        "its type is partial, naming it: {reasons}"
    );
    assert!(env.fake.jobs().is_empty(), "a dry run sends nothing");

    // Without --allow-partial the guard refuses: the type is partial.
    let out = env.run(&["--from", &dir, "--scope", SCOPE, "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(env.fake.jobs().is_empty());

    let out = env.run(&["--from", &dir, "--scope", SCOPE, "--yes", "--allow-partial"]);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(
        all.lines()
            .any(|l| l.contains("warning") && l.contains(&key) && l.contains("not uploaded")),
        "the summary names it: {all}"
    );
    let stats = env.fake.stats();
    assert_eq!(stats.too_large, 0, "{all}");
    assert!(
        stats.max_body_bytes <= 5_000_000,
        "{}",
        stats.max_body_bytes
    );
    let stored = env.fake.stored(SCOPE);
    assert!(!stored.entities.contains_key(&key));
    assert_eq!(stored.entities.len(), graph.entities().len() - 1);
    assert_eq!(env.fake.jobs()[0].status, "FINISHED");
}
