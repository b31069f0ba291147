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

/// The entity positions at both ends of each relationship, looked up by key once per run
/// and only for the relationships a run walks (a lookup hashes a key).
struct Ends {
    at: Vec<[u32; 2]>,
}

const UNKNOWN: u32 = u32::MAX;
const MISSING: u32 = u32::MAX - 1;

impl Ends {
    fn new(graph: &Graph) -> Self {
        Self {
            at: vec![[UNKNOWN; 2]; graph.relationships().len()],
        }
    }

    /// The position of one end (0 from, 1 to) of relationship `r`.
    fn end(&mut self, graph: &Graph, r: u32, side: usize) -> Option<usize> {
        let slot = &mut self.at[r as usize][side];
        if *slot == UNKNOWN {
            let rel = &graph.relationships()[r as usize];
            let key = if side == 0 {
                rel.from_key()
            } else {
                rel.to_key()
            };
            *slot = graph
                .entity_position(key)
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or(MISSING);
        }
        (*slot != MISSING).then_some(*slot as usize)
    }
}

/// Calls `f(neighbour, relationship)` for each entity linked to `entity` by `link`; with
/// `reverse`, from the right end of the link to its left.
fn each_neighbour(
    graph: &Graph,
    ends: &mut Ends,
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
                && let Some(to) = ends.end(graph, r, 1)
            {
                f(to, r);
            }
        }
    }
    if inc {
        for &r in graph.incoming_positions(entity) {
            let rel = &relationships[r as usize];
            if verb_matches(&link.verbs, &rel.class)
                && let Some(from) = ends.end(graph, r, 0)
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

fn candidates(graph: &Graph, ends: &mut Ends, step: &PlanStep, plan: &Plan, now_ms: i64) -> Set {
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
    Set::from_sorted(list, n)
}

/// Keeps in `target` the entities linked to some entity of `source`.
fn semi_join(
    graph: &Graph,
    ends: &mut Ends,
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
    ends: &mut Ends,
    plan: &Plan,
    sets: &mut [Set],
    i: usize,
    rightwards: bool,
) {
    let link = link_of(plan, i + 1).clone();
    let (left, right) = sets.split_at_mut(i + 1);
    if rightwards {
        semi_join(graph, ends, &left[i], &mut right[0], &link, false);
    } else {
        semi_join(graph, ends, &right[0], &mut left[i], &link, true);
    }
}

/// Runs the plan.
pub(crate) fn run(plan: &Plan, graph: &Graph, now_ms: i64) -> Output {
    let k = plan.steps.len();
    let mut ends = Ends::new(graph);
    let mut sets: Vec<Set> = plan
        .steps
        .iter()
        .map(|s| candidates(graph, &mut ends, s, plan, now_ms))
        .collect();
    // Outwards from the most selective step, then one pass each way.
    let start = (0..k).min_by_key(|&i| sets[i].list.len()).unwrap_or(0);
    for i in start..k.saturating_sub(1) {
        join_pair(graph, &mut ends, plan, &mut sets, i, true);
    }
    for i in (0..start).rev() {
        join_pair(graph, &mut ends, plan, &mut sets, i, false);
    }
    for i in 0..k.saturating_sub(1) {
        join_pair(graph, &mut ends, plan, &mut sets, i, true);
    }
    for i in (0..k.saturating_sub(1)).rev() {
        join_pair(graph, &mut ends, plan, &mut sets, i, false);
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
                walk(
                    &mut Walk {
                        graph,
                        ends: &mut ends,
                        plan,
                        sets: &sets,
                        hi,
                    },
                    lo,
                    &mut path,
                    &mut rels,
                    &mut visit,
                );
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

/// What [`walk`] reads.
struct Walk<'a> {
    graph: &'a Graph,
    ends: &'a mut Ends,
    plan: &'a Plan,
    sets: &'a [Set],
    hi: usize,
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
    let mut next: Vec<(usize, u32)> = Vec::new();
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
    for (nb, r) in next {
        path[at + 1] = u32::try_from(nb).unwrap_or(u32::MAX);
        rels.push(r);
        walk(w, at + 1, path, rels, visit);
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
        // Each tuple's keys are looked up once, not at every comparison.
        let mut keyed: Vec<(Vec<Option<crate::graph::PropRef<'_>>>, Vec<u32>)> = tuples
            .into_iter()
            .map(|t| {
                let keys = plan
                    .order
                    .iter()
                    .map(|(step, name, _)| {
                        entities
                            .get(t[*step] as usize)
                            .and_then(|e| property(e, name))
                    })
                    .collect();
                (keys, t)
            })
            .collect();
        keyed.sort_by(|(a, _), (b, _)| {
            for ((x, y), (_, _, descending)) in a.iter().zip(b).zip(&plan.order) {
                let mut o = order(*x, *y);
                if *descending {
                    o = o.reverse();
                }
                if o.is_ne() {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
        tuples = keyed.into_iter().map(|(_, t)| t).collect();
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
/// the number of distinct entities of its alias in the group. Tuples are grouped by the
/// entities the other columns read first (cheap), then those groups by value.
fn grouped(
    items: &[Item],
    tuples: &[Vec<u32>],
    cell: &dyn Fn(&Item, &[u32]) -> Cell,
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
    // By entities.
    let mut by_ids: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut id_groups: Vec<(&[u32], Vec<HashSet<u32>>)> = Vec::new();
    for t in tuples {
        let ids: Vec<u32> = read.iter().map(|&s| t[s]).collect();
        let at = *by_ids.entry(ids).or_insert_with(|| {
            id_groups.push((t.as_slice(), vec![HashSet::new(); counted.len()]));
            id_groups.len() - 1
        });
        for (set, s) in id_groups[at].1.iter_mut().zip(&counted) {
            set.insert(t[*s]);
        }
    }
    // By value, in order of first appearance.
    let mut by_value: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<(Vec<Cell>, Vec<HashSet<u32>>)> = Vec::new();
    for (t, sets) in id_groups {
        let cells: Vec<Cell> = items.iter().map(|i| cell(i, t)).collect();
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
