//! The HTTP surface: the router, the auth check, the injected faults and the body limit
//! every request goes through, and the dispatch to the job handlers.

use std::time::Duration;

use super::control;
use super::faults::Fault;
use super::jobs::{abort, events, finalize, get_job, start_job, upload};
use super::reply::error;
use super::route::Route;
use super::state::{FakeState, LoggedRequest};
use super::{FakeJupiterOneConfig, JOBS_PATH};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};

/// The router: serve it beside the fake Heroku, or use
/// [`FakeJupiterOne::start`](super::FakeJupiterOne::start).
pub fn router(state: FakeState) -> Router {
    Router::new()
        .route(JOBS_PATH, post(start_route))
        .route(&format!("{JOBS_PATH}/{{id}}"), get(get_route))
        .route(
            &format!("{JOBS_PATH}/{{id}}/{{action}}"),
            post(action_route),
        )
        .merge(control::router())
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
        "events" => Route::Events,
        _ => return error(StatusCode::NOT_FOUND, "NOT_FOUND", "Not Found"),
    };
    handle(&s, route, &id, &headers, &body).await
}

/// The account headers JupiterOne accepts: the current name and the legacy one that the
/// official CLI (`j1-integration`) and the Go client still send.
const ACCOUNT_HEADERS: [&str; 2] = ["jupiterone-account", "lifeomic-account"];

/// Why a request is refused with 401, or `None` when it may pass. A wrong or missing key is
/// reported first; with the right key and neither account header, the message names both.
fn unauthorized(config: &FakeJupiterOneConfig, headers: &HeaderMap) -> Option<&'static str> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(config.token.as_str()) {
        return Some("Unauthorized");
    }
    let accounts: Vec<&str> = ACCOUNT_HEADERS
        .iter()
        .filter_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
        .collect();
    if accounts.is_empty() {
        return Some("Missing account: send the JupiterOne-Account (or LifeOmic-Account) header");
    }
    (!accounts.contains(&config.account.as_str())).then_some("Unauthorized")
}

async fn handle(
    s: &FakeState,
    route: Route,
    id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let logged = |handled| LoggedRequest {
        route: route.name().to_owned(),
        job_id: id.to_owned(),
        handled,
    };
    let (delay, fault) = {
        let mut inner = s.lock();
        inner.log.push(logged(false));
        let stats = &mut inner.stats;
        *stats.requests.entry(route.name().to_owned()).or_default() += 1;
        stats.total_requests += 1;
        stats.max_body_bytes = stats.max_body_bytes.max(body.len());
        if let Some(message) = unauthorized(&s.config, headers) {
            stats.unauthorized += 1;
            drop(inner);
            return error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message);
        }
        let delay = inner.faults.delay_ms;
        let mut fault = None;
        if inner.burst_left > 0 {
            inner.burst_left -= 1;
            fault = Some(Fault::RateLimited(inner.faults.retry_after_secs));
        } else if inner.faults.error_rate > 0.0
            && inner.rng.as_mut().map_or(0.0, rand::Rng::random::<f64>) < inner.faults.error_rate
        {
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
        let slow = if route.is_upload() && fault.is_none() {
            inner.faults.slow_upload_ms
        } else {
            0
        };
        (delay + slow, fault)
    };
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    s.lock().log.push(logged(true));
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
        Route::Events => events(s, id, body),
    }
}
