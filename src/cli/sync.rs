//! `heroku-j1 sync`: collect (or read a collected folder), preview against the last sync to
//! the same target, refuse what the explorer would ask about unless told to go ahead, upload
//! to JupiterOne and print the summary. `--every` repeats until interrupted. `--dry-run`
//! prints the change set (as `heroku-j1 diff` does) and sends nothing to JupiterOne.
//! Ctrl-C, SIGTERM and SIGHUP abort the job and exit 128 + the signal's number; a second
//! sync of the same target waits for the first (or, with `--no-wait`, exits 1).

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::collect::{Collected, CrawlOpts, crawl_graph, heroku_key};
use super::diff_report::{self, DiffDocument};
use super::{FileOpts, HerokuOpts, JupiterOneOpts, exit};
use crate::graph::{Graph, export};
use crate::heroku::HerokuClient;
use crate::jupiterone::upload::SyncEvent;
use crate::jupiterone::{
    self, InstanceSource, JupiterOneClient, Preview, Reason, SyncJob, Target, UploadOptions,
};
use crate::secrets::{KeyStore, Keys, Which};
use crate::settings::{Flags, Settings, value};

/// Options of `heroku-j1 sync`.
#[derive(Debug, Clone, clap::Args)]
pub struct SyncArgs {
    /// Sync even when the explorer would ask first (first sync to the target, more than the
    /// guard's share of a type, 10 % by default, or a whole type deleted).
    #[arg(long)]
    pub yes: bool,
    /// Upload even when some lists could not be read; JupiterOne deletes nothing of the
    /// partial types. Exit code 3 after such an upload.
    #[arg(long)]
    pub allow_partial: bool,
    /// Print what would change (the report of `heroku-j1 diff`) and upload nothing: no
    /// request reaches JupiterOne.
    #[arg(long)]
    pub dry_run: bool,
    /// Upload a folder written by `heroku-j1 collect --out DIR` instead of collecting.
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    /// Repeat every DURATION (e.g. 90s, 30m, 1h) until interrupted; one line per run.
    #[arg(long, value_name = "DURATION", value_parser = value::duration)]
    pub every: Option<Duration>,
    /// Print the summary as JSON (one line per run with --every).
    #[arg(long)]
    pub json: bool,
    /// Sync to this scope (source "api", DIFF) [env: HEROKU_J1_SCOPE] (else `scope` in
    /// config.toml). Default: `heroku-j1:<Heroku user id>`.
    #[arg(long, conflicts_with = "integration_instance_id")]
    pub scope: Option<String>,
    /// Sync to this integration instance (e.g. a Custom integration) instead of a scope
    /// [env: HEROKU_J1_INTEGRATION_INSTANCE_ID].
    #[arg(long, value_name = "ID")]
    pub integration_instance_id: Option<String>,
    /// The job source for --integration-instance-id [env: HEROKU_J1_INTEGRATION_SOURCE]
    /// (default: external).
    #[arg(long, value_enum)]
    pub integration_source: Option<InstanceSource>,
    /// How often to poll the finalized job, e.g. 2s [env: HEROKU_J1_POLL_INTERVAL]
    /// (default: 2s).
    #[arg(long, value_name = "DURATION", value_parser = value::duration)]
    pub poll_interval: Option<Duration>,
    /// Give up polling a finalized job after DURATION, e.g. 1h [env: HEROKU_J1_POLL_LIMIT]
    /// (default: 30m). The job goes on in JupiterOne.
    #[arg(long, value_name = "DURATION", value_parser = value::duration)]
    pub poll_limit: Option<Duration>,
    /// When another sync of the same target is running (from this data folder): exit 1 at
    /// once naming the process that holds it, instead of waiting for it to end.
    #[arg(long)]
    pub no_wait: bool,
    /// Ask before syncing (without --yes: refuse) when more than PERCENT of a type would be
    /// deleted [env: HEROKU_J1_GUARD_PERCENT] (default: 10).
    #[arg(long, value_name = "PERCENT", value_parser = value::percent)]
    pub guard_percent: Option<f64>,
    #[command(flatten)]
    pub crawl: CrawlOpts,
    #[command(flatten)]
    pub heroku: HerokuOpts,
    #[command(flatten)]
    pub jupiterone: JupiterOneOpts,
    #[command(flatten)]
    pub files: FileOpts,
}

