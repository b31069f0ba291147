//! Routes, the request pipeline (stats, latency, reset, auth, rate limit, Accept, faults, lookup,
//! paging, headers, ETag) and the `/__fake/` control endpoints.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use base64::Engine as _;
use rand::Rng;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::data::{Dataset, Route, Target};
use super::range::{self, MALFORMED_MESSAGE, NOT_ALLOWED_MESSAGE, RangeError};
use super::ratelimit::{Bucket, Take};
use super::sort::{self, accept_ranges};
use super::{DEFAULT_TOKEN, FakeHerokuConfig, Faults, Stats, unpoison};

/// The Heroku routes, as axum templates (also the keys of [`Stats::per_route`]).
const ROUTES: &[(&str, Route)] = &[
    ("/account", Route::Account),
    ("/account/rate-limits", Route::RateLimits),
    ("/enterprise-accounts", Route::EnterpriseAccounts),
    ("/enterprise-accounts/{id}", Route::EnterpriseAccount),
    (
        "/enterprise-accounts/{id}/members",
        Route::EnterpriseAccountMembers,
    ),
    (
        "/enterprise-accounts/{id}/teams",
        Route::EnterpriseAccountTeams,
    ),
    ("/teams", Route::Teams),
    ("/teams/{id}", Route::Team),
    ("/teams/{id}/members", Route::TeamMembers),
    ("/teams/{id}/apps", Route::TeamApps),
    ("/teams/{id}/addons", Route::TeamAddons),
    ("/apps", Route::Apps),
    ("/apps/{id}", Route::App),
    ("/apps/{id}/addons", Route::AppAddons),
    ("/addons", Route::Addons),
    ("/addon-attachments", Route::AddonAttachments),
];

const ACCEPT_VALUE: &str = "application/vnd.heroku+json; version=3";
const RATE_LIMIT_MESSAGE: &str =
    "Your account reached the API rate limit\nPlease wait a few minutes before making new requests";
const RATE_LIMIT_URL: &str =
    "https://devcenter.heroku.com/articles/platform-api-reference#rate-limits";

/// Who a token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Caller {
    /// The estate's enterprise admin.
    Enterprise,
    /// A user in no enterprise account and no team.
    NonEnterprise,
}

/// Everything the fake Heroku serves from: the estate, tokens, buckets, faults and stats.
#[derive(Debug)]
pub struct FakeHerokuState {
    tokens: HashMap<String, Caller>,
    first_token: String,
    first_non_enterprise_token: Option<String>,
    latency: Duration,
    jitter: Duration,
    require_accept: bool,
    data: RwLock<Arc<Dataset>>,
    faults: RwLock<Faults>,
    stats: Mutex<Stats>,
    buckets: Mutex<HashMap<Caller, Bucket>>,
}

impl FakeHerokuState {
    /// Generates the estate (seconds for `Size::Huge` in release mode) and builds the state.
    #[must_use]
    pub fn new(config: FakeHerokuConfig) -> Arc<Self> {
        let dataset = Dataset::generate(config.effective_counts(), config.seed);
        Self::with_dataset(config, dataset)
    }

    /// Builds the state around an estate made elsewhere (`size`, `seed` and `counts` of the
    /// configuration are ignored).
    #[must_use]
    pub fn with_dataset(config: FakeHerokuConfig, dataset: Dataset) -> Arc<Self> {
        let mut tokens = HashMap::new();
        let mut enterprise = config.tokens.clone();
        if enterprise.is_empty() {
            enterprise.push(DEFAULT_TOKEN.to_owned());
        }
        for t in &config.non_enterprise_tokens {
            tokens.insert(t.clone(), Caller::NonEnterprise);
        }
        for t in &enterprise {
            tokens.insert(t.clone(), Caller::Enterprise);
        }
        let buckets = [Caller::Enterprise, Caller::NonEnterprise]
            .into_iter()
            .map(|c| {
                (
                    c,
                    Bucket::new(
                        config.rate_limit_capacity,
                        config.rate_limit_refill_per_minute,
                    ),
                )
            })
            .collect();
        Arc::new(Self {
            tokens,
            first_token: enterprise[0].clone(),
            first_non_enterprise_token: config.non_enterprise_tokens.first().cloned(),
            latency: config.latency,
            jitter: config.jitter,
            require_accept: config.require_accept,
            data: RwLock::new(Arc::new(dataset)),
            faults: RwLock::new(config.faults),
            stats: Mutex::new(Stats::default()),
            buckets: Mutex::new(buckets),
        })
    }

