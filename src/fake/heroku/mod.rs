//! The fake Heroku Platform API: a faithful stand-in for the demo, the tests and the
//! benchmarks, served on 127.0.0.1 by axum.
//!
//! What it copies from the real API (`heroku-platform-api.md` §8): Bearer and Basic auth, the
//! `Accept` version check, Range pagination (`Accept-Ranges`, `Content-Range`, `Next-Range`,
//! 206/200, 400/416), lookups by id or name with 404 bodies, one token bucket per user with
//! `RateLimit-Remaining` and 429, `Request-Id`, `ETag`/304, and the object shapes of the
//! recorded responses. The estate comes from a deterministic generator ([`Dataset`]).
//!
//! Faults can be injected from the configuration or mid-run through the control endpoints,
//! which need no auth, cost no rate-limit token and are not counted in the stats:
//!
//! - `GET /__fake/faults`, `POST /__fake/faults` (JSON body: [`Faults`], replaces the set)
//! - `GET /__fake/stats` ([`Stats`]), `POST /__fake/reset-stats`
//! - `POST /__fake/drift` (JSON body: one [`drift::Drift`] or an array): changes the estate
//!
//! A connection reset is made by answering with a body stream that fails before its first
//! byte: hyper then closes the connection without having written the status line, so the
//! client sees a connection error (reqwest: "connection closed before message completed").

mod data;
pub mod drift;
mod entry;
mod faults;
mod generate;
mod json;
mod names;
pub mod range;
mod ratelimit;
mod server;
mod sort;
mod stamp;

use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use data::{Dataset, Entry, PagedList};
pub use faults::Faults;
pub use server::{FakeHerokuState, router};

/// The token the fake accepts when none is configured (the shape of a current Heroku OAuth
/// token: `HRKU-` and 60 url-safe characters). Its user is an admin of every enterprise
/// account of the estate.
pub const DEFAULT_TOKEN: &str = "HRKU-AAfakeHerokuJ1DemoToken-0123456789abcdefghijklmnopqrstuvwxyz";

/// A second token accepted by default, whose user is in no enterprise account and no team:
/// `GET /enterprise-accounts` answers `[]`.
pub const NON_ENTERPRISE_TOKEN: &str =
    "HRKU-AAfakeHerokuJ1NonEnterpriseToken-0123456789abcdefghijklmnopq";

/// How big the generated estate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    /// 2 enterprise accounts, 6 teams, 40 apps, 80 add-ons, 30 users, every edge case.
    #[default]
    Demo,
    /// 1 enterprise account, 50 teams, 2,000 apps, 4,000 add-ons, 500 users.
    Large,
    /// 1 enterprise account, 200 teams, 50,000 apps, 100,000 add-ons, 5,000 users.
    Huge,
}

impl Size {
    /// The counts of this size.
    #[must_use]
    pub const fn counts(self) -> Counts {
        match self {
            Self::Demo => Counts {
                enterprise_accounts: 2,
                teams: 6,
                apps: 40,
                addons: 80,
                users: 30,
            },
            Self::Large => Counts {
                enterprise_accounts: 1,
                teams: 50,
                apps: 2_000,
                addons: 4_000,
                users: 500,
            },
            Self::Huge => Counts {
                enterprise_accounts: 1,
                teams: 200,
                apps: 50_000,
                addons: 100_000,
                users: 5_000,
            },
        }
    }

    /// The name used on the command line.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Demo => "demo",
            Self::Large => "large",
            Self::Huge => "huge",
        }
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Size {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "demo" => Ok(Self::Demo),
            "large" => Ok(Self::Large),
            "huge" => Ok(Self::Huge),
            other => Err(format!(
                "unknown size `{other}` (expected demo, large or huge)"
            )),
        }
    }
}

/// How many objects of each kind the estate holds.
///
/// - `teams` counts every team: with at least one enterprise account and two teams, one of
///   them is a non-enterprise team (type `team`); without enterprise accounts all are.
/// - `users` counts the distinct users of all member lists, the caller included; a tenth of
///   them are team collaborators outside every enterprise account. The non-enterprise
///   token's user is not counted (it is in no list).
/// - Apps need a team and add-ons an app: with no teams there are no apps, with no apps no
///   add-ons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    pub enterprise_accounts: usize,
    pub teams: usize,
    pub apps: usize,
    pub addons: usize,
    pub users: usize,
}

