//! `login`, `logout`, `status` and key lookup, the real binary against a stub Heroku and the
//! fake JupiterOne, with the real OS keyring (Secret Service over D-Bus).
//!
//! `.ci/test` runs the suite inside `dbus-run-session` with an unlocked gnome-keyring and
//! sets `HEROKU_J1_REQUIRE_KEYRING=1`: then a keyring that does not answer fails these
//! tests. Elsewhere (no session bus) the real-keyring tests print a notice and pass; the
//! keyring-unavailable tests run everywhere.
//!
//! Every test uses its own keyring service name (`HEROKU_J1_KEYRING_SERVICE`), its own
//! `--config-dir` and `--log-file` in a temporary folder, and never the user's.
#![cfg(target_os = "linux")]

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use heroku_j1::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_heroku-j1");

/// Real-keyring tests run one at a time (keyring-rs's own CI does the same on D-Bus).
static KEYRING: Mutex<()> = Mutex::new(());

fn suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// A stub Heroku: `GET /account` accepts one token; everything else is 404.
struct StubHeroku {
    addr: SocketAddr,
    /// Requests that carried the good token, and the others.
    with_good: Arc<AtomicUsize>,
    with_other: Arc<AtomicUsize>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StubHeroku {
    fn start(good: &str) -> Self {
        let with_good = Arc::new(AtomicUsize::new(0));
        let with_other = Arc::new(AtomicUsize::new(0));
        let expected = format!("Bearer {good}");
        let (g, o) = (Arc::clone(&with_good), Arc::clone(&with_other));
        let authorized = move |headers: &HeaderMap| {
            let ok = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v == expected);
            if ok {
                g.fetch_add(1, Ordering::SeqCst);
            } else {
                o.fetch_add(1, Ordering::SeqCst);
            }
            ok
        };
        let auth2 = authorized.clone();
        let app = Router::new()
            .route(
                "/account",
                get(move |headers: HeaderMap| async move {
                    if authorized(&headers) {
                        (
                            StatusCode::OK,
                            axum::Json(json!({
                                "id": "7c1e5b2a-3f4d-4a8b-9e6c-0d1f2a3b4c5d",
                                "email": "dana@acme.example"
                            })),
                        )
                    } else {
                        (
                            StatusCode::UNAUTHORIZED,
                            axum::Json(json!({
                                "id": "unauthorized",
                                "message": "Invalid credentials provided."
                            })),
                        )
                    }
                }),
            )
            .fallback(move |headers: HeaderMap| async move {
                auth2(&headers);
                (
                    StatusCode::NOT_FOUND,
                    axum::Json(json!({"id": "not_found", "message": "Not found."})),
                )
                    .into_response()
            });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        Self {
            addr,
            with_good,
            with_other,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn good_requests(&self) -> usize {
        self.with_good.load(Ordering::SeqCst)
    }

    fn other_requests(&self) -> usize {
        self.with_other.load(Ordering::SeqCst)
    }
}

impl Drop for StubHeroku {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One test's world: a temporary folder (config, log, home), a keyring service of its own,
/// the stub Heroku and the fake JupiterOne.
struct World {
    dir: tempfile::TempDir,
    service: String,
    heroku: StubHeroku,
    j1: FakeJupiterOne,
    heroku_key: String,
    j1_key: String,
    /// Every stdout and stderr so far, for the leak checks.
    outputs: Mutex<Vec<String>>,
}

impl World {
    fn new() -> Self {
        let heroku_key = format!("HRKU-AAcred{}{}{}", suffix(), suffix(), suffix());
        let j1_key = format!("j1key{}{}", suffix(), suffix());
        let heroku = StubHeroku::start(&heroku_key);
        let j1 = FakeJupiterOne::start(FakeJupiterOneConfig {
            token: j1_key.clone(),
            account: "acme-j1-account".into(),
            ..FakeJupiterOneConfig::default()
        })
        .unwrap();
        let world = Self {
            dir: tempfile::tempdir().unwrap(),
            service: format!("heroku-j1-test-{}", suffix()),
            heroku,
            j1,
            heroku_key,
            j1_key,
            outputs: Mutex::new(Vec::new()),
        };
        std::fs::create_dir_all(world.home()).unwrap();
        world
    }

    fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("heroku-j1.log")
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .arg("--config-dir")
            .arg(self.config_dir())
            .arg("--log-file")
            .arg(self.log())
            .env("HEROKU_J1_KEYRING_SERVICE", &self.service)
            .env("HEROKU_J1_LOG", "trace")
            .env("HEROKU_API_URL", self.heroku.url())
            .env("JUPITERONE_API_URL", self.j1.url())
            .env("HOME", self.home())
            .env_remove("HEROKU_API_KEY")
            .env_remove("JUPITERONE_API_KEY")
            .env_remove("JUPITERONE_ACCOUNT")
            .env_remove("JUPITERONE_REGION")
            .env_remove("HEROKU_J1_CONFIG_DIR")
            .env_remove("HEROKU_J1_DATA_DIR")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .stdin(Stdio::null());
        c
    }

    fn output(&self, mut c: Command, stdin: Option<&str>) -> Output {
        let out = match stdin {
            None => c.output().unwrap(),
            Some(text) => {
                let mut child = c
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                // The program may exit before reading (e.g. a usage error).
                let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
                child.wait_with_output().unwrap()
            }
        };
        let mut all = self.outputs.lock().unwrap();
        all.push(String::from_utf8_lossy(&out.stdout).into_owned());
        all.push(String::from_utf8_lossy(&out.stderr).into_owned());
        out
    }

    fn run(&self, args: &[&str]) -> Output {
        self.output(self.command(args), None)
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        self.output(self.command(args), Some(stdin))
    }

    fn status_json(&self) -> Value {
        let out = self.run(&["status", "--json"]);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("status --json: {e}: {}", text(&out)))
    }

    /// Whether the keyring answers. When it does not: skip (return false) with a notice, or
    /// fail under `HEROKU_J1_REQUIRE_KEYRING=1`.
    fn keyring_or_skip(&self, test: &str) -> bool {
        let out = self.run(&["status", "--json", "--no-check"]);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        let error = v["keyringError"].as_str().map(str::to_owned);
        match error {
            None if v.is_object() => true,
            _ => {
                let why = error.unwrap_or_else(|| text(&out));
                assert!(
                    std::env::var("HEROKU_J1_REQUIRE_KEYRING").as_deref() != Ok("1"),
                    "HEROKU_J1_REQUIRE_KEYRING=1 but the OS keyring does not answer: {why}"
                );
                eprintln!(
                    "notice: {test} skipped: no OS keyring answers here ({why}). Run `.ci/test` \
                     (dbus-run-session + gnome-keyring) to run it"
                );
                false
            }
        }
    }

    /// No output, log line or config file contains either key (or a long part of one).
    fn assert_no_leak(&self) {
        let mut texts: Vec<(String, String)> = self
            .outputs
            .lock()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("output #{i}"), t.clone()))
            .collect();
        texts.push((
            "log file".into(),
            std::fs::read_to_string(self.log()).unwrap_or_default(),
        ));
        for entry in walk(self.dir.path()) {
            if let Ok(t) = std::fs::read(&entry) {
                texts.push((
                    entry.display().to_string(),
                    String::from_utf8_lossy(&t).into_owned(),
                ));
            }
        }
        for key in [&self.heroku_key, &self.j1_key] {
            let middle = &key[key.len() / 2 - 8..key.len() / 2 + 8];
            for (name, t) in &texts {
                if name.ends_with(".netrc") {
                    continue;
                }
                assert!(
                    !t.contains(key.as_str()) && !t.contains(middle),
                    "{name} contains a key"
                );
            }
        }
    }

    fn logout_all(&self) {
        let _ = self.run(&["logout", "--all"]);
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_done_when_scenario_login_status_collect_logout() {
    let _serial = KEYRING.lock().unwrap_or_else(|e| e.into_inner());
    let w = World::new();
    if !w.keyring_or_skip("the_done_when_scenario_login_status_collect_logout") {
        return;
    }
    // printf '%s\n' "$KEY" | heroku-j1 login --heroku --stdin --heroku-api-url URL
    let url = w.heroku.url();
    let o = w.run_with_stdin(
        &["login", "--heroku", "--stdin", "--heroku-api-url", &url],
        &format!("{}\n", w.heroku_key),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let masked = format!("HRKU-…{}", &w.heroku_key[w.heroku_key.len() - 4..]);
    assert!(
        stdout(&o).contains("Stored the Heroku API key"),
        "{}",
        text(&o)
    );
    assert!(stdout(&o).contains(&masked), "{}", text(&o));
    assert!(stdout(&o).contains("dana@acme.example"), "{}", text(&o));
    assert_eq!(w.heroku.good_requests(), 1, "validated once");

    // status: from the keyring, masked, accepted.
    let o = w.run(&["status"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let s = stdout(&o);
    assert!(
        s.contains(&format!("key {masked} from the OS keyring")),
        "{s}"
    );
    assert!(
        s.contains("accepted by") && s.contains("dana@acme.example"),
        "{s}"
    );
    let v = w.status_json();
    assert_eq!(v["heroku"]["source"], "keyring", "{v}");
    assert_eq!(v["heroku"]["check"], "accepted", "{v}");
    assert_eq!(v["heroku"]["storedInKeyring"], true, "{v}");
    assert_eq!(v["heroku"]["key"], masked.as_str(), "{v}");

    // collect with no HEROKU_API_KEY: the stored key is used (the stub has no
    // /enterprise-accounts, so collect fails after the key lookup).
    let before = w.heroku.good_requests();
    let out = w.dir.path().join("graph");
    let o = w.run(&["collect", "--out", out.to_str().unwrap()]);
    assert!(
        w.heroku.good_requests() > before,
        "collect used the stored key: {}",
        text(&o)
    );
    assert!(!stderr(&o).contains("no Heroku API key"), "{}", text(&o));
    let log = std::fs::read_to_string(w.log()).unwrap();
    assert!(
        log.contains("using the Heroku API key") && log.contains("keyring"),
        "{log}"
    );

    // logout --heroku removes it; collect then fails clearly, with exit 2.
    let o = w.run(&["logout", "--heroku"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        stdout(&o).contains("Removed the Heroku API key"),
        "{}",
        text(&o)
    );
    let o = w.run(&["logout", "--heroku"]);
    assert!(
        stdout(&o).contains("No Heroku API key was stored"),
        "{}",
        text(&o)
    );
    let before = w.heroku.good_requests() + w.heroku.other_requests();
    let o = w.run(&["collect", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let e = stderr(&o);
    assert!(e.contains("no Heroku API key"), "{e}");
    assert!(
        e.contains("heroku-j1 login --heroku") && e.contains("HEROKU_API_KEY"),
        "{e}"
    );
    assert_eq!(
        w.heroku.good_requests() + w.heroku.other_requests(),
        before,
        "no request"
    );
    let v = w.status_json();
    assert_eq!(v["heroku"]["source"], Value::Null, "{v}");
    assert_eq!(v["heroku"]["check"], "missing", "{v}");
    w.assert_no_leak();
}

#[test]
fn a_rejected_key_is_refused_and_not_stored() {
    let _serial = KEYRING.lock().unwrap_or_else(|e| e.into_inner());
    let w = World::new();
    if !w.keyring_or_skip("a_rejected_key_is_refused_and_not_stored") {
        return;
    }
    let wrong = format!("HRKU-AAwrong{}{}{}", suffix(), suffix(), suffix());
    let o = w.run_with_stdin(&["login", "--stdin"], &format!("{wrong}\n"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let e = stderr(&o);
    assert!(
        e.contains("Heroku rejected the API key") && e.contains("not stored"),
        "{e}"
    );
    assert!(!text(&o).contains(&wrong));
    assert_eq!(w.heroku.other_requests(), 1);
    let v = w.status_json();
    assert_eq!(v["heroku"]["storedInKeyring"], false, "{v}");
    assert_eq!(v["heroku"]["check"], "missing", "{v}");

    // A good key stored, then a rejected one: the good one stays.
    let o = w.run_with_stdin(&["login", "--stdin"], &w.heroku_key);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = w.run_with_stdin(&["login", "--stdin"], &wrong);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let v = w.status_json();
    assert_eq!(v["heroku"]["check"], "accepted", "{v}");
    // An empty line stores nothing.
    let o = w.run_with_stdin(&["login", "--stdin"], "\n");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        stderr(&o).contains("no Heroku API key was given"),
        "{}",
        text(&o)
    );
    // No terminal and no --stdin: a clear usage error, no hang.
    let o = w.run(&["login"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(stderr(&o).contains("--stdin"), "{}", text(&o));
    w.logout_all();
    for (k, _) in [(&wrong, 0)] {
        for t in w.outputs.lock().unwrap().iter() {
            assert!(!t.contains(k.as_str()));
        }
    }
    w.assert_no_leak();
}

#[test]
fn jupiterone_login_stores_the_key_and_the_account_but_no_key_in_the_config() {
    let _serial = KEYRING.lock().unwrap_or_else(|e| e.into_inner());
    let w = World::new();
    if !w.keyring_or_skip("jupiterone_login_stores_the_key_and_the_account") {
        return;
    }
    // A wrong key for the account: refused, nothing stored, no config written.
    let o = w.run_with_stdin(
        &[
            "login",
            "--jupiterone",
            "--stdin",
            "--account-id",
            "acme-j1-account",
        ],
        "j1-wrong-key-000000000000000000\n",
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        stderr(&o).contains("JupiterOne rejected the API key"),
        "{}",
        text(&o)
    );
    assert!(!w.config_dir().join("config.toml").exists());
    // The right key, but no account id anywhere: a usage error before any request.
    let o = w.run_with_stdin(&["login", "--jupiterone", "--stdin"], &w.j1_key);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(stderr(&o).contains("--account-id"), "{}", text(&o));

    let o = w.run_with_stdin(
        &[
            "login",
            "--stdin",
            "--account-id",
            "acme-j1-account",
            "--region",
            "eu",
        ],
        &format!("{}\n", w.j1_key),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        stdout(&o).contains("Stored the JupiterOne API key"),
        "{}",
        text(&o)
    );
    let config = std::fs::read_to_string(w.config_dir().join("config.toml")).unwrap();
    assert!(
        config.contains("account_id = \"acme-j1-account\""),
        "{config}"
    );
    assert!(config.contains("region = \"eu\""), "{config}");
    assert!(
        !config.contains(&w.j1_key) && !config.contains("key"),
        "{config}"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.config_dir().join("config.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let v = w.status_json();
    assert_eq!(v["jupiterone"]["source"], "keyring", "{v}");
    assert_eq!(v["jupiterone"]["check"], "accepted", "{v}");
    assert_eq!(v["jupiterone"]["accountId"], "acme-j1-account", "{v}");
    assert_eq!(v["jupiterone"]["region"], "eu", "{v}");
    assert_eq!(v["jupiterone"]["apiUrl"], w.j1.url(), "{v}");
    // The environment takes precedence over the keyring (and is never stored).
    let mut c = w.command(&["status", "--json"]);
    c.env("JUPITERONE_API_KEY", "j1-env-key-not-valid-00000000");
    let o = w.output(c, None);
    assert_eq!(o.status.code(), Some(2), "a rejected key: {}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["jupiterone"]["source"], "environment", "{v}");
    assert_eq!(v["jupiterone"]["check"], "rejected", "{v}");
    assert_eq!(v["jupiterone"]["storedInKeyring"], true, "{v}");

    let o = w.run(&["logout", "--all"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        stdout(&o).contains("Removed the JupiterOne API key"),
        "{}",
        text(&o)
    );
    assert!(
        stdout(&o).contains("No Heroku API key was stored"),
        "{}",
        text(&o)
    );
    assert!(
        w.config_dir().join("config.toml").exists(),
        "logout keeps the config"
    );
    w.assert_no_leak();
}

#[test]
fn import_heroku_cli_takes_the_netrc_token() {
    let _serial = KEYRING.lock().unwrap_or_else(|e| e.into_inner());
    let w = World::new();
    if !w.keyring_or_skip("import_heroku_cli_takes_the_netrc_token") {
        return;
    }
    let o = w.run(&["login", "--heroku", "--import-heroku-cli"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(stderr(&o).contains("heroku auth:token"), "{}", text(&o));
    std::fs::write(
        w.home().join(".netrc"),
        format!(
            "machine git.heroku.com login dana@acme.example password nope\n\
             machine api.heroku.com\n  login dana@acme.example\n  password {}\n",
            w.heroku_key
        ),
    )
    .unwrap();
    let o = w.run(&["login", "--heroku", "--import-heroku-cli"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        stderr(&o).contains("Found the Heroku CLI's token"),
        "{}",
        text(&o)
    );
    assert_eq!(w.status_json()["heroku"]["source"], "keyring");
    w.logout_all();
    w.assert_no_leak();
}

/// Login, collect and status at TRACE: no key in any output, the log or the config file.
#[test]
fn no_key_leaks_into_outputs_logs_or_config() {
    let _serial = KEYRING.lock().unwrap_or_else(|e| e.into_inner());
    let w = World::new();
    let keyring = w.keyring_or_skip("no_key_leaks_into_outputs_logs_or_config (keyring part)");
    if keyring {
        w.run_with_stdin(&["login", "--heroku", "--stdin"], &w.heroku_key);
        w.run_with_stdin(
            &[
                "login",
                "--jupiterone",
                "--stdin",
                "--account-id",
                "acme-j1-account",
            ],
            &w.j1_key,
        );
        w.run(&["status"]);
        w.run(&["status", "--json"]);
        w.run(&["collect", "--out", w.dir.path().join("g").to_str().unwrap()]);
        w.run_with_stdin(
            &["login", "--heroku", "--stdin"],
            "HRKU-not-the-key-but-rejected\n",
        );
        w.logout_all();
    }
    // From the environment too.
    let mut c = w.command(&[
        "collect",
        "--out",
        w.dir.path().join("g2").to_str().unwrap(),
    ]);
    c.env("HEROKU_API_KEY", &w.heroku_key);
    w.output(c, None);
    let mut c = w.command(&["status"]);
    c.env("HEROKU_API_KEY", &w.heroku_key)
        .env("JUPITERONE_API_KEY", &w.j1_key)
        .env("JUPITERONE_ACCOUNT", "acme-j1-account");
    let o = w.output(c, None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        stdout(&o).contains("from the environment (HEROKU_API_KEY)"),
        "{}",
        text(&o)
    );
    let log = std::fs::read_to_string(w.log()).unwrap();
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "logging at trace: {log}"
    );
    w.assert_no_leak();
}

/// No keyring at all (the session bus points nowhere): said, with the reason; nothing is
/// stored anywhere; a key from the environment still works.
#[test]
fn an_unavailable_keyring_says_so_and_stores_nothing() {
    let w = World::new();
    let nowhere = format!("unix:path={}", w.dir.path().join("no-such-bus").display());
    let mut c = w.command(&["login", "--heroku", "--stdin"]);
    c.env("DBUS_SESSION_BUS_ADDRESS", &nowhere);
    let o = w.output(c, Some(&format!("{}\n", w.heroku_key)));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let e = stderr(&o);
    for needle in [
        "the OS keyring is unavailable",
        "no Secret Service on the session bus",
        "Use HEROKU_API_KEY for this run",
        "Nothing was stored",
    ] {
        assert!(e.contains(needle), "{needle}: {e}");
    }
    assert_eq!(
        w.heroku.good_requests() + w.heroku.other_requests(),
        0,
        "the key was not even sent"
    );
    // Nothing was written anywhere in the test's folders but the log.
    let files: Vec<PathBuf> = walk(w.dir.path())
        .into_iter()
        .filter(|p| *p != w.log())
        .collect();
    assert!(files.is_empty(), "{files:?}");

    let mut c = w.command(&["login", "--jupiterone", "--stdin", "--account-id", "a"]);
    c.env("DBUS_SESSION_BUS_ADDRESS", &nowhere);
    let o = w.output(c, Some(&w.j1_key));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        stderr(&o).contains("Use JUPITERONE_API_KEY for this run"),
        "{}",
        text(&o)
    );
    assert!(!w.config_dir().exists(), "no config written");

    // collect: the keyring cannot be read → exit 1 (as `--help` says, like login and
    // logout), with the reason and what to do.
    let out = w.dir.path().join("graph");
    let mut c = w.command(&["collect", "--out", out.to_str().unwrap()]);
    c.env("DBUS_SESSION_BUS_ADDRESS", &nowhere);
    let o = w.output(c, None);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        stderr(&o).contains("the OS keyring is unavailable"),
        "{}",
        text(&o)
    );
    assert!(stderr(&o).contains("HEROKU_API_KEY"), "{}", text(&o));
    // ... and the environment's key works without the keyring.
    let mut c = w.command(&["collect", "--out", out.to_str().unwrap()]);
    c.env("DBUS_SESSION_BUS_ADDRESS", &nowhere)
        .env("HEROKU_API_KEY", &w.heroku_key);
    let o = w.output(c, None);
    assert!(w.heroku.good_requests() > 0, "{}", text(&o));
    assert!(!stderr(&o).contains("keyring"), "{}", text(&o));

    // status and logout say so too.
    let mut c = w.command(&["status", "--no-check"]);
    c.env("DBUS_SESSION_BUS_ADDRESS", &nowhere);
    let o = w.output(c, None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        stdout(&o).contains("the OS keyring is unavailable"),
        "{}",
        text(&o)
    );
    let mut c = w.command(&["logout"]);
    c.env("DBUS_SESSION_BUS_ADDRESS", &nowhere);
    let o = w.output(c, None);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        stderr(&o).contains("the OS keyring is unavailable"),
        "{}",
        text(&o)
    );
    w.assert_no_leak();
}

#[test]
fn a_malformed_config_is_named_and_left_alone() {
    let w = World::new();
    std::fs::create_dir_all(w.config_dir()).unwrap();
    let path = w.config_dir().join("config.toml");
    let bad = "[jupiterone]\naccount_id = \"acme\"\nregion = eu\n";
    std::fs::write(&path, bad).unwrap();
    for args in [
        &["status", "--no-check"][..],
        &["login", "--jupiterone", "--stdin", "--account-id", "x"],
    ] {
        let o = w.run_with_stdin(args, &w.j1_key);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        let e = stderr(&o);
        assert!(e.contains("config.toml") && e.contains("line 3"), "{e}");
        assert!(e.contains("will not overwrite"), "{e}");
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), bad);
    // The config's Heroku URL is used when none is given.
    std::fs::write(
        &path,
        format!("[heroku]\napi_url = \"{}\"\n", w.heroku.url()),
    )
    .unwrap();
    let mut c = w.command(&["collect", "--out", w.dir.path().join("g").to_str().unwrap()]);
    c.env_remove("HEROKU_API_URL")
        .env("HEROKU_API_KEY", &w.heroku_key);
    let o = w.output(c, None);
    assert!(w.heroku.good_requests() > 0, "{}", text(&o));
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(tool).is_file()))
}

/// A session bus whose keyring has no unlocked login collection (gnome-keyring started by
/// D-Bus activation, never unlocked): reading finds nothing, storing is refused with the
/// reason, and nothing is stored.
#[test]
fn a_locked_keyring_refuses_to_store_and_says_so() {
    if !(on_path("dbus-run-session") && on_path("gnome-keyring-daemon")) {
        assert!(
            std::env::var("HEROKU_J1_REQUIRE_KEYRING").as_deref() != Ok("1"),
            "HEROKU_J1_REQUIRE_KEYRING=1 but dbus-run-session or gnome-keyring-daemon is missing"
        );
        eprintln!(
            "notice: a_locked_keyring_refuses_to_store_and_says_so skipped: no dbus-run-session or gnome-keyring-daemon"
        );
        return;
    }
    let w = World::new();
    // A private session bus of its own, with a fresh HOME (from `World::command`) for the
    // keyring daemon it activates, so no login keyring exists and none is unlocked.
    let template = w.command(&["login", "--heroku", "--stdin"]);
    let mut c = Command::new("dbus-run-session");
    c.arg("--").arg(BIN).args(template.get_args());
    for (k, v) in template.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("XDG_RUNTIME_DIR");
    let o = w.output(c, Some(&format!("{}\n", w.heroku_key)));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let e = stderr(&o);
    assert!(
        e.contains("the OS keyring refused to store the Heroku API key"),
        "{e}"
    );
    assert!(e.contains("Unlock the keyring"), "{e}");
    assert!(e.contains("not stored anywhere"), "{e}");
    assert_eq!(w.heroku.good_requests(), 1, "validated before storing");
    w.assert_no_leak();
}

/// The interactive prompt in a real terminal (tmux): the key is typed with echo off, checked
/// and stored; the screen never shows it.
#[test]
fn the_prompt_hides_the_key_in_a_real_terminal() {
    let _serial = KEYRING.lock().unwrap_or_else(|e| e.into_inner());
    let w = World::new();
    if !on_path("tmux") {
        eprintln!("notice: the_prompt_hides_the_key_in_a_real_terminal skipped: no tmux");
        return;
    }
    if !w.keyring_or_skip("the_prompt_hides_the_key_in_a_real_terminal") {
        return;
    }
    let socket = format!("heroku-j1-cred-{}", suffix());
    let command = format!(
        "env -u HEROKU_API_KEY -u JUPITERONE_API_KEY HEROKU_J1_KEYRING_SERVICE={} \
         HEROKU_API_URL={} HOME={} {BIN} login --config-dir {} --log-file {}; \
         echo login-exit=$?; sleep 60",
        w.service,
        w.heroku.url(),
        w.home().display(),
        w.config_dir().display(),
        w.log().display()
    );
    let tmux = |args: &[&str]| {
        let out = Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .env_remove("TMUX")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    tmux(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-x",
        "120",
        "-y",
        "20",
        &command,
    ]);
    let wait_for = |needle: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let screen = tmux(&["capture-pane", "-p", "-t", "0"]);
            if screen.contains(needle) || std::time::Instant::now() > deadline {
                return screen;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    let screen = wait_for("Heroku API key (input hidden):");
    assert!(
        screen.contains("Heroku API key (input hidden):"),
        "{screen}"
    );
    tmux(&["send-keys", "-t", "0", "-l", &w.heroku_key]);
    tmux(&["send-keys", "-t", "0", "Enter"]);
    let screen = wait_for("login-exit=");
    tmux(&["kill-server"]);
    w.outputs.lock().unwrap().push(screen.clone());
    assert!(screen.contains("login-exit=0"), "{screen}");
    assert!(screen.contains("Stored the Heroku API key"), "{screen}");
    assert_eq!(w.status_json()["heroku"]["source"], "keyring");
    w.logout_all();
    w.assert_no_leak();
}
