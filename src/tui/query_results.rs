//! What the query task and the questions task deliver: a query's rows, and each saved
//! question's count on the loaded graph.

use crate::query::questions::Severity;
use crate::query::{Output, Query};

/// A query that ran, with its rows.
#[derive(Debug, Clone)]
pub struct QueryResults {
    /// What the results are of: the query, or the saved question's title.
    pub title: String,
    pub output: Output,
}

/// One saved question with its count on the loaded graph.
#[derive(Debug, Clone)]
pub struct QuestionCount {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub count: usize,
    pub query: Query,
}