impl SyncArgs {
    pub(super) fn apply(&self, f: &mut Flags) {
        let set = |slot: &mut Option<_>, v: &Option<_>| {
            if v.is_some() {
                slot.clone_from(v);
            }
        };
        set(&mut f.scope, &self.scope);
        set(
            &mut f.integration_instance_id,
            &self.integration_instance_id,
        );
        if self.integration_source.is_some() {
            f.integration_source = self.integration_source;
        }
        if self.poll_interval.is_some() {
            f.poll_interval = self.poll_interval;
        }
        if self.poll_limit.is_some() {
            f.poll_limit = self.poll_limit;
        }
        if self.guard_percent.is_some() {
            f.guard_percent = self.guard_percent;
        }
        self.crawl.apply(f);
        self.heroku.apply(f);
        self.jupiterone.apply(f);
        self.files.apply(f);
    }
}

/// What one run did, and `--json` prints.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    /// `synced`, `refused` (needs --yes / --allow-partial), `blocked` (validation findings)
    /// or `failed`.
    pub status: &'static str,
    pub exit_code: u8,
    pub api_url: String,
    pub account: String,
    pub target: Option<String>,
    pub preview: Option<Preview>,
    /// Why the sync was refused.
    pub reasons: Vec<Reason>,
    pub job_id: Option<String>,
    pub job: Option<SyncJob>,
    pub requests: Option<u64>,
    pub bytes_sent: Option<u64>,
    pub truncated_keys: Vec<String>,
    pub state_path: Option<PathBuf>,
    pub error: Option<String>,
    /// What to do next, when refused or failed.
    pub advice: Option<String>,
    /// With `--dry-run`: the change set, in the shape of `heroku-j1 diff --json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<DiffDocument>,
}

impl SyncReport {
    fn new(client: &JupiterOneClient) -> Self {
        Self {
            status: "failed",
            exit_code: exit::FAILURE,
            api_url: client.api_url().to_owned(),
            account: client.account().to_owned(),
            target: None,
            preview: None,
            reasons: Vec::new(),
            job_id: None,
            job: None,
            requests: None,
            bytes_sent: None,
            truncated_keys: Vec::new(),
            state_path: None,
            error: None,
            advice: None,
            changes: None,
        }
    }

    fn failed(mut self, code: u8, error: impl Into<String>) -> Self {
        self.status = "failed";
        self.exit_code = code;
        self.error = Some(error.into());
        self
    }
}

/// Runs `sync`.
///
/// # Errors
/// When the JupiterOne client cannot be set up.
pub async fn run(settings: &Settings, args: SyncArgs) -> anyhow::Result<ExitCode> {
    let config = match jupiterone_config(settings).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("heroku-j1: {e}");
            return Ok(ExitCode::from(exit::USAGE));
        }
    };
    let client = JupiterOneClient::new(config)?;
    let data_dir = match settings.data_dir() {
        Ok(d) => d.to_path_buf(),
        Err(e) => {
            eprintln!("heroku-j1: {e}");
            return Ok(ExitCode::from(exit::USAGE));
        }
    };
    let cancel = CancellationToken::new();
    let signal = Arc::new(AtomicU8::new(0));
    let signals = tokio::spawn(cancel_on_signal(cancel.clone(), signal.clone()));
    // A run ended by a signal exits 128 + its number, as a shell reports a process the
    // signal killed (issue 17's Ctrl-C → 130): 130 SIGINT, 143 SIGTERM, 129 SIGHUP.
    let interrupted = |mut report: SyncReport| {
        let code = signal.load(Ordering::Relaxed);
        if code != 0 && report.status == "failed" {
            report.exit_code = code;
        }
        report
    };
    let by_signal = || match signal.load(Ordering::Relaxed) {
        0 => exit::INTERRUPTED,
        code => code,
    };
    let code = match args.every {
        None => {
            let report =
                interrupted(run_once(settings, &args, &client, &data_dir, cancel.clone()).await);
            if args.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", render(&report));
                if let Some(e) = &report.error {
                    eprintln!("heroku-j1: {e}");
                }
                if let Some(a) = &report.advice {
                    eprintln!("{a}");
                }
            }
            // A signal: 128 + its number whatever the interrupted run reported.
            if cancel.is_cancelled() {
                by_signal()
            } else {
                report.exit_code
            }
        }
        Some(every) => {
            loop {
                let report = interrupted(
                    run_once(settings, &args, &client, &data_dir, cancel.clone()).await,
                );
                // Read before the line is printed: a signal that comes once the line is out
                // (a user who waited for it) came between runs.
                let during_run = cancel.is_cancelled();
                let last = report.exit_code;
                if args.json {
                    println!("{}", serde_json::to_string(&report)?);
                } else {
                    println!("{}", log_line(&report));
                }
                // A missing or rejected key will not fix itself.
                let fatal = report.status == "failed" && report.exit_code == exit::USAGE;
                // A signal during a run: 128 + its number; between runs (the way to stop
                // --every): the last run's code.
                if during_run {
                    break by_signal();
                }
                if fatal {
                    break last;
                }
                tokio::select! {
                    () = cancel.cancelled() => break last,
                    () = tokio::time::sleep(every) => {}
                }
            }
        }
    };
    signals.abort();
    Ok(ExitCode::from(code))
}

