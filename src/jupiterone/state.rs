//! The last successful sync per target: every object JupiterOne holds for it, exactly as it
//! was uploaded, in the data folder. Written only after the job reached `FINISHED`, read to
//! compute the next change set ([`super::changes`]).
//!
//! ```text
//! <data dir>/jupiterone-sync/<target>-<hash of api url, account and target>.state.zst
//! ```
//!
//! Format 2 (current): one zstd stream holding a header line (JSON: `version`, `apiUrl`,
//! `account`, `target`, `jobId`, `syncedAt`), a newline, then the body
//! `{"entities":[…],"relationships":[…]}` whose items are
//! `{"key":…,"type":…,"object":{the exact JSON uploaded}}` (or, for an object carried over
//! from a format-1 state, `{"key":…,"type":…,"hash":…}`). The version is read from the header
//! before anything else, so a file from a newer heroku-j1 is refused by name.
//!
//! Format 1 (older heroku-j1): `<target>-<hash>.json`, plain JSON with a SHA-256 per object
//! and no objects. It is still read (counts only, [`SyncState::details_missing`] says why)
//! and left in place until a sync writes format 2 beside it.
//!
//! Writes are atomic: a temporary file in the same folder, fsynced, then renamed over the
//! old one, so a crash between the upload and the write leaves the previous state intact.
//! A damaged file is reported with its path and never overwritten (the sync stops first).

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::target::Target;
use crate::graph::{Entity, Graph, Relationship};

/// The version of the file format written.
pub const STATE_VERSION: u32 = 2;
/// The plain-JSON format of older releases: hashes only.
pub const LEGACY_VERSION: u32 = 1;
/// The environment variable naming the data folder.
pub const DATA_DIR_ENV: &str = "HEROKU_J1_DATA_DIR";
/// zstd level: the `huge` estate (about 300 MB of JSON) compresses to well under 40 MB.
const ZSTD_LEVEL: i32 = 9;

/// One object as last synced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredObject {
    pub key: String,
    #[serde(rename = "type")]
    pub object_type: String,
    /// The exact JSON uploaded (format 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<Box<RawValue>>,
    /// SHA-256 (hex) of the object's JSON with keys sorted at every level (format 1, where
    /// the object itself was not kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

impl PartialEq for StoredObject {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
            && self.object_type == other.object_type
            && self.object.as_ref().map(|o| o.get()) == other.object.as_ref().map(|o| o.get())
            && self.hash == other.hash
    }
}

/// What JupiterOne holds for one target after the last successful sync.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncState {
    /// The format the file was read in (or is written in).
    pub version: u32,
    pub api_url: String,
    pub account: String,
    /// [`Target::id`].
    pub target: String,
    pub job_id: String,
    /// RFC 3339.
    pub synced_at: String,
    pub entities: Vec<StoredObject>,
    pub relationships: Vec<StoredObject>,
}

impl SyncState {
    /// Why the objects' contents are unknown (a format-1 state kept only hashes), for the UI
    /// to show instead of property diffs; `None` when every object is stored.
    #[must_use]
    pub fn details_missing(&self) -> Option<String> {
        let missing = self
            .entities
            .iter()
            .chain(&self.relationships)
            .filter(|o| o.object.is_none())
            .count();
        (missing > 0).then(|| {
            format!(
                "the last sync was recorded by an older heroku-j1 (sync state format {LEGACY_VERSION}), \
                 which kept only a hash of {missing} object(s): their names and changed properties \
                 are unknown until the next sync records them"
            )
        })
    }
}

/// The header line of a format-2 file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Header {
    pub version: u32,
    pub api_url: String,
    pub account: String,
    pub target: String,
    pub job_id: String,
    pub synced_at: String,
}

/// A format-1 file.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyState {
    version: u32,
    #[serde(default)]
    api_url: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    job_id: String,
    #[serde(default)]
    synced_at: String,
    #[serde(default)]
    entities: std::collections::BTreeMap<String, LegacyObject>,
    #[serde(default)]
    relationships: std::collections::BTreeMap<String, LegacyObject>,
}

