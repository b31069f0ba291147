//! `heroku-j1 query` and `heroku-j1 questions`, the real binary on a folder written by the
//! library's export (`--from`): exit codes, `--json` rows, `--csv`, `--fail-if-any`,
//! `--fail-on`, the caret message, a user's questions file.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use heroku_j1::fake::heroku::Size;
use heroku_j1::graph::{Graph, export};
use serde_json::Value;
use support::graph_of;

struct Setup {
    dir: tempfile::TempDir,
    graph: PathBuf,
}

impl Setup {
    fn new(graph: &Graph) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("graph");
        export::write(graph, &path).unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        Self { dir, graph: path }
    }

    fn demo() -> Self {
        Self::new(&graph_of(Size::Demo))
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    fn run(&self, args: &[&str]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_heroku-j1"))
            .args(args)
            .env_remove("HEROKU_API_KEY")
            .env_remove("HEROKU_API_URL")
            .env("HEROKU_J1_CONFIG_DIR", self.config())
            .env("HEROKU_J1_LOG_FILE", self.dir.path().join("log"))
            .env("HEROKU_J1_DATA_DIR", self.dir.path().join("data"))
            .output()
            .unwrap()
    }

    fn from(&self) -> String {
        self.graph.display().to_string()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The exported entities, read as plain JSON (not through the graph or the engine).
fn exported_entities(dir: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![dir.join("graph")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.parent().is_some_and(|d| d.ends_with("entities")) {
                files.push(p);
            }
        }
    }
    for f in files {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        out.extend(v["entities"].as_array().unwrap().iter().cloned());
    }
    out
}

#[test]
fn json_prints_the_rows() {
    let s = Setup::demo();
    let o = s.run(&[
        "query",
        "FIND User WITH mfaEnabled != true",
        "--from",
        &s.from(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let body: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = body["rows"].as_array().unwrap();
    let mut expected: Vec<&str> = Vec::new();
    let entities = exported_entities(&s.graph);
    for e in &entities {
        if e["_class"][0] == "User" && e["mfaEnabled"] != Value::Bool(true) {
            expected.push(e["_key"].as_str().unwrap());
        }
    }
    let mut got: Vec<&str> = rows.iter().map(|r| r["_key"].as_str().unwrap()).collect();
    expected.sort_unstable();
    got.sort_unstable();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
    assert_eq!(body["count"], rows.len());
    assert!(
        rows.iter()
            .all(|r| r["_type"] == "heroku_account_member" && r.get("_rawData").is_none())
    );

    // RETURN columns become the row objects' keys.
    let o = s.run(&[
        "query",
        "FIND Team AS t THAT OWNS Application AS a RETURN t.name, COUNT(a)",
        "--from",
        &s.from(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let body: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(body["columns"], serde_json::json!(["t.name", "COUNT(a)"]));
    let total: u64 = body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["COUNT(a)"].as_u64().unwrap())
        .sum();
    let apps = entities
        .iter()
        .filter(|e| e["_class"][0] == "Application")
        .count();
    assert_eq!(total as usize, apps);
}

#[test]
fn csv_and_the_table() {
    let s = Setup::demo();
    let o = s.run(&[
        "query",
        "FIND Application WITH maintenance = true",
        "--from",
        &s.from(),
        "--csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let expected: Vec<String> = exported_entities(&s.graph)
        .iter()
        .filter(|e| e["_class"][0] == "Application" && e["maintenance"] == Value::Bool(true))
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect();
    let text = stdout(&o);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["_type", "_key", "displayName"]
    );
    let mut names: Vec<String> = reader.records().map(|r| r.unwrap()[2].to_owned()).collect();
    let mut expected_sorted = expected.clone();
    names.sort();
    expected_sorted.sort();
    assert!(!expected.is_empty());
    assert_eq!(names, expected_sorted);

    let o = s.run(&[
        "query",
        "FIND Application AS a RETURN a.name, a.region ORDER BY a.name LIMIT 2",
        "--from",
        &s.from(),
        "--csv",
    ]);
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("a.name,a.region"));
    assert_eq!(lines.count(), 2);

    // The human table ends with the number of rows.
    let o = s.run(&[
        "query",
        "FIND Application WITH maintenance = true",
        "--from",
        &s.from(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let table = stdout(&o);
    assert!(
        table.ends_with(&format!("{} rows\n", expected.len())) || expected.len() == 1,
        "{table}"
    );
    for name in &expected {
        assert!(table.contains(name.as_str()), "{table}");
    }
}

#[test]
fn fail_if_any_exits_1_on_rows_only() {
    let s = Setup::demo();
    let o = s.run(&[
        "query",
        "FIND User WITH mfaEnabled = false",
        "--from",
        &s.from(),
        "--fail-if-any",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = s.run(&[
        "query",
        "FIND User WITH name = 'nobody'",
        "--from",
        &s.from(),
        "--fail-if-any",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("0 rows"));
}

#[test]
fn a_query_that_does_not_parse_exits_2_with_the_caret_before_reading_anything() {
    let s = Setup::demo();
    // The folder does not exist: the query is checked first.
    let o = s.run(&[
        "query",
        "FIND User WITH mfaEnabled == true",
        "--from",
        "/nonexistent/graph",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "FIND User WITH mfaEnabled == true\n                           ^\nexpected a value: J1QL compares with a single = (not ==)\n"
    );
    let o = s.run(&["query", "FIND User WITH name = /x/", "--from", &s.from()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("regular expressions (`/…/`) are not supported yet"));
    // A folder that does not exist: a usage error (2), before anything is read.
    let o = s.run(&["query", "FIND User", "--from", "/nonexistent/graph"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn query_runs_a_saved_question() {
    let s = Setup::demo();
    let o = s.run(&[
        "query",
        "--question",
        "apps-in-maintenance",
        "--from",
        &s.from(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let body: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let expected = exported_entities(&s.graph)
        .iter()
        .filter(|e| e["_class"][0] == "Application" && e["maintenance"] == Value::Bool(true))
        .count();
    assert_eq!(body["rows"].as_array().unwrap().len(), expected);
    let o = s.run(&[
        "query",
        "--question",
        "no-such-question",
        "--from",
        &s.from(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no saved question `no-such-question`"));
    // Neither a query nor a question: usage.
    let o = s.run(&["query", "--from", &s.from()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn questions_gate_on_severity() {
    let s = Setup::demo();
    let o = s.run(&["questions", "--from", &s.from(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let body: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let list = body["questions"].as_array().unwrap();
    let admins = list
        .iter()
        .find(|q| q["id"] == "admins-without-2fa")
        .unwrap();
    let expected = exported_entities(&s.graph)
        .iter()
        .filter(|e| {
            e["_class"][0] == "User"
                && e["isAdmin"] == Value::Bool(true)
                && e["mfaEnabled"] != Value::Bool(true)
        })
        .count();
    assert!(expected > 0);
    assert_eq!(admins["count"], expected);
    assert_eq!(admins["severity"], "critical");

    // The demo has critical findings: --fail-on high (and critical) fails.
    let o = s.run(&["questions", "--from", &s.from(), "--fail-on", "high"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("admins-without-2fa") && stdout(&o).contains("<- fails"));
    let o = s.run(&[
        "questions",
        "--from",
        &s.from(),
        "--fail-on",
        "critical",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let body: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        body["questions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["failed"] == (q["severity"] == "critical" && q["count"].as_u64() > Some(0)))
    );

    // An empty graph has no findings: the gate passes.
    let empty = Setup::new(&Graph::new());
    let o = empty.run(&["questions", "--from", &empty.from(), "--fail-on", "info"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("No question at or above info returned rows."));
    // A severity that does not exist: usage.
    let o = s.run(&["questions", "--from", &s.from(), "--fail-on", "urgent"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_users_questions_file_adds_to_the_shipped_ones() {
    let s = Setup::demo();
    std::fs::write(
        s.config().join("questions.toml"),
        "[[question]]\nid = \"eu-apps\"\ntitle = \"EU apps\"\nseverity = \"critical\"\nquery = \"FIND Application WITH region = 'eu'\"\n",
    )
    .unwrap();
    let o = s.run(&["questions", "--from", &s.from(), "--json"]);
    let body: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let eu = body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "eu-apps")
        .cloned()
        .unwrap();
    let expected = exported_entities(&s.graph)
        .iter()
        .filter(|e| e["_class"][0] == "Application" && e["region"] == "eu")
        .count();
    assert_eq!(eu["count"], expected);
    let o = s.run(&[
        "query",
        "--question",
        "eu-apps",
        "--from",
        &s.from(),
        "--fail-if-any",
    ]);
    assert_eq!(o.status.code(), Some(1));
    // A broken file is a usage error naming the question.
    std::fs::write(
        s.config().join("questions.toml"),
        "[[question]]\nid = \"bad\"\ntitle = \"Bad\"\nseverity = \"low\"\nquery = \"FIND User WITH\"\n",
    )
    .unwrap();
    let o = s.run(&["questions", "--from", &s.from()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("question `bad`") && stderr(&o).contains('^'),
        "{}",
        stderr(&o)
    );
}
