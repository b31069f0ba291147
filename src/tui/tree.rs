//! The explorer's tree: enterprise accounts → teams → apps → add-ons, with members under each
//! account and team, built once from the graph. Which relationships a node's children come
//! from, and the groups they sit in, is the data model's table (`graph::types`); a failed list
//! marks the group of its owner (matched by `_key`) partial.
//!
//! Nodes are stored in depth-first order. The rows on screen come from `visible`, a list of
//! node indices recomputed only when something opens, closes or the filter changes, so
//! drawing a frame reads just the rows it shows: O(visible rows), not O(nodes).

use std::collections::{HashMap, HashSet};

use crate::estate::{ListFailure, ListKind};
use crate::graph::Graph;
use crate::graph::types::{self, RelationshipKind};

/// What a security engineer looks for, as bit flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Markers(pub u16);

impl Markers {
    pub const NO_2FA: Self = Self(1);
    pub const ADMIN: Self = Self(1 << 1);
    pub const FEDERATED: Self = Self(1 << 2);
    pub const COLLABORATOR: Self = Self(1 << 3);
    pub const MAINTENANCE: Self = Self(1 << 4);
    pub const UNLOCKED: Self = Self(1 << 5);
    pub const ARCHIVED: Self = Self(1 << 6);
    pub const DEPROVISIONED: Self = Self(1 << 7);
    pub const PARTIAL: Self = Self(1 << 8);
    /// New since the last sync to the current target.
    pub const NEW: Self = Self(1 << 9);
    /// Changed since the last sync to the current target.
    pub const CHANGED: Self = Self(1 << 10);
    /// New or changed since the last sync.
    pub const SINCE_SYNC: Self = Self(Self::NEW.0 | Self::CHANGED.0);
    /// A row of the last J1QL query (set by [`Tree::mark_entities`], no tag).
    pub const QUERY: Self = Self(1 << 11);

    /// Every marker with its short tag, in display order.
    pub const ALL: [(Self, &'static str); 11] = [
        (Self::NEW, "new"),
        (Self::CHANGED, "changed"),
        (Self::PARTIAL, "partial"),
        (Self::NO_2FA, "no 2FA"),
        (Self::ADMIN, "admin"),
        (Self::FEDERATED, "SSO"),
        (Self::COLLABORATOR, "collaborator"),
        (Self::MAINTENANCE, "maintenance"),
        (Self::ARCHIVED, "archived"),
        (Self::DEPROVISIONED, "deprovisioned"),
        (Self::UNLOCKED, "unlocked"),
    ];

    #[must_use]
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    #[must_use]
    pub const fn intersects(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    pub fn insert(&mut self, other: Self) {
        self.0 |= other.0;
    }

    /// The tags of the markers set.
    pub fn tags(self) -> impl Iterator<Item = (Self, &'static str)> {
        Self::ALL
            .into_iter()
            .filter(move |(m, _)| self.contains(*m))
    }
}

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Account,
    Team,
    User,
    App,
    Addon,
    /// "Members (n)", "Teams (n)", "Apps (n)", "Not under any enterprise account (n)".
    Group,
}

/// One row of the tree.
#[derive(Debug, Clone)]
pub struct Node {
    /// Stable across refreshes: `<owner key>/<group>/<key>`, e.g. `<team id>/apps/<app id>`.
    pub id: Box<str>,
    pub label: Box<str>,
    /// Context shown after the label, e.g. a team role.
    pub note: Option<Box<str>>,
    pub kind: NodeKind,
    /// The entity's index in the graph.
    pub entity: Option<u32>,
    pub parent: Option<u32>,
    pub depth: u16,
    /// The index one past this node's last descendant (nodes are in depth-first order).
    pub end: u32,
    pub child_count: u32,
    pub markers: Markers,
    /// This node's markers and every descendant's.
    pub subtree: Markers,
    /// Why the list under this node is incomplete.
    pub partial: Option<Box<str>>,
    /// Lower-cased label, key and e-mail, for search.
    haystack: Box<str>,
}

impl Node {
    #[must_use]
    pub fn has_children(&self) -> bool {
        self.child_count > 0
    }
}

/// The tree with its open state and its visible rows.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    nodes: Vec<Node>,
    open: Vec<bool>,
    visible: Vec<u32>,
    filter: Markers,
    by_id: HashMap<Box<str>, u32>,
    /// Entity index → its first node, for jumps.
    by_entity: HashMap<u32, u32>,
}

