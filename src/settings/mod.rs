//! Settings, resolved once: every non-secret option of every command and the explorer,
//! each taken from the first of its flag, its environment variable, config.toml and its
//! default. [`Settings::config_dir`] and [`Settings::resolve`] are the only places that read
//! these environment variables (through the lookup they are given, so tests pass a map) and
//! that know the precedence; the commands and the explorer receive the resulting
//! [`Settings`]. [`value`] parses a value the same way whatever its source.
//!
//! Keys are not settings: they come from [`crate::secrets`] (environment, then OS keyring).

pub mod value;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::{Config, ConfigError, Region};
use crate::jupiterone::{Guard, InstanceSource, Target};

/// The Heroku Platform API.
pub const DEFAULT_HEROKU_API_URL: &str = "https://api.heroku.com";
/// Heroku requests in flight at once.
pub const DEFAULT_CONCURRENCY: u16 = 8;
/// Before a Heroku request times out.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Between two polls of a finalized JupiterOne job.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(2);
/// The whole crawl's deadline (the Heroku client's default).
pub const DEFAULT_DEADLINE: Duration = crate::heroku::client::DEFAULT_DEADLINE;
/// The largest Heroku answer read (the Heroku client's default): far above real pages.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = crate::heroku::client::DEFAULT_MAX_BODY_BYTES;
/// How long to wait for a finalized JupiterOne job to end.
pub const DEFAULT_POLL_LIMIT: Duration = Duration::from_secs(30 * 60);
/// The log file's name in the data folder.
pub const LOG_FILE_NAME: &str = "heroku-j1.log";

/// The environment variable of each setting.
pub mod env {
    pub const HEROKU_API_URL: &str = "HEROKU_API_URL";
    pub const JUPITERONE_API_URL: &str = "JUPITERONE_API_URL";
    pub const REGION: &str = "JUPITERONE_REGION";
    pub const ACCOUNT: &str = "JUPITERONE_ACCOUNT";
    pub const SCOPE: &str = "HEROKU_J1_SCOPE";
    pub const INTEGRATION_INSTANCE_ID: &str = "HEROKU_J1_INTEGRATION_INSTANCE_ID";
    pub const INTEGRATION_SOURCE: &str = "HEROKU_J1_INTEGRATION_SOURCE";
    pub const CONFIG_DIR: &str = crate::config::DIR_ENV;
    pub const DATA_DIR: &str = "HEROKU_J1_DATA_DIR";
    pub const LOG_FILE: &str = "HEROKU_J1_LOG_FILE";
    pub const CONCURRENCY: &str = "HEROKU_J1_CONCURRENCY";
    pub const TIMEOUT: &str = "HEROKU_J1_TIMEOUT";
    pub const DEADLINE: &str = "HEROKU_J1_DEADLINE";
    pub const MAX_RESPONSE_SIZE: &str = "HEROKU_J1_MAX_RESPONSE_SIZE";
    pub const POLL_INTERVAL: &str = "HEROKU_J1_POLL_INTERVAL";
    pub const POLL_LIMIT: &str = "HEROKU_J1_POLL_LIMIT";
    pub const GUARD_PERCENT: &str = "HEROKU_J1_GUARD_PERCENT";
    /// Any non-empty value turns colour off unless `--color` says otherwise (no-color.org).
    pub const NO_COLOR: &str = "NO_COLOR";
}

/// `--color`: colour on a terminal only (`auto`), always, or never.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to use colour on a stream that is (`terminal`) or is not a terminal.
    #[must_use]
    pub fn enabled(self, terminal: bool) -> bool {
        match self {
            Self::Auto => terminal,
            Self::Always => true,
            Self::Never => false,
        }
    }
}

/// What the command line gave (each `None` when the flag was not given). Flags are checked
/// by clap when parsed, with the parsers of [`value`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flags {
    pub heroku_api_url: Option<String>,
    pub jupiterone_api_url: Option<String>,
    pub region: Option<Region>,
    pub account: Option<String>,
    pub scope: Option<String>,
    pub integration_instance_id: Option<String>,
    pub integration_source: Option<InstanceSource>,
    pub config_dir: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub log_file: Option<PathBuf>,
    pub concurrency: Option<u16>,
    pub timeout: Option<Duration>,
    pub deadline: Option<Duration>,
    pub max_response_size: Option<u64>,
    pub poll_interval: Option<Duration>,
    pub poll_limit: Option<Duration>,
    pub guard_percent: Option<f64>,
    pub color: Option<ColorChoice>,
}

