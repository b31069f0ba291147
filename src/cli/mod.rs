//! The command line: `heroku-j1 [--demo] [COMMAND]`. Parses the flags, checks the folders
//! named on the command line ([`preflight`]) before anything else, resolves the
//! [`Settings`] once (flag > environment > config.toml > default), starts the log and runs
//! the command with them.

pub mod collect;
pub mod completions;
pub mod diff;
pub mod diff_report;
pub mod document;
pub mod explore;
pub mod fake_api;
pub mod findings;
pub mod login;
pub mod logout;
pub mod man;
pub mod preflight;
pub mod query;
pub mod questions;
pub mod status;
pub mod sync;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::settings::{ColorChoice, Flags, Settings, value};

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
    /// Interrupted by Ctrl-C (128 + SIGINT, the shell convention).
    pub const INTERRUPTED: u8 = 130;
}

const AFTER_HELP: &str = "\
Keys: HEROKU_API_KEY / JUPITERONE_API_KEY (never stored), else the OS keyring
(`heroku-j1 login`). Settings: config.toml in the config folder (--config-dir).

Exit codes:
  0  complete
  1  any other failure (e.g. the OS keyring is unavailable, the API cannot be reached)
  2  usage or authentication error (e.g. a missing or rejected key, no Heroku Enterprise
     account; a rejected key is never stored), or `sync` refused without --yes / --allow-partial
  3  complete but partial: some lists could not be read (see the summary)
  130  interrupted (Ctrl-C)

Log: --log-file; level -v/-q, else HEROKU_J1_LOG, else RUST_LOG (e.g. debug), else info.
Colour: --color, else none when NO_COLOR is set.";

/// `collect --help`: examples, environment, exit codes.
const COLLECT_AFTER_HELP: &str = "\
Examples:
  heroku-j1 collect --out ./.j1-integration     table of counts, partial datasets, findings
  heroku-j1 collect --json --out /tmp/graph     the same summary as JSON (camelCase keys)
  heroku-j1 collect --concurrency 4 --timeout 1m

Environment:
  HEROKU_API_KEY          the Heroku key (else the OS keyring: `heroku-j1 login --heroku`)
  HEROKU_API_URL, HEROKU_J1_CONCURRENCY, HEROKU_J1_TIMEOUT, HEROKU_J1_DEADLINE,
  HEROKU_J1_MAX_RESPONSE_SIZE, HEROKU_J1_CONFIG_DIR, HEROKU_J1_DATA_DIR, HEROKU_J1_LOG_FILE,
  HEROKU_J1_LOG / RUST_LOG, NO_COLOR

Exit codes:
  0    complete
  1    any other failure (the API cannot be reached, the OS keyring cannot be read, a
       write failed)
  2    usage or authentication error (a bad flag or --out, a missing or rejected key,
       no Heroku Enterprise account)
  3    complete but partial: some lists could not be read (see the summary)
  130  interrupted (Ctrl-C)";

/// `sync --help`: examples, environment, exit codes.
const SYNC_AFTER_HELP: &str = "\
Examples:
  heroku-j1 sync --yes                                  collect and upload in one job
  heroku-j1 sync --from ./.j1-integration --scope S --yes   upload a collected folder
  heroku-j1 sync --yes --allow-partial --every 1h       keep JupiterOne current
  heroku-j1 sync --dry-run                              preview only, nothing is sent

Environment:
  JUPITERONE_API_KEY, JUPITERONE_ACCOUNT, JUPITERONE_REGION (us|eu), JUPITERONE_API_URL
  HEROKU_API_KEY, HEROKU_API_URL, HEROKU_J1_SCOPE, HEROKU_J1_INTEGRATION_INSTANCE_ID,
  HEROKU_J1_POLL_INTERVAL, HEROKU_J1_GUARD_PERCENT, HEROKU_J1_DATA_DIR,
  HEROKU_J1_LOG_FILE, HEROKU_J1_LOG / RUST_LOG, NO_COLOR

Exit codes:
  0    complete
  1    any other failure (including validation findings)
  2    usage or authentication error (a bad flag or --from, a missing or rejected key),
       or a sync the guard refuses without --yes / --allow-partial
  3    complete but partial (uploaded with --allow-partial)
  130  interrupted (Ctrl-C)";

