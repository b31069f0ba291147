//! Reading the properties of many entities quickly.
//!
//! On a large estate a query's time goes to property reads: each entity's properties are
//! one byte buffer somewhere in the heap, scanned from its start ([`Properties`]). Two
//! things make the reads cheaper here: every property a step needs is read in one scan
//! of the buffer ([`Fields`]), and the entities are visited in batches ([`each_batched`])
//! whose buffers are first touched one cache line each, so that their misses overlap
//! instead of coming one after another during the scans (no `unsafe` prefetch needed).
//!
//! [`Properties`]: crate::graph::Properties

use crate::graph::properties::PropName;
use crate::graph::{Entity, PropRef};

use super::value::Field;

/// How many entities' buffers are fetched together.
const BATCH: usize = 16;

/// Calls `f` on each item in turn, `touch` called first on each item of a batch: it
/// touches the buffers the item will read ([`crate::graph::Properties::touch`]).
pub(super) fn batched<T: Copy>(
    items: impl IntoIterator<Item = T>,
    touch: impl Fn(T) -> u8,
    mut f: impl FnMut(T),
) {
    let mut items = items.into_iter().peekable();
    let mut batch: Vec<T> = Vec::with_capacity(BATCH);
    while items.peek().is_some() {
        batch.clear();
        batch.extend(items.by_ref().take(BATCH));
        std::hint::black_box(batch.iter().fold(0, |a, &t| a ^ touch(t)));
        batch.iter().for_each(|&t| f(t));
    }
}

/// Calls `f` on each entity position in turn, in batches (see the module comment).
pub(super) fn each_batched<'g>(
    entities: &'g [Entity],
    positions: impl IntoIterator<Item = usize>,
    mut f: impl FnMut(usize, &'g Entity),
) {
    batched(
        positions,
        |i| entities.get(i).map_or(0, |e| e.properties.touch()),
        |i| {
            if let Some(e) = entities.get(i) {
                f(i, e);
            }
        },
    );
}

/// The fields a step reads of each of its entities, read together: the stored properties
/// in one scan ([`crate::graph::Properties::get_many`]), the system ones (`_key`, …)
/// directly.
pub(super) struct Fields<'f> {
    /// Each distinct field (by name), stored properties first.
    list: Vec<&'f Field>,
    names: Vec<&'f PropName>,
}

impl<'f> Fields<'f> {
    pub(super) fn new(fields: impl IntoIterator<Item = &'f Field>) -> Self {
        let mut list: Vec<&Field> = Vec::new();
        for f in fields {
            if !list.iter().any(|g| g.name() == f.name()) {
                list.push(f);
            }
        }
        list.sort_by_key(|f| !matches!(f, Field::Prop(_)));
        let names = list
            .iter()
            .filter_map(|f| match f {
                Field::Prop(name) => Some(name),
                _ => None,
            })
            .collect();
        Self { list, names }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Empty values, one per field, for [`Fields::read`].
    pub(super) fn values<'g>(&self) -> Vec<Option<PropRef<'g>>> {
        vec![None; self.list.len()]
    }

    /// Reads every field of `entity` into `out` (from [`Fields::values`]).
    pub(super) fn read<'g>(&self, entity: &'g Entity, out: &mut [Option<PropRef<'g>>]) {
        let stored = self.names.len();
        entity.properties.get_many(&self.names, &mut out[..stored]);
        for (value, field) in out[stored..].iter_mut().zip(&self.list[stored..]) {
            *value = field.read(entity);
        }
    }

    /// Where [`Fields::read`] puts `field`.
    pub(super) fn index(&self, field: &Field) -> Option<usize> {
        self.list.iter().position(|f| f.name() == field.name())
    }

    /// The value of `field` among those [`Fields::read`] gave.
    pub(super) fn get<'g>(
        &self,
        values: &[Option<PropRef<'g>>],
        field: &Field,
    ) -> Option<PropRef<'g>> {
        self.index(field)
            .and_then(|i| values.get(i).copied().flatten())
    }
}

/// The fields of every entity of a list, read once, in the list's order (graph order for
/// a step's candidates), in batches: what a walk that reaches the entities in another
/// order, several times each, reads from. Strings are copied into one buffer, so that
/// comparing them later does not miss the cache again on each entity's properties.
pub(super) struct Table<'g> {
    width: usize,
    /// The row of each entity position (`u32::MAX` when not in the list).
    rank: Vec<u32>,
    values: Vec<Option<Stored<'g>>>,
    strings: String,
}

#[derive(Clone, Copy)]
enum Stored<'g> {
    Value(PropRef<'g>),
    /// A range of [`Table::strings`].
    Str(usize, usize),
}

impl<'g> Table<'g> {
    pub(super) fn new(entities: &'g [Entity], list: &[u32], fields: &Fields<'_>) -> Self {
        let width = fields.list.len();
        let mut rank = vec![u32::MAX; entities.len()];
        let mut values = Vec::with_capacity(list.len() * width);
        let mut strings = String::new();
        let mut row = fields.values();
        let mut next = 0_u32;
        each_batched(entities, list.iter().map(|&i| i as usize), |i, e| {
            fields.read(e, &mut row);
            values.extend(row.iter().map(|v| {
                v.map(|v| match v {
                    PropRef::Str(text) => {
                        strings.push_str(text);
                        Stored::Str(strings.len() - text.len(), strings.len())
                    }
                    other => Stored::Value(other),
                })
            }));
            rank[i] = next;
            next += 1;
        });
        Self {
            width,
            rank,
            values,
            strings,
        }
    }

    /// A table of no fields.
    pub(super) fn empty() -> Self {
        Self {
            width: 0,
            rank: Vec::new(),
            values: Vec::new(),
            strings: String::new(),
        }
    }

    /// The value of field `j` (its [`Fields::index`]) of entity `e`.
    pub(super) fn get(&self, e: u32, j: usize) -> Option<PropRef<'_>> {
        let row = *self.rank.get(e as usize)? as usize;
        match self.values.get(row * self.width + j).copied().flatten()? {
            Stored::Value(v) => Some(v),
            Stored::Str(from, to) => self.strings.get(from..to).map(PropRef::Str),
        }
    }
}
