//! The configuration file: `config.toml` in the platform's config folder (or `--config-dir` /
//! `HEROKU_J1_CONFIG_DIR`). Settings that are not secret: the JupiterOne account, region,
//! API URL, target, poll interval and guard; the Heroku API URL, concurrency, timeout and
//! deadline; the data folder and log file. **Never a key**: keys live in the OS keyring.
//!
//! ```toml
//! [jupiterone]
//! account_id = "j1-account-id"
//! region = "us"                       # or "eu"
//! # api_url = "https://api.us.jupiterone.io"
//! # scope = "heroku-j1:…"
//! # integration_instance_id = "…"
//! # integration_source = "external"   # or "managed"
//! # poll_interval = "2s"
//! # poll_limit = "30m"
//! # guard_percent = 10
//!
//! [heroku]
//! # api_url = "https://api.heroku.com"
//! # concurrency = 8
//! # timeout = "30s"
//! # deadline = "1h"                  # the whole crawl
//! # max_response_size = "64MiB"      # a larger answer fails its list
//!
//! [files]
//! # data_dir = "/var/lib/heroku-j1"
//! # log_file = "/var/log/heroku-j1.log"
//! ```
//!
//! This module only reads and writes the file: [`crate::settings`] decides what a value in
//! it means against the flags and the environment.
//!
//! A file that cannot be parsed is reported with its path and line, and never overwritten.
//! Keys this version does not know are kept when the file is saved. Saving is atomic (a
//! temporary file renamed over the old one), and on Unix the file is mode 0600.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The file name in the config folder.
pub const FILE_NAME: &str = "config.toml";
/// The environment variable behind `--config-dir`.
pub const DIR_ENV: &str = "HEROKU_J1_CONFIG_DIR";
/// The US JupiterOne API.
pub const JUPITERONE_US_URL: &str = crate::jupiterone::client::US_API_URL;
/// The EU JupiterOne API.
pub const JUPITERONE_EU_URL: &str = crate::jupiterone::client::EU_API_URL;

/// A JupiterOne region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    #[default]
    Us,
    Eu,
}

impl Region {
    /// The region's API base URL.
    #[must_use]
    pub const fn api_url(self) -> &'static str {
        match self {
            Self::Us => JUPITERONE_US_URL,
            Self::Eu => JUPITERONE_EU_URL,
        }
    }

    /// `us` or `eu` (any case, surrounding spaces ignored).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "us" => Some(Self::Us),
            "eu" => Some(Self::Eu),
            _ => None,
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Us => "us",
            Self::Eu => "eu",
        })
    }
}

/// `[jupiterone]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JupiterOneSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    /// Overrides the region's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// The scope to sync to (instead of `heroku-j1:<Heroku user id>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The integration instance to sync to, instead of a scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_instance_id: Option<String>,
    /// `external` or `managed`: the job source for the integration instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_source: Option<String>,
    /// How often a finalized job is polled, e.g. `"2s"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_interval: Option<String>,
    /// How long to wait for a finalized job to end, e.g. `"30m"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_limit: Option<String>,
    /// The guard asks first when more than this percentage of a type would be deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard_percent: Option<f64>,
    /// Keys this version does not know, kept as they are.
    #[serde(flatten)]
    pub other: toml::Table,
}

/// `[heroku]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HerokuSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// Requests in flight at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u16>,
    /// Before a request times out, e.g. `"30s"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// The whole crawl's deadline, e.g. `"1h"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// The largest answer read, e.g. `"64MiB"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_response_size: Option<String>,
    /// Keys this version does not know, kept as they are.
    #[serde(flatten)]
    pub other: toml::Table,
}

/// `[files]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FilesSection {
    /// Where the state of the last sync per target is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// Where the log goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_file: Option<PathBuf>,
    /// Keys this version does not know, kept as they are.
    #[serde(flatten)]
    pub other: toml::Table,
}

