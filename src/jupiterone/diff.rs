//! The preview: per `_type`, what a sync will upload and, against the last successful sync
//! to the same target, how many objects are new, changed, unchanged and to be deleted;
//! validation findings (they block); objects too large for a request (warnings); partial datasets with their reasons; and the guard that
//! asks for confirmation before a risky sync. Every count and every guard reason is derived
//! from the one change set ([`changes::compute`]), so they cannot disagree with it.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::value::RawValue;

use super::changes::{self, ChangeSet, Kind};
pub use super::changes::{Change, LastSync};
use super::fit::Oversized;
pub use super::hash::{content_hash, entity_hash, relationship_hash};
use super::state::{Header, STATE_VERSION, Snapshot, StoredObject, SyncState};
use super::target::Target;
use crate::graph::Graph;
use crate::graph::validate::{Finding, validate};

/// The default deletion threshold of the guard: more than 10 % of a type.
pub const DEFAULT_DELETE_THRESHOLD: f64 = 0.10;

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
    /// Its name when synced (its key when the stored state does not say).
    pub name: String,
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
        /// The objects it would delete, named (a UI lists the first few).
        deleted: Vec<Named>,
    },
    /// More than the threshold of a type would be deleted.
    ManyDeleted {
        #[serde(rename = "type")]
        object_type: String,
        to_delete: usize,
        previous: usize,
        threshold_percent: f64,
        /// The objects it would delete, named (a UI lists the first few).
        deleted: Vec<Named>,
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
            Self::WholeTypeDeleted {
                object_type, count, ..
            } => {
                write!(f, "every {object_type} would be deleted ({count})")
            }
            Self::ManyDeleted {
                object_type,
                to_delete,
                previous,
                threshold_percent,
                ..
            } => write!(
                f,
                "{to_delete} of {previous} {object_type} would be deleted (more than {threshold_percent}%)"
            ),
        }
    }
}

/// An object named by its key and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    #[serde(rename = "_key")]
    pub key: String,
    pub name: String,
}

impl Reason {
    /// The deletions this reason warns about (empty for the others).
    #[must_use]
    pub fn deleted(&self) -> &[Named] {
        match self {
            Self::WholeTypeDeleted { deleted, .. } | Self::ManyDeleted { deleted, .. } => deleted,
            _ => &[],
        }
    }

    /// The first `n` names it warns about, then "and N more".
    #[must_use]
    pub fn deleted_summary(&self, n: usize) -> Option<String> {
        let d = self.deleted();
        if d.is_empty() {
            return None;
        }
        let mut s: Vec<&str> = d.iter().take(n).map(|x| x.name.as_str()).collect();
        let more = d.len().saturating_sub(n);
        let more = (more > 0).then(|| format!("and {more} more"));
        s.extend(more.as_deref());
        Some(s.join(", "))
    }

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
    /// Objects too large for a request, uploaded shrunk or, when they cannot be, left out
    /// with their types partial (warnings: they do not block); set from the plan by
    /// [`super::prepare`].
    pub oversized: Vec<Oversized>,
    /// What JupiterOne will delete.
    pub deletions: Vec<Deletion>,
    /// Why object details (changed properties, names of deleted objects) are missing: the
    /// stored state comes from an older heroku-j1.
    pub details_missing: Option<String>,
    /// What everything above was derived from (and what each object's change is read from).
    #[serde(skip)]
    change_set: Arc<ChangeSet>,
}

/// Previews a sync of `graph` to `target`, given the last successful sync to it: the
/// [change set](changes::compute) and what is derived from it (counts per type, totals,
/// deletions, the guard), plus the validation findings.
///
/// CPU-bound (it validates and compares every object on all cores): call it from
/// `spawn_blocking`, not on the UI thread.
#[must_use]
pub fn preview(graph: &Arc<Graph>, target: &Target, previous: Option<&SyncState>) -> Preview {
    from_change_set(target, changes::compute(graph, target, previous))
}

