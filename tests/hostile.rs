//! Hostile servers: the real binary against fakes that send terminal escapes in names,
//! e-mails and error messages (issue 12, item 3). No ESC or BEL byte may reach stdout,
//! stderr or the log file.

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
    let heroku = FakeHeroku::start(FakeHerokuConfig {
        faults: Faults {
            hostile_text: HOSTILE.into(),
            // A refused list: its error message carries the escapes too.
            forbid_team_members: true,
            ..Faults::default()
        },
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
