//! The change set: what a sync of the current graph does to what JupiterOne holds for the
//! target since the last successful sync ([`super::state`]). Every new, changed and deleted
//! entity and relationship, by `_type` and by kind, each addressable by index (a list view
//! pages through [`ChangeSet::object`] without laying anything else out); for a changed one,
//! the properties that change (old → new, `_rawData` compared as JSON with a JSON diff);
//! for a deleted one, what JupiterOne holds of it (the stored object's members); unchanged
//! ones only counted.
//!
//! New and changed objects are held as positions in the graph the set was computed from
//! (which the set keeps), and described ([`ObjectChange`]) only when asked for: a first sync
//! of the `huge` estate makes 326,000 new objects, and a copy of each one's key and names
//! would outweigh everything else the preview holds. Only what the graph cannot give is
//! kept: the property changes of a changed object, what is known of a deleted one, and the
//! stored names of relationship ends that are not entities of the graph.
//!
//! [`compute`] is the one place this is decided: the preview's counts, the guard, the
//! explorer and `heroku-j1 diff` all read its result.
//!
//! The semantics are JupiterOne's DIFF: *new* when the key was not synced, *changed* when the
//! content differs (every property, `_rawData` included, key order ignored), *deleted* when
//! it was synced, is missing now and its `_type` is not a partial dataset (JupiterOne keeps
//! those, and so does the next state: [`ChangeSet::carried`]).

use hashbrown::HashMap;
use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::hash::{entity_hash, relationship_hash};
use super::state::{StoredObject, SyncState};
use super::target::Target;
use crate::graph::{Entity, Graph, Relationship};

/// What a sync does to one object that it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    New,
    Changed,
    Deleted,
}

impl Kind {
    pub const ALL: [Self; 3] = [Self::New, Self::Changed, Self::Deleted];

    /// `+`, `~`, `-`: readable without colour.
    #[must_use]
    pub const fn sign(self) -> char {
        match self {
            Self::New => '+',
            Self::Changed => '~',
            Self::Deleted => '-',
        }
    }

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Changed => "changed",
            Self::Deleted => "deleted",
        }
    }
}

/// What a sync does to one object it uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    New,
    Changed,
    Unchanged,
}

/// One end of a relationship, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct End {
    #[serde(rename = "_key")]
    pub key: String,
    /// From the current graph, else from the stored objects; `None` when neither knows it.
    pub name: Option<String>,
}

/// One change inside a JSON value (`_rawData`), at a JSON Pointer (RFC 6901) whose first
/// segment is the `_rawData` entry's name. `old` absent: added; `new` absent: removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonChange {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// One property that changes. `old` absent: the property is added; `new` absent: removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertyChange {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// For `_rawData`: the JSON diff of old and new.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diff: Vec<JsonChange>,
}

impl PropertyChange {
    /// `+` added, `-` removed, `~` changed.
    #[must_use]
    pub const fn sign(&self) -> char {
        match (&self.old, &self.new) {
            (None, _) => '+',
            (_, None) => '-',
            _ => '~',
        }
    }
}

/// A new, changed or deleted object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectChange {
    pub change: Kind,
    #[serde(rename = "_key")]
    pub key: String,
    #[serde(rename = "_type")]
    pub object_type: String,
    /// The entity's `displayName` (else `name`, else its key); for a deleted one, the name it
    /// had when synced. A relationship: `<from name> <VERB> <to name>`.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<End>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<End>,
    /// For a changed object: what changes. For a deleted one: what JupiterOne holds of it
    /// (every member of the stored object, as removed: `new` absent). Empty when the
    /// stored state has no details.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<PropertyChange>,
}