struct Builder<'g> {
    graph: &'g Graph,
    nodes: Vec<Node>,
    failures: &'g [ListFailure],
    /// Per graph entity: whether a node shows it.
    placed: Vec<bool>,
}

/// The node kind of an entity type.
fn node_kind(entity_type: &str) -> NodeKind {
    match entity_type {
        types::ACCOUNT => NodeKind::Account,
        types::TEAM => NodeKind::Team,
        types::USER => NodeKind::User,
        types::APPLICATION => NodeKind::App,
        // A leaf, drawn plainly.
        _ => NodeKind::Addon,
    }
}

/// The lists whose failure leaves the targets of `kind` incomplete, and everything the tree
/// shows below them: the relationship's own lists first.
fn lists_below(kind: &RelationshipKind, out: &mut Vec<ListKind>) {
    out.extend_from_slice(kind.read_by);
    for child in types::entity_kind(kind.to).map_or(&[][..], |k| k.tree_children) {
        if let Some(k) = types::relationship_kind(child) {
            lists_below(k, out);
        }
    }
}

fn entity_markers(graph: &Graph, index: usize) -> Markers {
    let e = &graph.entities()[index];
    let p = &e.properties;
    let mut m = Markers::default();
    match e.entity_type.as_ref() {
        types::USER => {
            if p.bool("mfaEnabled") == Some(false) {
                m.insert(Markers::NO_2FA);
            }
            if p.bool("isAdmin") == Some(true) {
                m.insert(Markers::ADMIN);
            }
            if p.bool("federated") == Some(true) {
                m.insert(Markers::FEDERATED);
            }
            if p.get_ref("enterpriseAccountIds")
                .and_then(|v| v.as_array())
                .is_some_and(|a| a.is_empty())
            {
                m.insert(Markers::COLLABORATOR);
            }
        }
        types::APPLICATION => {
            if p.bool("maintenance") == Some(true) {
                m.insert(Markers::MAINTENANCE);
            }
            if p.bool("locked") == Some(false) {
                m.insert(Markers::UNLOCKED);
            }
            if p.get("archivedOn").is_some() {
                m.insert(Markers::ARCHIVED);
            }
        }
        types::ADDON if p.str("state") == Some("deprovisioned") => m.insert(Markers::DEPROVISIONED),
        _ => {}
    }
    m
}

/// The ends of `from`'s outgoing relationships of one type, with what the relationship says
/// of them: its `role`, else the permissions it grants (`manage,billing,create,view`).
fn targets<'g>(graph: &'g Graph, from: &str, relationship_type: &str) -> Vec<(&'g str, String)> {
    graph
        .outgoing(from)
        .filter(|r| r.relationship_type == relationship_type)
        .map(|r| {
            let note = r.properties.str("role").map_or_else(
                || {
                    ["canManage", "canBilling", "canCreate", "canView"]
                        .iter()
                        .filter(|p| r.properties.bool(p) == Some(true))
                        .map(|p| p.trim_start_matches("can").to_lowercase())
                        .collect::<Vec<_>>()
                        .join(",")
                },
                str::to_owned,
            );
            (r.to_key(), note)
        })
        .collect()
}

