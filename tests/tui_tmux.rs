//! End to end: the real binary with `--demo` in a real terminal (tmux), driven by keys as a
//! new user would, reading the screen back.
//!
//! Needs `tmux` (`.ci/run` installs it). Without tmux the test prints a notice and passes,
//! unless `HEROKU_J1_REQUIRE_TMUX=1` (set by `.ci/run`), which makes it fail instead.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(command: &str, width: u16, height: u16) -> Self {
        let socket = format!("heroku-j1-test-{}-{}", std::process::id(), rand_suffix());
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                command,
            ])
            .env_remove("TMUX")
            .status()
            .expect("run tmux");
        assert!(status.success(), "tmux new-session failed");
        Self { socket }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "0"])
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "0", k]);
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "0", "-l", text]);
        std::thread::sleep(Duration::from_millis(100));
    }

    fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            assert!(
                start.elapsed() < timeout,
                "timed out waiting for {needle:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the explorer has read the whole estate (its status line says how much it
    /// read, no longer "Reading Heroku… "): only then are preview and sync offered.
    fn wait_for_whole_estate(&self, timeout: Duration) -> String {
        self.wait_until("the whole estate to be read", timeout, |s| {
            s.contains(" entities, ") && !s.contains("Reading Heroku")
        })
    }

    fn wait_until(&self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < timeout,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64 % 1_000_000)
}

fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("HEROKU_J1_REQUIRE_TMUX").is_err(),
            "HEROKU_J1_REQUIRE_TMUX is set but tmux is not installed"
        );
        eprintln!("tmux is not installed: skipping the terminal test (apt-get install tmux)");
    }
    found
}

