//! Which relationships leave (or reach) each entity: positions in the graph's relationship
//! list, per entity position, in the order the relationships were added.
//!
//! A graph built in one go ([`super::Graph::adopt_relationships`]) holds them packed: one
//! list of positions and one offset per entity, 8 bytes per entity and 4 per relationship.
//! One list per entity (24 bytes per entity plus an allocation each) made up most of the
//! growth when the `huge` estate's graph was finished. A graph that grows one object at a
//! time holds one list per entity, and a packed one switches to that on its first change.

/// Relationship positions per entity position.
#[derive(Debug, Clone)]
pub(super) enum Adjacency {
    /// The positions of entity `e` are `positions[offsets[e]..offsets[e + 1]]`.
    Packed {
        offsets: Vec<u32>,
        positions: Vec<u32>,
    },
    Lists(Vec<Vec<u32>>),
}

impl Default for Adjacency {
    fn default() -> Self {
        Self::Lists(Vec::new())
    }
}

impl Adjacency {
    pub(super) fn with_capacity(entities: usize) -> Self {
        Self::Lists(Vec::with_capacity(entities))
    }

    /// `entities` entities and no relationships, packed.
    pub(super) fn empty(entities: usize) -> Self {
        Self::Packed {
            offsets: vec![0; entities + 1],
            positions: Vec::new(),
        }
    }

    /// Packs `ends` (entity position, relationship position), given in the order of the
    /// relationships, for `entities` entities.
    pub(super) fn packed(entities: usize, ends: &[(u32, u32)]) -> Self {
        let mut offsets = vec![0u32; entities + 1];
        for &(e, _) in ends {
            offsets[e as usize + 1] += 1;
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        // `next[e]`: where entity `e`'s next position goes.
        let mut next = offsets.clone();
        let mut positions = vec![0u32; ends.len()];
        for &(e, r) in ends {
            let slot = &mut next[e as usize];
            positions[*slot as usize] = r;
            *slot += 1;
        }
        Self::Packed { offsets, positions }
    }

    /// The relationship positions of entity `entity` (none when out of range).
    pub(super) fn of(&self, entity: usize) -> &[u32] {
        match self {
            Self::Packed { offsets, positions } => {
                match (offsets.get(entity), offsets.get(entity + 1)) {
                    (Some(&start), Some(&end)) => &positions[start as usize..end as usize],
                    _ => &[],
                }
            }
            Self::Lists(lists) => lists.get(entity).map_or(&[], Vec::as_slice),
        }
    }

    /// One list per entity, unpacking first if packed.
    fn lists(&mut self) -> &mut Vec<Vec<u32>> {
        if let Self::Packed { offsets, .. } = self {
            let lists = (0..offsets.len().saturating_sub(1))
                .map(|e| self.of(e).to_vec())
                .collect();
            *self = Self::Lists(lists);
        }
        match self {
            Self::Lists(lists) => lists,
            Self::Packed { .. } => unreachable!("unpacked above"),
        }
    }

    /// Room for one more entity, with no relationships.
    pub(super) fn add_entity(&mut self) {
        self.lists().push(Vec::new());
    }

    /// Records that relationship `relationship` leaves (or reaches) entity `entity`.
    pub(super) fn push(&mut self, entity: usize, relationship: u32) {
        if let Some(list) = self.lists().get_mut(entity) {
            list.push(relationship);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Adjacency;

    #[test]
    fn packed_lists_each_entitys_relationships_in_order_and_unpack_on_change() {
        let ends = [(2, 0), (0, 1), (2, 2), (2, 3), (1, 4)];
        let mut a = Adjacency::packed(4, &ends);
        assert_eq!(a.of(0), [1]);
        assert_eq!(a.of(1), [4]);
        assert_eq!(a.of(2), [0, 2, 3]);
        assert_eq!(a.of(3), [] as [u32; 0]);
        assert_eq!(a.of(4), [] as [u32; 0]);
        a.push(0, 5);
        a.add_entity();
        a.push(4, 6);
        assert!(matches!(a, Adjacency::Lists(_)));
        assert_eq!(a.of(0), [1, 5]);
        assert_eq!(a.of(2), [0, 2, 3]);
        assert_eq!(a.of(4), [6]);
        let empty = Adjacency::empty(3);
        assert_eq!(empty.of(2), [] as [u32; 0]);
    }
}
