//! `heroku-j1 login`: read a key (a prompt with echo off, one line of stdin, or the Heroku
//! CLI's `~/.netrc`), then check and store it with [`validate_and_store`] (the explorer's
//! login form calls it too). A rejected key is never stored; when the keyring is unavailable
//! nothing is stored anywhere.

use std::io::{BufRead as _, IsTerminal as _};
use std::process::ExitCode;

use zeroize::Zeroizing;

use super::{FileOpts, HerokuOpts, JupiterOneOpts, exit};
use crate::config::{Config, Region};
use crate::secrets::{
    Endpoint, KeyStore, Keys, LoggedIn, LoginError, Secret, Which, netrc, shape, validate_and_store,
};
use crate::settings::{Flags, Settings};

/// Shown after `heroku-j1 login --help`.
pub const AFTER_HELP: &str = "\
Examples:
  heroku-j1 login                                   # prompt for the Heroku API key
  heroku auth:token | heroku-j1 login --heroku --stdin
  heroku-j1 login --heroku --import-heroku-cli      # the Heroku CLI's token in ~/.netrc
  heroku-j1 login --jupiterone --account-id ID --region eu

The key is checked first (Heroku: GET /account; JupiterOne: an authenticated request) and
stored only if accepted, in the OS keyring under the service `heroku-j1`. The account id and
region go to config.toml. HEROKU_API_KEY / JUPITERONE_API_KEY, when set, take precedence
over stored keys and are never stored.

Exit codes: 0 stored; 1 not stored (the keyring is unavailable, or the API cannot be
reached); 2 usage error or the key was rejected (and not stored).";

/// Options of `heroku-j1 login`.
#[derive(Debug, Clone, clap::Args)]
pub struct LoginArgs {
    /// Store the Heroku API key (the default).
    #[arg(long)]
    pub heroku: bool,
    /// Store the JupiterOne API key (and its account id and region in config.toml).
    #[arg(long, conflicts_with = "heroku")]
    pub jupiterone: bool,
    /// Read the key from one line of standard input instead of prompting.
    #[arg(long)]
    pub stdin: bool,
    /// Take the Heroku CLI's token from ~/.netrc (`machine api.heroku.com`).
    #[arg(long, conflicts_with_all = ["jupiterone", "stdin"])]
    pub import_heroku_cli: bool,
    /// The JupiterOne account id (saved in config.toml). Default: JUPITERONE_ACCOUNT, then
    /// config.toml, then a prompt.
    #[arg(long, value_name = "ID", conflicts_with = "heroku")]
    pub account_id: Option<String>,
    /// The JupiterOne region (saved in config.toml). Default: JUPITERONE_REGION, then
    /// config.toml, then us.
    #[arg(long, value_enum, conflicts_with = "heroku")]
    pub region: Option<Region>,
    #[command(flatten)]
    pub heroku_opts: HerokuOpts,
    #[command(flatten)]
    pub jupiterone_opts: JupiterOneOpts,
    #[command(flatten)]
    pub files: FileOpts,
}

impl LoginArgs {
    pub(super) fn apply(&self, f: &mut Flags) {
        if self.account_id.is_some() {
            f.account.clone_from(&self.account_id);
        }
        if self.region.is_some() {
            f.region = self.region;
        }
        self.heroku_opts.apply(f);
        self.jupiterone_opts.apply(f);
        self.files.apply(f);
    }

    /// Which key: JupiterOne with `--jupiterone` (or its options), else Heroku.
    #[must_use]
    pub fn which(&self) -> Which {
        if self.jupiterone || (!self.heroku && (self.account_id.is_some() || self.region.is_some()))
        {
            Which::JupiterOne
        } else {
            Which::Heroku
        }
    }
}

/// How `login` ends: the exit code, after the message was printed.
struct Stop(u8);

fn fail(code: u8, message: impl std::fmt::Display) -> Stop {
    eprintln!("heroku-j1: {message}");
    Stop(code)
}

