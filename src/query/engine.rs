//! Runs a [`Plan`] on a [`Graph`].
//!
//! 1. Each step's candidates: the entities of its `_type`s (the type index) or classes, or
//!    all for `*`, kept when its filters hold and none of its negated links leads to a
//!    candidate of the negated step.
//! 2. Semi-joins along the chain ([`super::join`]), starting from the step with the fewest
//!    candidates and going outwards, then one pass each way: afterwards every candidate
//!    left lies on at least one complete path, and no path was listed to get there.
//! 3. Rows: for one alias, its candidates; otherwise the paths over the steps the output
//!    and the cross-alias `WHERE` name (every extension succeeds after step 2), projected
//!    and de-duplicated. Then `ORDER BY`, `COUNT` groups, `SKIP`, `LIMIT`.
//!
//! What keeps it fast on a large graph: every property name is resolved once per query
//! ([`Field`]) and read without decoding the properties before it; an entity's class is
//! checked before its properties are read, and all the properties its filters name are
//! read in one scan, the entities in graph order and in batches ([`super::reads`]); a
//! relationship's ends and verb are read once per run ([`super::links`]), and the
//! relationships between two steps are listed once and then read as a flat list by every
//! join and by the walk; the properties the cross-alias `WHERE` reads are read for every
//! candidate of their step beforehand, in graph order ([`Table`]), not in the walk's
//! order; paths and groups are kept flat, not one allocation each, and paths are not
//! checked for repeats when they cannot repeat; `ORDER BY … LIMIT n` sorts only the first
//! rows it returns, only the rows returned are made, and a returned property is a
//! reference to the entity, read when shown ([`Cell::Prop`]).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

use hashbrown::{DefaultHashBuilder, HashTable};

use crate::graph::{Entity, Graph, PropRef};

use super::ast::{Direction, Expr, Name, Op, Operand, Selector, Verbs};
use super::join::{Chain, Set};
use super::links::Links;
use super::output::{Cell, Output, Traversal};
use super::plan::{Item, LinkSpec, Output as Shape, Plan, PlanStep};
use super::reads::{Fields, Table, each_batched};
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

/// The candidates of a selector with its filters, in graph order (through the type index;
/// a class is looked up in each type's entities). The class and the filters are checked in
/// one pass, every property the filters name read in one scan of each entity's buffer,
/// the entities visited in batches ([`each_batched`]).
fn filtered(graph: &Graph, selector: &Selector, filters: &[Cond]) -> Vec<u32> {
    let entities = graph.entities();
    let mut reads: Vec<(usize, &Field)> = Vec::new();
    for c in filters {
        c.fields(&mut reads);
    }
    let fields = Fields::new(reads.iter().map(|&(_, f)| f));
    let mut values = fields.values();
    let mut list: Vec<u32> = Vec::new();
    let mut scan = |positions: &[usize], class: Option<&str>| {
        // At most all of a type: one allocation (growing a large list is slow on a busy heap).
        if class.is_none() {
            list.reserve(positions.len());
        }
        // The class is checked before the batch touches the entity's properties.
        let of_class = positions
            .iter()
            .copied()
            .filter(|&i| class.is_none_or(|c| has_class(&entities[i], c)));
        if fields.is_empty() {
            list.extend(
                of_class
                    .filter(|&i| filters.iter().all(|c| c.holds(&|_| &entities[i])))
                    .filter_map(|i| u32::try_from(i).ok()),
            );
            return;
        }
        each_batched(entities, of_class, |i, e| {
            fields.read(e, &mut values);
            if filters
                .iter()
                .all(|c| c.holds_with(&|_, f| fields.get(&values, f)))
                && let Ok(i) = u32::try_from(i)
            {
                list.push(i);
            }
        });
    };
    match selector {
        Selector::All => {
            let all: Vec<usize> = (0..entities.len()).collect();
            scan(&all, None);
        }
        Selector::Names(names) => {
            for name in names {
                match name {
                    Name::Type(t) => scan(graph.positions_of_type(t), None),
                    Name::Class(c) => {
                        for t in graph.entity_types() {
                            scan(graph.positions_of_type(t), Some(c));
                        }
                    }
                }
            }
        }
    }
    if !list.is_sorted() {
        list.sort_unstable();
    }
    list.dedup();
    list
}

fn candidates(
    graph: &Graph,
    ends: Option<&Links>,
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
                ends.each_neighbour(i as usize, &negation.link, false, &mut |nb, _| {
                    linked |= excluded.contains(nb);
                });
                !linked
            });
        }
    }
    Set::from_sorted(list, n)
}

