//! The command-line conventions, with the real binary: bad `--from`/`--out`/durations are
//! refused at once (exit 2, no request reaches the fakes), the explorer without a terminal,
//! Ctrl-C exits 130, `--help` carries examples, environment and exit codes, completions
//! and the man page, `-v`/`-q`/`RUST_LOG`, `--color`/`NO_COLOR`.

#[path = "j1_common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use heroku_j1::config::Config;
use heroku_j1::fake::heroku::{FakeHeroku, FakeHerokuConfig, Faults};
use heroku_j1::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig};
use heroku_j1::graph::{build, export};
use heroku_j1::settings::{ColorChoice, Flags, Settings};

const J1_KEY: &str = "j1-conventions-secret-key-0f9e8d7c6b5a4938";

/// The binary with a home of its own (config, data folder, log and keyring service never
/// the user's) and no key or URL from the caller's environment.
fn bin(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_heroku-j1"));
    for var in [
        "HEROKU_API_KEY",
        "HEROKU_API_URL",
        "JUPITERONE_API_KEY",
        "JUPITERONE_API_URL",
        "JUPITERONE_ACCOUNT",
        "JUPITERONE_REGION",
        "HEROKU_J1_CONFIG_DIR",
        "HEROKU_J1_DATA_DIR",
        "HEROKU_J1_LOG_FILE",
        "HEROKU_J1_LOG",
        "HEROKU_J1_SCOPE",
        "HEROKU_J1_DEADLINE",
        "RUST_LOG",
        "NO_COLOR",
    ] {
        c.env_remove(var);
    }
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env(
            "HEROKU_J1_KEYRING_SERVICE",
            format!("heroku-j1-conventions-test-{}", std::process::id()),
        )
        .stdin(Stdio::null());
    c
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A fake JupiterOne, a home, and `sync` pointed at both.
struct Sync {
    fake: FakeJupiterOne,
    home: tempfile::TempDir,
}

impl Sync {
    fn new() -> Self {
        let fake = FakeJupiterOne::start(FakeJupiterOneConfig {
            token: J1_KEY.into(),
            ..FakeJupiterOneConfig::default()
        })
        .unwrap();
        Self {
            fake,
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        bin(self.home.path())
            .arg("sync")
            .args(args)
            .env("JUPITERONE_API_URL", self.fake.url())
            .env("JUPITERONE_API_KEY", J1_KEY)
            .env("JUPITERONE_ACCOUNT", self.fake.account())
            .env(
                "HEROKU_API_KEY",
                "HRKU-AAconventions-heroku-key-000000000000",
            )
            .env("HEROKU_API_URL", "http://127.0.0.1:9")
            .output()
            .unwrap()
    }

    fn requests(&self) -> u64 {
        self.fake.stats().total_requests
    }
}

#[test]
fn sync_from_a_missing_folder_exits_2_before_jupiterone_is_asked() {
    let s = Sync::new();
    let missing = s.home.path().join("nonexistent");
    let o = s.run(&["--from", missing.to_str().unwrap(), "--scope", "x", "--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("no such folder"), "{err}");
    assert!(err.contains("heroku-j1 collect --out"), "{err}");
    assert_eq!(stdout(&o), "", "no dangling summary line");
    assert_eq!(s.requests(), 0, "JupiterOne was contacted");
}

#[test]
fn sync_from_a_folder_without_summary_json_exits_2_before_jupiterone_is_asked() {
    let s = Sync::new();
    let empty = s.home.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = s.run(&["--from", empty.to_str().unwrap(), "--scope", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no summary.json"), "{}", stderr(&o));
    assert_eq!(s.requests(), 0);
}

#[test]
fn every_zero_is_refused_with_a_reason() {
    let s = Sync::new();
    let o = s.run(&["--every", "0s", "--scope", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("must be greater than 0"),
        "{}",
        stderr(&o)
    );
    assert_eq!(s.requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zero_or_unreadable_deadline_is_refused_before_the_crawl() {
    let fake = FakeHeroku::start(FakeHerokuConfig::default())
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let graph = home.path().join("graph");
    for (flag, env, want) in [
        (Some("0"), None, "greater than 0"),
        (Some("5x"), None, "not a duration"),
        (None, Some("0s"), "HEROKU_J1_DEADLINE"),
    ] {
        let mut cmd = bin(home.path());
        cmd.args(["collect", "--out"])
            .arg(&graph)
            .args(["--heroku-api-url", &fake.url()])
            .env("HEROKU_API_KEY", fake.token());
        if let Some(f) = flag {
            cmd.args(["--deadline", f]);
        }
        if let Some(e) = env {
            cmd.env("HEROKU_J1_DEADLINE", e);
        }
        let o = run_async(cmd).await;
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{flag:?} {env:?}: {err}");
        assert!(err.contains(want) && err.contains("deadline"), "{err}");
    }
    assert_eq!(fake.stats().requests, 0, "the crawl started");
}

/// `--max-response-size` reaches the crawl: pages above it fail their lists, which become
/// partial datasets naming the option; a bad size is refused before any request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_response_size_caps_the_pages_read_and_names_itself() {
    let fake = FakeHeroku::start(FakeHerokuConfig::default())
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let graph = home.path().join("graph");
    let collect = |size: &str| {
        let mut cmd = bin(home.path());
        cmd.args(["collect", "--json", "--out"])
            .arg(&graph)
            .args(["--heroku-api-url", &fake.url(), "--max-response-size", size])
            .env("HEROKU_API_KEY", fake.token());
        cmd
    };
    let o = run_async(collect("0")).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--max-response-size"), "{}", stderr(&o));
    assert_eq!(fake.stats().requests, 0, "the crawl started");

    // 8 kB: the account and the enterprise accounts fit, the longer lists (members, apps,
    // add-ons of the demo estate) do not.
    let o = run_async(collect("8kB")).await;
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let partial = summary["partialDatasets"].to_string();
    assert!(
        partial.contains("larger than 8.0 kB") && partial.contains("--max-response-size"),
        "{partial}"
    );

    // The default reads everything.
    let o = run_async(collect("64MiB")).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn an_unreachable_jupiterone_is_named_without_the_probe_job_id() {
    let s = Sync::new();
    let dir = s.home.path().join("estate");
    export::write(&build(&common::estate()), &dir).unwrap();
    let o = bin(s.home.path())
        .args(["sync", "--from", dir.to_str().unwrap(), "--scope", "x"])
        .env("JUPITERONE_API_URL", "http://127.0.0.1:9")
        .env("JUPITERONE_API_KEY", J1_KEY)
        .env("JUPITERONE_ACCOUNT", "acct")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot reach JupiterOne"), "{err}");
    assert!(err.contains("check of the API key"), "{err}");
    assert!(!err.contains("00000000"), "the probe job id leaks: {err}");
}

async fn run_async(cmd: Command) -> Output {
    let mut cmd = cmd;
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_out_is_refused_once_before_the_crawl() {
    let fake = FakeHeroku::start(FakeHerokuConfig::default())
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    // Root writes anywhere: a folder below a regular file is unwritable for everyone.
    let file = home.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let out = file.join("graph");
    let mut cmd = bin(home.path());
    cmd.args(["collect", "--out", out.to_str().unwrap()])
        .args(["--heroku-api-url", &fake.url()])
        .env("HEROKU_API_KEY", fake.token());
    let o = run_async(cmd).await;
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.matches("cannot write there").count(), 1, "{err}");
    assert_eq!(err.lines().count(), 1, "one message: {err}");
    assert!(err.contains("--out"), "{err}");
    assert_eq!(fake.stats().requests, 0, "the crawl started");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_json_keys_are_camel_case() {
    let fake = FakeHeroku::start(FakeHerokuConfig::default())
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = bin(home.path());
    cmd.args(["collect", "--json", "--out"])
        .arg(home.path().join("graph"))
        .args(["--heroku-api-url", &fake.url()])
        .env("HEROKU_API_KEY", fake.token());
    let o = run_async(cmd).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    for k in [
        "herokuApiUrl",
        "partialDatasets",
        "durationMs",
        "rateLimitRemaining",
    ] {
        assert!(v.get(k).is_some(), "{k} missing: {keys:?}");
    }
    assert!(keys.iter().all(|k| !k.contains('_')), "{keys:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_collect_exits_130() {
    let fake = FakeHeroku::start(FakeHerokuConfig {
        faults: Faults {
            slow_ms: 30_000,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    })
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = bin(home.path());
    cmd.args(["collect", "--out"])
        .arg(home.path().join("graph"))
        .args(["--heroku-api-url", &fake.url()])
        .env("HEROKU_API_KEY", fake.token())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let o = interrupt_when_crawling(cmd.spawn().unwrap(), &fake).await;
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
}

/// Sends SIGINT (as Ctrl-C does) to `child` once `fake` has seen a request, and returns
/// its output.
async fn interrupt_when_crawling(child: std::process::Child, fake: &FakeHeroku) -> Output {
    let started = Instant::now();
    while fake.stats().requests == 0 {
        assert!(started.elapsed() < Duration::from_secs(60), "no request");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "not stopped at once"
    );
    o
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_sync_exits_130() {
    let heroku = FakeHeroku::start(FakeHerokuConfig {
        faults: Faults {
            slow_ms: 30_000,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    })
    .await
    .unwrap();
    let s = Sync::new();
    let child = bin(s.home.path())
        .args(["sync", "--scope", "x", "--yes"])
        .env("JUPITERONE_API_URL", s.fake.url())
        .env("JUPITERONE_API_KEY", J1_KEY)
        .env("JUPITERONE_ACCOUNT", s.fake.account())
        .env("HEROKU_API_KEY", heroku.token())
        .env("HEROKU_API_URL", heroku.url())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = interrupt_when_crawling(child, &heroku).await;
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(s.fake.jobs().is_empty(), "nothing was uploaded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_the_crawl_of_diff_and_query_exits_130() {
    for args in [
        vec!["diff", "--scope", "x"],
        vec!["query", "FIND heroku_team"],
    ] {
        let heroku = FakeHeroku::start(FakeHerokuConfig {
            faults: Faults {
                slow_ms: 30_000,
                ..Faults::default()
            },
            ..FakeHerokuConfig::default()
        })
        .await
        .unwrap();
        let s = Sync::new();
        let child = bin(s.home.path())
            .args(&args)
            .env("JUPITERONE_API_URL", s.fake.url())
            .env("JUPITERONE_API_KEY", J1_KEY)
            .env("JUPITERONE_ACCOUNT", s.fake.account())
            .env("HEROKU_API_KEY", heroku.token())
            .env("HEROKU_API_URL", heroku.url())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let o = interrupt_when_crawling(child, &heroku).await;
        assert_eq!(o.status.code(), Some(130), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
        assert_eq!(s.requests(), 0, "{args:?} asked JupiterOne");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v_q_and_rust_log_set_the_log_level() {
    let fake = FakeHeroku::start(FakeHerokuConfig::default())
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let log_of = |name: &str, args: &[&str], rust_log: Option<&str>| {
        let log = home.path().join(name);
        let mut cmd = bin(home.path());
        cmd.args(args)
            .args(["collect", "--out"])
            .arg(home.path().join(name).with_extension("graph"))
            .args(["--heroku-api-url", &fake.url()])
            .arg("--log-file")
            .arg(&log)
            .env("HEROKU_API_KEY", fake.token());
        if let Some(level) = rust_log {
            cmd.env("RUST_LOG", level);
        }
        (cmd, log)
    };
    let read = |p: &PathBuf| std::fs::read_to_string(p).unwrap_or_default();

    let (cmd, log) = log_of("default.log", &[], None);
    assert_eq!(run_async(cmd).await.status.code(), Some(0));
    let text = read(&log);
    assert!(
        text.contains("collect finished") && !text.contains("DEBUG"),
        "{text}"
    );

    let (cmd, log) = log_of("rust-log.log", &[], Some("debug"));
    assert_eq!(run_async(cmd).await.status.code(), Some(0));
    assert!(read(&log).contains("DEBUG"), "RUST_LOG=debug ignored");

    let (cmd, log) = log_of("v.log", &["-v"], None);
    assert_eq!(run_async(cmd).await.status.code(), Some(0));
    assert!(read(&log).contains("DEBUG"), "-v ignored");

    let (cmd, log) = log_of("q.log", &["-q"], Some("debug"));
    assert_eq!(run_async(cmd).await.status.code(), Some(0));
    let text = read(&log);
    assert!(!text.contains("collect finished"), "-q ignored: {text}");
}

#[test]
fn the_explorer_without_a_terminal_says_so_and_points_to_collect_and_sync() {
    let home = tempfile::tempdir().unwrap();
    let o = bin(home.path()).arg("--demo").output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(err.contains("heroku-j1 collect") && err.contains("heroku-j1 sync"));
    assert!(!err.contains("os error"), "{err}");
}

#[test]
fn collect_and_sync_help_carry_examples_environment_and_exit_codes() {
    let home = tempfile::tempdir().unwrap();
    for (cmd, env) in [
        ("collect", "HEROKU_API_KEY"),
        ("sync", "JUPITERONE_API_KEY"),
    ] {
        let o = bin(home.path()).args([cmd, "--help"]).output().unwrap();
        let help = stdout(&o);
        assert_eq!(o.status.code(), Some(0));
        for needle in [
            "Examples:",
            "Environment:",
            env,
            "Exit codes:",
            "130",
            "NO_COLOR",
        ] {
            assert!(
                help.contains(needle),
                "{cmd} --help lacks {needle}:\n{help}"
            );
        }
    }
    let o = bin(home.path()).arg("--help").output().unwrap();
    assert!(stdout(&o).contains("130  interrupted"), "{}", stdout(&o));
}

#[test]
fn document_and_fake_api_list_no_heroku_jupiterone_or_file_options() {
    let home = tempfile::tempdir().unwrap();
    for cmd in ["document", "fake-api", "completions", "man"] {
        let o = bin(home.path()).args([cmd, "--help"]).output().unwrap();
        let help = stdout(&o);
        assert_eq!(o.status.code(), Some(0), "{cmd}");
        for flag in [
            "--heroku-api-url",
            "--jupiterone-api-url",
            "--config-dir",
            "--data-dir",
            "--log-file",
        ] {
            assert!(!help.contains(flag), "{cmd} --help lists {flag}:\n{help}");
        }
    }
}

#[test]
fn bash_completions_source_cleanly_and_complete_the_commands() {
    let home = tempfile::tempdir().unwrap();
    let o = bin(home.path())
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let script = home.path().join("heroku-j1.bash");
    std::fs::write(&script, &o.stdout).unwrap();
    let bin_path = env!("CARGO_BIN_EXE_heroku-j1");
    let check = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -e; source <('{bin_path}' completions bash); complete -p heroku-j1; \
             source '{}'",
            script.display()
        ))
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
    assert_eq!(stderr(&check), "", "sourcing printed errors");
    assert!(stdout(&check).contains("heroku-j1"), "{}", stdout(&check));
    let text = stdout(&o);
    for word in ["collect", "sync", "completions", "--color"] {
        assert!(text.contains(word), "{word} not completed");
    }
}

#[test]
fn man_prints_a_roff_page() {
    let home = tempfile::tempdir().unwrap();
    let o = bin(home.path()).arg("man").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    // clap_mangen opens with roff's two-line definition of the apostrophe string (`.ie` /
    // `.el`), then the title.
    let first = page
        .lines()
        .find(|l| !l.starts_with(".ie ") && !l.starts_with(".el "))
        .unwrap_or_default();
    assert!(
        first.starts_with(".TH heroku-j1 1"),
        "{}",
        &page[..page.len().min(200)]
    );
    assert!(page.contains("heroku\\-j1"), "the page names the program");
}

#[test]
fn no_color_and_color_flag_resolve_the_colour_setting() {
    let resolve = |flag: Option<ColorChoice>, no_color: Option<&str>| {
        let env: HashMap<&str, String> = no_color
            .map(|v| ("NO_COLOR", v.to_owned()))
            .into_iter()
            .collect();
        let flags = Flags {
            color: flag,
            ..Flags::default()
        };
        let lookup = |name: &str| env.get(name).cloned();
        Settings::resolve(
            &flags,
            &lookup,
            &Config::default(),
            PathBuf::from("/config"),
        )
        .unwrap()
        .color
    };
    assert_eq!(resolve(None, None), ColorChoice::Auto);
    assert_eq!(resolve(None, Some("1")), ColorChoice::Never);
    assert_eq!(
        resolve(None, Some("")),
        ColorChoice::Auto,
        "empty NO_COLOR is unset"
    );
    assert_eq!(
        resolve(Some(ColorChoice::Always), Some("1")),
        ColorChoice::Always
    );
    assert!(!ColorChoice::Auto.enabled(false) && ColorChoice::Auto.enabled(true));
    assert!(!ColorChoice::Never.enabled(true) && ColorChoice::Always.enabled(false));
}

#[test]
fn a_bad_color_value_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let o = bin(home.path())
        .args(["--color", "sometimes", "collect"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("always"), "{}", stderr(&o));
}
