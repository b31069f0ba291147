//! The command line: `heroku-j1 [--demo] [COMMAND]`.

pub mod collect;
pub mod document;
pub mod explore;
pub mod fake_api;
pub mod sync;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes, documented in README and `--help`.
pub mod exit {
    /// Complete.
    pub const OK: u8 = 0;
    /// Any other failure.
    pub const FAILURE: u8 = 1;
    /// Usage or authentication error.
    pub const USAGE: u8 = 2;
    /// Complete but partial: some datasets could not be read.
    pub const PARTIAL: u8 = 3;
}

const AFTER_HELP: &str = "\
Exit codes:
  0  complete
  1  any other failure
  2  usage or authentication error (e.g. an invalid key, no Heroku Enterprise account),
     or `sync` refused without --yes / --allow-partial
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
    /// Base URL of the Heroku Platform API.
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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the Heroku estate and write the graph in the j1-integration layout.
    Collect(collect::CollectArgs),
    /// Print the data model (entity and relationship tables) as Markdown.
    Document,
    /// Collect (or read a collected folder) and upload the graph to JupiterOne.
    Sync(sync::SyncArgs),
    /// Serve the fake Heroku API on 127.0.0.1 (for demos, tests and benchmarks).
    FakeApi(fake_api::FakeApiArgs),
}

/// Parses the command line, runs the command and returns its exit code.
#[must_use]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::logging::init(cli.global.log_file.as_deref());
    match cli.command {
        Some(Command::Collect(args)) => block_on(collect::run(&cli.global, args)),
        Some(Command::Sync(args)) => block_on(sync::run(&cli.global, args)),
        Some(Command::Document) => document::run(),
        Some(Command::FakeApi(args)) => block_on(fake_api::run(args)),
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
    match runtime.block_on(fut) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("heroku-j1: {e:#}");
            ExitCode::from(exit::FAILURE)
        }
    }
}