impl FilesSection {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl JupiterOneSection {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl HerokuSection {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Config {
    #[serde(default, skip_serializing_if = "JupiterOneSection::is_empty")]
    pub jupiterone: JupiterOneSection,
    #[serde(default, skip_serializing_if = "HerokuSection::is_empty")]
    pub heroku: HerokuSection,
    #[serde(default, skip_serializing_if = "FilesSection::is_empty")]
    pub files: FilesSection,
    /// Tables and keys this version does not know, kept as they are.
    #[serde(flatten)]
    pub other: toml::Table,
}

/// What went wrong with the config file. Messages name the file; they never quote it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no config folder: the home folder is unknown; set --config-dir or HEROKU_J1_CONFIG_DIR"
    )]
    NoDir,
    #[error("cannot read the config file {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the config file {} is malformed at line {line}, column {column}: {message}. Fix it \
         (or move it away); heroku-j1 will not overwrite it",
        .path.display()
    )]
    Malformed {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("cannot write the config file {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The config folder: `dir` if given (`--config-dir` / `HEROKU_J1_CONFIG_DIR`), else the
/// platform's (`~/.config/heroku-j1` on Linux).
///
/// # Errors
/// [`ConfigError::NoDir`] when no home folder is known.
pub fn dir(given: Option<&Path>) -> Result<PathBuf, ConfigError> {
    if let Some(d) = given {
        return Ok(d.to_path_buf());
    }
    directories::ProjectDirs::from("io", "heroku-j1", "heroku-j1")
        .map(|d| d.config_dir().to_path_buf())
        .ok_or(ConfigError::NoDir)
}

/// The config file in `dir`.
#[must_use]
pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

/// 1-based line and column of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((1, 1), |span| line_column(text, span.start));
        ConfigError::Malformed {
            path: path.to_path_buf(),
            line,
            column,
            // The message only: the error's Display quotes the offending line.
            message: e.message().trim().to_owned(),
        }
    })
}

impl Config {
    /// Loads `config.toml` from `dir`; an absent file is an empty config.
    ///
    /// # Errors
    /// When the file cannot be read or parsed.
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        let path = path(dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => parse(&path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(ConfigError::Read { path, source }),
        }
    }

    /// Writes `config.toml` in `dir` atomically (mode 0600 on Unix), creating the folder.
    /// Refuses to replace a file that does not parse. Returns the file's path.
    ///
    /// # Errors
    /// When the existing file does not parse, or the file cannot be written.
    pub fn save(&self, dir: &Path) -> Result<PathBuf, ConfigError> {
        let path = path(dir);
        // Never lose a file we could not parse.
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                parse(&path, &text)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(ConfigError::Read { path, source }),
        }
        let text = toml::to_string_pretty(self).map_err(|e| ConfigError::Write {
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let write_err = |source| ConfigError::Write {
            path: path.clone(),
            source,
        };
        create_dir(dir).map_err(write_err)?;
        let tmp = dir.join(format!(
            ".{FILE_NAME}.{}-{}.tmp",
            std::process::id(),
            rand::random::<u32>()
        ));
        let written = (|| {
            let mut file = new_private_file(&tmp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            drop(file);
            std::fs::rename(&tmp, &path)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(write_err(e));
        }
        tracing::info!(path = %path.display(), "config saved");
        Ok(path)
    }

    /// Loads the config in `dir`, applies `change` and saves it.
    ///
    /// # Errors
    /// As [`Config::load`] and [`Config::save`]; nothing is written when loading fails.
    pub fn update(dir: &Path, change: impl FnOnce(&mut Self)) -> Result<Self, ConfigError> {
        let mut config = Self::load(dir)?;
        change(&mut config);
        config.save(dir)?;
        Ok(config)
    }
}

#[cfg(unix)]
fn create_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn new_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn new_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_file_is_an_empty_config_and_saving_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("nested").join("heroku-j1");
        assert_eq!(Config::load(&d).unwrap(), Config::default());
        let mut c = Config::default();
        c.jupiterone.account_id = Some("acct-123".into());
        c.jupiterone.region = Some(Region::Eu);
        c.jupiterone.scope = Some("heroku-j1:me".into());
        c.heroku.api_url = Some("http://127.0.0.1:1".into());
        let p = c.save(&d).unwrap();
        assert_eq!(p, d.join("config.toml"));
        assert_eq!(Config::load(&d).unwrap(), c);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            text.contains("[jupiterone]") && text.contains("region = \"eu\""),
            "{text}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("config.toml")]);
    }

    #[test]
    fn unknown_keys_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            path(dir.path()),
            "future = 1\n[jupiterone]\naccount_id = \"a\"\ncolour = \"blue\"\n[explorer]\ntheme = \"dark\"\n",
        )
        .unwrap();
        let c = Config::update(dir.path(), |c| c.jupiterone.region = Some(Region::Us)).unwrap();
        assert_eq!(c.jupiterone.account_id.as_deref(), Some("a"));
        let text = std::fs::read_to_string(path(dir.path())).unwrap();
        for needle in [
            "future = 1",
            "colour = \"blue\"",
            "[explorer]",
            "theme = \"dark\"",
            "region = \"us\"",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
    }

