//! The relationships a run walks, read once each: both ends as entity positions and the
//! verb, kept in one small record per relationship for the whole run.
//!
//! A relationship is a large object (its key, type, class and properties); the semi-joins
//! and the walk pass over the same relationships several times, and reading the verb
//! from the relationship each time cost a cache miss per neighbour (most of a traversal's
//! time on a large estate). Here the verb is read once per relationship and interned, and
//! the ends are looked up once.
//!
//! An end is looked up by key (one hash) the first time it is needed; once a run has
//! looked up more than a sixteenth of them, or is about to list the neighbours of more
//! entities than that ([`Links::expect`]), all the others are read from the graph's
//! adjacency lists at once (a relationship in an entity's outgoing list starts there; the
//! lists are fetched in batches, see [`super::reads`]), and every verb in one sequential
//! pass over the relationships, which costs one pass instead of a hash or a scattered read
//! per relationship. A small query pays for the few it walks, a large one for one pass.

use std::cell::{Cell, RefCell};

use crate::graph::Graph;

use super::ast::{Direction, Verbs};
use super::plan::LinkSpec;
use super::reads::batched;

const UNKNOWN: u32 = u32::MAX;
const MISSING: u32 = u32::MAX - 1;

/// From, to (entity positions) and verb (an index into `Links::verbs`) per relationship,
/// [`UNKNOWN`] until read.
pub(super) struct Links<'g> {
    graph: &'g Graph,
    at: Vec<Cell<[u32; 3]>>,
    /// The distinct verbs (relationship `_class`es) read so far.
    verbs: RefCell<Vec<&'g str>>,
    looked_up: Cell<usize>,
    filled: Cell<bool>,
}

/// Touches the adjacency lists of entity `e` (for [`batched`]).
pub(super) fn touch_lists(graph: &Graph, e: usize) -> u8 {
    let first = |list: &[u32]| list.first().map_or(0, |&r| r.to_le_bytes()[0]);
    first(graph.outgoing_positions(e)) ^ first(graph.incoming_positions(e))
}

fn verb_matches(verbs: &Verbs, class: &str) -> bool {
    match verbs {
        Verbs::Any => true,
        Verbs::Some(list) => list.iter().any(|v| v.eq_ignore_ascii_case(class)),
    }
}

impl<'g> Links<'g> {
    pub(super) fn new(graph: &'g Graph) -> Self {
        Self {
            graph,
            at: vec![Cell::new([UNKNOWN; 3]); graph.relationships().len()],
            verbs: RefCell::new(Vec::new()),
            looked_up: Cell::new(0),
            filled: Cell::new(false),
        }
    }

    pub(super) fn graph(&self) -> &'g Graph {
        self.graph
    }

    /// The index of `class` among the verbs read so far (added when new).
    fn intern(&self, class: &'g str) -> u32 {
        let mut verbs = self.verbs.borrow_mut();
        let i = match verbs.iter().position(|v| *v == class) {
            Some(i) => i,
            None => {
                verbs.push(class);
                verbs.len() - 1
            }
        };
        u32::try_from(i).unwrap_or(MISSING)
    }

    /// Every end the adjacency lists give, and every verb.
    fn fill(&self) {
        self.filled.set(true);
        let graph = self.graph;
        batched(
            0..graph.entities().len(),
            |e| touch_lists(graph, e),
            |e| {
                let here = u32::try_from(e).unwrap_or(MISSING);
                for (side, list) in [
                    (0, graph.outgoing_positions(e)),
                    (1, graph.incoming_positions(e)),
                ] {
                    for &r in list {
                        if let Some(cell) = self.at.get(r as usize) {
                            let mut record = cell.get();
                            record[side] = here;
                            cell.set(record);
                        }
                    }
                }
            },
        );
        // Consecutive relationships mostly share their verb: compare with the last first.
        let mut last: Option<(&str, u32)> = None;
        for (cell, rel) in self.at.iter().zip(graph.relationships()) {
            let mut record = cell.get();
            if record[2] == UNKNOWN {
                let class: &'g str = &rel.class;
                record[2] = match last {
                    Some((v, id)) if v == class => id,
                    _ => self.intern(class),
                };
                last = Some((class, record[2]));
                cell.set(record);
            }
        }
    }

    /// Reads every end at once when about `entities` entities' neighbours are wanted and
    /// they would look up more ends one by one than the threshold allows anyway.
    pub(super) fn expect(&self, entities: usize) {
        if !self.filled.get() && entities > self.at.len() / 16 {
            self.fill();
        }
    }

    /// The record of relationship `r` with its verb read.
    fn record(&self, r: u32) -> Option<&Cell<[u32; 3]>> {
        let cell = self.at.get(r as usize)?;
        if cell.get()[2] == UNKNOWN {
            let mut record = cell.get();
            record[2] = self.intern(&self.graph.relationships()[r as usize].class);
            cell.set(record);
        }
        Some(cell)
    }

    /// The position of one end (0 from, 1 to) of the relationship whose record is `cell`.
    fn end(&self, r: u32, cell: &Cell<[u32; 3]>, side: usize) -> Option<usize> {
        if cell.get()[side] == UNKNOWN {
            if !self.filled.get() && self.looked_up.get() > self.at.len() / 16 {
                self.fill();
            }
            let mut record = cell.get();
            if record[side] == UNKNOWN {
                let rel = &self.graph.relationships()[r as usize];
                let key = if side == 0 {
                    rel.from_key()
                } else {
                    rel.to_key()
                };
                record[side] = self
                    .graph
                    .entity_position(key)
                    .and_then(|p| u32::try_from(p).ok())
                    .filter(|&p| p < MISSING)
                    .unwrap_or(MISSING);
                cell.set(record);
                self.looked_up.set(self.looked_up.get() + 1);
            }
        }
        let p = cell.get()[side];
        (p < MISSING).then_some(p as usize)
    }

    /// Calls `f(neighbour, relationship)` for each entity linked to `entity` by `link`;
    /// with `reverse`, from the right end of the link to its left.
    pub(super) fn each_neighbour(
        &self,
        entity: usize,
        link: &LinkSpec,
        reverse: bool,
        f: &mut dyn FnMut(usize, u32),
    ) {
        let (out, inc) = match (link.direction, reverse) {
            (Direction::Either, _) => (true, true),
            (Direction::Forward, false) | (Direction::Backward, true) => (true, false),
            (Direction::Forward, true) | (Direction::Backward, false) => (false, true),
        };
        let verb_ok = |id: u32| match &link.verbs {
            Verbs::Any => true,
            Verbs::Some(_) => self
                .verbs
                .borrow()
                .get(id as usize)
                .is_some_and(|v| verb_matches(&link.verbs, v)),
        };
        for (wanted, side, list) in [
            (out, 1, self.graph.outgoing_positions(entity)),
            (inc, 0, self.graph.incoming_positions(entity)),
        ] {
            if !wanted {
                continue;
            }
            for &r in list {
                if let Some(cell) = self.record(r)
                    && verb_ok(cell.get()[2])
                    && let Some(other) = self.end(r, cell, side)
                {
                    f(other, r);
                }
            }
        }
    }
}
