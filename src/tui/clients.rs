//! The API clients the explorer's tasks use: Heroku, and where and how to sync to
//! JupiterOne. The app owns them; a login replaces them.

use std::path::PathBuf;

use crate::heroku::HerokuClient;
use crate::jupiterone::{self, JupiterOneClient, UploadOptions};

/// Where and how the explorer syncs to JupiterOne.
#[derive(Debug, Clone)]
pub struct JupiterOneSetup {
    pub client: JupiterOneClient,
    /// Where the last successful sync per target is kept.
    pub data_dir: PathBuf,
    /// The target; `None` is the default scope derived from the Heroku user.
    pub target: Option<jupiterone::Target>,
    pub options: UploadOptions,
}

impl JupiterOneSetup {
    /// The sync target for the Heroku user `heroku_user_id`.
    ///
    /// # Errors
    /// No target is configured and the Heroku user is unknown: never guess one.
    pub fn target_for(
        &self,
        heroku_user_id: Option<&str>,
    ) -> Result<jupiterone::Target, crate::settings::NoTarget> {
        crate::settings::sync_target(self.target.as_ref(), heroku_user_id)
    }

    /// What the header shows for it.
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "{} (account {})",
            self.client.api_url(),
            self.client.account()
        )
    }
}

/// The clients the tasks use; `None` when that side has no key.
#[derive(Debug, Default, Clone)]
pub struct Clients {
    pub heroku: Option<HerokuClient>,
    pub jupiterone: Option<JupiterOneSetup>,
}
