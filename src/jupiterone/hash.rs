//! The canonical content hash of a graph object: SHA-256 of its JSON with object keys sorted
//! at every level (so key order never counts as a change). Format-1 sync states recorded it
//! instead of the objects; the change set still judges objects against such a state with it.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::Serialize;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::graph::{Entity, PropRef, RawData, Relationship};

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
                    let text = r.raw.get();
                    match serde_json::from_str::<Canon<'_>>(&text) {
                        Ok(mut c) => write_canon(&mut c, out),
                        Err(_) => out.extend_from_slice(text.as_bytes()),
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
