//! `heroku-j1 fake-api`, the real binary: its first two lines, 127.0.0.1 only, the default
//! token, a Range walk, 401 and 406, and a clean stop on SIGTERM.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use heroku_j1::fake::heroku::DEFAULT_TOKEN;

const ACCEPT: &str = "application/vnd.heroku+json; version=3";

struct Server {
    child: Child,
    url: String,
    token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_heroku-j1"))
        .arg("fake-api")
        .args(["--port", "0"])
        .args(args)
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
    Server { child, url, token }
}

#[tokio::test]
async fn serves_the_demo_estate_until_terminated() {
    // `mut` for the SIGTERM check, which runs on Unix only.
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut server = spawn(&["--size", "demo", "--seed", "3"]);
    assert_eq!(server.token, DEFAULT_TOKEN);
    let http = reqwest::Client::new();
    // Walk the first team's apps three at a time.
    let teams: Vec<serde_json::Value> = http
        .get(format!("{}/teams", server.url))
        .bearer_auth(&server.token)
        .header("Accept", ACCEPT)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let team = teams[0]["id"].as_str().unwrap().to_owned();
    let mut range = "id ..; max=3".to_owned();
    let mut statuses = Vec::new();
    loop {
        let r = http
            .get(format!("{}/teams/{team}/apps", server.url))
            .bearer_auth(&server.token)
            .header("Accept", ACCEPT)
            .header("Range", &range)
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
        match r.headers().get("next-range") {
            Some(next) => range = next.to_str().unwrap().to_owned(),
            None => break,
        }
    }
    assert_eq!(statuses.last(), Some(&200));
    assert!(statuses[..statuses.len() - 1].iter().all(|s| *s == 206));
    // A wrong token and a missing Accept.
    let r = http
        .get(format!("{}/account", server.url))
        .bearer_auth("HRKU-AAwrong")
        .header("Accept", ACCEPT)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"id":"unauthorized","message":"Invalid credentials provided."}"#
    );
    let r = http
        .get(format!("{}/account", server.url))
        .bearer_auth(&server.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 406);

    // SIGTERM (or Ctrl-C) stops it with status 0.
    #[cfg(unix)]
    {
        use std::time::{Duration, Instant};
        let pid = server.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        let started = Instant::now();
        loop {
            if let Some(status) = server.child.try_wait().unwrap() {
                assert!(status.success(), "{status:?}");
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "still running");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[tokio::test]
async fn flags_set_the_token_the_counts_and_the_faults() {
    let server = spawn(&[
        "--heroku-token",
        "HRKU-custom",
        "--heroku-token",
        "HRKU-second",
        "--apps",
        "12",
        "--error-rate",
        "1",
        "--rate-limit",
        "50",
    ]);
    assert_eq!(server.token, "HRKU-custom");
    let http = reqwest::Client::new();
    let r = http
        .get(format!("{}/apps", server.url))
        .bearer_auth("HRKU-second")
        .header("Accept", ACCEPT)
        .send()
        .await
        .unwrap();
    assert!(matches!(r.status().as_u16(), 500 | 503));
    assert_eq!(r.headers()["ratelimit-remaining"], "49");
    // Faults off through the control endpoint: the counts show.
    http.post(format!("{}/__fake/faults", server.url))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    let apps: Vec<serde_json::Value> = http
        .get(format!("{}/apps", server.url))
        .bearer_auth("HRKU-custom")
        .header("Accept", ACCEPT)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(apps.len(), 12);
}

#[test]
fn help_documents_the_default_port_and_token() {
    let out = Command::new(env!("CARGO_BIN_EXE_heroku-j1"))
        .args(["fake-api", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("[default: 5555]"), "{help}");
    assert!(help.contains(DEFAULT_TOKEN), "{help}");
    assert!(help.contains("--heroku-token"));
    assert!(help.contains("/__fake/faults"));
}
