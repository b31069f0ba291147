//! The job state machine: a job is started `AWAITING_UPLOADS`, takes uploads, and is
//! finalized (`FINALIZE_PENDING`, then `FINISHED` on a later `GET`) or aborted (`ABORTED`).

use std::collections::{BTreeSet, HashMap};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::body::{check_object, parse_object, str_field, take_list};
use super::job::{FakeCounters, FakeEvent, FakeJob, Job};
use super::reply::error;
use super::route::Route;
use super::state::{FakeState, Inner};
use super::store::apply;

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

pub(super) fn start_job(s: &FakeState, body: &[u8]) -> Response {
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
            events: Vec::new(),
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

pub(super) fn get_job(s: &FakeState, id: &str) -> Response {
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

pub(super) fn upload(s: &FakeState, route: Route, id: &str, body: &[u8]) -> Response {
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

pub(super) fn finalize(s: &FakeState, id: &str, body: &[u8]) -> Response {
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

pub(super) fn abort(s: &FakeState, id: &str, body: &[u8]) -> Response {
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

/// `POST …/jobs/{id}/events`: `{"events": [{"name", "description"}]}` is stored on the job (in
/// any status, as the SDK also reports after a failed upload) and answered with the stored
/// events `{"events": [{id, name, description, createDate}]}`.
pub(super) fn events(s: &FakeState, id: &str, body: &[u8]) -> Response {
    let mut m = match parse_object(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let list = match take_list(&mut m, "events", "EVENTS_IS_NOT_ARRAY", true) {
        Ok(list) => list.unwrap_or_default(),
        Err(r) => return r,
    };
    let now = chrono::Utc::now().timestamp_millis();
    let mut stored = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let (Some(name), description) = (
            v.get("name")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty()),
            v.get("description").and_then(Value::as_str),
        ) else {
            return error(
                StatusCode::BAD_REQUEST,
                "INVALID_EVENT",
                &format!("events[{i}] needs a non-empty string \"name\""),
            );
        };
        stored.push(FakeEvent {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.to_owned(),
            description: description.unwrap_or_default().to_owned(),
            create_date: now,
        });
    }
    let mut inner = s.lock();
    let Some(job) = inner.jobs.get_mut(id) else {
        return job_not_found(id);
    };
    job.public.events.extend(stored.iter().cloned());
    (StatusCode::OK, axum::Json(json!({ "events": stored }))).into_response()
}
