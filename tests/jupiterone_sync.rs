//! The JupiterOne sync against the fake JupiterOne, in-process on 127.0.0.1: plan, preview,
//! upload, DIFF semantics, partial datasets, aborts, 413, 401, retries, batch sizes.

#[path = "j1_common/mod.rs"]
mod common;

use std::sync::Arc;

use common::*;
use heroku_j1::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig, Faults};
use heroku_j1::graph::entity::{Entity, Properties, RawData};
use heroku_j1::graph::{Graph, build, types};
use heroku_j1::jupiterone::client::UploadKind;
use heroku_j1::jupiterone::diff::Change;
use heroku_j1::jupiterone::plan::MAX_BATCH_BYTES;
use heroku_j1::jupiterone::upload::SyncEvent;
use heroku_j1::jupiterone::{
    JupiterOneError, Plan, Reason, Target, UploadError, prepare, preview, state, sync, upload,
};
use serde_json::value::RawValue;
use serde_json::{Value, json};

fn fake() -> FakeJupiterOne {
    FakeJupiterOne::start(FakeJupiterOneConfig::default()).expect("fake JupiterOne")
}

fn scope() -> Target {
    Target::default_scope(USER_ID)
}

#[tokio::test]
async fn full_sync_then_a_changed_estate_is_predicted_exactly() {
    let fake = fake();
    let client = client(&fake);
    let data = tempfile::tempdir().unwrap();
    let target = scope();
    assert_eq!(target, Target::Scope(format!("heroku-j1:{USER_ID}")));

    // First sync: everything is new, and the guard asks because it is the first.
    let graph = Arc::new(build(&estate()));
    let (plan, preview) = prepare(&client, graph.clone(), target.clone(), data.path()).unwrap();
    assert!(preview.first_sync);
    assert!(preview.blocking().is_empty(), "{:?}", preview.findings);
    assert!(matches!(
        preview.needs_confirmation().as_slice(),
        [Reason::FirstSync { .. }]
    ));
    assert_eq!(preview.totals.entities.created, graph.entities().len());
    assert_eq!(
        preview.totals.relationships.created,
        graph.relationships().len()
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let outcome = sync(&client, &plan, &preview, data.path(), &options(), Some(tx))
        .await
        .unwrap();
    let job = &outcome.upload.job;
    assert_eq!(job.status, "FINISHED");
    assert_eq!(job.num_entities_created as usize, graph.entities().len());
    assert_eq!(
        job.num_relationships_created as usize,
        graph.relationships().len()
    );
    assert!(outcome.state_error.is_none());
    assert!(outcome.state_path.is_file());
    let mut stages = Vec::new();
    while let Ok(e) = rx.try_recv() {
        stages.push(e);
    }
    assert!(matches!(stages.first(), Some(SyncEvent::Starting { .. })));
    assert!(matches!(stages.last(), Some(SyncEvent::Finished { .. })));
    assert!(stages.iter().any(|e| matches!(
        e,
        SyncEvent::Uploaded {
            batches_done: 2,
            batches_total: 2,
            ..
        }
    )));
    assert!(
        stages
            .iter()
            .any(|e| matches!(e, SyncEvent::Finalizing { .. }))
    );
    let stored = fake.stored(&format!("heroku-j1:{USER_ID}"));
    assert_eq!(stored.entities.len(), graph.entities().len());
    assert_eq!(stored.relationships.len(), graph.relationships().len());
    // What is stored is what the plan showed.
    let pg = &stored.entities[PG];
    let shown: Value = serde_json::from_str(&plan.payload_of(PG).unwrap()).unwrap();
    assert_eq!(pg, &shown);

    // The same graph again: nothing changes, and the guard lets it through.
    let (plan, preview) = prepare(&client, graph.clone(), target.clone(), data.path()).unwrap();
    assert!(!preview.first_sync);
    assert!(
        preview.needs_confirmation().is_empty(),
        "{:?}",
        preview.needs_confirmation()
    );
    assert_eq!(preview.totals.entities.unchanged, graph.entities().len());
    let outcome = sync(&client, &plan, &preview, data.path(), &options(), None)
        .await
        .unwrap();
    let job = &outcome.upload.job;
    assert_eq!(
        (
            job.num_entities_created,
            job.num_entities_updated,
            job.num_entities_deleted
        ),
        (0, 0, 0)
    );

    // The estate changed: an app deleted, a member added, an add-on's plan changed.
    let graph = Arc::new(build(&changed_estate()));
    let (plan, preview) = prepare(&client, graph.clone(), target.clone(), data.path()).unwrap();
    let t = |ty: &str| preview.type_change(ty).cloned().unwrap();
    assert_eq!(
        (
            t(types::APPLICATION).to_delete,
            t(types::APPLICATION).previous
        ),
        (1, 3)
    );
    assert_eq!(t(types::TEAM_OWNS_APPLICATION).to_delete, 1);
    assert_eq!(t(types::USER).new, 1);
    assert_eq!(t(types::ACCOUNT_HAS_MEMBER).new, 1);
    assert_eq!(t(types::ADDON).changed, 1);
    assert_eq!(t(types::ADDON).unchanged, 1);
    assert_eq!(preview.change_of(SAM), Some(Change::New));
    assert_eq!(preview.change_of(PG), Some(Change::Changed));
    assert_eq!(preview.change_of(REDIS), Some(Change::Unchanged));
    assert_eq!(preview.change_of(APP2), None);
    assert!(preview.deletions.iter().any(|d| d.key == APP2));
    let totals = preview.totals;
    assert_eq!(
        (
            totals.entities.created,
            totals.entities.updated,
            totals.entities.deleted
        ),
        (1, 1, 1)
    );
    assert_eq!(
        (
            totals.relationships.created,
            totals.relationships.updated,
            totals.relationships.deleted
        ),
        (1, 0, 1)
    );
    // One of three apps is more than 10 %: the guard asks.
    let reasons = preview.needs_confirmation();
    assert!(
        reasons.iter().any(|r| matches!(r, Reason::ManyDeleted { object_type, .. } if object_type == types::APPLICATION)),
        "{reasons:?}"
    );
    let outcome = sync(&client, &plan, &preview, data.path(), &options(), None)
        .await
        .unwrap();
    let job = &outcome.upload.job;
    assert_eq!(
        (
            job.num_entities_created,
            job.num_entities_updated,
            job.num_entities_deleted
        ),
        (
            totals.entities.created as u64,
            totals.entities.updated as u64,
            totals.entities.deleted as u64
        ),
        "the fake reports what the preview predicted"
    );
    assert_eq!(
        (
            job.num_relationships_created,
            job.num_relationships_updated,
            job.num_relationships_deleted
        ),
        (
            totals.relationships.created as u64,
            totals.relationships.updated as u64,
            totals.relationships.deleted as u64
        )
    );
    let stored = fake.stored(&format!("heroku-j1:{USER_ID}"));
    assert!(!stored.entities.contains_key(APP2));
    assert_eq!(stored.entities[PG]["plan"], "heroku-postgresql:standard-0");
    assert!(stored.entities.contains_key(SAM));
    let saved = state::load(&outcome.state_path).unwrap().unwrap();
    assert_eq!(saved.job_id, outcome.upload.job_id);
    assert_eq!(saved.entities.len(), graph.entities().len());
    let jobs = fake.jobs();
    assert_eq!(jobs.len(), 3);
    assert!(
        jobs.iter()
            .all(|j| j.status == "FINISHED" && j.source == "api")
    );
}

#[tokio::test]
async fn partial_datasets_are_named_at_finalize_and_nothing_of_them_is_deleted() {
    let fake = fake();
    let client = client(&fake);
    let data = tempfile::tempdir().unwrap();
    let target = Target::Instance {
        id: "11111111-2222-4333-8444-555555555555".into(),
        source: Default::default(),
    };
    let full = Arc::new(build(&estate()));
    let (plan, preview) = prepare(&client, full.clone(), target.clone(), data.path()).unwrap();
    sync(&client, &plan, &preview, data.path(), &options(), None)
        .await
        .unwrap();

    let graph = Arc::new(build(&partial_estate()));
    assert!(graph.is_partial());
    let (plan, preview) = prepare(&client, graph.clone(), target.clone(), data.path()).unwrap();
    let finalize: Value = serde_json::from_str(plan.finalize_body()).unwrap();
    assert_eq!(
        finalize,
        json!({"partialDatasets": {"types": [types::ADDON, types::APPLICATION_HAS_ADDON]}})
    );
    let addons = preview.type_change(types::ADDON).unwrap();
    assert!(addons.partial);
    assert_eq!(
        (addons.to_upload, addons.to_delete, addons.previous),
        (0, 0, 2)
    );
    assert!(preview.deletions.is_empty());
    let reasons = preview.needs_confirmation();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(reasons[0].is_partial());
    let outcome = sync(&client, &plan, &preview, data.path(), &options(), None)
        .await
        .unwrap();
    assert_eq!(outcome.upload.job.num_entities_deleted, 0);
    assert_eq!(outcome.upload.job.num_relationships_deleted, 0);
    let job = fake.jobs().pop().unwrap();
    assert_eq!(job.source, "integration-external");
    assert_eq!(
        job.partial_types,
        Some(vec![
            types::ADDON.to_owned(),
            types::APPLICATION_HAS_ADDON.to_owned()
        ])
    );
    let stored = fake.stored("11111111-2222-4333-8444-555555555555");
    assert!(
        stored.entities.contains_key(PG),
        "kept: its type is partial"
    );
    assert!(stored.entities.contains_key(REDIS));

    // The state kept the add-ons JupiterOne kept: a complete sync finds them unchanged.
    let (plan, preview) = prepare(&client, full.clone(), target.clone(), data.path()).unwrap();
    assert_eq!(preview.type_change(types::ADDON).unwrap().unchanged, 2);
    assert_eq!(preview.totals.entities.created, 0);
    let outcome = sync(&client, &plan, &preview, data.path(), &options(), None)
        .await
        .unwrap();
    assert_eq!(outcome.upload.job.num_entities_created, 0);
    assert_eq!(outcome.upload.job.num_entities_updated, 0);
}

/// A graph of `n` add-on-like entities with about `raw` bytes of raw data each.
fn big_graph(n: usize, raw: usize) -> Graph {
    let mut g = Graph::new();
    let padding = "x".repeat(raw);
    for i in 0..n {
        let key = format!("eeeeeeee-0000-4000-8000-{i:012}");
        let mut p = Properties::new();
        p.set("name", format!("addon-{i}"));
        p.set("displayName", format!("addon-{i}"));
        p.set("id", key.clone());
        p.set("category", vec!["platform"]);
        p.set("function", Vec::<String>::new());
        let raw =
            RawValue::from_string(json!({"id": key, "padding": padding}).to_string()).unwrap();
        g.add_entity(Entity {
            key,
            entity_type: types::ADDON.into(),
            class: "Service".into(),
            properties: p,
            raw_data: vec![RawData {
                name: "default".into(),
                raw: raw.into(),
            }],
        });
    }
    g
}

#[tokio::test]
async fn batches_never_exceed_five_million_bytes() {
    let fake = fake();
    let client = client(&fake);
    // About 14 MB of entities.
    let graph = Arc::new(big_graph(10_000, 1_300));
    let plan = Plan::new(graph.clone(), scope());
    assert!(plan.batches().len() >= 3, "{}", plan.batches().len());
    for (i, b) in plan.batches().iter().enumerate() {
        assert!(b.bytes <= MAX_BATCH_BYTES, "batch {i}: {}", b.bytes);
        assert_eq!(plan.body(i).len(), b.bytes, "the size is exact");
    }
    // Nearly full batches: the cut is by size, not by count.
    assert!(plan.batches()[0].bytes > MAX_BATCH_BYTES - 2_000);
    let body: Value = serde_json::from_slice(&plan.body(0)).unwrap();
    assert_eq!(
        body["entities"].as_array().unwrap().len(),
        plan.batches()[0].len()
    );
    let outcome = upload(&client, &plan, &options(), None).await.unwrap();
    assert_eq!(outcome.job.num_entities_created, 10_000);
    let stats = fake.stats();
    assert!(
        stats.max_body_bytes <= MAX_BATCH_BYTES,
        "{}",
        stats.max_body_bytes
    );
    assert_eq!(stats.route("entities") as usize, plan.batches().len());
    assert_eq!(outcome.bytes_sent, plan.total_bytes());
}

#[tokio::test]
async fn a_failure_mid_upload_aborts_the_job_and_never_finalizes() {
    let fake = fake();
    let client = client(&fake);
    let data = tempfile::tempdir().unwrap();
    let graph = Arc::new(big_graph(300, 1_000));
    let plan = Plan::with_max_batch_bytes(graph.clone(), scope(), 40_000);
    assert!(plan.batches().len() >= 8);
    let preview = preview(&graph, &scope(), None);
    fake.set_faults(Faults {
        fail_uploads_from: Some(3),
        fail_upload_status: 500,
        ..Faults::default()
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let err = sync(&client, &plan, &preview, data.path(), &options(), Some(tx))
        .await
        .unwrap_err();
    let UploadError::Aborted {
        job_id,
        reason,
        abort_error,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert!(abort_error.is_none());
    assert!(reason.contains("500"), "{reason}");
    let job = fake.jobs().pop().unwrap();
    assert_eq!(&job.id, job_id);
    assert_eq!(job.status, "ABORTED");
    assert_eq!(job.abort_reason.as_deref(), Some(reason.as_str()));
    let stats = fake.stats();
    assert_eq!(stats.route("finalize"), 0, "never finalized");
    assert_eq!(stats.route("abort"), 1);
    assert!(
        fake.stored(&format!("heroku-j1:{USER_ID}"))
            .entities
            .is_empty()
    );
    assert!(
        !state::state_path(data.path(), client.api_url(), client.account(), &scope()).exists(),
        "no state after a failed sync"
    );
    let mut aborting = false;
    while let Ok(e) = rx.try_recv() {
        aborting |= matches!(e, SyncEvent::Aborting { .. });
        assert!(!matches!(e, SyncEvent::Finalizing { .. }));
    }
    assert!(aborting);
    assert!(
        err.to_string()
            .contains("aborted, so JupiterOne changed nothing"),
        "{err}"
    );
}

/// Three small add-ons and one with 7 MB of raw data (over the 5,000,000-byte batch limit
/// and JupiterOne's 6 MB on its own), and that one's key.
fn with_huge_addon() -> (Arc<Graph>, String) {
    let mut graph = big_graph(3, 200);
    let huge = big_graph(1, 7_000_000).entities()[0].clone();
    let huge_key = "ffffffff-0000-4000-8000-000000000001".to_owned();
    graph.add_entity(Entity {
        key: huge_key.clone(),
        ..huge
    });
    (Arc::new(graph), huge_key)
}

#[tokio::test]
async fn a_413_truncates_the_largest_raw_data_and_retries() {
    let fake = fake();
    let client = client(&fake);
    let (graph, huge_key) = with_huge_addon();
    // A ceiling above the object's size, so the plan does not fit it beforehand (as for an
    // object that could not be made to fit): the fake's 6 MB limit refuses it.
    let plan = Plan::with_max_batch_bytes(graph.clone(), scope(), 8_000_000);
    assert!(plan.oversized().is_empty());
    assert!(plan.batches().iter().any(|b| b.bytes > 7_000_000));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let outcome = upload(&client, &plan, &options(), Some(tx)).await.unwrap();
    assert_eq!(outcome.truncated_keys, vec![huge_key.clone()]);
    assert_eq!(outcome.job.num_entities_created, 4);
    let stats = fake.stats();
    assert_eq!(stats.too_large, 1);
    let stored = fake.stored(&format!("heroku-j1:{USER_ID}"));
    assert_eq!(
        stored.entities[&huge_key]["_rawData"],
        json!([{"name": "default", "rawData": "TRUNCATED"}])
    );
    let other = "eeeeeeee-0000-4000-8000-000000000000";
    assert_eq!(
        stored.entities[other]["_rawData"][0]["rawData"]["id"],
        other
    );
    let mut shrunk = false;
    while let Ok(e) = rx.try_recv() {
        shrunk |= matches!(&e, SyncEvent::Shrunk { keys, .. } if keys == &vec![huge_key.clone()]);
    }
    assert!(shrunk);
}

#[tokio::test]
async fn an_object_over_the_batch_limit_is_fitted_before_upload_and_named() {
    let fake = fake();
    let client = client(&fake);
    let (graph, huge_key) = with_huge_addon();
    let plan = Plan::new(graph, scope());
    let keys: Vec<&str> = plan.oversized().iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, vec![huge_key.as_str()]);
    assert_eq!(plan.oversized()[0].raw_data_truncated, 1);
    assert!(plan.oversized()[0].fits);
    assert_eq!(plan.oversized_batches().count(), 0);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let outcome = upload(&client, &plan, &options(), Some(tx)).await.unwrap();
    assert!(outcome.truncated_keys.is_empty(), "no 413 to react to");
    assert_eq!(outcome.job.num_entities_created, 4);
    let stats = fake.stats();
    assert_eq!(stats.too_large, 0);
    assert!(
        stats.max_body_bytes <= 5_000_000,
        "{}",
        stats.max_body_bytes
    );
    let stored = fake.stored(&format!("heroku-j1:{USER_ID}"));
    assert_eq!(
        stored.entities[&huge_key]["_rawData"],
        json!([{"name": "default", "rawData": "TRUNCATED"}])
    );
    while let Ok(e) = rx.try_recv() {
        assert!(!matches!(e, SyncEvent::Shrunk { .. }), "{e:?}");
    }
}

#[tokio::test]
async fn a_rejected_key_says_to_check_the_account_and_region() {
    let fake = fake();
    let key = "j1-secret-key-do-not-print-0123456789";
    let bad = client_with_key(&fake, key);
    let err = bad.validate().await.unwrap_err();
    assert!(matches!(err, JupiterOneError::Unauthorized { .. }));
    assert!(err.is_auth());
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "JupiterOne rejected the API key for account {}",
            fake.account()
        )),
        "{msg}"
    );
    assert!(
        msg.contains("region") && msg.contains("https://api.eu.jupiterone.io"),
        "{msg}"
    );
    assert!(!msg.contains(key));
    assert!(!format!("{err:?}").contains(key));
    client(&fake)
        .validate()
        .await
        .expect("the right key is valid");

    let graph = Arc::new(build(&estate()));
    let plan = Plan::new(graph, scope());
    let err = upload(&bad, &plan, &options(), None).await.unwrap_err();
    assert!(matches!(
        err,
        UploadError::Start(JupiterOneError::Unauthorized { .. })
    ));
    assert!(err.is_auth());
    assert!(fake.jobs().is_empty());
}

