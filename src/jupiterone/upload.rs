//! The uploader: start a job, send the plan's batches (up to six in flight), finalize with
//! the partial datasets, and poll the job to a terminal status. Any failure before finalize
//! aborts the job with the reason, so a failed upload never finalizes (and so never deletes
//! anything in JupiterOne); the uploads in flight end first, so none reaches an aborted job.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use futures::stream::{self, StreamExt};
use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::client::{JupiterOneClient, JupiterOneError, SyncJob, UploadKind};
use super::plan::{Plan, Truncations, UPLOAD_CONCURRENCY};

/// How the uploader behaves.
#[derive(Debug, Clone)]
pub struct UploadOptions {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Between two polls of the finalized job.
    pub poll_interval: Duration,
    /// How long to wait for a terminal status after finalize.
    pub poll_timeout: Duration,
    /// Cancels the upload: before finalize, the job is aborted.
    pub cancel: CancellationToken,
    /// Whether [`super::sync`] waits for another sync of the same target to end (else it
    /// fails at once with [`UploadError::Locked`]).
    pub wait_for_lock: bool,
}

impl Default for UploadOptions {
    fn default() -> Self {
        Self {
            concurrency: UPLOAD_CONCURRENCY,
            poll_interval: Duration::from_secs(2),
            poll_timeout: Duration::from_secs(30 * 60),
            cancel: CancellationToken::new(),
            wait_for_lock: true,
        }
    }
}

/// A progress event, by stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "stage", rename_all = "kebab-case")]
pub enum SyncEvent {
    /// Another sync of this target holds its lock (`holder` says which process): waiting.
    WaitingForLock { holder: String },
    /// Starting the job.
    Starting { target: String },
    /// The job exists.
    Started { job_id: String },
    /// A batch was accepted: `batches_done` of `batches_total`.
    Uploaded {
        job_id: String,
        batches_done: usize,
        batches_total: usize,
        entities_done: usize,
        entities_total: usize,
        relationships_done: usize,
        relationships_total: usize,
        bytes_done: u64,
        bytes_total: u64,
    },
    /// JupiterOne refused a batch as too large; these keys' `_rawData` is truncated.
    Shrunk { batch: usize, keys: Vec<String> },
    /// Sending finalize.
    Finalizing { job_id: String },
    /// JupiterOne is processing the job; counters as they move.
    Processing { job_id: String, job: SyncJob },
    /// The job reached `FINISHED`.
    Finished { job_id: String, job: SyncJob },
    /// A failure before finalize: aborting the job.
    Aborting { job_id: String, reason: String },
}

/// A finished upload.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadOutcome {
    pub job_id: String,
    /// The job as last polled (status `FINISHED`, with the counters).
    pub job: SyncJob,
    pub batches: usize,
    pub bytes_sent: u64,
    /// Requests sent to JupiterOne, retries included.
    pub requests: u64,
    /// Keys whose `_rawData` was truncated after a 413.
    pub truncated_keys: Vec<String>,
    pub duration_ms: u128,
}

