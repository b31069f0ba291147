//! `heroku-j1 collect`: crawl Heroku, write the graph in the j1-integration layout, print a
//! summary (`--json`: camelCase keys, as JupiterOne's own JSON and `sync --json`). Ctrl-C
//! stops the crawl and exits 130.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::{FileOpts, HerokuOpts, exit};
use crate::collect::{self, Progress, Stage};
use crate::graph::validate::{Finding, validate};
use crate::graph::{self, Graph, export};
use crate::heroku::HerokuClient;
use crate::jupiterone::fit::Oversized;
use crate::jupiterone::plan;
use crate::secrets::{KeyStore, Keys, ResolveError, Resolved, Which};
use crate::settings::{Flags, Settings, value};

/// Options of `heroku-j1 collect`.
#[derive(Debug, Clone, clap::Args)]
pub struct CollectArgs {
    /// Where to write the graph (the j1-integration layout).
    #[arg(long, default_value = ".j1-integration")]
    pub out: PathBuf,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub crawl: CrawlOpts,
    #[command(flatten)]
    pub heroku: HerokuOpts,
    #[command(flatten)]
    pub files: FileOpts,
}

/// How the crawl talks to Heroku (`collect`, `sync`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CrawlOpts {
    /// Heroku requests in flight at once, 1 to 64 [env: HEROKU_J1_CONCURRENCY] (else
    /// `concurrency` in config.toml's [heroku], else 8).
    #[arg(long, value_name = "N", value_parser = value::concurrency)]
    pub concurrency: Option<u16>,
    /// How long a Heroku request may take, e.g. 30s, 2m (plain seconds too)
    /// [env: HEROKU_J1_TIMEOUT] (else `timeout` in config.toml's [heroku], else 30s).
    #[arg(long, value_name = "DURATION", value_parser = value::duration)]
    pub timeout: Option<Duration>,
    /// How long the whole crawl may take, e.g. 10m, 1h; lists not read by then are partial
    /// datasets [env: HEROKU_J1_DEADLINE] (else `deadline` in config.toml's [heroku], else
    /// 1h).
    #[arg(long, value_name = "DURATION", value_parser = value::duration)]
    pub deadline: Option<Duration>,
    /// The largest Heroku answer read, e.g. 64MiB, 100MB; a larger page fails its list,
    /// which becomes a partial dataset [env: HEROKU_J1_MAX_RESPONSE_SIZE] (else
    /// `max_response_size` in config.toml's [heroku], else 64MiB).
    #[arg(long, value_name = "SIZE", value_parser = value::byte_size)]
    pub max_response_size: Option<u64>,
}

impl CrawlOpts {
    pub(super) fn apply(&self, f: &mut Flags) {
        if self.concurrency.is_some() {
            f.concurrency = self.concurrency;
        }
        if self.timeout.is_some() {
            f.timeout = self.timeout;
        }
        if self.deadline.is_some() {
            f.deadline = self.deadline;
        }
        if self.max_response_size.is_some() {
            f.max_response_size = self.max_response_size;
        }
    }
}

impl CollectArgs {
    pub(super) fn apply(&self, f: &mut Flags) {
        self.crawl.apply(f);
        self.heroku.apply(f);
        self.files.apply(f);
    }
}

/// What `collect` prints, and `--json` prints as JSON (camelCase keys, like `sync --json`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub heroku_api_url: String,
    pub heroku_user: Option<String>,
    pub counts: BTreeMap<String, usize>,
    pub partial_datasets: BTreeMap<String, Vec<String>>,
    pub findings: Vec<Finding>,
    /// Objects too large for one JupiterOne request: a sync uploads them shrunk (warnings).
    pub oversized: Vec<Oversized>,
    pub requests: u64,
    pub duration_ms: u128,
    pub rate_limit_remaining: Option<i64>,
    pub out: PathBuf,
}

/// The Heroku key for this run and where it comes from: `HEROKU_API_KEY`, else the OS
/// keyring (`heroku-j1 login --heroku`).
///
/// # Errors
/// When there is none (the message says how to log in), or the keyring cannot be read
/// (the message says why, and to use `HEROKU_API_KEY` for this run).
pub async fn heroku_key() -> Result<Resolved, ResolveError> {
    let resolved = Keys::new(KeyStore::platform())
        .resolve(Which::Heroku)
        .await?;
    tracing::info!(
        source = %resolved.source,
        key = %resolved.key.masked(),
        "using the Heroku API key"
    );
    Ok(resolved)
}

fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed:>4} [{bar:30}] {pos}/{len} lists  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

