//! `heroku-j1 fake-api` run as a child process on a free port, with the URLs and tokens it
//! prints on stdout. Shared by the tests that drive the fakes from outside the process.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Lines};
use std::process::{Child, ChildStdout, Command, Stdio};

/// The fake JupiterOne's address and credentials, as `fake-api` prints them.
#[derive(Debug, Clone)]
pub struct JupiterOne {
    pub url: String,
    pub token: String,
    pub account: String,
}

/// A running `heroku-j1 fake-api`; dropping it kills it.
pub struct Server {
    pub child: Child,
    /// The fake Heroku's URL and its enterprise token.
    pub url: String,
    pub token: String,
    lines: Lines<BufReader<ChildStdout>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `heroku-j1 fake-api --port 0 ARGS` and reads its first two lines.
pub fn spawn(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_heroku-j1"))
        .arg("fake-api")
        .args(["--port", "0"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    let second = lines.next().expect("a second line").expect("utf-8");
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);
    let token = second
        .strip_prefix("heroku token: ")
        .unwrap_or_else(|| panic!("second line: {second:?}"))
        .to_owned();
    Server {
        child,
        url,
        token,
        lines,
    }
}

impl Server {
    /// Reads the three `jupiterone…` lines that follow the first two (call once).
    pub fn jupiterone(&mut self) -> JupiterOne {
        let mut next = |prefix: &str| {
            let line = self.lines.next().expect("a line").expect("utf-8");
            line.strip_prefix(prefix)
                .unwrap_or_else(|| panic!("expected {prefix:?}, got {line:?}"))
                .to_owned()
        };
        let url = next("jupiterone: ");
        let token = next("jupiterone token: ");
        let account = next("jupiterone account: ");
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        JupiterOne {
            url,
            token,
            account,
        }
    }
}
