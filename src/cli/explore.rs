//! `heroku-j1` with no subcommand: the explorer, on the real Heroku or (`--demo`) on the
//! built-in fakes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::{GlobalArgs, exit};
use crate::fake::heroku::{FakeHeroku, FakeHerokuConfig};
use crate::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig};
use crate::heroku::{ClientConfig, HerokuClient};
use crate::jupiterone::{self, JupiterOneClient, JupiterOneConfig, UploadOptions, state};
use crate::secrets::Secret;
use crate::tui::app::Target;
use crate::tui::run::JupiterOneSetup;

/// The JupiterOne side of the explorer from the environment, or why there is none.
fn jupiterone_setup(global: &GlobalArgs) -> Result<JupiterOneSetup, String> {
    let config = jupiterone::config_from_env(global.jupiterone_api_url.as_deref())
        .map_err(|e| e.to_string())?;
    let client = JupiterOneClient::new(config).map_err(|e| e.to_string())?;
    let data_dir =
        state::default_data_dir().ok_or("no data folder for the sync state (no home directory)")?;
    Ok(JupiterOneSetup {
        client,
        data_dir,
        target: None,
        options: UploadOptions::default(),
    })
}

/// Opens the explorer.
///
/// # Errors
/// When the terminal cannot be used or the demo servers cannot start.
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
    let j1 = jupiterone_setup(global);
    if let Err(why) = &j1 {
        tracing::info!(%why, "JupiterOne not configured");
    }
    let j1 = j1.ok();
    let target = Target {
        heroku_url: global.heroku_api_url.clone(),
        jupiterone: j1
            .as_ref()
            .map(|s| format!("{} (account {})", s.client.api_url(), s.client.account())),
        demo: false,
    };
    crate::tui::run::run(client, target, j1).await?;
    Ok(ExitCode::SUCCESS)
}

/// Starts the fake Heroku (the demo estate) and the fake JupiterOne on 127.0.0.1 and opens
/// the explorer on them: no key, no network. The sync state lives in a temporary folder
/// removed on exit, so every demo starts with a first sync.
async fn run_demo() -> anyhow::Result<ExitCode> {
    let heroku = FakeHeroku::start(FakeHerokuConfig::default()).await?;
    let j1 = FakeJupiterOne::start(FakeJupiterOneConfig::default())?;
    tracing::info!(heroku = %heroku.url(), jupiterone = %j1.url(), "demo: fakes started");
    let client = HerokuClient::new(ClientConfig::new(heroku.url(), Secret::new(heroku.token())))?;
    let j1_client = JupiterOneClient::new(JupiterOneConfig::new(
        j1.url(),
        j1.account(),
        Secret::new(j1.token()),
    ))?;
    let data_dir = demo_data_dir();
    let options = UploadOptions {
        poll_interval: Duration::from_millis(200),
        ..UploadOptions::default()
    };
    let setup = JupiterOneSetup {
        client: j1_client,
        data_dir: data_dir.clone(),
        target: None,
        options,
    };
    let target = Target {
        heroku_url: heroku.url(),
        jupiterone: Some(format!("fake JupiterOne {}", j1.url())),
        demo: true,
    };
    let result = crate::tui::run::run(client, target, Some(setup)).await;
    let _ = std::fs::remove_dir_all(&data_dir);
    j1.shutdown();
    heroku.shutdown().await;
    result?;
    Ok(ExitCode::SUCCESS)
}

fn demo_data_dir() -> PathBuf {
    std::env::temp_dir().join(format!("heroku-j1-demo-{}", std::process::id()))
}
