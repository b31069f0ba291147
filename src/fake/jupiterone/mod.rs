//! A fake JupiterOne synchronization API (`/persister/synchronization/jobs`), in-process on
//! 127.0.0.1, for `--demo`, `heroku-j1 fake-api`, tests and benchmarks.
//!
//! It keeps the stored graph per scope (`source: "api"`) or per integration instance and
//! applies DIFF semantics at finalize: objects of that scope missing from the job are deleted,
//! except those whose `_type` is in `partialDatasets.types`; an object is *updated* when its
//! content (every property, `_rawData` included, key order ignored) changed. Finalize answers
//! `FINALIZE_PENDING`; a later `GET` of the job answers `FINISHED` with the counters.
//!
//! Faults can be set at any time with [`FakeJupiterOne::set_faults`]: a rate of 503 answers,
//! bursts of 429 (with `Retry-After`), slow answers, and failing upload requests.
#![allow(
    clippy::result_large_err,
    reason = "request checks refuse with a ready axum Response; the fake is not a hot path"
)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

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
    /// The account id it accepts (`JupiterOne-Account`).
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

/// Injected faults. Setting them resets the 429 burst and the upload counter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Fraction (0.0–1.0) of authenticated requests answered `503`.
    pub error_rate: f64,
    /// The next this-many authenticated requests answer `429`.
    pub rate_limit_burst: u32,
    /// `Retry-After` seconds sent with a 429.
    pub retry_after_secs: u64,
    /// Every answer waits this long first.
    pub delay_ms: u64,
    /// The Nth upload request (1-based, counted from when the faults were set) and every
    /// later one answer `fail_upload_status`.
    pub fail_uploads_from: Option<u64>,
    /// The status of a failed upload (500 when 0).
    pub fail_upload_status: u16,
}

/// What the fake has seen.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FakeStats {
    /// Requests per route (`start`, `get`, `entities`, `relationships`, `upload`, `finalize`,
    /// `abort`), whatever the answer.
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

/// The counters of a job, as the API reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FakeCounters {
    pub num_entities_uploaded: u64,
    pub num_entities_created: u64,
    pub num_entities_updated: u64,
    pub num_entities_deleted: u64,
    pub num_relationships_uploaded: u64,
    pub num_relationships_created: u64,
    pub num_relationships_updated: u64,
    pub num_relationships_deleted: u64,
    pub num_relationship_create_errors: u64,
}

/// A job as the fake keeps it.
#[derive(Debug, Clone)]
pub struct FakeJob {
    pub id: String,
    pub source: String,
    pub scope: Option<String>,
    pub integration_instance_id: Option<String>,
    pub status: String,
    pub counters: FakeCounters,
    /// `partialDatasets.types` of the finalize body, when finalized.
    pub partial_types: Option<Vec<String>>,
    /// The reason given to abort, when aborted.
    pub abort_reason: Option<String>,
    /// Upload requests that reached the job (accepted or not).
    pub upload_requests: u64,
}

/// What is stored for one scope or integration instance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredGraph {
    pub entities: BTreeMap<String, Value>,
    pub relationships: BTreeMap<String, Value>,
}

impl StoredGraph {
    /// Stored objects per `_type` (entities and relationships).
    #[must_use]
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for v in self.entities.values().chain(self.relationships.values()) {
            let t = v["_type"].as_str().unwrap_or_default().to_owned();
            *out.entry(t).or_default() += 1;
        }
        out
    }
}

#[derive(Debug, Clone)]
struct StoredObject {
    object_type: String,
    hash: [u8; 32],
    json: Box<str>,
    /// Relationship ends (empty for entities).
    ends: Option<(String, String)>,
}

#[derive(Debug, Default)]
struct Store {
    entities: HashMap<String, StoredObject>,
    relationships: HashMap<String, StoredObject>,
}

#[derive(Debug)]
struct Job {
    public: FakeJob,
    target: String,
    start_timestamp: i64,
    pending_polls: u32,
    entities: HashMap<String, StoredObject>,
    relationships: HashMap<String, StoredObject>,
}

impl Job {
    fn to_json(&self, account: &str) -> Value {
        let p = &self.public;
        let mut job = json!({
            "id": p.id,
            "source": p.source,
            "accountId": account,
            "syncMode": "DIFF",
            "status": p.status,
            "done": matches!(p.status.as_str(), "FINISHED" | "ABORTED"),
            "startTimestamp": self.start_timestamp,
        });
        if let Value::Object(m) = &mut job {
            if let Some(s) = &p.scope {
                m.insert("scope".into(), json!(s));
            }
            if let Some(i) = &p.integration_instance_id {
                m.insert("integrationInstanceId".into(), json!(i));
                m.insert("integrationJobId".into(), json!(p.id));
            }
            if let Ok(Value::Object(c)) = serde_json::to_value(p.counters) {
                m.extend(c);
            }
        }
        json!({ "job": job })
    }
}

