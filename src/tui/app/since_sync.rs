//! The comparison with the last sync made as soon as a crawl completes (and after a sync):
//! the preview prepared in the background ([`Effect::Compare`]) is kept closed until `p` or
//! `s` asks for it, and its change set marks the tree `[new]` / `[changed]` (one change set:
//! the markers, the filter, the preview and the guard read the same one). Also what the
//! status line and the findings filter say when there is nothing to compare with.

use std::sync::Arc;

use super::{App, FILTERS};
use crate::jupiterone::{Plan, Preview};
use crate::tui::action::{Action, Effect};
use crate::tui::overlay::Overlay;
use crate::tui::tree::Markers;

/// What the tree's `[new]` / `[changed]` markers are compared with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SinceSync {
    /// No comparison: JupiterOne is not set up (no key), or no complete estate yet.
    #[default]
    Unknown,
    /// The comparison runs in the background.
    Comparing,
    /// No successful sync to this target yet: nothing to mark.
    NoSync { target: String },
    /// Marked against the last sync; `details_missing` when its state predates stored
    /// objects (markers still right, changed properties and deleted names unknown).
    Marked {
        new: usize,
        changed: usize,
        details_missing: Option<String>,
    },
    /// The stored state could not be read (its path and why).
    Failed(String),
}

impl SinceSync {
    /// The note the findings filter's entry carries, if any.
    #[must_use]
    pub fn filter_note(&self) -> Option<&'static str> {
        match self {
            Self::Unknown => Some("no JupiterOne target to compare with"),
            Self::Comparing => Some("comparing…"),
            Self::NoSync { .. } => Some("no sync to this target yet"),
            Self::Marked {
                details_missing: Some(_),
                ..
            } => Some("stored state without objects"),
            Self::Marked { .. } => None,
            Self::Failed(_) => Some("the stored state cannot be read"),
        }
    }
}

impl App {
    /// The findings filter's name, with why "changed since last sync" shows nothing when it
    /// cannot.
    #[must_use]
    pub fn filter_name(&self, filter: usize) -> String {
        let (markers, name) = FILTERS[filter];
        match self.since_sync.filter_note() {
            Some(note) if markers == Markers::SINCE_SYNC => format!("{name} ({note})"),
            _ => name.to_owned(),
        }
    }

    /// After a crawl completed or a sync finished: the comparison with the last sync to run
    /// in the background, together with `other` (when JupiterOne is set up).
    pub(super) fn compare_with(&mut self, other: Option<Effect>) -> Option<Effect> {
        if self.clients.jupiterone.is_none() || !self.data.as_ref().is_some_and(|d| d.complete) {
            self.since_sync = SinceSync::Unknown;
            return other;
        }
        self.since_sync = SinceSync::Comparing;
        Some(match other {
            Some(o) => Effect::Both(Box::new(Effect::Compare), Box::new(o)),
            None => Effect::Compare,
        })
    }

    /// `p` or `s` while the comparison runs: its preview opens when it arrives (instead of
    /// computing a second one). Returns whether it will.
    pub(super) fn wait_for_comparison(&mut self, sync: bool) -> bool {
        if self.since_sync != SinceSync::Comparing {
            return false;
        }
        self.preview_wanted = true;
        self.sync_after_preview = sync;
        self.status = Some("Preparing the preview…".into());
        true
    }

    /// The background comparison arrived.
    pub(super) fn compared(
        &mut self,
        result: Result<Box<(Plan, Preview)>, String>,
    ) -> Option<Effect> {
        if self.since_sync != SinceSync::Comparing {
            return None;
        }
        if let Ok(ready) = &result
            && !self
                .data
                .as_ref()
                .is_some_and(|d| Arc::ptr_eq(ready.0.graph(), &d.loaded.graph))
        {
            // Made for a graph a refresh has replaced: its own comparison follows.
            return None;
        }
        let note = match &result {
            Ok(ready) => self.note_comparison(&ready.1),
            Err(message) => {
                self.since_sync = SinceSync::Failed(message.clone());
                Some(format!("No [new] / [changed] markers: {message}"))
            }
        };
        if std::mem::take(&mut self.preview_wanted) {
            return self.update(Action::PreviewReady(result));
        }
        if let Some(note) = note {
            // After the crawl's own line (counts, partial types), which stays readable.
            self.status = Some(match self.status.take() {
                Some(line) if !line.is_empty() => format!("{line}. {note}"),
                _ => note,
            });
        }
        let busy = self.syncing.is_some()
            || self
                .overlays
                .contains(|o| matches!(o, Overlay::Preview | Overlay::Review));
        if let (Ok(ready), false) = (result, busy) {
            // Kept closed: `p` opens it at once, `s` syncs it.
            let (plan, preview) = *ready;
            self.preview = Some(super::PreviewState {
                preview,
                plan: Arc::new(plan),
                confirm: Vec::new(),
                offset: 0,
                selected: 0,
            });
        }
        None
    }

    /// Records what the tree's markers were compared with (from a preview of the loaded
    /// graph); returns what the status line should say about it, if anything.
    pub(super) fn note_comparison(&mut self, preview: &Preview) -> Option<String> {
        self.since_sync = match &preview.last_sync {
            None => SinceSync::NoSync {
                target: preview.target.to_string(),
            },
            Some(_) => SinceSync::Marked {
                new: preview.totals.entities.created,
                changed: preview.totals.entities.updated,
                details_missing: preview.details_missing.clone(),
            },
        };
        match &self.since_sync {
            SinceSync::NoSync { target } => Some(format!(
                "No sync to {target} yet: no [new] / [changed] markers until the first one."
            )),
            SinceSync::Marked {
                details_missing: Some(why),
                ..
            } => Some(format!("Markers against the last sync; {why}")),
            _ => None,
        }
    }
}
