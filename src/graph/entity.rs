//! Entities, relationships and their properties, with the exact JSON JupiterOne receives.

use std::borrow::Cow;
use std::sync::Arc;

use serde::de::{Deserializer, Error as _};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A property name: our own names are static, imported ones are owned.
pub type Name = Cow<'static, str>;

/// An ordered list of properties (insertion order is the order they are sent in).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Properties(Vec<(Name, Value)>);

impl Properties {
    #[must_use]
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Sets `name`, replacing an existing value in place.
    pub fn set(&mut self, name: impl Into<Name>, value: impl Into<Value>) {
        let name = name.into();
        let value = value.into();
        if let Some(slot) = self.0.iter_mut().find(|(n, _)| *n == name) {
            slot.1 = value;
        } else {
            self.0.push((name, value));
        }
    }

    /// Sets `name` only when `value` is `Some`.
    pub fn set_opt<V: Into<Value>>(&mut self, name: &'static str, value: Option<V>) {
        if let Some(v) = value {
            self.set(name, v);
        }
    }

    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The value of `name` when it is a string.
    #[must_use]
    pub fn str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// The value of `name` when it is a boolean.
    #[must_use]
    pub fn bool(&self, name: &str) -> Option<bool> {
        self.get(name).and_then(Value::as_bool)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(n, v)| (n.as_ref(), v))
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Drops spare capacity (a graph holds hundreds of thousands of these).
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One `_rawData` entry: a source object exactly as Heroku sent it.
#[derive(Debug, Clone)]
pub struct RawData {
    pub name: String,
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
        Self {
            key: format!("{from}|{}|{to}", verb.to_ascii_lowercase()),
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
            map.serialize_entry(name, value)?;
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
            map.serialize_entry(name, value)?;
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
    Properties(map.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect())
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
                        name: w.name,
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
