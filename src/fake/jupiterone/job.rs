//! A synchronization job as the fake keeps it: its public view ([`FakeJob`]), its counters,
//! its events, the objects uploaded to it, and its JSON as the API answers it.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::store::StoredObject;

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

/// An event posted to a job (`POST …/jobs/{id}/events`), as the API answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FakeEvent {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Milliseconds since the epoch.
    pub create_date: i64,
}

/// A job as the fake keeps it (also `GET /__fake/jobs`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
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
    /// The events posted to the job, oldest first.
    pub events: Vec<FakeEvent>,
}

#[derive(Debug)]
pub(super) struct Job {
    pub(super) public: FakeJob,
    pub(super) target: String,
    pub(super) start_timestamp: i64,
    pub(super) pending_polls: u32,
    pub(super) entities: HashMap<String, StoredObject>,
    pub(super) relationships: HashMap<String, StoredObject>,
}

impl Job {
    pub(super) fn to_json(&self, account: &str) -> Value {
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