/// The changes of one `_type`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeChanges {
    #[serde(rename = "_type")]
    pub object_type: String,
    pub relationship: bool,
    pub partial: bool,
    /// Objects of this type in the upload.
    pub to_upload: usize,
    /// Objects of this type after the last sync.
    pub previous: usize,
    pub unchanged: usize,
    /// The new objects: positions in the graph's entities (or relationships), ascending.
    #[serde(skip)]
    new: Vec<u32>,
    /// The changed objects: positions, ascending, and what changes.
    #[serde(skip)]
    changed: Vec<(u32, Vec<PropertyChange>)>,
    /// Never any for a partial type.
    #[serde(skip)]
    deleted: Vec<ObjectChange>,
}

impl TypeChanges {
    /// How many objects of one kind.
    #[must_use]
    pub fn count(&self, kind: Kind) -> usize {
        match kind {
            Kind::New => self.new.len(),
            Kind::Changed => self.changed.len(),
            Kind::Deleted => self.deleted.len(),
        }
    }

    /// New + changed + deleted.
    #[must_use]
    pub fn changes(&self) -> usize {
        self.new.len() + self.changed.len() + self.deleted.len()
    }

    /// The objects JupiterOne deletes, in stored order.
    #[must_use]
    pub fn deleted(&self) -> &[ObjectChange] {
        &self.deleted
    }

    /// The graph position of the `i`th new or changed object, and its property changes.
    fn at(&self, kind: Kind, i: usize) -> Option<(usize, &[PropertyChange])> {
        match kind {
            Kind::New => self.new.get(i).map(|&p| (p as usize, &[][..])),
            Kind::Changed => self
                .changed
                .get(i)
                .map(|(p, properties)| (*p as usize, properties.as_slice())),
            Kind::Deleted => None,
        }
    }

    /// What the sync does to the object at graph position `position` of this type.
    fn change_at(&self, position: usize) -> Change {
        let Ok(p) = u32::try_from(position) else {
            return Change::Unchanged;
        };
        if self.new.binary_search(&p).is_ok() {
            Change::New
        } else if self.changed.binary_search_by_key(&p, |c| c.0).is_ok() {
            Change::Changed
        } else {
            Change::Unchanged
        }
    }
}

/// The change set of one sync.
#[derive(Clone, Default)]
pub struct ChangeSet {
    pub target: String,
    pub first_sync: bool,
    pub last_sync: Option<LastSync>,
    /// Why changed objects have no property list and deleted ones no name (a state
    /// written by an older heroku-j1); `None` when every detail is known.
    pub details_missing: Option<String>,
    /// Entity types, then relationship types, each sorted.
    pub types: Vec<TypeChanges>,
    pub partial_types: Vec<String>,
    /// Stored entities JupiterOne keeps although they are not uploaded (partial types).
    pub carried_entities: Vec<StoredObject>,
    /// Stored relationships likewise.
    pub carried_relationships: Vec<StoredObject>,
    /// The graph the set was computed from: new and changed objects are positions in it.
    graph: Arc<Graph>,
    /// Names of relationship ends that are not entities of the graph, from the stored
    /// objects (by key; only those a new or changed relationship names).
    outside_names: HashMap<String, String>,
}

impl std::fmt::Debug for ChangeSet {
    /// Everything but the graph, which is only counted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeSet")
            .field("target", &self.target)
            .field("first_sync", &self.first_sync)
            .field("last_sync", &self.last_sync)
            .field("details_missing", &self.details_missing)
            .field("types", &self.types)
            .field("partial_types", &self.partial_types)
            .field("carried_entities", &self.carried_entities)
            .field("carried_relationships", &self.carried_relationships)
            .field(
                "graph",
                &format_args!(
                    "{} entities, {} relationships",
                    self.graph.entities().len(),
                    self.graph.relationships().len()
                ),
            )
            .field("outside_names", &self.outside_names)
            .finish()
    }
}

/// Counts over entities or relationships.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KindCounts {
    pub new: usize,
    pub changed: usize,
    pub deleted: usize,
    pub unchanged: usize,
}

impl ChangeSet {
    /// The changes of one `_type`.
    #[must_use]
    pub fn type_changes(&self, object_type: &str) -> Option<&TypeChanges> {
        self.types.iter().find(|t| t.object_type == object_type)
    }