    pub(super) fn token(&self) -> String {
        self.first_token.clone()
    }

    pub(super) fn non_enterprise_token(&self) -> Option<String> {
        self.first_non_enterprise_token.clone()
    }

    /// What has been served so far.
    #[must_use]
    pub fn stats(&self) -> Stats {
        unpoison(self.stats.lock()).clone()
    }

    /// Zeroes the stats.
    pub fn reset_stats(&self) {
        *unpoison(self.stats.lock()) = Stats::default();
    }

    /// The faults in force.
    #[must_use]
    pub fn faults(&self) -> Faults {
        unpoison(self.faults.read()).clone()
    }

    /// Replaces the faults in force.
    pub fn set_faults(&self, faults: Faults) {
        *unpoison(self.faults.write()) = faults;
    }

    /// The estate as it is now.
    #[must_use]
    pub fn data(&self) -> Arc<Dataset> {
        unpoison(self.data.read()).clone()
    }

    /// Changes the estate.
    pub fn mutate(&self, f: impl FnOnce(&mut Dataset)) {
        let mut guard = unpoison(self.data.write());
        f(Arc::make_mut(&mut guard));
    }

    fn count(&self, route: &str) {
        let mut stats = unpoison(self.stats.lock());
        stats.requests += 1;
        *stats.per_route.entry(route.to_owned()).or_insert(0) += 1;
        stats.arrivals.push(route.to_owned());
    }

    fn take_token(&self, caller: Caller) -> Take {
        let mut buckets = unpoison(self.buckets.lock());
        let take = buckets
            .get_mut(&caller)
            .map_or(Take::Allowed { remaining: 0 }, Bucket::take);
        drop(buckets);
        if matches!(take, Take::Refused { .. }) {
            unpoison(self.stats.lock()).rate_limited += 1;
        }
        take
    }

    fn remaining(&self, caller: Caller) -> u64 {
        unpoison(self.buckets.lock())
            .get_mut(&caller)
            .map_or(0, Bucket::remaining)
    }

    fn delay(&self, faults: &Faults) -> Duration {
        let mut delay = self.latency;
        if !self.jitter.is_zero() {
            let j = self.jitter.as_secs_f64();
            let offset = rand::rng().random_range(-j..=j);
            delay = Duration::from_secs_f64((delay.as_secs_f64() + offset).max(0.0));
        }
        delay + Duration::from_millis(faults.slow_ms)
    }

    fn authenticate(&self, headers: &HeaderMap) -> Option<Caller> {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
        let (scheme, credentials) = value.split_once(' ')?;
        let credentials = credentials.trim();
        let token = if scheme.eq_ignore_ascii_case("bearer") {
            credentials.to_owned()
        } else if scheme.eq_ignore_ascii_case("basic") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(credentials)
                .ok()?;
            let decoded = String::from_utf8(decoded).ok()?;
            decoded.split_once(':').map(|(_, p)| p.to_owned())?
        } else {
            return None;
        };
        self.tokens.get(&token).copied()
    }
}

/// The fake Heroku's routes (without a fallback, so other fakes can be merged beside it).
pub fn router(state: Arc<FakeHerokuState>) -> Router {
    let mut router = Router::new();
    for (path, _) in ROUTES {
        router = router.route(path, any(handle));
    }
    router
        .route("/__fake/faults", get(get_faults).post(post_faults))
        .route("/__fake/stats", get(get_stats))
        .route("/__fake/reset-stats", post(post_reset_stats))
        .route("/__fake/drift", post(post_drift))
        .with_state(state)
}

async fn get_faults(State(st): State<Arc<FakeHerokuState>>) -> Json<Faults> {
    Json(st.faults())
}

async fn post_faults(
    State(st): State<Arc<FakeHerokuState>>,
    Json(faults): Json<Faults>,
) -> Json<Faults> {
    st.set_faults(faults.clone());
    Json(faults)
}

