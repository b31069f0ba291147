//! The folders named on the command line, checked before anything else runs (no key is
//! read, no request sent, no crawl started): a `--from` folder must hold a `summary.json`
//! written by `collect`, and `collect --out` must be a folder heroku-j1 can write to.
//! A refusal is a usage error (exit code 2) with one message.

use std::path::Path;

use super::{Cli, Command};

/// Checks the folders of `cli`'s command.
///
/// # Errors
/// The message to print, naming the flag, the folder and what to do.
pub fn check(cli: &Cli) -> Result<(), String> {
    match &cli.command {
        Some(Command::Collect(a)) => writable_out(&a.out),
        Some(Command::Sync(a)) => a.from.as_deref().map_or(Ok(()), collected),
        Some(Command::Diff(a)) => a.from.as_deref().map_or(Ok(()), collected),
        // A query that does not parse is reported first, with its caret, by `query` itself.
        Some(Command::Query(a))
            if a.query
                .as_deref()
                .is_some_and(|q| crate::query::parse(q).is_err()) =>
        {
            Ok(())
        }
        Some(Command::Query(a)) => a.source.from.as_deref().map_or(Ok(()), collected),
        Some(Command::Questions(a)) => a.source.from.as_deref().map_or(Ok(()), collected),
        _ => Ok(()),
    }
}

/// `--from DIR`: an existing folder with a `summary.json`.
fn collected(dir: &Path) -> Result<(), String> {
    let shown = dir.display();
    if !dir.exists() {
        return Err(format!(
            "--from {shown}: no such folder (write one with `heroku-j1 collect --out {shown}`)"
        ));
    }
    if !dir.is_dir() {
        return Err(format!("--from {shown}: not a folder"));
    }
    if !dir.join("summary.json").is_file() {
        return Err(format!(
            "--from {shown}: no summary.json, so it is not a folder written by `heroku-j1 \
             collect` (run `heroku-j1 collect --out {shown}` first)"
        ));
    }
    Ok(())
}

/// `--out DIR`: created if missing, then probed by creating and removing a file in it, so
/// an unwritable folder is refused before the crawl rather than after it.
fn writable_out(dir: &Path) -> Result<(), String> {
    let shown = dir.display();
    let refuse = |e: std::io::Error| {
        format!("--out {shown}: cannot write there ({e}); choose another folder with --out DIR")
    };
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "--out {shown}: not a folder; choose another with --out DIR"
        ));
    }
    std::fs::create_dir_all(dir).map_err(refuse)?;
    let probe = dir.join(format!(".heroku-j1-write-probe-{}", std::process::id()));
    std::fs::File::create(&probe).map_err(refuse)?;
    std::fs::remove_file(&probe).map_err(refuse)
}