#[derive(Deserialize)]
struct LegacyObject {
    #[serde(rename = "type")]
    object_type: String,
    hash: String,
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    entities: Vec<StoredObject>,
    #[serde(default)]
    relationships: Vec<StoredObject>,
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

/// An error reading or writing a state file, naming it.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read the sync state {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "the sync state {path} is damaged ({reason}); it was left as it is: move it away or \
         delete it to treat the next sync as the first"
    )]
    Damaged { path: PathBuf, reason: String },
    #[error(
        "the sync state {path} has format version {version}, newer than this heroku-j1 reads \
         (up to {STATE_VERSION}): upgrade heroku-j1, or move the file away to treat the next \
         sync as the first"
    )]
    FutureVersion { path: PathBuf, version: u32 },
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
        .join(format!("{readable}-{hex}.state.zst"))
}

/// Where a format-1 release kept the state `path` names.
#[must_use]
pub fn legacy_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    path.with_file_name(format!(
        "{}.json",
        name.strip_suffix(".state.zst").unwrap_or(name)
    ))
}

fn damaged(path: &Path, reason: impl ToString) -> StateError {
    StateError::Damaged {
        path: path.to_owned(),
        reason: reason.to_string(),
    }
}

fn read_file(path: &Path) -> Result<Option<Vec<u8>>, StateError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(StateError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Reads the state at `path` (format 2), else its format-1 predecessor
/// ([`legacy_path`]); `None` when there is neither (the first sync to the target).
///
/// # Errors
/// When a file exists but cannot be read, is damaged, or has a newer format version.
pub fn load(path: &Path) -> Result<Option<SyncState>, StateError> {
    if let Some(bytes) = read_file(path)? {
        return parse(path, &bytes).map(Some);
    }
    let legacy = legacy_path(path);
    if legacy == path {
        return Ok(None);
    }
    match read_file(&legacy)? {
        Some(bytes) => parse(&legacy, &bytes).map(Some),
        None => Ok(None),
    }
}

/// Parses a state file's bytes (either format); `path` only names it in errors.
///
/// # Errors
/// As [`load`].
pub fn parse(path: &Path, bytes: &[u8]) -> Result<SyncState, StateError> {
    if bytes.first() == Some(&b'{') {
        return parse_legacy(path, bytes);
    }
    let mut text = Vec::with_capacity(bytes.len().saturating_mul(8));
    zstd::stream::read::Decoder::new(bytes)
        .and_then(|mut d| d.read_to_end(&mut text))
        .map_err(|e| damaged(path, format!("not a zstd stream: {e}")))?;
    let newline = text
        .iter()
        .position(|b| *b == b'\n')
        .ok_or_else(|| damaged(path, "no header line"))?;
    let (head, body) = text.split_at(newline);
    let version: VersionOnly =
        serde_json::from_slice(head).map_err(|e| damaged(path, format!("header: {e}")))?;
    if version.version > STATE_VERSION {
        return Err(StateError::FutureVersion {
            path: path.to_owned(),
            version: version.version,
        });
    }
    let header: Header =
        serde_json::from_slice(head).map_err(|e| damaged(path, format!("header: {e}")))?;
    let body: Body = serde_json::from_slice(&body[1..]).map_err(|e| damaged(path, e))?;
    Ok(SyncState {
        version: header.version,
        api_url: header.api_url,
        account: header.account,
        target: header.target,
        job_id: header.job_id,
        synced_at: header.synced_at,
        entities: body.entities,
        relationships: body.relationships,
    })
}

fn parse_legacy(path: &Path, bytes: &[u8]) -> Result<SyncState, StateError> {
    let version: VersionOnly = serde_json::from_slice(bytes).map_err(|e| damaged(path, e))?;
    if version.version > STATE_VERSION {
        return Err(StateError::FutureVersion {
            path: path.to_owned(),
            version: version.version,
        });
    }
    let legacy: LegacyState = serde_json::from_slice(bytes).map_err(|e| damaged(path, e))?;
    let objects = |map: std::collections::BTreeMap<String, LegacyObject>| {
        map.into_iter()
            .map(|(key, o)| StoredObject {
                key,
                object_type: o.object_type,
                object: None,
                hash: Some(o.hash),
            })
            .collect()
    };
    Ok(SyncState {
        version: legacy.version,
        api_url: legacy.api_url,
        account: legacy.account,
        target: legacy.target,
        job_id: legacy.job_id,
        synced_at: legacy.synced_at,
        entities: objects(legacy.entities),
        relationships: objects(legacy.relationships),
    })
}

/// A graph object written as a stored item.
#[derive(Serialize)]
struct Item<'a, T: Serialize> {
    key: &'a str,
    #[serde(rename = "type")]
    object_type: &'a str,
    object: &'a T,
}

