//! `heroku-j1 diff`: what a sync would change in JupiterOne, against the last successful sync
//! to the same target, without uploading (and without any request to JupiterOne). The key,
//! target, API URL and data-folder options are `sync`'s, handled by `cli/sync.rs`.
//! `--exit-code` exits 1 when anything would change, like `git diff --exit-code`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::sync::{self, SyncArgs};
use super::{GlobalArgs, diff_report, exit};
use crate::graph::Graph;
use crate::jupiterone::{self, InstanceSource, JupiterOneClient, Target, state};

/// Options of `heroku-j1 diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// Compare a folder written by `heroku-j1 collect --out DIR` instead of collecting.
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    /// Print the change set as JSON (the shape is documented in README and stable).
    #[arg(long)]
    pub json: bool,
    /// Exit 1 when anything would be created, changed or deleted, 0 otherwise.
    #[arg(long)]
    pub exit_code: bool,
    /// Only these `_type`s (repeat the option for several).
    #[arg(long = "type", value_name = "T")]
    pub types: Vec<String>,
    /// Compare with this scope's last sync. Default: `heroku-j1:<Heroku user id>`.
    #[arg(long, conflicts_with = "integration_instance_id")]
    pub scope: Option<String>,
    /// Compare with this integration instance's last sync instead of a scope's.
    #[arg(long, value_name = "ID")]
    pub integration_instance_id: Option<String>,
    /// The job source for --integration-instance-id.
    #[arg(long, value_enum, default_value_t = InstanceSource::External)]
    pub integration_source: InstanceSource,
    /// Where the state of the last sync per target is kept (default: the platform's data
    /// folder).
    #[arg(long, value_name = "DIR", env = "HEROKU_J1_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Heroku requests in flight at once while collecting.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Seconds before a Heroku request times out.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}

impl DiffArgs {
    /// The same choices as `sync` options, so `sync`'s handling resolves them.
    fn as_sync_args(&self) -> SyncArgs {
        SyncArgs {
            yes: false,
            allow_partial: false,
            dry_run: true,
            from: self.from.clone(),
            every: None,
            json: self.json,
            scope: self.scope.clone(),
            integration_instance_id: self.integration_instance_id.clone(),
            integration_source: self.integration_source,
            data_dir: self.data_dir.clone(),
            poll_interval: Duration::from_secs(2),
            concurrency: self.concurrency,
            timeout: self.timeout,
        }
    }
}

/// Runs `diff`.
///
/// # Errors
/// When the output cannot be serialized.
pub async fn run(global: &GlobalArgs, args: DiffArgs) -> anyhow::Result<ExitCode> {
    let mut sync_args = args.as_sync_args();
    let fail = |code: u8, e: &str| {
        eprintln!("heroku-j1: {e}");
        Ok(ExitCode::from(code))
    };
    let config = match sync::jupiterone_config(global, &mut sync_args).await {
        Ok(c) => c,
        Err(e) => return fail(exit::USAGE, &e),
    };
    let Some(data_dir) = sync::data_dir(&sync_args) else {
        return fail(
            exit::USAGE,
            "no data folder for the sync state: set --data-dir or HEROKU_J1_DATA_DIR",
        );
    };
    // The target may need the crawl (the default scope names the Heroku user).
    match sync::graph_and_target(global, &sync_args, CancellationToken::new()).await {
        Ok((graph, target)) => {
            let client = JupiterOneClient::new(config)?;
            let path = jupiterone::state_path_for(&client, &data_dir, &target);
            compare(&args, &graph, &target, &path)
        }
        Err((code, e)) => fail(code, &e),
    }
}

fn compare(
    args: &DiffArgs,
    graph: &Graph,
    target: &Target,
    path: &Path,
) -> anyhow::Result<ExitCode> {
    let previous = match state::load(path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("heroku-j1: {e}");
            return Ok(ExitCode::from(exit::FAILURE));
        }
    };
    let set =
        jupiterone::changes::compute(graph, target, previous.as_ref()).only_types(&args.types);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&diff_report::document(&set))?
        );
    } else {
        print!("{}", diff_report::render(&set));
    }
    let code = if args.exit_code && !set.is_empty() {
        exit::FAILURE
    } else {
        exit::OK
    };
    Ok(ExitCode::from(code))
}
