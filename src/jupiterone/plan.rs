//! The upload plan: the exact request bodies the uploader sends, so a preview shows what is
//! sent. Entities first, then relationships, in graph order, cut into batches of at most
//! [`MAX_BATCH_BYTES`] serialized bytes; then the finalize body naming the partial datasets.
//!
//! An object too large for a request on its own is made to fit first, or left out when it
//! cannot be ([`super::fit`]): the plan holds that fitted graph, so the change set and the
//! recorded state match the upload, and no body is ever over the ceiling.
//!
//! The bodies are rendered on demand from the graph ([`Plan::body`]) rather than kept in
//! memory; rendering is deterministic, so the bytes shown are the bytes sent. The one
//! exception is JupiterOne refusing a body as too large (413): the uploader then replaces the
//! largest `_rawData` entries of that batch with `"TRUNCATED"` (as JupiterOne's SDK does) and
//! reports which keys it truncated.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::client::UploadKind;
use super::fit::{self, Limits, Oversized, json_len};
use super::target::Target;
use crate::graph::{Entity, Graph, Relationship};

/// The largest request body the plan makes (JupiterOne's SDK default; the API refuses 6 MB).
pub const MAX_BATCH_BYTES: usize = 5_000_000;
/// Requests in flight at once (JupiterOne's SDK `UPLOAD_CONCURRENCY`).
pub const UPLOAD_CONCURRENCY: usize = 6;
pub use super::fit::TRUNCATED;

const ENTITIES_PREFIX: &[u8] = b"{\"entities\":[";
const RELATIONSHIPS_PREFIX: &[u8] = b"{\"relationships\":[";
const SUFFIX: &[u8] = b"]}";

/// The largest entity and relationship that fit a request of `max_batch_bytes` alone.
#[must_use]
pub const fn limits(max_batch_bytes: usize) -> Limits {
    Limits {
        entity: max_batch_bytes.saturating_sub(ENTITIES_PREFIX.len() + SUFFIX.len()),
        relationship: max_batch_bytes.saturating_sub(RELATIONSHIPS_PREFIX.len() + SUFFIX.len()),
    }
}

/// The objects of `graph` too large for a request of [`MAX_BATCH_BYTES`] alone, as the plan
/// would upload them (what `collect` reports).
#[must_use]
pub fn oversized(graph: &Graph) -> Vec<Oversized> {
    fit::oversized(graph, limits(MAX_BATCH_BYTES))
}

/// One request body: a run of entities or of relationships (indices into the graph's lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Batch {
    /// [`UploadKind::Entities`] or [`UploadKind::Relationships`].
    pub kind: UploadKind,
    /// The first object's index in `graph.entities()` or `graph.relationships()`.
    pub start: usize,
    /// One past the last object's index.
    pub end: usize,
    /// The exact size of the body in bytes.
    pub bytes: usize,
}

impl Batch {
    /// Objects in the batch.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// An entity with some `_rawData` entries replaced by `"TRUNCATED"`; without any, it
/// serializes exactly as [`Entity`] does.
struct Shrunk<'a> {
    entity: &'a Entity,
    /// Indices into `entity.raw_data` to truncate, sorted.
    truncated: &'a [usize],
}

#[derive(Serialize)]
struct RawOut<'a> {
    name: &'a str,
    #[serde(rename = "rawData")]
    raw: RawOrTruncated<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum RawOrTruncated<'a> {
    Raw(&'a crate::graph::RawJson),
    Truncated(&'static str),
}

impl Serialize for Shrunk<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let e = self.entity;
        if self.truncated.is_empty() {
            return e.serialize(serializer);
        }
        let mut map = serializer.serialize_map(Some(4 + e.properties.len()))?;
        map.serialize_entry("_key", &e.key)?;
        map.serialize_entry("_type", &e.entity_type)?;
        map.serialize_entry("_class", &[&e.class])?;
        for (name, value) in e.properties.iter() {
            map.serialize_entry(name, &value)?;
        }
        if !e.raw_data.is_empty() {
            let raw: Vec<RawOut<'_>> = e
                .raw_data
                .iter()
                .enumerate()
                .map(|(i, r)| RawOut {
                    name: &r.name,
                    raw: if self.truncated.binary_search(&i).is_ok() {
                        RawOrTruncated::Truncated(TRUNCATED)
                    } else {
                        RawOrTruncated::Raw(&r.raw)
                    },
                })
                .collect();
            map.serialize_entry("_rawData", &raw)?;
        }
        map.end()
    }
}