fn show(bar: &ProgressBar, p: &Progress) {
    let (done, total) = p.lists();
    bar.set_length(total as u64);
    bar.set_position(done as u64);
    let current = Stage::ALL
        .iter()
        .rev()
        .find(|s| p.stage(**s).total > 0)
        .map_or("", |s| s.label());
    let remaining = p
        .rate_limit_remaining
        .map(|r| format!(" · rate limit {r}"))
        .unwrap_or_default();
    let notice = p
        .notice
        .as_deref()
        .map(|n| format!(" · {n}"))
        .unwrap_or_default();
    bar.set_message(format!(
        "{current} · {} objects · {} requests{remaining}{notice}",
        p.objects(),
        p.requests
    ));
}

/// A graph read from Heroku by the command line, built while the crawl ran.
pub struct Collected {
    pub graph: Graph,
    /// The user whose Heroku key read it.
    pub user: crate::heroku::model::Account,
}

/// Crawls Heroku with the key of [`heroku_key`] and the settings' URL, concurrency, timeout
/// and deadline, as `collect` does, building the graph as pages arrive: a progress bar on a
/// terminal, Ctrl-C (or `cancel`) stops it. On failure the error is printed on stderr and
/// the exit code returned.
///
/// # Errors
/// The exit code: [`exit::USAGE`] for a missing or rejected key or no enterprise account,
/// [`exit::INTERRUPTED`] after Ctrl-C, [`exit::FAILURE`] otherwise.
pub async fn crawl_graph(settings: &Settings, cancel: CancellationToken) -> Result<Collected, u8> {
    let builder = graph::StreamBuilder::new();
    let Crawled {
        user,
        past_deadline,
        ..
    } = crawl_into(settings, cancel, &builder)
        .await
        .map_err(|(code, _)| code)?;
    let (graph, failures) = builder.finish();
    warn_if_past_deadline(settings, past_deadline, failures.len());
    Ok(Collected { graph, user })
}

/// What [`crawl_into`] returns besides the pages it handed to its sink.
struct Crawled {
    /// The key's user.
    user: crate::heroku::model::Account,
    /// The client that read the estate.
    client: HerokuClient,
    /// When the crawl started.
    started: Instant,
    /// Whether the crawl ran into `--deadline` (lists it left unread are then failures).
    past_deadline: bool,
}

/// Says on stderr and in the log that the deadline left `unread` lists partial.
fn warn_if_past_deadline(settings: &Settings, past_deadline: bool, unread: usize) {
    if past_deadline && unread > 0 {
        let message = deadline_message(settings.deadline, unread);
        tracing::warn!("{message}");
        eprintln!("heroku-j1: {message}");
    }
}

/// Crawls Heroku as [`crawl_graph`] says, handing each page to `sink` as it arrives.
async fn crawl_into(
    settings: &Settings,
    cancel: CancellationToken,
    sink: &dyn crate::estate::Sink,
) -> Result<Crawled, (u8, String)> {
    let key = match heroku_key().await {
        Ok(k) => k.key,
        Err(e) => {
            eprintln!("heroku-j1: {e}");
            // A keyring that cannot be read is the machine's failure (exit 1, as `--help`
            // says); a key that is missing or unreadable in the environment is the user's (2).
            let code = match &e {
                crate::secrets::ResolveError::Store(_) => exit::FAILURE,
                _ => exit::USAGE,
            };
            return Err((code, e.to_string()));
        }
    };
    let client = match HerokuClient::new(settings.heroku_client().config(key)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("heroku-j1: {e}");
            return Err((exit::FAILURE, e.to_string()));
        }
    };
    let started = Instant::now();

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Progress>();
    let bar = progress_bar();
    let bar_task = bar.clone().map(|bar| {
        tokio::spawn(async move {
            while let Some(p) = rx.recv().await {
                show(&bar, &p);
            }
        })
    });
    let ctrl_c = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        })
    };
    let result =
        collect::crawl_into(&client, bar.is_some().then_some(tx), cancel.clone(), sink).await;
    ctrl_c.abort();
    if let Some(t) = bar_task {
        t.abort();
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let past_deadline = started.elapsed() >= settings.deadline;
    match result {
        Ok(user) => Ok(Crawled {
            user,
            client,
            started,
            past_deadline,
        }),
        Err(_) if cancel.is_cancelled() => {
            tracing::warn!("collect interrupted");
            eprintln!("heroku-j1: interrupted (Ctrl-C)");
            Err((exit::INTERRUPTED, "interrupted (Ctrl-C)".to_owned()))
        }
        Err(e) if past_deadline => {
            let e = format!(
                "{e} [the crawl stopped at its deadline: --deadline {}]",
                humantime::format_duration(settings.deadline)
            );
            tracing::error!(error = %e, "collect failed");
            eprintln!("heroku-j1: {e}");
            Err((exit::FAILURE, e))
        }
        Err(e) => {
            tracing::error!(error = %e, "collect failed");
            eprintln!("heroku-j1: {e}");
            let code = if e.is_usage() {
                exit::USAGE
            } else {
                exit::FAILURE
            };
            Err((code, e.to_string()))
        }
    }
}

