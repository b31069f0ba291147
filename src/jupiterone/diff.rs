//! The preview: per `_type`, what a sync will upload and, against the last successful sync
//! to the same target, how many objects are new, changed, unchanged and to be deleted;
//! validation findings (they block); partial datasets with their reasons; and the guard that
//! asks for confirmation before a risky sync. Every count and every guard reason is derived
//! from the one change set ([`changes::compute`]), so they cannot disagree with it.
//!
//! Also the canonical content hash (keys sorted at every level) that format-1 sync states
//! recorded instead of the objects; it still judges objects against such a state.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::changes::{self, ChangeSet};
use super::state::{Header, STATE_VERSION, Snapshot, StoredObject, SyncState};
use super::target::Target;
use crate::graph::validate::{Finding, validate};
use crate::graph::{Entity, Graph, PropRef, RawData, Relationship};

/// The default deletion threshold of the guard: more than 10 % of a type.
pub const DEFAULT_DELETE_THRESHOLD: f64 = 0.10;

/// Writes `v` as JSON with object keys sorted at every level.
/// A property value, canonically: only objects need their keys sorted.
fn write_prop(v: PropRef<'_>, out: &mut Vec<u8>) {
    match v {
        PropRef::Json(_) => write_value(&v.to_value(), out),
        PropRef::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_prop(item, out);
            }
            out.push(b']');
        }
        _ => {
            let _ = serde_json::to_writer(&mut *out, &v);
        }
    }
}

