//! `heroku-j1 logout`: remove keys from the OS keyring.

use std::process::ExitCode;

use super::{FileOpts, exit};
use crate::secrets::{KeyStore, Keys, Which};
use crate::settings::Settings;

/// Shown after `heroku-j1 logout --help`.
pub const AFTER_HELP: &str = "\
With no option, both keys are removed. The config file (account id, region) is kept.
HEROKU_API_KEY / JUPITERONE_API_KEY are not affected.

Exit codes: 0 removed (or there was nothing to remove); 1 the keyring is unavailable.";

/// Options of `heroku-j1 logout`.
#[derive(Debug, Clone, clap::Args)]
pub struct LogoutArgs {
    /// Remove the Heroku API key.
    #[arg(long)]
    pub heroku: bool,
    /// Remove the JupiterOne API key.
    #[arg(long)]
    pub jupiterone: bool,
    /// Remove both (the default).
    #[arg(long, conflicts_with_all = ["heroku", "jupiterone"])]
    pub all: bool,
    #[command(flatten)]
    pub files: FileOpts,
}

impl LogoutArgs {
    /// The keys to remove.
    #[must_use]
    pub fn which(&self) -> Vec<Which> {
        if self.all || !(self.heroku || self.jupiterone) {
            return Which::ALL.to_vec();
        }
        Which::ALL
            .into_iter()
            .filter(|w| match w {
                Which::Heroku => self.heroku,
                Which::JupiterOne => self.jupiterone,
            })
            .collect()
    }
}

/// Runs `logout`.
///
/// # Errors
/// Never: failures are printed and give an exit code.
pub async fn run(_settings: &Settings, args: LogoutArgs) -> anyhow::Result<ExitCode> {
    let keys = Keys::new(KeyStore::platform());
    let mut code = exit::OK;
    for which in args.which() {
        match keys.delete(which).await {
            Ok(true) => {
                println!("Removed the {which} API key from the OS keyring.");
                tracing::info!(%which, "key removed from the keyring");
            }
            Ok(false) => println!("No {which} API key was stored."),
            Err(e) => {
                eprintln!("heroku-j1: {e}");
                code = exit::FAILURE;
                continue;
            }
        }
        if keys.from_env(which).is_some() {
            eprintln!(
                "heroku-j1: note: {} is still set in this environment and is used instead",
                which.env_var()
            );
        }
    }
    Ok(ExitCode::from(code))
}
