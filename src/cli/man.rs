//! `heroku-j1 man`: the man page (roff), generated from the same clap definition as the
//! parser and `--help` (clap_mangen).

use std::process::ExitCode;

use clap::CommandFactory;

use super::{Cli, exit};

/// Prints the man page on stdout.
#[must_use]
pub fn run() -> ExitCode {
    let page = clap_mangen::Man::new(Cli::command());
    let mut out = std::io::stdout().lock();
    match page.render(&mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("heroku-j1: cannot write the man page: {e}");
            ExitCode::from(exit::FAILURE)
        }
    }
}
