//! `heroku-j1 document`.

use std::process::ExitCode;

use crate::graph::document;

/// Prints the data model tables.
#[must_use]
pub fn run() -> ExitCode {
    print!("{}", document::markdown());
    ExitCode::SUCCESS
}