/// `POST /__fake/drift`: one [`super::drift::Drift`] or an array, all or nothing.
async fn post_drift(
    State(st): State<Arc<FakeHerokuState>>,
    Json(body): Json<super::drift::Drifts>,
) -> Response {
    let drifts = body.into_vec();
    let mut result = Ok(());
    st.mutate(|d| result = super::drift::apply_all(d, &drifts));
    match result {
        Ok(()) => Json(json!({"applied": drifts})).into_response(),
        Err(what) => (
            StatusCode::NOT_FOUND,
            Json(json!({"id": "not_found", "message": format!("Couldn't find {what}.")})),
        )
            .into_response(),
    }
}

async fn get_stats(State(st): State<Arc<FakeHerokuState>>) -> Json<Stats> {
    Json(st.stats())
}

async fn post_reset_stats(State(st): State<Arc<FakeHerokuState>>) -> Json<Stats> {
    st.reset_stats();
    Json(st.stats())
}

/// Heroku's answer to a path it does not serve.
pub(super) async fn unknown_endpoint() -> Response {
    let body = json!({"id": "not_found", "message": "The requested API endpoint was not found. Are you using the right HTTP verb (i.e. `GET` vs. `POST`), and did you specify your intended version with the `Accept` header?"});
    let mut response = (StatusCode::NOT_FOUND, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// An answer being built: status, body and extra headers.
struct Reply {
    status: StatusCode,
    body: String,
    headers: HeaderMap,
}

impl Reply {
    fn json(status: StatusCode, body: String) -> Self {
        Self {
            status,
            body,
            headers: HeaderMap::new(),
        }
    }

    fn error(status: StatusCode, id: &str, message: &str) -> Self {
        Self::json(status, json!({"id": id, "message": message}).to_string())
    }

    fn header(mut self, name: &'static str, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.insert(HeaderName::from_static(name), v);
        }
        self
    }
}

/// A response whose body fails before its first byte: hyper drops the connection without
/// writing anything.
fn connection_reset() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "fake connection reset",
        ))
    });
    Response::new(Body::from_stream(stream))
}

fn accepts_v3(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT).iter().any(|v| {
        v.to_str().is_ok_and(|s| {
            s.split(',').any(|part| {
                let compact: String = part
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                compact.starts_with("application/vnd.heroku+json")
                    && compact.split(';').any(|p| p == "version=3")
            })
        })
    })
}

fn etag(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    let mut tag = String::with_capacity(34);
    tag.push('"');
    for b in &digest[..16] {
        tag.push_str(&format!("{b:02x}"));
    }
    tag.push('"');
    tag
}

fn if_none_match(headers: &HeaderMap, tag: &str) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().any(|v| {
        v.to_str().is_ok_and(|s| {
            s.split(',').map(str::trim).any(|t| {
                let t = t.strip_prefix("W/").unwrap_or(t);
                t == "*" || t == tag
            })
        })
    })
}

/// Answers a request `latency ± jitter` (and any `slow_ms` fault) after it arrived: the
/// latency is the time from request to answer, the fake's own work included, as a real
/// server's would be (working first, then sleeping the whole latency, made every answer
/// later than the latency by the time the fake took).
async fn handle(
    State(st): State<Arc<FakeHerokuState>>,
    matched: MatchedPath,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let faults = st.faults();
    let answer_at = tokio::time::Instant::now() + st.delay(&faults);
    let response = respond(&st, &faults, &matched, &method, &uri, &headers);
    tokio::time::sleep_until(answer_at).await;
    response
}

fn respond(
    st: &FakeHerokuState,
    faults: &Faults,
    matched: &MatchedPath,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Response {
    let template = matched.as_str();
    let route = ROUTES
        .iter()
        .find(|(p, _)| *p == template)
        .map_or(Route::Account, |(_, r)| *r);
    st.count(template);
    let server_id = uuid::Uuid::new_v4().to_string();
    let request_id = match headers
        .get("request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        Some(client) => format!("{client},{server_id}"),
        None => server_id,
    };
    if faults.reset_connection_rate > 0.0
        && rand::rng().random::<f64>() < faults.reset_connection_rate
    {
        return connection_reset();
    }
    let caller = if faults.unauthorized {
        None
    } else {
        st.authenticate(headers)
    };
    let Some(caller) = caller else {
        let reply = Reply::error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Invalid credentials provided.",
        );
        return finish(faults, reply, &request_id, None, headers);
    };
    let (mut reply, remaining) = answer(st, caller, route, method, uri, headers, faults);
    if let (true, Some(odd)) = (
        reply.status.is_success(),
        faults.oddify(template, &reply.body),
    ) {
        reply.body = odd;
    }
    finish(faults, reply, &request_id, Some(remaining), headers)
}

