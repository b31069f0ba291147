//! Runs a [`Plan`] on a [`Graph`].
//!
//! 1. Each step's candidates: the entities of its `_type`s (the type index) or classes, or
//!    all for `*`, kept when its filters hold and none of its negated links leads to a
//!    candidate of the negated step.
//! 2. Semi-joins along the chain, starting from the step with the fewest candidates and
//!    going outwards, then one pass each way: afterwards every candidate left lies on at
//!    least one complete path, and no path was listed to get there.
//! 3. Rows: for one alias, its candidates; otherwise the paths over the steps the output
//!    and the cross-alias `WHERE` name (every extension succeeds after step 2), projected
//!    and de-duplicated. Then `ORDER BY`, `COUNT` groups, `SKIP`, `LIMIT`.
//!
//! What keeps it fast on a large graph: every property name is resolved once per query
//! ([`Field`]) and read without decoding the properties before it; a relationship's ends
//! come from the adjacency lists (no key is hashed); paths and groups are kept flat, not
//! one allocation each; `ORDER BY … LIMIT n` sorts only the first rows it returns, and only
//! the rows returned are made.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

use hashbrown::{DefaultHashBuilder, HashTable};

use crate::graph::{Entity, Graph, PropRef};

use super::ast::{Direction, Expr, Name, Op, Operand, Selector, Verbs};
use super::output::{Cell, Output, Traversal};
use super::plan::{Item, LinkSpec, Output as Shape, Plan, PlanStep};
use super::value::{Field, Needle, compare, compare_props, has_class, order};

/// A compiled condition: needles resolved, property names resolved ([`Field`]), aliases as
/// step numbers.
enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Value {
        slot: usize,
        field: Field,
        op: Op,
        needle: Needle,
    },
    /// `p = 'a' OR p = 'b' OR …` on one property: the property is read once.
    AnyOf {
        slot: usize,
        field: Field,
        tests: Vec<(Op, Needle)>,
    },
    Props {
        left: (usize, Field),
        op: Op,
        right: (usize, Field),
    },
}

impl Cond {
    fn compile(expr: &Expr, slots: &HashMap<String, usize>, now_ms: i64) -> Self {
        let slot = |alias: &Option<String>| {
            alias
                .as_ref()
                .and_then(|a| slots.get(a).copied())
                .unwrap_or(0)
        };
        match expr {
            Expr::And(all) => Self::And(
                all.iter()
                    .map(|e| Self::compile(e, slots, now_ms))
                    .collect(),
            ),
            Expr::Or(all) => Self::any_of(
                all.iter()
                    .map(|e| Self::compile(e, slots, now_ms))
                    .collect(),
            ),
            Expr::Cmp(c) => match &c.right {
                Operand::Literal(l) => Self::Value {
                    slot: slot(&c.left.alias),
                    field: Field::new(&c.left.name),
                    op: c.op,
                    needle: Needle::from_literal(l, now_ms),
                },
                Operand::Prop(p) => Self::Props {
                    left: (slot(&c.left.alias), Field::new(&c.left.name)),
                    op: c.op,
                    right: (slot(&p.alias), Field::new(&p.name)),
                },
            },
        }
    }

    /// An `OR` of comparisons of one property becomes one [`Cond::AnyOf`].
    fn any_of(all: Vec<Self>) -> Self {
        let same = match all.first() {
            Some(Self::Value { slot, field, .. }) => all.iter().all(|c| {
                matches!(c, Self::Value { slot: s, field: f, .. } if s == slot && f.name() == field.name())
            }),
            _ => false,
        };
        if !same || all.len() < 2 {
            return Self::Or(all);
        }
        let mut slot = 0;
        let mut field = None;
        let mut tests = Vec::with_capacity(all.len());
        for c in all {
            if let Self::Value {
                slot: s,
                field: f,
                op,
                needle,
            } = c
            {
                slot = s;
                field.get_or_insert(f);
                tests.push((op, needle));
            }
        }
        match field {
            Some(field) => Self::AnyOf { slot, field, tests },
            None => Self::Or(Vec::new()),
        }
    }