/// Why an upload failed.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// Another sync of this target is running (or the wait for it was cancelled).
    #[error(transparent)]
    Locked(super::lock::LockError),
    /// The state file could not be read once the lock was held.
    #[error("{0}")]
    Baseline(String),
    /// Another sync finished between the preview and the upload: the preview judged a
    /// baseline JupiterOne no longer holds. Nothing was sent.
    #[error(
        "another sync of this target finished (job {}) after this preview was made (against {}); nothing was uploaded: preview and sync again",
        now.as_deref().unwrap_or("none"),
        previewed.as_deref().map_or_else(|| "no earlier sync".to_owned(), |j| format!("job {j}"))
    )]
    BaselineChanged {
        previewed: Option<String>,
        now: Option<String>,
    },
    /// The job could not be started: nothing was sent.
    #[error("cannot start the synchronization job: {0}")]
    Start(#[source] JupiterOneError),
    /// The upload was cancelled before the job existed.
    #[error("the sync was cancelled before it started")]
    CancelledBeforeStart,
    /// A failure before finalize: the job was aborted and never finalized, so JupiterOne
    /// changed nothing.
    #[error(
        "the upload to job {job_id} failed and the job was {}, so JupiterOne changed nothing: {reason}",
        if abort_error.is_some() { "left unfinalized (aborting it failed too)" } else { "aborted" }
    )]
    Aborted {
        job_id: String,
        reason: String,
        cause: Option<JupiterOneError>,
        abort_error: Option<JupiterOneError>,
    },
    /// Finalize failed: the job's outcome is unknown.
    #[error(
        "finalizing job {job_id} failed: {source}. Look the job up in JupiterOne before syncing again"
    )]
    Finalize {
        job_id: String,
        source: JupiterOneError,
    },
    /// Polling the finalized job failed.
    #[error(
        "job {job_id} was finalized, but polling it failed: {source}. JupiterOne is still processing it"
    )]
    Poll {
        job_id: String,
        source: JupiterOneError,
    },
    /// The job did not reach a terminal status in time (or the wait was cancelled).
    #[error(
        "job {job_id} was finalized but is still {status} after {waited_s} s; JupiterOne is still processing it"
    )]
    StillProcessing {
        job_id: String,
        status: String,
        waited_s: u64,
    },
    /// The job ended in a status other than `FINISHED`.
    #[error("job {} ended with status {}", job.id, job.status)]
    JobFailed { job: SyncJob },
}

impl UploadError {
    /// Whether the key, account or region is wrong (exit code 2).
    #[must_use]
    pub fn is_auth(&self) -> bool {
        match self {
            Self::Start(e) | Self::Finalize { source: e, .. } | Self::Poll { source: e, .. } => {
                e.is_auth()
            }
            Self::Aborted { cause: Some(e), .. } => e.is_auth(),
            _ => false,
        }
    }

    /// The job concerned, when one was started.
    #[must_use]
    pub fn job_id(&self) -> Option<&str> {
        match self {
            Self::Start(_)
            | Self::CancelledBeforeStart
            | Self::Locked(_)
            | Self::Baseline(_)
            | Self::BaselineChanged { .. } => None,
            Self::Aborted { job_id, .. }
            | Self::Finalize { job_id, .. }
            | Self::Poll { job_id, .. }
            | Self::StillProcessing { job_id, .. } => Some(job_id),
            Self::JobFailed { job } => Some(&job.id),
        }
    }
}

fn emit(progress: Option<&UnboundedSender<SyncEvent>>, event: SyncEvent) {
    if let Some(tx) = progress {
        let _ = tx.send(event);
    }
}

enum StageError {
    Api(JupiterOneError),
    Cancelled,
}

struct Done {
    batches: AtomicUsize,
    entities: AtomicUsize,
    relationships: AtomicUsize,
    bytes: AtomicU64,
    truncated: std::sync::Mutex<Vec<String>>,
}

