//! The control endpoints, for a test or a person driving `heroku-j1 fake-api` from outside
//! the process: no auth, not counted in the stats.
//!
//! - `GET /__fake/stats`: [`FakeStats`](super::FakeStats)
//! - `GET /__fake/jobs`: every job, oldest first ([`FakeJob`](super::FakeJob), events included)
//! - `GET /__fake/stored?scope=S` (or `?instance=ID`): what is stored for a scope or an
//!   integration instance ([`StoredGraph`](super::StoredGraph))

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::state::FakeState;

pub(super) fn router() -> Router<FakeState> {
    Router::new()
        .route("/__fake/stats", get(stats))
        .route("/__fake/jobs", get(jobs))
        .route("/__fake/stored", get(stored))
}

async fn stats(State(s): State<FakeState>) -> Response {
    Json(s.stats()).into_response()
}

async fn jobs(State(s): State<FakeState>) -> Response {
    Json(s.jobs()).into_response()
}

async fn stored(State(s): State<FakeState>, Query(q): Query<HashMap<String, String>>) -> Response {
    let key = q
        .get("scope")
        .or_else(|| q.get("instance"))
        .map_or("", String::as_str);
    Json(s.stored(key)).into_response()
}
