//! The last successful sync per target: the key and content hash of every object JupiterOne
//! holds for it, as JSON in the data folder. Written only after the job reached `FINISHED`,
//! read to preview the next sync.
//!
//! ```text
//! <data dir>/jupiterone-sync/<target>-<hash of api url, account and target>.json
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::target::Target;

/// The version of the file format.
pub const STATE_VERSION: u32 = 1;
/// The environment variable naming the data folder.
pub const DATA_DIR_ENV: &str = "HEROKU_J1_DATA_DIR";

/// One object as last synced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectState {
    #[serde(rename = "type")]
    pub object_type: String,
    /// SHA-256 (hex) of the object's JSON with keys sorted at every level.
    pub hash: String,
}

/// What JupiterOne holds for one target after the last successful sync.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncState {
    pub version: u32,
    pub api_url: String,
    pub account: String,
    /// [`Target::id`].
    pub target: String,
    pub job_id: String,
    /// RFC 3339.
    pub synced_at: String,
    pub entities: BTreeMap<String, ObjectState>,
    pub relationships: BTreeMap<String, ObjectState>,
}

/// An error reading or writing a state file, naming it.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read the sync state {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "the sync state {path} is damaged ({source}); delete it to treat the next sync as the first"
    )]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot write the sync state {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

/// The platform's data folder for heroku-j1 (e.g. `~/.local/share/heroku-j1`).
#[must_use]
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("io", "heroku-j1", "heroku-j1").map(|d| d.data_dir().to_owned())
}

/// The state file of one target in one account at one API URL.
#[must_use]
pub fn state_path(data_dir: &Path, api_url: &str, account: &str, target: &Target) -> PathBuf {
    let id = target.id();
    let digest = Sha256::digest(format!(
        "{}\n{}\n{id}",
        api_url.trim_end_matches('/'),
        account.trim()
    ));
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let readable: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    data_dir
        .join("jupiterone-sync")
        .join(format!("{readable}-{hex}.json"))
}

/// Reads a state file; `None` when there is none (the first sync to the target).
///
/// # Errors
/// When the file exists but cannot be read or parsed.
pub fn load(path: &Path) -> Result<Option<SyncState>, StateError> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StateError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|source| StateError::Parse {
            path: path.to_owned(),
            source,
        })
}

/// Writes a state file atomically (a temporary file renamed over it).
///
/// # Errors
/// When the folder or file cannot be written.
pub fn save(path: &Path, state: &SyncState) -> Result<(), StateError> {
    let err = |source| StateError::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(err)?;
    }
    let tmp = path.with_extension("json.tmp");
    let file = fs::File::create(&tmp).map_err(err)?;
    let mut w = BufWriter::new(file);
    serde_json::to_writer(&mut w, state).map_err(|e| err(e.into()))?;
    w.flush().map_err(err)?;
    drop(w);
    fs::rename(&tmp, path).map_err(err)
}
