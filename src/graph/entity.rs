//! Entities, relationships and their properties, with the exact JSON JupiterOne receives.

use std::borrow::Cow;

use serde::de::{Deserializer, Error as _};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

pub use super::properties::{Name, PropRef, Properties};
pub use super::raw::RawJson;

/// One `_rawData` entry: a source object exactly as Heroku sent it.
#[derive(Debug, Clone)]
pub struct RawData {
    /// `default` for the first source (static, not one allocation per entity).
    pub name: Name,
    /// The object's JSON, compressed in memory (see [`RawJson`]).
    pub raw: RawJson,
}

impl PartialEq for RawData {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.raw == other.raw
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
///
/// Its ends are usually spelled out in its key (`<from>|<verb>|<to>`): then they are kept as
/// two offsets into the key instead of two more strings (a graph holds hundreds of
/// thousands of relationships). The key and the ends are read through methods, so they
/// cannot disagree.
#[derive(Clone, PartialEq)]
pub struct Relationship {
    key: String,
    pub relationship_type: Name,
    /// The verb, e.g. `HAS`.
    pub class: Name,
    ends: Ends,
    /// `displayName` and extra primitive properties.
    pub properties: Properties,
}

#[derive(Clone, PartialEq)]
enum Ends {
    /// `key[..from_end]` and `key[to_start..]`.
    InKey {
        from_end: u32,
        to_start: u32,
    },
    Separate(Box<(String, String)>),
}

impl Relationship {
    /// A relationship with the given key, `_type`, `_class` (verb) and ends, no properties.
    #[must_use]
    pub fn new(
        key: impl Into<String>,
        relationship_type: impl Into<Name>,
        class: impl Into<Name>,
        from: &str,
        to: &str,
    ) -> Self {
        let key = key.into();
        let in_key = key.len() > from.len() + to.len()
            && key.starts_with(from)
            && key.ends_with(to)
            && key.as_bytes()[from.len()] == b'|'
            && key.as_bytes()[key.len() - to.len() - 1] == b'|';
        let offsets = (
            u32::try_from(from.len()),
            u32::try_from(key.len() - to.len()),
        );
        let ends = match offsets {
            (Ok(from_end), Ok(to_start)) if in_key => Ends::InKey { from_end, to_start },
            _ => Ends::Separate(Box::new((from.to_owned(), to.to_owned()))),
        };
        Self {
            key,
            relationship_type: relationship_type.into(),
            class: class.into(),
            ends,
            properties: Properties::new(),
        }
    }

    /// Builds `<from>|<verb lower-case>|<to>` with `displayName` = the verb.
    #[must_use]
    pub fn direct(
        relationship_type: &'static str,
        verb: &'static str,
        from: &str,
        to: &str,
    ) -> Self {
        // Exactly as long as it needs to be: a graph holds hundreds of thousands.
        let mut key = String::with_capacity(from.len() + verb.len() + to.len() + 2);
        key.push_str(from);
        key.push('|');
        key.extend(verb.chars().map(|c| c.to_ascii_lowercase()));
        key.push('|');
        key.push_str(to);
        let mut r = Self::new(
            key,
            Cow::Borrowed(relationship_type),
            Cow::Borrowed(verb),
            from,
            to,
        );
        r.properties.set("displayName", verb);
        r
    }

    /// `_key`.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// `_fromEntityKey`.
    #[must_use]
    pub fn from_key(&self) -> &str {
        match &self.ends {
            Ends::InKey { from_end, .. } => self.key.get(..*from_end as usize).unwrap_or(""),
            Ends::Separate(ends) => &ends.0,
        }
    }

    /// `_toEntityKey`.
    #[must_use]
    pub fn to_key(&self) -> &str {
        match &self.ends {
            Ends::InKey { to_start, .. } => self.key.get(*to_start as usize..).unwrap_or(""),
            Ends::Separate(ends) => &ends.1,
        }
    }
}

impl std::fmt::Debug for Relationship {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relationship")
            .field("key", &self.key)
            .field("relationship_type", &self.relationship_type)
            .field("class", &self.class)
            .field("from_key", &self.from_key())
            .field("to_key", &self.to_key())
            .field("properties", &self.properties)
            .finish()
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
    raw: &'a RawJson,
}

impl Serialize for Relationship {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5 + self.properties.len()))?;
        map.serialize_entry("_key", &self.key)?;
        map.serialize_entry("_type", &self.relationship_type)?;
        map.serialize_entry("_class", &self.class)?;
        map.serialize_entry("_fromEntityKey", self.from_key())?;
        map.serialize_entry("_toEntityKey", self.to_key())?;
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
                        raw: RawJson::new(&w.raw),
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
        let key = take_string(&mut map, "_key")?;
        let relationship_type = take_string(&mut map, "_type")?;
        let class = take_string(&mut map, "_class")?;
        let from = take_string(&mut map, "_fromEntityKey")?;
        let to = take_string(&mut map, "_toEntityKey")?;
        let mut r = Self::new(key, relationship_type, class, &from, &to);
        r.properties = into_properties(map);
        Ok(r)
    }
}