#[derive(Debug, Default)]
struct Inner {
    jobs: BTreeMap<String, Job>,
    job_order: Vec<String>,
    stores: HashMap<String, Store>,
    stats: FakeStats,
    faults: Faults,
    burst_left: u32,
    uploads_since_faults: u64,
}

/// The shared state behind the router. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct FakeState {
    config: Arc<FakeJupiterOneConfig>,
    inner: Arc<Mutex<Inner>>,
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

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Replaces the faults (also mid-run).
    pub fn set_faults(&self, faults: Faults) {
        let mut inner = self.lock();
        inner.burst_left = faults.rate_limit_burst;
        inner.uploads_since_faults = 0;
        inner.faults = faults;
    }

    #[must_use]
    pub fn stats(&self) -> FakeStats {
        self.lock().stats.clone()
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Start,
    Get,
    Entities,
    Relationships,
    Upload,
    Finalize,
    Abort,
}

impl Route {
    const fn name(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Get => "get",
            Self::Entities => "entities",
            Self::Relationships => "relationships",
            Self::Upload => "upload",
            Self::Finalize => "finalize",
            Self::Abort => "abort",
        }
    }

    const fn is_upload(self) -> bool {
        matches!(self, Self::Entities | Self::Relationships | Self::Upload)
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}

fn job_not_awaiting(job: &Job) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "JOB_NOT_AWAITING_UPLOADS",
        &format!(
            "Job {} is not awaiting uploads (status {})",
            job.public.id, job.public.status
        ),
    )
}

/// The router: serve it beside the fake Heroku, or use [`FakeJupiterOne::start`].
pub fn router(state: FakeState) -> Router {
    Router::new()
        .route(JOBS_PATH, post(start_route))
        .route(&format!("{JOBS_PATH}/{{id}}"), get(get_route))
        .route(
            &format!("{JOBS_PATH}/{{id}}/{{action}}"),
            post(action_route),
        )
        .layer(DefaultBodyLimit::max(256 * 1024 * 1024))
        .with_state(state)
}

async fn start_route(State(s): State<FakeState>, headers: HeaderMap, body: Bytes) -> Response {
    handle(&s, Route::Start, "", &headers, &body).await
}

async fn get_route(
    State(s): State<FakeState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    handle(&s, Route::Get, &id, &headers, &[]).await
}

async fn action_route(
    State(s): State<FakeState>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let route = match action.as_str() {
        "entities" => Route::Entities,
        "relationships" => Route::Relationships,
        "upload" => Route::Upload,
        "finalize" => Route::Finalize,
        "abort" => Route::Abort,
        _ => return error(StatusCode::NOT_FOUND, "NOT_FOUND", "Not Found"),
    };
    handle(&s, route, &id, &headers, &body).await
}

fn authorized(config: &FakeJupiterOneConfig, headers: &HeaderMap) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let account = headers
        .get("jupiterone-account")
        .and_then(|v| v.to_str().ok());
    bearer == Some(config.token.as_str()) && account == Some(config.account.as_str())
}

enum Fault {
    RateLimited(u64),
    Unavailable,
    FailUpload(u16),
}

async fn handle(
    s: &FakeState,
    route: Route,
    id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let (delay, fault) = {
        let mut inner = s.lock();
        let stats = &mut inner.stats;
        *stats.requests.entry(route.name().to_owned()).or_default() += 1;
        stats.total_requests += 1;
        stats.max_body_bytes = stats.max_body_bytes.max(body.len());
        if !authorized(&s.config, headers) {
            stats.unauthorized += 1;
            drop(inner);
            return error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "Unauthorized");
        }
        let delay = inner.faults.delay_ms;
        let mut fault = None;
        if inner.burst_left > 0 {
            inner.burst_left -= 1;
            fault = Some(Fault::RateLimited(inner.faults.retry_after_secs));
        } else if inner.faults.error_rate > 0.0 && rand::random::<f64>() < inner.faults.error_rate {
            fault = Some(Fault::Unavailable);
        } else if route.is_upload() {
            inner.uploads_since_faults += 1;
            if inner
                .faults
                .fail_uploads_from
                .is_some_and(|n| inner.uploads_since_faults >= n)
            {
                let status = match inner.faults.fail_upload_status {
                    0 => 500,
                    s => s,
                };
                fault = Some(Fault::FailUpload(status));
            }
        }
        if fault.is_some() {
            inner.stats.faults_injected += 1;
        }
        (delay, fault)
    };
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    match fault {
        Some(Fault::RateLimited(secs)) => {
            let mut r = error(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMIT_EXCEEDED",
                "Too many requests",
            );
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return r;
        }
        Some(Fault::Unavailable) => {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "Service Unavailable (injected fault)",
            );
        }
        Some(Fault::FailUpload(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return error(status, "INJECTED_FAULT", "Upload failed (injected fault)");
        }
        None => {}
    }
    if body.len() > s.config.max_body_bytes {
        s.lock().stats.too_large += 1;
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLargeException",
            "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
        );
    }
    match route {
        Route::Start => start_job(s, body),
        Route::Get => get_job(s, id),
        Route::Entities | Route::Relationships | Route::Upload => upload(s, route, id, body),
        Route::Finalize => finalize(s, id, body),
        Route::Abort => abort(s, id, body),
    }
}

fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Response> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(error(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_BODY",
            "The request body must be a JSON object",
        )),
        Err(e) => Err(error(
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
            &format!("The request body is not valid JSON: {e}"),
        )),
    }
}

fn str_field<'a>(m: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    m.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn start_job(s: &FakeState, body: &[u8]) -> Response {
    let m = match parse_object(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let source = str_field(&m, "source").unwrap_or("integration-managed");
    let mode = str_field(&m, "syncMode").unwrap_or("DIFF");
    if mode != "DIFF" {
        return error(
            StatusCode::BAD_REQUEST,
            "UNSUPPORTED_SYNC_MODE",
            &format!("The fake supports syncMode DIFF only, not {mode}"),
        );
    }
    let (target, scope, instance) = match source {
        "api" => {
            if m.contains_key("integrationInstanceId") {
                return error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_SYNC_JOB_CONFIGURATION",
                    "integrationInstanceId cannot be used with source \"api\"",
                );
            }
            let Some(scope) = str_field(&m, "scope") else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_SYNC_JOB_CONFIGURATION",
                    "\"scope\" is required when source is \"api\"",
                );
            };
            (format!("scope:{scope}"), Some(scope.to_owned()), None)
        }
        "integration-managed" | "integration-external" => {
            if m.contains_key("scope") {
                return error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_SYNC_JOB_CONFIGURATION",
                    "\"scope\" can only be used when source is \"api\"",
                );
            }
            let Some(id) = str_field(&m, "integrationInstanceId") else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_SYNC_JOB_CONFIGURATION",
                    "\"integrationInstanceId\" is required for integration sources",
                );
            };
            if let Some(known) = &s.config.instances
                && !known.iter().any(|k| k == id)
            {
                return error(
                    StatusCode::BAD_REQUEST,
                    "SYNC_JOB_INVALID_INTEGRATION_INSTANCE",
                    "Integration instance not found",
                );
            }
            (format!("instance:{id}"), None, Some(id.to_owned()))
        }
        other => {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_SYNC_JOB_CONFIGURATION",
                &format!("Unknown source {other:?}"),
            );
        }
    };
    let id = uuid::Uuid::new_v4().to_string();
    let job = Job {
        public: FakeJob {
            id: id.clone(),
            source: source.to_owned(),
            scope,
            integration_instance_id: instance,
            status: "AWAITING_UPLOADS".to_owned(),
            counters: FakeCounters::default(),
            partial_types: None,
            abort_reason: None,
            upload_requests: 0,
        },
        target,
        start_timestamp: chrono::Utc::now().timestamp_millis(),
        pending_polls: s.config.finalize_pending_polls,
        entities: HashMap::new(),
        relationships: HashMap::new(),
    };
    let answer = job.to_json(&s.config.account);
    let mut inner = s.lock();
    inner.jobs.insert(id.clone(), job);
    inner.job_order.push(id);
    (StatusCode::OK, axum::Json(answer)).into_response()
}

fn job_not_found(id: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "JOB_NOT_FOUND",
        &format!("Synchronization job {id} not found"),
    )
}

fn get_job(s: &FakeState, id: &str) -> Response {
    let mut inner = s.lock();
    let Some(job) = inner.jobs.get_mut(id) else {
        return job_not_found(id);
    };
    if job.public.status == "FINALIZE_PENDING" {
        if job.pending_polls > 0 {
            job.pending_polls -= 1;
        } else {
            job.public.status = "FINISHED".to_owned();
        }
    }
    let answer = job.to_json(&s.config.account);
    (StatusCode::OK, axum::Json(answer)).into_response()
}

