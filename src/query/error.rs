//! A query error: what is wrong and where, shown under the query with a caret.

use std::fmt;

/// A query that does not parse, uses a construct not supported yet, or names an unknown
/// alias. `position` is a byte offset into the query text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub position: usize,
    pub message: String,
}

impl QueryError {
    pub(crate) fn new(position: usize, message: impl Into<String>) -> Self {
        Self {
            position,
            message: message.into(),
        }
    }

    /// The character column of the position (what the caret is under), from 0.
    #[must_use]
    pub fn column(&self, query: &str) -> usize {
        let line_start = query[..self.position.min(query.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        query
            .get(line_start..self.position.min(query.len()))
            .map_or(0, |s| s.chars().count())
    }

    /// The line of the query holding the error, the caret under the position, and the
    /// message:
    ///
    /// ```text
    /// FIND User WITH mfaEnabled == true
    ///                            ^
    /// expected a value (a quoted string, a number, true, false, undefined or a date)
    /// ```
    #[must_use]
    pub fn render_with_caret(&self, query: &str) -> String {
        let at = self.position.min(query.len());
        let line_start = query[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = query[at..].find('\n').map_or(query.len(), |i| at + i);
        let line: String = query[line_start..line_end]
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        format!(
            "{line}\n{}^\n{}",
            " ".repeat(self.column(query)),
            self.message
        )
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.position)
    }
}

impl std::error::Error for QueryError {}