/// Cancels `cancel` on Ctrl-C (SIGINT), and on Unix on SIGTERM and SIGHUP too (as systemd,
/// cron wrappers and `timeout` send): the job is aborted before finalize, then `sync`
/// exits with the code left in `code` (128 + the signal's number).
async fn cancel_on_signal(cancel: CancellationToken, code: Arc<AtomicU8>) {
    const SIGINT: u8 = 128 + 2;
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            tracing::warn!("cannot listen for SIGTERM and SIGHUP; only Ctrl-C aborts the job");
            if tokio::signal::ctrl_c().await.is_ok() {
                code.store(SIGINT, Ordering::Relaxed);
                cancel.cancel();
            }
            return;
        };
        let (name, exit) = tokio::select! {
            r = tokio::signal::ctrl_c() => if r.is_ok() { ("SIGINT", SIGINT) } else { return },
            _ = term.recv() => ("SIGTERM", 128 + 15),
            _ = hup.recv() => ("SIGHUP", 128 + 1),
        };
        tracing::warn!(signal = name, "interrupted: aborting the sync");
        code.store(exit, Ordering::Relaxed);
        cancel.cancel();
    }
    #[cfg(not(unix))]
    if tokio::signal::ctrl_c().await.is_ok() {
        code.store(SIGINT, Ordering::Relaxed);
        cancel.cancel();
    }
}

/// Where and as whom to sync: the key from `JUPITERONE_API_KEY` or the OS keyring, the
/// account and URL from the settings.
pub(super) async fn jupiterone_config(
    settings: &Settings,
) -> Result<jupiterone::JupiterOneConfig, String> {
    let key = Keys::new(KeyStore::platform())
        .resolve(Which::JupiterOne)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(source = %key.source, key = %key.key.masked(), "using the JupiterOne API key");
    let account = settings.account.clone().ok_or_else(|| {
        format!(
            "{} (or save it with `heroku-j1 login --jupiterone --account-id ID`)",
            jupiterone::ConfigError::MissingAccount
        )
    })?;
    Ok(jupiterone::JupiterOneConfig::new(
        settings.jupiterone_api_url.clone(),
        account,
        key.key,
    ))
}

/// The target: the settings' (a scope or an instance), else the scope of the estate's user,
/// else of the user whose Heroku key this is. Refuses rather than guess.
async fn target(settings: &Settings, user_id: Option<&str>) -> Result<Target, String> {
    if let Ok(t) = settings.sync_target(user_id) {
        return Ok(t);
    }
    let advice = format!(
        "{}; or set HEROKU_API_KEY (or run `heroku-j1 login --heroku`) so heroku-j1 can find \
         your Heroku user id",
        crate::settings::NoTarget
    );
    let key = heroku_key().await.map_err(|_| advice.clone())?.key;
    let client =
        HerokuClient::new(settings.heroku_client().config(key)).map_err(|e| e.to_string())?;
    let account = client
        .account()
        .await
        .map_err(|e| format!("{e} ({advice})"))?;
    settings
        .sync_target(Some(&account.id))
        .map_err(|e| e.to_string())
}