/// The name on the first tree row below `after` (e.g. the first team under "Teams (").
fn row_below(screen: &str, after: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.contains(after))
        .unwrap_or_else(|| panic!("{after:?} not on screen:\n{screen}"));
    let row = lines[i + 1].trim_start_matches('│');
    let cell = row.split('│').next().unwrap_or_default();
    cell.trim()
        .trim_start_matches(['▸', '▾'])
        .trim()
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn demo_in_a_real_terminal() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("heroku-j1.log");
    let bin = env!("CARGO_BIN_EXE_heroku-j1");
    let command = format!(
        "env -u HEROKU_API_KEY -u JUPITERONE_API_KEY HEROKU_J1_LOG=debug {bin} --demo --log-file {} ; echo heroku-j1-exit=$? ; sleep 120",
        shell_quote(&log)
    );
    let t = Tmux::start(&command, 100, 30);
    let long = Duration::from_secs(60);
    let short = Duration::from_secs(10);

    // The populated tree.
    let screen = t.wait_for("Teams (", long);
    assert!(screen.contains("DEMO"), "{screen}");
    assert!(screen.contains("rate limit"), "{screen}");
    assert!(screen.contains("? help"), "footer hints: {screen}");

    // Unfold and fold the account's members.
    t.keys(&["j"]);
    t.keys(&["l"]);
    t.wait_for("▾ Members (", short);
    t.keys(&["h"]);
    t.wait_for("▸ Members (", short);

    // Search a team by name and see its entity.
    let team = row_below(&t.screen(), "▾ Teams (");
    assert!(!team.is_empty());
    t.keys(&["/"]);
    t.wait_for("type to search", short);
    t.text(&team);
    t.keys(&["Enter"]);
    let screen = t.wait_for("_type heroku_team", short);
    assert!(screen.contains(&team), "{screen}");

    // The raw Heroku JSON, and back.
    t.keys(&["v"]);
    t.wait_for("Raw Heroku JSON", short);
    t.wait_for("\"created_at\"", short);
    t.keys(&["v"]);
    let screen = t.wait_for("Upload payload", short);
    assert!(screen.contains("\"_type\": \"heroku_team\""), "{screen}");
    t.keys(&["v"]);
    t.wait_for("JupiterOne entity", short);

    // Into the details pane and jump along a relationship.
    t.keys(&["Tab"]);
    t.wait_for("Enter: jump", short);
    t.keys(&["Enter"]);
    t.wait_until("a jump to another entity", short, |s| {
        !s.contains("_type heroku_team")
    });

    // g/G, PgDn/PgUp, n/N, and r (re-read in the background; the tree stays).
    t.keys(&["G"]);
    let bottom = t.screen();
    t.keys(&["g"]);
    t.wait_until("the top", short, |s| s != bottom);
    t.keys(&["PageDown"]);
    t.keys(&["PageUp"]);
    t.keys(&["/"]);
    t.text("@");
    t.keys(&["Enter"]);
    let first = t.wait_for("_type heroku_account_member", short);
    t.keys(&["n"]);
    let second = t.wait_until("the next match", short, |s| s != first);
    t.keys(&["N"]);
    t.wait_until("the previous match", short, |s| s != second);
    t.keys(&["r"]);
    t.wait_for("Teams (", short);
    t.wait_until("the refresh to finish", long, |s| {
        s.contains("entities,") && !s.contains("refreshing")
    });

    // Findings filter.
    t.keys(&["f"]);
    t.wait_for("users without 2FA", short);
    t.keys(&["Escape"]);
    t.wait_for("Filter off", short);

    // Help, generated from the keymap.
    t.keys(&["?"]);
    t.wait_for("Help (j/k scroll, ? or Esc to close)", short);
    t.keys(&["Escape"]);
    t.wait_until("the help to close", short, |s| {
        !s.contains("Help (j/k scroll")
    });

    // Preview the sync, then sync: a first sync asks for confirmation.
    t.keys(&["p"]);
    let screen = t.wait_for("Sync preview", long);
    assert!(screen.contains("heroku_application"), "{screen}");
    t.keys(&["s"]);
    t.wait_for("Confirm before syncing", short);
    t.keys(&["y"]);
    let screen = t.wait_for("Sync finished", long);
    assert!(screen.contains("created"), "{screen}");
    t.keys(&["Escape"]);
    t.wait_until("the result to close", short, |s| {
        !s.contains("Sync finished")
    });
    // The second sync has nothing to ask about: s goes straight through.
    t.keys(&["s"]);
    let screen = t.wait_for("Sync finished", long);
    assert!(
        screen.contains("0 created"),
        "nothing new the second time: {screen}"
    );
    t.keys(&["Escape"]);
    t.wait_until("the result to close", short, |s| {
        !s.contains("Sync finished")
    });

    // Quit with Ctrl-C: exit status 0 and the terminal restored (no alternate screen left on).
    t.keys(&["C-c"]);
    let screen = t.wait_for("heroku-j1-exit=", long);
    assert!(screen.contains("heroku-j1-exit=0"), "{screen}");
    assert_eq!(
        t.tmux(&["display-message", "-p", "-t", "0", "#{alternate_on}"])
            .trim(),
        "0"
    );
    assert!(
        !screen.contains("Teams ("),
        "the explorer's screen is gone after quit:\n{screen}"
    );
    assert!(Path::new(&log).exists(), "the log went to the file");
}

fn shell_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