/// Runs `login`.
///
/// # Errors
/// Never: failures are printed and give an exit code.
pub async fn run(settings: &Settings, args: LoginArgs) -> anyhow::Result<ExitCode> {
    let keys = Keys::new(KeyStore::platform());
    let code = match login(settings, &args, &keys).await {
        Ok(()) => exit::OK,
        Err(Stop(code)) => code,
    };
    Ok(ExitCode::from(code))
}

async fn login(settings: &Settings, args: &LoginArgs, keys: &Keys) -> Result<(), Stop> {
    let which = args.which();
    // Fail before asking for a key that could not be stored.
    if let Err(e) = keys.store().check(which).await {
        return Err(fail(exit::FAILURE, format!("{e}. Nothing was stored")));
    }
    match which {
        Which::Heroku => login_heroku(settings, args, keys).await,
        Which::JupiterOne => login_jupiterone(settings, args, keys).await,
    }
}

async fn login_heroku(settings: &Settings, args: &LoginArgs, keys: &Keys) -> Result<(), Stop> {
    let which = Which::Heroku;
    let key = if args.import_heroku_cli {
        let path =
            netrc::default_path().ok_or_else(|| fail(exit::USAGE, netrc::NetrcError::NoHome))?;
        let entry = netrc::read_heroku_token(&path).map_err(|e| fail(exit::USAGE, e))?;
        eprintln!(
            "Found the Heroku CLI's token {}{} in {}.",
            entry.password.masked(),
            entry
                .login
                .as_deref()
                .map(|l| format!(" for {l}"))
                .unwrap_or_default(),
            path.display()
        );
        entry.password
    } else {
        read_key(which, args.stdin).await?
    };
    hint(which, &key);
    let url = settings.heroku_api_url.clone();
    eprintln!("Checking the key with Heroku at {url} …");
    let done = enroll(keys, &Endpoint::Heroku { api_url: url }, key).await?;
    println!(
        "Stored the Heroku API key {} of {} in the OS keyring (service {}).",
        done.masked,
        done.who,
        keys.store().service()
    );
    env_note(keys, which);
    Ok(())
}

async fn login_jupiterone(settings: &Settings, args: &LoginArgs, keys: &Keys) -> Result<(), Stop> {
    let which = Which::JupiterOne;
    let dir = &settings.config_dir;
    // Fail before asking for a key when config.toml could not take the account id.
    Config::load(dir).map_err(|e| fail(exit::USAGE, e))?;
    let account = match settings.account.clone() {
        Some(a) => a,
        None if !args.stdin && std::io::stdin().is_terminal() => {
            prompt_line("JupiterOne account id: ")
                .await
                .map_err(|e| fail(exit::USAGE, e))?
        }
        None => {
            return Err(fail(
                exit::USAGE,
                "no JupiterOne account id: pass --account-id ID (it is saved in config.toml) or \
                 set JUPITERONE_ACCOUNT",
            ));
        }
    };
    let region = settings.region;
    let url = settings.jupiterone_api_url.clone();
    let key = read_key(which, args.stdin).await?;
    hint(which, &key);
    eprintln!("Checking the key with JupiterOne at {url} for account {account} …");
    let endpoint = Endpoint::JupiterOne {
        api_url: url.clone(),
        account_id: account.clone(),
    };
    let done = enroll(keys, &endpoint, key).await?;
    Config::update(dir, |c| {
        c.jupiterone.account_id = Some(account.clone());
        if args.region.is_some() {
            c.jupiterone.region = Some(region);
        }
    })
    .map_err(|e| {
        fail(
            exit::FAILURE,
            format!("the key is stored, but the account id could not be saved: {e}"),
        )
    })?;
    println!(
        "Stored the JupiterOne API key {} for account {account} ({url}) in the OS keyring \
         (service {}); the account id{} saved in {}.",
        done.masked,
        keys.store().service(),
        if args.region.is_some() {
            " and region are"
        } else {
            " is"
        },
        crate::config::path(dir).display()
    );
    env_note(keys, which);
    Ok(())
}

