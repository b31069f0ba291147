//! J1QL, JupiterOne's query language, run on the in-memory graph: the same questions a user
//! would ask JupiterOne about this integration's data, answered before upload, offline.
//!
//! ```text
//! parse(text) -> Query (or QueryError with a position, render_with_caret)
//! Query::run(&Graph) -> Output (columns, rows of cells, the traversal for RETURN TREE)
//! ```
//!
//! The subset: `FIND` a class, a `_type`, `*` or `(A|B)`; `WITH` comparisons joined by `AND`
//! / `OR` with parentheses (`=`, `!=`, `<`, `<=`, `>`, `>=`, `~=`, `^=`, `$=`, `!~=`, `!^=`,
//! `!$=`; strings, numbers, booleans, `undefined`, `date.now ± N unit`, `date(…)`); `THAT`
//! with a verb, `(A|B)` verbs or `RELATES TO`, negated with `!`, directed with `>>` / `<<`;
//! `AS`; `WHERE` between aliases; `RETURN` aliases, `alias.prop`, `COUNT(alias)` or `TREE`;
//! `ORDER BY`, `SKIP`, `LIMIT`. Keywords are case-insensitive. Anything else J1QL has
//! (regular expressions, optional traversals, other aggregates, …) is refused by name.
//!
//! The grammar is written with winnow ([`parse`]): it is already in the dependency tree (the
//! `toml` crate parses with it), compiles quickly, works on `&str` with byte offsets for the
//! caret, and its `cut` lets an error point at the wrong token. chumsky's recovery would
//! report several errors at once, but a one-line query needs only the first; pest would put
//! the grammar in a second language and still need a tree-walking pass.
//!
//! [`questions`] holds the saved questions (`assets/questions.toml` and the user's own).

mod ast;
mod engine;
mod error;
mod join;
mod links;
mod output;
mod parse;
mod plan;
pub mod questions;
mod reads;
mod value;

pub use ast::Span;
pub use error::QueryError;
pub use output::{Cell, Output, Traversal, entity_json};
pub use value::{has_class, property};

use crate::graph::Graph;

/// A query ready to run: parsed, its aliases resolved.
#[derive(Debug, Clone)]
pub struct Query {
    text: String,
    plan: plan::Plan,
}

/// Parses a J1QL query.
///
/// # Errors
/// A syntax error, a construct not supported yet, or an unknown alias; each with the byte
/// position it is about ([`QueryError::render_with_caret`]).
pub fn parse(text: &str) -> Result<Query, QueryError> {
    let ast = parse::parse(text)?;
    let plan = plan::plan(&ast)?;
    Ok(Query {
        text: text.to_owned(),
        plan,
    })
}

impl Query {
    /// The query as written.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the query asks for the traversal (`RETURN TREE`).
    #[must_use]
    pub fn returns_tree(&self) -> bool {
        matches!(self.plan.output, plan::Output::Tree)
    }

    /// Runs the query on the graph, `date.now` being the current time.
    #[must_use]
    pub fn run(&self, graph: &Graph) -> Output {
        self.run_at(graph, chrono::Utc::now().timestamp_millis())
    }

    /// Runs the query with `date.now` = `now_ms` (epoch milliseconds).
    #[must_use]
    pub fn run_at(&self, graph: &Graph, now_ms: i64) -> Output {
        engine::run(&self.plan, graph, now_ms)
    }
}