    /// Whether the sync would change nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.types.iter().all(|t| t.changes() == 0)
    }

    /// The graph the set was computed from.
    #[must_use]
    pub fn graph(&self) -> &Arc<Graph> {
        &self.graph
    }

    /// The `i`th object of one kind of `t` (one of [`ChangeSet::types`]), described.
    #[must_use]
    pub fn object(&self, t: &TypeChanges, kind: Kind, i: usize) -> Option<ObjectChange> {
        if kind == Kind::Deleted {
            return t.deleted.get(i).cloned();
        }
        let (p, properties) = t.at(kind, i)?;
        let mut o = if t.relationship {
            let r = self.graph.relationships().get(p)?;
            let from = self.end(r.from_key());
            let to = self.end(r.to_key());
            ObjectChange {
                change: kind,
                key: r.key().to_owned(),
                object_type: r.relationship_type.to_string(),
                name: relationship_name(&from, &r.class, &to),
                from: Some(from),
                to: Some(to),
                properties: Vec::new(),
            }
        } else {
            let e = self.graph.entities().get(p)?;
            ObjectChange {
                change: kind,
                key: e.key.clone(),
                object_type: e.entity_type.to_string(),
                name: e.display_name().to_owned(),
                from: None,
                to: None,
                properties: Vec::new(),
            }
        };
        o.properties = properties.to_vec();
        Some(o)
    }

    /// The key of the `i`th object of one kind of `t`, without describing it.
    #[must_use]
    pub fn key_of<'a>(&'a self, t: &'a TypeChanges, kind: Kind, i: usize) -> Option<&'a str> {
        if kind == Kind::Deleted {
            return t.deleted.get(i).map(|o| o.key.as_str());
        }
        let (p, _) = t.at(kind, i)?;
        if t.relationship {
            self.graph.relationships().get(p).map(Relationship::key)
        } else {
            self.graph.entities().get(p).map(|e| e.key.as_str())
        }
    }

    /// The name of the `i`th object of one kind of `t` ([`ObjectChange::name`]), without
    /// describing the rest of it.
    #[must_use]
    pub fn name_of<'a>(&'a self, t: &'a TypeChanges, kind: Kind, i: usize) -> Option<Cow<'a, str>> {
        if kind == Kind::Deleted {
            return t.deleted.get(i).map(|o| Cow::Borrowed(o.name.as_str()));
        }
        let (p, _) = t.at(kind, i)?;
        if t.relationship {
            // As `relationship_name`, without copying the ends (a search names every row).
            let r = self.graph.relationships().get(p)?;
            let (from, to) = (r.from_key(), r.to_key());
            Some(Cow::Owned(format!(
                "{} {} {}",
                self.end_name(from).unwrap_or(from),
                r.class,
                self.end_name(to).unwrap_or(to)
            )))
        } else {
            self.graph
                .entities()
                .get(p)
                .map(|e| Cow::Borrowed(e.display_name()))
        }
    }

    /// The objects of one kind of `t`, described: new and changed ones in graph order,
    /// deleted ones in stored order.
    pub fn list<'a>(
        &'a self,
        t: &'a TypeChanges,
        kind: Kind,
    ) -> impl Iterator<Item = ObjectChange> + 'a {
        (0..t.count(kind)).filter_map(move |i| self.object(t, kind, i))
    }

    /// Every changed object, described: type by type, new then changed then deleted.
    pub fn objects(&self) -> impl Iterator<Item = ObjectChange> + '_ {
        self.types
            .iter()
            .flat_map(move |t| Kind::ALL.into_iter().flat_map(move |k| self.list(t, k)))
    }

    /// What the sync does to the object with `key` (an entity's first, as the graph finds
    /// it); `None` for a key not in the upload.
    #[must_use]
    pub fn change_of(&self, key: &str) -> Option<Change> {
        if let Some(p) = self.graph.entity_position(key) {
            return Some(self.entity_change(p));
        }
        let p = self.graph.relationship_position(key)?;
        let r = &self.graph.relationships()[p];
        Some(self.change_at(true, &r.relationship_type, p))
    }

    /// What the sync does to the entity at `position` in the graph.
    ///
    /// # Panics
    /// When `position` is out of the graph's entities.
    #[must_use]
    pub fn entity_change(&self, position: usize) -> Change {
        let e = &self.graph.entities()[position];
        self.change_at(false, &e.entity_type, position)
    }

    fn change_at(&self, relationship: bool, object_type: &str, position: usize) -> Change {
        self.types
            .iter()
            .find(|t| t.relationship == relationship && t.object_type == object_type)
            .map_or(Change::Unchanged, |t| t.change_at(position))
    }

    /// The name of a relationship end: from the graph, else from the stored objects.
    fn end_name(&self, key: &str) -> Option<&str> {
        self.graph
            .entity(key)
            .map(Entity::display_name)
            .or_else(|| self.outside_names.get(key).map(String::as_str))
    }

    /// One end of a relationship, named.
    fn end(&self, key: &str) -> End {
        End {
            key: key.to_owned(),
            name: self.end_name(key).map(str::to_owned),
        }
    }

    /// Totals over entities (`false`) or relationships (`true`).
    #[must_use]
    pub fn counts(&self, relationship: bool) -> KindCounts {
        let mut c = KindCounts::default();
        for t in self.types.iter().filter(|t| t.relationship == relationship) {
            c.new += t.new.len();
            c.changed += t.changed.len();
            c.deleted += t.deleted.len();
            c.unchanged += t.unchanged;
        }
        c
    }

    /// Only the given `_type`s (all when `types` is empty).
    #[must_use]
    pub fn only_types(mut self, types: &[String]) -> Self {
        if !types.is_empty() {
            self.types.retain(|t| types.contains(&t.object_type));
        }
        self
    }
}

