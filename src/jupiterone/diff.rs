//! The preview: per `_type`, what a sync will upload and, against the last successful sync
//! to the same target, how many objects are new, changed, unchanged and to be deleted;
//! validation findings (they block); partial datasets with their reasons; and the guard that
//! asks for confirmation before a risky sync.
//!
//! The prediction follows JupiterOne's DIFF semantics: an object is *new* when its key was
//! not synced before, *changed* when its content (every property, `_rawData` included, key
//! order ignored) differs, and *to be deleted* when it was synced before, is missing now, and
//! its `_type` is not a partial dataset.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::state::{ObjectState, STATE_VERSION, SyncState};
use super::target::Target;
use crate::graph::Graph;
use crate::graph::validate::{Finding, validate};

/// The default deletion threshold of the guard: more than 10 % of a type.
pub const DEFAULT_DELETE_THRESHOLD: f64 = 0.10;

/// The SHA-256 (hex) of `value`'s JSON with object keys sorted at every level.
#[must_use]
pub fn content_hash<T: Serialize + ?Sized>(value: &T) -> String {
    fn write(v: &Value, out: &mut Vec<u8>) {
        match v {
            Value::Object(m) => {
                let mut entries: Vec<(&String, &Value)> = m.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                out.push(b'{');
                for (i, (k, v)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    let _ = serde_json::to_writer(&mut *out, k);
                    out.push(b':');
                    write(v, out);
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
    let value = serde_json::to_value(value).unwrap_or(Value::Null);
    let mut buf = Vec::with_capacity(1024);
    write(&value, &mut buf);
    let digest = Sha256::digest(&buf);
    let mut hex = String::with_capacity(64);
    for b in digest {
        use fmt::Write as _;
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// What a sync does to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    New,
    Changed,
    Unchanged,
}

/// The prediction for one `_type`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeChange {
    pub object_type: String,
    pub relationship: bool,
    /// Objects of this type in the upload.
    pub to_upload: usize,
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// Never counted for a partial type.
    pub to_delete: usize,
    /// Objects of this type after the last sync.
    pub previous: usize,
    pub partial: bool,
}

/// Sums over entities or relationships; the names match the job counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub to_upload: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub deleted: usize,
}

/// Predicted totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub entities: Counts,
    pub relationships: Counts,
}

/// An object JupiterOne will delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deletion {
    pub key: String,
    pub object_type: String,
    pub relationship: bool,
}

/// The last sync the preview compares with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LastSync {
    pub job_id: String,
    pub synced_at: String,
}

/// Why a sync needs the user's confirmation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
    /// Nothing was synced to this target from here before: whatever it holds will be
    /// replaced by this upload.
    FirstSync { target: String },
    /// Some datasets are incomplete; nothing of these types will be deleted.
    PartialDatasets { types: Vec<String> },
    /// Every object of a type would be deleted.
    WholeTypeDeleted {
        #[serde(rename = "type")]
        object_type: String,
        count: usize,
    },
    /// More than the threshold of a type would be deleted.
    ManyDeleted {
        #[serde(rename = "type")]
        object_type: String,
        to_delete: usize,
        previous: usize,
        threshold_percent: f64,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FirstSync { target } => write!(
                f,
                "first sync to {target} from here: JupiterOne will replace whatever this target holds with this upload"
            ),
            Self::PartialDatasets { types } => write!(
                f,
                "partial datasets ({}): some lists could not be read; JupiterOne will delete nothing of these types",
                types.join(", ")
            ),
            Self::WholeTypeDeleted { object_type, count } => {
                write!(f, "every {object_type} would be deleted ({count})")
            }
            Self::ManyDeleted {
                object_type,
                to_delete,
                previous,
                threshold_percent,
            } => write!(
                f,
                "{to_delete} of {previous} {object_type} would be deleted (more than {threshold_percent}%)"
            ),
        }
    }
}

impl Reason {
    /// Whether this is the partial-datasets reason (the CLI's `--allow-partial`).
    #[must_use]
    pub const fn is_partial(&self) -> bool {
        matches!(self, Self::PartialDatasets { .. })
    }
}