fn link_of(plan: &Plan, step: usize) -> &LinkSpec {
    plan.steps[step].link.as_ref().unwrap_or(&LinkSpec {
        verbs: Verbs::Any,
        direction: Direction::Either,
    })
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
    let ends = linked.then(|| Links::new(graph));
    let sets: Vec<Set> = plan
        .steps
        .iter()
        .map(|s| candidates(graph, ends.as_ref(), s, plan, now_ms))
        .collect();
    let mut chain = Chain::new(sets, ends.as_ref());
    if ends.is_some() {
        // Outwards from the most selective step, then one pass each way.
        let sizes: Vec<usize> = chain.sets.iter().map(|s| s.list.len()).collect();
        let start = (0..k).min_by_key(|&i| sizes[i]).unwrap_or(0);
        for i in start..k.saturating_sub(1) {
            chain.join(i, link_of(plan, i + 1), true);
        }
        for i in (0..start).rev() {
            chain.join(i, link_of(plan, i + 1), false);
        }
        for i in 0..k.saturating_sub(1) {
            chain.join(i, link_of(plan, i + 1), true);
        }
        for i in (0..k.saturating_sub(1)).rev() {
            chain.join(i, link_of(plan, i + 1), false);
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
            for &e in &chain.sets[*one].list {
                t[*one] = e;
                tuples.push(&t);
            }
        }
        (_, Some(_)) => {
            let lo = needed.first().copied().unwrap_or(0);
            let hi = needed.last().copied().unwrap_or(0);
            for i in lo..hi {
                chain.index_pairs(i, link_of(plan, i + 1));
            }
            let mut vertices: HashSet<u32> = HashSet::new();
            let mut edges: HashSet<u32> = HashSet::new();
            let mut path = vec![u32::MAX; k];
            let mut key = vec![u32::MAX; k];
            let mut rels: Vec<u32> = Vec::new();
            // Every path is new (no two relationships to one neighbour make two) so, when the
            // tuple is the whole path, it needs no check for repeats.
            let whole_path = needed.len() == hi - lo + 1;
            let mut reads: Vec<(usize, &Field)> = Vec::new();
            if let Some(r) = &residual {
                r.fields(&mut reads);
            }
            // The properties the `WHERE` reads, per step, of every candidate at once.
            let step_fields: Vec<Fields> = (0..k)
                .map(|s| Fields::new(reads.iter().filter(|r| r.0 == s).map(|r| r.1)))
                .collect();
            let tables: Vec<Table> = step_fields
                .iter()
                .zip(&chain.sets)
                .map(|(fields, set)| {
                    if fields.is_empty() {
                        Table::empty()
                    } else {
                        Table::new(entities, &set.list, fields)
                    }
                })
                .collect();
            let mut visit = |path: &[u32], rels: &[u32], values: &[Option<PropRef<'_>>]| {
                if let Some(r) = &residual
                    && !r.holds_with(&|s, field| {
                        reads
                            .iter()
                            .position(|&(at, f)| at == s && std::ptr::eq(f, field))
                            .and_then(|i| values[i])
                    })
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
                if whole_path {
                    tuples.push(&key);
                } else {
                    tuples.insert(&key);
                }
            };
            let mut walk_state = Walk {
                chain: &chain,
                hi,
                values: vec![None; reads.len()],
                reads: reads
                    .iter()
                    .map(|&(s, f)| (s, step_fields[s].index(f).unwrap_or(usize::MAX)))
                    .collect(),
                tables: &tables,
            };
            for &e in &chain.sets[lo].list {
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
            for &e in &chain.sets[0].list {
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
        tree.vertices = chain.sets[0].list.iter().map(|&i| i as usize).collect();
    }
    build_output(plan, graph, &tuples, want_tree.then_some(tree))
}

/// What [`walk`] reads: the candidates and the pairs between them, and the properties the
/// cross-alias `WHERE` reads (`reads`, step and column of that step's table): read
/// beforehand for every candidate of the step, in graph order ([`Table`]); `values` holds
/// them for the current path, each set when the walk reaches its step's entity.
struct Walk<'c, 'a> {
    chain: &'c Chain<'c>,
    hi: usize,
    /// Each read's step and its column in that step's table.
    reads: Vec<(usize, usize)>,
    tables: &'a [Table<'a>],
    values: Vec<Option<PropRef<'a>>>,
}

/// What [`walk`] calls on each complete path: the path, its relationships, the values of
/// [`Walk::reads`].
type Visit<'v, 'a> = dyn FnMut(&[u32], &[u32], &[Option<PropRef<'a>>]) + 'v;

/// Extends `path` from step `at` to step `w.hi`, calling `visit` on each complete path.
fn walk<'a>(
    w: &mut Walk<'_, 'a>,
    at: usize,
    path: &mut Vec<u32>,
    rels: &mut Vec<u32>,
    visit: &mut Visit<'_, 'a>,
) {
    if !w.reads.is_empty() {
        let table = &w.tables[at];
        for (value, &(step, j)) in w.values.iter_mut().zip(&w.reads) {
            if step == at {
                *value = table.get(path[at], j);
            }
        }
    }
    if at == w.hi {
        visit(path, rels, &w.values);
        return;
    }
    let chain = w.chain;
    let Some(pairs) = chain.pairs(at) else {
        return;
    };
    // By neighbour, one relationship each (see [`Pairs`]).
    for (nb, r) in pairs.of(path[at]) {
        if chain.sets[at + 1].contains(nb as usize) {
            path[at + 1] = nb;
            rels.push(r);
            walk(w, at + 1, path, rels, visit);
            rels.pop();
        }
    }
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
                // A property is read when shown ([`Cell::Prop`]); its name is shared.
                let names: Vec<Option<Arc<str>>> = items
                    .iter()
                    .map(|i| match i {
                        Item::Prop(_, p) => Some(Arc::from(p.as_str())),
                        _ => None,
                    })
                    .collect();
                let rows = order_idx[window(order_idx.len())]
                    .iter()
                    .map(|&i| {
                        let t = tuples.get(i);
                        items
                            .iter()
                            .zip(&names)
                            .map(|(item, name)| match (item, name) {
                                (Item::Entity(s), _) => Cell::Entity(t[*s] as usize),
                                (Item::Prop(s, _), Some(name)) => {
                                    Cell::Prop(t[*s] as usize, Arc::clone(name))
                                }
                                _ => Cell::Count(0),
                            })
                            .collect()
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
