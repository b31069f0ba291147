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

use std::borrow::Cow;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::state::{ObjectState, STATE_VERSION, SyncState};
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

/// `f` of every item, on all cores for large lists.
fn hash_all<T: Sync>(items: &[T], f: fn(&T) -> String) -> Vec<String> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    if threads < 2 || items.len() < 4096 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads.min(16));
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| (c, s.spawn(move || c.iter().map(f).collect::<Vec<_>>())))
            .collect();
        handles
            .into_iter()
            .flat_map(|(c, h)| h.join().unwrap_or_else(|_| c.iter().map(f).collect()))
            .collect()
    })
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
///
/// CPU-bound (it validates and hashes every object on all cores: about 3.5 s for the 315,000
/// objects of the `huge` estate): call it from `spawn_blocking`, not on the UI thread.
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
    let entity_hashes = hash_all(graph.entities(), entity_hash);
    let relationship_hashes = hash_all(graph.relationships(), relationship_hash);
    tally(
        graph
            .entities()
            .iter()
            .zip(entity_hashes)
            .map(|(e, h)| (e.key.clone(), e.entity_type.to_string(), h)),
        &prev.entities,
        false,
        &mut per_type,
        &mut changes,
        &mut next.entities,
    );
    tally(
        graph
            .relationships()
            .iter()
            .zip(relationship_hashes)
            .map(|(r, h)| (r.key().to_owned(), r.relationship_type.to_string(), h)),
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
            hash_all(&many, relationship_hash)
                .iter()
                .all(|h| *h == content_hash(&r))
        );
    }
}