/// `f` of every item, in order, on all cores for large lists.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    if threads < 2 || items.len() < 4096 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads.min(16));
    let f = &f;
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

/// The last sync the preview compares with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LastSync {
    pub job_id: String,
    pub synced_at: String,
}

/// A writer that checks its input equals `expected`, failing at the first difference (so a
/// changed object stops serializing there, and an unchanged one costs no allocation).
struct SameAs<'a> {
    expected: &'a [u8],
    pos: usize,
}

impl Write for SameAs<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let end = self.pos + buf.len();
        if self.expected.get(self.pos..end) == Some(buf) {
            self.pos = end;
            Ok(buf.len())
        } else {
            Err(io::Error::other("differs"))
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn same_bytes<T: Serialize>(current: &T, stored: &str) -> bool {
    let mut w = SameAs {
        expected: stored.as_bytes(),
        pos: 0,
    };
    serde_json::to_writer(&mut w, current).is_ok() && w.pos == stored.len()
}

enum Verdict {
    New,
    Unchanged,
    Changed(Vec<PropertyChange>),
}

fn judge<T: Serialize>(
    current: &T,
    stored: Option<&&StoredObject>,
    hash: impl Fn(&T) -> String,
) -> Verdict {
    let Some(stored) = stored else {
        return Verdict::New;
    };
    match (&stored.object, &stored.hash) {
        (Some(raw), _) => {
            if same_bytes(current, raw.get()) {
                return Verdict::Unchanged;
            }
            let old: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
            let new = serde_json::to_value(current).unwrap_or(Value::Null);
            // Map equality ignores key order, as JupiterOne does.
            if old == new {
                Verdict::Unchanged
            } else {
                Verdict::Changed(property_changes(&old, &new))
            }
        }
        (None, Some(h)) if *h == hash(current) => Verdict::Unchanged,
        (None, _) => Verdict::Changed(Vec::new()),
    }
}

/// The top-level members that differ between two objects, `_rawData` with a JSON diff.
#[must_use]
pub fn property_changes(old: &Value, new: &Value) -> Vec<PropertyChange> {
    let empty = serde_json::Map::new();
    let old = old.as_object().unwrap_or(&empty);
    let new = new.as_object().unwrap_or(&empty);
    let names = new
        .keys()
        .chain(old.keys().filter(|k| !new.contains_key(*k)));
    let mut out = Vec::new();
    for name in names {
        let (a, b) = (old.get(name), new.get(name));
        if a == b {
            continue;
        }
        let diff = if name == "_rawData" {
            raw_data_diff(a, b)
        } else {
            Vec::new()
        };
        out.push(PropertyChange {
            name: name.clone(),
            old: a.cloned(),
            new: b.cloned(),
            diff,
        });
    }
    out
}

/// `_rawData` entries by name.
fn raw_entries(v: Option<&Value>) -> Vec<(String, &Value)> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, e)| {
            let name = e
                .get("name")
                .and_then(Value::as_str)
                .map_or_else(|| i.to_string(), str::to_owned);
            (name, e.get("rawData").unwrap_or(&Value::Null))
        })
        .collect()
}

