//! Tracing to a log file, never to the terminal: the explorer owns the terminal, and a log
//! line on stderr would corrupt its screen. No key is ever logged (keys are [`crate::secrets::Secret`]).

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// The environment variable that sets the level (`info` by default), e.g. `HEROKU_J1_LOG=trace`.
pub const LEVEL_ENV: &str = "HEROKU_J1_LOG";

/// Starts logging to `path` (appending): the settings' log file, by default in the data
/// folder. Returns the path, or `None` when there is none or the file cannot be opened
/// (logging is then off, and nothing else breaks).
pub fn init(path: Option<&Path>) -> Option<PathBuf> {
    let path = path?.to_path_buf();
    if let Some(dir) = path.parent() {
        crate::jupiterone::state::create_private_dir(dir).ok()?;
    }
    // Logs hold e-mail addresses: owner-only (0600) on Unix when created here.
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&path).ok()?;
    let filter = EnvFilter::try_from_env(LEVEL_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .ok()?;
    Some(path)
}