    fn holds<'g>(&self, get: &dyn Fn(usize) -> &'g Entity) -> bool {
        self.holds_with(&|slot, field| field.read(get(slot)))
    }

    /// Whether the condition holds, `read(slot, field)` giving the step's property.
    fn holds_with<'g>(&self, read: &dyn Fn(usize, &Field) -> Option<PropRef<'g>>) -> bool {
        match self {
            Self::And(all) => all.iter().all(|c| c.holds_with(read)),
            Self::Or(all) => all.iter().any(|c| c.holds_with(read)),
            Self::Value {
                slot,
                field,
                op,
                needle,
            } => compare(read(*slot, field), *op, needle),
            Self::AnyOf { slot, field, tests } => {
                let value = read(*slot, field);
                tests.iter().any(|(op, needle)| compare(value, *op, needle))
            }
            Self::Props { left, op, right } => {
                compare_props(read(left.0, &left.1), *op, read(right.0, &right.1))
            }
        }
    }

    /// Every (step, property) the condition reads.
    fn fields<'c>(&'c self, out: &mut Vec<(usize, &'c Field)>) {
        match self {
            Self::And(all) | Self::Or(all) => all.iter().for_each(|c| c.fields(out)),
            Self::Value { slot, field, .. } | Self::AnyOf { slot, field, .. } => {
                out.push((*slot, field));
            }
            Self::Props { left, right, .. } => {
                out.push((left.0, &left.1));
                out.push((right.0, &right.1));
            }
        }
    }
}

/// The properties a cross-alias `WHERE` reads, read once per candidate entity of their
/// step (the paths revisit the same entities many times), indexed by entity position.
struct Columns<'g> {
    columns: Vec<(usize, String, Vec<Option<PropRef<'g>>>)>,
}

impl<'g> Columns<'g> {
    fn new(cond: &Cond, sets: &[Set], entities: &'g [Entity]) -> Self {
        let mut fields = Vec::new();
        cond.fields(&mut fields);
        let mut columns: Vec<(usize, String, Vec<Option<PropRef<'g>>>)> = Vec::new();
        for (slot, field) in fields {
            if columns
                .iter()
                .any(|(s, name, _)| *s == slot && name == field.name())
            {
                continue;
            }
            let mut values = vec![None; entities.len()];
            for &e in &sets[slot].list {
                values[e as usize] = field.read(&entities[e as usize]);
            }
            columns.push((slot, field.name().to_owned(), values));
        }
        Self { columns }
    }

    /// The property `field` of step `slot`'s entity at `entity`.
    fn read(&self, slot: usize, field: &Field, entity: u32) -> Option<PropRef<'g>> {
        self.columns
            .iter()
            .find(|(s, name, _)| *s == slot && name == field.name())
            .and_then(|(_, _, values)| values.get(entity as usize).copied().flatten())
    }
}

/// A set of entity positions: membership and the list in graph order.
struct Set {
    member: Vec<bool>,
    list: Vec<u32>,
}

impl Set {
    fn from_sorted(list: Vec<u32>, n: usize) -> Self {
        let mut member = vec![false; n];
        for &i in &list {
            member[i as usize] = true;
        }
        Self { member, list }
    }

    fn contains(&self, i: usize) -> bool {
        self.member.get(i).copied().unwrap_or(false)
    }

    /// Keeps only the positions in `keep`.
    fn retain(&mut self, keep: &[bool]) {
        let member = &mut self.member;
        self.list.retain(|&i| {
            let k = keep[i as usize];
            if !k {
                member[i as usize] = false;
            }
            k
        });
    }
}

fn verb_matches(verbs: &Verbs, class: &str) -> bool {
    match verbs {
        Verbs::Any => true,
        Verbs::Some(list) => list.iter().any(|v| v.eq_ignore_ascii_case(class)),
    }
}

/// The entity positions at both ends of the relationships a run walks. An end is looked up
/// by key (one hash) the first time it is needed; once a run has looked up more than a
/// sixteenth of them, all the others are read from the graph's adjacency lists at once (a
/// relationship in an entity's outgoing list starts there), which costs one pass over the
/// lists instead of a hash per relationship. A small query pays for the few it walks, a
/// large one for one pass.
struct Ends<'g> {
    graph: &'g Graph,
    at: Vec<std::cell::Cell<[u32; 2]>>,
    looked_up: std::cell::Cell<usize>,
    filled: std::cell::Cell<bool>,
}

const UNKNOWN: u32 = u32::MAX;
const MISSING: u32 = u32::MAX - 1;