fn raw_data_diff(old: Option<&Value>, new: Option<&Value>) -> Vec<JsonChange> {
    let old = raw_entries(old);
    let new = raw_entries(new);
    let mut out = Vec::new();
    for (name, b) in &new {
        let a = old.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
        json_diff(&format!("/{}", pointer_escape(name)), a, Some(b), &mut out);
    }
    for (name, a) in &old {
        if !new.iter().any(|(n, _)| n == name) {
            json_diff(
                &format!("/{}", pointer_escape(name)),
                Some(a),
                None,
                &mut out,
            );
        }
    }
    out
}

fn pointer_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// The differences between two JSON values, as leaf changes at JSON Pointers. Written here
/// because the patch crates produce RFC 6902 operations without the old values a reader
/// needs.
pub fn json_diff(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<JsonChange>) {
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            for (k, vb) in b {
                json_diff(
                    &format!("{path}/{}", pointer_escape(k)),
                    a.get(k),
                    Some(vb),
                    out,
                );
            }
            for (k, va) in a.iter().filter(|(k, _)| !b.contains_key(*k)) {
                json_diff(
                    &format!("{path}/{}", pointer_escape(k)),
                    Some(va),
                    None,
                    out,
                );
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for i in 0..a.len().max(b.len()) {
                json_diff(&format!("{path}/{i}"), a.get(i), b.get(i), out);
            }
        }
        (a, b) if a != b => out.push(JsonChange {
            path: path.to_owned(),
            old: a.cloned(),
            new: b.cloned(),
        }),
        _ => {}
    }
}

/// What JupiterOne holds of a stored object that is deleted: each member, as removed
/// (empty when the state kept only a hash).
fn stored_properties(o: &StoredObject) -> Vec<PropertyChange> {
    let Some(Value::Object(members)) = o
        .object
        .as_ref()
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
    else {
        return Vec::new();
    };
    members
        .into_iter()
        .map(|(name, old)| PropertyChange {
            name,
            old: Some(old),
            new: None,
            diff: Vec::new(),
        })
        .collect()
}

/// The few members of a stored object needed to name it.
#[derive(Deserialize, Default)]
struct StoredNames {
    #[serde(rename = "displayName")]
    display_name: Option<Value>,
    name: Option<Value>,
    #[serde(rename = "_class")]
    class: Option<Value>,
    #[serde(rename = "_fromEntityKey")]
    from: Option<String>,
    #[serde(rename = "_toEntityKey")]
    to: Option<String>,
}

impl StoredNames {
    fn of(o: &StoredObject) -> Self {
        o.object
            .as_ref()
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or_default()
    }

    fn entity_name(&self) -> Option<String> {
        [&self.display_name, &self.name]
            .into_iter()
            .flatten()
            .find_map(|v| v.as_str().map(str::to_owned))
    }
}

/// Looks up names of entities: the current graph first, then the stored objects.
struct Names<'a> {
    graph: &'a Graph,
    stored: &'a HashMap<&'a str, &'a StoredObject>,
}