/// A SHA-256 of `value` with object keys sorted at every level.
fn canonical_hash(value: &Value) -> [u8; 32] {
    fn write(v: &Value, out: &mut Vec<u8>) {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                out.push(b'{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    let _ = serde_json::to_writer(&mut *out, k);
                    out.push(b':');
                    write(&m[k], out);
                }
                out.push(b'}');
            }
            Value::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write(item, out);
                }
                out.push(b']');
            }
            other => {
                let _ = serde_json::to_writer(&mut *out, other);
            }
        }
    }
    let mut buf = Vec::new();
    write(value, &mut buf);
    Sha256::digest(&buf).into()
}

fn check_object(
    v: &Value,
    what: &str,
    index: usize,
    relationship: bool,
) -> Result<StoredObject, Response> {
    let bad = |message: String| {
        Err(error(
            StatusCode::BAD_REQUEST,
            if relationship {
                "INVALID_RELATIONSHIP"
            } else {
                "INVALID_ENTITY"
            },
            &message,
        ))
    };
    let Value::Object(m) = v else {
        return bad(format!("{what}[{index}] must be an object"));
    };
    if str_field(m, "_key").is_none() {
        return bad(format!("{what}[{index}] needs a string _key"));
    }
    let Some(object_type) = str_field(m, "_type") else {
        return bad(format!("{what}[{index}] needs a string _type"));
    };
    let class_ok = match m.get("_class") {
        Some(Value::String(c)) => !c.is_empty(),
        Some(Value::Array(items)) => !items.is_empty() && items.iter().all(Value::is_string),
        _ => false,
    };
    if !class_ok {
        return bad(format!("{what}[{index}] needs a _class"));
    }
    let ends = if relationship {
        match (str_field(m, "_fromEntityKey"), str_field(m, "_toEntityKey")) {
            (Some(f), Some(t)) => Some((f.to_owned(), t.to_owned())),
            _ => {
                return bad(format!(
                    "{what}[{index}] needs _fromEntityKey and _toEntityKey"
                ));
            }
        }
    } else {
        None
    };
    Ok(StoredObject {
        object_type: object_type.to_owned(),
        hash: canonical_hash(v),
        json: serde_json::to_string(v)
            .unwrap_or_default()
            .into_boxed_str(),
        ends,
    })
}

fn take_list(
    m: &mut Map<String, Value>,
    name: &str,
    code: &str,
    required: bool,
) -> Result<Option<Vec<Value>>, Response> {
    match m.remove(name) {
        Some(Value::Array(items)) => Ok(Some(items)),
        None if !required => Ok(None),
        _ => Err(error(
            StatusCode::BAD_REQUEST,
            code,
            &format!("\"{name}\" should be an array"),
        )),
    }
}

