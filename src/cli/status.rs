//! `heroku-j1 status`: where each key comes from (masked), whether its API accepts it, and
//! the JupiterOne account, URL and target from the settings.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::{FileOpts, HerokuOpts, JupiterOneOpts, exit};
use crate::secrets::{KeyStatus, KeyStore, Keys, ResolveError, Source, Which, validate};
use crate::settings::{Flags, Settings};

/// Shown after `heroku-j1 status --help`.
pub const AFTER_HELP: &str = "\
Keys are shown as at most `HRKU-…` and their last four characters.

Exit codes: 0 no key was rejected (missing keys are reported, not errors); 1 failure;
2 a key was rejected by its API.";

/// Options of `heroku-j1 status`.
#[derive(Debug, Clone, clap::Args)]
pub struct StatusArgs {
    /// Print the status as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Don't ask the APIs whether the keys are accepted.
    #[arg(long)]
    pub no_check: bool,
    #[command(flatten)]
    pub heroku: HerokuOpts,
    #[command(flatten)]
    pub jupiterone: JupiterOneOpts,
    #[command(flatten)]
    pub files: FileOpts,
}

impl StatusArgs {
    pub(super) fn apply(&self, f: &mut Flags) {
        self.heroku.apply(f);
        self.jupiterone.apply(f);
        self.files.apply(f);
    }
}

/// The outcome of asking the API about a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The API accepted the key.
    Accepted,
    /// The API refused the key.
    Rejected,
    /// The API could not be asked (or the account id is missing).
    Unchecked,
    /// `--no-check`.
    Skipped,
    /// There is no key.
    Missing,
}

/// One key in `status`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyReport {
    pub api_url: Option<String>,
    /// Where the key in use comes from.
    pub source: Option<Source>,
    /// The key, masked.
    pub key: Option<String>,
    /// Whether the keyring holds a key (`null` when it could not be read).
    pub stored_in_keyring: Option<bool>,
    pub keyring_error: Option<String>,
    pub check: Check,
    /// Why the check failed, or what to do.
    pub message: Option<String>,
    /// Heroku: whose key it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// JupiterOne: the account id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// JupiterOne: the region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// JupiterOne: where `sync` uploads by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// What `status` prints, and `--json` prints as JSON.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    pub config_file: Option<PathBuf>,
    pub config_exists: bool,
    pub config_error: Option<String>,
    pub keyring_service: String,
    pub keyring_error: Option<String>,
    pub heroku: KeyReport,
    pub jupiterone: KeyReport,
}

fn key_report(status: &KeyStatus, api_url: Option<String>) -> KeyReport {
    let (check, message) = if status.active.is_some() {
        (Check::Skipped, None)
    } else {
        let why = match &status.keyring {
            Err(e) if e.is_unavailable() => format!(
                "the OS keyring cannot be read (see above): set {} for this run, or start or \
                 unlock a keyring and run `heroku-j1 login {}`",
                status.which.env_var(),
                status.which.login_flag()
            ),
            Err(e) => e.to_string(),
            Ok(_) => ResolveError::Missing(status.which).to_string(),
        };
        (Check::Missing, Some(why))
    };
    KeyReport {
        api_url,
        source: status.source(),
        key: status.masked(),
        stored_in_keyring: status.keyring.as_ref().ok().copied(),
        keyring_error: status.keyring.as_ref().err().map(ToString::to_string),
        check,
        message,
        user: None,
        account_id: None,
        region: None,
        target: None,
    }
}