/// Browse a Heroku Enterprise estate as a JupiterOne graph, preview the upload, sync it.
#[derive(Debug, Parser)]
#[command(name = "heroku-j1", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// Open the explorer on a built-in fake Heroku (and fake JupiterOne): no keys, no network.
    #[arg(long)]
    pub demo: bool,
    /// With --demo: the built-in fake Heroku answers every request this late (e.g. 200ms),
    /// so the tree can be watched filling in.
    #[arg(long, value_name = "DURATION", requires = "demo", value_parser = crate::settings::value::duration)]
    pub demo_latency: Option<std::time::Duration>,
    #[command(flatten)]
    pub heroku: HerokuOpts,
    #[command(flatten)]
    pub jupiterone: JupiterOneOpts,
    #[command(flatten)]
    pub files: FileOpts,
    #[command(flatten)]
    pub output: OutputOpts,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Log verbosity and colour (every command).
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Output")]
pub struct OutputOpts {
    /// More detail in the log (-v debug, -vv trace); overrides HEROKU_J1_LOG and RUST_LOG.
    #[arg(short, long, action = clap::ArgAction::Count, global = true, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Less detail in the log (-q warnings, -qq errors, -qqq nothing).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub quiet: u8,
    /// Colour: auto (on a terminal), always or never [default: auto; never when NO_COLOR is
    /// set].
    #[arg(long, value_name = "WHEN", global = true)]
    pub color: Option<ColorChoice>,
}

impl OutputOpts {
    /// -v minus -q: 0 when neither was given.
    #[must_use]
    pub fn verbosity(&self) -> i8 {
        i8::try_from(self.verbose).unwrap_or(i8::MAX) - i8::try_from(self.quiet).unwrap_or(i8::MAX)
    }
}

/// The Heroku API option (the explorer, `collect`, `sync`, `login`, `status`).
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Global options")]
pub struct HerokuOpts {
    /// Base URL of the Heroku Platform API [env: HEROKU_API_URL] (else `api_url` in
    /// config.toml's [heroku], else https://api.heroku.com).
    #[arg(long, value_name = "URL", value_parser = value::url)]
    pub heroku_api_url: Option<String>,
}

/// The JupiterOne API option (the explorer, `sync`, `login`, `status`).
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Global options")]
pub struct JupiterOneOpts {
    /// Base URL of the JupiterOne API [env: JUPITERONE_API_URL] (else `api_url` in
    /// config.toml, else the region's: JUPITERONE_REGION, `us` or `eu`).
    #[arg(long, value_name = "URL", value_parser = value::url)]
    pub jupiterone_api_url: Option<String>,
}

/// Where heroku-j1 keeps its files (every command but `document` and `fake-api`).
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Global options")]
pub struct FileOpts {
    /// The folder of config.toml [env: HEROKU_J1_CONFIG_DIR] (default: the platform's
    /// config folder, e.g. ~/.config/heroku-j1).
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Where the state of the last sync per target is kept [env: HEROKU_J1_DATA_DIR]
    /// (default: the platform's data folder, e.g. ~/.local/share/heroku-j1).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where to write the log [env: HEROKU_J1_LOG_FILE] (default: heroku-j1.log in the
    /// data folder). Level: HEROKU_J1_LOG.
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
}

impl HerokuOpts {
    fn apply(&self, f: &mut Flags) {
        if self.heroku_api_url.is_some() {
            f.heroku_api_url.clone_from(&self.heroku_api_url);
        }
    }
}

impl JupiterOneOpts {
    fn apply(&self, f: &mut Flags) {
        if self.jupiterone_api_url.is_some() {
            f.jupiterone_api_url.clone_from(&self.jupiterone_api_url);
        }
    }
}

