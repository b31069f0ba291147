//! What the explorer is started with: the clients, what the header shows, how to log in,
//! and the data folder.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use super::app::Endpoints;
use super::clients::Clients;
use crate::secrets::Keys;

/// What the explorer needs to log in: the keys, where config.toml is, the API URLs.
#[derive(Debug, Clone)]
pub struct LoginContext {
    pub keys: Keys,
    pub config_dir: PathBuf,
    /// What a Heroku client is built with once the form has a key.
    pub heroku: crate::settings::HerokuClientSettings,
    /// `--jupiterone-api-url`, when given (else the region's).
    pub jupiterone_api_url: Option<String>,
}

/// Everything [`super::run`] takes.
#[derive(Debug)]
pub struct Startup {
    pub clients: Clients,
    /// What the header shows.
    pub endpoints: Endpoints,
    /// `None` (the demo): no login form can store keys.
    pub login: Option<LoginContext>,
    /// Why the login form opens at once (the Heroku key is missing), if it does.
    pub need_login: Option<String>,
    /// The data folder (sync state) of a JupiterOne setup made by the login form; `None`
    /// when there is none (no home directory), so a login cannot set JupiterOne up.
    pub data_dir: Option<PathBuf>,
    /// Whether the views may use colour (`--color`, `NO_COLOR`), resolved for the terminal.
    pub color: bool,

    /// The demo's drift: applied before the first refresh after each sync.
    pub drift: Option<DriftHook>,
}

/// Changes the (fake) estate a little and deterministically, each call a new round: how
/// `--demo` shows the change review without keys.
#[derive(Clone)]
pub struct DriftHook(pub Arc<dyn Fn() + Send + Sync>);

impl fmt::Debug for DriftHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DriftHook")
    }
}