impl Names<'_> {
    fn entity(&self, key: &str) -> Option<String> {
        if let Some(e) = self.graph.entity(key) {
            return Some(e.display_name().to_owned());
        }
        self.stored
            .get(key)
            .and_then(|o| StoredNames::of(o).entity_name())
    }

    fn end(&self, key: &str) -> End {
        End {
            key: key.to_owned(),
            name: self.entity(key),
        }
    }
}

/// `<from name> <VERB> <to name>` (a key where the name is unknown).
fn relationship_name(from: &End, class: &str, to: &End) -> String {
    format!(
        "{} {class} {}",
        from.name.as_deref().unwrap_or(&from.key),
        to.name.as_deref().unwrap_or(&to.key)
    )
}

/// The stored objects by key (hashbrown's default hasher: a third of a million keys are
/// hashed twice per change set, SipHash's cost showed).
fn index(objects: &[StoredObject]) -> HashMap<&str, &StoredObject> {
    objects.iter().map(|o| (o.key.as_str(), o)).collect()
}

/// The changes per `_type`, found by a scan (a graph has a dozen types; a map keyed by an
/// owned string would allocate one per object looked up).
type PerType = Vec<TypeChanges>;

fn slot<'a>(
    per_type: &'a mut PerType,
    relationship: bool,
    object_type: &str,
) -> &'a mut TypeChanges {
    let at = match per_type
        .iter()
        .position(|t| t.relationship == relationship && t.object_type == object_type)
    {
        Some(at) => at,
        None => {
            per_type.push(TypeChanges {
                object_type: object_type.to_owned(),
                relationship,
                ..TypeChanges::default()
            });
            per_type.len() - 1
        }
    };
    &mut per_type[at]
}

/// Counts the object at graph position `position` into `t`; whether it is new or changed.
fn record(t: &mut TypeChanges, verdict: Verdict, position: usize) -> bool {
    t.to_upload += 1;
    let p = u32::try_from(position).unwrap_or(u32::MAX);
    match verdict {
        Verdict::Unchanged => {
            t.unchanged += 1;
            return false;
        }
        Verdict::New => t.new.push(p),
        Verdict::Changed(properties) => t.changed.push((p, properties)),
    }
    true
}