/// Every non-secret option, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub heroku_api_url: String,
    /// The JupiterOne base URL: given, else the region's.
    pub jupiterone_api_url: String,
    pub region: Region,
    /// The JupiterOne account id, when known.
    pub account: Option<String>,
    /// Where a sync goes; `None` is the scope of the Heroku user ([`Settings::sync_target`]).
    pub target: Option<Target>,
    /// The folder of config.toml.
    pub config_dir: PathBuf,
    /// Where the state of the last sync per target is kept (`None`: no home folder).
    pub data_dir: Option<PathBuf>,
    /// Where the log goes: given, else `heroku-j1.log` in the data folder.
    pub log_file: Option<PathBuf>,
    pub concurrency: u16,
    pub timeout: Duration,
    /// The whole crawl's deadline: lists not read by then are partial datasets.
    pub deadline: Duration,
    /// The largest Heroku answer read: a larger page fails its list (a partial dataset).
    pub max_response_size: u64,
    pub poll_interval: Duration,
    /// How long a finalized job is polled before giving up (it goes on in JupiterOne).
    pub poll_limit: Duration,
    /// The guard: how much deletion makes a sync ask first.
    pub guard: Guard,
    /// Colour in the CLI and the explorer: `--color`, else `never` when `NO_COLOR` is set,
    /// else `auto`.
    pub color: ColorChoice,
}

/// A setting that cannot be used: which one, where it came from, and why.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{name} ({origin}): {why}")]
    Invalid {
        name: &'static str,
        origin: String,
        why: String,
    },
}

/// No target for a sync: no scope or instance given and no Heroku user id known.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error(
    "no sync target: the default scope heroku-j1:<Heroku user id> needs the Heroku user, which \
     is not known here. Name the target with --scope S (or HEROKU_J1_SCOPE, or `scope` in \
     config.toml's [jupiterone]), or --integration-instance-id ID"
)]
pub struct NoTarget;

/// The platform's config folder (`~/.config/heroku-j1` on Linux).
fn platform_config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("io", "heroku-j1", "heroku-j1")
        .map(|d| d.config_dir().to_path_buf())
}

/// The platform's data folder (`~/.local/share/heroku-j1` on Linux).
#[must_use]
pub fn platform_data_dir() -> Option<PathBuf> {
    crate::jupiterone::state::default_data_dir()
}

/// One setting's sources in order, as text (environment and file values are parsed here).
struct Lookup<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Lookup<'_> {
    fn env(&self, name: &str) -> Option<String> {
        (self.env)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// `flag`, else the environment variable `var` parsed by `parse`, else the file's
    /// value parsed by `parse`.
    fn pick<T>(
        &self,
        name: &'static str,
        flag: Option<T>,
        var: &'static str,
        file: Option<&str>,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Option<T>, SettingsError> {
        if flag.is_some() {
            return Ok(flag);
        }
        let invalid = |origin: String, why| SettingsError::Invalid { name, origin, why };
        if let Some(v) = self.env(var) {
            return parse(&v)
                .map(Some)
                .map_err(|why| invalid(format!("environment variable {var}"), why));
        }
        match file.map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => parse(v)
                .map(Some)
                .map_err(|why| invalid("config.toml".to_owned(), why)),
            None => Ok(None),
        }
    }
}

fn text(s: &str) -> Result<String, String> {
    Ok(s.to_owned())
}

fn path(s: &str) -> Result<PathBuf, String> {
    Ok(PathBuf::from(s))
}

fn region(s: &str) -> Result<Region, String> {
    Region::parse(s).ok_or_else(|| format!("unknown region {s:?}: use us or eu"))
}

fn source(s: &str) -> Result<InstanceSource, String> {
    <InstanceSource as clap::ValueEnum>::from_str(s, true)
        .map_err(|_| format!("unknown integration source {s:?}: use external or managed"))
}

/// What a Heroku client is built with, besides its key: the URL, concurrency, timeout,
/// deadline and largest answer of the settings. The command line and the explorer (also
/// after a key typed into its login form) build every Heroku client from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HerokuClientSettings {
    pub api_url: String,
    pub concurrency: u16,
    pub timeout: Duration,
    pub deadline: Duration,
    pub max_response_size: u64,
}

