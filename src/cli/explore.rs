//! `heroku-j1` with no subcommand: the explorer, on the real Heroku or (`--demo`) on the
//! built-in fakes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::{GlobalArgs, exit};
use crate::config::Config;
use crate::fake::heroku::{FakeHeroku, FakeHerokuConfig};
use crate::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig};
use crate::heroku::{ClientConfig, HerokuClient};
use crate::jupiterone::{self, JupiterOneClient, JupiterOneConfig, UploadOptions, state};
use crate::secrets::{KeyStore, Keys, Secret, Which};
use crate::tui::app::Endpoints;
use crate::tui::clients::{Clients, JupiterOneSetup};
use crate::tui::{LoginContext, Startup};

/// The JupiterOne side of the explorer: the key from `JUPITERONE_API_KEY` or the keyring,
/// the account, URL and target from the environment or config.toml; or why there is none.
async fn jupiterone_setup(
    global: &GlobalArgs,
    keys: &Keys,
    file: &Config,
) -> Result<JupiterOneSetup, String> {
    let key = keys
        .resolve(Which::JupiterOne)
        .await
        .map_err(|e| e.to_string())?;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let account = file
        .jupiterone_account(env(jupiterone::ACCOUNT_ENV).as_deref())
        .ok_or_else(|| jupiterone::ConfigError::MissingAccount.to_string())?;
    let url = file
        .jupiterone_api_url(
            global.jupiterone_api_url.as_deref(),
            env(jupiterone::REGION_ENV).as_deref(),
        )
        .map_err(|e| e.to_string())?;
    let client = JupiterOneClient::new(JupiterOneConfig::new(url, account, key.key))
        .map_err(|e| e.to_string())?;
    let data_dir =
        state::default_data_dir().ok_or("no data folder for the sync state (no home directory)")?;
    let target = match (
        &file.jupiterone.scope,
        &file.jupiterone.integration_instance_id,
    ) {
        (Some(scope), _) => Some(jupiterone::Target::Scope(scope.clone())),
        (None, Some(id)) => Some(jupiterone::Target::Instance {
            id: id.clone(),
            source: jupiterone::InstanceSource::External,
        }),
        (None, None) => None,
    };
    Ok(JupiterOneSetup {
        client,
        data_dir,
        target,
        options: UploadOptions::default(),
    })
}

/// Opens the explorer. A missing Heroku key opens the login form instead of failing.
///
/// # Errors
/// When the terminal cannot be used or the demo servers cannot start.
pub async fn run(global: &GlobalArgs, demo: bool) -> anyhow::Result<ExitCode> {
    if demo {
        return run_demo().await;
    }
    let (config_dir, file) = match global.load_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("heroku-j1: {e}");
            return Ok(ExitCode::from(exit::USAGE));
        }
    };
    let keys = Keys::new(KeyStore::platform());
    let mut need_login = None;
    let heroku = match keys.resolve(Which::Heroku).await {
        Ok(resolved) => {
            tracing::info!(source = %resolved.source, key = %resolved.key.masked(), "using the Heroku API key");
            Some(HerokuClient::new(ClientConfig::new(
                global.heroku_api_url.clone(),
                resolved.key,
            ))?)
        }
        Err(e) => {
            need_login = Some(e.to_string());
            None
        }
    };
    let j1 = jupiterone_setup(global, &keys, &file).await;
    if let Err(why) = &j1 {
        tracing::info!(%why, "JupiterOne not configured");
    }
    let j1 = j1.ok();
    let endpoints = Endpoints {
        heroku_url: global.heroku_api_url.clone(),
        jupiterone: j1.as_ref().map(JupiterOneSetup::describe),
        demo: false,
    };
    let data_dir = j1
        .as_ref()
        .map(|s| s.data_dir.clone())
        .or_else(state::default_data_dir);
    let login = LoginContext {
        keys,
        config_dir,
        heroku_api_url: global.heroku_api_url.clone(),
        jupiterone_api_url: global.jupiterone_api_url.clone(),
    };
    let clients = Clients {
        heroku,
        jupiterone: j1,
    };
    crate::tui::run(Startup {
        clients,
        endpoints,
        login: Some(login),
        need_login,
        data_dir,
    })
    .await?;
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
    let endpoints = Endpoints {
        heroku_url: heroku.url(),
        jupiterone: Some(format!("fake JupiterOne {}", j1.url())),
        demo: true,
    };
    let clients = Clients {
        heroku: Some(client),
        jupiterone: Some(setup),
    };
    let result = crate::tui::run(Startup {
        clients,
        endpoints,
        login: None,
        need_login: None,
        data_dir: Some(data_dir.clone()),
    })
    .await;
    let _ = std::fs::remove_dir_all(&data_dir);
    j1.shutdown();
    heroku.shutdown().await;
    result?;
    Ok(ExitCode::SUCCESS)
}

fn demo_data_dir() -> PathBuf {
    std::env::temp_dir().join(format!("heroku-j1-demo-{}", std::process::id()))
}
