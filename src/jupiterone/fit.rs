//! Making every object fit one upload request: an entity or relationship whose JSON alone
//! exceeds the batch ceiling would make a request JupiterOne refuses (413) and abort the
//! sync. Such an object is uploaded shrunk: its largest `_rawData` entries first become
//! `"TRUNCATED"` (as JupiterOne's SDK does), then its longest strings are cut and marked
//! `…[truncated N bytes]`, until it fits. Each one is reported as an [`Oversized`] warning
//! (not a blocking finding). An object that still does not fit (many short values) is not
//! uploaded at all, nor are the relationships to and from it: its warning says so, and its
//! types are marked partial, so JupiterOne deletes nothing of them. No request is ever over
//! the ceiling. The plan, the change set and the recorded state all use the fitted graph,
//! so what is compared is what is uploaded.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::graph::{Entity, Graph, Properties, RawJson, Relationship};

/// Bytes kept of a truncated string (before its marker).
pub const KEEP_BYTES: usize = 1_000;
/// What a truncated `_rawData` entry's `rawData` becomes.
pub const TRUNCATED: &str = "TRUNCATED";

/// The largest serialized entity and relationship one request can carry alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub entity: usize,
    pub relationship: usize,
}

/// Counts the bytes written to it.
struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub(crate) fn json_len<T: Serialize + ?Sized>(value: &T) -> usize {
    let mut c = Counter(0);
    let _ = serde_json::to_writer(&mut c, value);
    c.0
}

/// An object too large for one request, and how it was made to fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Oversized {
    #[serde(rename = "_key")]
    pub key: String,
    #[serde(rename = "_type")]
    pub object_type: String,
    /// Its JSON size as built.
    pub bytes: usize,
    /// Its JSON size as uploaded.
    pub fitted_bytes: usize,
    /// `_rawData` entries replaced by `"TRUNCATED"`.
    pub raw_data_truncated: usize,
    /// Properties whose long strings were cut.
    pub properties_truncated: Vec<String>,
    /// Whether it fits now; when not, it is not uploaded (nor its relationships) and its
    /// types are partial.
    pub fits: bool,
}

impl Oversized {
    /// Why its types are partial when it does not fit.
    #[must_use]
    pub fn partial_reason(&self) -> String {
        format!(
            "{} is {} even after truncation, over the request limit: it and its \
             relationships are not uploaded",
            crate::text::clean(&self.key),
            size(self.fitted_bytes)
        )
    }
}

impl fmt::Display for Oversized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}) is {}, over the request limit: ",
            self.key,
            self.object_type,
            size(self.bytes)
        )?;
        let mut what = Vec::new();
        if self.raw_data_truncated > 0 {
            what.push(format!(
                "{} _rawData entries truncated",
                self.raw_data_truncated
            ));
        }
        if !self.properties_truncated.is_empty() {
            what.push(format!(
                "long strings truncated in {}",
                self.properties_truncated.join(", ")
            ));
        }
        if self.fits {
            write!(
                f,
                "uploaded as {} ({})",
                size(self.fitted_bytes),
                what.join("; ")
            )
        } else {
            write!(
                f,
                "still {} after truncation, so it is not uploaded, nor its \
                 relationships (its type is partial: JupiterOne deletes nothing of it)",
                size(self.fitted_bytes)
            )
        }
    }
}

/// A byte count in the one human format ([`crate::text::human_bytes`]).
fn size(bytes: usize) -> String {
    crate::text::human_bytes(bytes as u64)
}

/// Cuts every string longer than [`KEEP_BYTES`] in `v`; whether any was cut.
fn truncate_strings(v: &mut Value) -> bool {
    match v {
        Value::String(s) if s.len() > KEEP_BYTES => {
            let mut keep = KEEP_BYTES;
            while !s.is_char_boundary(keep) {
                keep -= 1;
            }
            let removed = s.len() - keep;
            s.truncate(keep);
            s.push_str(&format!("…[truncated {removed} bytes]"));
            true
        }
        Value::Array(items) => items.iter_mut().fold(false, |a, i| truncate_strings(i) | a),
        Value::Object(m) => m.values_mut().fold(false, |a, i| truncate_strings(i) | a),
        _ => false,
    }
}