/// Checks and stores `key` ([`validate_and_store`]), turning a refusal into its exit code:
/// 2 for a rejected key, 1 when it could not be checked or stored.
async fn enroll(keys: &Keys, endpoint: &Endpoint, key: Secret) -> Result<LoggedIn, Stop> {
    validate_and_store(keys, endpoint, key)
        .await
        .map_err(|e| match e {
            LoginError::Rejected(why) => {
                fail(exit::USAGE, format!("{why}. The key was not stored"))
            }
            LoginError::Unchecked(why) => {
                fail(exit::FAILURE, format!("{why}. The key was not stored"))
            }
            LoginError::Keyring(e) => fail(
                exit::FAILURE,
                format!("{e}. The key was accepted but not stored anywhere"),
            ),
        })
}

fn hint(which: Which, key: &Secret) {
    if let Some(h) = shape::hint(which, key) {
        eprintln!("heroku-j1: note: {h}");
    }
}

fn env_note(keys: &Keys, which: Which) {
    if keys.from_env(which).is_some() {
        eprintln!(
            "heroku-j1: note: {} is set in this environment and takes precedence over the \
             stored key",
            which.env_var()
        );
    }
}

/// The key: one line of stdin (`--stdin`), or a prompt with echo off on the terminal.
async fn read_key(which: Which, from_stdin: bool) -> Result<Secret, Stop> {
    let read = tokio::task::spawn_blocking(move || -> Result<Secret, String> {
        if from_stdin {
            let mut line = Zeroizing::new(String::new());
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| format!("cannot read the key from standard input: {e}"))?;
            return Ok(Secret::new(std::mem::take(&mut *line)));
        }
        if !std::io::stdin().is_terminal() {
            return Err(format!(
                "standard input is not a terminal: pipe the key with `heroku-j1 login {} --stdin`",
                which.login_flag()
            ));
        }
        rpassword::prompt_password(format!("{} API key (input hidden): ", which.name()))
            .map(Secret::new)
            .map_err(|e| format!("cannot read the key from the terminal: {e}"))
    })
    .await;
    let key = match read {
        Ok(Ok(key)) => key,
        Ok(Err(e)) => return Err(fail(exit::USAGE, e)),
        Err(_) => return Err(fail(exit::FAILURE, "reading the key failed")),
    };
    if key.is_empty() {
        return Err(fail(
            exit::USAGE,
            format!("no {} API key was given; nothing was stored", which.name()),
        ));
    }
    Ok(key)
}

/// One line from the terminal, echoed (not a secret).
async fn prompt_line(prompt: &'static str) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        eprint!("{prompt}");
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let line = line.trim().to_owned();
        if line.is_empty() {
            Err("nothing was entered".to_owned())
        } else {
            Ok(line)
        }
    })
    .await
    .map_err(|e| e.to_string())?
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;
    use crate::cli::{Cli, Command};

    fn which(args: &[&str]) -> Which {
        let cli =
            Cli::try_parse_from(std::iter::once("heroku-j1").chain(args.iter().copied())).unwrap();
        match cli.command {
            Some(Command::Login(a)) => a.which(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn which_key() {
        assert_eq!(which(&["login"]), Which::Heroku);
        assert_eq!(which(&["login", "--heroku", "--stdin"]), Which::Heroku);
        assert_eq!(which(&["login", "--jupiterone"]), Which::JupiterOne);
        assert_eq!(which(&["login", "--account-id", "a"]), Which::JupiterOne);
        assert_eq!(which(&["login", "--region", "eu"]), Which::JupiterOne);
        for bad in [
            &["login", "--heroku", "--jupiterone"][..],
            &["login", "--heroku", "--account-id", "a"],
            &["login", "--jupiterone", "--import-heroku-cli"],
            &["login", "--import-heroku-cli", "--stdin"],
            &["login", "--region", "ap"],
        ] {
            assert!(
                Cli::try_parse_from(std::iter::once("heroku-j1").chain(bad.iter().copied()))
                    .is_err(),
                "{bad:?}"
            );
        }
    }
}