impl<'g> Ends<'g> {
    fn new(graph: &'g Graph) -> Self {
        Self {
            graph,
            at: vec![std::cell::Cell::new([UNKNOWN; 2]); graph.relationships().len()],
            looked_up: std::cell::Cell::new(0),
            filled: std::cell::Cell::new(false),
        }
    }

    /// Every end the adjacency lists give.
    fn fill(&self) {
        self.filled.set(true);
        for e in 0..self.graph.entities().len() {
            let here = u32::try_from(e).unwrap_or(MISSING);
            for (side, list) in [
                (0, self.graph.outgoing_positions(e)),
                (1, self.graph.incoming_positions(e)),
            ] {
                for &r in list {
                    if let Some(cell) = self.at.get(r as usize) {
                        let mut ends = cell.get();
                        ends[side] = here;
                        cell.set(ends);
                    }
                }
            }
        }
    }

    /// The position of one end (0 from, 1 to) of relationship `r`.
    fn end(&self, r: u32, side: usize) -> Option<usize> {
        let cell = self.at.get(r as usize)?;
        if cell.get()[side] == UNKNOWN {
            if !self.filled.get() && self.looked_up.get() > self.at.len() / 16 {
                self.fill();
            }
            let mut ends = cell.get();
            if ends[side] == UNKNOWN {
                let rel = &self.graph.relationships()[r as usize];
                let key = if side == 0 {
                    rel.from_key()
                } else {
                    rel.to_key()
                };
                ends[side] = self
                    .graph
                    .entity_position(key)
                    .and_then(|p| u32::try_from(p).ok())
                    .filter(|&p| p < MISSING)
                    .unwrap_or(MISSING);
                cell.set(ends);
                self.looked_up.set(self.looked_up.get() + 1);
            }
        }
        let p = cell.get()[side];
        (p < MISSING).then_some(p as usize)
    }
}

/// Calls `f(neighbour, relationship)` for each entity linked to `entity` by `link`; with
/// `reverse`, from the right end of the link to its left.
fn each_neighbour(
    graph: &Graph,
    ends: &Ends,
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
    let relationships = graph.relationships();
    if out {
        for &r in graph.outgoing_positions(entity) {
            if verb_matches(&link.verbs, &relationships[r as usize].class)
                && let Some(to) = ends.end(r, 1)
            {
                f(to, r);
            }
        }
    }
    if inc {
        for &r in graph.incoming_positions(entity) {
            if verb_matches(&link.verbs, &relationships[r as usize].class)
                && let Some(from) = ends.end(r, 0)
            {
                f(from, r);
            }
        }
    }
}

/// The entities a selector names, in graph order (through the type index; a class is
/// looked up in each type's entities).
fn selected(graph: &Graph, selector: &Selector) -> Vec<u32> {
    let n = graph.entities().len();
    let all = || (0..n).filter_map(|i| u32::try_from(i).ok());
    match selector {
        Selector::All => all().collect(),
        Selector::Names(names) => {
            let mut list: Vec<u32> = Vec::new();
            for name in names {
                match name {
                    Name::Type(t) => list.extend(
                        graph
                            .positions_of_type(t)
                            .iter()
                            .filter_map(|&i| u32::try_from(i).ok()),
                    ),
                    Name::Class(c) => {
                        for t in graph.entity_types() {
                            let positions = graph.positions_of_type(t);
                            list.extend(
                                positions
                                    .iter()
                                    .filter(|&&i| has_class(&graph.entities()[i], c))
                                    .filter_map(|&i| u32::try_from(i).ok()),
                            );
                        }
                    }
                }
            }
            list.sort_unstable();
            list.dedup();
            list
        }
    }
}

/// The candidates of a selector with its filters.
fn filtered(graph: &Graph, selector: &Selector, filters: &[Cond]) -> Vec<u32> {
    let entities = graph.entities();
    let mut list = selected(graph, selector);
    if !filters.is_empty() {
        list.retain(|&i| {
            let e = &entities[i as usize];
            filters.iter().all(|c| c.holds(&|_| e))
        });
    }
    list
}