/// The graph (read with `--from`, else collected) and the target it goes to; on failure,
/// the exit code and the message.
pub(super) async fn graph_and_target(
    settings: &Settings,
    from: Option<&Path>,
    cancel: CancellationToken,
) -> Result<(Graph, Target), (u8, String)> {
    match from {
        Some(dir) => {
            let graph = export::read(dir).map_err(|e| (exit::FAILURE, e.to_string()))?;
            let target = target(settings, None).await.map_err(|e| (exit::USAGE, e))?;
            Ok((graph, target))
        }
        None => match crawl_graph(settings, cancel).await {
            Ok(Collected { graph, user }) => {
                let target = target(settings, Some(&user.id))
                    .await
                    .map_err(|e| (exit::USAGE, e))?;
                Ok((graph, target))
            }
            Err(code) => Err((code, "collecting from Heroku failed (see above)".into())),
        },
    }
}

async fn run_once(
    settings: &Settings,
    args: &SyncArgs,
    client: &JupiterOneClient,
    data_dir: &Path,
    cancel: CancellationToken,
) -> SyncReport {
    let report = SyncReport::new(client);
    // A collected folder and its target are checked before JupiterOne is asked anything.
    let from = match &args.from {
        Some(dir) => match graph_and_target(settings, Some(dir), cancel.clone()).await {
            Ok(ready) => Some(ready),
            Err((code, e)) => return report.failed(code, e),
        },
        None => None,
    };
    // A rejected JupiterOne key is found before a long crawl (a dry run sends nothing).
    if !args.dry_run
        && let Err(e) = client.validate().await
    {
        let code = if e.is_auth() {
            exit::USAGE
        } else {
            exit::FAILURE
        };
        return report.failed(code, e.to_string());
    }
    let (graph, target) = match from {
        Some(ready) => ready,
        None => match graph_and_target(settings, None, cancel.clone()).await {
            Ok(ready) => ready,
            Err((code, e)) => return report.failed(code, e),
        },
    };
    let run = Run {
        settings,
        args,
        client,
        data_dir,
    };
    sync_graph(&run, Arc::new(graph), target, cancel, report).await
}

/// What every run of one `sync` shares.
struct Run<'a> {
    settings: &'a Settings,
    args: &'a SyncArgs,
    client: &'a JupiterOneClient,
    data_dir: &'a Path,
}

async fn sync_graph(
    run: &Run<'_>,
    graph: Arc<Graph>,
    target: Target,
    cancel: CancellationToken,
    mut report: SyncReport,
) -> SyncReport {
    let Run {
        settings,
        args,
        client,
        data_dir,
    } = *run;
    report.target = Some(target.to_string());
    let (plan, preview) = match jupiterone::prepare(client, graph, target, data_dir) {
        Ok(p) => p,
        Err(e) => return report.failed(exit::FAILURE, e.to_string()),
    };
    for o in &preview.oversized {
        let warning = crate::text::cleaned(&o.to_string());
        tracing::warn!(key = %crate::text::clean(&o.key), "{warning}");
        eprintln!("heroku-j1: warning: {warning}");
    }
    let findings = preview.blocking().len();
    let reasons = preview.needs_confirmation_with(&settings.guard);
    if args.dry_run {
        report.status = "dry-run";
        report.exit_code = exit::OK;
        report.changes = Some(diff_report::document(preview.change_set()));
        report.reasons = reasons;
        report.preview = Some(preview);
        return report;
    }
    report.preview = Some(preview);
    if findings > 0 {
        report.status = "blocked";
        report.exit_code = exit::FAILURE;
        report.error = Some(format!(
            "{findings} validation finding(s): JupiterOne would reject or mangle this graph, so nothing was uploaded"
        ));
        report.advice = Some(
            "Fix the findings listed above (they name the offending _key), or report them as a bug of heroku-j1."
                .to_owned(),
        );
        return report;
    }
    let partial_refused = reasons.iter().any(Reason::is_partial) && !args.allow_partial;
    let others_refused = reasons.iter().any(|r| !r.is_partial()) && !args.yes;
    if partial_refused || others_refused {
        let mut advice = String::from("To proceed:");
        if others_refused {
            advice.push_str(
                "\n  --yes            sync anyway (check the preview above: what is new, changed and deleted)",
            );
        }
        if partial_refused {
            advice.push_str(
                "\n  --allow-partial  upload what was read; JupiterOne deletes nothing of the partial types\n                   (or fix the access named in each reason and collect again)",
            );
        }
        report.status = "refused";
        report.exit_code = exit::USAGE;
        report.error = Some(format!(
            "not syncing without confirmation:\n{}",
            reasons
                .iter()
                .filter(
                    |r| (r.is_partial() && partial_refused) || (!r.is_partial() && others_refused)
                )
                .map(|r| match r.deleted_summary(5) {
                    Some(names) => format!(
                        "  - {}: {}",
                        diff_report::clean(&r.to_string()),
                        diff_report::clean(&names)
                    ),
                    None => format!("  - {r}"),
                })
                .collect::<Vec<_>>()
                .join("\n")
        ));
        report.reasons = reasons;
        report.advice = Some(advice);
        return report;
    }
    let options = UploadOptions {
        poll_interval: settings.poll_interval,
        poll_timeout: settings.poll_limit,
        cancel,
        wait_for_lock: !args.no_wait,
        ..UploadOptions::default()
    };
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let bar_task = tokio::spawn(show_progress(upload_bar(), rx));
    let Some(preview) = report.preview.as_ref() else {
        return report.failed(exit::FAILURE, "internal error: no preview");
    };
    let result = jupiterone::sync(client, &plan, preview, data_dir, &options, Some(tx)).await;
    let _ = bar_task.await;
    match result {
        Ok(outcome) => {
            report.status = "synced";
            report.exit_code = if plan.partial_types().is_empty() {
                exit::OK
            } else {
                exit::PARTIAL
            };
            report.job_id = Some(outcome.upload.job_id.clone());
            report.job = Some(outcome.upload.job.clone());
            report.requests = Some(outcome.upload.requests);
            report.bytes_sent = Some(outcome.upload.bytes_sent);
            report.truncated_keys = outcome.upload.truncated_keys;
            report.state_path = Some(outcome.state_path);
            if let Some(e) = outcome.state_error {
                report.exit_code = exit::FAILURE;
                report.error = Some(format!(
                    "JupiterOne has the data of job {}, but {e}",
                    outcome.upload.job_id
                ));
                report.advice = Some(
                    "The next preview will treat this target as a first sync (or compare with the sync before this one): fix the data folder, then sync again."
                        .to_owned(),
                );
            }
            report
        }
        Err(e) => {
            report.job_id = e.job_id().map(str::to_owned);
            if let jupiterone::UploadError::JobFailed { job } = &e {
                report.job = Some(job.clone());
            }
            let code = if e.is_auth() {
                exit::USAGE
            } else {
                exit::FAILURE
            };
            report.failed(code, e.to_string())
        }
    }
}

