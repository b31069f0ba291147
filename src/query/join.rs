//! The candidates of each step and the semi-joins between consecutive steps.
//!
//! The relationships between two consecutive steps are listed once ([`Pairs`]), the first
//! time the two are joined, walking the adjacency of the smaller of the two candidate
//! sets (their lists fetched in batches, see [`super::reads`]). Every later join of the two, and the walk that makes the paths, reads that flat
//! list instead of the graph's adjacency lists: on a large estate a traversal's time goes
//! to scattered reads of the graph, and this makes one pass of them per link instead of
//! one per join.

use super::links::{Links, touch_lists};
use super::plan::LinkSpec;
use super::reads::batched;

/// A set of entity positions: membership and the list in graph order.
pub(super) struct Set {
    member: Vec<bool>,
    pub(super) list: Vec<u32>,
    /// How many times it has lost members.
    version: u32,
}

impl Set {
    pub(super) fn from_sorted(list: Vec<u32>, n: usize) -> Self {
        let mut member = vec![false; n];
        for &i in &list {
            member[i as usize] = true;
        }
        Self {
            member,
            list,
            version: 0,
        }
    }

    pub(super) fn contains(&self, i: usize) -> bool {
        self.member.get(i).copied().unwrap_or(false)
    }

    /// Keeps only the positions in `keep`.
    fn retain(&mut self, keep: &[bool]) {
        let member = &mut self.member;
        let before = self.list.len();
        self.list.retain(|&i| {
            let k = keep[i as usize];
            if !k {
                member[i as usize] = false;
            }
            k
        });
        if self.list.len() != before {
            self.version = self.version.wrapping_add(1);
        }
    }
}

/// The relationships from the candidates of one step to those of the next, as (left,
/// right, relationship) sorted, one per pair of entities (the relationship with the
/// smallest position: two relationships to the same neighbour make one path), and where
/// each left entity's run starts.
#[derive(Default)]
pub(super) struct Pairs {
    list: Vec<[u32; 3]>,
    /// `list[starts[e]..starts[e + 1]]` are the pairs of left entity `e` (once made).
    starts: Vec<u32>,
}

impl Pairs {
    /// The pairs between `left` and `right` linked by `link`, read from the adjacency of
    /// the smaller set, in batches.
    fn new(links: Option<&Links>, left: &Set, right: &Set, link: &LinkSpec) -> Self {
        let mut list: Vec<[u32; 3]> = Vec::new();
        let Some(links) = links else {
            return Self::default();
        };
        let rightwards = left.list.len() <= right.list.len();
        let (from, to) = if rightwards {
            (left, right)
        } else {
            (right, left)
        };
        links.expect(from.list.len());
        let graph = links.graph();
        let positions = from.list.iter().map(|&e| e as usize);
        batched(
            positions,
            |e| touch_lists(graph, e),
            |e| {
                let e32 = u32::try_from(e).unwrap_or(u32::MAX);
                links.each_neighbour(e, link, !rightwards, &mut |nb, r| {
                    if to.contains(nb) {
                        let nb = u32::try_from(nb).unwrap_or(u32::MAX);
                        list.push(if rightwards {
                            [e32, nb, r]
                        } else {
                            [nb, e32, r]
                        });
                    }
                });
            },
        );
        list.sort_unstable();
        list.dedup_by_key(|p| [p[0], p[1]]);
        Self {
            list,
            starts: Vec::new(),
        }
    }

    /// Indexes the pairs by left entity, for [`Pairs::of`].
    fn index(&mut self, n: usize) {
        let mut starts = vec![0_u32; n + 1];
        for p in &self.list {
            if let Some(s) = starts.get_mut(p[0] as usize + 1) {
                *s += 1;
            }
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        self.starts = starts;
    }

    /// The (right, relationship) pairs of left entity `e`, by right entity.
    pub(super) fn of(&self, e: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let at = e as usize;
        let range = match (self.starts.get(at), self.starts.get(at + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        };
        self.list[range].iter().map(|p| (p[1], p[2]))
    }
}

/// Semi-joins of a chain of candidate sets, and the pairs they read.
pub(super) struct Chain<'a> {
    pub(super) sets: Vec<Set>,
    pairs: Vec<Option<Pairs>>,
    /// The version of the source set when each join (link, rightwards) last ran.
    done: Vec<[Option<u32>; 2]>,
    links: Option<&'a Links<'a>>,
}

impl<'a> Chain<'a> {
    pub(super) fn new(sets: Vec<Set>, links: Option<&'a Links<'a>>) -> Self {
        let k = sets.len();
        Self {
            sets,
            pairs: (0..k).map(|_| None).collect(),
            done: vec![[None; 2]; k],
            links,
        }
    }

    /// Keeps in step `i + 1` (rightwards) or step `i` the entities linked by `link` to
    /// one of the other step. A join whose source has not changed since it last ran
    /// would keep every target: it is skipped.
    pub(super) fn join(&mut self, i: usize, link: &LinkSpec, rightwards: bool) {
        let source = if rightwards { i } else { i + 1 };
        if self.done[i][usize::from(rightwards)] == Some(self.sets[source].version) {
            return;
        }
        let (left, right) = self.sets.split_at_mut(i + 1);
        let (left, right) = (&mut left[i], &mut right[0]);
        let links = self.links;
        let pairs = self.pairs[i].get_or_insert_with(|| Pairs::new(links, left, right, link));
        // Only the pairs of current members are kept (both sets only ever shrink).
        pairs
            .list
            .retain(|p| left.contains(p[0] as usize) && right.contains(p[1] as usize));
        let target = if rightwards { right } else { left };
        let mut reached = vec![false; target.member.len()];
        let side = usize::from(rightwards);
        for p in &pairs.list {
            reached[p[side] as usize] = true;
        }
        target.retain(&reached);
        self.done[i][usize::from(rightwards)] = Some(self.sets[source].version);
    }

    /// Makes the pairs between step `i` and `i + 1` (when the two were never joined) and
    /// indexes them by left entity, for [`Chain::pairs`].
    pub(super) fn index_pairs(&mut self, i: usize, link: &LinkSpec) {
        let n = self.sets[i].member.len();
        let (left, right) = self.sets.split_at(i + 1);
        let links = self.links;
        let pairs =
            self.pairs[i].get_or_insert_with(|| Pairs::new(links, &left[i], &right[0], link));
        if pairs.starts.is_empty() {
            pairs.index(n);
        }
    }

    /// The pairs between step `i` and `i + 1` ([`Chain::index_pairs`] first).
    pub(super) fn pairs(&self, i: usize) -> Option<&Pairs> {
        self.pairs.get(i)?.as_ref()
    }
}