fn candidates(
    graph: &Graph,
    ends: Option<&Ends>,
    step: &PlanStep,
    plan: &Plan,
    now_ms: i64,
) -> Set {
    let n = graph.entities().len();
    let compile = |filters: &[Expr]| -> Vec<Cond> {
        filters
            .iter()
            .map(|f| Cond::compile(f, &plan.slots, now_ms))
            .collect()
    };
    let mut list = filtered(graph, &step.selector, &compile(&step.filters));
    if let Some(ends) = ends {
        for negation in &step.negations {
            let excluded = Set::from_sorted(
                filtered(graph, &negation.selector, &compile(&negation.filters)),
                n,
            );
            list.retain(|&i| {
                let mut linked = false;
                each_neighbour(
                    graph,
                    ends,
                    i as usize,
                    &negation.link,
                    false,
                    &mut |nb, _| {
                        linked |= excluded.contains(nb);
                    },
                );
                !linked
            });
        }
    }
    Set::from_sorted(list, n)
}

/// Keeps in `target` the entities linked to some entity of `source`.
fn semi_join(
    graph: &Graph,
    ends: &Ends,
    source: &Set,
    target: &mut Set,
    link: &LinkSpec,
    reverse: bool,
) {
    let mut reached = vec![false; graph.entities().len()];
    for &e in &source.list {
        each_neighbour(graph, ends, e as usize, link, reverse, &mut |nb, _| {
            if target.contains(nb) {
                reached[nb] = true;
            }
        });
    }
    target.retain(&reached);
}

fn link_of(plan: &Plan, step: usize) -> &LinkSpec {
    plan.steps[step].link.as_ref().unwrap_or(&LinkSpec {
        verbs: Verbs::Any,
        direction: Direction::Either,
    })
}

/// Joins step `i` (left) and `i + 1` (right) one way.
fn join_pair(
    graph: &Graph,
    ends: &Ends,
    plan: &Plan,
    sets: &mut [Set],
    i: usize,
    rightwards: bool,
) {
    let link = link_of(plan, i + 1);
    let (left, right) = sets.split_at_mut(i + 1);
    if rightwards {
        semi_join(graph, ends, &left[i], &mut right[0], link, false);
    } else {
        semi_join(graph, ends, &right[0], &mut left[i], link, true);
    }
}

