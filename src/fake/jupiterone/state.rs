//! The shared state behind the router (jobs, stores, stats, faults) and what a test can read
//! of it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::Value;

use super::FakeJupiterOneConfig;
use super::faults::Faults;
use super::job::{FakeJob, Job};
use super::store::{Store, StoredGraph, StoredObject};

/// What the fake has seen.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FakeStats {
    /// Requests per route (`start`, `get`, `entities`, `relationships`, `upload`, `finalize`,
    /// `abort`, `events`), whatever the answer.
    pub requests: BTreeMap<String, u64>,
    pub total_requests: u64,
    /// The largest request body seen, in bytes.
    pub max_body_bytes: usize,
    /// Bodies refused with 413.
    pub too_large: u64,
    /// Requests refused with 401.
    pub unauthorized: u64,
    /// Answers changed by a fault (429, 503, failed upload).
    pub faults_injected: u64,
}

impl FakeStats {
    /// Requests to one route.
    #[must_use]
    pub fn route(&self, route: &str) -> u64 {
        self.requests.get(route).copied().unwrap_or(0)
    }
}

/// One request as the fake saw it: once when it arrived, once more when it was handled
/// (after any injected delay), in the order these happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    /// The route's name (as in [`FakeStats::requests`]).
    pub route: String,
    /// The job named in the path (empty for `start`).
    pub job_id: String,
    /// `false`: it arrived; `true`: it was handled.
    pub handled: bool,
}

#[derive(Debug, Default)]
pub(super) struct Inner {
    pub(super) log: Vec<LoggedRequest>,
    pub(super) jobs: BTreeMap<String, Job>,
    pub(super) job_order: Vec<String>,
    pub(super) stores: HashMap<String, Store>,
    pub(super) stats: FakeStats,
    pub(super) faults: Faults,
    pub(super) burst_left: u32,
    pub(super) uploads_since_faults: u64,
    /// Decides which requests `error_rate` fails: seeded from `Faults::seed` each time the
    /// faults are set, so a test sees the same failures on every run.
    pub(super) rng: Option<rand_chacha::ChaCha8Rng>,
}

/// The shared state behind the router. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct FakeState {
    pub(super) config: Arc<FakeJupiterOneConfig>,
    pub(super) inner: Arc<Mutex<Inner>>,
}

impl FakeState {
    #[must_use]
    pub fn new(config: FakeJupiterOneConfig) -> Self {
        let faults = config.faults.clone();
        let state = Self {
            config: Arc::new(config),
            inner: Arc::new(Mutex::new(Inner::default())),
        };
        state.set_faults(faults);
        state
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Replaces the faults (also mid-run).
    pub fn set_faults(&self, faults: Faults) {
        let mut inner = self.lock();
        inner.burst_left = faults.rate_limit_burst;
        inner.uploads_since_faults = 0;
        inner.rng = Some(rand::SeedableRng::seed_from_u64(faults.seed));
        inner.faults = faults;
    }

    #[must_use]
    pub fn stats(&self) -> FakeStats {
        self.lock().stats.clone()
    }

    /// Every request's arrival and handling, in order.
    #[must_use]
    pub fn log(&self) -> Vec<LoggedRequest> {
        self.lock().log.clone()
    }

    /// Every job, oldest first.
    #[must_use]
    pub fn jobs(&self) -> Vec<FakeJob> {
        let inner = self.lock();
        inner
            .job_order
            .iter()
            .filter_map(|id| inner.jobs.get(id).map(|j| j.public.clone()))
            .collect()
    }

    /// What is stored for a scope or an integration instance id (empty when nothing is).
    #[must_use]
    pub fn stored(&self, scope_or_instance: &str) -> StoredGraph {
        let inner = self.lock();
        let store = inner
            .stores
            .get(&format!("scope:{scope_or_instance}"))
            .or_else(|| inner.stores.get(&format!("instance:{scope_or_instance}")));
        let Some(store) = store else {
            return StoredGraph::default();
        };
        let parse = |m: &HashMap<String, StoredObject>| {
            m.iter()
                .map(|(k, o)| {
                    (
                        k.clone(),
                        serde_json::from_str(&o.json).unwrap_or(Value::Null),
                    )
                })
                .collect()
        };
        StoredGraph {
            entities: parse(&store.entities),
            relationships: parse(&store.relationships),
        }
    }
}