fn upload_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed:>4} [{bar:30}] {pos}/{len} batches  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

/// Shows the upload's progress on `bar` (a terminal); without one, only the wait for
/// another sync is said, on stderr.
async fn show_progress(
    bar: Option<ProgressBar>,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<SyncEvent>,
) {
    while let Some(e) = rx.recv().await {
        let Some(bar) = &bar else {
            if let SyncEvent::WaitingForLock { holder } = e {
                eprintln!(
                    "heroku-j1: another sync of this target is running ({holder}); waiting for it to end (--no-wait exits instead)"
                );
            }
            continue;
        };
        match e {
            SyncEvent::WaitingForLock { holder } => bar.set_message(format!(
                "waiting for another sync of this target ({holder})"
            )),
            SyncEvent::Starting { target } => {
                bar.set_message(format!("starting a job for {target}"))
            }
            SyncEvent::Started { job_id } => bar.set_message(format!("job {job_id}")),
            SyncEvent::Uploaded {
                batches_done,
                batches_total,
                entities_done,
                relationships_done,
                ..
            } => {
                bar.set_length(batches_total as u64);
                bar.set_position(batches_done as u64);
                bar.set_message(format!(
                    "{entities_done} entities, {relationships_done} relationships"
                ));
            }
            SyncEvent::Shrunk { keys, .. } => {
                bar.set_message(format!(
                    "too large: truncating _rawData of {}",
                    keys.join(", ")
                ));
            }
            SyncEvent::Finalizing { .. } => bar.set_message("finalizing"),
            SyncEvent::Processing { job, .. } => bar.set_message(format!(
                "{}: entities +{} ~{} -{}",
                job.status,
                job.num_entities_created,
                job.num_entities_updated,
                job.num_entities_deleted
            )),
            SyncEvent::Finished { .. } => {}
            SyncEvent::Aborting { reason, .. } => bar.set_message(format!("aborting: {reason}")),
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

/// The one line `--every` prints per run.
#[must_use]
pub fn log_line(r: &SyncReport) -> String {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let target = r.target.as_deref().unwrap_or("?");
    let mut line = format!("{now} sync {} to {target}", r.status);
    if let Some(id) = &r.job_id {
        let _ = write!(line, " job={id}");
    }
    if let Some(j) = &r.job {
        let _ = write!(
            line,
            " status={} entities=+{}~{}-{} relationships=+{}~{}-{}",
            j.status,
            j.num_entities_created,
            j.num_entities_updated,
            j.num_entities_deleted,
            j.num_relationships_created,
            j.num_relationships_updated,
            j.num_relationships_deleted
        );
    }
    if let Some(e) = &r.error {
        let _ = write!(line, " error={:?}", e.replace('\n', " "));
    }
    let _ = write!(line, " exit={}", r.exit_code);
    line
}

/// The preview as a table.
#[must_use]
pub fn render_preview(p: &Preview) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  {:<34} {:>8} {:>7} {:>8} {:>10} {:>8}",
        "_type", "upload", "new", "changed", "unchanged", "delete"
    );
    for t in &p.types {
        let partial = if t.partial { "  (partial)" } else { "" };
        let _ = writeln!(
            out,
            "  {:<34} {:>8} {:>7} {:>8} {:>10} {:>8}{partial}",
            t.object_type, t.to_upload, t.new, t.changed, t.unchanged, t.to_delete
        );
    }
    match &p.last_sync {
        Some(l) => {
            let _ = writeln!(
                out,
                "Compared with the last sync: job {} at {}.",
                l.job_id, l.synced_at
            );
        }
        None => {
            let _ = writeln!(
                out,
                "First sync to this target from here: everything is new."
            );
        }
    }
    for (t, reasons) in &p.partial_datasets {
        for r in reasons {
            let _ = writeln!(out, "Partial: {t}: {r}");
        }
    }
    for o in &p.oversized {
        let _ = writeln!(out, "Warning: {}", crate::text::clean(&o.to_string()));
    }
    if !p.findings.is_empty() {
        let _ = writeln!(out, "Validation findings ({}):", p.findings.len());
        for f in p.findings.iter().take(50) {
            let _ = writeln!(out, "  {f}");
        }
        if p.findings.len() > 50 {
            let _ = writeln!(out, "  … and {} more", p.findings.len() - 50);
        }
    }
    out
}

/// The human summary of one run.
#[must_use]
pub fn render(r: &SyncReport) -> String {
    let mut out = String::new();
    let target = r.target.as_deref().unwrap_or("?");
    let _ = writeln!(
        out,
        "JupiterOne {} (account {}), {target}",
        r.api_url, r.account
    );
    if let Some(p) = &r.preview {
        out.push_str(&render_preview(p));
    }
    if let (Some(p), Some(_)) = (&r.preview, &r.changes) {
        out.push_str(&diff_report::render(p.change_set()));
        out.push_str("Dry run: nothing was sent to JupiterOne.\n");
    }
    if let (Some(id), Some(j)) = (&r.job_id, &r.job) {
        let _ = writeln!(out, "Job {id}: {}", j.status);
        let _ = writeln!(
            out,
            "  entities:      {} uploaded, {} created, {} updated, {} deleted",
            j.num_entities_uploaded,
            j.num_entities_created,
            j.num_entities_updated,
            j.num_entities_deleted
        );
        let _ = writeln!(
            out,
            "  relationships: {} uploaded, {} created, {} updated, {} deleted{}",
            j.num_relationships_uploaded,
            j.num_relationships_created,
            j.num_relationships_updated,
            j.num_relationships_deleted,
            if j.num_relationship_create_errors > 0 {
                format!(
                    ", {} not created (missing ends)",
                    j.num_relationship_create_errors
                )
            } else {
                String::new()
            }
        );
    }
    if let (Some(req), Some(bytes)) = (r.requests, r.bytes_sent) {
        let size = crate::text::human_bytes(bytes);
        let _ = writeln!(out, "  {req} requests, {size} uploaded");
    }
    if !r.truncated_keys.is_empty() {
        let _ = writeln!(
            out,
            "  _rawData truncated (JupiterOne refused the size): {}",
            r.truncated_keys.join(", ")
        );
    }
    if r.status == "synced" && r.exit_code == exit::PARTIAL {
        let _ = writeln!(
            out,
            "Partial: nothing of the partial types was deleted in JupiterOne."
        );
    }
    out
}