impl Builder<'_> {
    fn push(
        &mut self,
        parent: Option<u32>,
        id: String,
        label: String,
        kind: NodeKind,
        entity: Option<usize>,
    ) -> u32 {
        let depth = parent.map_or(0, |p| self.nodes[p as usize].depth + 1);
        let mut haystack = label.to_lowercase();
        let mut markers = Markers::default();
        if let Some(i) = entity {
            let e = &self.graph.entities()[i];
            haystack.push('\n');
            haystack.push_str(&e.key.to_lowercase());
            if let Some(email) = e.properties.str("name") {
                haystack.push('\n');
                haystack.push_str(&email.to_lowercase());
            }
            markers = entity_markers(self.graph, i);
        }
        let index = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(Node {
            id: id.into(),
            label: label.into(),
            note: None,
            kind,
            entity: entity.and_then(|i| u32::try_from(i).ok()),
            parent,
            depth,
            end: index + 1,
            child_count: 0,
            markers,
            subtree: markers,
            partial: None,
            haystack: haystack.into(),
        });
        if let Some(p) = parent {
            self.nodes[p as usize].child_count += 1;
        }
        index
    }

    fn close(&mut self, index: u32) {
        let end = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        let node = &mut self.nodes[index as usize];
        node.end = end;
        let mut subtree = node.markers;
        for child in &self.nodes[index as usize + 1..end as usize] {
            subtree.insert(child.markers);
        }
        self.nodes[index as usize].subtree = subtree;
    }

    fn group(
        &mut self,
        parent: u32,
        id: String,
        name: &str,
        count: usize,
        failure: Option<&ListFailure>,
    ) -> u32 {
        let g = self.push(
            Some(parent),
            id,
            format!("{name} ({count})"),
            NodeKind::Group,
            None,
        );
        if let Some(f) = failure {
            let node = &mut self.nodes[g as usize];
            node.partial = Some(f.describe().into());
            node.markers.insert(Markers::PARTIAL);
            node.subtree.insert(Markers::PARTIAL);
        }
        g
    }

    /// The failure that makes the `kind` group under `owner` incomplete, if any.
    fn failure(&self, owner: &str, kind: &RelationshipKind) -> Option<&'_ ListFailure> {
        let mut lists = Vec::new();
        lists_below(kind, &mut lists);
        lists.iter().find_map(|list| {
            self.failures
                .iter()
                .find(|f| f.list == *list && f.owner == owner)
        })
    }

    /// The node of entity `index` under `parent`, with everything the data model puts below
    /// it, closed.
    fn entity_subtree(&mut self, parent: Option<u32>, id: String, index: usize, note: String) {
        let graph = self.graph;
        let e = &graph.entities()[index];
        let kind = node_kind(&e.entity_type);
        let mut label = e.display_name().to_owned();
        if kind == NodeKind::User {
            // Users read best as "Name <email>" when the name is known.
            let email = e.properties.str("name").unwrap_or(&e.key);
            if label != email {
                label = format!("{label} <{email}>");
            }
        }
        let node = self.push(parent, id, label, kind, Some(index));
        if !note.is_empty() {
            self.nodes[node as usize].note = Some(note.into());
        }
        self.placed[index] = true;
        let key = e.key.as_str();
        let children = types::entity_kind(&e.entity_type).map_or(&[][..], |k| k.tree_children);
        for &relationship_type in children {
            let Some(rk) = types::relationship_kind(relationship_type) else {
                continue;
            };
            let targets = targets(graph, key, relationship_type);
            let (parent, prefix) = match rk.tree_group {
                Some(name) => {
                    let prefix = format!("{key}/{}", name.to_lowercase());
                    let failure = self.failure(key, rk).cloned();
                    let g = self.group(node, prefix.clone(), name, targets.len(), failure.as_ref());
                    (g, prefix)
                }
                None => (node, key.to_owned()),
            };
            for (to, note) in targets {
                if let Some(i) = graph.entity_position(to) {
                    self.entity_subtree(Some(parent), format!("{prefix}/{to}"), i, note);
                }
            }
            if parent != node {
                self.close(parent);
            }
        }
        self.close(node);
    }
}