/// A list of graph objects and stored objects, serialized as one array.
struct Items<'a, T> {
    graph: &'a [T],
    head: fn(&T) -> (&str, &str),
    carried: &'a [&'a StoredObject],
}

fn entity_head(e: &Entity) -> (&str, &str) {
    (&e.key, &e.entity_type)
}

fn relationship_head(r: &Relationship) -> (&str, &str) {
    (r.key(), &r.relationship_type)
}

impl<T: Serialize> Serialize for Items<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.graph.len() + self.carried.len()))?;
        for o in self.graph {
            let (key, object_type) = (self.head)(o);
            seq.serialize_element(&Item {
                key,
                object_type,
                object: o,
            })?;
        }
        for o in self.carried {
            seq.serialize_element(o)?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct BodyOut<E: Serialize, R: Serialize> {
    entities: E,
    relationships: R,
}

/// The state after uploading `graph`: its objects, then the stored objects JupiterOne keeps
/// because their type was partial, under `header`.
pub struct Snapshot<'a> {
    pub header: Header,
    pub graph: &'a Graph,
    pub carried_entities: Vec<&'a StoredObject>,
    pub carried_relationships: Vec<&'a StoredObject>,
}

/// Writes `snapshot` atomically, in format 2.
///
/// # Errors
/// When the folder or file cannot be written.
pub fn save_snapshot(path: &Path, snapshot: &Snapshot<'_>) -> Result<(), StateError> {
    let body = BodyOut {
        entities: Items {
            graph: snapshot.graph.entities(),
            head: entity_head,
            carried: &snapshot.carried_entities,
        },
        relationships: Items {
            graph: snapshot.graph.relationships(),
            head: relationship_head,
            carried: &snapshot.carried_relationships,
        },
    };
    write_atomic(path, &snapshot.header, &body)
}

/// Writes `state` atomically, in format 2 (whatever version it was read in).
///
/// # Errors
/// When the folder or file cannot be written.
pub fn save(path: &Path, state: &SyncState) -> Result<(), StateError> {
    let header = Header {
        version: STATE_VERSION,
        api_url: state.api_url.clone(),
        account: state.account.clone(),
        target: state.target.clone(),
        job_id: state.job_id.clone(),
        synced_at: state.synced_at.clone(),
    };
    let body = BodyOut {
        entities: &state.entities,
        relationships: &state.relationships,
    };
    write_atomic(path, &header, &body)
}

