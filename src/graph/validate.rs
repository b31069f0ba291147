//! JupiterOne's rules for what we emit, as findings naming the offending `_key`.
//!
//! The rules are those of the current data model (npm `@jupiterone/data-model` 0.64): the
//! `#GraphObject` and `#Entity` schemas, the `required` lists of our classes, the upload
//! rules on property values, unique keys, and relationship ends and verbs; and one rule of our
//! data model: every add-on is reached from an app.

use std::fmt;

use serde::Serialize;

use super::Graph;
use super::entity::{PropRef, Properties};
use super::types::{ADDON, APPLICATION_HAS_ADDON, RELATIONSHIP_VERBS};

/// Which rule a finding breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// `_key` shorter than 10 characters.
    KeyTooShort,
    /// `_type` shorter than 3 or `_class` shorter than 2 characters.
    TypeOrClassTooShort,
    /// A property its class requires is absent.
    MissingRequired,
    /// A property has the wrong type for its class.
    WrongType,
    /// A property name outside `^(_|tag\.)?[A-Za-z0-9. -]+$`.
    PropertyName,
    /// A nested object, or an array mixing types.
    PropertyValue,
    /// Two graph objects share a `_key`.
    DuplicateKey,
    /// A relationship end that is not an entity of the graph.
    DanglingRelationship,
    /// A relationship `_class` that is not a known verb.
    UnknownVerb,
    /// Two `_rawData` entries share a name.
    DuplicateRawDataName,
    /// A `heroku_addon` no `heroku_application_has_addon` leads to (DATA-MODEL: an add-on is
    /// an entity only when an app of the graph is billed for it or attached to it).
    AddonWithoutApp,
    /// Two different Heroku objects share an id (only the first is kept).
    DuplicateHerokuId,
    /// Heroku sent something odd that was read anyway (a `null` in a list).
    OddSourceData,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The offending object's `_key`.
    pub key: String,
    pub rule: Rule,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// What a class requires beyond `name` and `displayName`.
#[derive(Clone, Copy)]
enum Shape {
    String,
    StringArrayOrNull,
    StringOrNull,
    StringArray,
}

fn required_of(class: &str) -> &'static [(&'static str, Shape)] {
    match class {
        "Account" => &[("vendor", Shape::String)],
        "User" => &[
            ("firstName", Shape::StringOrNull),
            ("lastName", Shape::StringOrNull),
            ("email", Shape::StringArrayOrNull),
            ("shortLoginId", Shape::StringArrayOrNull),
            ("username", Shape::StringArrayOrNull),
        ],
        "Service" => &[
            ("category", Shape::StringArray),
            ("function", Shape::StringArray),
        ],
        _ => &[],
    }
}

/// Optional properties whose type the class schema fixes.
fn typed_optional(class: &str) -> &'static [(&'static str, Shape)] {
    match class {
        "User" => &[("emailDomain", Shape::StringArrayOrNull)],
        "Service" => &[("endpoints", Shape::StringArray)],
        _ => &[],
    }
}

fn matches_shape(value: PropRef<'_>, shape: Shape) -> bool {
    let string_array = |v: PropRef<'_>| {
        v.as_array()
            .is_some_and(|a| a.iter().all(|v| v.is_string()))
    };
    match shape {
        Shape::String => value.is_string(),
        Shape::StringOrNull => value.is_string() || value.is_null(),
        Shape::StringArray => string_array(value),
        Shape::StringArrayOrNull => value.is_null() || string_array(value),
    }
}

fn shape_name(shape: Shape) -> &'static str {
    match shape {
        Shape::String => "a string",
        Shape::StringOrNull => "a string or null",
        Shape::StringArray => "an array of strings",
        Shape::StringArrayOrNull => "an array of strings or null",
    }
}

/// Whether `name` matches `^(_|tag\.)?[A-Za-z0-9. -]+$`.
#[must_use]
pub fn valid_property_name(name: &str) -> bool {
    // `tag.` needs no special case: `.` is allowed in the body anyway.
    let body = name.strip_prefix('_').unwrap_or(name);
    !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ' ' | '-'))
}

