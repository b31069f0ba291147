//! Moving around the explorer: the cursor, scrolling (keys and the mouse wheel, never past
//! the end the views measured), folding, jumping, filters, search (typed or pasted), and
//! handing the selected object to the clipboard or the browser.

use super::{App, DetailView, FILTERS, Pane};
use crate::tui::action::{Command, Effect};
use crate::tui::layout::{self, Extents};
use crate::tui::overlay::Layer;

/// `offset` moved by `c` within `0..=max`, `page` rows a page.
fn scrolled(offset: usize, c: Command, page: usize, max: usize) -> usize {
    match c {
        Command::Up => offset.saturating_sub(1),
        Command::Down => offset + 1,
        Command::PageUp => offset.saturating_sub(page),
        Command::PageDown => offset + page,
        Command::Top => 0,
        Command::Bottom => max,
        _ => offset,
    }
    .min(max)
}

impl App {
    pub(super) fn rows(&self) -> usize {
        self.tree().map_or(0, |t| t.visible().len())
    }

    pub(super) fn tree_height(&self) -> usize {
        layout::body_rows(self.height)
    }

    /// Keeps the cursor on screen.
    pub(super) fn scroll_to_cursor(&mut self) {
        let h = self.tree_height().max(1);
        let rows = self.rows();
        self.cursor = self.cursor.min(rows.saturating_sub(1));
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + h {
            self.offset = self.cursor + 1 - h;
        }
        self.offset = self.offset.min(rows.saturating_sub(h));
    }

    pub(super) fn move_cursor(&mut self, delta: isize) {
        let rows = self.rows();
        if rows == 0 {
            return;
        }
        let target = self.cursor.saturating_add_signed(delta).min(rows - 1);
        self.select_row(target);
    }

    pub(super) fn select_row(&mut self, row: usize) {
        if self.cursor != row {
            self.details_cursor = 0;
            self.details_offset = 0;
        }
        self.cursor = row;
        self.scroll_to_cursor();
    }

    /// Moves the cursor to node `index`, opening its ancestors.
    pub(super) fn select_node(&mut self, index: u32) {
        let Some(data) = self.data.as_mut() else {
            return;
        };
        data.tree.reveal(index);
        if let Some(row) = data.tree.row_of(index) {
            self.select_row(row);
        }
    }

    /// The scroll limits the last draw measured: offsets beyond them come back.
    pub(super) fn measured(&mut self, extents: Extents) {
        self.extents = extents;
        self.help_offset = self.help_offset.min(extents.help);
        if let Some(p) = self.preview.as_mut() {
            p.offset = p.offset.min(extents.preview);
        }
        if self.view != DetailView::Entity || self.related_count() == 0 {
            self.details_offset = self.details_offset.min(extents.details);
        }
    }

    /// The mouse wheel: scrolls the help or the preview when open, moves the selection of
    /// a list over the tree (changes, query rows, questions), else scrolls the pane under
    /// the pointer (the tree's cursor, or the details).
    pub(super) fn scroll(&mut self, down: bool, column: u16) {
        let c = if down { Command::Down } else { Command::Up };
        match self.layer() {
            Layer::Help | Layer::Preview => {
                for _ in 0..3 {
                    self.navigate(c);
                }
            }
            // The lists over the tree move their selection, as j/k do there.
            Layer::Review | Layer::QueryResults | Layer::Questions => {
                for _ in 0..3 {
                    let _ = self.command(c);
                }
            }
            Layer::Browse | Layer::Search => {
                if column < layout::tree_width(self.width) {
                    self.move_cursor(if down { 3 } else { -3 });
                } else {
                    let offset = self.details_offset;
                    self.details_offset = if down {
                        (offset + 3).min(self.extents.details)
                    } else {
                        offset.saturating_sub(3)
                    };
                }
            }
            _ => {}
        }
    }

    pub(super) fn navigate(&mut self, c: Command) {
        let page = isize::try_from(self.tree_height().max(2) - 1).unwrap_or(10);
        let overlay_page = usize::from(self.height).saturating_sub(6).max(1);
        if self.layer() == Layer::Help {
            self.help_offset = scrolled(self.help_offset, c, overlay_page, self.extents.help);
            return;
        }
        if self.layer() == Layer::Preview {
            let max = self.extents.preview;
            if let Some(p) = self.preview.as_mut() {
                p.offset = scrolled(p.offset, c, overlay_page, max);
            }
            return;
        }
        if self.focus == Pane::Details {
            let len = self.details_len();
            let cur = isize::try_from(self.details_cursor).unwrap_or(0);
            let next = match c {
                Command::Up => cur - 1,
                Command::Down => cur + 1,
                Command::PageUp => cur - page,
                Command::PageDown => cur + page,
                Command::Top => 0,
                _ => isize::try_from(len).unwrap_or(0) - 1,
            };
            self.details_cursor = usize::try_from(next.max(0))
                .unwrap_or(0)
                .min(len.saturating_sub(1));
            if self.view != DetailView::Entity || len == 0 {
                // Nothing to select: scroll instead.
                self.details_offset = usize::try_from(
                    (isize::try_from(self.details_offset).unwrap_or(0)
                        + match c {
                            Command::Up => -1,
                            Command::Down => 1,
                            Command::PageUp => -page,
                            Command::PageDown => page,
                            _ => 0,
                        })
                    .max(0),
                )
                .unwrap_or(0);
                if c == Command::Top {
                    self.details_offset = 0;
                }
                self.details_offset = self.details_offset.min(self.extents.details);
            }
            return;
        }
        match c {
            Command::Up => self.move_cursor(-1),
            Command::Down => self.move_cursor(1),
            Command::PageUp => self.move_cursor(-page),
            Command::PageDown => self.move_cursor(page),
            Command::Top => self.select_row(0),
            _ => self.select_row(self.rows().saturating_sub(1)),
        }
    }

