//! Enrolling a key: check it with its API, then store it in the OS keyring. The one
//! check-then-store call of `heroku-j1 login` and the explorer's login form; a rejected or
//! unchecked key is never stored.
//!
//! ```no_run
//! # async fn f(keys: heroku_j1::secrets::Keys, typed: heroku_j1::secrets::Secret) {
//! use heroku_j1::secrets::{Endpoint, LoginError, validate_and_store};
//! let endpoint = Endpoint::Heroku { api_url: "https://api.heroku.com".into() };
//! match validate_and_store(&keys, &endpoint, typed.clone()).await {
//!     Ok(done) => { /* done.masked, done.who */ }
//!     Err(LoginError::Rejected(why)) => { /* inline error; clear the key field */ }
//!     Err(LoginError::Unchecked(why)) => { /* inline error; keep the field, offer retry */ }
//!     Err(LoginError::Keyring(e)) => {
//!         // e.is_unavailable(): offer "use for this run only"
//!         keys.use_for_this_run(e.which(), typed);
//!     }
//! }
//! # }
//! ```

use super::validate::{self, ValidationError};
use super::{Keys, Secret, StoreError, Which};

/// Where to check a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Heroku { api_url: String },
    JupiterOne { api_url: String, account_id: String },
}

impl Endpoint {
    #[must_use]
    pub const fn which(&self) -> Which {
        match self {
            Self::Heroku { .. } => Which::Heroku,
            Self::JupiterOne { .. } => Which::JupiterOne,
        }
    }
}

/// A key checked and stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedIn {
    pub which: Which,
    /// At most `HRKU-…` and the last four characters.
    pub masked: String,
    /// Heroku: the key's user (email). JupiterOne: the account id.
    pub who: String,
}

/// Why a key was not stored.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum LoginError {
    /// The API refused the key.
    #[error("{0}")]
    Rejected(String),
    /// The key could not be checked (network, server): not stored.
    #[error("{0}")]
    Unchecked(String),
    /// The key was accepted but the keyring could not store it (nothing stored anywhere).
    #[error("{0}")]
    Keyring(StoreError),
}

/// Checks `key` with `endpoint`'s API and, if accepted, stores it in the keyring.
///
/// # Errors
/// [`LoginError`]: the key is stored only on `Ok`.
pub async fn validate_and_store(
    keys: &Keys,
    endpoint: &Endpoint,
    key: Secret,
) -> Result<LoggedIn, LoginError> {
    let which = endpoint.which();
    if key.is_empty() {
        return Err(LoginError::Rejected(format!(
            "the {which} API key is empty"
        )));
    }
    let who = match endpoint {
        Endpoint::Heroku { api_url } => validate::heroku(api_url, &key).await.map(|id| id.email),
        Endpoint::JupiterOne {
            api_url,
            account_id,
        } => validate::jupiterone(api_url, account_id, &key)
            .await
            .map(|()| account_id.trim().to_owned()),
    }
    .map_err(|e| match e {
        ValidationError::Rejected(m) => LoginError::Rejected(m),
        ValidationError::Unchecked(m) => LoginError::Unchecked(m),
    })?;
    keys.save(which, &key).await.map_err(LoginError::Keyring)?;
    tracing::info!(%which, key = %key.masked(), "key checked and stored");
    Ok(LoggedIn {
        which,
        masked: key.masked(),
        who,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig};
    use crate::secrets::{KeyStore, Source};

    const J1_KEY: &str = "j1-login-unit-test-key-0123456789";

    fn fake() -> FakeJupiterOne {
        FakeJupiterOne::start(FakeJupiterOneConfig {
            token: J1_KEY.into(),
            account: "acct-1".into(),
            ..FakeJupiterOneConfig::default()
        })
        .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_accepted_key_is_stored_and_a_rejected_one_is_not() {
        let j1 = fake();
        let keys = Keys::new(KeyStore::mock()).with_env(|_| None);
        let endpoint = Endpoint::JupiterOne {
            api_url: j1.url(),
            account_id: "acct-1".into(),
        };
        let e = validate_and_store(&keys, &endpoint, Secret::new("j1-wrong-key-000000000"))
            .await
            .unwrap_err();
        assert!(matches!(e, LoginError::Rejected(_)), "{e:?}");
        assert!(e.to_string().contains("rejected the API key"), "{e}");
        assert_eq!(keys.store().get(Which::JupiterOne).await.unwrap(), None);

        let done = validate_and_store(&keys, &endpoint, Secret::new(J1_KEY))
            .await
            .unwrap();
        assert_eq!(done.who, "acct-1");
        assert_eq!(done.masked, "…6789");
        let r = keys.resolve(Which::JupiterOne).await.unwrap();
        assert_eq!((r.source, r.key.expose()), (Source::Keyring, J1_KEY));

        // The wrong account: rejected too.
        let other = Endpoint::JupiterOne {
            api_url: j1.url(),
            account_id: "acct-2".into(),
        };
        let e = validate_and_store(&keys, &other, Secret::new(J1_KEY))
            .await
            .unwrap_err();
        assert!(matches!(e, LoginError::Rejected(_)), "{e:?}");
        assert!(!format!("{e} {e:?}").contains(J1_KEY));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn unreachable_api_and_unavailable_keyring() {
        let keys = Keys::new(KeyStore::mock()).with_env(|_| None);
        let endpoint = Endpoint::Heroku {
            api_url: "http://127.0.0.1:9".into(),
        };
        let e = validate_and_store(&keys, &endpoint, Secret::new("HRKU-whatever"))
            .await
            .unwrap_err();
        assert!(matches!(e, LoginError::Unchecked(_)), "{e:?}");
        assert_eq!(keys.store().get(Which::Heroku).await.unwrap(), None);

        let j1 = fake();
        let keys = Keys::new(KeyStore::without_keyring()).with_env(|_| None);
        let endpoint = Endpoint::JupiterOne {
            api_url: j1.url(),
            account_id: "acct-1".into(),
        };
        let e = validate_and_store(&keys, &endpoint, Secret::new(J1_KEY))
            .await
            .unwrap_err();
        let LoginError::Keyring(store_error) = e else {
            panic!("{e:?}")
        };
        assert!(store_error.is_unavailable());
        // The explorer then offers "use for this run only".
        keys.use_for_this_run(store_error.which(), Secret::new(J1_KEY));
        let r = keys.resolve(Which::JupiterOne).await.unwrap();
        assert_eq!(r.source, Source::ThisRunOnly);
    }
}