/// `_rawData` entries replaced by `"TRUNCATED"`: (entity index, raw-data index).
pub type Truncations = BTreeSet<(usize, usize)>;

/// The upload plan for one graph and one target.
#[derive(Debug, Clone)]
pub struct Plan {
    graph: Arc<Graph>,
    target: Target,
    batches: Vec<Batch>,
    finalize_body: String,
    partial_types: Vec<String>,
    max_batch_bytes: usize,
    oversized: Vec<Oversized>,
}

fn cut<T>(
    objects: &[T],
    kind: UploadKind,
    prefix: usize,
    max: usize,
    size: impl Fn(&T) -> usize,
    out: &mut Vec<Batch>,
) {
    let empty = prefix + SUFFIX.len();
    let mut start = 0;
    let mut bytes = empty;
    for (i, o) in objects.iter().enumerate() {
        let n = size(o);
        let comma = usize::from(i > start);
        if i > start && bytes + comma + n > max {
            out.push(Batch {
                kind,
                start,
                end: i,
                bytes,
            });
            start = i;
            bytes = empty + n;
        } else {
            bytes += comma + n;
        }
    }
    if start < objects.len() {
        out.push(Batch {
            kind,
            start,
            end: objects.len(),
            bytes,
        });
    }
}

impl Plan {
    /// Plans the upload of `graph` to `target` in batches of at most [`MAX_BATCH_BYTES`].
    #[must_use]
    pub fn new(graph: Arc<Graph>, target: Target) -> Self {
        Self::with_max_batch_bytes(graph, target, MAX_BATCH_BYTES)
    }

    /// Plans with another batch ceiling (tests use small ones). An object larger than the
    /// ceiling on its own is first made to fit, or left out ([`fit::fit`]); the plan then
    /// holds the fitted graph ([`Plan::graph`]) and says which objects were changed or left
    /// out ([`Plan::oversized`]).
    #[must_use]
    pub fn with_max_batch_bytes(graph: Arc<Graph>, target: Target, max_batch_bytes: usize) -> Self {
        let (graph, oversized) = fit::fit(&graph, limits(max_batch_bytes));
        let mut batches = Vec::new();
        cut(
            graph.entities(),
            UploadKind::Entities,
            ENTITIES_PREFIX.len(),
            max_batch_bytes,
            json_len,
            &mut batches,
        );
        cut(
            graph.relationships(),
            UploadKind::Relationships,
            RELATIONSHIPS_PREFIX.len(),
            max_batch_bytes,
            json_len,
            &mut batches,
        );
        let partial_types: Vec<String> = graph.partial_datasets().keys().cloned().collect();
        let finalize_body =
            serde_json::json!({"partialDatasets": {"types": partial_types}}).to_string();
        Self {
            graph,
            target,
            batches,
            finalize_body,
            partial_types,
            max_batch_bytes,
            oversized,
        }
    }

    #[must_use]
    pub fn graph(&self) -> &Arc<Graph> {
        &self.graph
    }

    #[must_use]
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The batches, entities first.
    #[must_use]
    pub fn batches(&self) -> &[Batch] {
        &self.batches
    }

    /// The batch ceiling this plan was cut with.
    #[must_use]
    pub const fn max_batch_bytes(&self) -> usize {
        self.max_batch_bytes
    }

    /// The objects too large for a request on their own, as made to fit.
    #[must_use]
    pub fn oversized(&self) -> &[Oversized] {
        &self.oversized
    }

    /// Batches larger than the ceiling: none, since an object that cannot be made to fit is
    /// left out of the plan ([`fit::fit`]); kept so tests can say so.
    pub fn oversized_batches(&self) -> impl Iterator<Item = &Batch> {
        self.batches
            .iter()
            .filter(move |b| b.bytes > self.max_batch_bytes)
    }

