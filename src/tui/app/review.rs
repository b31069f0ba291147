//! The change review under the preview: one `_type`'s new / changed / deleted objects
//! (filtered by kind, searched by name), and one object's diff. Only indices are kept, so a
//! list of 155k objects is never copied or laid out; a row is described when drawn.

use std::sync::Arc;

use super::App;
use crate::jupiterone::{ChangeSet, Kind, ObjectChange};
use crate::tui::action::Command;
use crate::tui::overlay::Overlay;

/// The kind filters `t` cycles through (`None`: all kinds).
pub const KIND_FILTERS: [Option<Kind>; 4] = [
    None,
    Some(Kind::New),
    Some(Kind::Changed),
    Some(Kind::Deleted),
];

/// The list of one type's changes, or one object's diff over it.
#[derive(Debug)]
pub struct ReviewState {
    pub set: Arc<ChangeSet>,
    /// Index into `set.types`.
    pub type_index: usize,
    /// Index into [`KIND_FILTERS`].
    pub kind: usize,
    pub query: String,
    /// Whether the search box has the keyboard.
    pub searching: bool,
    /// The rows shown: kind and index into that kind's list.
    pub rows: Vec<(Kind, u32)>,
    pub cursor: usize,
    pub offset: usize,
    /// The object whose diff is shown.
    pub open: Option<(Kind, u32)>,
    pub diff_offset: usize,
}

impl ReviewState {
    #[must_use]
    pub fn new(set: Arc<ChangeSet>, type_index: usize, kind: Option<Kind>) -> Self {
        let kind = KIND_FILTERS.iter().position(|k| *k == kind).unwrap_or(0);
        let mut s = Self {
            set,
            type_index,
            kind,
            query: String::new(),
            searching: false,
            rows: Vec::new(),
            cursor: 0,
            offset: 0,
            open: None,
            diff_offset: 0,
        };
        s.refilter();
        s
    }

    /// The object of a row, described (only rows on screen are).
    #[must_use]
    pub fn object(&self, (kind, i): (Kind, u32)) -> Option<ObjectChange> {
        let t = self.set.types.get(self.type_index)?;
        self.set.object(t, kind, i as usize)
    }

    /// The object whose diff is shown.
    #[must_use]
    pub fn opened(&self) -> Option<ObjectChange> {
        self.object(self.open?)
    }

    /// Rebuilds the rows from the kind filter and the search (case-insensitive, by name or key).
    fn refilter(&mut self) {
        let Some(t) = self.set.types.get(self.type_index) else {
            self.rows.clear();
            return;
        };
        let q = self.query.to_lowercase();
        let kinds: Vec<Kind> = KIND_FILTERS[self.kind].map_or(Kind::ALL.to_vec(), |k| vec![k]);
        let set = &self.set;
        let matches = |k: Kind, i: usize| {
            q.is_empty()
                || set
                    .name_of(t, k, i)
                    .is_some_and(|n| n.to_lowercase().contains(&q))
                || set
                    .key_of(t, k, i)
                    .is_some_and(|key| key.to_lowercase().contains(&q))
        };
        let matches = &matches;
        self.rows = kinds
            .into_iter()
            .flat_map(|k| {
                (0..t.count(k))
                    .filter(move |&i| matches(k, i))
                    .map(move |i| (k, u32::try_from(i).unwrap_or(u32::MAX)))
            })
            .collect();
        self.cursor = 0;
        self.offset = 0;
    }
}

impl App {
    /// Rows of the review list on screen (the overlay's height less its frame and header).
    #[must_use]
    pub fn review_page(&self) -> usize {
        usize::from(self.height * 84 / 100).saturating_sub(6).max(1)
    }

    /// Enter in the preview: the list of the type the guard warns about, else of the
    /// selected type.
    pub(super) fn open_review(&mut self) {
        let Some(p) = self.preview.as_ref() else {
            return;
        };
        let set = Arc::clone(p.preview.change_set());
        let warned = p
            .preview
            .needs_confirmation()
            .iter()
            .find(|r| !r.deleted().is_empty())
            .and_then(|r| {
                let key = &r.deleted()[0].key;
                set.types
                    .iter()
                    .position(|t| t.deleted().iter().any(|o| &o.key == key))
            });
        let (index, kind) = match warned {
            Some(i) if !p.confirm.is_empty() => (i, Some(Kind::Deleted)),
            _ => {
                let Some(name) = p.preview.types.get(p.selected).map(|t| &t.object_type) else {
                    return;
                };
                let Some(i) = set.types.iter().position(|t| &t.object_type == name) else {
                    return;
                };
                (i, None)
            }
        };
        self.review = Some(ReviewState::new(set, index, kind));
        self.open(Overlay::Review);
    }

    /// Esc in the review: back one level (diff → list → preview).
    pub(super) fn review_back(&mut self) {
        let Some(r) = self.review.as_mut() else {
            return;
        };
        if r.searching {
            r.searching = false;
        } else if r.open.is_some() {
            r.open = None;
            r.diff_offset = 0;
        } else {
            self.review = None;
            self.open(Overlay::Preview);
        }
    }

    /// Enter in the review list: the diff of the object under the cursor.
    pub(super) fn review_enter(&mut self) {
        if let Some(r) = self.review.as_mut() {
            if r.searching {
                r.searching = false;
            } else if r.open.is_none() {
                r.open = r.rows.get(r.cursor).copied();
                r.diff_offset = 0;
            }
        }
    }

    pub(super) fn review_command(&mut self, c: Command) {
        let page = self.review_page();
        let Some(r) = self.review.as_mut() else {
            return;
        };
        match c {
            Command::CycleKind => {
                r.kind = (r.kind + 1) % KIND_FILTERS.len();
                r.refilter();
            }
            Command::StartSearch => {
                r.searching = true;
                r.query.clear();
                r.refilter();
            }
            Command::SearchBackspace => {
                r.query.pop();
                r.refilter();
            }
            _ if r.open.is_some() => {
                r.diff_offset = match c {
                    Command::Up => r.diff_offset.saturating_sub(1),
                    Command::Down => r.diff_offset + 1,
                    Command::PageUp => r.diff_offset.saturating_sub(page),
                    Command::PageDown => r.diff_offset + page,
                    Command::Top => 0,
                    _ => r.diff_offset,
                };
            }
            _ => {
                let last = r.rows.len().saturating_sub(1);
                r.cursor = match c {
                    Command::Up => r.cursor.saturating_sub(1),
                    Command::Down => (r.cursor + 1).min(last),
                    Command::PageUp => r.cursor.saturating_sub(page),
                    Command::PageDown => (r.cursor + page).min(last),
                    Command::Top => 0,
                    Command::Bottom => last,
                    _ => r.cursor,
                };
                if r.cursor < r.offset {
                    r.offset = r.cursor;
                } else if r.cursor >= r.offset + page {
                    r.offset = r.cursor + 1 - page;
                }
            }
        }
    }

    /// A character typed into the review's search box.
    pub(super) fn review_input(&mut self, c: char) {
        if let Some(r) = self.review.as_mut() {
            r.query.push(c);
            r.refilter();
        }
    }

    /// Whether the review's search box has the keyboard.
    #[must_use]
    pub fn review_searching(&self) -> bool {
        matches!(self.overlays.top(), Some(Overlay::Review))
            && self.review.as_ref().is_some_and(|r| r.searching)
    }
}
