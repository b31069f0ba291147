//! A fake JupiterOne synchronization API (`/persister/synchronization/jobs`), in-process on
//! 127.0.0.1, for `--demo`, `heroku-j1 fake-api`, tests and benchmarks.
//!
//! It keeps the stored graph per scope (`source: "api"`) or per integration instance and
//! applies DIFF semantics at finalize: objects of that scope missing from the job are deleted,
//! except those whose `_type` is in `partialDatasets.types`; an object is *updated* when its
//! content (every property, `_rawData` included, key order ignored) changed. Finalize answers
//! `FINALIZE_PENDING`; a later `GET` of the job answers `FINISHED` with the counters.
//!
//! Uploads are checked as JupiterOne checks them: `_key`, `_type`, `_class`, relationship ends,
//! and property values (a primitive or a one-kind array of primitives; `_`-prefixed properties
//! such as `_rawData` are exempt); a bad object refuses the whole request with 400.
//!
//! Every request needs `Authorization: Bearer <token>` and the account as `JupiterOne-Account`
//! or the legacy `LifeOmic-Account` (which the official CLI sends). Events posted to a job
//! (`POST …/jobs/{id}/events`) are kept on the job. The control endpoints under `/__fake/`
//! (stats, jobs, stored graph; see `control.rs`) need no auth.
//!
//! Faults can be set at any time with [`FakeJupiterOne::set_faults`]: a rate of 503 answers,
//! bursts of 429 (with `Retry-After`), slow answers, failing upload requests, and slow uploads
//! beside a failing one. [`FakeJupiterOne::log`] keeps every request's arrival and handling in
//! order (so a test sees whether an upload reached a job after its abort).
#![allow(
    clippy::result_large_err,
    reason = "request checks refuse with a ready axum Response; the fake is not a hot path"
)]

mod body;
mod control;
mod faults;
mod http;
mod job;
mod jobs;
mod reply;
mod route;
mod state;
mod store;

use std::io;
use std::net::SocketAddr;

pub use faults::Faults;
pub use http::router;
pub use job::{FakeCounters, FakeEvent, FakeJob};
pub use state::{FakeState, FakeStats, LoggedRequest};
pub use store::StoredGraph;

/// The token the fake accepts unless configured otherwise.
pub const DEFAULT_TOKEN: &str = "fake-jupiterone-token-0000";
/// The account id the fake accepts unless configured otherwise.
pub const DEFAULT_ACCOUNT: &str = "fa4e0000-j1ac-4000-8000-000000000001";
/// JupiterOne's payload ceiling: bodies over 6 MB answer 413.
pub const MAX_BODY_BYTES: usize = 6_291_456;
/// The base path of every endpoint.
pub const JOBS_PATH: &str = "/persister/synchronization/jobs";

/// How the fake behaves.
#[derive(Debug, Clone)]
pub struct FakeJupiterOneConfig {
    /// The API key it accepts (`Authorization: Bearer <token>`).
    pub token: String,
    /// The account id it accepts (`JupiterOne-Account` or `LifeOmic-Account`).
    pub account: String,
    /// Known integration instance ids; `None` accepts any id.
    pub instances: Option<Vec<String>>,
    /// Bodies larger than this answer 413.
    pub max_body_bytes: usize,
    /// How many `GET`s of a finalized job still answer `FINALIZE_PENDING` before `FINISHED`.
    pub finalize_pending_polls: u32,
    /// Faults from the start.
    pub faults: Faults,
}

impl Default for FakeJupiterOneConfig {
    fn default() -> Self {
        Self {
            token: DEFAULT_TOKEN.to_owned(),
            account: DEFAULT_ACCOUNT.to_owned(),
            instances: None,
            max_body_bytes: MAX_BODY_BYTES,
            finalize_pending_polls: 1,
            faults: Faults::default(),
        }
    }
}

/// A running fake on 127.0.0.1, served by its own thread and runtime, so it works from
/// synchronous and asynchronous tests alike. Dropping it stops it.
#[derive(Debug)]
pub struct FakeJupiterOne {
    addr: SocketAddr,
    state: FakeState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeJupiterOne {
    /// Binds 127.0.0.1 on a free port and starts serving.
    ///
    /// # Errors
    /// When the port cannot be bound or the runtime cannot start.
    pub fn start(config: FakeJupiterOneConfig) -> io::Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let state = FakeState::new(config);
        let app = router(state.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<io::Result<()>>();
        let thread = std::thread::Builder::new()
            .name("fake-jupiterone".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = stopped.await;
                        })
                        .await;
                });
            })?;
        ready_rx
            .recv()
            .map_err(|_| io::Error::other("the fake JupiterOne thread died"))??;
        Ok(Self {
            addr,
            state,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The API key it accepts.
    #[must_use]
    pub fn token(&self) -> &str {
        &self.state.config.token
    }

    /// The account id it accepts.
    #[must_use]
    pub fn account(&self) -> &str {
        &self.state.config.account
    }

    /// The shared state (the same the router serves).
    #[must_use]
    pub fn state(&self) -> &FakeState {
        &self.state
    }

    pub fn set_faults(&self, faults: Faults) {
        self.state.set_faults(faults);
    }

    #[must_use]
    pub fn stats(&self) -> FakeStats {
        self.state.stats()
    }

    #[must_use]
    pub fn jobs(&self) -> Vec<FakeJob> {
        self.state.jobs()
    }

    /// Every request's arrival and handling, in order.
    #[must_use]
    pub fn log(&self) -> Vec<LoggedRequest> {
        self.state.log()
    }

    #[must_use]
    pub fn stored(&self, scope_or_instance: &str) -> StoredGraph {
        self.state.stored(scope_or_instance)
    }

    /// Stops serving and waits for the thread.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for FakeJupiterOne {
    fn drop(&mut self) {
        self.stop_now();
    }
}
