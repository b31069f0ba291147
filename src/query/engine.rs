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
//!    and de-duplicated. Then `COUNT` groups, `ORDER BY`, `SKIP`, `LIMIT`.

use std::collections::{HashMap, HashSet};

use crate::graph::{Entity, Graph};

use super::ast::{Direction, Expr, Name, Op, Operand, Selector, Verbs};
use super::output::{Cell, Output, Traversal};
use super::plan::{Item, LinkSpec, Output as Shape, Plan, PlanStep};
use super::value::{Needle, compare, compare_props, has_class, order, property};

/// A compiled condition: needles resolved, aliases as step numbers.
enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Value {
        slot: usize,
        name: String,
        op: Op,
        needle: Needle,
    },
    Props {
        left: (usize, String),
        op: Op,
        right: (usize, String),
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
            Expr::Or(all) => Self::Or(
                all.iter()
                    .map(|e| Self::compile(e, slots, now_ms))
                    .collect(),
            ),
            Expr::Cmp(c) => match &c.right {
                Operand::Literal(l) => Self::Value {
                    slot: slot(&c.left.alias),
                    name: c.left.name.clone(),
                    op: c.op,
                    needle: Needle::from_literal(l, now_ms),
                },
                Operand::Prop(p) => Self::Props {
                    left: (slot(&c.left.alias), c.left.name.clone()),
                    op: c.op,
                    right: (slot(&p.alias), p.name.clone()),
                },
            },
        }
    }

    fn holds<'g>(&self, get: &dyn Fn(usize) -> &'g Entity) -> bool {
        match self {
            Self::And(all) => all.iter().all(|c| c.holds(get)),
            Self::Or(all) => all.iter().any(|c| c.holds(get)),
            Self::Value {
                slot,
                name,
                op,
                needle,
            } => compare(property(get(*slot), name), *op, needle),
            Self::Props { left, op, right } => compare_props(
                property(get(left.0), &left.1),
                *op,
                property(get(right.0), &right.1),
            ),
        }
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

/// Calls `f(neighbour, relationship)` for each entity linked to `entity` by `link`; with
/// `reverse`, from the right end of the link to its left.
fn each_neighbour(
    graph: &Graph,
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
            let rel = &relationships[r as usize];
            if verb_matches(&link.verbs, &rel.class)
                && let Some(to) = graph.entity_position(rel.to_key())
            {
                f(to, r);
            }
        }
    }
    if inc {
        for &r in graph.incoming_positions(entity) {
            let rel = &relationships[r as usize];
            if verb_matches(&link.verbs, &rel.class)
                && let Some(from) = graph.entity_position(rel.from_key())
            {
                f(from, r);
            }
        }
    }
}

/// The entities a selector names, in graph order.
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

fn candidates(graph: &Graph, step: &PlanStep, plan: &Plan, now_ms: i64) -> Set {
    let n = graph.entities().len();
    let compile = |filters: &[Expr]| -> Vec<Cond> {
        filters
            .iter()
            .map(|f| Cond::compile(f, &plan.slots, now_ms))
            .collect()
    };
    let mut list = filtered(graph, &step.selector, &compile(&step.filters));
    for negation in &step.negations {
        let excluded = Set::from_sorted(
            filtered(graph, &negation.selector, &compile(&negation.filters)),
            n,
        );
        list.retain(|&i| {
            let mut linked = false;
            each_neighbour(graph, i as usize, &negation.link, false, &mut |nb, _| {
                linked |= excluded.contains(nb);
            });
            !linked
        });
    }
    Set::from_sorted(list, n)
}