/// The fake APIs as a child process: (process, Heroku URL, Heroku token).
fn fake_api() -> (std::process::Child, String, String) {
    use std::io::BufRead as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_heroku-j1"))
        .args(["fake-api", "--port", "0", "--no-jupiterone"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("fake-api");
    let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let url = lines
        .next()
        .expect("a line")
        .expect("utf-8")
        .trim_start_matches("listening on ")
        .to_owned();
    let token = lines
        .next()
        .expect("a line")
        .expect("utf-8")
        .trim_start_matches("heroku token: ")
        .to_owned();
    (child, url, token)
}

#[test]
fn login_form_in_a_real_terminal() {
    if !tmux_available() {
        return;
    }
    let (mut fake, url, token) = fake_api();
    let dir = tempfile::tempdir().unwrap();
    let service = format!("heroku-j1-tmux-test-{}", std::process::id());
    let bin = env!("CARGO_BIN_EXE_heroku-j1");
    let config = dir.path().join("config");
    let command = format!(
        "env -u HEROKU_API_KEY -u JUPITERONE_API_KEY HEROKU_J1_KEYRING_SERVICE={service} {bin} --heroku-api-url {url} --config-dir {} --log-file {} ; echo heroku-j1-exit=$? ; sleep 120",
        shell_quote(&config),
        shell_quote(&dir.path().join("log"))
    );
    let t = Tmux::start(&command, 100, 32);
    let long = Duration::from_secs(60);
    let short = Duration::from_secs(15);
    let mut screens = Vec::new();

    // No key anywhere: the login form, not an error.
    screens.push(t.wait_for("Keys: stored in the OS keyring", long));
    // A wrong key is rejected inline.
    t.text("HRKU-AAwrong-key-0000000000000000000000000000000000000000000000000");
    t.keys(&["Enter"]);
    screens.push(t.wait_for("rejected", long));
    // The right one (pasted), then Enter.
    t.tmux(&["set-buffer", &token]);
    t.tmux(&["paste-buffer", "-p", "-t", "0"]);
    std::thread::sleep(Duration::from_millis(200));
    screens.push(t.screen());
    t.keys(&["Enter"]);
    let screen = t.wait_until(
        "the tree, or the offer to use the key for this run only",
        long,
        |s| s.contains("Teams (") || s.contains("for this run only"),
    );
    screens.push(screen.clone());
    let stored = !screen.contains("for this run only");
    if std::env::var("HEROKU_J1_REQUIRE_KEYRING").is_ok() {
        assert!(
            stored,
            "with a keyring running the key must be stored:\n{screen}"
        );
    }
    if !stored {
        t.keys(&["Enter"]);
    }
    screens.push(t.wait_for("Teams (", long));
    // The keys view shows the source and at most the last four characters.
    t.keys(&["K"]);
    let keys = t.wait_for("Heroku API key:", short);
    screens.push(keys.clone());
    let tail: String = token
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(keys.contains(&format!("…{tail}")), "{keys}");
    assert!(
        keys.contains(if stored { "keyring" } else { "this run only" }),
        "{keys}"
    );
    t.keys(&["Escape", "q"]);
    screens.push(t.wait_for("heroku-j1-exit=0", long));
    for s in &screens {
        assert!(!s.contains(&token), "the key never appears on screen:\n{s}");
    }
    if stored {
        let out = Command::new(bin)
            .args(["logout", "--all", "--config-dir"])
            .arg(&config)
            .env("HEROKU_J1_KEYRING_SERVICE", &service)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = fake.kill();
    let _ = fake.wait();
}

/// The fake Heroku and JupiterOne as a child process, from its first five lines.
struct FakeApis {
    child: std::process::Child,
    heroku_url: String,
    heroku_token: String,
    j1_url: String,
    j1_token: String,
    j1_account: String,
}

impl FakeApis {
    fn start() -> Self {
        use std::io::BufRead as _;
        let mut child = Command::new(env!("CARGO_BIN_EXE_heroku-j1"))
            .args(["fake-api", "--port", "0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("fake-api");
        let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut next = |prefix: &str| {
            let line = lines.next().expect("a line").expect("utf-8");
            line.strip_prefix(prefix)
                .unwrap_or_else(|| panic!("{line:?} does not start with {prefix:?}"))
                .to_owned()
        };
        Self {
            heroku_url: next("listening on "),
            heroku_token: next("heroku token: "),
            j1_url: next("jupiterone: "),
            j1_token: next("jupiterone token: "),
            j1_account: next("jupiterone account: "),
            child,
        }
    }
}

impl Drop for FakeApis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_sync_from_the_explorer_is_seen_by_sync_with_the_same_data_dir() {
    if !tmux_available() {
        return;
    }
    let fakes = FakeApis::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("config");
    let bin = env!("CARGO_BIN_EXE_heroku-j1");
    let service = format!("heroku-j1-tmux-data-dir-test-{}", std::process::id());
    // Keys in the environment, URLs and folders as flags; no HEROKU_J1_DATA_DIR, so only
    // --data-dir can put the sync state in the temporary folder.
    let command = format!(
        "env -u HEROKU_J1_DATA_DIR -u HEROKU_J1_SCOPE HEROKU_J1_KEYRING_SERVICE={service} \
         HEROKU_API_KEY={} JUPITERONE_API_KEY={} JUPITERONE_ACCOUNT={} {bin} \
         --heroku-api-url {} --jupiterone-api-url {} --data-dir {} --config-dir {} \
         --log-file {} ; echo heroku-j1-exit=$? ; sleep 120",
        fakes.heroku_token,
        fakes.j1_token,
        fakes.j1_account,
        fakes.heroku_url,
        fakes.j1_url,
        shell_quote(&data),
        shell_quote(&config),
        shell_quote(&dir.path().join("explorer.log")),
    );
    let t = Tmux::start(&command, 100, 30);
    let long = Duration::from_secs(60);
    t.wait_for("Teams (", long);
    assert!(!t.screen().contains("DEMO"), "not the demo");
    t.wait_until("the crawl to finish", long, |s| s.contains("entities,"));
    // A first sync: the explorer asks, y goes on.
    t.keys(&["s"]);
    t.wait_for("Confirm before syncing", long);
    t.keys(&["y"]);
    let screen = t.wait_for("Sync finished", long);
    assert!(screen.contains("created"), "{screen}");
    t.keys(&["Escape", "q"]);
    let screen = t.wait_for("heroku-j1-exit=", long);
    assert!(screen.contains("heroku-j1-exit=0"), "{screen}");
    let states: Vec<_> = std::fs::read_dir(&data)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(
        !states.is_empty(),
        "the explorer kept its sync state in --data-dir"
    );

    // `sync` with the same folder compares with that sync: no first-sync refusal, nothing
    // new, so it goes through without --yes.
    let out = Command::new(bin)
        .args(["sync", "--heroku-api-url", &fakes.heroku_url])
        .args(["--jupiterone-api-url", &fakes.j1_url])
        .arg("--data-dir")
        .arg(&data)
        .arg("--config-dir")
        .arg(&config)
        .arg("--log-file")
        .arg(dir.path().join("sync.log"))
        .args(["--poll-interval", "50ms"])
        .env("HEROKU_API_KEY", &fakes.heroku_token)
        .env("JUPITERONE_API_KEY", &fakes.j1_token)
        .env("JUPITERONE_ACCOUNT", &fakes.j1_account)
        .env("HEROKU_J1_KEYRING_SERVICE", &service)
        .env_remove("HEROKU_J1_DATA_DIR")
        .env_remove("HEROKU_J1_SCOPE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("first sync"), "{stdout}{stderr}");
    assert!(
        stdout.contains("Compared with the last sync"),
        "{stdout}{stderr}"
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
}

/// The character column of `needle` on the first screen line holding it.
fn column_of(screen: &str, needle: &str) -> Option<(usize, usize)> {
    screen.lines().enumerate().find_map(|(row, line)| {
        line.find(needle)
            .map(|byte| (row, line[..byte].chars().count()))
    })
}

#[test]
fn query_line_and_questions_in_a_real_terminal() {
    if !tmux_available() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_heroku-j1");
    let command = format!(
        "env -u HEROKU_API_KEY -u JUPITERONE_API_KEY {bin} --demo ; echo heroku-j1-exit=$? ; sleep 120"
    );
    let t = Tmux::start(&command, 110, 40);
    let long = Duration::from_secs(60);
    let short = Duration::from_secs(10);
    t.wait_for("Teams (", long);
    let team = row_below(&t.screen(), "▾ Teams (");
    assert!(!team.is_empty());

    // A query with a typo: the caret is under it, the message below.
    t.keys(&[":"]);
    t.wait_for("J1QL query", short);
    let tail = format!("WTH name = '{team}'");
    t.text(&format!("FIND heroku_team {tail}"));
    t.keys(&["Enter"]);
    let screen = t.wait_until("the caret", short, |s| {
        s.lines()
            .any(|l| l.trim_end().ends_with('^') || l.contains("^ "))
    });
    let (query_row, typo) = column_of(&screen, "WTH name").expect("the query on screen");
    let (caret_row, caret) = column_of(&screen, "^").expect("a caret");
    assert_eq!(caret_row, query_row + 1, "{screen}");
    assert_eq!(caret, typo, "the caret is under the typo:\n{screen}");

    // Fix it and run: one row, the team.
    for _ in 0..tail.chars().count() {
        t.keys(&["BSpace"]);
    }
    t.text(&format!("WITH name = '{team}'"));
    t.keys(&["Enter"]);
    let screen = t.wait_for("1 row —", short);
    assert!(!screen.contains('^'), "the error is gone:\n{screen}");
    assert!(screen.contains("heroku_team"), "{screen}");

    // Enter jumps to the team in the tree.
    t.keys(&["Enter"]);
    let screen = t.wait_for("_type heroku_team", short);
    assert!(!screen.contains("J1QL query"), "{screen}");
    assert!(screen.contains(&team), "{screen}");

    // The saved questions with their chart; Enter runs one into the results table.
    t.keys(&["Q"]);
    let screen = t.wait_for("rows per question", short);
    assert!(screen.contains("Saved questions"), "{screen}");
    assert!(screen.contains("admins-without-2fa"), "{screen}");
    assert!(screen.contains('█'), "bars in the chart:\n{screen}");
    t.keys(&["Enter"]);
    t.wait_for(" — Admins without two-factor", short);
    t.keys(&["Escape"]);
    t.wait_until("back to the tree", short, |s| !s.contains("J1QL query"));
    t.keys(&["q"]);
    t.wait_for("heroku-j1-exit=0", short);
}

/// The demo drifts its fake estate on the first `r` after a sync; the preview's change
/// review shows the renamed app by name with its old and new name.
#[test]
fn demo_drift_is_reviewed_in_the_explorer() {
    if !tmux_available() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_heroku-j1");
    let command = format!(
        "env -u HEROKU_API_KEY -u JUPITERONE_API_KEY {bin} --demo ; echo heroku-j1-exit=$? ; sleep 120"
    );
    let t = Tmux::start(&command, 120, 40);
    let long = Duration::from_secs(60);
    let short = Duration::from_secs(10);
    t.wait_for("Teams (", long);
    t.wait_until("the help to close", short, |s| {
        !s.contains("Help (j/k scroll")
    });
    // Sync (a first sync asks; sync waits for the whole estate, the tree shows before), then
    // r: the demo's estate drifts and is read again.
    t.wait_for_whole_estate(long);
    t.keys(&["s"]);
    t.wait_for("Confirm before syncing", long);
    t.keys(&["y"]);
    t.wait_for("Sync finished", long);
    t.keys(&["Escape"]);
    t.wait_until("the result to close", short, |s| {
        !s.contains("Sync finished")
    });
    t.keys(&["r"]);
    t.wait_until("the refresh to finish", long, |s| {
        !s.contains("Reading Heroku")
    });
    t.keys(&["p"]);
    let screen = t.wait_for("Sync preview", long);
    assert!(screen.contains("Against the last sync"), "{screen}");
    // Tab down to the application row, Enter: its changes.
    let mut screen = t.screen();
    for _ in 0..20 {
        if screen.contains("› heroku_application ") {
            break;
        }
        t.keys(&["Tab"]);
        screen = t.screen();
    }
    assert!(screen.contains("› heroku_application "), "{screen}");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Changes of heroku_application", short);
    assert!(screen.contains("~ changed"), "{screen}");
    // Changed ones only, then Enter: the diff, old → new, with its sign.
    t.keys(&["t", "t"]);
    t.wait_for("changed (1 shown)", short);
    t.keys(&["Enter"]);
    let screen = t.wait_for("Change  ~ changed", short);
    assert!(screen.contains("~ name"), "{screen}");
    assert!(screen.contains("-r1\""), "the new name: {screen}");
    assert!(screen.contains(" → "), "{screen}");
    // Esc goes back one level at a time.
    t.keys(&["Escape"]);
    t.wait_for("Changes of heroku_application", short);
    t.keys(&["Escape"]);
    t.wait_for("Sync preview", short);
    // The tree marks what changed since the last sync, and a filter shows only that.
    t.keys(&["Escape"]);
    let mut screen = t.screen();
    for _ in 0..12 {
        if screen.contains("changed since last sync") {
            break;
        }
        t.keys(&["f"]);
        screen = t.screen();
    }
    let screen = t.wait_for("[changed]", short);
    assert!(screen.contains("-r1"), "{screen}");
    t.keys(&["C-c"]);
    let screen = t.wait_for("heroku-j1-exit=", long);
    assert!(screen.contains("heroku-j1-exit=0"), "{screen}");
}

/// The search box's `match i/n`.
fn counter(screen: &str) -> Option<(usize, usize)> {
    let rest = screen.split("match ").nth(1)?;
    let (at, of) = rest.split_whitespace().next()?.split_once('/')?;
    Some((at.parse().ok()?, of.parse().ok()?))
}

/// Paste into the search box, its `match i/n` counter, help reopening at its top, the
/// too-small notice, and `c` putting the selected `_key` on the clipboard (OSC 52, which
/// tmux keeps as a paste buffer).
#[test]
fn search_paste_counter_help_too_small_and_copy_in_a_real_terminal() {
    if !tmux_available() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_heroku-j1");
    // `o` opens links with $BROWSER: here a script that only records the URL.
    let dir = tempfile::tempdir().unwrap();
    let opened = dir.path().join("opened.txt");
    let browser = dir.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\necho \"$1\" >> {}\n", shell_quote(&opened)),
    )
    .unwrap();
    // tmux, and so this test, runs on Unix only; the block keeps the file compiling elsewhere.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let command = format!(
        "env -u HEROKU_API_KEY -u JUPITERONE_API_KEY NO_COLOR=1 BROWSER={} {bin} --demo ; echo heroku-j1-exit=$? ; sleep 120",
        shell_quote(&browser)
    );
    let t = Tmux::start(&command, 100, 30);
    t.tmux(&["set-option", "-g", "set-clipboard", "on"]);
    let long = Duration::from_secs(60);
    let short = Duration::from_secs(10);
    t.wait_for("Teams (", long);
    let team = row_below(&t.screen(), "▾ Teams (");
    assert!(team.chars().count() > 3, "{team}");

    // A bracketed paste into `/` keeps the whole text and selects the first match.
    t.keys(&["/"]);
    t.wait_for("type to search", short);
    t.tmux(&["set-buffer", &team]);
    t.tmux(&["paste-buffer", "-p", "-t", "0"]);
    let screen = t.wait_for("match ", short);
    assert!(screen.contains(&format!("/{team}█")), "{screen}");
    assert!(counter(&screen).is_some(), "{screen}");
    t.keys(&["Enter"]);
    let screen = t.wait_for("_type heroku_team", short);
    assert!(screen.contains(&team), "{screen}");

    // The counter moves with ↓ (next match).
    t.keys(&["/"]);
    t.wait_for("type to search", short);
    t.tmux(&["set-buffer", "@"]);
    t.tmux(&["paste-buffer", "-p", "-t", "0"]);
    let (at, of) = counter(&t.wait_for("match ", short)).expect("a counter");
    assert!(of > 2, "every user matches @: {of}");
    t.keys(&["Down"]);
    t.wait_for(&format!("match {}/{of}", at % of + 1), short);
    t.keys(&["Enter"]);
    let screen = t.wait_for("_type heroku_account_member", short);

    // c: the selected object's _key on the clipboard.
    let key = screen
        .lines()
        .find_map(|l| l.split("_key  ").nth(1))
        .map(|rest| rest.split([' ', '│']).next().unwrap_or_default().to_owned())
        .expect("the _key line");
    t.keys(&["c"]);
    t.wait_for("Copied _key", short);
    let start = Instant::now();
    loop {
        let buffer = t.tmux(&["show-buffer"]);
        if buffer.trim() == key {
            break;
        }
        assert!(
            start.elapsed() < short,
            "the clipboard holds {buffer:?}, not {key:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // o on a user: no page to open. On an app: its webLink, recorded by
    // the $BROWSER script instead of a browser.
    t.keys(&["o"]);
    t.wait_for("No Heroku page", short);
    t.keys(&[":"]);
    t.wait_for("J1QL query", short);
    t.text("FIND heroku_application LIMIT 1");
    t.keys(&["Enter"]);
    t.wait_for("1 row", short);
    t.keys(&["Enter"]);
    let screen = t.wait_for("_type heroku_application", short);
    assert!(screen.contains("webLink"), "{screen}");
    t.keys(&["o"]);
    t.wait_for("in the browser", short);
    let start = Instant::now();
    let url = loop {
        let url = std::fs::read_to_string(&opened).unwrap_or_default();
        if !url.is_empty() {
            break url;
        }
        assert!(start.elapsed() < short, "the browser script never ran");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        url.trim().starts_with("https://dashboard.heroku.com/apps/"),
        "{url}"
    );

    // Help opens at its top, and again at its top after scrolling.
    t.keys(&["?"]);
    t.wait_for("Browsing", short);
    for _ in 0..15 {
        t.keys(&["j"]);
    }
    t.wait_until("the help to scroll", short, |s| !s.contains("Browsing"));
    t.keys(&["Escape"]);
    t.wait_until("the help to close", short, |s| !s.contains("Help (j/k"));
    t.keys(&["?"]);
    t.wait_for("Browsing", short);
    t.keys(&["Escape"]);

    // Too small: a notice instead of a garbled tree; back to normal when it grows.
    t.tmux(&["resize-window", "-t", "0", "-x", "30", "-y", "8"]);
    let screen = t.wait_for("Terminal too", short);
    assert!(!screen.contains("[admin]"), "{screen}");
    t.tmux(&["resize-window", "-t", "0", "-x", "100", "-y", "30"]);
    t.wait_for("Teams (", short);
    t.keys(&["q"]);
    t.wait_for("heroku-j1-exit=0", short);
}

/// With a Heroku key but no JupiterOne key, `s` opens the form for the JupiterOne key alone;
/// once it is checked (and stored, or kept for this run when no keyring runs) the preview
/// opens and the first sync asks, as `s` would have with the key set.
#[test]
fn s_without_a_jupiterone_key_asks_for_it_and_goes_on_to_the_preview() {
    if !tmux_available() {
        return;
    }
    let fakes = FakeApis::start();
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_heroku-j1");
    let service = format!("heroku-j1-tmux-j1-form-test-{}", std::process::id());
    let config = dir.path().join("config");
    let command = format!(
        "env -u JUPITERONE_API_KEY -u JUPITERONE_ACCOUNT -u HEROKU_J1_DATA_DIR \
         HEROKU_J1_KEYRING_SERVICE={service} HEROKU_API_KEY={} {bin} \
         --heroku-api-url {} --jupiterone-api-url {} --data-dir {} --config-dir {} \
         --log-file {} ; echo heroku-j1-exit=$? ; sleep 120",
        fakes.heroku_token,
        fakes.heroku_url,
        fakes.j1_url,
        shell_quote(&dir.path().join("data")),
        shell_quote(&config),
        shell_quote(&dir.path().join("explorer.log")),
    );
    let t = Tmux::start(&command, 100, 32);
    let long = Duration::from_secs(60);
    let short = Duration::from_secs(15);
    t.wait_for_whole_estate(long);
    t.keys(&["s"]);
    let screen = t.wait_for("No JupiterOne key yet", short);
    assert!(!screen.contains("start heroku-j1 again"), "{screen}");
    assert!(
        !screen.contains("Heroku API key"),
        "only JupiterOne's fields:\n{screen}"
    );
    t.text(&fakes.j1_account);
    t.keys(&["Tab"]);
    t.tmux(&["set-buffer", &fakes.j1_token]);
    t.tmux(&["paste-buffer", "-p", "-t", "0"]);
    std::thread::sleep(Duration::from_millis(200));
    t.keys(&["Enter"]);
    let screen = t.wait_until("the preview, or the offer for this run only", long, |s| {
        s.contains("Sync preview") || s.contains("for this run only")
    });
    if !screen.contains("Sync preview") {
        assert!(
            std::env::var("HEROKU_J1_REQUIRE_KEYRING").is_err(),
            "with a keyring running the key must be stored:\n{screen}"
        );
        t.keys(&["Enter"]);
    }
    let screen = t.wait_for("Confirm before syncing", long);
    assert!(screen.contains("first sync"), "{screen}");
    assert!(!screen.contains(&fakes.j1_token), "the key never shows");
    t.keys(&["Escape", "q"]);
    t.wait_for("heroku-j1-exit=0", long);
    let _ = Command::new(bin)
        .args(["logout", "--all", "--config-dir"])
        .arg(&config)
        .env("HEROKU_J1_KEYRING_SERVICE", &service)
        .output();
}
