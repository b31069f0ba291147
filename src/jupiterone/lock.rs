//! One sync per target at a time: an exclusive OS file lock (fs4) on `<state file>.lock`,
//! held for the whole sync (upload and state write). The holder writes its process id and
//! start time into the file so a second run can say who holds it. The lock belongs to the
//! open file, so the OS releases it when the holder exits or is killed: a stale lock file
//! never blocks.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use fs4::{FileExt, TryLockError};
use tokio_util::sync::CancellationToken;

/// Between two attempts while waiting. Polling `try_lock` (rather than a blocking `lock`
/// on a thread) keeps the wait cancellable by Ctrl-C and signals.
const RETRY: Duration = Duration::from_millis(200);

/// A held lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct SyncLock {
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another sync of this target is running ({holder}; lock file {path})")]
    Busy { path: PathBuf, holder: String },
    #[error("cannot take the sync lock {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the sync was cancelled while waiting for another sync of this target")]
    Cancelled,
}

/// The lock file of the target whose state file is `state_path`.
#[must_use]
pub fn lock_path(state_path: &Path) -> PathBuf {
    let mut name = state_path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Who holds the lock, as written by the holder ("process 123 started at …").
#[must_use]
pub fn holder(path: &Path) -> String {
    let mut text = String::new();
    let read = File::open(path).and_then(|mut f| f.read_to_string(&mut text));
    match read {
        Ok(_) if !text.trim().is_empty() => text.trim().to_owned(),
        _ => "a process that has not said which".to_owned(),
    }
}

fn open(path: &Path) -> Result<File, LockError> {
    let io = |source| LockError::Io {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        super::state::create_private_dir(dir).map_err(io)?;
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(io)
}

fn record_holder(file: &mut File) -> std::io::Result<()> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    file.set_len(0)?;
    file.rewind()?;
    writeln!(file, "process {} started at {now}", std::process::id())?;
    file.sync_all()
}

/// Takes the lock of `path` if free; `Ok(None)` when another process holds it.
///
/// # Errors
/// When the lock file cannot be opened or locked.
pub fn try_acquire(path: &Path) -> Result<Option<SyncLock>, LockError> {
    let mut file = open(path)?;
    match FileExt::try_lock(&file) {
        Ok(()) => {
            // Who holds it is advice only: a failure to write it does not stop the sync.
            if let Err(e) = record_holder(&mut file) {
                tracing::warn!(error = %e, "cannot write the holder into the sync lock");
            }
            Ok(Some(SyncLock { _file: file }))
        }
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(source)) => Err(LockError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Takes the lock of `path`. When another process holds it: with `wait`, calls `waiting`
/// once with the holder and waits until it is free (or `cancel`); without, fails at once
/// with [`LockError::Busy`].
///
/// # Errors
/// [`LockError`].
pub async fn acquire(
    path: &Path,
    wait: bool,
    cancel: &CancellationToken,
    waiting: impl FnOnce(&str),
) -> Result<SyncLock, LockError> {
    if let Some(lock) = try_acquire(path)? {
        return Ok(lock);
    }
    let who = holder(path);
    if !wait {
        return Err(LockError::Busy {
            path: path.to_owned(),
            holder: who,
        });
    }
    tracing::warn!(holder = %who, path = %path.display(), "waiting for another sync of this target");
    waiting(&who);
    loop {
        tokio::select! {
            () = cancel.cancelled() => return Err(LockError::Cancelled),
            () = tokio::time::sleep(RETRY) => {}
        }
        if let Some(lock) = try_acquire(path)? {
            return Ok(lock);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_taker_is_told_who_holds_it_and_gets_it_once_released() {
        let dir = tempfile::tempdir().unwrap();
        let path = lock_path(&dir.path().join("state.zst"));
        let first = try_acquire(&path).unwrap().expect("free");
        let none = CancellationToken::new();
        let busy = acquire(&path, false, &none, |_| {}).await.unwrap_err();
        let text = busy.to_string();
        assert!(
            text.contains(&format!("process {}", std::process::id())),
            "{text}"
        );
        drop(first);
        assert!(try_acquire(&path).unwrap().is_some(), "released on drop");
    }

    #[tokio::test]
    async fn waiting_is_cancellable() {
        let dir = tempfile::tempdir().unwrap();
        let path = lock_path(&dir.path().join("state.zst"));
        let _held = try_acquire(&path).unwrap().unwrap();
        let cancel = CancellationToken::new();
        cancel.cancel();
        let mut told = None;
        let e = acquire(&path, true, &cancel, |h| told = Some(h.to_owned()))
            .await
            .unwrap_err();
        assert!(matches!(e, LockError::Cancelled), "{e}");
        assert!(told.is_some(), "the wait was announced");
    }
}