#[tokio::test]
async fn retries_through_429s_and_503s() {
    let fake = fake();
    let client = client(&fake);
    fake.set_faults(Faults {
        rate_limit_burst: 3,
        retry_after_secs: 0,
        ..Faults::default()
    });
    let graph = Arc::new(big_graph(200, 500));
    let plan = Plan::with_max_batch_bytes(graph, scope(), 20_000);
    let outcome = upload(&client, &plan, &options(), None).await.unwrap();
    assert_eq!(outcome.job.num_entities_created, 200);
    assert_eq!(fake.stats().faults_injected, 3);

    fake.set_faults(Faults {
        error_rate: 0.3,
        ..Faults::default()
    });
    let outcome = upload(&client, &plan, &options(), None).await.unwrap();
    assert_eq!(outcome.job.num_entities_created, 0);
    assert_eq!(outcome.job.num_entities_updated, 0);
    assert!(outcome.requests > plan.batches().len() as u64 + 3);
}

#[tokio::test]
async fn the_fake_speaks_the_synchronization_api() {
    let fake = fake();
    let http = reqwest::Client::new();
    let base = format!("{}/persister/synchronization/jobs", fake.url());
    let auth = |r: reqwest::RequestBuilder| {
        r.header("Authorization", format!("Bearer {}", fake.token()))
            .header("JupiterOne-Account", fake.account())
    };
    // Unauthorized, with the envelope.
    let r = http
        .get(format!("{base}/00000000-0000-0000-0000-000000000000"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"error": {"code": "UNAUTHORIZED", "message": "Unauthorized"}})
    );
    let r = auth(http.get(format!("{base}/00000000-0000-0000-0000-000000000000")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "JOB_NOT_FOUND"
    );
    // Scope is required for source api.
    let r = auth(http.post(&base))
        .json(&json!({"source": "api"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let job: Value = auth(http.post(&base))
        .json(&json!({"source": "api", "scope": "s-1234567890", "syncMode": "DIFF"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(job["job"]["status"], "AWAITING_UPLOADS");
    let id = job["job"]["id"].as_str().unwrap().to_owned();
    // Malformed uploads.
    let r = auth(http.post(format!("{base}/{id}/entities")))
        .json(&json!({"entities": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "ENTITY_IS_NOT_ARRAY"
    );
    let r = auth(http.post(format!("{base}/{id}/relationships")))
        .json(&json!({"relationships": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "RELATIONSHIP_IS_NOT_ARRAY"
    );
    // Over 6 MB.
    let r = auth(http.post(format!("{base}/{id}/entities")))
        .header("Content-Type", "application/json")
        .body(vec![b' '; 6_291_457])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "RequestEntityTooLargeException"
    );
    // Both kinds at once.
    let r = auth(http.post(format!("{base}/{id}/upload")))
        .json(&json!({"entities": [{"_key": "entity-key-1", "_type": "t_t", "_class": ["Team"], "name": "a"}],
                      "relationships": []}))
        .send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.unwrap()["job"]["numEntitiesUploaded"],
        1
    );
    let r = auth(http.post(format!("{base}/{id}/finalize")))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["job"]["status"],
        "FINALIZE_PENDING"
    );
    let r = auth(http.post(format!("{base}/{id}/entities")))
        .json(&json!({"entities": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "JOB_NOT_AWAITING_UPLOADS"
    );
    let first: Value = auth(http.get(format!("{base}/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["job"]["status"], "FINALIZE_PENDING");
    let done: Value = auth(http.get(format!("{base}/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(done["job"]["status"], "FINISHED");
    assert_eq!(done["job"]["numEntitiesCreated"], 1);
    assert_eq!(fake.stats().too_large, 1);
    assert_eq!(fake.stats().unauthorized, 1);

    // Unknown instances, when the fake knows its instances.
    let strict = FakeJupiterOne::start(FakeJupiterOneConfig {
        instances: Some(vec!["known-instance-0001".into()]),
        ..FakeJupiterOneConfig::default()
    })
    .unwrap();
    let c = client(&strict);
    let err = c
        .start_job(&Target::Instance {
            id: "nope-0000000000".into(),
            source: Default::default(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, JupiterOneError::InvalidInstance { .. }),
        "{err:?}"
    );
    let ok = c
        .start_job(&Target::Instance {
            id: "known-instance-0001".into(),
            source: Default::default(),
        })
        .await
        .unwrap();
    assert_eq!(ok.status, "AWAITING_UPLOADS");
    // A second upload to an aborted job is refused as fatal.
    c.abort(&ok.id, "test").await.unwrap();
    let err = c
        .upload(&ok.id, UploadKind::Entities, r#"{"entities":[]}"#.into())
        .await
        .unwrap_err();
    assert!(
        matches!(err, JupiterOneError::JobNotAwaitingUploads { .. }),
        "{err:?}"
    );
    assert!(err.is_fatal());
    strict.shutdown();
}

#[test]
fn preview_snapshot() {
    let target = scope();
    let before = Arc::new(build(&estate()));
    let mut state =
        preview(&before, &target, None).state_after(&before, "http://j1", "acct", "job-1");
    state.synced_at = "2026-01-01T00:00:00Z".into();
    let after = Arc::new(build(&partial_changed_estate()));
    let p = preview(&after, &target, Some(&state));
    let text = heroku_j1::cli::sync::render_preview(&p);
    let reasons: Vec<String> = p
        .needs_confirmation()
        .iter()
        .map(ToString::to_string)
        .collect();
    insta::assert_snapshot!(format!(
        "{text}\nneeds confirmation:\n{}",
        reasons.join("\n")
    ));
}

/// The changed estate, with the team members unreadable.
fn partial_changed_estate() -> heroku_j1::estate::Estate {
    let mut e = changed_estate();
    e.enterprise_accounts[0].teams[0].members.clear();
    e.failures.push(heroku_j1::estate::ListFailure {
        list: heroku_j1::estate::ListKind::TeamMembers,
        owner: T1.into(),
        target: "team acme-platform".into(),
        reason: "listing team members needs the global scope".into(),
    });
    e
}