/// Computes the change set of syncing `graph` to `target`, given the last successful sync
/// to it. CPU-bound (every object is compared, on all cores): call it off the UI thread.
#[must_use]
pub fn compute(graph: &Arc<Graph>, target: &Target, previous: Option<&SyncState>) -> ChangeSet {
    let empty = SyncState::default();
    let prev = previous.unwrap_or(&empty);
    let stored_entities = index(&prev.entities);
    let stored_relationships = index(&prev.relationships);
    let partial_types: Vec<String> = graph.partial_datasets().keys().cloned().collect();
    let names = Names {
        graph,
        stored: &stored_entities,
    };

    let entity_verdicts = par_map(graph.entities(), |e: &Entity| {
        judge(e, stored_entities.get(e.key.as_str()), entity_hash)
    });
    let relationship_verdicts = par_map(graph.relationships(), |r: &Relationship| {
        judge(r, stored_relationships.get(r.key()), relationship_hash)
    });

    let mut per_type = PerType::new();
    for (p, (e, verdict)) in graph.entities().iter().zip(entity_verdicts).enumerate() {
        record(slot(&mut per_type, false, &e.entity_type), verdict, p);
    }
    // A new or changed relationship is named when asked for, from the graph; an end that is
    // not an entity of the graph is named from the stored objects, kept here.
    let mut outside_names = HashMap::new();
    for (p, (r, verdict)) in graph
        .relationships()
        .iter()
        .zip(relationship_verdicts)
        .enumerate()
    {
        let t = slot(&mut per_type, true, &r.relationship_type);
        if record(t, verdict, p) && !stored_entities.is_empty() {
            for key in [r.from_key(), r.to_key()] {
                if graph.entity(key).is_none()
                    && let Some(name) = names.entity(key)
                {
                    outside_names.insert(key.to_owned(), name);
                }
            }
        }
    }

    let mut carried_entities = Vec::new();
    let mut carried_relationships = Vec::new();
    for (relationship, stored, carried) in [
        (false, &prev.entities, &mut carried_entities),
        (true, &prev.relationships, &mut carried_relationships),
    ] {
        for o in stored {
            let t = slot(&mut per_type, relationship, &o.object_type);
            t.previous += 1;
            let present = if relationship {
                graph.relationship(&o.key).is_some()
            } else {
                graph.entity(&o.key).is_some()
            };
            if present {
                continue;
            }
            if partial_types.contains(&o.object_type) {
                carried.push(o.clone());
                continue;
            }
            let n = StoredNames::of(o);
            let (name, from, to) = if relationship {
                match (&n.from, &n.to) {
                    (Some(f), Some(t)) => {
                        let (from, to) = (names.end(f), names.end(t));
                        let class = n.class.as_ref().and_then(Value::as_str).unwrap_or("TO");
                        (relationship_name(&from, class, &to), Some(from), Some(to))
                    }
                    _ => (o.key.clone(), None, None),
                }
            } else {
                (n.entity_name().unwrap_or_else(|| o.key.clone()), None, None)
            };
            t.deleted.push(ObjectChange {
                change: Kind::Deleted,
                key: o.key.clone(),
                object_type: o.object_type.clone(),
                name,
                from,
                to,
                properties: stored_properties(o),
            });
        }
    }
    for t in &partial_types {
        let relationship = graph.relationship_types().any(|r| r == t)
            || crate::graph::types::RELATIONSHIP_KINDS
                .iter()
                .any(|k| k.relationship_type == t);
        slot(&mut per_type, relationship, t);
    }
    // Entity types, then relationship types, each sorted.
    let mut types: Vec<TypeChanges> = per_type;
    types.sort_by(|a, b| (a.relationship, &a.object_type).cmp(&(b.relationship, &b.object_type)));
    for t in &mut types {
        t.partial = partial_types.contains(&t.object_type);
    }
    ChangeSet {
        target: target.to_string(),
        first_sync: previous.is_none(),
        last_sync: previous.map(|p| LastSync {
            job_id: p.job_id.clone(),
            synced_at: p.synced_at.clone(),
        }),
        details_missing: previous.and_then(SyncState::details_missing),
        types,
        partial_types,
        carried_entities,
        carried_relationships,
        graph: Arc::clone(graph),
        outside_names,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn raw_data_is_diffed_by_entry_name_and_pointer() {
        let old = json!({"_key": "k", "name": "a", "gone": 1,
            "_rawData": [{"name": "default", "rawData": {"name": "a", "plan": {"name": "x"}, "tags": [1, 2]}}]});
        let new = json!({"_key": "k", "name": "b", "added": true,
            "_rawData": [{"name": "default", "rawData": {"name": "b", "plan": {"name": "x"}, "tags": [1]}}]});
        let changes = property_changes(&old, &new);
        let summary: Vec<(String, char)> =
            changes.iter().map(|c| (c.name.clone(), c.sign())).collect();
        assert_eq!(
            summary,
            [
                ("name".to_owned(), '~'),
                ("added".to_owned(), '+'),
                ("_rawData".to_owned(), '~'),
                ("gone".to_owned(), '-'),
            ]
        );
        let raw = &changes[2].diff;
        assert_eq!(
            raw,
            &[
                JsonChange {
                    path: "/default/name".into(),
                    old: Some(json!("a")),
                    new: Some(json!("b"))
                },
                JsonChange {
                    path: "/default/tags/1".into(),
                    old: Some(json!(2)),
                    new: None
                },
            ]
        );
    }

    #[test]
    fn key_order_is_not_a_change() {
        assert!(
            property_changes(
                &json!({"a": 1, "b": {"x": 1, "y": 2}}),
                &json!({"b": {"y": 2, "x": 1}, "a": 1})
            )
            .is_empty()
        );
        assert_eq!(json!({"a": 1, "b": 2}), json!({"b": 2, "a": 1}));
    }
}
