//! The preview and the one-keystroke sync: whether the preview is current, the guard, and
//! the result popup; with no JupiterOne key, the login form for it; the stored keys' removal
//! (asked first).

use std::sync::Arc;

use super::{App, SyncRun};
use crate::jupiterone::SyncOutcome;
use crate::tui::action::Effect;
use crate::tui::login_form::LoginForm;
use crate::tui::overlay::Overlay;

pub use crate::text::human_bytes;

/// The result popup of a finished sync.
pub(super) fn sync_summary(outcome: &SyncOutcome) -> String {
    let job = &outcome.upload.job;
    let mut text = format!(
        "Job {} {}.\n\nEntities: {} uploaded, {} created, {} updated, {} deleted.\nRelationships: {} uploaded, {} created, {} updated, {} deleted.\n\n{} requests, {} in {:.1} s.",
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
        human_bytes(outcome.upload.bytes_sent),
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

    /// Whether JupiterOne is not set up; if so, opens the login form for its key (`p` and
    /// `s` go on once it is checked: `sync` says whether `s` asked).
    pub(super) fn jupiterone_missing(&mut self, sync: bool) -> bool {
        if self.endpoints.jupiterone.is_some() {
            return false;
        }
        if self.can_login {
            self.sync_after_preview = sync;
            self.open(Overlay::Login(LoginForm::for_jupiterone(
                "No JupiterOne key yet. Enter the account id and an API key with \
                 persister:Synchronize: they are checked with JupiterOne and stored in the OS \
                 keyring, then the preview opens.",
            )));
        } else {
            self.error(
                "JupiterOne is not configured. Set JUPITERONE_API_KEY and JUPITERONE_ACCOUNT \
                 (and JUPITERONE_REGION=eu or JUPITERONE_API_URL if needed), or store them with \
                 `heroku-j1 login --jupiterone`."
                    .into(),
            );
        }
        true
    }

    /// The JupiterOne key asked for by `p` or `s` is in: the preview (then the sync).
    pub(super) fn after_jupiterone_login(&mut self) -> Option<Effect> {
        if self.clients.jupiterone.is_none() {
            self.sync_after_preview = false;
            self.error(
                "The JupiterOne key is stored, but there is no data folder to keep the sync \
                 state in: start heroku-j1 with --data-dir DIR."
                    .into(),
            );
            return None;
        }
        self.data.as_ref()?;
        self.status = Some("Preparing the preview…".into());
        Some(Effect::Preview)
    }

    /// `D` in the keys view asks first; `y` there deletes. The demo stores nothing.
    pub(super) fn delete_keys(&mut self, confirmed: bool) -> Option<Effect> {
        self.overlays
            .close(|o| matches!(o, Overlay::Keys(_) | Overlay::ConfirmDelete));
        if !self.can_login {
            self.open(Overlay::Notice {
                title: "Nothing to delete".into(),
                text: "This is the demo: no key is read from or stored in the OS keyring, so \
                       there is nothing to delete."
                    .into(),
            });
            return None;
        }
        if !confirmed {
            self.open(Overlay::ConfirmDelete);
            return None;
        }
        self.status = Some("Deleting the stored keys…".into());
        Some(Effect::DeleteKeys)
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
