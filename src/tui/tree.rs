//! The explorer's tree: enterprise accounts → teams → apps → add-ons, with members under each
//! account and team, built once from the graph.
//!
//! Nodes are stored in depth-first order. The rows on screen come from `visible`, a list of
//! node indices recomputed only when something opens, closes or the filter changes, so
//! drawing a frame reads just the rows it shows: O(visible rows), not O(nodes).

use std::collections::{HashMap, HashSet};

use crate::estate::{ListFailure, ListKind};
use crate::graph::{Graph, types};

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

    /// Every marker with its short tag, in display order.
    pub const ALL: [(Self, &'static str); 9] = [
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
    /// "Members (n)", "Teams (n)", "Apps (n)", "Other add-ons (n)".
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

/// The ends of `from`'s outgoing relationships of one type, with their `role`.
fn targets<'g>(
    graph: &'g Graph,
    from: &str,
    relationship_type: &str,
) -> Vec<(&'g str, Option<&'g str>)> {
    graph
        .outgoing(from)
        .filter(|r| r.relationship_type == relationship_type)
        .map(|r| (r.to_key(), r.properties.str("role")))
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

    fn failure(&self, list: ListKind, target: &str) -> Option<&ListFailure> {
        self.failures
            .iter()
            .find(|f| f.list == list && f.target == target)
    }

    fn entity_node(&mut self, parent: u32, prefix: &str, key: &str, kind: NodeKind) -> Option<u32> {
        let i = self.graph.entity_position(key)?;
        let label = self.graph.entities()[i].display_name().to_owned();
        let label = if kind == NodeKind::User {
            // Users read best as "Name <email>" when the name is known.
            let email = self.graph.entities()[i]
                .properties
                .str("name")
                .unwrap_or(key);
            if label == email {
                label
            } else {
                format!("{label} <{email}>")
            }
        } else {
            label
        };
        Some(self.push(
            Some(parent),
            format!("{prefix}/{key}"),
            label,
            kind,
            Some(i),
        ))
    }

    fn members(
        &mut self,
        parent: u32,
        prefix: &str,
        from: &str,
        rel: &str,
        failure: Option<ListFailure>,
    ) {
        let members = targets(self.graph, from, rel);
        let g = self.group(
            parent,
            format!("{prefix}/members"),
            "Members",
            members.len(),
            failure.as_ref(),
        );
        for (key, role) in members {
            let permissions = (rel == types::ACCOUNT_HAS_MEMBER)
                .then(|| self.graph.relationship(&format!("{from}|has|{key}")))
                .flatten()
                .map(|r| {
                    ["canManage", "canBilling", "canCreate", "canView"]
                        .iter()
                        .filter(|p| r.properties.bool(p) == Some(true))
                        .map(|p| p.trim_start_matches("can").to_lowercase())
                        .collect::<Vec<_>>()
                        .join(",")
                });
            if let Some(n) = self.entity_node(g, &format!("{prefix}/members"), key, NodeKind::User)
            {
                let note = role
                    .map(str::to_owned)
                    .or(permissions)
                    .filter(|s| !s.is_empty());
                self.nodes[n as usize].note = note.map(Into::into);
                self.close(n);
            }
        }
        self.close(g);
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
        };
        let mut placed_addons: HashSet<&str> = HashSet::new();
        for account in graph.entities_of_type(types::ACCOUNT) {
            let ea_id = account.key.clone();
            let Some(a) = graph.entity_position(&account.key) else {
                continue;
            };
            let account_node = b.push(
                None,
                ea_id.clone(),
                account.display_name().to_owned(),
                NodeKind::Account,
                Some(a),
            );
            let target = format!("enterprise account {}", account.display_name());
            let f = b
                .failure(ListKind::EnterpriseAccountMembers, &target)
                .cloned();
            b.members(
                account_node,
                &ea_id,
                &account.key,
                types::ACCOUNT_HAS_MEMBER,
                f,
            );
            let teams = targets(graph, &account.key, types::ACCOUNT_HAS_TEAM);
            let f = b
                .failure(ListKind::EnterpriseAccountTeams, &target)
                .cloned();
            let teams_group = b.group(
                account_node,
                format!("{ea_id}/teams"),
                "Teams",
                teams.len(),
                f.as_ref(),
            );
            for (team_key, _) in teams {
                let Some(t) = b.entity_node(
                    teams_group,
                    &format!("{ea_id}/teams"),
                    team_key,
                    NodeKind::Team,
                ) else {
                    continue;
                };
                let team_id = (*team_key).to_owned();
                let team_target = format!(
                    "team {}",
                    graph.entities()[b.nodes[t as usize].entity.unwrap_or(0) as usize]
                        .display_name()
                );
                let f = b.failure(ListKind::TeamMembers, &team_target).cloned();
                b.members(t, &team_id, team_key, types::TEAM_HAS_MEMBER, f);
                let apps = targets(graph, team_key, types::TEAM_OWNS_APPLICATION);
                let f = b
                    .failure(ListKind::TeamApps, &team_target)
                    .or_else(|| b.failure(ListKind::TeamAddons, &team_target))
                    .cloned();
                let apps_group =
                    b.group(t, format!("{team_id}/apps"), "Apps", apps.len(), f.as_ref());
                for (app_key, _) in apps {
                    let Some(app) = b.entity_node(
                        apps_group,
                        &format!("{team_id}/apps"),
                        app_key,
                        NodeKind::App,
                    ) else {
                        continue;
                    };
                    for (addon_key, _) in targets(graph, app_key, types::APPLICATION_HAS_ADDON) {
                        placed_addons.insert(addon_key);
                        if let Some(n) = b.entity_node(app, app_key, addon_key, NodeKind::Addon) {
                            b.close(n);
                        }
                    }
                    b.close(app);
                }
                b.close(apps_group);
                b.close(t);
            }
            b.close(teams_group);
            b.close(account_node);
        }
        // Add-ons whose billing app was not collected still deserve a place.
        let orphans: Vec<&str> = graph
            .entities_of_type(types::ADDON)
            .map(|e| e.key.as_str())
            .filter(|k| !placed_addons.contains(k))
            .collect();
        if !orphans.is_empty() {
            let g = b.push(
                None,
                "other-addons".into(),
                format!("Add-ons of apps not collected ({})", orphans.len()),
                NodeKind::Group,
                None,
            );
            for key in orphans {
                if let Some(n) = b.entity_node(g, "other-addons", key, NodeKind::Addon) {
                    b.close(n);
                }
            }
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
