//! `heroku-j1 fake-api` (being written).

use std::process::ExitCode;

/// Options of `heroku-j1 fake-api`.
#[derive(Debug, clap::Args)]
pub struct FakeApiArgs {}

/// Runs the fake APIs until interrupted.
///
/// # Errors
/// When the server cannot start.
pub async fn run(_args: FakeApiArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("fake-api is not built yet")
}
