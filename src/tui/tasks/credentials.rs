//! The credentials tasks: the login form's check-and-store (through
//! [`crate::secrets::validate_and_store`], as `heroku-j1 login`), the keys view, and deleting
//! the stored keys. The keyring calls go through [`Keys`], which runs them off the async
//! workers under a timeout. A keyring failure is told on screen once, in plain words; its
//! raw detail goes to the log only.

use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedSender;

use crate::config::{Config, Region};
use crate::heroku::HerokuClient;
use crate::jupiterone::{JupiterOneClient, JupiterOneConfig, UploadOptions};
use crate::secrets::{Endpoint, Keys, LoginError, Secret, StoreError, Which, validate_and_store};
use crate::tui::action::{Action, LoginFailure, LoginOk};
use crate::tui::clients::{Clients, JupiterOneSetup};
use crate::tui::login_form::{Field, LoginRequest};
use crate::tui::startup::LoginContext;

fn failure(field: Option<Field>, message: impl Into<String>) -> LoginFailure {
    LoginFailure {
        field,
        message: message.into(),
        keyring_unavailable: None,
    }
}

/// What went wrong with the keyring, in plain words (the raw error is logged here).
fn plain(e: &StoreError) -> &'static str {
    tracing::warn!(error = %e, "OS keyring");
    match e {
        StoreError::Unavailable { .. } => {
            "no OS keyring is running (such as gnome-keyring or KeePassXC)"
        }
        StoreError::Locked { .. } => "the OS keyring is locked",
        StoreError::TimedOut { .. } => {
            "the OS keyring did not answer (is it locked, with an unlock prompt waiting?)"
        }
        StoreError::Failed { .. } => "the OS keyring reported an error",
    }
}

/// Where a checked key is kept.
enum Kept {
    Keyring,
    ThisRun,
}

/// Checks one key and stores it; when the keyring cannot and `this_run_only` (the form
/// offered it after a keyring failure), keeps it for this run instead. `Err(Ok(_))`: the
/// keyring failed; `Err(Err(_))`: the form shows this failure.
async fn check_and_keep(
    keys: &Keys,
    endpoint: Endpoint,
    key: Secret,
    this_run_only: bool,
) -> Result<Kept, Result<StoreError, LoginFailure>> {
    let (field, name) = match endpoint.which() {
        Which::Heroku => (Field::HerokuKey, "Heroku"),
        Which::JupiterOne => (Field::JupiterOneKey, "JupiterOne"),
    };
    match validate_and_store(keys, &endpoint, key.clone()).await {
        Ok(_) => Ok(Kept::Keyring),
        Err(LoginError::Rejected(m)) => Err(Err(failure(Some(field), m))),
        Err(LoginError::Unchecked(m)) => Err(Err(failure(
            None,
            format!("The {name} key could not be checked: {m}"),
        ))),
        Err(LoginError::Keyring(_)) if this_run_only => {
            keys.use_for_this_run(endpoint.which(), key);
            Ok(Kept::ThisRun)
        }
        Err(LoginError::Keyring(e)) => Err(Ok(e)),
    }
}

