//! Entities, relationships and their properties, with the exact JSON JupiterOne receives.

use std::borrow::Cow;
use std::sync::Arc;

use serde::de::{Deserializer, Error as _};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

pub use super::properties::{Name, PropRef, Properties};

/// One `_rawData` entry: a source object exactly as Heroku sent it.
#[derive(Debug, Clone)]
pub struct RawData {
    /// `default` for the first source (static, not one allocation per entity).
    pub name: Name,
    /// Shared with the Heroku object it came from.
    pub raw: Arc<RawValue>,
}

impl PartialEq for RawData {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.raw.get() == other.raw.get()
    }
}

#[derive(Serialize, Deserialize)]
struct RawDataWire {
    name: String,
    #[serde(rename = "rawData")]
    raw: Box<RawValue>,
}

/// A JupiterOne entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub key: String,
    pub entity_type: Name,
    pub class: Name,
    pub properties: Properties,
    pub raw_data: Vec<RawData>,
}

impl Entity {
    /// `displayName`, falling back to `name`, then the key.
    #[must_use]
    pub fn display_name(&self) -> &str {
        self.properties
            .str("displayName")
            .or_else(|| self.properties.str("name"))
            .unwrap_or(&self.key)
    }

    /// The serialized size in bytes, as sent to JupiterOne.
    #[must_use]
    pub fn json_len(&self) -> usize {
        serde_json::to_vec(self).map_or(0, |v| v.len())
    }
}

/// A direct JupiterOne relationship.
#[derive(Debug, Clone, PartialEq)]
pub struct Relationship {
    pub key: String,
    pub relationship_type: Name,
    /// The verb, e.g. `HAS`.
    pub class: Name,
    pub from_key: String,
    pub to_key: String,
    /// `displayName` and extra primitive properties.
    pub properties: Properties,
}

impl Relationship {
    /// Builds `<from>|<verb lower-case>|<to>` with `displayName` = the verb.
    #[must_use]
    pub fn direct(
        relationship_type: &'static str,
        verb: &'static str,
        from: &str,
        to: &str,
    ) -> Self {
        let mut properties = Properties::new();
        properties.set("displayName", verb);
        // Exactly as long as it needs to be: a graph holds hundreds of thousands.
        let mut key = String::with_capacity(from.len() + verb.len() + to.len() + 2);
        key.push_str(from);
        key.push('|');
        key.extend(verb.chars().map(|c| c.to_ascii_lowercase()));
        key.push('|');
        key.push_str(to);
        Self {
            key,
            relationship_type: Cow::Borrowed(relationship_type),
            class: Cow::Borrowed(verb),
            from_key: from.to_owned(),
            to_key: to.to_owned(),
            properties,
        }
    }
}

impl Serialize for Entity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4 + self.properties.len()))?;
        map.serialize_entry("_key", &self.key)?;
        map.serialize_entry("_type", &self.entity_type)?;
        map.serialize_entry("_class", &[&self.class])?;
        for (name, value) in self.properties.iter() {
            map.serialize_entry(name, &value)?;
        }
        if !self.raw_data.is_empty() {
            let wire: Vec<_> = self
                .raw_data
                .iter()
                .map(|r| RawDataRef {
                    name: &r.name,
                    raw: &r.raw,
                })
                .collect();
            map.serialize_entry("_rawData", &wire)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct RawDataRef<'a> {
    name: &'a str,
    #[serde(rename = "rawData")]
    raw: &'a RawValue,
}

impl Serialize for Relationship {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5 + self.properties.len()))?;
        map.serialize_entry("_key", &self.key)?;
        map.serialize_entry("_type", &self.relationship_type)?;
        map.serialize_entry("_class", &self.class)?;
        map.serialize_entry("_fromEntityKey", &self.from_key)?;
        map.serialize_entry("_toEntityKey", &self.to_key)?;
        for (name, value) in self.properties.iter() {
            map.serialize_entry(name, &value)?;
        }
        map.end()
    }
}

fn take_string<E: serde::de::Error>(map: &mut Map<String, Value>, name: &str) -> Result<String, E> {
    match map.shift_remove(name) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(E::custom(format!("{name} must be a string, found {other}"))),
        None => Err(E::custom(format!("missing {name}"))),
    }
}

fn into_properties(map: Map<String, Value>) -> Properties {
    map.into_iter().collect()
}

impl<'de> Deserialize<'de> for Entity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map = Map::<String, Value>::deserialize(deserializer)?;
        let key = take_string(&mut map, "_key")?;
        let entity_type = take_string(&mut map, "_type")?;
        let class = match map.shift_remove("_class") {
            Some(Value::String(s)) => s,
            Some(Value::Array(items)) => match items.into_iter().next() {
                Some(Value::String(s)) => s,
                _ => return Err(D::Error::custom("_class must name a class")),
            },
            _ => return Err(D::Error::custom("missing _class")),
        };
        let raw_data = match map.shift_remove("_rawData") {
            Some(value) => {
                let wire: Vec<RawDataWire> =
                    serde_json::from_value(value).map_err(D::Error::custom)?;
                wire.into_iter()
                    .map(|w| RawData {
                        name: Name::Owned(w.name),
                        raw: Arc::from(w.raw),
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        Ok(Self {
            key,
            entity_type: Cow::Owned(entity_type),
            class: Cow::Owned(class),
            properties: into_properties(map),
            raw_data,
        })
    }
}

impl<'de> Deserialize<'de> for Relationship {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map = Map::<String, Value>::deserialize(deserializer)?;
        Ok(Self {
            key: take_string(&mut map, "_key")?,
            relationship_type: Cow::Owned(take_string(&mut map, "_type")?),
            class: Cow::Owned(take_string(&mut map, "_class")?),
            from_key: take_string(&mut map, "_fromEntityKey")?,
            to_key: take_string(&mut map, "_toEntityKey")?,
            properties: into_properties(map),
        })
    }
}
