//! Saved questions: J1QL queries with a title, a description and a severity. The shipped
//! set is `assets/questions.toml`; a `questions.toml` in the config folder (next to
//! `config.toml`) adds to it, a question with a shipped id replacing the shipped one.
//!
//! ```toml
//! [[question]]
//! id = "admins-without-2fa"
//! title = "Admins without two-factor authentication"
//! description = "…"
//! severity = "critical"            # info, low, medium, high or critical
//! query = "FIND User WITH isAdmin = true AND mfaEnabled != true"
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Output, Query, QueryError, parse};
use crate::graph::Graph;

/// The shipped questions.
pub const BUILT_IN: &str = include_str!("../../assets/questions.toml");

/// The user's file name in the config folder.
pub const FILE_NAME: &str = "questions.toml";

/// How much a question's rows matter.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" => Ok(Self::Info),
            "low" => Ok(Self::Low),
            "medium" => Ok(Self::Medium),
            "high" => Ok(Self::High),
            "critical" => Ok(Self::Critical),
            other => Err(format!(
                "unknown severity `{other}` (expected info, low, medium, high or critical)"
            )),
        }
    }
}

/// One saved question, its query parsed.
#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub query: Query,
    /// Where it comes from: `built-in` or the user's file.
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    question: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    title: String,
    #[serde(default)]
    description: String,
    severity: Severity,
    query: String,
}

/// Why the questions could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum QuestionsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{source_name} is not a valid questions file: {message}")]
    Toml {
        source_name: String,
        message: String,
    },
    #[error("question `{id}` in {source_name}: its query does not parse:\n{rendered}")]
    Query {
        id: String,
        source_name: String,
        rendered: String,
        error: QueryError,
    },
    #[error("question id `{id}` appears twice in {source_name}")]
    Duplicate { id: String, source_name: String },
}

/// Parses a questions file; `source_name` names it in errors.
///
/// # Errors
/// Invalid TOML, an unknown field or severity, a duplicate id, or a query that does not
/// parse (with the caret).
pub fn parse_file(text: &str, source_name: &str) -> Result<Vec<Question>, QuestionsError> {
    let file: File = toml::from_str(text).map_err(|e| QuestionsError::Toml {
        source_name: source_name.to_owned(),
        message: e.to_string(),
    })?;
    let mut out: Vec<Question> = Vec::with_capacity(file.question.len());
    for entry in file.question {
        if out.iter().any(|q| q.id == entry.id) {
            return Err(QuestionsError::Duplicate {
                id: entry.id,
                source_name: source_name.to_owned(),
            });
        }
        let query = parse(&entry.query).map_err(|error| QuestionsError::Query {
            id: entry.id.clone(),
            source_name: source_name.to_owned(),
            rendered: error.render_with_caret(&entry.query),
            error,
        })?;
        out.push(Question {
            id: entry.id,
            title: entry.title,
            description: entry.description,
            severity: entry.severity,
            query,
            source: source_name.to_owned(),
        });
    }
    Ok(out)
}

/// The shipped questions.
///
/// # Errors
/// Never for the shipped file (a test parses it); the type is shared with [`load`].
pub fn built_in() -> Result<Vec<Question>, QuestionsError> {
    parse_file(BUILT_IN, "built-in")
}

/// The shipped questions plus those of `<config_dir>/questions.toml` when it exists.
///
/// # Errors
/// The user's file cannot be read or is invalid.
pub fn load(config_dir: Option<&Path>) -> Result<Vec<Question>, QuestionsError> {
    let mut questions = built_in()?;
    let Some(dir) = config_dir else {
        return Ok(questions);
    };
    let path = dir.join(FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(questions),
        Err(source) => return Err(QuestionsError::Read { path, source }),
    };
    for q in parse_file(&text, &path.display().to_string())? {
        match questions.iter_mut().find(|b| b.id == q.id) {
            Some(slot) => *slot = q,
            None => questions.push(q),
        }
    }
    Ok(questions)
}

/// A question with its result.
#[derive(Debug, Clone)]
pub struct Answer<'q> {
    pub question: &'q Question,
    pub output: Output,
}

/// Runs every question on the graph with `date.now` = `now_ms`.
#[must_use]
pub fn run_all<'q>(questions: &'q [Question], graph: &Graph, now_ms: i64) -> Vec<Answer<'q>> {
    questions
        .iter()
        .map(|question| Answer {
            question,
            output: question.query.run_at(graph, now_ms),
        })
        .collect()
}