impl FileOpts {
    fn apply(&self, f: &mut Flags) {
        if self.config_dir.is_some() {
            f.config_dir.clone_from(&self.config_dir);
        }
        if self.data_dir.is_some() {
            f.data_dir.clone_from(&self.data_dir);
        }
        if self.log_file.is_some() {
            f.log_file.clone_from(&self.log_file);
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the Heroku estate and write the graph in the j1-integration layout.
    #[command(after_help = COLLECT_AFTER_HELP)]
    Collect(collect::CollectArgs),
    /// Print the data model (entity and relationship tables) as Markdown.
    Document,
    /// Collect (or read a collected folder) and upload the graph to JupiterOne.
    #[command(after_help = SYNC_AFTER_HELP)]
    Sync(sync::SyncArgs),
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
    /// What a sync would create, change and delete in JupiterOne, without uploading.
    Diff(diff::DiffArgs),
    /// Run a J1QL query on the graph (a collected folder with --from, else a fresh crawl).
    Query(query::QueryArgs),
    /// Run the saved J1QL questions; --fail-on SEVERITY makes it a CI gate.
    Questions(questions::QuestionsArgs),
    /// Print a shell completion script, e.g. `source <(heroku-j1 completions bash)`.
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff), e.g. `heroku-j1 man > heroku-j1.1`.
    Man,
}

impl Cli {
    /// The flags given for the settings: those before the subcommand, replaced by those
    /// after it. `None` for the commands that take no settings (`document`, `fake-api`,
    /// `completions`, `man`).
    #[must_use]
    pub fn flags(&self) -> Option<Flags> {
        let mut f = Flags::default();
        self.heroku.apply(&mut f);
        self.jupiterone.apply(&mut f);
        self.files.apply(&mut f);
        match &self.command {
            None => {}
            Some(
                Command::Document | Command::FakeApi(_) | Command::Completions(_) | Command::Man,
            ) => return None,
            Some(Command::Collect(a)) => a.apply(&mut f),
            Some(Command::Sync(a)) => a.apply(&mut f),
            Some(Command::Login(a)) => a.apply(&mut f),
            Some(Command::Logout(a)) => a.files.apply(&mut f),
            Some(Command::Status(a)) => a.apply(&mut f),
            Some(Command::Diff(a)) => a.apply(&mut f),
            Some(Command::Query(a)) => a.source.apply(&mut f),
            Some(Command::Questions(a)) => a.source.apply(&mut f),
        }
        f.color = self.output.color;
        Some(f)
    }

    /// Whether this command runs with a config file that cannot be read (as if empty):
    /// `logout` and the demo, which use nothing in it. The others refuse (exit code 2).
    fn tolerates_bad_config(&self) -> bool {
        matches!(self.command, Some(Command::Logout(_))) || (self.command.is_none() && self.demo)
    }
}

/// The settings of this run, from `flags`, the process environment and config.toml (read
/// as empty when it cannot be and `tolerate_bad_config`).
///
/// # Errors
/// The message to print (exit code 2).
fn settings(flags: &Flags, tolerate_bad_config: bool) -> Result<Settings, String> {
    let env = crate::settings::process_env;
    let dir = Settings::config_dir(flags, &env).map_err(|e| e.to_string())?;
    let file = match Config::load(&dir) {
        Ok(f) => f,
        Err(e) if tolerate_bad_config => {
            tracing::warn!(error = %e, "config.toml ignored");
            Config::default()
        }
        Err(e) => return Err(e.to_string()),
    };
    Settings::resolve(flags, &env, &file, dir).map_err(|e| e.to_string())
}

/// Parses the command line, runs the command and returns its exit code.
#[must_use]
pub fn main() -> ExitCode {
    crate::memory::return_large_allocations_when_freed();
    let cli = Cli::parse();
    if let Err(e) = preflight::check(&cli) {
        eprintln!("heroku-j1: {e}");
        return ExitCode::from(exit::USAGE);
    }
    let Some(flags) = cli.flags() else {
        return match cli.command {
            Some(Command::FakeApi(args)) => block_on(fake_api::run(args)),
            Some(Command::Completions(args)) => completions::run(&args),
            Some(Command::Man) => man::run(),
            _ => document::run(),
        };
    };
    let settings = match settings(&flags, cli.tolerates_bad_config()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("heroku-j1: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    crate::logging::init(settings.log_file.as_deref(), cli.output.verbosity());
    set_cli_colors(settings.color);
    match cli.command {
        Some(Command::Collect(args)) => block_on(collect::run(&settings, args)),
        Some(Command::Sync(args)) => block_on(sync::run(&settings, args)),
        Some(Command::Login(args)) => block_on(login::run(&settings, args)),
        Some(Command::Logout(args)) => block_on(logout::run(&settings, args)),
        Some(Command::Status(args)) => block_on(status::run(&settings, args)),
        Some(Command::Diff(args)) => block_on(diff::run(&settings, args)),
        Some(Command::Query(args)) => block_on(query::run(&settings, args)),
        Some(Command::Questions(args)) => block_on(questions::run(&settings, args)),
        Some(Command::Document | Command::FakeApi(_) | Command::Completions(_) | Command::Man) => {
            document::run()
        }
        None => block_on(explore::run(&settings, cli.demo, cli.demo_latency)),
    }
}

/// Colour of the progress bars and styled text (indicatif draws with `console`).
fn set_cli_colors(choice: ColorChoice) {
    use std::io::IsTerminal as _;
    console::set_colors_enabled(choice.enabled(std::io::stdout().is_terminal()));
    console::set_colors_enabled_stderr(choice.enabled(std::io::stderr().is_terminal()));
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
