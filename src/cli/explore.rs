//! `heroku-j1` with no subcommand: the explorer, on the real Heroku or (`--demo`) on the
//! built-in fakes. It needs a terminal on stdin and stdout; without one it says so and
//! points to the headless commands (exit code 2).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::exit;
use crate::fake::heroku::{FakeHeroku, FakeHerokuConfig, FakeHerokuState, drift};
use crate::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig};
use crate::heroku::{ClientConfig, HerokuClient};
use crate::jupiterone::{self, JupiterOneClient, JupiterOneConfig, UploadOptions};
use crate::secrets::{KeyStore, Keys, Secret, Which};
use crate::settings::Settings;
use crate::tui::app::Endpoints;
use crate::tui::clients::{Clients, JupiterOneSetup};
use crate::tui::{DriftHook, LoginContext, Startup};

/// The JupiterOne side of the explorer: the key from `JUPITERONE_API_KEY` or the keyring,
/// the account, URL, target and data folder from the settings; or why there is none.
async fn jupiterone_setup(settings: &Settings, keys: &Keys) -> Result<JupiterOneSetup, String> {
    let key = keys
        .resolve(Which::JupiterOne)
        .await
        .map_err(|e| e.to_string())?;
    let account = settings
        .account
        .clone()
        .ok_or_else(|| jupiterone::ConfigError::MissingAccount.to_string())?;
    let client = JupiterOneClient::new(JupiterOneConfig::new(
        settings.jupiterone_api_url.clone(),
        account,
        key.key,
    ))
    .map_err(|e| e.to_string())?;
    Ok(JupiterOneSetup {
        client,
        data_dir: settings.data_dir()?.to_path_buf(),
        target: settings.target.clone(),
        options: UploadOptions {
            poll_interval: settings.poll_interval,
            poll_timeout: settings.poll_limit,
            ..UploadOptions::default()
        },
    })
}

/// Opens the explorer. A missing Heroku key opens the login form instead of failing.
///
/// # Errors
/// When the terminal cannot be used or the demo servers cannot start.
/// `demo_latency` slows the demo's fake Heroku down.
pub async fn run(
    settings: &Settings,
    demo: bool,
    demo_latency: Option<std::time::Duration>,
) -> anyhow::Result<ExitCode> {
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        eprintln!(
            "heroku-j1: the explorer needs a terminal (stdin and stdout are not both one). \
             For scripts, cron and CI use `heroku-j1 collect` (write the graph) or \
             `heroku-j1 sync` (upload it); see `heroku-j1 --help`."
        );
        return Ok(ExitCode::from(exit::USAGE));
    }
    let color = settings.color.enabled(true);
    if demo {
        return run_demo(color, demo_latency.unwrap_or_default()).await;
    }
    let Ok(data_dir) = settings.data_dir().map(std::path::Path::to_path_buf) else {
        eprintln!(
            "heroku-j1: no data folder for the sync state: set --data-dir or HEROKU_J1_DATA_DIR"
        );
        return Ok(ExitCode::from(exit::USAGE));
    };
    let keys = Keys::new(KeyStore::platform());
    let mut need_login = None;
    let heroku = match keys.resolve(Which::Heroku).await {
        Ok(resolved) => {
            tracing::info!(source = %resolved.source, key = %resolved.key.masked(), "using the Heroku API key");
            Some(HerokuClient::new(
                settings.heroku_client().config(resolved.key),
            )?)
        }
        Err(e) => {
            need_login = Some(e.to_string());
            None
        }
    };
    let j1 = jupiterone_setup(settings, &keys).await;
    if let Err(why) = &j1 {
        tracing::info!(%why, "JupiterOne not configured");
    }
    let j1 = j1.ok();
    let endpoints = Endpoints {
        heroku_url: settings.heroku_api_url.clone(),
        jupiterone: j1.as_ref().map(JupiterOneSetup::describe),
        demo: false,
    };
    // A URL other than the region's was named: the login form's region does not replace it.
    let named_url = settings.jupiterone_api_url != settings.region.api_url();
    let login = LoginContext {
        keys,
        config_dir: settings.config_dir.clone(),
        heroku: settings.heroku_client(),
        jupiterone_api_url: named_url.then(|| settings.jupiterone_api_url.clone()),
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
        data_dir: Some(data_dir),
        color,

        drift: None,
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}

/// Starts the fake Heroku (the demo estate) and the fake JupiterOne on 127.0.0.1 and opens
/// the explorer on them: no key, no network. The sync state lives in a temporary folder
/// removed on exit, so every demo starts with a first sync.
async fn run_demo(color: bool, latency: std::time::Duration) -> anyhow::Result<ExitCode> {
    let heroku = FakeHeroku::start(FakeHerokuConfig {
        latency,
        ..FakeHerokuConfig::default()
    })
    .await?;
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
        color,

        drift: Some(demo_drift_hook(heroku.state())),
    })
    .await;
    let _ = std::fs::remove_dir_all(&data_dir);
    j1.shutdown();
    heroku.shutdown().await;
    result?;
    Ok(ExitCode::SUCCESS)
}

/// Each call applies the next round of [`drift::demo_drift`] to the demo's fake estate.
fn demo_drift_hook(state: Arc<FakeHerokuState>) -> DriftHook {
    let round = AtomicUsize::new(0);
    DriftHook(Arc::new(move || {
        let round = round.fetch_add(1, Ordering::Relaxed) + 1;
        state.mutate(|d| {
            let drifts = drift::demo_drift(d, round);
            if let Err(e) = drift::apply_all(d, &drifts) {
                tracing::warn!(error = %e, "demo drift not applied");
            }
        });
    }))
}

fn demo_data_dir() -> PathBuf {
    std::env::temp_dir().join(format!("heroku-j1-demo-{}", std::process::id()))
}