/// The preview of a change set made by [`changes::compute`] (of the set's graph).
#[must_use]
pub fn from_change_set(target: &Target, set: ChangeSet) -> Preview {
    let graph = Arc::clone(set.graph());
    let types: Vec<TypeChange> = set
        .types
        .iter()
        .map(|t| TypeChange {
            object_type: t.object_type.clone(),
            relationship: t.relationship,
            to_upload: t.to_upload,
            new: t.count(Kind::New),
            changed: t.count(Kind::Changed),
            unchanged: t.unchanged,
            to_delete: t.count(Kind::Deleted),
            previous: t.previous,
            partial: t.partial,
        })
        .collect();
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
    let mut deletions = Vec::new();
    for t in &set.types {
        deletions.extend(t.deleted().iter().map(|o| Deletion {
            key: o.key.clone(),
            object_type: o.object_type.clone(),
            relationship: t.relationship,
            name: o.name.clone(),
        }));
    }
    Preview {
        target: target.clone(),
        first_sync: set.first_sync,
        last_sync: set.last_sync.clone(),
        details_missing: set.details_missing.clone(),
        types,
        totals,
        findings: validate(&graph),
        partial_datasets: graph.partial_datasets().clone(),
        oversized: Vec::new(),
        deletions,
        change_set: Arc::new(set),
    }
}

impl Preview {
    /// What the sync does to the object with `key`; `None` for a key not in the upload.
    #[must_use]
    pub fn change_of(&self, key: &str) -> Option<Change> {
        self.change_set.change_of(key)
    }

    /// The change set the preview was derived from: every new, changed and deleted object.
    #[must_use]
    pub fn change_set(&self) -> &Arc<ChangeSet> {
        &self.change_set
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
            let deleted = || self.deleted_of(&t.object_type);
            if t.to_delete == t.previous && t.to_upload == 0 {
                out.push(Reason::WholeTypeDeleted {
                    object_type: t.object_type.clone(),
                    count: t.to_delete,
                    deleted: deleted(),
                });
            } else if t.to_delete as f64 > guard.delete_threshold * t.previous as f64 {
                out.push(Reason::ManyDeleted {
                    object_type: t.object_type.clone(),
                    to_delete: t.to_delete,
                    previous: t.previous,
                    threshold_percent: (guard.delete_threshold * 100.0 * 100.0).round() / 100.0,
                    deleted: deleted(),
                });
            }
        }
        out
    }

    /// The deletions of one `_type`, named, from the change set.
    fn deleted_of(&self, object_type: &str) -> Vec<Named> {
        self.change_set
            .type_changes(object_type)
            .map(|t| {
                t.deleted()
                    .iter()
                    .map(|o| Named {
                        key: o.key.clone(),
                        name: o.name.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What to record once the job `job_id` uploading `graph` (the graph this preview was
    /// made from) has `FINISHED`: its objects, plus the stored ones JupiterOne keeps.
    #[must_use]
    pub fn snapshot<'a>(
        &'a self,
        graph: &'a Graph,
        api_url: &str,
        account: &str,
        job_id: &str,
    ) -> Snapshot<'a> {
        Snapshot {
            header: Header {
                version: STATE_VERSION,
                api_url: api_url.trim_end_matches('/').to_owned(),
                account: account.to_owned(),
                target: self.target.id(),
                job_id: job_id.to_owned(),
                synced_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            },
            graph,
            carried_entities: self.change_set.carried_entities.iter().collect(),
            carried_relationships: self.change_set.carried_relationships.iter().collect(),
        }
    }

    /// [`Preview::snapshot`] as an owned state (every object serialized: for tests and
    /// small graphs; the sync streams the snapshot to the file instead).
    #[must_use]
    pub fn state_after(
        &self,
        graph: &Graph,
        api_url: &str,
        account: &str,
        job_id: &str,
    ) -> SyncState {
        let snap = self.snapshot(graph, api_url, account, job_id);
        let stored = |key: &str, object_type: &str, json: String| StoredObject {
            key: key.to_owned(),
            object_type: object_type.to_owned(),
            object: RawValue::from_string(json).ok(),
            hash: None,
        };
        let entities = graph
            .entities()
            .iter()
            .map(|e| {
                stored(
                    &e.key,
                    &e.entity_type,
                    serde_json::to_string(e).unwrap_or_default(),
                )
            })
            .chain(snap.carried_entities.iter().map(|o| (*o).clone()))
            .collect();
        let relationships = graph
            .relationships()
            .iter()
            .map(|r| {
                stored(
                    r.key(),
                    &r.relationship_type,
                    serde_json::to_string(r).unwrap_or_default(),
                )
            })
            .chain(snap.carried_relationships.iter().map(|o| (*o).clone()))
            .collect();
        let h = snap.header;
        SyncState {
            version: h.version,
            api_url: h.api_url,
            account: h.account,
            target: h.target,
            job_id: h.job_id,
            synced_at: h.synced_at,
            entities,
            relationships,
        }
    }
}