fn write_value(v: &Value, out: &mut Vec<u8>) {
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
                write_value(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out);
            }
            out.push(b']');
        }
        other => {
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

fn hex_digest(buf: &[u8]) -> String {
    let digest = Sha256::digest(buf);
    let mut hex = String::with_capacity(64);
    for b in digest {
        use fmt::Write as _;
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// The SHA-256 (hex) of `value`'s JSON with object keys sorted at every level.
///
/// [`entity_hash`] and [`relationship_hash`] give the same result for graph objects, faster.
#[must_use]
pub fn content_hash<T: Serialize + ?Sized>(value: &T) -> String {
    let value = serde_json::to_value(value).unwrap_or(Value::Null);
    let mut buf = Vec::with_capacity(1024);
    write_value(&value, &mut buf);
    hex_digest(&buf)
}

/// A JSON value parsed from `_rawData` with borrowed strings, only to be written sorted.
enum Canon<'a> {
    Scalar(Value),
    Str(Cow<'a, str>),
    Arr(Vec<Canon<'a>>),
    Obj(Vec<(Cow<'a, str>, Canon<'a>)>),
}

impl<'de> Deserialize<'de> for Canon<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Canon<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Canon<'de>, E> {
                Ok(Canon::Scalar(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Canon<'de>, E> {
                Ok(Canon::Scalar(Value::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Canon<'de>, E> {
                Ok(Canon::Scalar(Value::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Canon<'de>, E> {
                Ok(Canon::Scalar(
                    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
                ))
            }
            fn visit_unit<E>(self) -> Result<Canon<'de>, E> {
                Ok(Canon::Scalar(Value::Null))
            }
            fn visit_none<E>(self) -> Result<Canon<'de>, E> {
                Ok(Canon::Scalar(Value::Null))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Canon<'de>, E> {
                Ok(Canon::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Canon<'de>, E> {
                Ok(Canon::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Canon<'de>, E> {
                Ok(Canon::Str(Cow::Owned(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Canon<'de>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Canon::Arr(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Canon<'de>, A::Error> {
                let mut entries: Vec<(Cow<'de, str>, Canon<'de>)> = Vec::new();
                while let Some(k) = map.next_key::<Cow<'de, str>>()? {
                    let v = map.next_value()?;
                    // A repeated key: the last one wins, as in a parsed `Value`.
                    if let Some(slot) = entries.iter_mut().find(|(e, _)| *e == k) {
                        slot.1 = v;
                    } else {
                        entries.push((k, v));
                    }
                }
                Ok(Canon::Obj(entries))
            }
        }
        d.deserialize_any(V)
    }
}

fn write_canon(c: &mut Canon<'_>, out: &mut Vec<u8>) {
    match c {
        Canon::Scalar(v) => {
            let _ = serde_json::to_writer(&mut *out, v);
        }
        Canon::Str(s) => {
            let _ = serde_json::to_writer(&mut *out, s.as_ref());
        }
        Canon::Arr(items) => {
            out.push(b'[');
            for (i, item) in items.iter_mut().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canon(item, out);
            }
            out.push(b']');
        }
        Canon::Obj(entries) => {
            entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            out.push(b'{');
            for (i, (k, v)) in entries.iter_mut().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let _ = serde_json::to_writer(&mut *out, k.as_ref());
                out.push(b':');
                write_canon(v, out);
            }
            out.push(b'}');
        }
    }
}

/// One top-level member of a graph object.
enum Member<'a> {
    Str(&'a str),
    Class(&'a str),
    Value(PropRef<'a>),
    Raw(&'a [RawData]),
}

fn write_members(members: &mut [(&str, Member<'_>)], out: &mut Vec<u8>) {
    members.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.push(b'{');
    for (i, (name, m)) in members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let _ = serde_json::to_writer(&mut *out, name);
        out.push(b':');
        match m {
            Member::Str(s) => {
                let _ = serde_json::to_writer(&mut *out, s);
            }
            Member::Class(c) => {
                out.push(b'[');
                let _ = serde_json::to_writer(&mut *out, c);
                out.push(b']');
            }
            Member::Value(v) => write_prop(*v, out),
            Member::Raw(raw) => {
                out.push(b'[');
                for (j, r) in raw.iter().enumerate() {
                    if j > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(b"{\"name\":");
                    let _ = serde_json::to_writer(&mut *out, &r.name);
                    out.extend_from_slice(b",\"rawData\":");
                    match serde_json::from_str::<Canon<'_>>(r.raw.get()) {
                        Ok(mut c) => write_canon(&mut c, out),
                        Err(_) => out.extend_from_slice(r.raw.get().as_bytes()),
                    }
                    out.push(b'}');
                }
                out.push(b']');
            }
        }
    }
    out.push(b'}');
}

/// [`content_hash`] of an entity, without building a `Value` of it.
#[must_use]
pub fn entity_hash(e: &Entity) -> String {
    let mut members: Vec<(&str, Member<'_>)> = Vec::with_capacity(4 + e.properties.len());
    members.push(("_key", Member::Str(&e.key)));
    members.push(("_type", Member::Str(&e.entity_type)));
    members.push(("_class", Member::Class(&e.class)));
    for (name, value) in e.properties.iter() {
        members.push((name, Member::Value(value)));
    }
    if !e.raw_data.is_empty() {
        members.push(("_rawData", Member::Raw(&e.raw_data)));
    }
    let mut buf = Vec::with_capacity(2048);
    write_members(&mut members, &mut buf);
    hex_digest(&buf)
}

/// [`content_hash`] of a relationship, without building a `Value` of it.
#[must_use]
pub fn relationship_hash(r: &Relationship) -> String {
    let mut members: Vec<(&str, Member<'_>)> = Vec::with_capacity(5 + r.properties.len());
    members.push(("_key", Member::Str(r.key())));
    members.push(("_type", Member::Str(&r.relationship_type)));
    members.push(("_class", Member::Str(&r.class)));
    members.push(("_fromEntityKey", Member::Str(r.from_key())));
    members.push(("_toEntityKey", Member::Str(r.to_key())));
    for (name, value) in r.properties.iter() {
        members.push((name, Member::Value(value)));
    }
    let mut buf = Vec::with_capacity(256);
    write_members(&mut members, &mut buf);
    hex_digest(&buf)
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
    /// Its name when synced (its key when the stored state does not say).
    pub name: String,
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
    /// What JupiterOne will delete.
    pub deletions: Vec<Deletion>,
    /// Why object details (changed properties, names of deleted objects) are missing: the
    /// stored state comes from an older heroku-j1.
    pub details_missing: Option<String>,
    #[serde(skip)]
    changes: HashMap<Box<str>, Change>,
    /// What everything above was derived from.
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
pub fn preview(graph: &Graph, target: &Target, previous: Option<&SyncState>) -> Preview {
    from_change_set(graph, target, changes::compute(graph, target, previous))
}

/// The preview of a change set made by [`changes::compute`] for `graph`.
#[must_use]
pub fn from_change_set(graph: &Graph, target: &Target, set: ChangeSet) -> Preview {
    let types: Vec<TypeChange> = set
        .types
        .iter()
        .map(|t| TypeChange {
            object_type: t.object_type.clone(),
            relationship: t.relationship,
            to_upload: t.to_upload,
            new: t.new.len(),
            changed: t.changed.len(),
            unchanged: t.unchanged,
            to_delete: t.deleted.len(),
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
    let mut changes: HashMap<Box<str>, Change> = graph
        .entities()
        .iter()
        .map(|e| e.key.as_str())
        .chain(graph.relationships().iter().map(Relationship::key))
        .map(|k| (Box::from(k), Change::Unchanged))
        .collect();
    let mut deletions = Vec::new();
    for t in &set.types {
        for o in &t.new {
            changes.insert(o.key.as_str().into(), Change::New);
        }
        for o in &t.changed {
            changes.insert(o.key.as_str().into(), Change::Changed);
        }
        deletions.extend(t.deleted.iter().map(|o| Deletion {
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
        findings: validate(graph),
        partial_datasets: graph.partial_datasets().clone(),
        deletions,
        changes,
        change_set: Arc::new(set),
    }
}

impl Preview {
    /// What the sync does to the object with `key`; `None` for a key not in the upload.
    #[must_use]
    pub fn change_of(&self, key: &str) -> Option<Change> {
        self.changes.get(key).copied()
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
                t.deleted
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

#[cfg(test)]
mod tests {
    use serde_json::json;
    use serde_json::value::RawValue;

    use super::*;
    use crate::graph::Properties;

    #[test]
    fn the_fast_hashes_equal_the_canonical_hash() {
        let mut p = Properties::new();
        p.set("name", "a \"quoted\" name é");
        p.set("membershipLimit", json!(25.0));
        p.set("nested", json!({"b": 1, "a": [3, {"z": null, "y": -1}]}));
        p.set("firstName", Value::Null);
        let raw = r#"{"z": 1, "a": {"y": [1.5, 2e3, -0, "x\u00e9\n"], "b": true}, "m": null, "big": 18446744073709551615, "z": 2}"#;
        let e = Entity {
            key: "key-0000000001".into(),
            entity_type: "heroku_team".into(),
            class: "Team".into(),
            properties: p.clone(),
            raw_data: vec![
                RawData {
                    name: "default".into(),
                    raw: RawValue::from_string(raw.into()).unwrap().into(),
                },
                RawData {
                    name: "second".into(),
                    raw: RawValue::from_string("[]".into()).unwrap().into(),
                },
            ],
        };
        assert_eq!(entity_hash(&e), content_hash(&e));
        let mut reordered = e.clone();
        reordered.raw_data[0].raw = RawValue::from_string(
            r#"{"a": {"b": true, "y": [1.5, 2e3, -0, "x\u00e9\n"]}, "big": 18446744073709551615, "m": null, "z": 2}"#.into(),
        )
        .unwrap()
        .into();
        assert_eq!(
            entity_hash(&reordered),
            entity_hash(&e),
            "key order does not matter"
        );
        let mut r = Relationship::direct(
            "heroku_team_has_account_member",
            "HAS",
            "from-key-0001",
            "to-key-000001",
        );
        r.properties.set("role", "admin");
        assert_eq!(relationship_hash(&r), content_hash(&r));
        let many: Vec<Relationship> = (0..5000).map(|_| r.clone()).collect();
        assert!(
            crate::jupiterone::changes::par_map(&many, relationship_hash)
                .iter()
                .all(|h| *h == content_hash(&r))
        );
    }
}
