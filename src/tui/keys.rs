//! The explorer's side of the credentials: the login form's check-and-store, the keys view,
//! and deleting the stored keys. Everything runs in background tasks; the keyring calls go
//! through [`Keys`], which runs them off the async workers under a timeout.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc::UnboundedSender;

use super::action::{Action, LoginFailure, LoginOk};
use super::login::{Field, LoginRequest};
use super::run::JupiterOneSetup;
use crate::config::{Config, Region};
use crate::heroku::{ClientConfig, HerokuClient};
use crate::jupiterone::{JupiterOneClient, JupiterOneConfig, UploadOptions};
use crate::secrets::{Keys, Which, validate};

/// What the explorer needs to log in: the keys, where config.toml is, the API URLs.
#[derive(Debug, Clone)]
pub struct LoginContext {
    pub keys: Keys,
    pub config_dir: PathBuf,
    /// Where the sync state is kept (the settings' data folder).
    pub data_dir: PathBuf,
    pub heroku_api_url: String,
    /// `--jupiterone-api-url`, when given (else the region's).
    pub jupiterone_api_url: Option<String>,
}

/// The clients the event loop uses; a login replaces them.
#[derive(Debug, Default, Clone)]
pub struct Clients {
    pub heroku: Option<HerokuClient>,
    pub jupiterone: Option<JupiterOneSetup>,
}

/// Shared between the event loop and the login task.
pub type SharedClients = Arc<Mutex<Clients>>;

fn lock(clients: &SharedClients) -> std::sync::MutexGuard<'_, Clients> {
    clients.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Reads the shared clients.
#[must_use]
pub fn current(clients: &SharedClients) -> Clients {
    lock(clients).clone()
}

fn failure(field: Option<Field>, message: impl Into<String>) -> LoginFailure {
    LoginFailure {
        field,
        message: message.into(),
        keyring_unavailable: None,
    }
}

async fn check_and_store(
    ctx: &LoginContext,
    request: LoginRequest,
    clients: &SharedClients,
) -> Result<LoginOk, LoginFailure> {
    let Some(heroku_key) = request.heroku_key else {
        return Err(failure(Some(Field::HerokuKey), "enter a Heroku API key"));
    };
    match validate::heroku(&ctx.heroku_api_url, &heroku_key).await {
        Ok(_) => {}
        Err(e) if e.is_rejected() => return Err(failure(Some(Field::HerokuKey), e.to_string())),
        Err(e) => {
            return Err(failure(
                None,
                format!("The Heroku key could not be checked: {e}"),
            ));
        }
    }
    let mut config = Config::load(&ctx.config_dir).map_err(|e| failure(None, e.to_string()))?;
    let region = request.jupiterone_region.as_deref().and_then(Region::parse);
    let j1_url = match (&ctx.jupiterone_api_url, region) {
        (Some(url), _) => url.clone(),
        (None, Some(r)) => r.api_url().to_owned(),
        (None, None) => config.jupiterone.api_url.clone().unwrap_or_else(|| {
            config
                .jupiterone
                .region
                .unwrap_or_default()
                .api_url()
                .to_owned()
        }),
    };
    if let (Some(account), Some(key)) = (&request.jupiterone_account, &request.jupiterone_key) {
        match validate::jupiterone(&j1_url, account, key).await {
            Ok(()) => {}
            Err(e) if e.is_rejected() => {
                return Err(failure(Some(Field::JupiterOneKey), e.to_string()));
            }
            Err(e) => {
                return Err(failure(
                    None,
                    format!("The JupiterOne key could not be checked: {e}"),
                ));
            }
        }
    }
    let mut stored = Vec::new();
    if request.this_run_only {
        ctx.keys.use_for_this_run(Which::Heroku, heroku_key.clone());
        if let Some(k) = &request.jupiterone_key {
            ctx.keys.use_for_this_run(Which::JupiterOne, k.clone());
        }
        stored.push("Keys kept for this run only (nothing stored)".to_owned());
    } else {
        let save = |which, key| {
            let keys = ctx.keys.clone();
            async move { keys.save(which, &key).await }
        };
        if let Err(e) = save(Which::Heroku, heroku_key.clone()).await {
            return Err(LoginFailure {
                field: None,
                message: "The keys are correct, but the OS keyring cannot store them.".into(),
                keyring_unavailable: Some(e.to_string()),
            });
        }
        if let Some(k) = &request.jupiterone_key
            && let Err(e) = save(Which::JupiterOne, k.clone()).await
        {
            return Err(LoginFailure {
                field: None,
                message:
                    "The Heroku key is stored, but the OS keyring cannot store the JupiterOne key."
                        .into(),
                keyring_unavailable: Some(e.to_string()),
            });
        }
        stored.push("Keys checked and stored in the OS keyring".to_owned());
    }
    // The account and region are not secret: config.toml.
    if request.jupiterone_account.is_some() || region.is_some() {
        if let Some(a) = &request.jupiterone_account {
            config.jupiterone.account_id = Some(a.clone());
        }
        if let Some(r) = region {
            config.jupiterone.region = Some(r);
        }
        if let Err(e) = config.save(&ctx.config_dir) {
            stored.push(format!("config.toml not saved: {e}"));
        }
    }
    let heroku = HerokuClient::new(ClientConfig::new(ctx.heroku_api_url.clone(), heroku_key))
        .map_err(|e| failure(None, e.to_string()))?;
    let mut jupiterone = None;
    if let (Some(account), Some(key)) = (request.jupiterone_account, request.jupiterone_key) {
        let client = JupiterOneClient::new(JupiterOneConfig::new(j1_url, account, key))
            .map_err(|e| failure(None, e.to_string()))?;
        jupiterone = Some(JupiterOneSetup {
            client,
            data_dir: ctx.data_dir.clone(),
            target: None,
            options: UploadOptions::default(),
        });
    }
    let header = jupiterone
        .as_ref()
        .map(|s| format!("{} (account {})", s.client.api_url(), s.client.account()));
    {
        let mut c = lock(clients);
        c.heroku = Some(heroku);
        if jupiterone.is_some() {
            c.jupiterone = jupiterone;
        }
    }
    Ok(LoginOk {
        jupiterone: header,
        stored: stored.join("; "),
    })
}