/// Result tuples: one entity position per step (`u32::MAX` where the step is not needed),
/// `width` to a tuple, stored flat and de-duplicated through a hash table of their
/// indexes: a query over a large estate makes hundreds of thousands of them.
struct Tuples {
    width: usize,
    data: Vec<u32>,
    seen: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl Tuples {
    fn new(width: usize) -> Self {
        Self {
            width: width.max(1),
            data: Vec::new(),
            seen: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
        }
    }

    fn len(&self) -> usize {
        self.data.len() / self.width
    }

    fn get(&self, i: usize) -> &[u32] {
        &self.data[i * self.width..(i + 1) * self.width]
    }

    /// Adds a tuple known to be new.
    fn push(&mut self, tuple: &[u32]) {
        self.data.extend_from_slice(tuple);
    }

    /// Adds a tuple unless it is there already.
    fn insert(&mut self, tuple: &[u32]) {
        let w = self.width;
        let hash = self.hasher.hash_one(tuple);
        let data = &self.data;
        if self
            .seen
            .find(hash, |&i| {
                &data[i as usize * w..(i as usize + 1) * w] == tuple
            })
            .is_some()
        {
            return;
        }
        let index = u32::try_from(self.len()).unwrap_or(u32::MAX);
        self.data.extend_from_slice(tuple);
        let (data, hasher) = (&self.data, &self.hasher);
        self.seen.insert_unique(hash, index, |&i| {
            hasher.hash_one(&data[i as usize * w..(i as usize + 1) * w])
        });
    }
}

/// Runs the plan.
pub(crate) fn run(plan: &Plan, graph: &Graph, now_ms: i64) -> Output {
    let k = plan.steps.len();
    let linked = k > 1 || plan.steps.iter().any(|s| !s.negations.is_empty());
    let ends = linked.then(|| Ends::new(graph));
    let mut sets: Vec<Set> = plan
        .steps
        .iter()
        .map(|s| candidates(graph, ends.as_ref(), s, plan, now_ms))
        .collect();
    if let Some(ends) = &ends {
        // Outwards from the most selective step, then one pass each way.
        let start = (0..k).min_by_key(|&i| sets[i].list.len()).unwrap_or(0);
        for i in start..k.saturating_sub(1) {
            join_pair(graph, ends, plan, &mut sets, i, true);
        }
        for i in (0..start).rev() {
            join_pair(graph, ends, plan, &mut sets, i, false);
        }
        for i in 0..k.saturating_sub(1) {
            join_pair(graph, ends, plan, &mut sets, i, true);
        }
        for i in (0..k.saturating_sub(1)).rev() {
            join_pair(graph, ends, plan, &mut sets, i, false);
        }
    }

    let residual = plan
        .residual
        .as_ref()
        .map(|r| Cond::compile(r, &plan.slots, now_ms));
    let entities = graph.entities();
    let mut needed: Vec<usize> = match &plan.output {
        Shape::Default => vec![0],
        Shape::Tree => (0..k).collect(),
        Shape::Items(items) => items
            .iter()
            .map(|i| match i {
                Item::Entity(s) | Item::Prop(s, _) | Item::Count(s) => *s,
            })
            .collect(),
    };
    needed.extend(plan.order.iter().map(|o| o.0));
    if residual.is_some() {
        needed.extend(0..k);
    }
    needed.sort_unstable();
    needed.dedup();

    let mut tuples = Tuples::new(k);
    let mut tree = Traversal::default();
    let want_tree = matches!(plan.output, Shape::Tree);
    match (needed.as_slice(), &ends) {
        ([one], _) if residual.is_none() => {
            let mut t = vec![u32::MAX; k];
            for &e in &sets[*one].list {
                t[*one] = e;
                tuples.push(&t);
            }
        }
        (_, Some(ends)) => {
            let lo = needed.first().copied().unwrap_or(0);
            let hi = needed.last().copied().unwrap_or(0);
            let mut vertices: HashSet<u32> = HashSet::new();
            let mut edges: HashSet<u32> = HashSet::new();
            let mut path = vec![u32::MAX; k];
            let mut key = vec![u32::MAX; k];
            let mut rels: Vec<u32> = Vec::new();
            let columns = residual.as_ref().map(|r| Columns::new(r, &sets, entities));
            let mut visit = |path: &[u32], rels: &[u32]| {
                if let (Some(r), Some(columns)) = (&residual, &columns)
                    && !r.holds_with(&|s, field| columns.read(s, field, path[s]))
                {
                    return;
                }
                if want_tree {
                    vertices.extend(path[lo..=hi].iter().copied());
                    edges.extend(rels.iter().copied());
                }
                for &s in &needed {
                    key[s] = path[s];
                }
                tuples.insert(&key);
            };
            let mut walk_state = Walk {
                graph,
                ends,
                plan,
                sets: &sets,
                hi,
                next: vec![Vec::new(); k],
            };
            for &e in &sets[lo].list {
                path[lo] = e;
                walk(&mut walk_state, lo, &mut path, &mut rels, &mut visit);
            }
            if want_tree {
                let mut v: Vec<u32> = vertices.into_iter().collect();
                v.sort_unstable();
                let mut r: Vec<u32> = edges.into_iter().collect();
                r.sort_unstable();
                tree.vertices = v.into_iter().map(|i| i as usize).collect();
                tree.edges = r.into_iter().map(|i| i as usize).collect();
            }
        }
        // One step with a residual `WHERE` (it names one alias twice): no walk needed.
        (_, None) => {
            let mut t = vec![u32::MAX; k];
            for &e in &sets[0].list {
                t[0] = e;
                if residual
                    .as_ref()
                    .is_none_or(|r| r.holds(&|s| &entities[t[s] as usize]))
                {
                    tuples.push(&t);
                }
            }
        }
    }
    if want_tree && k == 1 {
        tree.vertices = sets[0].list.iter().map(|&i| i as usize).collect();
    }
    build_output(plan, graph, &tuples, want_tree.then_some(tree))
}

/// What [`walk`] reads, and one buffer of neighbours per step (reused, not allocated at
/// every entity).
struct Walk<'a> {
    graph: &'a Graph,
    ends: &'a Ends<'a>,
    plan: &'a Plan,
    sets: &'a [Set],
    hi: usize,
    next: Vec<Vec<(usize, u32)>>,
}