/// How the fake behaves.
#[derive(Debug, Clone)]
pub struct FakeHerokuConfig {
    pub size: Size,
    pub seed: u64,
    /// Overrides the counts of `size`.
    pub counts: Option<Counts>,
    /// Tokens of the caller (an enterprise admin). Empty means [`DEFAULT_TOKEN`].
    pub tokens: Vec<String>,
    /// Tokens of a user in no enterprise account and no team.
    pub non_enterprise_tokens: Vec<String>,
    /// Every request waits `latency ± jitter` (uniform) before it is answered.
    pub latency: Duration,
    pub jitter: Duration,
    /// The token bucket of each user: capacity and refill per minute.
    pub rate_limit_capacity: u32,
    pub rate_limit_refill_per_minute: f64,
    /// Faults active from the start.
    pub faults: Faults,
    /// Answer 406 when `Accept` lacks `application/vnd.heroku+json; version=3`.
    pub require_accept: bool,
}

impl Default for FakeHerokuConfig {
    fn default() -> Self {
        Self {
            size: Size::Demo,
            seed: 1,
            counts: None,
            tokens: vec![DEFAULT_TOKEN.to_owned()],
            non_enterprise_tokens: vec![NON_ENTERPRISE_TOKEN.to_owned()],
            latency: Duration::ZERO,
            jitter: Duration::ZERO,
            rate_limit_capacity: 4500,
            rate_limit_refill_per_minute: 75.0,
            faults: Faults::default(),
            require_accept: true,
        }
    }
}

impl FakeHerokuConfig {
    /// The counts the estate is generated with.
    #[must_use]
    pub fn effective_counts(&self) -> Counts {
        self.counts.unwrap_or_else(|| self.size.counts())
    }
}

/// What the fake has served (also `GET /__fake/stats`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Requests to the Heroku endpoints, whatever their answer.
    pub requests: u64,
    /// Requests per route template, e.g. `/teams/{id}/apps`.
    pub per_route: BTreeMap<String, u64>,
    /// 429 answers sent.
    pub rate_limited: u64,
    /// The route template of every request, in the order they arrived.
    #[serde(default)]
    pub arrivals: Vec<String>,
}

/// A running fake Heroku. Dropping it stops the server (without waiting).
#[derive(Debug)]
pub struct FakeHeroku {
    addr: SocketAddr,
    state: Arc<FakeHerokuState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl FakeHeroku {
    /// Generates the estate and serves it on `127.0.0.1` on a free port, on the current
    /// tokio runtime.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start(config: FakeHerokuConfig) -> std::io::Result<Self> {
        Self::start_on(config, 0).await
    }

    /// Like [`FakeHeroku::start`] on `127.0.0.1:port` (0 picks a free port).
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start_on(config: FakeHerokuConfig, port: u16) -> std::io::Result<Self> {
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
        let addr = listener.local_addr()?;
        let state = tokio::task::spawn_blocking(move || FakeHerokuState::new(config))
            .await
            .map_err(std::io::Error::other)?;
        let app = router(state.clone()).fallback(server::unknown_endpoint);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Self {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    #[must_use]
    pub const fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The first accepted token of the enterprise caller.
    #[must_use]
    pub fn token(&self) -> String {
        self.state.token()
    }

    /// The first token of the user without enterprise membership, if one is configured.
    #[must_use]
    pub fn non_enterprise_token(&self) -> Option<String> {
        self.state.non_enterprise_token()
    }

    /// The shared state (e.g. to serve [`router`] elsewhere).
    #[must_use]
    pub fn state(&self) -> Arc<FakeHerokuState> {
        self.state.clone()
    }

    /// What has been served so far.
    #[must_use]
    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    /// Zeroes the stats.
    pub fn reset_stats(&self) {
        self.state.reset_stats();
    }

    /// The faults in force.
    #[must_use]
    pub fn faults(&self) -> Faults {
        self.state.faults()
    }

    /// Replaces the faults in force.
    pub fn set_faults(&self, faults: Faults) {
        self.state.set_faults(faults);
    }

    /// The estate as it is now.
    #[must_use]
    pub fn data(&self) -> Arc<Dataset> {
        self.state.data()
    }

    /// Changes the estate (requests already being answered finish on the old one).
    pub fn mutate(&self, f: impl FnOnce(&mut Dataset)) {
        self.state.mutate(f);
    }

    /// Stops the server: in-flight requests get up to 2 s to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(2), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for FakeHeroku {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn unpoison<T>(r: Result<T, PoisonError<T>>) -> T {
    r.unwrap_or_else(PoisonError::into_inner)
}