/// Keeps in `target` the entities linked to some entity of `source`.
fn semi_join(graph: &Graph, source: &Set, target: &mut Set, link: &LinkSpec, reverse: bool) {
    let mut reached = vec![false; graph.entities().len()];
    for &e in &source.list {
        each_neighbour(graph, e as usize, link, reverse, &mut |nb, _| {
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
fn join_pair(graph: &Graph, plan: &Plan, sets: &mut [Set], i: usize, rightwards: bool) {
    let link = link_of(plan, i + 1).clone();
    let (left, right) = sets.split_at_mut(i + 1);
    if rightwards {
        semi_join(graph, &left[i], &mut right[0], &link, false);
    } else {
        semi_join(graph, &right[0], &mut left[i], &link, true);
    }
}

/// Runs the plan.
pub(crate) fn run(plan: &Plan, graph: &Graph, now_ms: i64) -> Output {
    let k = plan.steps.len();
    let mut sets: Vec<Set> = plan
        .steps
        .iter()
        .map(|s| candidates(graph, s, plan, now_ms))
        .collect();
    // Outwards from the most selective step, then one pass each way.
    let start = (0..k).min_by_key(|&i| sets[i].list.len()).unwrap_or(0);
    for i in start..k.saturating_sub(1) {
        join_pair(graph, plan, &mut sets, i, true);
    }
    for i in (0..start).rev() {
        join_pair(graph, plan, &mut sets, i, false);
    }
    for i in 0..k.saturating_sub(1) {
        join_pair(graph, plan, &mut sets, i, true);
    }
    for i in (0..k.saturating_sub(1)).rev() {
        join_pair(graph, plan, &mut sets, i, false);
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

    // Tuples: one entity per step (u32::MAX where the step is not needed).
    let mut tuples: Vec<Vec<u32>> = Vec::new();
    let mut tree = Traversal::default();
    let want_tree = matches!(plan.output, Shape::Tree);
    match needed.as_slice() {
        [one] if residual.is_none() => {
            for &e in &sets[*one].list {
                let mut t = vec![u32::MAX; k];
                t[*one] = e;
                tuples.push(t);
            }
        }
        _ => {
            let lo = needed.first().copied().unwrap_or(0);
            let hi = needed.last().copied().unwrap_or(0);
            let mut seen: HashSet<Vec<u32>> = HashSet::new();
            let mut vertices: HashSet<u32> = HashSet::new();
            let mut edges: HashSet<u32> = HashSet::new();
            let mut path = vec![u32::MAX; k];
            let mut rels: Vec<u32> = Vec::new();
            let mut visit = |path: &[u32], rels: &[u32]| {
                if let Some(r) = &residual
                    && !r.holds(&|s| &entities[path[s] as usize])
                {
                    return;
                }
                if want_tree {
                    vertices.extend(path[lo..=hi].iter().copied());
                    edges.extend(rels.iter().copied());
                }
                let key: Vec<u32> = (0..k)
                    .map(|s| {
                        if needed.contains(&s) {
                            path[s]
                        } else {
                            u32::MAX
                        }
                    })
                    .collect();
                if seen.insert(key.clone()) {
                    tuples.push(key);
                }
            };
            for &e in &sets[lo].list {
                path[lo] = e;
                walk(graph, plan, &sets, lo, hi, &mut path, &mut rels, &mut visit);
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
    }
    if want_tree && k == 1 {
        tree.vertices = sets[0].list.iter().map(|&i| i as usize).collect();
    }
    build_output(plan, graph, tuples, want_tree.then_some(tree))
}

/// Extends `path` from step `at` to step `hi`, calling `visit` on each complete path.
#[allow(clippy::too_many_arguments)]
fn walk(
    graph: &Graph,
    plan: &Plan,
    sets: &[Set],
    at: usize,
    hi: usize,
    path: &mut Vec<u32>,
    rels: &mut Vec<u32>,
    visit: &mut dyn FnMut(&[u32], &[u32]),
) {
    if at == hi {
        visit(path, rels);
        return;
    }
    let link = link_of(plan, at + 1);
    let mut next: Vec<(usize, u32)> = Vec::new();
    each_neighbour(graph, path[at] as usize, link, false, &mut |nb, r| {
        if sets[at + 1].contains(nb) {
            next.push((nb, r));
        }
    });
    // Two relationships to the same neighbour make one path.
    next.sort_unstable();
    next.dedup_by_key(|x| x.0);
    for (nb, r) in next {
        path[at + 1] = u32::try_from(nb).unwrap_or(u32::MAX);
        rels.push(r);
        walk(graph, plan, sets, at + 1, hi, path, rels, visit);
        rels.pop();
    }
}

fn build_output(
    plan: &Plan,
    graph: &Graph,
    mut tuples: Vec<Vec<u32>>,
    tree: Option<Traversal>,
) -> Output {
    let entities = graph.entities();
    if !plan.order.is_empty() {
        tuples.sort_by(|a, b| {
            for (step, name, descending) in &plan.order {
                let pa = entities
                    .get(a[*step] as usize)
                    .and_then(|e| property(e, name));
                let pb = entities
                    .get(b[*step] as usize)
                    .and_then(|e| property(e, name));
                let mut o = order(pa, pb);
                if *descending {
                    o = o.reverse();
                }
                if o.is_ne() {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
    }
    let (columns, mut rows) = match &plan.output {
        Shape::Default | Shape::Tree => {
            let rows = if let (Shape::Tree, Some(t)) = (&plan.output, &tree) {
                t.vertices.iter().map(|&v| vec![Cell::Entity(v)]).collect()
            } else {
                tuples
                    .iter()
                    .map(|t| vec![Cell::Entity(t[0] as usize)])
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
            let cell = |item: &Item, t: &[u32]| -> Cell {
                match item {
                    Item::Entity(s) => Cell::Entity(t[*s] as usize),
                    Item::Prop(s, p) => Cell::Value(
                        entities
                            .get(t[*s] as usize)
                            .and_then(|e| property(e, p))
                            .map(|v| v.to_value()),
                    ),
                    Item::Count(_) => Cell::Count(0),
                }
            };
            if items.iter().any(|i| matches!(i, Item::Count(_))) {
                (columns, grouped(items, &tuples, &cell))
            } else {
                let rows = tuples
                    .iter()
                    .map(|t| items.iter().map(|i| cell(i, t)).collect())
                    .collect();
                (columns, rows)
            }
        }
    };
    let skip = plan.skip.unwrap_or(0).min(rows.len());
    rows.drain(..skip);
    if let Some(limit) = plan.limit {
        rows.truncate(limit);
    }
    Output {
        columns,
        rows,
        tree,
    }
}

/// Rows of a `RETURN` with `COUNT`: one per distinct value of the other columns, each count
/// the number of distinct entities of its alias in the group.
fn grouped(
    items: &[Item],
    tuples: &[Vec<u32>],
    cell: &dyn Fn(&Item, &[u32]) -> Cell,
) -> Vec<Vec<Cell>> {
    let mut order: Vec<Vec<Cell>> = Vec::new();
    let mut groups: HashMap<String, (usize, Vec<HashSet<u32>>)> = HashMap::new();
    let counted: Vec<usize> = items
        .iter()
        .filter_map(|i| match i {
            Item::Count(s) => Some(*s),
            _ => None,
        })
        .collect();
    for t in tuples {
        let cells: Vec<Cell> = items.iter().map(|i| cell(i, t)).collect();
        let key = serde_json::to_string(&cells).unwrap_or_default();
        let entry = groups.entry(key).or_insert_with(|| {
            order.push(cells);
            (order.len() - 1, vec![HashSet::new(); counted.len()])
        });
        for (set, s) in entry.1.iter_mut().zip(&counted) {
            set.insert(t[*s]);
        }
    }
    if tuples.is_empty() && items.iter().all(|i| matches!(i, Item::Count(_))) {
        return vec![items.iter().map(|_| Cell::Count(0)).collect()];
    }
    let mut by_index: Vec<(usize, Vec<HashSet<u32>>)> = groups.into_values().collect();
    by_index.sort_by_key(|g| g.0);
    by_index
        .into_iter()
        .map(|(index, sets)| {
            let mut counts = sets.into_iter().map(|s| s.len());
            order[index]
                .iter()
                .map(|c| match c {
                    Cell::Count(_) => Cell::Count(counts.next().unwrap_or(0)),
                    other => other.clone(),
                })
                .collect()
        })
        .collect()
}