fn upload(s: &FakeState, route: Route, id: &str, body: &[u8]) -> Response {
    {
        let mut inner = s.lock();
        let Some(job) = inner.jobs.get_mut(id) else {
            return job_not_found(id);
        };
        job.public.upload_requests += 1;
        if job.public.status != "AWAITING_UPLOADS" {
            return job_not_awaiting(job);
        }
    }
    let mut m = match parse_object(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let (entities, relationships) = match route {
        Route::Entities => (
            take_list(&mut m, "entities", "ENTITY_IS_NOT_ARRAY", true),
            Ok(None),
        ),
        Route::Relationships => (
            Ok(None),
            take_list(&mut m, "relationships", "RELATIONSHIP_IS_NOT_ARRAY", true),
        ),
        _ => (
            take_list(&mut m, "entities", "ENTITY_IS_NOT_ARRAY", false),
            take_list(&mut m, "relationships", "RELATIONSHIP_IS_NOT_ARRAY", false),
        ),
    };
    let (entities, relationships) = match (entities, relationships) {
        (Ok(e), Ok(r)) => (e.unwrap_or_default(), r.unwrap_or_default()),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let mut checked_entities = Vec::with_capacity(entities.len());
    for (i, v) in entities.iter().enumerate() {
        match check_object(v, "entities", i, false) {
            Ok(o) => checked_entities.push((v["_key"].as_str().unwrap_or_default().to_owned(), o)),
            Err(r) => return r,
        }
    }
    let mut checked_relationships = Vec::with_capacity(relationships.len());
    for (i, v) in relationships.iter().enumerate() {
        match check_object(v, "relationships", i, true) {
            Ok(o) => {
                checked_relationships.push((v["_key"].as_str().unwrap_or_default().to_owned(), o));
            }
            Err(r) => return r,
        }
    }
    drop(entities);
    drop(relationships);
    let mut inner = s.lock();
    let Some(job) = inner.jobs.get_mut(id) else {
        return job_not_found(id);
    };
    if job.public.status != "AWAITING_UPLOADS" {
        return job_not_awaiting(job);
    }
    job.public.counters.num_entities_uploaded += checked_entities.len() as u64;
    job.public.counters.num_relationships_uploaded += checked_relationships.len() as u64;
    job.entities.extend(checked_entities);
    job.relationships.extend(checked_relationships);
    let answer = job.to_json(&s.config.account);
    (StatusCode::OK, axum::Json(answer)).into_response()
}

/// Applies one kind of objects of a finished job to the store: (created, updated, deleted).
fn apply(
    store: &mut HashMap<String, StoredObject>,
    uploaded: HashMap<String, StoredObject>,
    partial: &BTreeSet<String>,
) -> (u64, u64, u64) {
    let (mut created, mut updated, mut deleted) = (0, 0, 0);
    let before = store.len();
    store.retain(|k, o| uploaded.contains_key(k) || partial.contains(&o.object_type));
    deleted += (before - store.len()) as u64;
    for (k, o) in uploaded {
        match store.get(&k) {
            None => created += 1,
            Some(old) if old.hash != o.hash => updated += 1,
            Some(_) => {}
        }
        store.insert(k, o);
    }
    (created, updated, deleted)
}

fn finalize(s: &FakeState, id: &str, body: &[u8]) -> Response {
    let m = match parse_object(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let partial: Vec<String> = match m.get("partialDatasets") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(p)) => match p.get("types") {
            None => Vec::new(),
            Some(Value::Array(t)) if t.iter().all(Value::is_string) => t
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_PARTIAL_DATASETS",
                    "\"partialDatasets.types\" should be an array of strings",
                );
            }
        },
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_PARTIAL_DATASETS",
                "\"partialDatasets\" should be an object",
            );
        }
    };
    let mut inner = s.lock();
    let Inner { jobs, stores, .. } = &mut *inner;
    let Some(job) = jobs.get_mut(id) else {
        return job_not_found(id);
    };
    if job.public.status != "AWAITING_UPLOADS" {
        return job_not_awaiting(job);
    }
    let partial_set: BTreeSet<String> = partial.iter().cloned().collect();
    let store = stores.entry(job.target.clone()).or_default();
    let (ec, eu, ed) = apply(
        &mut store.entities,
        std::mem::take(&mut job.entities),
        &partial_set,
    );
    // Relationships whose ends are not stored entities cannot be created.
    let mut relationships = std::mem::take(&mut job.relationships);
    let before = relationships.len();
    relationships.retain(|_, o| {
        o.ends
            .as_ref()
            .is_some_and(|(f, t)| store.entities.contains_key(f) && store.entities.contains_key(t))
    });
    let create_errors = (before - relationships.len()) as u64;
    let (rc, ru, rd) = apply(&mut store.relationships, relationships, &partial_set);
    let c = &mut job.public.counters;
    c.num_entities_created = ec;
    c.num_entities_updated = eu;
    c.num_entities_deleted = ed;
    c.num_relationships_created = rc;
    c.num_relationships_updated = ru;
    c.num_relationships_deleted = rd;
    c.num_relationship_create_errors = create_errors;
    job.public.partial_types = Some(partial);
    job.public.status = "FINALIZE_PENDING".to_owned();
    let mut answer = job.to_json(&s.config.account);
    // The finalize answer shows what was uploaded; the outcome comes with the job's status.
    if let Some(j) = answer.get_mut("job").and_then(Value::as_object_mut) {
        for k in [
            "numEntitiesCreated",
            "numEntitiesUpdated",
            "numEntitiesDeleted",
            "numRelationshipsCreated",
            "numRelationshipsUpdated",
            "numRelationshipsDeleted",
        ] {
            j.insert(k.to_owned(), json!(0));
        }
    }
    (StatusCode::OK, axum::Json(answer)).into_response()
}

fn abort(s: &FakeState, id: &str, body: &[u8]) -> Response {
    let m = match parse_object(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut inner = s.lock();
    let Some(job) = inner.jobs.get_mut(id) else {
        return job_not_found(id);
    };
    if job.public.status != "AWAITING_UPLOADS" {
        return job_not_awaiting(job);
    }
    job.public.status = "ABORTED".to_owned();
    job.public.abort_reason = Some(str_field(&m, "reason").unwrap_or("").to_owned());
    job.entities.clear();
    job.relationships.clear();
    let answer = job.to_json(&s.config.account);
    (StatusCode::OK, axum::Json(answer)).into_response()
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