    /// The sum of every upload body, in bytes.
    #[must_use]
    pub fn total_bytes(&self) -> u64 {
        self.batches.iter().map(|b| b.bytes as u64).sum()
    }

    /// The start-job body.
    #[must_use]
    pub fn start_body(&self) -> Vec<u8> {
        self.target.start_body()
    }

    /// The finalize body: `{"partialDatasets":{"types":[…]}}`.
    #[must_use]
    pub fn finalize_body(&self) -> &str {
        &self.finalize_body
    }

    /// The `_type`s named in `partialDatasets.types`.
    #[must_use]
    pub fn partial_types(&self) -> &[String] {
        &self.partial_types
    }

    /// The exact body of batch `index`.
    ///
    /// # Panics
    /// When `index` is out of range.
    #[must_use]
    pub fn body(&self, index: usize) -> Vec<u8> {
        self.body_with(index, &Truncations::new())
    }

    /// The body of batch `index` with some `_rawData` entries truncated.
    ///
    /// # Panics
    /// When `index` is out of range.
    #[must_use]
    pub fn body_with(&self, index: usize, truncations: &Truncations) -> Vec<u8> {
        let b = self.batches[index];
        let mut out = Vec::with_capacity(b.bytes);
        match b.kind {
            UploadKind::Entities | UploadKind::Both => {
                out.extend_from_slice(ENTITIES_PREFIX);
                let mut truncated = Vec::new();
                for (n, i) in (b.start..b.end).enumerate() {
                    if n > 0 {
                        out.push(b',');
                    }
                    truncated.clear();
                    truncated.extend(truncations.range((i, 0)..(i + 1, 0)).map(|&(_, raw)| raw));
                    let shrunk = Shrunk {
                        entity: &self.graph.entities()[i],
                        truncated: &truncated,
                    };
                    let _ = serde_json::to_writer(&mut out, &shrunk);
                }
            }
            UploadKind::Relationships => {
                out.extend_from_slice(RELATIONSHIPS_PREFIX);
                for (n, r) in self.graph.relationships()[b.start..b.end]
                    .iter()
                    .enumerate()
                {
                    if n > 0 {
                        out.push(b',');
                    }
                    let _ = serde_json::to_writer(&mut out, r);
                }
            }
        }
        out.extend_from_slice(SUFFIX);
        out
    }

    /// Chooses more `_rawData` entries of batch `index` to truncate, largest first, until
    /// its body fits the ceiling (at least one more). `false` when nothing is left to
    /// truncate.
    pub fn shrink(&self, index: usize, truncations: &mut Truncations) -> bool {
        let b = self.batches[index];
        if b.kind == UploadKind::Relationships {
            return false;
        }
        let truncated_len = json_len(TRUNCATED);
        let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
        let mut saved = 0usize;
        for i in b.start..b.end {
            for (r, raw) in self.graph.entities()[i].raw_data.iter().enumerate() {
                let len = raw.raw.len();
                if truncations.contains(&(i, r)) {
                    saved += len.saturating_sub(truncated_len);
                } else if len > truncated_len {
                    candidates.push((len, i, r));
                }
            }
        }
        candidates.sort_unstable_by(|a, b| b.cmp(a));
        let mut size = b.bytes.saturating_sub(saved);
        let mut any = false;
        for (len, i, r) in candidates {
            if any && size <= self.max_batch_bytes {
                break;
            }
            truncations.insert((i, r));
            size = size.saturating_sub(len - truncated_len);
            any = true;
        }
        any
    }

    /// The exact JSON sent for the object with `key` (entity or relationship).
    #[must_use]
    pub fn payload_of(&self, key: &str) -> Option<String> {
        if let Some(e) = self.graph.entity(key) {
            return serde_json::to_string(e).ok();
        }
        self.graph
            .relationship(key)
            .and_then(|r: &Relationship| serde_json::to_string(r).ok())
    }

    /// Entities and relationships to upload.
    #[must_use]
    pub fn object_counts(&self) -> (usize, usize) {
        (
            self.graph.entities().len(),
            self.graph.relationships().len(),
        )
    }
}