impl Tree {
    /// Builds the tree of `graph`; `failures` put partial markers on the lists they concern.
    #[must_use]
    pub fn build(graph: &Graph, failures: &[ListFailure]) -> Self {
        let mut b = Builder {
            graph,
            nodes: Vec::new(),
            failures,
            placed: vec![false; graph.entities().len()],
        };
        // The roots: entity types no relationship leads to.
        let roots = types::ENTITY_KINDS.iter().filter(|k| {
            !types::RELATIONSHIP_KINDS
                .iter()
                .any(|r| r.to == k.entity_type)
        });
        for root in roots {
            for e in graph.entities_of_type(root.entity_type) {
                if let Some(i) = graph.entity_position(&e.key) {
                    b.entity_subtree(None, e.key.clone(), i, String::new());
                }
            }
        }
        // What no root leads to (a graph read from a folder may hold such objects) still
        // deserves a place.
        let unplaced: Vec<usize> = (0..graph.entities().len())
            .filter(|&i| !b.placed[i])
            .collect();
        if !unplaced.is_empty() {
            let g = b.push(
                None,
                "unplaced".into(),
                String::new(),
                NodeKind::Group,
                None,
            );
            for i in unplaced {
                // An earlier one may have placed it below itself.
                if !b.placed[i] {
                    let id = format!("unplaced/{}", graph.entities()[i].key);
                    b.entity_subtree(Some(g), id, i, String::new());
                }
            }
            let node = &mut b.nodes[g as usize];
            node.label = format!("Not under any enterprise account ({})", node.child_count).into();
            b.close(g);
        }
        let nodes = b.nodes;
        let by_id = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), i as u32))
            .collect();
        let mut by_entity = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            if let Some(e) = n.entity {
                by_entity.entry(e).or_insert(i as u32);
            }
        }
        // Accounts and their groups start open, so the first screen shows teams.
        let open = nodes
            .iter()
            .map(|n| n.depth == 0 || (n.depth == 1 && n.id.ends_with("/teams")))
            .collect();
        let mut tree = Self {
            nodes,
            open,
            visible: Vec::new(),
            filter: Markers::default(),
            by_id,
            by_entity,
        };
        tree.refresh_visible();
        tree
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    #[must_use]
    pub fn node(&self, index: u32) -> &Node {
        &self.nodes[index as usize]
    }

    #[must_use]
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The rows on screen, as node indices.
    #[must_use]
    pub fn visible(&self) -> &[u32] {
        &self.visible
    }

    #[must_use]
    pub fn is_open(&self, index: u32) -> bool {
        self.open[index as usize] || !self.filter_is_off()
    }

    #[must_use]
    pub fn filter(&self) -> Markers {
        self.filter
    }

    fn filter_is_off(&self) -> bool {
        self.filter.0 == 0
    }

    /// Sets `marker` on every node showing one of `entities` (and in its ancestors'
    /// subtrees), clearing it everywhere else: how a query's rows become a filter.
    pub fn mark_entities(&mut self, entities: &[usize], marker: Markers) {
        let wanted: HashSet<u32> = entities
            .iter()
            .filter_map(|&e| u32::try_from(e).ok())
            .collect();
        for n in &mut self.nodes {
            n.markers.0 &= !marker.0;
            n.subtree.0 &= !marker.0;
        }
        for i in 0..self.nodes.len() {
            if !self.nodes[i].entity.is_some_and(|e| wanted.contains(&e)) {
                continue;
            }
            self.nodes[i].markers.insert(marker);
            let mut at = Some(i as u32);
            while let Some(j) = at {
                let node = &mut self.nodes[j as usize];
                node.subtree.insert(marker);
                at = node.parent;
            }
        }
        self.refresh_visible();
    }

    /// Marks entity nodes `[new]` / `[changed]` against the last sync: `marks[i]` for the
    /// graph's entity `i` (computed by the preview task; an empty slice clears them).
    pub fn set_change_marks(&mut self, marks: &[Markers]) {
        let bits = Markers::SINCE_SYNC.0;
        for n in &mut self.nodes {
            n.markers.0 &= !bits;
            n.subtree.0 &= !bits;
            if let Some(m) = n.entity.and_then(|e| marks.get(e as usize)) {
                n.markers.0 |= m.0 & bits;
                n.subtree.0 |= m.0 & bits;
            }
        }
        // Children follow their parent (pre-order): in reverse, each passes its marks up.
        for i in (0..self.nodes.len()).rev() {
            let m = self.nodes[i].subtree.0 & bits;
            if let (Some(p), true) = (self.nodes[i].parent, m != 0) {
                self.nodes[p as usize].subtree.0 |= m;
            }
        }
        self.refresh_visible();
    }

    /// Shows only nodes with one of `filter`'s markers, with their ancestors, all open.
    pub fn set_filter(&mut self, filter: Markers) {
        self.filter = filter;
        self.refresh_visible();
    }

    pub fn set_open(&mut self, index: u32, open: bool) {
        if self.open[index as usize] != open && self.nodes[index as usize].has_children() {
            self.open[index as usize] = open;
            self.refresh_visible();
        }
    }

    /// Opens every node (for the benchmark's worst case, and `*`).
    pub fn open_all(&mut self) {
        self.open.iter_mut().for_each(|o| *o = true);
        self.refresh_visible();
    }

    /// Opens every ancestor of `index`, so it becomes visible.
    pub fn reveal(&mut self, index: u32) {
        let mut changed = false;
        let mut p = self.nodes[index as usize].parent;
        while let Some(i) = p {
            changed |= !self.open[i as usize];
            self.open[i as usize] = true;
            p = self.nodes[i as usize].parent;
        }
        if changed {
            self.refresh_visible();
        }
    }

    fn refresh_visible(&mut self) {
        self.visible.clear();
        let filter = self.filter;
        let mut i = 0usize;
        while i < self.nodes.len() {
            let n = &self.nodes[i];
            if !self.filter_is_off() && !n.subtree.intersects(filter) {
                i = n.end as usize;
                continue;
            }
            self.visible.push(i as u32);
            let open = self.open[i] || !self.filter_is_off();
            i = if open { i + 1 } else { n.end as usize };
        }
    }

    /// The position of node `index` among the visible rows.
    #[must_use]
    pub fn row_of(&self, index: u32) -> Option<usize> {
        // Visible rows are in node order, so a binary search finds it.
        self.visible.binary_search(&index).ok()
    }

    #[must_use]
    pub fn find_id(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// The first node showing graph entity `entity`.
    #[must_use]
    pub fn node_of_entity(&self, entity: usize) -> Option<u32> {
        self.by_entity.get(&u32::try_from(entity).ok()?).copied()
    }

    /// Ids of the open nodes, to restore after a refresh.
    #[must_use]
    pub fn open_ids(&self) -> HashSet<Box<str>> {
        self.nodes
            .iter()
            .zip(&self.open)
            .filter(|(_, o)| **o)
            .map(|(n, _)| n.id.clone())
            .collect()
    }

    /// Restores the open state saved by [`Tree::open_ids`].
    pub fn restore_open(&mut self, ids: &HashSet<Box<str>>) {
        for (n, o) in self.nodes.iter().zip(self.open.iter_mut()) {
            *o = ids.contains(&n.id);
        }
        self.refresh_visible();
    }

    /// The next node after `from` (wrapping, or before it when `backwards`) whose label, key or
    /// e-mail contains `query` (case-insensitive). Searches the whole tree, open or not.
    #[must_use]
    pub fn search(
        &self,
        query: &str,
        from: Option<u32>,
        backwards: bool,
        include_from: bool,
    ) -> Option<u32> {
        if query.is_empty() || self.nodes.is_empty() {
            return None;
        }
        let q = query.to_lowercase();
        let n = self.nodes.len();
        let start = from.map_or(0, |f| f as usize);
        let matches = |i: usize| self.nodes[i].haystack.contains(q.as_str());
        if include_from && from.is_some() && matches(start) {
            return from;
        }
        (1..=n)
            .map(|step| {
                if backwards {
                    (start + n * 2 - step) % n
                } else {
                    (start + step) % n
                }
            })
            .find(|&i| matches(i))
            .map(|i| i as u32)
    }

    /// How many nodes match `query`.
    #[must_use]
    pub fn count_matches(&self, query: &str) -> usize {
        if query.is_empty() {
            return 0;
        }
        let q = query.to_lowercase();
        self.nodes
            .iter()
            .filter(|n| n.haystack.contains(q.as_str()))
            .count()
    }

    /// The position (from 1) of node `index` among the nodes matching `query`, in the order
    /// [`Tree::search`] goes through them.
    #[must_use]
    pub fn match_rank(&self, query: &str, index: u32) -> usize {
        let q = query.to_lowercase();
        self.nodes[..=(index as usize).min(self.nodes.len().saturating_sub(1))]
            .iter()
            .filter(|n| n.haystack.contains(q.as_str()))
            .count()
    }

    /// An estimate of the memory the tree holds, in bytes.
    #[must_use]
    pub fn memory_bytes(&self) -> usize {
        let per_node = std::mem::size_of::<Node>() + 1;
        let strings: usize = self
            .nodes
            .iter()
            .map(|n| {
                n.id.len()
                    + n.label.len()
                    + n.haystack.len()
                    + n.note.as_ref().map_or(0, |s| s.len())
            })
            .sum();
        self.nodes.len() * per_node
            + strings
            + self.visible.capacity() * 4
            + self.by_id.len() * (16 + 4 + 8)
            + self.by_entity.len() * 16
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::graph::entity::{Entity, Properties, Relationship};

    fn entity(key: &str, entity_type: &'static str, name: &str) -> Entity {
        let mut properties = Properties::new();
        properties.set("name", name);
        properties.set("displayName", name);
        Entity {
            key: key.to_owned(),
            entity_type: Cow::Borrowed(entity_type),
            class: Cow::Borrowed(types::class_of(entity_type).unwrap_or("Entity")),
            properties,
            raw_data: Vec::new(),
        }
    }

    #[test]
    fn a_failed_list_marks_the_group_of_its_owner_by_key() {
        let mut g = Graph::new();
        g.add_entity(entity("account-0000000001", types::ACCOUNT, "acme"));
        // Two teams with the same name: only the key tells them apart.
        g.add_entity(entity("team-0000000001", types::TEAM, "web"));
        g.add_entity(entity("team-0000000002", types::TEAM, "web"));
        for t in ["team-0000000001", "team-0000000002"] {
            g.add_relationship(Relationship::direct(
                types::ACCOUNT_HAS_TEAM,
                "HAS",
                "account-0000000001",
                t,
            ));
        }
        let failure = ListFailure {
            list: ListKind::TeamMembers,
            owner: "team-0000000002".into(),
            target: "team web".into(),
            reason: "403".into(),
        };
        let tree = Tree::build(&g, &[failure]);
        let partial = |id: &str| tree.node(tree.find_id(id).unwrap()).partial.is_some();
        assert!(partial("team-0000000002/members"));
        assert!(!partial("team-0000000001/members"));
        assert!(!partial("team-0000000002/apps"));
        assert!(!partial("account-0000000001/teams"));
    }

    #[test]
    fn groups_follow_the_data_model_table() {
        let mut g = Graph::new();
        g.add_entity(entity("account-0000000001", types::ACCOUNT, "acme"));
        g.add_entity(entity("team-0000000001", types::TEAM, "web"));
        g.add_entity(entity("app-00000000001", types::APPLICATION, "api"));
        g.add_entity(entity("addon-000000001", types::ADDON, "pg"));
        for (t, from, to) in [
            (
                types::ACCOUNT_HAS_TEAM,
                "account-0000000001",
                "team-0000000001",
            ),
            (
                types::TEAM_OWNS_APPLICATION,
                "team-0000000001",
                "app-00000000001",
            ),
            (
                types::APPLICATION_HAS_ADDON,
                "app-00000000001",
                "addon-000000001",
            ),
        ] {
            g.add_relationship(Relationship::direct(t, "HAS", from, to));
        }
        let tree = Tree::build(&g, &[]);
        let ids: Vec<&str> = tree.nodes().iter().map(|n| &*n.id).collect();
        assert_eq!(
            ids,
            [
                "account-0000000001",
                "account-0000000001/members",
                "account-0000000001/teams",
                "account-0000000001/teams/team-0000000001",
                "team-0000000001/members",
                "team-0000000001/apps",
                "team-0000000001/apps/app-00000000001",
                "app-00000000001/addon-000000001",
            ]
        );
        assert_eq!(&*tree.node(2).label, "Teams (1)");
    }
}