/// Cuts long strings of `props`, the largest property first, until `outside` (the bytes of
/// the object around its properties) plus the properties fit `limit`. Only a property over
/// [`KEEP_BYTES`] can shrink, and the size is kept by difference, so an object of many short
/// values costs one pass, not one serialization per property.
fn fit_properties(props: &mut Properties, limit: usize, outside: usize, cut: &mut Vec<String>) {
    let mut size = outside + json_len(props);
    let mut order: Vec<(usize, String)> = props
        .iter()
        .map(|(n, v)| (json_len(&v), n.to_string()))
        .filter(|(len, _)| *len > KEEP_BYTES)
        .collect();
    order.sort_unstable_by(|a, b| b.cmp(a));
    for (old_len, name) in order {
        if size <= limit {
            return;
        }
        let Some(mut v) = props.get(&name) else {
            continue;
        };
        if truncate_strings(&mut v) {
            size = size - old_len + json_len(&v);
            let rebuilt: Properties = props
                .iter()
                .map(|(n, old)| {
                    let value = if n == name { v.clone() } else { old.to_value() };
                    (n.to_string(), value)
                })
                .collect();
            *props = rebuilt;
            cut.push(name);
        }
    }
}

fn fit_entity(e: &Entity, bytes: usize, limit: usize) -> (Entity, Oversized) {
    let mut e = e.clone();
    let truncated = RawJson::new(
        &RawValue::from_string(serde_json::to_string(TRUNCATED).unwrap_or_default())
            .unwrap_or_else(|_| RawValue::NULL.to_owned()),
    );
    let mut raw: Vec<(usize, usize)> = e
        .raw_data
        .iter()
        .enumerate()
        .map(|(i, r)| (r.raw.len(), i))
        .collect();
    raw.sort_unstable_by(|a, b| b.cmp(a));
    let mut size = bytes;
    let mut raw_data_truncated = 0;
    for (len, i) in raw {
        if size <= limit || len <= truncated.len() {
            break;
        }
        e.raw_data[i].raw = truncated.clone();
        raw_data_truncated += 1;
        size = json_len(&e);
    }
    let mut cut = Vec::new();
    if size > limit {
        let mut props = std::mem::take(&mut e.properties);
        let shell = Entity {
            properties: Properties::new(),
            ..e.clone()
        };
        let outside = json_len(&shell);
        fit_properties(&mut props, limit, outside, &mut cut);
        e.properties = props;
        size = json_len(&e);
    }
    let warning = Oversized {
        key: e.key.clone(),
        object_type: e.entity_type.to_string(),
        bytes,
        fitted_bytes: size,
        raw_data_truncated,
        properties_truncated: cut,
        fits: size <= limit,
    };
    (e, warning)
}

fn fit_relationship(r: &Relationship, bytes: usize, limit: usize) -> (Relationship, Oversized) {
    let mut r = r.clone();
    let mut props = std::mem::take(&mut r.properties);
    let shell = r.clone();
    let mut cut = Vec::new();
    let outside = json_len(&shell);
    fit_properties(&mut props, limit, outside, &mut cut);
    r.properties = props;
    let size = json_len(&r);
    let warning = Oversized {
        key: r.key().to_owned(),
        object_type: r.relationship_type.to_string(),
        bytes,
        fitted_bytes: size,
        raw_data_truncated: 0,
        properties_truncated: cut,
        fits: size <= limit,
    };
    (r, warning)
}

/// The objects of a graph that had to be fitted: (position, fitted object, or `None` when
/// it cannot be and is left out), in graph order.
struct Fitted {
    entities: Vec<(usize, Option<Entity>)>,
    relationships: Vec<(usize, Option<Relationship>)>,
    warnings: Vec<Oversized>,
}