/// When the guard asks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Guard {
    /// Ask when more than this fraction of a type would be deleted.
    pub delete_threshold: f64,
}

impl Default for Guard {
    fn default() -> Self {
        Self {
            delete_threshold: DEFAULT_DELETE_THRESHOLD,
        }
    }
}

/// The preview of a sync of one graph to one target.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub target: Target,
    pub first_sync: bool,
    pub last_sync: Option<LastSync>,
    /// Entity types, then relationship types, each sorted.
    pub types: Vec<TypeChange>,
    pub totals: Totals,
    /// Validation findings: any blocks the sync.
    pub findings: Vec<Finding>,
    /// Partial `_type`s with their reasons.
    pub partial_datasets: BTreeMap<String, Vec<String>>,
    /// What JupiterOne will delete.
    pub deletions: Vec<Deletion>,
    #[serde(skip)]
    changes: HashMap<String, Change>,
    #[serde(skip)]
    next: SyncState,
}

fn tally(
    objects: impl Iterator<Item = (String, String, String)>,
    previous: &BTreeMap<String, ObjectState>,
    relationship: bool,
    per_type: &mut BTreeMap<(bool, String), TypeChange>,
    changes: &mut HashMap<String, Change>,
    next: &mut BTreeMap<String, ObjectState>,
) {
    for (key, object_type, hash) in objects {
        let t = per_type
            .entry((relationship, object_type.clone()))
            .or_insert_with(|| TypeChange {
                object_type: object_type.clone(),
                relationship,
                ..TypeChange::default()
            });
        t.to_upload += 1;
        let change = match previous.get(&key) {
            None => Change::New,
            Some(p) if p.hash != hash => Change::Changed,
            Some(_) => Change::Unchanged,
        };
        match change {
            Change::New => t.new += 1,
            Change::Changed => t.changed += 1,
            Change::Unchanged => t.unchanged += 1,
        }
        if change != Change::Unchanged {
            changes.insert(key.clone(), change);
        }
        next.insert(key, ObjectState { object_type, hash });
    }
}

fn carry_over(
    previous: &BTreeMap<String, ObjectState>,
    relationship: bool,
    partial: &BTreeSet<&str>,
    per_type: &mut BTreeMap<(bool, String), TypeChange>,
    next: &mut BTreeMap<String, ObjectState>,
    deletions: &mut Vec<Deletion>,
) {
    for (key, p) in previous {
        let t = per_type
            .entry((relationship, p.object_type.clone()))
            .or_insert_with(|| TypeChange {
                object_type: p.object_type.clone(),
                relationship,
                ..TypeChange::default()
            });
        t.previous += 1;
        if next.contains_key(key) {
            continue;
        }
        if partial.contains(p.object_type.as_str()) {
            // JupiterOne keeps it: so does the next state.
            next.insert(key.clone(), p.clone());
        } else {
            t.to_delete += 1;
            deletions.push(Deletion {
                key: key.clone(),
                object_type: p.object_type.clone(),
                relationship,
            });
        }
    }
}

