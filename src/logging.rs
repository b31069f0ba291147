//! Tracing to a log file, never to the terminal: the explorer owns the terminal, and a log
//! line on stderr would corrupt its screen. No key is ever logged (keys are [`crate::secrets::Secret`]).

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// The environment variable that sets the level (`info` by default), e.g. `HEROKU_J1_LOG=trace`.
pub const LEVEL_ENV: &str = "HEROKU_J1_LOG";
/// Read when [`LEVEL_ENV`] is not set, as every `tracing` program does.
pub const RUST_LOG_ENV: &str = "RUST_LOG";

/// The log filter: `-v`/`-q` when given (`verbosity` = their difference: 1 debug, 2 trace,
/// -1 warn, -2 error, -3 off), else [`LEVEL_ENV`], else `RUST_LOG`, else `info`.
#[must_use]
pub fn filter(verbosity: i8) -> EnvFilter {
    let level = match verbosity {
        0 => None,
        1 => Some("debug"),
        2.. => Some("trace"),
        -1 => Some("warn"),
        -2 => Some("error"),
        _ => Some("off"),
    };
    if let Some(level) = level {
        return EnvFilter::new(level);
    }
    EnvFilter::try_from_env(LEVEL_ENV)
        .or_else(|_| EnvFilter::try_from_env(RUST_LOG_ENV))
        .unwrap_or_else(|_| EnvFilter::new("info"))
}

/// Starts logging to `path` (appending): the settings' log file, by default in the data
/// folder. Returns the path, or `None` when there is none or the file cannot be opened
/// (logging is then off, and nothing else breaks). `verbosity`: see [`filter`].
pub fn init(path: Option<&Path>, verbosity: i8) -> Option<PathBuf> {
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
    tracing_subscriber::fmt()
        .with_env_filter(filter(verbosity))
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .ok()?;
    Some(path)
}