    #[test]
    fn a_malformed_file_names_the_line_and_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let bad = "[jupiterone]\naccount_id = \"a\"\nregion = \"ap\"\n";
        std::fs::write(path(dir.path()), bad).unwrap();
        let e = Config::load(dir.path()).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, ConfigError::Malformed { line: 3, .. }), "{msg}");
        assert!(
            msg.contains("config.toml") && msg.contains("line 3"),
            "{msg}"
        );
        let e = Config::update(dir.path(), |c| c.jupiterone.region = Some(Region::Us)).unwrap_err();
        assert!(matches!(e, ConfigError::Malformed { .. }));
        assert!(Config::default().save(dir.path()).is_err());
        assert_eq!(std::fs::read_to_string(path(dir.path())).unwrap(), bad);

        std::fs::write(path(dir.path()), "[jupiterone\n").unwrap();
        let e = Config::load(dir.path()).unwrap_err();
        assert!(matches!(e, ConfigError::Malformed { line: 1, .. }), "{e}");
        // The message never quotes the file (a pasted key would be printed).
        std::fs::write(path(dir.path()), "x = 1\nsecret-looking-text-here oops\n").unwrap();
        let e = Config::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("line 2") && !e.contains("secret-looking"), "{e}");
    }

    #[test]
    fn the_config_has_no_place_for_a_key() {
        // Every field, set: none of them is a key, and the file says nothing of keys.
        let c = Config {
            jupiterone: JupiterOneSection {
                account_id: Some("acct".into()),
                region: Some(Region::Us),
                api_url: Some("https://x".into()),
                scope: Some("s".into()),
                integration_instance_id: Some("i".into()),
                integration_source: Some("managed".into()),
                poll_interval: Some("2s".into()),
                poll_limit: Some("30m".into()),
                guard_percent: Some(10.0),
                other: toml::Table::new(),
            },
            heroku: HerokuSection {
                api_url: Some("https://y".into()),
                concurrency: Some(8),
                timeout: Some("30s".into()),
                deadline: Some("1h".into()),
                max_response_size: Some("64MiB".into()),
                other: toml::Table::new(),
            },
            files: FilesSection {
                data_dir: Some("/d".into()),
                log_file: Some("/l".into()),
                other: toml::Table::new(),
            },
            other: toml::Table::new(),
        };
        let text = toml::to_string_pretty(&c).unwrap();
        assert!(!text.to_ascii_lowercase().contains("key"), "{text}");
        assert!(!text.to_ascii_lowercase().contains("token"), "{text}");
    }
}
