//! The JupiterOne graph built from Heroku objects: entities, relationships, lookups by `_key`
//! and by `_type`, adjacency both ways, and the record of partial datasets.

mod adjacency;
pub mod builder;
pub mod document;
pub mod entity;
pub mod export;
mod id;
pub mod properties;
pub mod raw;
pub mod stream;
pub mod types;
pub mod validate;

use std::collections::BTreeMap;
use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

use adjacency::Adjacency;

pub use builder::{build, build_owned};
pub use entity::{Entity, PropRef, Properties, RawData, RawJson, Relationship};
pub use stream::StreamBuilder;

/// An in-memory graph. Objects keep the order they were added in.
///
/// The graph accepts what it is given, including a duplicate key or a relationship whose end
/// is missing (an imported folder may contain them); [`validate::validate`] reports those.
/// Lookups by key find the first object with that key.
///
/// The key indexes hold positions, not copies of the keys: a graph of the `huge` estate has
/// 300,000 keys.
#[derive(Debug, Default, Clone)]
pub struct Graph {
    entities: Vec<Entity>,
    entity_index: KeyIndex,
    by_type: BTreeMap<String, Vec<usize>>,
    relationships: Vec<Relationship>,
    relationship_index: KeyIndex,
    relationships_by_type: BTreeMap<String, Vec<usize>>,
    outgoing: Adjacency,
    incoming: Adjacency,
    partial: BTreeMap<String, Vec<String>>,
    /// Oddities of the source data found while building (key, what), reported by
    /// [`validate::validate`].
    oddities: Vec<(String, String)>,
}

/// Positions in a list of keyed objects, found by key.
#[derive(Default, Clone)]
struct KeyIndex {
    /// Positions as `u32`: half the size of a table of `usize`.
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl std::fmt::Debug for KeyIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyIndex({} keys)", self.table.len())
    }
}

impl KeyIndex {
    fn with_capacity(n: usize) -> Self {
        Self {
            table: HashTable::with_capacity(n),
            hasher: DefaultHashBuilder::default(),
        }
    }

    /// The position of `key`, where `key_at` gives the key of a position.
    fn get<'a>(&self, key: &str, key_at: impl Fn(usize) -> &'a str) -> Option<usize> {
        let hash = self.hasher.hash_one(key);
        self.table
            .find(hash, |&i| key_at(i as usize) == key)
            .map(|&i| i as usize)
    }

    /// Records `index` for `key` unless the key is already there (the first object wins).
    fn insert<'a>(&mut self, key: &str, index: usize, key_at: impl Fn(usize) -> &'a str) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(key);
        if self
            .table
            .find(hash, |&i| key_at(i as usize) == key)
            .is_none()
        {
            self.table.insert_unique(hash, position(index), |&i| {
                hasher.hash_one(key_at(i as usize))
            });
        }
    }
}

