//! JupiterOne: the synchronization API client, the upload plan, the change set and preview
//! against the last successful sync (whose objects are kept in the data folder), and the
//! uploader.
//!
//! The flow the explorer and `heroku-j1 sync` share:
//!
//! ```text
//! let previous = state::load(&state::state_path(data_dir, client.api_url(), client.account(), &target))?;
//! let plan = Plan::new(graph, target.clone());                       // the exact bodies (oversized objects fitted)
//! let preview = diff::preview(plan.graph(), &target, previous.as_ref()); // the change set, per _type
//! preview.blocking()            // validation findings: never sync
//! preview.needs_confirmation()  // ask first (first sync, partial, mass deletion)
//! sync(&client, &plan, &preview, data_dir, &UploadOptions::default(), Some(tx)).await
//! ```
//! ([`prepare`] does the first three steps.)

pub mod changes;
pub mod client;
pub mod diff;
pub mod fit;
pub mod hash;
pub mod lock;
pub mod plan;
pub mod state;
pub mod target;
pub mod upload;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;

pub use changes::{ChangeSet, Kind, ObjectChange, PropertyChange, TypeChanges};
pub use client::{JupiterOneClient, JupiterOneConfig, JupiterOneError, SyncJob};
pub use diff::{Guard, Preview, Reason, preview};
pub use plan::Plan;
pub use state::{StateError, SyncState};
pub use target::{InstanceSource, Target};
pub use upload::{SyncEvent, UploadError, UploadOptions, UploadOutcome, upload};

use crate::graph::Graph;

/// `JUPITERONE_API_KEY`.
pub const API_KEY_ENV: &str = "JUPITERONE_API_KEY";
/// `JUPITERONE_ACCOUNT`.
pub const ACCOUNT_ENV: &str = "JUPITERONE_ACCOUNT";
/// `JUPITERONE_REGION`: `us` (default) or `eu`.
pub const REGION_ENV: &str = "JUPITERONE_REGION";
/// `JUPITERONE_API_URL`: overrides the region.
pub const API_URL_ENV: &str = "JUPITERONE_API_URL";

/// What is missing to talk to JupiterOne.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error(
        "no JupiterOne API key: set JUPITERONE_API_KEY (an account-level key with the \
         persister:Synchronize permission, or an integration key)"
    )]
    MissingKey,
    #[error(
        "no JupiterOne account id: set JUPITERONE_ACCOUNT (J1QL `FIND jupiterone_account as a \
         return a._accountId`, or Settings → Account Management)"
    )]
    MissingAccount,
    #[error("unknown JupiterOne region {0:?}: use us or eu, or set --jupiterone-api-url")]
    UnknownRegion(String),
}

/// The state file of `target` for this client's account and URL.
#[must_use]
pub fn state_path_for(client: &JupiterOneClient, data_dir: &Path, target: &Target) -> PathBuf {
    state::state_path(data_dir, client.api_url(), client.account(), target)
}

/// Loads the last sync to `target`, plans the upload and previews it against the last sync.
/// The preview is made from the plan's graph (objects too large for a request made to fit),
/// so it compares what will be uploaded, and lists those objects as warnings.
///
/// # Errors
/// When the state file exists but cannot be read.
pub fn prepare(
    client: &JupiterOneClient,
    graph: Arc<Graph>,
    target: Target,
    data_dir: &Path,
) -> Result<(Plan, Preview), StateError> {
    let previous = state::load(&state_path_for(client, data_dir, &target))?;
    let plan = Plan::new(graph, target);
    let mut preview = diff::preview(plan.graph(), plan.target(), previous.as_ref());
    preview.oversized = plan.oversized().to_vec();
    Ok((plan, preview))
}

/// A finished sync: the upload's outcome and where its state was recorded.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncOutcome {
    #[serde(flatten)]
    pub upload: UploadOutcome,
    pub state_path: PathBuf,
    /// When the state could not be written (the upload itself succeeded; the next preview
    /// will compare with the sync before).
    pub state_error: Option<String>,
}

/// Uploads `plan` and, once the job has `FINISHED`, records what JupiterOne now holds: the
/// objects uploaded, plus the stored ones of partial types it keeps. The state is written
/// atomically after the upload, so a crash in between leaves the previous state.
///
/// The whole sync holds the target's [`lock`]: a second sync of the same target (another
/// process, or the explorer) waits (announced as [`SyncEvent::WaitingForLock`]) or, without
/// `options.wait_for_lock`, fails at once. Once the lock is held, a baseline other than the
/// one `preview` was made against (another sync finished meanwhile) refuses the upload.
///
/// # Errors
/// As [`upload()`], plus [`UploadError::Locked`] and [`UploadError::BaselineChanged`].
pub async fn sync(
    client: &JupiterOneClient,
    plan: &Plan,
    preview: &Preview,
    data_dir: &Path,
    options: &UploadOptions,
    progress: Option<UnboundedSender<SyncEvent>>,
) -> Result<SyncOutcome, UploadError> {
    let state_path = state_path_for(client, data_dir, plan.target());
    let _lock = lock::acquire(
        &lock::lock_path(&state_path),
        options.wait_for_lock,
        &options.cancel,
        |holder| {
            if let Some(tx) = &progress {
                let _ = tx.send(SyncEvent::WaitingForLock {
                    holder: holder.to_owned(),
                });
            }
        },
    )
    .await
    .map_err(UploadError::Locked)?;
    let baseline = state::load(&state_path)
        .map_err(|e| UploadError::Baseline(e.to_string()))?
        .map(|s| s.job_id);
    let previewed = preview.last_sync.as_ref().map(|l| l.job_id.clone());
    if baseline != previewed {
        return Err(UploadError::BaselineChanged {
            previewed,
            now: baseline,
        });
    }
    let outcome = upload(client, plan, options, progress).await?;
    let snapshot = preview.snapshot(
        plan.graph(),
        client.api_url(),
        client.account(),
        &outcome.job_id,
    );
    let state_error = match state::save_snapshot(&state_path, &snapshot) {
        Ok(()) => None,
        Err(e) => {
            tracing::error!(error = %e, "cannot record the sync state");
            Some(e.to_string())
        }
    };
    Ok(SyncOutcome {
        upload: outcome,
        state_path,
        state_error,
    })
}
