//! `heroku-j1 diff`: what a sync would change in JupiterOne, against the last successful sync
//! to the same target, without uploading (and without any request to JupiterOne). It
//! compares the graph the upload would send (the plan's, oversized objects fitted), so it
//! agrees with `sync`'s preview and guard. The key, target, API URL and data-folder options
//! are `sync`'s, handled by `cli/sync.rs`.
//! `--exit-code` exits 1 when anything would change, like `git diff --exit-code`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::collect::CrawlOpts;
use super::sync;
use super::{FileOpts, HerokuOpts, JupiterOneOpts, diff_report, exit};
use crate::graph::Graph;
use crate::jupiterone::{self, InstanceSource, JupiterOneClient, Plan, Target, state};
use crate::settings::{Flags, Settings};

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
    /// Compare with this scope's last sync [env: HEROKU_J1_SCOPE] (else `scope` in
    /// config.toml). Default: `heroku-j1:<Heroku user id>`.
    #[arg(long, conflicts_with = "integration_instance_id")]
    pub scope: Option<String>,
    /// Compare with this integration instance's last sync instead of a scope's
    /// [env: HEROKU_J1_INTEGRATION_INSTANCE_ID].
    #[arg(long, value_name = "ID")]
    pub integration_instance_id: Option<String>,
    /// The job source for --integration-instance-id [env: HEROKU_J1_INTEGRATION_SOURCE]
    /// (default: external).
    #[arg(long, value_enum)]
    pub integration_source: Option<InstanceSource>,
    #[command(flatten)]
    pub crawl: CrawlOpts,
    #[command(flatten)]
    pub heroku: HerokuOpts,
    #[command(flatten)]
    pub jupiterone: JupiterOneOpts,
    #[command(flatten)]
    pub files: FileOpts,
}

impl DiffArgs {
    pub(super) fn apply(&self, f: &mut Flags) {
        if self.scope.is_some() {
            f.scope.clone_from(&self.scope);
        }
        if self.integration_instance_id.is_some() {
            f.integration_instance_id
                .clone_from(&self.integration_instance_id);
        }
        if self.integration_source.is_some() {
            f.integration_source = self.integration_source;
        }
        self.crawl.apply(f);
        self.heroku.apply(f);
        self.jupiterone.apply(f);
        self.files.apply(f);
    }
}

/// Runs `diff`.
///
/// # Errors
/// When the output cannot be serialized.
pub async fn run(settings: &Settings, args: DiffArgs) -> anyhow::Result<ExitCode> {
    let fail = |code: u8, e: &str| {
        eprintln!("heroku-j1: {e}");
        Ok(ExitCode::from(code))
    };
    let config = match sync::jupiterone_config(settings).await {
        Ok(c) => c,
        Err(e) => return fail(exit::USAGE, &e),
    };
    let data_dir = match settings.data_dir() {
        Ok(d) => d.to_path_buf(),
        Err(e) => return fail(exit::USAGE, &e),
    };
    // The target may need the crawl (the default scope names the Heroku user).
    match sync::graph_and_target(settings, args.from.as_deref(), CancellationToken::new()).await {
        Ok((graph, target)) => {
            super::findings::warn(&graph);
            let client = JupiterOneClient::new(config)?;
            let path = jupiterone::state_path_for(&client, &data_dir, &target);
            compare(&args, graph, &target, &path)
        }
        Err((code, e)) => fail(code, &e),
    }
}

fn compare(
    args: &DiffArgs,
    graph: Graph,
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
    // The graph the upload would send: objects too large for one request fitted, as the
    // plan of `sync` (and so its preview and guard) has them.
    let plan = Plan::new(Arc::new(graph), target.clone());
    for o in plan.oversized() {
        eprintln!(
            "heroku-j1: warning: {}",
            crate::text::cleaned(&o.to_string())
        );
    }
    let set = jupiterone::changes::compute(plan.graph(), target, previous.as_ref())
        .only_types(&args.types);
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
