//! `heroku-j1` with no subcommand: the explorer, on the real Heroku or (`--demo`) on the
//! built-in fake.

use std::process::ExitCode;

use super::{GlobalArgs, exit};
use crate::fake::heroku::{FakeHeroku, FakeHerokuConfig};
use crate::heroku::{ClientConfig, HerokuClient};
use crate::secrets::Secret;
use crate::tui::app::Target;

/// Opens the explorer.
///
/// # Errors
/// When the terminal cannot be used or the demo server cannot start.
pub async fn run(global: &GlobalArgs, demo: bool) -> anyhow::Result<ExitCode> {
    if demo {
        return run_demo().await;
    }
    let key = match super::collect::heroku_key() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("heroku-j1: {e}");
            return Ok(ExitCode::from(exit::USAGE));
        }
    };
    let client = HerokuClient::new(ClientConfig::new(global.heroku_api_url.clone(), key))?;
    let target = Target {
        heroku_url: global.heroku_api_url.clone(),
        jupiterone: None,
        demo: false,
    };
    crate::tui::run::run(client, target).await?;
    Ok(ExitCode::SUCCESS)
}

/// Starts the fake Heroku with the demo estate on 127.0.0.1 and opens the explorer on it:
/// no key, no network.
async fn run_demo() -> anyhow::Result<ExitCode> {
    let heroku = FakeHeroku::start(FakeHerokuConfig::default()).await?;
    tracing::info!(url = %heroku.url(), "demo: fake Heroku started");
    let client = HerokuClient::new(ClientConfig::new(heroku.url(), Secret::new(heroku.token())))?;
    let target = Target {
        heroku_url: heroku.url(),
        jupiterone: None,
        demo: true,
    };
    let result = crate::tui::run::run(client, target).await;
    heroku.shutdown().await;
    result?;
    Ok(ExitCode::SUCCESS)
}