/// Gathers the status (config.toml was read when the settings were resolved: a file that
/// cannot be read stopped the command before).
pub async fn report(settings: &Settings, keys: &Keys, check: bool) -> StatusReport {
    let config_error = None;
    let config_file = Some(crate::config::path(&settings.config_dir));
    let keyring_error = keys
        .store()
        .check(Which::Heroku)
        .await
        .err()
        .map(|e| e.to_string());

    // Heroku.
    let status = keys.status(Which::Heroku).await;
    let heroku_url = settings.heroku_api_url.clone();
    let mut heroku = key_report(&status, Some(heroku_url.clone()));
    if let (true, Some(active)) = (check, &status.active) {
        match validate::heroku(&heroku_url, &active.key).await {
            Ok(id) => {
                heroku.check = Check::Accepted;
                heroku.user = Some(crate::text::cleaned(&id.email));
            }
            Err(e) => {
                heroku.check = if e.is_rejected() {
                    Check::Rejected
                } else {
                    Check::Unchecked
                };
                heroku.message = Some(crate::text::cleaned(&e.to_string()));
            }
        }
    }

    // JupiterOne.
    let status = keys.status(Which::JupiterOne).await;
    let url = settings.jupiterone_api_url.clone();
    let account = settings.account.clone();
    let mut j1 = key_report(&status, Some(url.clone()));
    j1.account_id.clone_from(&account);
    j1.region = Some(settings.region.to_string());
    j1.target = Some(match &settings.target {
        Some(crate::jupiterone::Target::Scope(s)) => format!("scope {s}"),
        Some(crate::jupiterone::Target::Instance { id, .. }) => {
            format!("integration instance {id}")
        }
        None => "scope heroku-j1:<Heroku user id> (the default)".to_owned(),
    });
    if let (true, Some(active)) = (check, &status.active) {
        match &account {
            None => {
                j1.check = Check::Unchecked;
                j1.message = Some(
                    "no JupiterOne account id: run `heroku-j1 login --jupiterone --account-id \
                     ID` or set JUPITERONE_ACCOUNT"
                        .to_owned(),
                );
            }
            Some(account) => match validate::jupiterone(&url, account, &active.key).await {
                Ok(()) => j1.check = Check::Accepted,
                Err(e) => {
                    j1.check = if e.is_rejected() {
                        Check::Rejected
                    } else {
                        Check::Unchecked
                    };
                    j1.message = Some(crate::text::cleaned(&e.to_string()));
                }
            },
        }
    }

    StatusReport {
        config_exists: config_file.as_ref().is_some_and(|p| p.exists()),
        config_file,
        config_error,
        keyring_service: keys.store().service().to_owned(),
        keyring_error,
        heroku,
        jupiterone: j1,
    }
}

fn render_key(out: &mut String, name: &str, which: Which, k: &KeyReport) {
    let pad = " ".repeat(13);
    match (&k.key, k.source) {
        (Some(key), Some(source)) => {
            let from = match source {
                Source::Environment => format!("the environment ({})", which.env_var()),
                Source::Keyring => "the OS keyring".to_owned(),
                Source::ThisRunOnly => "this run only".to_owned(),
            };
            let _ = writeln!(out, "{name:<12} key {key} from {from}");
            if source == Source::Environment && k.stored_in_keyring == Some(true) {
                let _ = writeln!(out, "{pad}(a stored key in the OS keyring is not used)");
            }
        }
        _ => {
            let _ = writeln!(out, "{name:<12} no key");
        }
    }
    let url = k.api_url.as_deref().unwrap_or("?");
    let line = match k.check {
        Check::Accepted => format!(
            "accepted by {url}{}",
            k.user
                .as_deref()
                .map(|u| format!(" ({u})"))
                .unwrap_or_default()
        ),
        Check::Rejected => format!("REJECTED by {url}"),
        Check::Unchecked => format!("not checked with {url}"),
        Check::Skipped => format!("not checked (--no-check); API {url}"),
        Check::Missing => String::new(),
    };
    if !line.is_empty() {
        let _ = writeln!(out, "{pad}{line}");
    }
    if let Some(m) = &k.message {
        let _ = writeln!(out, "{pad}{m}");
    }
}

/// The human status.
#[must_use]
pub fn render(r: &StatusReport) -> String {
    let mut out = String::new();
    let config = match (&r.config_file, &r.config_error) {
        (_, Some(e)) => format!("unreadable: {e}"),
        (Some(p), None) if r.config_exists => p.display().to_string(),
        (Some(p), None) => format!("{} (not created yet)", p.display()),
        (None, None) => "none".to_owned(),
    };
    let _ = writeln!(out, "{:<12} {config}", "Config file");
    let keyring = r.keyring_error.as_ref().map_or_else(
        || format!("available (service {})", r.keyring_service),
        Clone::clone,
    );
    let _ = writeln!(out, "{:<12} {keyring}", "OS keyring");
    render_key(&mut out, "Heroku", Which::Heroku, &r.heroku);
    render_key(&mut out, "JupiterOne", Which::JupiterOne, &r.jupiterone);
    let j = &r.jupiterone;
    let _ = writeln!(
        out,
        "{:<12} account {} at {}{}; {}",
        "",
        j.account_id.as_deref().unwrap_or("(not set)"),
        j.api_url.as_deref().unwrap_or("?"),
        j.region
            .as_deref()
            .map(|r| format!(" (region {r})"))
            .unwrap_or_default(),
        j.target.as_deref().unwrap_or("")
    );
    out
}

/// Runs `status`.
///
/// # Errors
/// When the JSON cannot be written.
pub async fn run(settings: &Settings, args: StatusArgs) -> anyhow::Result<ExitCode> {
    let keys = Keys::new(KeyStore::platform());
    let r = report(settings, &keys, !args.no_check).await;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        print!("{}", render(&r));
    }
    let rejected = [&r.heroku, &r.jupiterone]
        .iter()
        .any(|k| k.check == Check::Rejected);
    Ok(ExitCode::from(if rejected {
        exit::USAGE
    } else {
        exit::OK
    }))
}
