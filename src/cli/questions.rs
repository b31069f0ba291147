//! `heroku-j1 questions`: runs every saved question (shipped and the config folder's
//! `questions.toml`) on a collected folder or a fresh crawl, and with `--fail-on SEVERITY`
//! exits 1 when a question at or above that severity returns rows: a compliance gate for CI.

use std::process::ExitCode;

use serde::Serialize;

use super::exit;
use super::query::{GraphSource, load_questions, printable};
use crate::query::questions::{self, Severity};
use crate::settings::Settings;

/// Options of `heroku-j1 questions`.
#[derive(Debug, Clone, clap::Args)]
pub struct QuestionsArgs {
    #[command(flatten)]
    pub source: GraphSource,
    /// Print the results as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Exit 1 when a question of this severity or above returns rows.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
}

/// One question's result, as `--json` prints it.
#[derive(Debug, Serialize)]
pub struct QuestionResult {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub count: usize,
    pub query: String,
    /// Whether it is at or above `--fail-on` and returned rows.
    pub failed: bool,
}

/// Runs `questions`.
///
/// # Errors
/// Output errors.
pub async fn run(settings: &Settings, args: QuestionsArgs) -> anyhow::Result<ExitCode> {
    let all = match load_questions(settings) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("heroku-j1: {e}");
            return Ok(ExitCode::from(exit::USAGE));
        }
    };
    let graph = match args.source.load(settings).await {
        Ok(g) => g,
        Err(code) => return Ok(ExitCode::from(code)),
    };
    let now = chrono::Utc::now().timestamp_millis();
    let results: Vec<QuestionResult> = questions::run_all(&all, &graph, now)
        .into_iter()
        .map(|a| {
            let count = a.output.len();
            QuestionResult {
                id: a.question.id.clone(),
                title: a.question.title.clone(),
                severity: a.question.severity,
                count,
                query: a.question.query.text().to_owned(),
                failed: count > 0 && args.fail_on.is_some_and(|s| a.question.severity >= s),
            }
        })
        .collect();
    let failed = results.iter().filter(|r| r.failed).count();
    if args.json {
        let body = serde_json::json!({
            "questions": results,
            "failOn": args.fail_on,
            "failed": failed,
        });
        println!("{}", serde_json::to_string_pretty(&body)?);
    } else {
        print!("{}", render(&results, args.fail_on));
    }
    Ok(ExitCode::from(if failed > 0 {
        exit::FAILURE
    } else {
        exit::OK
    }))
}

/// The human table: severity, count, id and title, one line per question.
#[must_use]
pub fn render(results: &[QuestionResult], fail_on: Option<Severity>) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let width = results.iter().map(|r| r.id.len()).max().unwrap_or(2);
    let _ = writeln!(
        out,
        "{:<8} {:>6}  {:<width$}  title",
        "severity", "rows", "id"
    );
    for r in results {
        let mark = if r.failed { "  <- fails" } else { "" };
        let _ = writeln!(
            out,
            "{:<8} {:>6}  {:<width$}  {}{mark}",
            r.severity.as_str(),
            r.count,
            printable(&r.id),
            printable(&r.title)
        );
    }
    let failed = results.iter().filter(|r| r.failed).count();
    match fail_on {
        Some(s) if failed > 0 => {
            let _ = writeln!(
                out,
                "{failed} question{} at or above {s} returned rows.",
                if failed == 1 { "" } else { "s" }
            );
        }
        Some(s) => {
            let _ = writeln!(out, "No question at or above {s} returned rows.");
        }
        None => {}
    }
    out
}