/// Everything after authentication; returns the reply and the caller's remaining tokens.
fn answer(
    st: &FakeHerokuState,
    caller: Caller,
    route: Route,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    faults: &Faults,
) -> (Reply, u64) {
    let remaining = if route == Route::RateLimits {
        st.remaining(caller)
    } else {
        match st.take_token(caller) {
            Take::Allowed { remaining } => remaining,
            Take::Refused { retry_after_secs } => {
                let body = json!({"id": "rate_limit", "message": RATE_LIMIT_MESSAGE, "url": RATE_LIMIT_URL});
                let reply = Reply::json(StatusCode::TOO_MANY_REQUESTS, body.to_string())
                    .header("retry-after", &retry_after_secs.to_string());
                return (reply, 0);
            }
        }
    };
    if route == Route::TeamApps && faults.retry_after_secs > 0 {
        let body =
            json!({"id": "rate_limit", "message": RATE_LIMIT_MESSAGE, "url": RATE_LIMIT_URL});
        let reply = Reply::json(StatusCode::TOO_MANY_REQUESTS, body.to_string())
            .header("retry-after", &faults.retry_after_secs.to_string());
        return (reply, remaining);
    }
    if st.require_accept && !accepts_v3(headers) {
        let reply = Reply::error(
            StatusCode::NOT_ACCEPTABLE,
            "not_acceptable",
            &format!(
                "Please specify a version along with Heroku's API MIME type. For example, `Accept: {ACCEPT_VALUE}`."
            ),
        );
        return (reply, remaining);
    }
    if faults.error_rate > 0.0 && rand::rng().random::<f64>() < faults.error_rate {
        let reply = if rand::rng().random_bool(0.5) {
            Reply::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_server_error",
                "Internal server error.",
            )
        } else {
            Reply::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "service_unavailable",
                "The service is temporarily unavailable. Please try again later.",
            )
        };
        return (reply, remaining);
    }
    if *method != Method::GET && *method != Method::HEAD {
        let reply = Reply::error(
            StatusCode::NOT_FOUND,
            "not_found",
            "The requested API endpoint was not found. Are you using the right HTTP verb (i.e. `GET` vs. `POST`), and did you specify your intended version with the `Accept` header?",
        );
        return (reply, remaining);
    }
    if route == Route::TeamMembers && faults.forbid_team_members {
        let reply = Reply::error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "This authorization has the read scope, but listing team members needs the global scope.",
        )
        .header("oauth-scope", "read");
        return (reply, remaining);
    }
    if (route == Route::TeamAddons && (faults.forbid_addons || faults.forbid_team_addons_only))
        || (route == Route::AppAddons && faults.forbid_addons)
    {
        let reply = Reply::error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "You do not have access to these add-ons: listing them needs the admin role in the team.",
        );
        return (reply, remaining);
    }
    let key = uri.path().split('/').nth(2).unwrap_or_default();
    let data = st.data();
    if route == Route::RateLimits {
        return (
            Reply::json(StatusCode::OK, json!({"remaining": remaining}).to_string()),
            remaining,
        );
    }
    let target = if caller == Caller::NonEnterprise {
        match route {
            Route::Account => Ok(Target::One(data.non_enterprise_entry())),
            Route::EnterpriseAccounts
            | Route::Teams
            | Route::Apps
            | Route::Addons
            | Route::AddonAttachments => {
                let fields = match route {
                    Route::Apps => sort::APP_FIELDS,
                    Route::Addons => sort::ADDON_FIELDS,
                    _ => sort::ID_FIELDS,
                };
                let empty = super::PagedList::empty(fields);
                return (list_reply(&empty, route, headers, faults), remaining);
            }
            _ => match data.target(route, key) {
                Ok(_) => {
                    let reply = Reply::error(
                        StatusCode::FORBIDDEN,
                        "forbidden",
                        "You do not have access to this resource.",
                    );
                    return (reply, remaining);
                }
                Err(resource) => Err(resource),
            },
        }
    } else {
        data.target(route, key)
    };
    let reply = match target {
        Err(resource) => Reply::json(
            StatusCode::NOT_FOUND,
            json!({"resource": resource, "id": "not_found", "message": format!("Couldn't find that {resource}.")})
                .to_string(),
        ),
        Ok(Target::One(entry)) => Reply::json(StatusCode::OK, entry.json().into_owned()),
        Ok(Target::List(list)) => list_reply(list, route, headers, faults),
    };
    (reply, remaining)
}