    pub(super) fn fold(&mut self) {
        let Some(index) = self.selected() else { return };
        let Some(data) = self.data.as_mut() else {
            return;
        };
        if data.tree.is_open(index)
            && data.tree.node(index).has_children()
            && data.tree.filter().0 == 0
        {
            data.tree.set_open(index, false);
            self.scroll_to_cursor();
        } else if let Some(parent) = data.tree.node(index).parent {
            self.select_node(parent);
        }
    }

    pub(super) fn unfold(&mut self) {
        let Some(index) = self.selected() else { return };
        let Some(data) = self.data.as_mut() else {
            return;
        };
        if data.tree.node(index).has_children() {
            if data.tree.is_open(index) {
                self.move_cursor(1);
            } else {
                data.tree.set_open(index, true);
            }
        }
    }

    pub(super) fn enter(&mut self) {
        if self.focus == Pane::Details {
            let Some(key) = self
                .related()
                .get(self.details_cursor)
                .map(|r| r.other_key.to_owned())
            else {
                return;
            };
            let target = self.data.as_ref().and_then(|d| {
                let e = d.loaded.graph.entity_position(&key)?;
                d.tree.node_of_entity(e)
            });
            if let Some(node) = target {
                // Jumping out of a filter that hides the target would lose it.
                if self.tree().is_some_and(|t| {
                    t.filter().0 != 0 && !t.node(node).subtree.intersects(t.filter())
                }) {
                    self.set_filter(0);
                }
                self.select_node(node);
                self.focus = Pane::Tree;
            }
            return;
        }
        let Some(index) = self.selected() else { return };
        let Some(data) = self.data.as_mut() else {
            return;
        };
        if data.tree.node(index).has_children() {
            let open = data.tree.is_open(index);
            data.tree.set_open(index, !open);
            self.scroll_to_cursor();
        } else {
            self.focus = Pane::Details;
        }
    }

    pub(super) fn set_filter(&mut self, filter: usize) {
        self.filter = filter;
        let selected = self.selected();
        let Some(data) = self.data.as_mut() else {
            return;
        };
        data.tree.set_filter(FILTERS[filter].0);
        let row = selected.and_then(|s| data.tree.row_of(s)).unwrap_or(0);
        self.cursor = row;
        self.offset = 0;
        self.scroll_to_cursor();
        let shown = self.rows();
        self.status = Some(if filter == 0 {
            "Filter off".into()
        } else {
            format!(
                "Filter: {} ({shown} rows; f for the next, Esc to clear)",
                self.filter_name(filter)
            )
        });
    }

    /// Finds the next (or previous) match and selects it. `include_current` keeps the
    /// current node when it still matches (typing narrows the same match).
    pub(super) fn search_step(&mut self, backwards: bool, include_current: bool) {
        let Some(tree) = self.tree() else { return };
        let query = self.search.query.clone();
        if query.is_empty() {
            self.search.matches = 0;
            return;
        }
        let from = if include_current {
            self.selected().or(self.search.origin)
        } else {
            self.selected()
        };
        let found = tree.search(&query, from, backwards, include_current);
        let matches = tree.count_matches(&query);
        let hidden = found.is_some_and(|i| {
            tree.filter().0 != 0 && !tree.node(i).subtree.intersects(tree.filter())
        });
        let current = found.map_or(0, |i| tree.match_rank(&query, i));
        self.search.matches = matches;
        self.search.current = current;
        match found {
            Some(index) => {
                if hidden {
                    self.set_filter(0);
                }
                self.select_node(index);
                self.status = None;
            }
            None => self.status = Some(format!("No match for {query:?}")),
        }
    }

    /// Pasted text goes into the search box whole (its first line, control characters
    /// dropped), then the first match is selected, as if it had been typed.
    pub(super) fn search_paste(&mut self, text: &str) {
        let line = text.lines().next().unwrap_or_default();
        if self.review_searching() {
            for c in line.chars().filter(|c| !c.is_control()) {
                self.review_input(c);
            }
            return;
        }
        self.search
            .query
            .extend(line.chars().filter(|c| !c.is_control()));
        self.search_step(false, true);
    }

    /// `c`: the selected object's `_key` to the clipboard.
    pub(super) fn copy_key(&mut self) -> Option<Effect> {
        let Some(entity) = self.selected_entity() else {
            self.status = Some("Select an object to copy its _key (groups have none).".into());
            return None;
        };
        let key = entity.key.to_string();
        self.status = Some(format!(
            "Copied _key {key} to the clipboard (OSC 52: the terminal must allow it)"
        ));
        Some(Effect::Copy(key))
    }

    /// `o`: the selected team's, app's or add-on's `webLink` in the browser (`http`/`https`
    /// only).
    pub(super) fn open_link(&mut self) -> Option<Effect> {
        let link = self
            .selected_entity()
            .and_then(|e| e.properties.str("webLink"))
            .map(crate::text::cleaned);
        match link {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                self.status = Some(format!("Opening {url} in the browser"));
                Some(Effect::OpenUrl(url))
            }
            Some(url) => {
                self.status = Some(format!("Not opened: {url:?} is not an http(s) link"));
                None
            }
            None => {
                self.status = Some(
                    "No Heroku page (webLink) for this: teams, apps and add-ons have one.".into(),
                );
                None
            }
        }
    }
}
