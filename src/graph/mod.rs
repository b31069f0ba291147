//! The JupiterOne graph built from Heroku objects: entities, relationships, lookups by `_key`
//! and by `_type`, adjacency both ways, and the record of partial datasets.

pub mod builder;
pub mod document;
pub mod entity;
pub mod export;
pub mod types;
pub mod validate;

use std::collections::{BTreeMap, HashMap};

pub use builder::build;
pub use entity::{Entity, Properties, RawData, Relationship};

/// An in-memory graph. Objects keep the order they were added in.
///
/// The graph accepts what it is given, including a duplicate key or a relationship whose end
/// is missing (an imported folder may contain them); [`validate::validate`] reports those.
/// Lookups by key find the first object with that key.
#[derive(Debug, Default, Clone)]
pub struct Graph {
    entities: Vec<Entity>,
    entity_index: HashMap<String, usize>,
    by_type: BTreeMap<String, Vec<usize>>,
    relationships: Vec<Relationship>,
    relationship_index: HashMap<String, usize>,
    relationships_by_type: BTreeMap<String, Vec<usize>>,
    outgoing: Vec<Vec<usize>>,
    incoming: Vec<Vec<usize>>,
    partial: BTreeMap<String, Vec<String>>,
}

impl Graph {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an entity and returns its index.
    pub fn add_entity(&mut self, mut entity: Entity) -> usize {
        entity.properties.shrink_to_fit();
        entity.raw_data.shrink_to_fit();
        let index = self.entities.len();
        self.entity_index.entry(entity.key.clone()).or_insert(index);
        self.by_type
            .entry(entity.entity_type.to_string())
            .or_default()
            .push(index);
        self.entities.push(entity);
        self.outgoing.push(Vec::new());
        self.incoming.push(Vec::new());
        index
    }

    /// Adds a relationship and links it to its ends when they exist.
    pub fn add_relationship(&mut self, mut relationship: Relationship) -> usize {
        relationship.properties.shrink_to_fit();
        let index = self.relationships.len();
        self.relationship_index
            .entry(relationship.key.clone())
            .or_insert(index);
        self.relationships_by_type
            .entry(relationship.relationship_type.to_string())
            .or_default()
            .push(index);
        if let Some(&from) = self.entity_index.get(&relationship.from_key) {
            self.outgoing[from].push(index);
        }
        if let Some(&to) = self.entity_index.get(&relationship.to_key) {
            self.incoming[to].push(index);
        }
        self.relationships.push(relationship);
        index
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
        self.entity_index.get(key).map(|&i| &self.entities[i])
    }

    /// The index of the entity with `key`.
    #[must_use]
    pub fn entity_position(&self, key: &str) -> Option<usize> {
        self.entity_index.get(key).copied()
    }

    #[must_use]
    pub fn relationship(&self, key: &str) -> Option<&Relationship> {
        self.relationship_index
            .get(key)
            .map(|&i| &self.relationships[i])
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
        self.entity_index
            .get(key)
            .map(|&i| self.outgoing[i].as_slice())
            .unwrap_or_default()
            .iter()
            .map(|&r| &self.relationships[r])
    }

    /// Relationships whose `_toEntityKey` is `key`.
    pub fn incoming<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a Relationship> {
        self.entity_index
            .get(key)
            .map(|&i| self.incoming[i].as_slice())
            .unwrap_or_default()
            .iter()
            .map(|&r| &self.relationships[r])
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
}
