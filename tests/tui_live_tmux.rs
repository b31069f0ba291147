//! End to end: `--demo --demo-latency 200ms` in a real terminal (tmux): tree nodes are on
//! screen while the crawl's gauges still run, then the complete tree replaces them. And
//! `--demo-latency` refuses a zero duration like every duration option.
//!
//! Needs `tmux`; without it the terminal test prints a notice and passes, unless
//! `HEROKU_J1_REQUIRE_TMUX=1` (set by `.ci/run`).

use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(["-L", socket])
        .args(args)
        .env_remove("TMUX")
        .output()
        .expect("tmux");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Kills the tmux server when dropped.
struct Server(String);

impl Drop for Server {
    fn drop(&mut self) {
        tmux(&self.0, &["kill-server"]);
    }
}

#[test]
fn the_tree_fills_in_while_the_slow_demo_crawl_runs() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(
            std::env::var("HEROKU_J1_REQUIRE_TMUX").is_err(),
            "HEROKU_J1_REQUIRE_TMUX is set but tmux is not installed"
        );
        eprintln!("tmux is not installed: skipping the terminal test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_heroku-j1");
    let command = format!(
        "env -u HEROKU_API_KEY -u JUPITERONE_API_KEY {bin} --demo --demo-latency 200ms --log-file '{}' ; sleep 60",
        dir.path().join("log").display()
    );
    let server = Server(format!("heroku-j1-live-{}", std::process::id()));
    tmux(
        &server.0,
        &[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            &command,
        ],
    );
    let start = Instant::now();
    let mut screens = Vec::new();
    let (mut live, mut complete) = (false, false);
    while start.elapsed() < Duration::from_secs(60) && !complete {
        let screen = tmux(&server.0, &["capture-pane", "-p", "-t", "0"]);
        let gauges = screen.contains("Reading Heroku");
        let nodes = screen.contains("Teams (") || screen.contains("Members (");
        live |= gauges && nodes;
        complete = nodes && !gauges && screen.contains(" entities, ");
        screens.push(screen);
        std::thread::sleep(Duration::from_millis(50));
    }
    let last = screens.last().cloned().unwrap_or_default();
    assert!(
        live,
        "no screen showed tree nodes while the crawl ran; the last one:\n{last}"
    );
    assert!(
        complete,
        "the crawl did not finish; the last screen:\n{last}"
    );
}

#[test]
fn a_zero_demo_latency_is_refused_before_anything_starts() {
    let out = Command::new(env!("CARGO_BIN_EXE_heroku-j1"))
        .args(["--demo", "--demo-latency", "0s"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--demo-latency") && err.contains("zero"),
        "{err}"
    );
    // Only with --demo.
    let out = Command::new(env!("CARGO_BIN_EXE_heroku-j1"))
        .args(["--demo-latency", "200ms"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--demo"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