/// Extends `path` from step `at` to step `w.hi`, calling `visit` on each complete path.
fn walk(
    w: &mut Walk<'_>,
    at: usize,
    path: &mut Vec<u32>,
    rels: &mut Vec<u32>,
    visit: &mut dyn FnMut(&[u32], &[u32]),
) {
    if at == w.hi {
        visit(path, rels);
        return;
    }
    let link = link_of(w.plan, at + 1);
    let mut next = std::mem::take(&mut w.next[at]);
    next.clear();
    let sets = w.sets;
    each_neighbour(
        w.graph,
        w.ends,
        path[at] as usize,
        link,
        false,
        &mut |nb, r| {
            if sets[at + 1].contains(nb) {
                next.push((nb, r));
            }
        },
    );
    // Two relationships to the same neighbour make one path.
    next.sort_unstable();
    next.dedup_by_key(|x| x.0);
    for &(nb, r) in &next {
        path[at + 1] = u32::try_from(nb).unwrap_or(u32::MAX);
        rels.push(r);
        walk(w, at + 1, path, rels, visit);
        rels.pop();
    }
    w.next[at] = next;
}

/// The order of the tuples: graph order, or `ORDER BY` (each tuple's keys read once, ties
/// kept in graph order). With `want` (the rows after `SKIP` up to `LIMIT`), only that many
/// come out sorted.
fn ordered(plan: &Plan, graph: &Graph, tuples: &Tuples, want: Option<usize>) -> Vec<usize> {
    let n = tuples.len();
    let mut idx: Vec<usize> = (0..n).collect();
    if plan.order.is_empty() {
        return idx;
    }
    let entities = graph.entities();
    let fields: Vec<(usize, Field, bool)> = plan
        .order
        .iter()
        .map(|(step, name, descending)| (*step, Field::new(name), *descending))
        .collect();
    let nk = fields.len();
    let mut keys: Vec<Option<PropRef<'_>>> = Vec::with_capacity(n * nk);
    for i in 0..n {
        let t = tuples.get(i);
        keys.extend(
            fields.iter().map(|(step, field, _)| {
                entities.get(t[*step] as usize).and_then(|e| field.read(e))
            }),
        );
    }
    let cmp = |a: &usize, b: &usize| {
        for (j, (_, _, descending)) in fields.iter().enumerate() {
            let mut o = order(keys[a * nk + j], keys[b * nk + j]);
            if *descending {
                o = o.reverse();
            }
            if o.is_ne() {
                return o;
            }
        }
        a.cmp(b)
    };
    match want {
        Some(w) if w < n => {
            if w > 0 {
                idx.select_nth_unstable_by(w - 1, cmp);
            }
            idx.truncate(w);
            idx.sort_unstable_by(cmp);
        }
        _ => idx.sort_unstable_by(cmp),
    }
    idx
}

fn build_output(plan: &Plan, graph: &Graph, tuples: &Tuples, tree: Option<Traversal>) -> Output {
    let entities = graph.entities();
    let skip = plan.skip.unwrap_or(0);
    let grouping = matches!(&plan.output, Shape::Items(items) if items.iter().any(|i| matches!(i, Item::Count(_))));
    // Rows are the tuples one to one (neither groups nor the traversal's vertices): only
    // those after SKIP up to LIMIT are sorted and made.
    let one_to_one = !grouping && !matches!(plan.output, Shape::Tree);
    let want = plan
        .limit
        .filter(|_| one_to_one)
        .map(|l| skip.saturating_add(l));
    let order_idx = ordered(plan, graph, tuples, want);
    let window = |rows: usize| -> std::ops::Range<usize> {
        let from = skip.min(rows);
        let to = plan
            .limit
            .map_or(rows, |l| from.saturating_add(l).min(rows));
        from..to
    };
    let (columns, rows) = match &plan.output {
        Shape::Default | Shape::Tree => {
            let rows: Vec<Vec<Cell>> = if let (Shape::Tree, Some(t)) = (&plan.output, &tree) {
                t.vertices[window(t.vertices.len())]
                    .iter()
                    .map(|&v| vec![Cell::Entity(v)])
                    .collect()
            } else {
                order_idx[window(order_idx.len())]
                    .iter()
                    .map(|&i| vec![Cell::Entity(tuples.get(i)[0] as usize)])
                    .collect()
            };
            (vec![plan.steps[0].name.clone()], rows)
        }
        Shape::Items(items) => {
            let columns = items
                .iter()
                .map(|i| match i {
                    Item::Entity(s) => plan.steps[*s].name.clone(),
                    Item::Prop(s, p) => format!("{}.{p}", plan.steps[*s].name),
                    Item::Count(s) => format!("COUNT({})", plan.steps[*s].name),
                })
                .collect();
            let fields: Vec<Option<Field>> = items
                .iter()
                .map(|i| match i {
                    Item::Prop(_, p) => Some(Field::new(p)),
                    _ => None,
                })
                .collect();
            let cell = |at: usize, t: &[u32]| -> Cell {
                match (&items[at], &fields[at]) {
                    (Item::Entity(s), _) => Cell::Entity(t[*s] as usize),
                    (Item::Prop(s, _), Some(field)) => Cell::Value(
                        entities
                            .get(t[*s] as usize)
                            .and_then(|e| field.read(e))
                            .map(|v| v.to_value()),
                    ),
                    _ => Cell::Count(0),
                }
            };
            if grouping {
                let sorted: Vec<&[u32]> = order_idx.iter().map(|&i| tuples.get(i)).collect();
                let mut rows = grouped(items, &sorted, &cell);
                let w = window(rows.len());
                rows.truncate(w.end);
                rows.drain(..w.start);
                (columns, rows)
            } else {
                let rows = order_idx[window(order_idx.len())]
                    .iter()
                    .map(|&i| {
                        let t = tuples.get(i);
                        (0..items.len()).map(|at| cell(at, t)).collect()
                    })
                    .collect();
                (columns, rows)
            }
        }
    };
    Output {
        columns,
        rows,
        tree,
    }
}

