//! The JupiterOne tasks: preparing the preview (off the async workers: it compares every
//! object; with its change set the tree's `[new]` / `[changed]` markers), on `p` or in the
//! background once a crawl completes, and the upload, reporting progress and outcome as
//! actions.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::jupiterone::diff::Change;
use crate::jupiterone::{self, Plan, Preview};
use crate::tui::action::Action;
use crate::tui::clients::JupiterOneSetup;
use crate::tui::data::Loaded;
use crate::tui::tree::Markers;

/// The message a prepared preview (or why there is none) travels in.
type Done = fn(Result<Box<(Plan, Preview)>, String>) -> Action;

/// Prepares the preview of `loaded` against the last sync to the setup's target (read from
/// the data folder: no request to JupiterOne), sends the tree's markers from its change set,
/// then the preview inside `done`.
pub(super) fn spawn_preview(
    setup: &JupiterOneSetup,
    loaded: &Loaded,
    tx: UnboundedSender<Action>,
    done: Done,
) {
    let graph = Arc::clone(&loaded.graph);
    let target = match setup.target_for(loaded.heroku_user_id.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            let _ = tx.send(done(Err(e.to_string())));
            return;
        }
    };
    let setup = setup.clone();
    tokio::spawn(async move {
        let result = tokio::task::spawn_blocking(move || {
            jupiterone::prepare(&setup.client, graph, target, &setup.data_dir)
        })
        .await;
        let message = match result {
            Ok(Ok((plan, preview))) => {
                let graph = Arc::clone(plan.graph());
                let marks = change_marks(&preview);
                let ready = Ok(Box::new((plan, preview)));
                let _ = tx.send(Action::ChangeMarks { graph, marks });
                ready
            }
            Ok(Err(e)) => Err(format!("cannot prepare the preview: {e}")),
            Err(e) => Err(format!("preparing the preview failed: {e}")),
        };
        let _ = tx.send(done(message));
    });
}

/// Each entity's `[new]` / `[changed]` marker against the last sync, in graph order; none
/// before a first sync (everything would be new).
fn change_marks(preview: &Preview) -> Vec<Markers> {
    if preview.last_sync.is_none() {
        return Vec::new();
    }
    let set = preview.change_set();
    (0..set.graph().entities().len())
        .map(|i| match set.entity_change(i) {
            Change::New => Markers::NEW,
            Change::Changed => Markers::CHANGED,
            Change::Unchanged => Markers::default(),
        })
        .collect()
}

/// Uploads exactly `plan`; progress and the outcome come back as actions.
pub(super) fn spawn_sync(
    setup: &JupiterOneSetup,
    plan: Arc<Plan>,
    preview: Box<Preview>,
    tx: UnboundedSender<Action>,
    cancel: CancellationToken,
) {
    let setup = setup.clone();
    tokio::spawn(async move {
        let (etx, forward) = super::forward(&tx, |e| Action::SyncProgress(Box::new(e)));
        let mut options = setup.options.clone();
        options.cancel = cancel;
        let result = jupiterone::sync(
            &setup.client,
            &plan,
            &preview,
            &setup.data_dir,
            &options,
            Some(etx),
        )
        .await;
        let _ = forward.await;
        let _ = tx.send(Action::SyncDone(
            result.map(Box::new).map_err(|e| e.to_string()),
        ));
    });
}