fn position(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

impl Graph {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty graph with room for `entities` and `relationships`.
    #[must_use]
    pub fn with_capacity(entities: usize, relationships: usize) -> Self {
        Self {
            entities: Vec::with_capacity(entities),
            entity_index: KeyIndex::with_capacity(entities),
            relationships: Vec::with_capacity(relationships),
            relationship_index: KeyIndex::with_capacity(relationships),
            outgoing: Adjacency::with_capacity(entities),
            incoming: Adjacency::with_capacity(entities),
            ..Self::default()
        }
    }

    /// Adds an entity and returns its index.
    pub fn add_entity(&mut self, mut entity: Entity) -> usize {
        entity.properties.shrink_to_fit();
        entity.raw_data.shrink_to_fit();
        let index = self.entities.len();
        let entities = &self.entities;
        let key_at = |i: usize| -> &str {
            entities
                .get(i)
                .map_or(entity.key.as_str(), |e| e.key.as_str())
        };
        self.entity_index.insert(&entity.key, index, key_at);
        self.by_type
            .entry(entity.entity_type.to_string())
            .or_default()
            .push(index);
        self.entities.push(entity);
        self.outgoing.add_entity();
        self.incoming.add_entity();
        index
    }

    /// Takes `list` as the entities of a graph that has none yet, without copying it: what
    /// [`Graph::add_entity`] does for each, in order.
    pub(crate) fn adopt_entities(&mut self, mut list: Vec<Entity>) {
        debug_assert!(self.entities.is_empty() && self.relationships.is_empty());
        list.shrink_to_fit();
        for entity in &mut list {
            entity.properties.shrink_to_fit();
            entity.raw_data.shrink_to_fit();
        }
        let mut index = KeyIndex::with_capacity(list.len());
        for (i, entity) in list.iter().enumerate() {
            index.insert(&entity.key, i, |j| list[j].key.as_str());
            if let Some(v) = self.by_type.get_mut(entity.entity_type.as_ref()) {
                v.push(i);
            } else {
                self.by_type.insert(entity.entity_type.to_string(), vec![i]);
            }
        }
        self.entity_index = index;
        self.outgoing = Adjacency::empty(list.len());
        self.incoming = Adjacency::empty(list.len());
        self.entities = list;
    }

    /// Adds a relationship and links it to its ends when they exist.
    pub fn add_relationship(&mut self, mut relationship: Relationship) -> usize {
        relationship.properties.shrink_to_fit();
        let index = self.relationships.len();
        self.relationships.push(relationship);
        self.link_relationship(index);
        index
    }

    /// Takes `list` as the relationships of a graph that has none yet, without copying it:
    /// keeps those whose ends are entities and whose `_key` is not already an entity's or an
    /// earlier relationship's, in order. What the builder does with a quarter of a million.
    pub(crate) fn adopt_relationships(&mut self, mut list: Vec<Relationship>) {
        debug_assert!(self.relationships.is_empty());
        let keep: Vec<bool> = {
            // Positions in `list` by key (not the keys: a quarter of a million of them).
            let mut keys = KeyIndex::with_capacity(list.len());
            let key_at = |i: usize| list[i].key();
            list.iter()
                .enumerate()
                .map(|(i, r)| {
                    let keep = self.entity_position(r.from_key()).is_some()
                        && self.entity_position(r.to_key()).is_some()
                        && self.entity_position(r.key()).is_none()
                        && keys.get(r.key(), key_at).is_none();
                    if keep {
                        keys.insert(r.key(), i, key_at);
                    }
                    keep
                })
                .collect()
        };
        let mut flags = keep.iter();
        list.retain(|_| flags.next().copied().unwrap_or(false));
        drop(keep);
        list.shrink_to_fit();
        for r in &mut list {
            r.properties.shrink_to_fit();
        }
        self.relationships = list;
        self.relationship_index = KeyIndex::with_capacity(self.relationships.len());
        let (mut from, mut to) = (
            Vec::with_capacity(self.relationships.len()),
            Vec::with_capacity(self.relationships.len()),
        );
        for index in 0..self.relationships.len() {
            self.index_relationship(index);
            let r = &self.relationships[index];
            // Both ends are entities: only such relationships were kept.
            if let (Some(f), Some(t)) = (
                self.entity_position(r.from_key()),
                self.entity_position(r.to_key()),
            ) {
                from.push((position(f), position(index)));
                to.push((position(t), position(index)));
            }
        }
        self.outgoing = Adjacency::packed(self.entities.len(), &from);
        drop(from);
        self.incoming = Adjacency::packed(self.entities.len(), &to);
    }

    /// Indexes the relationship at `index` of the list: its key, its type and both ends.
    fn link_relationship(&mut self, index: usize) {
        self.index_relationship(index);
        let r = &self.relationships[index];
        let from = self.entity_position(r.from_key());
        let to = self.entity_position(r.to_key());
        if let Some(from) = from {
            self.outgoing.push(from, position(index));
        }
        if let Some(to) = to {
            self.incoming.push(to, position(index));
        }
    }

    /// Indexes the relationship at `index` of the list by key and by type.
    fn index_relationship(&mut self, index: usize) {
        let relationships = &self.relationships;
        let r = &relationships[index];
        self.relationship_index
            .insert(r.key(), index, |i| relationships[i].key());
        if let Some(v) = self
            .relationships_by_type
            .get_mut(r.relationship_type.as_ref())
        {
            v.push(index);
        } else {
            self.relationships_by_type
                .insert(r.relationship_type.to_string(), vec![index]);
        }
    }

    /// Records that `types` are incomplete, and why.
    pub fn mark_partial(&mut self, types: &[&str], reason: &str) {
        for t in types {
            let reasons = self.partial.entry((*t).to_owned()).or_default();
            if !reasons.iter().any(|r| r == reason) {
                reasons.push(reason.to_owned());
            }
        }
    }

    /// Records an oddity of the source data about `key` (a duplicate id, a null in a list).
    pub fn note_oddity(&mut self, key: &str, what: String) {
        self.oddities.push((key.to_owned(), what));
    }

    /// The oddities recorded while building, in the order found.
    #[must_use]
    pub fn oddities(&self) -> &[(String, String)] {
        &self.oddities
    }

    /// The incomplete `_type`s with their reasons, sorted by type.
    #[must_use]
    pub fn partial_datasets(&self) -> &BTreeMap<String, Vec<String>> {
        &self.partial
    }

    /// Whether any `_type` is incomplete.
    #[must_use]
    pub fn is_partial(&self) -> bool {
        !self.partial.is_empty()
    }

    #[must_use]
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    #[must_use]
    pub fn relationships(&self) -> &[Relationship] {
        &self.relationships
    }

    #[must_use]
    pub fn entity(&self, key: &str) -> Option<&Entity> {
        self.entity_position(key).map(|i| &self.entities[i])
    }

    /// The index of the entity with `key`.
    #[must_use]
    pub fn entity_position(&self, key: &str) -> Option<usize> {
        self.entity_index
            .get(key, |i| self.entities.get(i).map_or("", |e| e.key.as_str()))
    }

    #[must_use]
    pub fn relationship(&self, key: &str) -> Option<&Relationship> {
        self.relationship_position(key)
            .map(|i| &self.relationships[i])
    }

    /// The index of the relationship with `key`.
    #[must_use]
    pub fn relationship_position(&self, key: &str) -> Option<usize> {
        self.relationship_index
            .get(key, |i| self.relationships.get(i).map_or("", |r| r.key()))
    }

    /// Entities of one `_type`, in insertion order.
    pub fn entities_of_type<'a>(&'a self, entity_type: &str) -> impl Iterator<Item = &'a Entity> {
        self.by_type
            .get(entity_type)
            .into_iter()
            .flatten()
            .map(|&i| &self.entities[i])
    }

    /// Relationships of one `_type`, in insertion order.
    pub fn relationships_of_type<'a>(
        &'a self,
        relationship_type: &str,
    ) -> impl Iterator<Item = &'a Relationship> {
        self.relationships_by_type
            .get(relationship_type)
            .into_iter()
            .flatten()
            .map(|&i| &self.relationships[i])
    }

    /// Relationships whose `_fromEntityKey` is `key`.
    pub fn outgoing<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a Relationship> {
        self.entity_position(key)
            .map(|i| self.outgoing.of(i))
            .unwrap_or_default()
            .iter()
            .map(|&r| &self.relationships[r as usize])
    }

    /// Relationships whose `_toEntityKey` is `key`.
    pub fn incoming<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a Relationship> {
        self.entity_position(key)
            .map(|i| self.incoming.of(i))
            .unwrap_or_default()
            .iter()
            .map(|&r| &self.relationships[r as usize])
    }

    /// The number of objects per `_type` (entities and relationships), sorted by type.
    #[must_use]
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut counts: BTreeMap<String, usize> = self
            .by_type
            .iter()
            .map(|(t, v)| (t.clone(), v.len()))
            .collect();
        for (t, v) in &self.relationships_by_type {
            counts.insert(t.clone(), v.len());
        }
        counts
    }

    /// Every entity `_type` present, sorted.
    pub fn entity_types(&self) -> impl Iterator<Item = &str> {
        self.by_type.keys().map(String::as_str)
    }

    /// Every relationship `_type` present, sorted.
    pub fn relationship_types(&self) -> impl Iterator<Item = &str> {
        self.relationships_by_type.keys().map(String::as_str)
    }

    /// Positions (in [`Graph::entities`]) of the entities of one `_type`, in insertion order.
    #[must_use]
    pub fn positions_of_type(&self, entity_type: &str) -> &[usize] {
        self.by_type.get(entity_type).map_or(&[], Vec::as_slice)
    }

    /// Positions (in [`Graph::relationships`]) of the relationships from the entity at
    /// position `entity`.
    #[must_use]
    pub fn outgoing_positions(&self, entity: usize) -> &[u32] {
        self.outgoing.of(entity)
    }

    /// Positions (in [`Graph::relationships`]) of the relationships to the entity at
    /// position `entity`.
    #[must_use]
    pub fn incoming_positions(&self, entity: usize) -> &[u32] {
        self.incoming.of(entity)
    }
}