async fn upload_batch(
    client: &JupiterOneClient,
    plan: &Plan,
    job_id: &str,
    index: usize,
    progress: Option<&UnboundedSender<SyncEvent>>,
    done: &Done,
) -> Result<(), JupiterOneError> {
    let batch = plan.batches()[index];
    let mut truncations = Truncations::new();
    loop {
        let body = plan.body_with(index, &truncations);
        let bytes = body.len() as u64;
        match client.upload(job_id, batch.kind, Bytes::from(body)).await {
            Ok(_) => {
                done.bytes.fetch_add(bytes, Ordering::Relaxed);
                match batch.kind {
                    UploadKind::Relationships => {
                        done.relationships.fetch_add(batch.len(), Ordering::Relaxed)
                    }
                    _ => done.entities.fetch_add(batch.len(), Ordering::Relaxed),
                };
                done.batches.fetch_add(1, Ordering::Relaxed);
                if !truncations.is_empty() {
                    let mut keys: Vec<String> = truncations
                        .iter()
                        .map(|&(i, _)| plan.graph().entities()[i].key.clone())
                        .collect();
                    keys.dedup();
                    if let Ok(mut t) = done.truncated.lock() {
                        t.extend(keys);
                    }
                }
                return Ok(());
            }
            Err(JupiterOneError::TooLarge { what, bytes }) => {
                let before = truncations.len();
                if !plan.shrink(index, &mut truncations) {
                    return Err(JupiterOneError::TooLarge { what, bytes });
                }
                let mut keys: Vec<String> = truncations
                    .iter()
                    .skip(before)
                    .map(|&(i, _)| plan.graph().entities()[i].key.clone())
                    .collect();
                keys.dedup();
                tracing::warn!(
                    index,
                    bytes,
                    ?keys,
                    "413 from JupiterOne; truncating _rawData"
                );
                emit(progress, SyncEvent::Shrunk { batch: index, keys });
            }
            Err(e) => return Err(e),
        }
    }
}