/// Previews a sync of `graph` to `target`, given the last successful sync to it.
#[must_use]
pub fn preview(graph: &Graph, target: &Target, previous: Option<&SyncState>) -> Preview {
    let empty = SyncState::default();
    let prev = previous.unwrap_or(&empty);
    let partial: BTreeSet<&str> = graph
        .partial_datasets()
        .keys()
        .map(String::as_str)
        .collect();
    let mut per_type: BTreeMap<(bool, String), TypeChange> = BTreeMap::new();
    let mut changes = HashMap::new();
    let mut next = SyncState {
        version: STATE_VERSION,
        target: target.id(),
        ..SyncState::default()
    };
    tally(
        graph
            .entities()
            .iter()
            .map(|e| (e.key.clone(), e.entity_type.to_string(), content_hash(e))),
        &prev.entities,
        false,
        &mut per_type,
        &mut changes,
        &mut next.entities,
    );
    tally(
        graph.relationships().iter().map(|r| {
            (
                r.key.clone(),
                r.relationship_type.to_string(),
                content_hash(r),
            )
        }),
        &prev.relationships,
        true,
        &mut per_type,
        &mut changes,
        &mut next.relationships,
    );
    let mut deletions = Vec::new();
    carry_over(
        &prev.entities,
        false,
        &partial,
        &mut per_type,
        &mut next.entities,
        &mut deletions,
    );
    carry_over(
        &prev.relationships,
        true,
        &partial,
        &mut per_type,
        &mut next.relationships,
        &mut deletions,
    );
    for t in graph.partial_datasets().keys() {
        let relationship = graph.relationship_types().any(|r| r == t)
            || crate::graph::types::RELATIONSHIP_KINDS
                .iter()
                .any(|k| k.relationship_type == t);
        per_type
            .entry((relationship, t.clone()))
            .or_insert_with(|| TypeChange {
                object_type: t.clone(),
                relationship,
                ..TypeChange::default()
            });
    }
    let mut types: Vec<TypeChange> = per_type.into_values().collect();
    for t in &mut types {
        t.partial = partial.contains(t.object_type.as_str());
    }
    let mut totals = Totals::default();
    for t in &types {
        let c = if t.relationship {
            &mut totals.relationships
        } else {
            &mut totals.entities
        };
        c.to_upload += t.to_upload;
        c.created += t.new;
        c.updated += t.changed;
        c.unchanged += t.unchanged;
        c.deleted += t.to_delete;
    }
    Preview {
        target: target.clone(),
        first_sync: previous.is_none(),
        last_sync: previous.map(|p| LastSync {
            job_id: p.job_id.clone(),
            synced_at: p.synced_at.clone(),
        }),
        types,
        totals,
        findings: validate(graph),
        partial_datasets: graph.partial_datasets().clone(),
        deletions,
        changes,
        next,
    }
}

impl Preview {
    /// What the sync does to the object with `key`; `None` for a key not in the upload.
    #[must_use]
    pub fn change_of(&self, key: &str) -> Option<Change> {
        if let Some(c) = self.changes.get(key) {
            return Some(*c);
        }
        (self.next.entities.contains_key(key) || self.next.relationships.contains_key(key))
            .then_some(Change::Unchanged)
    }

    /// The prediction for one `_type`.
    #[must_use]
    pub fn type_change(&self, object_type: &str) -> Option<&TypeChange> {
        self.types.iter().find(|t| t.object_type == object_type)
    }

    /// Validation findings: while any exists, the sync must not run.
    #[must_use]
    pub fn blocking(&self) -> &[Finding] {
        &self.findings
    }

    /// Why the sync needs confirmation, with the default guard (empty: go straight through).
    #[must_use]
    pub fn needs_confirmation(&self) -> Vec<Reason> {
        self.needs_confirmation_with(&Guard::default())
    }

    /// Why the sync needs confirmation under `guard`.
    #[must_use]
    pub fn needs_confirmation_with(&self, guard: &Guard) -> Vec<Reason> {
        let mut out = Vec::new();
        if self.first_sync {
            out.push(Reason::FirstSync {
                target: self.target.to_string(),
            });
        }
        if !self.partial_datasets.is_empty() {
            out.push(Reason::PartialDatasets {
                types: self.partial_datasets.keys().cloned().collect(),
            });
        }
        for t in &self.types {
            if t.to_delete == 0 || t.previous == 0 {
                continue;
            }
            if t.to_delete == t.previous && t.to_upload == 0 {
                out.push(Reason::WholeTypeDeleted {
                    object_type: t.object_type.clone(),
                    count: t.to_delete,
                });
            } else if t.to_delete as f64 > guard.delete_threshold * t.previous as f64 {
                out.push(Reason::ManyDeleted {
                    object_type: t.object_type.clone(),
                    to_delete: t.to_delete,
                    previous: t.previous,
                    threshold_percent: (guard.delete_threshold * 100.0 * 100.0).round() / 100.0,
                });
            }
        }
        out
    }

    /// The state to record once the job `job_id` has `FINISHED`.
    #[must_use]
    pub fn state_after(&self, api_url: &str, account: &str, job_id: &str) -> SyncState {
        let mut s = self.next.clone();
        api_url.trim_end_matches('/').clone_into(&mut s.api_url);
        account.clone_into(&mut s.account);
        job_id.clone_into(&mut s.job_id);
        s.synced_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        s
    }
}
