//! Running J1QL off the UI thread: one query (its history saved alongside), or every saved
//! question for the questions view's counts.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::graph::Graph;
use crate::query::{Query, questions};
use crate::tui::action::Action;
use crate::tui::query_line::save_history;
use crate::tui::query_results::{QueryResults, QuestionCount};

/// Runs `query` on a blocking thread and reports `QueryDone`; writes the history to the
/// data folder when there is one and the history is not empty.
pub fn spawn_query(
    title: String,
    query: Query,
    graph: Arc<Graph>,
    history: Vec<String>,
    data_dir: Option<PathBuf>,
    tx: UnboundedSender<Action>,
) {
    tokio::task::spawn_blocking(move || {
        if let Some(dir) = data_dir.filter(|_| !history.is_empty())
            && let Err(e) = save_history(&dir, &history)
        {
            tracing::warn!(error = %e, "cannot save the query history");
        }
        let output = query.run(&graph);
        let _ = tx.send(Action::QueryDone(Box::new(QueryResults { title, output })));
    });
}

/// Loads the saved questions (shipped, and `questions.toml` in `config_dir`), runs each on
/// a blocking thread and reports `QuestionsDone`.
pub fn spawn_questions(
    graph: Arc<Graph>,
    config_dir: Option<PathBuf>,
    tx: UnboundedSender<Action>,
) {
    tokio::task::spawn_blocking(move || {
        let now = chrono::Utc::now().timestamp_millis();
        let result = count_questions(&graph, config_dir.as_deref(), now);
        let _ = tx.send(Action::QuestionsDone(result));
    });
}

/// Every saved question with its count on `graph`, `date.now` being `now_ms`.
///
/// # Errors
/// The message for an invalid user file.
pub fn count_questions(
    graph: &Graph,
    config_dir: Option<&std::path::Path>,
    now_ms: i64,
) -> Result<Vec<QuestionCount>, String> {
    let all = questions::load(config_dir).map_err(|e| e.to_string())?;
    Ok(questions::run_all(&all, graph, now_ms)
        .into_iter()
        .map(|a| QuestionCount {
            id: a.question.id.clone(),
            title: a.question.title.clone(),
            severity: a.question.severity,
            count: a.output.len(),
            query: a.question.query.clone(),
        })
        .collect())
}