/// Uploads `plan`: start, batches, finalize, poll to a terminal status. Progress goes to
/// `progress` when given.
///
/// # Errors
/// [`UploadError`]: a failure before finalize aborts the job and returns
/// [`UploadError::Aborted`].
pub async fn upload(
    client: &JupiterOneClient,
    plan: &Plan,
    options: &UploadOptions,
    progress: Option<UnboundedSender<SyncEvent>>,
) -> Result<UploadOutcome, UploadError> {
    let progress = progress.as_ref();
    let started = Instant::now();
    let requests_before = client.requests();
    emit(
        progress,
        SyncEvent::Starting {
            target: plan.target().to_string(),
        },
    );
    if options.cancel.is_cancelled() {
        return Err(UploadError::CancelledBeforeStart);
    }
    // Not raced against the cancel: JupiterOne may create the job even if the answer is
    // never read, and a job must not be left open. A cancel now aborts it just below.
    let job = client
        .start_job(plan.target())
        .await
        .map_err(UploadError::Start)?;
    let job_id = job.id.clone();
    tracing::info!(job_id, target = %plan.target(), batches = plan.batches().len(), "sync job started");
    emit(
        progress,
        SyncEvent::Started {
            job_id: job_id.clone(),
        },
    );

    let (entities_total, relationships_total) = plan.object_counts();
    let batches_total = plan.batches().len();
    let bytes_total = plan.total_bytes();
    let done = Arc::new(Done {
        batches: AtomicUsize::new(0),
        entities: AtomicUsize::new(0),
        relationships: AtomicUsize::new(0),
        bytes: AtomicU64::new(0),
        truncated: std::sync::Mutex::new(Vec::new()),
    });
    // On the first failure (or a cancel) no further batch starts, and the ones in flight
    // are drained before the abort goes out: JupiterOne never sees an upload to an aborted
    // job.
    let stop = CancellationToken::new();
    let mut uploads = stream::iter(0..batches_total)
        .map(|i| {
            let (stop, done) = (&stop, &done);
            let job_id = job_id.as_str();
            async move {
                if stop.is_cancelled() {
                    return Ok(false);
                }
                upload_batch(client, plan, job_id, i, progress, done)
                    .await
                    .map(|()| true)
            }
        })
        .buffer_unordered(options.concurrency.max(1));
    let mut failure: Option<StageError> = None;
    loop {
        let next = tokio::select! {
            () = options.cancel.cancelled(), if failure.is_none() => {
                tracing::warn!(job_id, "cancelled; draining the uploads in flight");
                failure = Some(StageError::Cancelled);
                stop.cancel();
                continue;
            }
            next = uploads.next() => next,
        };
        match next {
            None => break,
            Some(Ok(false)) => {}
            Some(Ok(true)) => emit(
                progress,
                SyncEvent::Uploaded {
                    job_id: job_id.clone(),
                    batches_done: done.batches.load(Ordering::Relaxed),
                    batches_total,
                    entities_done: done.entities.load(Ordering::Relaxed),
                    entities_total,
                    relationships_done: done.relationships.load(Ordering::Relaxed),
                    relationships_total,
                    bytes_done: done.bytes.load(Ordering::Relaxed),
                    bytes_total,
                },
            ),
            Some(Err(e)) => {
                if failure.is_none() {
                    tracing::warn!(job_id, error = %e, "upload failed; draining the uploads in flight");
                    failure = Some(StageError::Api(e));
                    stop.cancel();
                }
            }
        }
    }
    drop(uploads);
    let result = failure.map_or(Ok(()), Err);
    if let Err(e) = result {
        let (reason, cause) = match e {
            StageError::Api(e) => (e.to_string(), Some(e)),
            StageError::Cancelled => ("the sync was cancelled by the user".to_owned(), None),
        };
        let reason = format!("heroku-j1: {reason}");
        tracing::error!(job_id, %reason, "upload failed; aborting the job");
        emit(
            progress,
            SyncEvent::Aborting {
                job_id: job_id.clone(),
                reason: reason.clone(),
            },
        );
        let abort_error = client.abort(&job_id, &reason).await.err();
        if let Some(e) = &abort_error {
            tracing::error!(job_id, error = %e, "abort failed");
        }
        return Err(UploadError::Aborted {
            job_id,
            reason,
            cause,
            abort_error,
        });
    }

    emit(
        progress,
        SyncEvent::Finalizing {
            job_id: job_id.clone(),
        },
    );
    let mut job = client
        .finalize(&job_id, Bytes::from(plan.finalize_body().to_owned()))
        .await
        .map_err(|source| UploadError::Finalize {
            job_id: job_id.clone(),
            source,
        })?;
    tracing::info!(job_id, status = job.status, "finalized");
    emit(
        progress,
        SyncEvent::Processing {
            job_id: job_id.clone(),
            job: job.clone(),
        },
    );
    let finalized = Instant::now();
    while !job.is_terminal() {
        if finalized.elapsed() > options.poll_timeout {
            return Err(UploadError::StillProcessing {
                job_id,
                status: job.status,
                waited_s: finalized.elapsed().as_secs(),
            });
        }
        tokio::select! {
            () = options.cancel.cancelled() => {
                return Err(UploadError::StillProcessing {
                    job_id,
                    status: job.status,
                    waited_s: finalized.elapsed().as_secs(),
                });
            }
            () = tokio::time::sleep(options.poll_interval) => {}
        }
        job = client
            .get_job(&job_id)
            .await
            .map_err(|source| UploadError::Poll {
                job_id: job_id.clone(),
                source,
            })?;
        emit(
            progress,
            SyncEvent::Processing {
                job_id: job_id.clone(),
                job: job.clone(),
            },
        );
    }
    if !job.is_finished() {
        tracing::error!(job_id, status = job.status, "job ended badly");
        return Err(UploadError::JobFailed { job });
    }
    tracing::info!(
        job_id,
        created = job.num_entities_created,
        updated = job.num_entities_updated,
        deleted = job.num_entities_deleted,
        "sync job finished"
    );
    emit(
        progress,
        SyncEvent::Finished {
            job_id: job_id.clone(),
            job: job.clone(),
        },
    );
    let mut truncated_keys = done.truncated.lock().map(|t| t.clone()).unwrap_or_default();
    truncated_keys.sort();
    truncated_keys.dedup();
    Ok(UploadOutcome {
        job_id,
        job,
        batches: batches_total,
        bytes_sent: done.bytes.load(Ordering::Relaxed),
        requests: client.requests() - requests_before,
        truncated_keys,
        duration_ms: started.elapsed().as_millis(),
    })
}