async fn log_in(
    ctx: &LoginContext,
    data_dir: Option<PathBuf>,
    request: LoginRequest,
) -> Result<LoginOk, LoginFailure> {
    let jupiterone_only = request.heroku_key.is_none();
    if jupiterone_only && request.jupiterone_key.is_none() {
        return Err(failure(Some(Field::HerokuKey), "enter a Heroku API key"));
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
    let this_run_only = request.this_run_only;
    let heroku_endpoint = Endpoint::Heroku {
        api_url: ctx.heroku.api_url.clone(),
    };
    let mut kept = Vec::new();
    // A keyring failure for the Heroku key is reported once the JupiterOne key is checked
    // too, so that "the keys are correct" holds.
    let heroku_keyring = match &request.heroku_key {
        None => None,
        Some(key) => {
            match check_and_keep(&ctx.keys, heroku_endpoint, key.clone(), this_run_only).await {
                Ok(k) => {
                    kept.push(k);
                    None
                }
                Err(Ok(e)) => Some(e),
                Err(Err(f)) => return Err(f),
            }
        }
    };
    let mut j1_keyring = None;
    if let (Some(account), Some(key)) = (&request.jupiterone_account, &request.jupiterone_key) {
        let endpoint = Endpoint::JupiterOne {
            api_url: j1_url.clone(),
            account_id: account.clone(),
        };
        match check_and_keep(&ctx.keys, endpoint, key.clone(), this_run_only).await {
            Ok(k) => kept.push(k),
            Err(Ok(e)) => j1_keyring = Some(e),
            Err(Err(f)) => return Err(f),
        }
    }
    if let Some(e) = heroku_keyring {
        let why = plain(&e);
        return Err(LoginFailure {
            field: None,
            message: format!("The keys are correct, but they cannot be stored: {why}."),
            keyring_unavailable: Some(why.into()),
        });
    }
    if let Some(e) = j1_keyring {
        let why = plain(&e);
        return Err(LoginFailure {
            field: None,
            message: if jupiterone_only {
                format!("The JupiterOne key is correct, but it cannot be stored: {why}.")
            } else {
                format!("The Heroku key is stored, but the JupiterOne key cannot be stored: {why}.")
            },
            keyring_unavailable: Some(why.into()),
        });
    }
    let mut stored = vec![if kept.iter().any(|k| matches!(k, Kept::ThisRun)) {
        "Keys kept for this run only (nothing stored)".to_owned()
    } else {
        "Keys checked and stored in the OS keyring".to_owned()
    }];
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
    let heroku = match request.heroku_key {
        Some(key) => Some(
            HerokuClient::new(ctx.heroku.config(key)).map_err(|e| failure(None, e.to_string()))?,
        ),
        None => None,
    };
    let mut jupiterone = None;
    if let (Some(account), Some(key)) = (request.jupiterone_account, request.jupiterone_key) {
        let client = JupiterOneClient::new(JupiterOneConfig::new(j1_url, account, key))
            .map_err(|e| failure(None, e.to_string()))?;
        // The data folder the explorer was started with (`--data-dir`), never a default.
        if let Some(data_dir) = data_dir {
            jupiterone = Some(JupiterOneSetup {
                client,
                data_dir,
                target: None,
                options: UploadOptions::default(),
            });
        }
    }
    Ok(LoginOk {
        clients: Clients { heroku, jupiterone },
        stored: stored.join("; "),
    })
}

/// Checks the keys with the APIs and stores them (or keeps them for this run); the new
/// clients come back inside [`Action::LoginDone`].
pub(super) fn spawn_login(
    ctx: LoginContext,
    data_dir: Option<PathBuf>,
    request: LoginRequest,
    tx: UnboundedSender<Action>,
) {
    tokio::spawn(async move {
        let result = log_in(&ctx, data_dir, request).await;
        if let Err(f) = &result {
            tracing::warn!(message = %f.message, "login failed");
        }
        let _ = tx.send(Action::LoginDone(result));
    });
}

/// The keys view's text: where each key comes from, masked.
pub(super) fn spawn_status(ctx: Option<LoginContext>, tx: UnboundedSender<Action>) {
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
                Err(e) => format!("the OS keyring cannot be read: {}", plain(e)),
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
pub(super) fn spawn_delete(ctx: Option<LoginContext>, tx: UnboundedSender<Action>) {
    tokio::spawn(async move {
        let Some(ctx) = ctx else { return };
        let mut text = String::new();
        for which in Which::ALL {
            let line = match ctx.keys.delete(which).await {
                Ok(true) => format!("{which:?} API key: deleted from the OS keyring"),
                Ok(false) => format!("{which:?} API key: nothing was stored"),
                Err(e) => format!("{which:?} API key: not deleted, {}", plain(&e)),
            };
            text.push_str(&line);
            text.push('\n');
        }
        text.push_str("\nThe keys in use stay in memory until you quit.");
        let _ = tx.send(Action::KeysInfo(text));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyring_failure_is_told_in_plain_words_without_the_raw_error() {
        let raw = "org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets \
                   was not provided by any .service files";
        let e = StoreError::Unavailable {
            which: Which::Heroku,
            reason: raw.into(),
        };
        let said = plain(&e);
        assert!(said.contains("no OS keyring is running"), "{said}");
        assert!(!said.contains("org.freedesktop"), "{said}");
        let e = StoreError::Locked {
            which: Which::JupiterOne,
            op: crate::secrets::store::Op::Store,
            reason: raw.into(),
        };
        assert_eq!(plain(&e), "the OS keyring is locked");
    }
}