/// Rows of a `RETURN` with `COUNT`: one per distinct value of the other columns, each count
/// the number of distinct entities of its alias in the group. Tuples are grouped by the
/// entities the other columns read first (cheap), then those groups by value.
fn grouped(
    items: &[Item],
    tuples: &[&[u32]],
    cell: &dyn Fn(usize, &[u32]) -> Cell,
) -> Vec<Vec<Cell>> {
    let counted: Vec<usize> = items
        .iter()
        .filter_map(|i| match i {
            Item::Count(s) => Some(*s),
            _ => None,
        })
        .collect();
    let mut read: Vec<usize> = items
        .iter()
        .filter_map(|i| match i {
            Item::Entity(s) | Item::Prop(s, _) => Some(*s),
            Item::Count(_) => None,
        })
        .collect();
    read.sort_unstable();
    read.dedup();
    if tuples.is_empty() && read.is_empty() {
        return vec![items.iter().map(|_| Cell::Count(0)).collect()];
    }
    // By entities: a table of group indexes hashed on the read columns of each tuple (no
    // key allocated per tuple); the counted entities in sets of positions.
    let hasher = DefaultHashBuilder::default();
    let hash_of = |t: &[u32]| {
        let mut h = hasher.build_hasher();
        for &s in &read {
            h.write_u32(t[s]);
        }
        h.finish()
    };
    let mut by_ids: HashTable<usize> = HashTable::new();
    let mut id_groups: Vec<(&[u32], Vec<hashbrown::HashSet<u32>>)> = Vec::new();
    for &t in tuples {
        let hash = hash_of(t);
        let found = by_ids
            .find(hash, |&g| read.iter().all(|&s| id_groups[g].0[s] == t[s]))
            .copied();
        let at = match found {
            Some(g) => g,
            None => {
                id_groups.push((t, vec![hashbrown::HashSet::new(); counted.len()]));
                let g = id_groups.len() - 1;
                by_ids.insert_unique(hash, g, |&g| hash_of(id_groups[g].0));
                g
            }
        };
        for (set, s) in id_groups[at].1.iter_mut().zip(&counted) {
            set.insert(t[*s]);
        }
    }
    // By value, in order of first appearance.
    let mut by_value: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<(Vec<Cell>, Vec<hashbrown::HashSet<u32>>)> = Vec::new();
    for (t, sets) in id_groups {
        let cells: Vec<Cell> = (0..items.len()).map(|at| cell(at, t)).collect();
        let key = serde_json::to_string(&cells).unwrap_or_default();
        match by_value.get(&key) {
            Some(&at) => {
                for (mine, theirs) in groups[at].1.iter_mut().zip(sets) {
                    mine.extend(theirs);
                }
            }
            None => {
                by_value.insert(key, groups.len());
                groups.push((cells, sets));
            }
        }
    }
    groups
        .into_iter()
        .map(|(cells, sets)| {
            let mut counts = sets.into_iter().map(|s| s.len());
            cells
                .into_iter()
                .map(|c| match c {
                    Cell::Count(_) => Cell::Count(counts.next().unwrap_or(0)),
                    other => other,
                })
                .collect()
        })
        .collect()
}
