//! `heroku-j1 fake-api`, the real binary: its first two lines, 127.0.0.1 only, the default
//! token, a Range walk, 401 and 406, a clean stop on SIGTERM, and its fake JupiterOne as the
//! official CLI talks to it (either account header, job events, the control endpoints).

mod fake_api_process;

use std::process::Command;

use fake_api_process::spawn;
use heroku_j1::fake::heroku::DEFAULT_TOKEN;
use serde_json::{Value, json};

const ACCEPT: &str = "application/vnd.heroku+json; version=3";

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
    assert!(help.contains("LifeOmic-Account"), "{help}");
    assert!(help.contains("/__fake/stored?scope=S"), "{help}");
}

const JOBS: &str = "/persister/synchronization/jobs";

/// JupiterOne's official CLI sends the account as `LifeOmic-Account`; the current clients send
/// `JupiterOne-Account`. The fake, like the service, takes either, and says so when both lack.
#[tokio::test]
async fn fake_jupiterone_accepts_either_account_header() {
    let mut server = spawn(&[]);
    let j1 = server.jupiterone();
    let http = reqwest::Client::new();
    let start = |header: Option<&'static str>, account: &str| {
        let mut r = http
            .post(format!("{}{JOBS}", j1.url))
            .bearer_auth(&j1.token)
            .json(&json!({"source": "api", "scope": "heroku-j1-wire"}));
        if let Some(h) = header {
            r = r.header(h, account);
        }
        r.send()
    };
    for header in ["LifeOmic-Account", "JupiterOne-Account", "lifeomic-account"] {
        let r = start(Some(header), &j1.account).await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{header}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["job"]["status"], "AWAITING_UPLOADS", "{header}");
        assert_eq!(body["job"]["accountId"], j1.account.as_str());
    }
    // A wrong account under either name is refused.
    let r = start(Some("LifeOmic-Account"), "not-the-account")
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"error": {"code": "UNAUTHORIZED", "message": "Unauthorized"}})
    );
    // The right key and neither header: the message names both.
    let r = start(None, "").await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: Value = r.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("JupiterOne-Account"), "{message}");
    assert!(message.contains("LifeOmic-Account"), "{message}");
    // The control endpoint counts the refusals (and is itself not counted).
    let stats: Value = http
        .get(format!("{}/__fake/stats", j1.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["unauthorized"], 2);
    assert_eq!(stats["requests"]["start"], 5);
    assert_eq!(stats["total_requests"], 5);
}

/// `POST …/jobs/{id}/events` (the official CLI reports through it) stores the events on the
/// job; `GET /__fake/jobs` shows them.
#[tokio::test]
async fn fake_jupiterone_stores_job_events() {
    let mut server = spawn(&[]);
    let j1 = server.jupiterone();
    let http = reqwest::Client::new();
    let post = |path: String, body: Value| {
        http.post(format!("{}{JOBS}{path}", j1.url))
            .bearer_auth(&j1.token)
            .header("LifeOmic-Account", &j1.account)
            .json(&body)
            .send()
    };
    let started: Value = post(String::new(), json!({"source": "api", "scope": "s-events"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = started["job"]["id"].as_str().unwrap().to_owned();
    let r = post(
        format!("/{id}/events"),
        json!({"events": [
            {"name": "step_start", "description": "Started step \"Fetch apps\""},
            {"name": "step_end", "description": "Completed step \"Fetch apps\""},
        ]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let answer: Value = r.json().await.unwrap();
    let events = answer["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["name"], "step_start");
    assert_eq!(events[1]["description"], "Completed step \"Fetch apps\"");
    assert!(events[0]["id"].as_str().is_some_and(|s| s.len() == 36));
    assert!(events[0]["createDate"].as_i64().is_some_and(|t| t > 0));
    // One more, then a refusal that stores nothing.
    let r = post(
        format!("/{id}/events"),
        json!({"events": [{"name": "note", "description": "third"}]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = post(
        format!("/{id}/events"),
        json!({"events": [{"description": "no name"}]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r = post("/no-such-job/events".to_owned(), json!({"events": []}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);

    let jobs: Value = http
        .get(format!("{}/__fake/jobs", j1.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let job = &jobs.as_array().unwrap()[0];
    assert_eq!(job["id"], id.as_str());
    let names: Vec<&str> = job["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["step_start", "step_end", "note"]);
    assert_eq!(job["events"][2]["description"], "third");
}
