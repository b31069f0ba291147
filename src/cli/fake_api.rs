//! `heroku-j1 fake-api`: serve the fake Heroku Platform API on 127.0.0.1 until interrupted.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;

use crate::fake::heroku::{
    Counts, DEFAULT_TOKEN, FakeHeroku, FakeHerokuConfig, Faults, NON_ENTERPRISE_TOKEN, Size,
};
use crate::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig};

const AFTER_HELP: &str = "\
Output: the first line on stdout is `listening on http://127.0.0.1:<port>`, the second
`heroku token: <token>`. Point the other commands at it with
`HEROKU_API_URL=http://127.0.0.1:<port>` and `HEROKU_API_KEY=<token>`.

Without --heroku-token the fake accepts the documented demo token
  HRKU-AAfakeHerokuJ1DemoToken-0123456789abcdefghijklmnopqrstuvwxyz
(an admin of every enterprise account), and always
  HRKU-AAfakeHerokuJ1NonEnterpriseToken-0123456789abcdefghijklmnopq
(a user in no enterprise account: `GET /enterprise-accounts` answers `[]`).

Control endpoints (no auth, no rate-limit cost, not counted):
  GET/POST /__fake/faults   the injected faults as JSON, e.g.
            {\"error_rate\":0.1,\"forbid_team_members\":true,\"slow_ms\":0,
             \"forbid_addons\":false,\"forbid_team_addons_only\":false,
             \"malformed_page\":false,\"repeat_next_range\":false,
             \"reset_connection_rate\":0.0,\"unauthorized\":false}
            (POST replaces the whole set; missing fields are off)
  GET /__fake/stats          requests served, per route, and 429s sent
  POST /__fake/reset-stats   zero the stats

The fake JupiterOne (its URL, token and account follow on stdout) takes the account as
`JupiterOne-Account` or `LifeOmic-Account`, so JupiterOne's official `j1-integration sync
--api-base-url <its URL>` can upload to it. Its control endpoints (no auth, not counted):
  GET /__fake/stats                  requests per route, 401s, 413s, faults
  GET /__fake/jobs                   every job with its counters and events
  GET /__fake/stored?scope=S         what a scope holds (or ?instance=ID)";

/// Options of `heroku-j1 fake-api`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct FakeApiArgs {
    /// Port to listen on, on 127.0.0.1 only (0 picks a free port).
    #[arg(long, default_value_t = 5555)]
    pub port: u16,
    #[command(flatten)]
    pub heroku: FakeHerokuArgs,
    #[command(flatten)]
    pub jupiterone: FakeJupiterOneArgs,
}

/// The fake JupiterOne's options.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Fake JupiterOne")]
pub struct FakeJupiterOneArgs {
    /// The JupiterOne API key it accepts (`Authorization: Bearer`). Default: a documented
    /// fake token.
    #[arg(long, value_name = "TOKEN")]
    pub jupiterone_token: Option<String>,
    /// The JupiterOne account id it accepts (`JupiterOne-Account` or `LifeOmic-Account`).
    #[arg(long, value_name = "ID")]
    pub jupiterone_account: Option<String>,
    /// Serve no fake JupiterOne.
    #[arg(long)]
    pub no_jupiterone: bool,
}

/// The fake Heroku's options (a fake JupiterOne's will sit beside them).
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Fake Heroku")]
pub struct FakeHerokuArgs {
    /// Size of the generated estate: demo (2 enterprise accounts, 6 teams, 40 apps, 80
    /// add-ons, 30 users, every edge case), large (1, 50, 2000, 4000, 500) or huge (1, 200,
    /// 50000, 100000, 5000).
    #[arg(long, value_enum, default_value_t = Size::Demo)]
    pub size: Size,
    /// Seed of the generator: the same seed gives the same estate.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Override the number of enterprise accounts of --size.
    #[arg(long)]
    pub enterprise_accounts: Option<usize>,
    /// Override the number of teams of --size (one is a non-enterprise team).
    #[arg(long)]
    pub teams: Option<usize>,
    /// Override the number of apps of --size.
    #[arg(long)]
    pub apps: Option<usize>,
    /// Override the number of add-ons of --size.
    #[arg(long)]
    pub addons: Option<usize>,
    /// Override the number of users of --size.
    #[arg(long)]
    pub users: Option<usize>,
    /// Delay before every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Random variation of the delay, ± milliseconds (uniform).
    #[arg(long, default_value_t = 0)]
    pub jitter_ms: u64,
    /// A token to accept (repeatable); the first is printed. Default: the demo token.
    #[arg(long = "heroku-token", value_name = "TOKEN")]
    pub heroku_tokens: Vec<String>,
    /// Fraction of requests answered 500/503 (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Capacity of each user's rate-limit bucket (Heroku: 4500).
    #[arg(long, default_value_t = 4500)]
    pub rate_limit: u32,
    /// Tokens added to each bucket per minute (Heroku: 75).
    #[arg(long, default_value_t = 75.0)]
    pub rate_limit_refill: f64,
    /// Do not require `Accept: application/vnd.heroku+json; version=3`.
    #[arg(long)]
    pub no_accept_check: bool,
}

impl FakeHerokuArgs {
    /// The fake's configuration.
    ///
    /// # Errors
    /// When a rate is outside 0..=1 or negative.
    pub fn config(&self) -> anyhow::Result<FakeHerokuConfig> {
        if !(0.0..=1.0).contains(&self.error_rate) {
            anyhow::bail!("--error-rate must be between 0 and 1");
        }
        if !self.rate_limit_refill.is_finite() || self.rate_limit_refill < 0.0 {
            anyhow::bail!("--rate-limit-refill must be zero or more");
        }
        let base = self.size.counts();
        let overridden = self.enterprise_accounts.is_some()
            || self.teams.is_some()
            || self.apps.is_some()
            || self.addons.is_some()
            || self.users.is_some();
        let counts = overridden.then(|| Counts {
            enterprise_accounts: self.enterprise_accounts.unwrap_or(base.enterprise_accounts),
            teams: self.teams.unwrap_or(base.teams),
            apps: self.apps.unwrap_or(base.apps),
            addons: self.addons.unwrap_or(base.addons),
            users: self.users.unwrap_or(base.users),
        });
        let tokens = if self.heroku_tokens.is_empty() {
            vec![DEFAULT_TOKEN.to_owned()]
        } else {
            self.heroku_tokens.clone()
        };
        Ok(FakeHerokuConfig {
            size: self.size,
            seed: self.seed,
            counts,
            tokens,
            non_enterprise_tokens: vec![NON_ENTERPRISE_TOKEN.to_owned()],
            latency: Duration::from_millis(self.latency_ms),
            jitter: Duration::from_millis(self.jitter_ms),
            rate_limit_capacity: self.rate_limit,
            rate_limit_refill_per_minute: self.rate_limit_refill,
            faults: Faults {
                error_rate: self.error_rate,
                ..Faults::default()
            },
            require_accept: !self.no_accept_check,
        })
    }
}

/// Runs the fake APIs until interrupted (Ctrl-C or SIGTERM).
///
/// # Errors
/// When the options are invalid or the port cannot be bound.
pub async fn run(args: FakeApiArgs) -> anyhow::Result<ExitCode> {
    let config = args.heroku.config()?;
    let counts = config.effective_counts();
    let fake = FakeHeroku::start_on(config, args.port)
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    let jupiterone = if args.jupiterone.no_jupiterone {
        None
    } else {
        let mut config = FakeJupiterOneConfig::default();
        if let Some(t) = &args.jupiterone.jupiterone_token {
            config.token.clone_from(t);
        }
        if let Some(a) = &args.jupiterone.jupiterone_account {
            config.account.clone_from(a);
        }
        Some(FakeJupiterOne::start(config).context("cannot start the fake JupiterOne")?)
    };
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {}", fake.url())?;
        writeln!(out, "heroku token: {}", fake.token())?;
        out.flush()?;
        // Best effort: a reader may stop after the first two lines and close the pipe.
        if let Some(j1) = &jupiterone {
            let _ = writeln!(out, "jupiterone: {}", j1.url());
            let _ = writeln!(out, "jupiterone token: {}", j1.token());
            let _ = writeln!(out, "jupiterone account: {}", j1.account());
            let _ = out.flush();
        }
    }
    let have = fake.data().counts();
    eprintln!(
        "fake Heroku ({} estate, seed {}): {} enterprise accounts, {} teams, {} apps, {} add-ons, {} users",
        args.heroku.size,
        args.heroku.seed,
        have.enterprise_accounts,
        have.teams,
        have.apps,
        have.addons,
        have.users,
    );
    if have != counts {
        eprintln!("note: the requested counts were {counts:?}");
    }
    eprintln!(
        "non-enterprise token: {NON_ENTERPRISE_TOKEN}\ncontrol: {0}/__fake/faults, {0}/__fake/stats; Ctrl-C stops",
        fake.url()
    );
    shutdown_signal().await;
    if let Some(j1) = jupiterone {
        j1.shutdown();
    }
    fake.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).ok();
        let terminated = async {
            match term.as_mut() {
                Some(t) => {
                    t.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = terminated => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
