//! What a query returns: columns and rows of cells (an entity, a property value or a
//! count), the traversal for `RETURN TREE`, and their JSON and CSV forms.
//!
//! A returned property (`RETURN a.name`) is kept as the entity and the name
//! ([`Cell::Prop`]) and read from the graph when shown, like an entity column: a query can
//! return tens of thousands of rows, and owning each value cost an allocation per cell
//! (then a free), more than running the query. A grouped value (`RETURN a.x, COUNT(b)`)
//! is owned ([`Cell::Value`]): it stands for several entities.

use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::graph::{Entity, Graph};

use super::value::property;

/// One cell of a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Cell {
    /// The position of an entity in [`Graph::entities`].
    Entity(usize),
    /// A property value; `None` when the entity does not have it.
    Value(Option<Value>),
    /// The property (named) of the entity at a position in [`Graph::entities`]: its value
    /// is [`Cell::value`].
    Prop(usize, #[serde(serialize_with = "name_text")] Arc<str>),
    Count(usize),
}

/// An `Arc<str>` as its text (serde's `rc` feature is not enabled for one field).
fn name_text<S: serde::Serializer>(name: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(name)
}

impl Cell {
    /// The value of a [`Cell::Value`] or [`Cell::Prop`] (`None` when the entity does not
    /// have the property, and for the other cells).
    #[must_use]
    pub fn value(&self, graph: &Graph) -> Option<Value> {
        match self {
            Self::Value(v) => v.clone(),
            Self::Prop(e, name) => graph
                .entities()
                .get(*e)
                .and_then(|e| property(e, name))
                .map(|v| v.to_value()),
            Self::Entity(_) | Self::Count(_) => None,
        }
    }
}

/// The entities and relationships (positions in the graph) on the matched paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traversal {
    pub vertices: Vec<usize>,
    pub edges: Vec<usize>,
}

/// The result of a query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    /// The `RETURN` items as written (`u`, `u.email`, `COUNT(t)`), or the `FIND` step's
    /// name when there is no `RETURN`.
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Set for `RETURN TREE` (then each row is one vertex).
    pub tree: Option<Traversal>,
}

impl Output {
    /// The number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The first entity of a row: where the explorer jumps on Enter.
    #[must_use]
    pub fn row_entity(&self, row: usize) -> Option<usize> {
        self.rows.get(row)?.iter().find_map(|c| match c {
            Cell::Entity(i) => Some(*i),
            _ => None,
        })
    }

    /// Every entity named in the rows, in row order, without repeats.
    #[must_use]
    pub fn entities(&self) -> Vec<usize> {
        let mut seen = std::collections::HashSet::new();
        self.rows
            .iter()
            .flatten()
            .filter_map(|c| match c {
                Cell::Entity(i) if seen.insert(*i) => Some(*i),
                _ => None,
            })
            .collect()
    }

    /// One row as JSON: with a single entity column, the entity itself (`_key`, `_type`,
    /// `_class` and its properties, no `_rawData`); otherwise an object keyed by column.
    #[must_use]
    pub fn row_json(&self, graph: &Graph, row: usize) -> Value {
        let Some(cells) = self.rows.get(row) else {
            return Value::Null;
        };
        if let [Cell::Entity(i)] = cells.as_slice() {
            return entity_json(graph, *i);
        }
        let mut object = Map::new();
        for (column, cell) in self.columns.iter().zip(cells) {
            let value = match cell {
                Cell::Entity(i) => entity_json(graph, *i),
                Cell::Value(_) | Cell::Prop(..) => cell.value(graph).unwrap_or(Value::Null),
                Cell::Count(n) => Value::from(*n),
            };
            object.insert(column.clone(), value);
        }
        Value::Object(object)
    }

    /// `{"columns": [...], "count": n, "rows": [...]}`, plus `"tree": {"vertices": [...],
    /// "edges": [...]}` for `RETURN TREE`.
    #[must_use]
    pub fn to_json(&self, graph: &Graph) -> Value {
        let mut object = Map::new();
        object.insert("columns".into(), Value::from(self.columns.clone()));
        object.insert("count".into(), Value::from(self.rows.len()));
        object.insert(
            "rows".into(),
            Value::Array(
                (0..self.rows.len())
                    .map(|r| self.row_json(graph, r))
                    .collect(),
            ),
        );
        if let Some(tree) = &self.tree {
            let vertices = tree
                .vertices
                .iter()
                .map(|&i| entity_json(graph, i))
                .collect();
            let edges = tree
                .edges
                .iter()
                .filter_map(|&i| graph.relationships().get(i))
                .map(|r| serde_json::to_value(r).unwrap_or(Value::Null))
                .collect();
            let mut t = Map::new();
            t.insert("vertices".into(), Value::Array(vertices));
            t.insert("edges".into(), Value::Array(edges));
            object.insert("tree".into(), Value::Object(t));
        }
        Value::Object(object)
    }

    /// The header and the rows as CSV fields: an entity column becomes three,
    /// `<column>._type`, `<column>._key` and `<column>.displayName` (the bare names when the
    /// row is one entity); values are JSON text unless they are strings.
    #[must_use]
    pub fn csv_records(&self, graph: &Graph) -> Vec<Vec<String>> {
        let single = self.columns.len() == 1
            && self
                .rows
                .first()
                .is_none_or(|r| matches!(r.as_slice(), [Cell::Entity(_)]));
        let entity_columns: Vec<bool> = (0..self.columns.len())
            .map(|c| {
                self.rows
                    .first()
                    .is_some_and(|r| matches!(r.get(c), Some(Cell::Entity(_))))
                    || (single && self.rows.is_empty())
            })
            .collect();
        let mut header = Vec::new();
        for (c, name) in self.columns.iter().enumerate() {
            if entity_columns[c] {
                for field in ["_type", "_key", "displayName"] {
                    header.push(if single {
                        field.to_owned()
                    } else {
                        format!("{name}.{field}")
                    });
                }
            } else {
                header.push(name.clone());
            }
        }
        let mut records = vec![header];
        for row in &self.rows {
            let mut record = Vec::new();
            for cell in row {
                match cell {
                    Cell::Entity(i) => {
                        let e = &graph.entities()[*i];
                        record.push(e.entity_type.to_string());
                        record.push(e.key.clone());
                        record.push(e.display_name().to_owned());
                    }
                    Cell::Value(_) | Cell::Prop(..) => match cell.value(graph) {
                        None => record.push(String::new()),
                        Some(Value::String(s)) => record.push(s),
                        Some(v) => record.push(v.to_string()),
                    },
                    Cell::Count(n) => record.push(n.to_string()),
                }
            }
            records.push(record);
        }
        records
    }
}

/// An entity as JupiterOne shows it: `_key`, `_type`, `_class` and the properties.
#[must_use]
pub fn entity_json(graph: &Graph, index: usize) -> Value {
    let Some(e): Option<&Entity> = graph.entities().get(index) else {
        return Value::Null;
    };
    let mut object = Map::new();
    object.insert("_key".into(), Value::from(e.key.clone()));
    object.insert("_type".into(), Value::from(e.entity_type.to_string()));
    object.insert("_class".into(), Value::from(vec![e.class.to_string()]));
    for (name, value) in e.properties.iter() {
        object.insert(name.to_owned(), value.to_value());
    }
    Value::Object(object)
}