/// Checks the keys with the APIs, stores them (or keeps them for this run), and installs
/// the new clients; the result comes back as [`Action::LoginDone`].
pub fn spawn_login(
    ctx: LoginContext,
    request: LoginRequest,
    clients: SharedClients,
    tx: UnboundedSender<Action>,
) {
    tokio::spawn(async move {
        let result = check_and_store(&ctx, request, &clients).await;
        if let Err(f) = &result {
            tracing::warn!(message = %f.message, "login failed");
        }
        let _ = tx.send(Action::LoginDone(result));
    });
}

/// The keys view's text: where each key comes from, masked.
pub fn spawn_status(ctx: Option<LoginContext>, tx: UnboundedSender<Action>) {
    tokio::spawn(async move {
        let Some(ctx) = ctx else {
            let _ = tx.send(Action::KeysInfo(
                "Demo: the fake Heroku and the fake JupiterOne accept built-in tokens; nothing is read from or stored in the OS keyring."
                    .into(),
            ));
            return;
        };
        let mut text = String::new();
        for which in Which::ALL {
            let status = ctx.keys.status(which).await;
            let name = match which {
                Which::Heroku => "Heroku API key",
                Which::JupiterOne => "JupiterOne API key",
            };
            let active = status.active.as_ref().map_or_else(
                || "not set".to_owned(),
                |r| format!("{} from {}", r.key.masked(), r.describe_source()),
            );
            let keyring = match &status.keyring {
                Ok(true) => "a key is stored in the OS keyring".to_owned(),
                Ok(false) => "nothing stored in the OS keyring".to_owned(),
                Err(e) => format!("the OS keyring cannot be read: {e}"),
            };
            text.push_str(&format!("{name}: {active}\n  {keyring}\n\n"));
        }
        text.push_str(&format!(
            "Settings: {}",
            crate::config::path(&ctx.config_dir).display()
        ));
        let _ = tx.send(Action::KeysInfo(text));
    });
}

/// Removes both keys from the OS keyring; the outcome comes back as the keys view.
pub fn spawn_delete(ctx: Option<LoginContext>, tx: UnboundedSender<Action>) {
    tokio::spawn(async move {
        let Some(ctx) = ctx else { return };
        let mut text = String::new();
        for which in Which::ALL {
            let line = match ctx.keys.delete(which).await {
                Ok(true) => format!("{which:?}: deleted from the OS keyring"),
                Ok(false) => format!("{which:?}: nothing was stored"),
                Err(e) => format!("{which:?}: {e}"),
            };
            text.push_str(&line);
            text.push('\n');
        }
        text.push_str("\nThe keys in use stay in memory until you quit.");
        let _ = tx.send(Action::KeysInfo(text));
    });
}
