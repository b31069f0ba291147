//! The stored graph of each scope or integration instance, and the DIFF semantics a
//! finalized job is applied with.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// What is stored for one scope or integration instance.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct StoredGraph {
    pub entities: BTreeMap<String, Value>,
    pub relationships: BTreeMap<String, Value>,
}

impl StoredGraph {
    /// Stored objects per `_type` (entities and relationships).
    #[must_use]
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for v in self.entities.values().chain(self.relationships.values()) {
            let t = v["_type"].as_str().unwrap_or_default().to_owned();
            *out.entry(t).or_default() += 1;
        }
        out
    }
}

#[derive(Debug, Clone)]
pub(super) struct StoredObject {
    pub(super) object_type: String,
    pub(super) hash: [u8; 32],
    pub(super) json: Box<str>,
    /// Relationship ends (empty for entities).
    pub(super) ends: Option<(String, String)>,
}

#[derive(Debug, Default)]
pub(super) struct Store {
    pub(super) entities: HashMap<String, StoredObject>,
    pub(super) relationships: HashMap<String, StoredObject>,
}

/// A SHA-256 of `value` with object keys sorted at every level.
pub(super) fn canonical_hash(value: &Value) -> [u8; 32] {
    fn write(v: &Value, out: &mut Vec<u8>) {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                out.push(b'{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    let _ = serde_json::to_writer(&mut *out, k);
                    out.push(b':');
                    write(&m[k], out);
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
    let mut buf = Vec::new();
    write(value, &mut buf);
    Sha256::digest(&buf).into()
}

/// Applies one kind of objects of a finished job to the store: (created, updated, deleted).
pub(super) fn apply(
    store: &mut HashMap<String, StoredObject>,
    uploaded: HashMap<String, StoredObject>,
    partial: &BTreeSet<String>,
) -> (u64, u64, u64) {
    let (mut created, mut updated, mut deleted) = (0, 0, 0);
    let before = store.len();
    store.retain(|k, o| uploaded.contains_key(k) || partial.contains(&o.object_type));
    deleted += (before - store.len()) as u64;
    for (k, o) in uploaded {
        match store.get(&k) {
            None => created += 1,
            Some(old) if old.hash != o.hash => updated += 1,
            Some(_) => {}
        }
        store.insert(k, o);
    }
    (created, updated, deleted)
}
