//! The oddities of the source data a graph carries (a duplicate Heroku id, a `null` in a
//! list), told on stderr by the commands that do not print validation findings themselves
//! (`diff`, `query`, `questions`), whether the graph was collected now or read back with
//! `--from` (where `summary.json` keeps them).

use crate::graph::Graph;
use crate::graph::validate::{Finding, validate_source};

/// Prints one warning per oddity of `graph` on stderr (control characters neutralized) and
/// logs it.
pub fn warn(graph: &Graph) {
    for Finding { key, message, .. } in validate_source(graph) {
        let line = crate::text::cleaned(&format!("{key}: {message}"));
        tracing::warn!("{line}");
        eprintln!("heroku-j1: warning: {line}");
    }
}
