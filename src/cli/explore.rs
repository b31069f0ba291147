//! `heroku-j1` with no subcommand: the explorer, on the real Heroku or (`--demo`) on the
//! built-in fake.

use std::process::ExitCode;

use super::{GlobalArgs, exit};
use crate::heroku::{ClientConfig, HerokuClient};
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

async fn run_demo() -> anyhow::Result<ExitCode> {
    anyhow::bail!("--demo needs the fake Heroku, which is being built")
}