impl HerokuClientSettings {
    /// The client configuration for `key`.
    #[must_use]
    pub fn config(&self, key: crate::secret::Secret) -> crate::heroku::ClientConfig {
        let mut config = crate::heroku::ClientConfig::new(self.api_url.clone(), key);
        config.concurrency = usize::from(self.concurrency);
        config.timeout = self.timeout;
        config.deadline = self.deadline;
        config.max_body_bytes = self.max_response_size;
        config
    }
}

impl Settings {
    /// What every Heroku client of this run is built with.
    #[must_use]
    pub fn heroku_client(&self) -> HerokuClientSettings {
        HerokuClientSettings {
            api_url: self.heroku_api_url.clone(),
            concurrency: self.concurrency,
            timeout: self.timeout,
            deadline: self.deadline,
            max_response_size: self.max_response_size,
        }
    }

    /// The config folder: `--config-dir`, else `HEROKU_J1_CONFIG_DIR`, else the platform's.
    ///
    /// # Errors
    /// [`ConfigError::NoDir`] when none is known.
    pub fn config_dir(
        flags: &Flags,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<PathBuf, ConfigError> {
        let lookup = Lookup { env };
        flags
            .config_dir
            .clone()
            .or_else(|| lookup.env(env::CONFIG_DIR).map(PathBuf::from))
            .or_else(platform_config_dir)
            .ok_or(ConfigError::NoDir)
    }

    /// Resolves every setting from explicit inputs: flag > environment (`env`) > `file` >
    /// default. Reads nothing else.
    ///
    /// # Errors
    /// When a value from the environment or the file is invalid.
    pub fn resolve(
        flags: &Flags,
        env: &dyn Fn(&str) -> Option<String>,
        file: &Config,
        config_dir: PathBuf,
    ) -> Result<Self, SettingsError> {
        let l = Lookup { env };
        let j1 = &file.jupiterone;
        let heroku_api_url = l
            .pick(
                "Heroku API URL",
                flags.heroku_api_url.clone(),
                env::HEROKU_API_URL,
                file.heroku.api_url.as_deref(),
                value::url,
            )?
            .unwrap_or_else(|| DEFAULT_HEROKU_API_URL.to_owned());
        let region = l
            .pick(
                "JupiterOne region",
                flags.region,
                env::REGION,
                j1.region.map(|r| r.to_string()).as_deref(),
                region,
            )?
            .unwrap_or_default();
        let jupiterone_api_url = l
            .pick(
                "JupiterOne API URL",
                flags.jupiterone_api_url.clone(),
                env::JUPITERONE_API_URL,
                j1.api_url.as_deref(),
                value::url,
            )?
            .unwrap_or_else(|| region.api_url().to_owned());
        let account = l.pick(
            "JupiterOne account id",
            flags.account.clone().map(|a| a.trim().to_owned()),
            env::ACCOUNT,
            j1.account_id.as_deref(),
            text,
        )?;
        let target = Self::target(&l, flags, file)?;
        let data_dir = l
            .pick(
                "data folder",
                flags.data_dir.clone(),
                env::DATA_DIR,
                file.files.data_dir.as_ref().and_then(|p| p.to_str()),
                path,
            )?
            .or_else(platform_data_dir);
        let log_file = l
            .pick(
                "log file",
                flags.log_file.clone(),
                env::LOG_FILE,
                file.files.log_file.as_ref().and_then(|p| p.to_str()),
                path,
            )?
            .or_else(|| data_dir.as_deref().map(|d| d.join(LOG_FILE_NAME)));
        let concurrency = l
            .pick(
                "concurrency",
                flags.concurrency,
                env::CONCURRENCY,
                file.heroku.concurrency.map(|c| c.to_string()).as_deref(),
                value::concurrency,
            )?
            .unwrap_or(DEFAULT_CONCURRENCY);
        let timeout = l
            .pick(
                "timeout",
                flags.timeout,
                env::TIMEOUT,
                file.heroku.timeout.as_deref(),
                value::duration,
            )?
            .unwrap_or(DEFAULT_TIMEOUT);
        let deadline = l
            .pick(
                "deadline",
                flags.deadline,
                env::DEADLINE,
                file.heroku.deadline.as_deref(),
                value::duration,
            )?
            .unwrap_or(DEFAULT_DEADLINE);
        let max_response_size = l
            .pick(
                "max response size",
                flags.max_response_size,
                env::MAX_RESPONSE_SIZE,
                file.heroku.max_response_size.as_deref(),
                value::byte_size,
            )?
            .unwrap_or(DEFAULT_MAX_RESPONSE_SIZE);
        let poll_interval = l
            .pick(
                "poll interval",
                flags.poll_interval,
                env::POLL_INTERVAL,
                j1.poll_interval.as_deref(),
                value::duration,
            )?
            .unwrap_or(DEFAULT_POLL_INTERVAL);
        let poll_limit = l
            .pick(
                "poll limit",
                flags.poll_limit,
                env::POLL_LIMIT,
                j1.poll_limit.as_deref(),
                value::duration,
            )?
            .unwrap_or(DEFAULT_POLL_LIMIT);
        let guard_percent = l.pick(
            "guard threshold",
            flags.guard_percent,
            env::GUARD_PERCENT,
            j1.guard_percent.map(|p| p.to_string()).as_deref(),
            value::percent,
        )?;
        let guard = guard_percent.map_or_else(Guard::default, |p| Guard {
            delete_threshold: p / 100.0,
        });
        let color = flags.color.unwrap_or_else(|| {
            if l.env(env::NO_COLOR).is_some() {
                ColorChoice::Never
            } else {
                ColorChoice::Auto
            }
        });
        Ok(Self {
            heroku_api_url,
            jupiterone_api_url,
            region,
            account,
            target,
            config_dir,
            data_dir,
            log_file,
            concurrency,
            timeout,
            deadline,
            max_response_size,
            poll_interval,
            poll_limit,
            guard,
            color,
        })
    }

    /// The target: a scope or an instance from the first source that names either; the
    /// instance's job source likewise (default `external`).
    fn target(
        l: &Lookup<'_>,
        flags: &Flags,
        file: &Config,
    ) -> Result<Option<Target>, SettingsError> {
        let j1 = &file.jupiterone;
        let source = l
            .pick(
                "integration source",
                flags.integration_source,
                env::INTEGRATION_SOURCE,
                j1.integration_source.as_deref(),
                source,
            )?
            .unwrap_or_default();
        let instance = |id: String| Target::Instance { id, source };
        // One source names the target as a whole: a flag's scope is not combined with the
        // environment's instance.
        if let Some(s) = flags.scope.clone() {
            return Ok(Some(Target::Scope(s)));
        }
        if let Some(id) = flags.integration_instance_id.clone() {
            return Ok(Some(instance(id)));
        }
        if let Some(s) = l.env(env::SCOPE) {
            return Ok(Some(Target::Scope(s)));
        }
        if let Some(id) = l.env(env::INTEGRATION_INSTANCE_ID) {
            return Ok(Some(instance(id)));
        }
        let nonempty = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Ok(nonempty(&j1.scope)
            .map(Target::Scope)
            .or_else(|| nonempty(&j1.integration_instance_id).map(instance)))
    }

    /// The data folder, or the error message saying how to name one.
    ///
    /// # Errors
    /// When no folder was given and no home folder is known.
    pub fn data_dir(&self) -> Result<&Path, String> {
        self.data_dir.as_deref().ok_or_else(|| {
            "no data folder for the sync state: set --data-dir or HEROKU_J1_DATA_DIR".to_owned()
        })
    }

    /// Where a sync goes: the configured target, else the scope of `heroku_user_id`.
    ///
    /// # Errors
    /// [`NoTarget`] when neither is known (never a made-up scope).
    pub fn sync_target(&self, heroku_user_id: Option<&str>) -> Result<Target, NoTarget> {
        sync_target(self.target.as_ref(), heroku_user_id)
    }
}

/// `configured`, else the scope of `heroku_user_id`, else [`NoTarget`].
///
/// # Errors
/// [`NoTarget`] when neither is known.
pub fn sync_target(
    configured: Option<&Target>,
    heroku_user_id: Option<&str>,
) -> Result<Target, NoTarget> {
    if let Some(t) = configured {
        return Ok(t.clone());
    }
    heroku_user_id
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(Target::default_scope)
        .ok_or(NoTarget)
}

/// The process environment: the lookup `heroku-j1` itself resolves its settings with.
#[must_use]
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}