fn list_reply(
    list: &super::PagedList,
    route: Route,
    headers: &HeaderMap,
    faults: &Faults,
) -> Reply {
    let sent = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let fields = list.fields();
    let accept_ranges = accept_ranges(fields);
    let spec = match range::parse(sent, fields) {
        Ok(spec) => spec,
        Err(RangeError::Malformed) => {
            return Reply::error(StatusCode::BAD_REQUEST, "bad_request", MALFORMED_MESSAGE)
                .header("accept-ranges", &accept_ranges);
        }
        Err(RangeError::FieldNotAllowed) => {
            return Reply::error(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "requested_range_not_satisfiable",
                NOT_ALLOWED_MESSAGE,
            )
            .header("accept-ranges", &accept_ranges);
        }
    };
    let page = range::page(list, &spec);
    let mut body = page.body();
    let mut status = if page.next_range.is_some() {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let mut next_range = page.next_range.clone();
    if faults.repeat_next_range {
        status = StatusCode::PARTIAL_CONTENT;
        next_range = Some(sent.map(str::trim).filter(|s| !s.is_empty()).map_or_else(
            || format!("{} ..; max={}", spec.field.as_str(), spec.max),
            str::to_owned,
        ));
    }
    if route == Route::TeamApps {
        if let Some(giant) = faults.giant_body() {
            return Reply::json(StatusCode::OK, giant);
        }
        if let Some(reshape) = faults.reshape_page(spec.field.as_str(), spec.max) {
            if let Some(first) = reshape.first {
                let first = range::RangeSpec {
                    start: None,
                    max: first.clamp(1, 1000),
                    ..spec.clone()
                };
                body = range::page(list, &first).body();
            }
            status = StatusCode::PARTIAL_CONTENT;
            next_range = Some(reshape.next_range);
        }
    }
    if faults.malformed_page && route == Route::TeamApps && spec.start.is_none() {
        let mut cut = body.len() / 2;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        body.truncate(cut.max(1));
        status = StatusCode::OK;
        next_range = None;
    }
    let mut reply = Reply::json(status, body)
        .header("accept-ranges", &accept_ranges)
        .header("content-range", &page.content_range);
    if let Some(next) = next_range {
        reply = reply.header("next-range", &next);
    }
    reply
}

/// Adds the headers every answer carries, and turns a matching `If-None-Match` into 304.
fn finish(
    faults: &Faults,
    reply: Reply,
    request_id: &str,
    remaining: Option<u64>,
    request_headers: &HeaderMap,
) -> Response {
    let Reply {
        mut status,
        mut body,
        headers: extra,
    } = reply;
    if let Some(tainted) = faults.taint(&body, !status.is_success()) {
        body = tainted;
    }
    let mut response_headers = HeaderMap::new();
    let mut put = |name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            response_headers.insert(HeaderName::from_static(name), v);
        }
    };
    put("content-type", "application/json");
    put("request-id", request_id);
    if let Some(remaining) = remaining {
        put("ratelimit-remaining", &remaining.to_string());
        put("ratelimit-multiplier", "1");
        put("oauth-scope", "global");
        put(
            "oauth-scope-accepted",
            "global read read-protected write write-protected",
        );
        put("cache-control", "private, no-cache");
        put("vary", "Accept-Encoding");
    }
    if status.is_success() {
        let tag = etag(&body);
        if if_none_match(request_headers, &tag) {
            status = StatusCode::NOT_MODIFIED;
            body = String::new();
        }
        put("etag", &tag);
    }
    for (name, value) in extra.iter() {
        response_headers.insert(name.clone(), value.clone());
    }
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    *response.headers_mut() = response_headers;
    if status == StatusCode::NOT_MODIFIED {
        response.headers_mut().remove(header::CONTENT_TYPE);
    }
    response
}