fn fit_objects(graph: &Graph, limits: Limits) -> Fitted {
    let (entity_limit, relationship_limit) = (limits.entity, limits.relationship);
    let mut warnings = Vec::new();
    let entities = graph
        .entities()
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let bytes = json_len(e);
            (bytes > entity_limit).then(|| {
                let (fitted, w) = fit_entity(e, bytes, entity_limit);
                let fitted = w.fits.then_some(fitted);
                warnings.push(w);
                (i, fitted)
            })
        })
        .collect();
    let relationships = graph
        .relationships()
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let bytes = json_len(r);
            (bytes > relationship_limit).then(|| {
                let (fitted, w) = fit_relationship(r, bytes, relationship_limit);
                let fitted = w.fits.then_some(fitted);
                warnings.push(w);
                (i, fitted)
            })
        })
        .collect();
    Fitted {
        entities,
        relationships,
        warnings,
    }
}

/// The objects of `graph` over `limits`, as [`fit`] would upload them.
#[must_use]
pub fn oversized(graph: &Graph, limits: Limits) -> Vec<Oversized> {
    fit_objects(graph, limits).warnings
}

/// `graph` with every object made to fit `limits` (the same graph when all already do), and
/// one [`Oversized`] per object changed, in graph order.
#[must_use]
pub fn fit(graph: &Arc<Graph>, limits: Limits) -> (Arc<Graph>, Vec<Oversized>) {
    let Fitted {
        entities,
        relationships,
        warnings,
    } = fit_objects(graph, limits);
    if warnings.is_empty() {
        return (graph.clone(), warnings);
    }
    let mut out = Graph::with_capacity(graph.entities().len(), graph.relationships().len());
    for (t, reasons) in graph.partial_datasets() {
        for reason in reasons {
            out.mark_partial(&[t.as_str()], reason);
        }
    }
    let reason_of = |key: &str| {
        warnings
            .iter()
            .find(|w| w.key == key)
            .map(Oversized::partial_reason)
            .unwrap_or_default()
    };
    // Entities left out, by key, with why: their relationships are left out too.
    let mut left_out: HashMap<&str, String> = HashMap::new();
    let mut fitted = entities.into_iter().peekable();
    for (i, e) in graph.entities().iter().enumerate() {
        match fitted.next_if(|(j, _)| *j == i) {
            Some((_, Some(e))) => {
                out.add_entity(e);
            }
            Some((_, None)) => {
                let reason = reason_of(&e.key);
                out.mark_partial(&[&*e.entity_type], &reason);
                left_out.insert(&e.key, reason);
            }
            None => {
                out.add_entity(e.clone());
            }
        }
    }
    let mut fitted = relationships.into_iter().peekable();
    for (i, r) in graph.relationships().iter().enumerate() {
        let without_end = left_out
            .get(r.from_key())
            .or_else(|| left_out.get(r.to_key()));
        match (fitted.next_if(|(j, _)| *j == i), without_end) {
            (_, Some(reason)) => out.mark_partial(&[&*r.relationship_type], reason),
            (Some((_, Some(r))), None) => {
                out.add_relationship(r);
            }
            (Some((_, None)), None) => {
                out.mark_partial(&[&*r.relationship_type], &reason_of(r.key()));
            }
            (None, None) => {
                out.add_relationship(r.clone());
            }
        }
    }
    for (key, what) in graph.oddities() {
        out.note_oddity(key, what.clone());
    }
    (Arc::new(out), warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        entity: 50_000,
        relationship: 50_000,
    };

    #[test]
    fn a_long_string_is_cut_on_a_char_boundary_and_marked() {
        let mut v = Value::String("é".repeat(2_000));
        assert!(truncate_strings(&mut v));
        let s = v.as_str().unwrap();
        assert!(s.starts_with(&"é".repeat(500)));
        assert!(s.ends_with("…[truncated 3000 bytes]"), "{}", &s[990..]);
    }

    fn app(name: &str, raw_bytes: usize) -> Entity {
        let mut properties = Properties::new();
        properties.set("name", name.to_owned());
        properties.set("displayName", name.to_owned());
        properties.set("region", "eu");
        let raw =
            serde_json::to_string(&serde_json::json!({"name": "x".repeat(raw_bytes)})).unwrap();
        Entity {
            key: "app-1".into(),
            entity_type: "heroku_app".into(),
            class: "Application".into(),
            properties,
            raw_data: vec![crate::graph::RawData {
                name: "default".into(),
                raw: RawValue::from_string(raw).unwrap().into(),
            }],
        }
    }

    #[test]
    fn raw_data_goes_first_then_the_longest_strings_until_the_object_fits() {
        let mut graph = Graph::new();
        graph.add_entity(app("small", 10));
        graph.add_entity(Entity {
            key: "app-2".into(),
            ..app(&"n".repeat(30_000), 30_000)
        });
        graph.mark_partial(&["heroku_addon"], "forbidden");
        let graph = Arc::new(graph);
        // 60,000 of strings + 30,000 of raw data: the raw data alone is not enough.
        let (fitted, warnings) = fit(&graph, LIMITS);
        assert_eq!(warnings.len(), 1);
        let w = &warnings[0];
        assert_eq!(w.key, "app-2");
        assert_eq!(w.raw_data_truncated, 1);
        assert_eq!(w.properties_truncated, vec!["name".to_owned()]);
        assert!(w.fits && w.fitted_bytes <= LIMITS.entity);
        let e = fitted.entity("app-2").unwrap();
        assert_eq!(e.raw_data[0].raw.get(), "\"TRUNCATED\"");
        let name = e.properties.str("name").unwrap();
        assert_eq!(name.len(), KEEP_BYTES + "…[truncated 29000 bytes]".len());
        assert_eq!(e.properties.str("displayName").unwrap().len(), 30_000);
        assert_eq!(e.properties.str("region"), Some("eu"));
        assert_eq!(fitted.entity("app-1"), graph.entity("app-1"));
        assert_eq!(fitted.partial_datasets(), graph.partial_datasets());
        assert_eq!(super::json_len(e), w.fitted_bytes);
    }

    #[test]
    fn a_graph_whose_objects_fit_is_kept_as_it_is() {
        let graph = Arc::new({
            let mut g = Graph::new();
            g.add_entity(app("small", 10));
            g
        });
        let (fitted, warnings) = fit(&graph, LIMITS);
        assert!(warnings.is_empty());
        assert!(Arc::ptr_eq(&fitted, &graph));
    }

    #[test]
    fn an_object_that_cannot_fit_is_left_out_with_its_relationships_and_its_types_partial() {
        // 2,000 short values: nothing to truncate, 100 kB against a 50 kB limit.
        let mut wide = app("wide", 10);
        wide.key = "app-wide".into();
        for i in 0..2_000 {
            wide.properties.set(format!("p{i}"), "v".repeat(40));
        }
        let mut graph = Graph::new();
        graph.add_entity(app("small", 10));
        graph.add_entity(wide);
        let has = |to: &str| {
            Relationship::new(
                format!("app-1|has|{to}"),
                "heroku_app_has_app",
                "HAS",
                "app-1",
                to,
            )
        };
        graph.add_relationship(has("app-wide"));
        graph.add_relationship(has("app-1"));
        let graph = Arc::new(graph);
        let (fitted, warnings) = fit(&graph, LIMITS);
        assert_eq!(warnings.len(), 1);
        let w = &warnings[0];
        assert!(!w.fits && w.fitted_bytes > LIMITS.entity, "{w:?}");
        assert!(w.to_string().contains("not uploaded"), "{w}");
        assert!(fitted.entity("app-wide").is_none());
        assert!(fitted.entity("app-1").is_some());
        assert!(fitted.relationship("app-1|has|app-wide").is_none());
        assert!(fitted.relationship("app-1|has|app-1").is_some());
        for t in ["heroku_app", "heroku_app_has_app"] {
            let reasons = &fitted.partial_datasets()[t];
            assert!(
                reasons
                    .iter()
                    .any(|r| r.contains("app-wide") && r.contains("not uploaded")),
                "{t}: {reasons:?}"
            );
        }
        // No batch of a plan with that ceiling is over it.
        let plan = crate::jupiterone::Plan::with_max_batch_bytes(
            graph,
            crate::jupiterone::Target::Scope("s".into()),
            LIMITS.entity + 20,
        );
        assert_eq!(plan.oversized_batches().count(), 0);
        assert!(plan.batches().iter().all(|b| b.bytes <= LIMITS.entity + 20));
        assert_eq!(plan.oversized().len(), 1);
    }
}
