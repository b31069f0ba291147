//! The command line: `heroku-j1 [--demo] [COMMAND]`.

pub mod collect;
pub mod diff;
pub mod diff_report;
pub mod document;
pub mod explore;
pub mod fake_api;
pub mod login;
pub mod logout;
pub mod query;
pub mod questions;
pub mod status;
pub mod sync;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::config::{self, Config, ConfigError};

/// Exit codes, documented in README and `--help`.
pub mod exit {
    /// Complete.
    pub const OK: u8 = 0;
    /// Any other failure.
    pub const FAILURE: u8 = 1;
    /// Usage or authentication error (a missing or rejected key).
    pub const USAGE: u8 = 2;
    /// Complete but partial: some datasets could not be read.
    pub const PARTIAL: u8 = 3;
}

const AFTER_HELP: &str = "\
Keys: HEROKU_API_KEY / JUPITERONE_API_KEY (never stored), else the OS keyring
(`heroku-j1 login`). Settings: config.toml in the config folder (--config-dir).

Exit codes:
  0  complete
  1  any other failure (e.g. the OS keyring is unavailable, the API cannot be reached)
  2  usage or authentication error (e.g. a missing or rejected key, no Heroku Enterprise
     account; a rejected key is never stored), or `sync` refused without --yes / --allow-partial
  3  complete but partial: some lists could not be read (see the summary)";

/// Browse a Heroku Enterprise estate as a JupiterOne graph, preview the upload, sync it.
#[derive(Debug, Parser)]
#[command(name = "heroku-j1", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// Open the explorer on a built-in fake Heroku (and fake JupiterOne): no keys, no network.
    #[arg(long)]
    pub demo: bool,
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every subcommand takes.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Base URL of the Heroku Platform API (default: `api_url` in config.toml's `[heroku]`,
    /// else https://api.heroku.com).
    #[arg(
        long,
        global = true,
        env = "HEROKU_API_URL",
        default_value = "https://api.heroku.com"
    )]
    pub heroku_api_url: String,
    /// Where to write the log (default: the platform's data folder). Level: HEROKU_J1_LOG.
    #[arg(long, global = true, env = "HEROKU_J1_LOG_FILE")]
    pub log_file: Option<std::path::PathBuf>,
    /// Base URL of the JupiterOne API (default: from JUPITERONE_REGION, `us` or `eu`).
    #[arg(long, global = true, env = "JUPITERONE_API_URL")]
    pub jupiterone_api_url: Option<String>,
    /// The folder of config.toml (default: the platform's config folder, e.g.
    /// ~/.config/heroku-j1).
    #[arg(long, global = true, env = config::DIR_ENV, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Whether --heroku-api-url / HEROKU_API_URL was left to its default (so the config
    /// file's may replace it).
    #[arg(skip)]
    pub heroku_api_url_is_default: bool,
}

impl GlobalArgs {
    /// The config folder (`--config-dir`, else the platform's).
    ///
    /// # Errors
    /// When no folder is known.
    pub fn config_dir(&self) -> Result<PathBuf, ConfigError> {
        config::dir(self.config_dir.as_deref())
    }

    /// The config file's folder and contents (empty when there is no file).
    ///
    /// # Errors
    /// When the file cannot be read or parsed.
    pub fn load_config(&self) -> Result<(PathBuf, Config), ConfigError> {
        let dir = self.config_dir()?;
        let config = Config::load(&dir)?;
        Ok((dir, config))
    }

    /// Applies the config file's defaults: its Heroku API URL unless one was given.
    ///
    /// # Errors
    /// When the file cannot be read or parsed.
    pub fn apply_config(&mut self) -> Result<(), ConfigError> {
        let (_, config) = self.load_config()?;
        if self.heroku_api_url_is_default
            && let Some(url) = config.heroku_api_url()
        {
            url.clone_into(&mut self.heroku_api_url);
        }
        Ok(())
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the Heroku estate and write the graph in the j1-integration layout.
    Collect(collect::CollectArgs),
    /// Print the data model (entity and relationship tables) as Markdown.
    Document,
    /// Collect (or read a collected folder) and upload the graph to JupiterOne.
    Sync(sync::SyncArgs),
    /// What a sync would change in JupiterOne since the last sync (nothing is uploaded).
    Diff(diff::DiffArgs),
    /// Serve the fake Heroku and JupiterOne APIs on 127.0.0.1 (for demos, tests and benchmarks).
    FakeApi(fake_api::FakeApiArgs),
    /// Check an API key with its API and store it in the OS keyring.
    #[command(after_help = login::AFTER_HELP)]
    Login(login::LoginArgs),
    /// Remove API keys from the OS keyring.
    #[command(after_help = logout::AFTER_HELP)]
    Logout(logout::LogoutArgs),
    /// Where each key comes from, whether it is accepted, and the JupiterOne target.
    #[command(after_help = status::AFTER_HELP)]
    Status(status::StatusArgs),
    /// Run a J1QL query on the graph (a collected folder with --from, else a fresh crawl).
    Query(query::QueryArgs),
    /// Run the saved J1QL questions; --fail-on SEVERITY makes it a CI gate.
    Questions(questions::QuestionsArgs),
}

/// Parses the command line, runs the command and returns its exit code.
#[must_use]
pub fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    cli.global.heroku_api_url_is_default =
        matches.value_source("heroku_api_url") == Some(ValueSource::DefaultValue);
    crate::logging::init(cli.global.log_file.as_deref());
    let uses_config = matches!(
        cli.command,
        Some(
            Command::Collect(_)
                | Command::Sync(_)
                | Command::Diff(_)
                | Command::Login(_)
                | Command::Status(_)
        )
    ) || (cli.command.is_none() && !cli.demo);
    if uses_config && let Err(e) = cli.global.apply_config() {
        eprintln!("heroku-j1: {e}");
        return ExitCode::from(exit::USAGE);
    }
    match cli.command {
        Some(Command::Collect(args)) => block_on(collect::run(&cli.global, args)),
        Some(Command::Sync(args)) => block_on(sync::run(&cli.global, args)),
        Some(Command::Diff(args)) => block_on(diff::run(&cli.global, args)),
        Some(Command::Document) => document::run(),
        Some(Command::FakeApi(args)) => block_on(fake_api::run(args)),
        Some(Command::Login(args)) => block_on(login::run(&cli.global, args)),
        Some(Command::Logout(args)) => block_on(logout::run(&cli.global, args)),
        Some(Command::Status(args)) => block_on(status::run(&cli.global, args)),
        Some(Command::Query(args)) => block_on(query::run(&cli.global, args)),
        Some(Command::Questions(args)) => block_on(questions::run(&cli.global, args)),
        None => block_on(explore::run(&cli.global, cli.demo)),
    }
}

/// Runs a command future on a new multi-threaded runtime, printing its error.
fn block_on(fut: impl Future<Output = anyhow::Result<ExitCode>>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("heroku-j1: cannot start the async runtime: {e}");
            return ExitCode::from(exit::FAILURE);
        }
    };
    let result = runtime.block_on(fut);
    // A keyring call that timed out may still hold a blocking thread: don't wait for it.
    runtime.shutdown_timeout(Duration::from_millis(200));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("heroku-j1: {e:#}");
            ExitCode::from(exit::FAILURE)
        }
    }
}
