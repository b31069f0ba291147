//! The preview and the one-keystroke sync: whether the preview is current, the guard, and
//! the result popup.

use std::sync::Arc;

use super::{App, SyncRun};
use crate::jupiterone::SyncOutcome;
use crate::tui::action::Effect;
use crate::tui::overlay::Overlay;

/// The result popup of a finished sync.
pub(super) fn sync_summary(outcome: &SyncOutcome) -> String {
    let job = &outcome.upload.job;
    let mut text = format!(
        "Job {} {}.\n\nEntities: {} uploaded, {} created, {} updated, {} deleted.\nRelationships: {} uploaded, {} created, {} updated, {} deleted.\n\n{} requests, {:.1} MB in {:.1} s.",
        outcome.upload.job_id,
        job.status,
        job.num_entities_uploaded,
        job.num_entities_created,
        job.num_entities_updated,
        job.num_entities_deleted,
        job.num_relationships_uploaded,
        job.num_relationships_created,
        job.num_relationships_updated,
        job.num_relationships_deleted,
        outcome.upload.requests,
        outcome.upload.bytes_sent as f64 / 1e6,
        outcome.upload.duration_ms as f64 / 1e3,
    );
    let errors = job.num_entity_create_errors
        + job.num_entity_update_errors
        + job.num_entity_delete_errors
        + job.num_relationship_create_errors
        + job.num_relationship_update_errors
        + job.num_relationship_delete_errors;
    if errors > 0 {
        text.push_str(&format!(
            "\n\nJupiterOne reported {errors} object errors: check the job in JupiterOne."
        ));
    }
    if !outcome.upload.truncated_keys.is_empty() {
        text.push_str(&format!(
            "\n\n{} objects were too large: their _rawData was truncated.",
            outcome.upload.truncated_keys.len()
        ));
    }
    if let Some(e) = &outcome.state_error {
        text.push_str(&format!("\n\nThe sync state could not be recorded ({e}): the next preview compares with the sync before."));
    }
    text
}

impl App {
    /// Whether the preview on screen was computed from the graph on screen.
    #[must_use]
    pub fn preview_is_fresh(&self) -> bool {
        match (&self.preview, &self.data) {
            (Some(p), Some(d)) => Arc::ptr_eq(p.plan.graph(), &d.loaded.graph),
            _ => false,
        }
    }

    pub(super) fn jupiterone_missing(&mut self) -> bool {
        if self.endpoints.jupiterone.is_none() {
            self.error(
                "JupiterOne is not configured. Set JUPITERONE_API_KEY and JUPITERONE_ACCOUNT \
                 (and JUPITERONE_REGION=eu or JUPITERONE_API_URL if needed), or store them with \
                 `heroku-j1 login --jupiterone`, then start heroku-j1 again."
                    .into(),
            );
            return true;
        }
        false
    }

    /// Starts the sync of the previewed plan, unless findings block it or the guard asks
    /// first (and `confirmed` is not given).
    pub(super) fn try_sync(&mut self, confirmed: bool) -> Option<Effect> {
        if self.syncing.is_some() {
            self.status = Some("A sync is already running.".into());
            return None;
        }
        self.preview.as_ref()?;
        self.open(Overlay::Preview);
        let p = self.preview.as_mut()?;
        if !p.preview.blocking().is_empty() {
            self.status = Some(format!(
                "{} validation findings block the sync: see the preview",
                p.preview.blocking().len()
            ));
            return None;
        }
        let reasons: Vec<String> = p
            .preview
            .needs_confirmation()
            .iter()
            // The deletions it warns about, by name: the first few, then "and N more".
            .map(|r| match r.deleted_summary(5) {
                Some(names) => format!("{r}: {names}"),
                None => r.to_string(),
            })
            .collect();
        if !reasons.is_empty() && !confirmed {
            p.confirm = reasons;
            p.offset = 0;
            self.status = Some("Check the warnings: y syncs anyway, Esc cancels.".into());
            return None;
        }
        p.confirm.clear();
        self.syncing = Some(SyncRun::default());
        self.status = Some("Syncing to JupiterOne…".into());
        Some(Effect::Sync {
            plan: Arc::clone(&p.plan),
            preview: Box::new(p.preview.clone()),
        })
    }
}