/// Why `value` is not a primitive or a homogeneous array of one primitive type.
fn value_problem(value: PropRef<'_>) -> Option<&'static str> {
    fn kind(v: PropRef<'_>) -> Option<u8> {
        match v {
            PropRef::Str(_) => Some(0),
            PropRef::I64(_) | PropRef::U64(_) | PropRef::F64(_) => Some(1),
            PropRef::Bool(_) => Some(2),
            PropRef::Null | PropRef::Array(_) | PropRef::Json(_) => None,
        }
    }
    match value {
        PropRef::Json(_) => Some("is a nested object"),
        PropRef::Array(items) => {
            let mut kinds = items.iter().map(kind);
            match kinds.next() {
                None => None,
                Some(None) => Some("is an array of non-primitive values"),
                Some(Some(first)) => {
                    if kinds.all(|k| k == Some(first)) {
                        None
                    } else {
                        Some("is an array mixing value types")
                    }
                }
            }
        }
        _ => None,
    }
}

fn check_properties(key: &str, props: &Properties, out: &mut Vec<Finding>) {
    for (name, value) in props.iter() {
        if !valid_property_name(name) {
            out.push(Finding {
                key: key.to_owned(),
                rule: Rule::PropertyName,
                message: format!(
                    "property name {name:?} does not match ^(_|tag\\.)?[A-Za-z0-9. -]+$"
                ),
            });
        }
        if let Some(problem) = value_problem(value) {
            out.push(Finding {
                key: key.to_owned(),
                rule: Rule::PropertyValue,
                message: format!("property {name} {problem}"),
            });
        }
    }
}

fn check_key(key: &str, out: &mut Vec<Finding>) {
    if key.chars().count() < 10 {
        out.push(Finding {
            key: key.to_owned(),
            rule: Rule::KeyTooShort,
            message: format!("_key {key:?} has fewer than 10 characters"),
        });
    }
}

/// The findings about the source data alone: the oddities recorded while building `graph`
/// (or read back from a collected folder), first of [`validate`]'s.
#[must_use]
pub fn validate_source(graph: &Graph) -> Vec<Finding> {
    graph
        .oddities()
        .iter()
        .map(|(key, what)| Finding {
            key: key.clone(),
            rule: if what.starts_with("two different") {
                Rule::DuplicateHerokuId
            } else {
                Rule::OddSourceData
            },
            message: what.clone(),
        })
        .collect()
}

/// Every finding for `graph`; empty when JupiterOne would accept it.
#[must_use]
pub fn validate(graph: &Graph) -> Vec<Finding> {
    let mut out = validate_source(graph);
    // Keys used more than once, found through the graph's own key indexes (which hold each
    // key's first object) rather than a count of every key: a third of a million keys.
    let mut duplicates: Vec<&str> = Vec::new();

    for (i, e) in graph.entities().iter().enumerate() {
        if graph.entity_position(&e.key) != Some(i) {
            duplicates.push(&e.key);
        }
        check_key(&e.key, &mut out);
        if e.entity_type.len() < 3 || e.class.len() < 2 {
            out.push(Finding {
                key: e.key.clone(),
                rule: Rule::TypeOrClassTooShort,
                message: format!(
                    "_type {:?} or _class {:?} is too short",
                    e.entity_type, e.class
                ),
            });
        }
        for name in ["name", "displayName"] {
            if !e.properties.get_ref(name).is_some_and(|v| v.is_string()) {
                out.push(Finding {
                    key: e.key.clone(),
                    rule: Rule::MissingRequired,
                    message: format!("every entity needs a string {name}"),
                });
            }
        }
        for &(name, shape) in required_of(&e.class) {
            match e.properties.get_ref(name) {
                None => out.push(Finding {
                    key: e.key.clone(),
                    rule: Rule::MissingRequired,
                    message: format!("class {} requires {name}", e.class),
                }),
                Some(v) if !matches_shape(v, shape) => out.push(Finding {
                    key: e.key.clone(),
                    rule: Rule::WrongType,
                    message: format!("{name} must be {} for class {}", shape_name(shape), e.class),
                }),
                Some(_) => {}
            }
        }
        for &(name, shape) in typed_optional(&e.class) {
            if let Some(v) = e
                .properties
                .get_ref(name)
                .filter(|v| !matches_shape(*v, shape))
            {
                out.push(Finding {
                    key: e.key.clone(),
                    rule: Rule::WrongType,
                    message: format!(
                        "{name} must be {} for class {}, found {v}",
                        shape_name(shape),
                        e.class
                    ),
                });
            }
        }
        check_properties(&e.key, &e.properties, &mut out);
        let mut raw_names: Vec<&str> = e.raw_data.iter().map(|r| r.name.as_ref()).collect();
        raw_names.sort_unstable();
        if raw_names.windows(2).any(|w| w[0] == w[1]) {
            out.push(Finding {
                key: e.key.clone(),
                rule: Rule::DuplicateRawDataName,
                message: "two _rawData entries share a name".to_owned(),
            });
        }
    }

    for (i, r) in graph.relationships().iter().enumerate() {
        if graph.relationship_position(r.key()) != Some(i) || graph.entity(r.key()).is_some() {
            duplicates.push(r.key());
        }
        check_key(r.key(), &mut out);
        if !RELATIONSHIP_VERBS.contains(&r.class.as_ref()) {
            out.push(Finding {
                key: r.key().to_owned(),
                rule: Rule::UnknownVerb,
                message: format!("relationship _class {:?} is not a JupiterOne verb", r.class),
            });
        }
        for (end, end_key) in [
            ("_fromEntityKey", r.from_key()),
            ("_toEntityKey", r.to_key()),
        ] {
            if graph.entity(end_key).is_none() {
                out.push(Finding {
                    key: r.key().to_owned(),
                    rule: Rule::DanglingRelationship,
                    message: format!("{end} {end_key:?} is not an entity of the graph"),
                });
            }
        }
        check_properties(r.key(), &r.properties, &mut out);
        if let Some((name, _)) = r.properties.iter().find(|(_, v)| v.is_array()) {
            out.push(Finding {
                key: r.key().to_owned(),
                rule: Rule::PropertyValue,
                message: format!("relationship property {name} must be a primitive, not an array"),
            });
        }
    }

    for addon in graph.entities_of_type(ADDON) {
        if !graph
            .incoming(&addon.key)
            .any(|r| r.relationship_type == APPLICATION_HAS_ADDON)
        {
            out.push(Finding {
                key: addon.key.clone(),
                rule: Rule::AddonWithoutApp,
                message: format!("no {APPLICATION_HAS_ADDON} leads to this add-on"),
            });
        }
    }

    duplicates.sort_unstable();
    duplicates.dedup();
    for key in duplicates {
        out.push(Finding {
            key: key.to_owned(),
            rule: Rule::DuplicateKey,
            message: format!("_key {key:?} is used by more than one graph object"),
        });
    }
    out
}
