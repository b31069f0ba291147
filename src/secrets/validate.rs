//! Is this key accepted? Asked before a key is stored, and by `status`.
//!
//! - Heroku: `GET /account` (401, or 403 on `/account`, means rejected).
//! - JupiterOne: `GET {api_url}/persister/synchronization/jobs/00000000-0000-0000-0000-000000000000`
//!   with `Authorization: Bearer <key>` and `JupiterOne-Account: <account id>`: 401/403 means
//!   rejected, 404 (or 200) accepted.
//!
//! Both are quick (one retry, 15 s timeout) and never put the key in a message.

use std::time::Duration;

use super::Secret;
use crate::heroku::{ClientConfig, HerokuClient, HerokuError};
use crate::jupiterone::{JupiterOneClient, JupiterOneConfig, JupiterOneError};

/// How long one validation request may take.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// Whose Heroku key it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HerokuIdentity {
    pub id: String,
    pub email: String,
}

/// Why a key is not known to be good.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ValidationError {
    /// The API refused the key: never store it.
    #[error("{0}")]
    Rejected(String),
    /// The key could not be checked (network, server trouble): nothing is known.
    #[error("{0}")]
    Unchecked(String),
}

impl ValidationError {
    #[must_use]
    pub const fn is_rejected(&self) -> bool {
        matches!(self, Self::Rejected(_))
    }
}

/// Asks Heroku at `api_url` whose key `key` is.
///
/// # Errors
/// [`ValidationError::Rejected`] when Heroku refuses it; [`ValidationError::Unchecked`] when
/// Heroku cannot be asked.
pub async fn heroku(api_url: &str, key: &Secret) -> Result<HerokuIdentity, ValidationError> {
    let mut config = ClientConfig::new(api_url, key.clone());
    config.timeout = TIMEOUT;
    config.max_retries = 1;
    config.max_rate_limit_retries = 2;
    config.backoff_base = Duration::from_millis(200);
    config.backoff_max = Duration::from_secs(2);
    config.rate_limit_backoff_max = Duration::from_secs(5);
    config.concurrency = 1;
    let client = HerokuClient::new(config).map_err(|e| match e {
        HerokuError::Setup(why) => {
            ValidationError::Rejected(format!("not a Heroku API key: {why}"))
        }
        e => ValidationError::Unchecked(e.to_string()),
    })?;
    match client.account().await {
        Ok(account) => Ok(HerokuIdentity {
            id: account.id,
            email: account.email,
        }),
        Err(e @ HerokuError::InvalidKey { .. }) => Err(ValidationError::Rejected(e.to_string())),
        Err(e) => Err(ValidationError::Unchecked(format!(
            "could not check the key with Heroku: {e}"
        ))),
    }
}

/// Asks JupiterOne at `api_url` whether `key` works for `account_id`.
///
/// # Errors
/// [`ValidationError::Rejected`] on 401/403; [`ValidationError::Unchecked`] when JupiterOne
/// cannot be asked.
pub async fn jupiterone(
    api_url: &str,
    account_id: &str,
    key: &Secret,
) -> Result<(), ValidationError> {
    let mut config = JupiterOneConfig::new(api_url, account_id.trim(), key.clone());
    config.timeout = TIMEOUT;
    config.max_retries = 1;
    config.max_rate_limit_retries = 2;
    config.backoff_base = Duration::from_millis(200);
    config.backoff_max = Duration::from_secs(2);
    config.max_retry_after = Duration::from_secs(5);
    let client = JupiterOneClient::new(config).map_err(|e| match e {
        JupiterOneError::Setup(why) => ValidationError::Rejected(why),
        e => ValidationError::Unchecked(e.to_string()),
    })?;
    match client.validate().await {
        Ok(()) => Ok(()),
        Err(JupiterOneError::Unauthorized { .. }) => Err(ValidationError::Rejected(format!(
            "JupiterOne rejected the API key for account {} at {} (401 Unauthorized): check \
             the key, the account id (--account-id) and the region (--region us|eu, or \
             --jupiterone-api-url)",
            account_id.trim(),
            client.api_url()
        ))),
        Err(e @ JupiterOneError::Forbidden { .. }) => Err(ValidationError::Rejected(format!(
            "{e} (account {})",
            account_id.trim()
        ))),
        Err(e) => Err(ValidationError::Unchecked(format!(
            "could not check the key with JupiterOne: {e}"
        ))),
    }
}