#[cfg(unix)]
fn create_private(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> io::Result<fs::File> {
    fs::File::create(path)
}

/// Creates `dir` and its missing parents readable by the owner only (0700 on Unix; the
/// state and log files name people). Folders that exist are left as they are.
///
/// # Errors
/// When a folder cannot be created.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn write_atomic(path: &Path, header: &Header, body: &impl Serialize) -> Result<(), StateError> {
    let err = |source| StateError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    create_private_dir(dir).map_err(err)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("state");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let file = create_private(&tmp)?;
        let encoder = zstd::stream::write::Encoder::new(BufWriter::new(file), ZSTD_LEVEL)?;
        let mut w = BufWriter::with_capacity(1 << 16, encoder);
        let mut head = header.clone();
        head.version = STATE_VERSION;
        serde_json::to_writer(&mut w, &head)?;
        w.write_all(b"\n")?;
        serde_json::to_writer(&mut w, body)?;
        let encoder = w.into_inner().map_err(io::IntoInnerError::into_error)?;
        let file = encoder
            .finish()?
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        // The rename itself is durable once the folder is synced (not possible everywhere).
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> SyncState {
        SyncState {
            version: STATE_VERSION,
            api_url: "http://j1".into(),
            account: "acct".into(),
            target: "scope:x".into(),
            job_id: "job-1".into(),
            synced_at: "2026-01-01T00:00:00Z".into(),
            entities: vec![StoredObject {
                key: "k1".into(),
                object_type: "heroku_app".into(),
                object: Some(RawValue::from_string(r#"{"_key":"k1","name":"a"}"#.into()).unwrap()),
                hash: None,
            }],
            relationships: Vec::new(),
        }
    }

    #[test]
    fn a_state_round_trips_compressed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.state.zst");
        save(&path, &state()).unwrap();
        let bytes = fs::read(&path).unwrap();
        assert_eq!(&bytes[..4], &[0x28, 0xb5, 0x2f, 0xfd], "zstd magic");
        assert_eq!(load(&path).unwrap(), Some(state()));
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left");
    }

    /// A body that fails halfway through, as a write interrupted by a full disk or a crash.
    struct FailsHalfway;

    impl Serialize for FailsHalfway {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut seq = s.serialize_seq(None)?;
            seq.serialize_element(&"x".repeat(1 << 20))?;
            Err(serde::ser::Error::custom("interrupted"))
        }
    }

    #[test]
    fn an_interrupted_write_leaves_the_previous_state() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.state.zst");
        save(&path, &state()).unwrap();
        let before = fs::read(&path).unwrap();
        let e = write_atomic(&path, &Header::default(), &FailsHalfway).unwrap_err();
        assert!(matches!(e, StateError::Write { .. }), "{e}");
        assert_eq!(fs::read(&path).unwrap(), before, "the old state is intact");
        assert_eq!(load(&path).unwrap(), Some(state()));
        let files: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(files.len(), 1, "the temporary file is gone");
        // What a killed process leaves behind (a partial temporary file) is ignored.
        fs::write(dir.path().join(".s.state.zst.999.tmp"), b"\x28\xb5partial").unwrap();
        assert_eq!(load(&path).unwrap(), Some(state()));
    }

    #[test]
    fn a_future_version_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.state.zst");
        let text = b"{\"version\":9,\"whatever\":true}\n{}";
        fs::write(&path, zstd::encode_all(&text[..], 3).unwrap()).unwrap();
        let e = load(&path).unwrap_err();
        assert!(
            matches!(e, StateError::FutureVersion { version: 9, .. }),
            "{e}"
        );
        assert!(e.to_string().contains(&path.display().to_string()));
        let legacy = legacy_path(&path);
        fs::remove_file(&path).unwrap();
        fs::write(&legacy, r#"{"version":3,"entities":{}}"#).unwrap();
        let e = load(&path).unwrap_err();
        assert!(
            matches!(e, StateError::FutureVersion { version: 3, .. }),
            "{e}"
        );
        assert!(e.to_string().contains(&legacy.display().to_string()));
    }

    #[test]
    fn a_legacy_state_is_read_without_details() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t-0011.state.zst");
        assert_eq!(legacy_path(&path), dir.path().join("t-0011.json"));
        fs::write(
            legacy_path(&path),
            r#"{"version":1,"apiUrl":"u","account":"a","target":"t","jobId":"j","syncedAt":"s",
               "entities":{"k":{"type":"heroku_app","hash":"00"}},"relationships":{}}"#,
        )
        .unwrap();
        let s = load(&path).unwrap().unwrap();
        assert_eq!(s.version, 1);
        assert_eq!(s.entities[0].hash.as_deref(), Some("00"));
        assert!(s.details_missing().unwrap().contains("older heroku-j1"));
    }

    #[test]
    fn a_damaged_state_names_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.state.zst");
        fs::write(&path, b"\x28\xb5\x2f\xfd garbage").unwrap();
        let e = load(&path).unwrap_err();
        assert!(matches!(e, StateError::Damaged { .. }), "{e}");
        assert!(e.to_string().contains(&path.display().to_string()));
    }
}