/// Says that the crawl ran out of time: which deadline, and what it left unread.
fn deadline_message(deadline: Duration, unread: usize) -> String {
    format!(
        "the crawl stopped at its deadline (--deadline {}): {unread} list(s) were not read \
         and are partial datasets; allow more time with --deadline or HEROKU_J1_DEADLINE",
        humantime::format_duration(deadline)
    )
}

/// Runs `collect`.
///
/// # Errors
/// Write errors.
pub async fn run(settings: &Settings, args: CollectArgs) -> anyhow::Result<ExitCode> {
    // The graph is built while the crawl runs: each page becomes graph objects as it arrives.
    let builder = graph::StreamBuilder::new();
    let crawled = match crawl_into(settings, CancellationToken::new(), &builder).await {
        Ok(c) => c,
        Err((code, error)) => return Ok(json_failure(&args, code, &error)),
    };
    let Crawled {
        user,
        client,
        started,
        past_deadline,
    } = crawled;
    let heroku_user = Some(crate::text::cleaned(&user.email));
    let (graph, failures) = builder.finish();
    warn_if_past_deadline(settings, past_deadline, failures.len());
    let (written, findings, oversized) = write_and_check(&graph, &args.out);
    if let Err(e) = written {
        let error = format!("cannot write the graph to {}: {e}", args.out.display());
        eprintln!("heroku-j1: {error}");
        return Ok(json_failure(&args, exit::FAILURE, &error));
    }
    let summary = Summary {
        heroku_api_url: client.base_url().to_owned(),
        heroku_user,
        counts: graph.counts(),
        partial_datasets: graph.partial_datasets().clone(),
        findings,
        oversized,
        requests: client.requests(),
        duration_ms: started.elapsed().as_millis(),
        rate_limit_remaining: client.rate_limit_remaining(),
        out: args.out.clone(),
    };
    tracing::info!(
        requests = summary.requests,
        ms = summary.duration_ms,
        "collect finished"
    );
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", render(&summary, &graph));
    }
    Ok(ExitCode::from(if graph.is_partial() {
        exit::PARTIAL
    } else {
        exit::OK
    }))
}

/// Writes `graph` under `out` while it is validated and checked for objects too large to
/// upload: the writing overlaps the checks (both only read the finished graph).
/// Returns the write's outcome, the findings and the oversized objects.
pub fn write_and_check(
    graph: &Graph,
    out: &std::path::Path,
) -> (Result<(), String>, Vec<Finding>, Vec<Oversized>) {
    std::thread::scope(|s| {
        let write = s.spawn(|| export::write(graph, out).map_err(|e| format!("{e:#}")));
        let findings = validate(graph);
        let oversized = plan::oversized(graph);
        let written = write
            .join()
            .unwrap_or_else(|_| Err("the writer stopped".to_owned()));
        (written, findings, oversized)
    })
}

/// A failed `collect`: with `--json`, `{"status":"failed","exitCode":…,"error":…}` on stdout
/// (the message is on stderr either way).
fn json_failure(args: &CollectArgs, code: u8, error: &str) -> ExitCode {
    if args.json {
        let failure = serde_json::json!({ "status": "failed", "exitCode": code, "error": error });
        println!("{failure}");
    }
    ExitCode::from(code)
}

/// The human summary.
#[must_use]
pub fn render(s: &Summary, graph: &Graph) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let user = s.heroku_user.as_deref().unwrap_or("?");
    let _ = writeln!(
        out,
        "Collected {} as {user}: {} requests in {:.2} s{}",
        s.heroku_api_url,
        s.requests,
        s.duration_ms as f64 / 1000.0,
        s.rate_limit_remaining
            .map(|r| format!(", rate limit remaining {r}"))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "\n  {:<34} {:>8}", "_type", "count");
    for t in graph.entity_types().chain(graph.relationship_types()) {
        let partial = if s.partial_datasets.contains_key(t) {
            "  (partial)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {t:<34} {:>8}{partial}",
            s.counts.get(t).copied().unwrap_or(0)
        );
    }
    if s.partial_datasets.is_empty() {
        let _ = writeln!(out, "\nComplete: every list was read.");
    } else {
        let _ = writeln!(
            out,
            "\nPartial datasets (JupiterOne will delete nothing of these types):"
        );
        for (t, reasons) in &s.partial_datasets {
            for r in reasons {
                let _ = writeln!(out, "  {t}: {r}");
            }
        }
    }
    if s.findings.is_empty() {
        let _ = writeln!(out, "Validation: no findings.");
    } else {
        let _ = writeln!(out, "Validation findings ({}):", s.findings.len());
        for f in &s.findings {
            let _ = writeln!(out, "  {f}");
        }
    }
    for o in &s.oversized {
        let _ = writeln!(out, "Warning: {}", crate::text::clean(&o.to_string()));
    }
    let _ = writeln!(out, "Graph written to {}", s.out.display());
    out
}
