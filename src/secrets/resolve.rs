//! Which key to use, and where it comes from: `HEROKU_API_KEY` / `JUPITERONE_API_KEY` (never
//! stored), then a key given for this run only (when the keyring is unavailable), then the
//! OS keyring.
//!
//! [`Keys`] is what the command line and the explorer hold: cheap to clone, every method
//! async and safe to drop half-way.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

use super::Secret;
use super::store::{KeyStore, StoreError, Which};

/// Where a key comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// `HEROKU_API_KEY` / `JUPITERONE_API_KEY`.
    Environment,
    /// The OS keyring.
    Keyring,
    /// Typed in this session and kept in memory only (the keyring was unavailable).
    ThisRunOnly,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Environment => "environment",
            Self::Keyring => "keyring",
            Self::ThisRunOnly => "this run only",
        })
    }
}

/// A key and where it comes from. `Debug` shows no key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub which: Which,
    pub key: Secret,
    pub source: Source,
}

impl Resolved {
    /// `environment (HEROKU_API_KEY)`, `keyring`, `this run only`.
    #[must_use]
    pub fn describe_source(&self) -> String {
        match self.source {
            Source::Environment => format!("environment ({})", self.which.env_var()),
            other => other.to_string(),
        }
    }
}

/// Why no key could be had.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ResolveError {
    /// Neither the environment nor the keyring has one.
    #[error("{}", missing_message(*.0))]
    Missing(Which),
    /// The keyring could not be read (and the environment has no key).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The environment variable is set, but not to valid UTF-8 (so it cannot be a key).
    #[error(
        "{} is set but is not valid UTF-8: set it to the key itself (keys are plain ASCII), or unset it to use the OS keyring",
        .0.env_var()
    )]
    NotUnicode(Which),
}

impl ResolveError {
    #[must_use]
    pub const fn which(&self) -> Which {
        match self {
            Self::Missing(w) | Self::NotUnicode(w) => *w,
            Self::Store(e) => e.which(),
        }
    }
}

fn missing_message(which: Which) -> String {
    match which {
        Which::Heroku => "no Heroku API key: run `heroku-j1 login --heroku` to store one in the \
             OS keyring (or `heroku-j1 login --heroku --import-heroku-cli` to take the Heroku \
             CLI's from ~/.netrc), or set HEROKU_API_KEY. Create a key with `heroku \
             authorizations:create --scope global`"
            .to_owned(),
        Which::JupiterOne => "no JupiterOne API key: run `heroku-j1 login --jupiterone` to store \
             one in the OS keyring, or set JUPITERONE_API_KEY (an account-level key with the \
             persister:Synchronize permission, or an integration key)"
            .to_owned(),
    }
}

/// What the keys view shows for one key.
#[derive(Debug, Clone)]
pub struct KeyStatus {
    pub which: Which,
    /// The key that would be used, if any.
    pub active: Option<Resolved>,
    /// Whether the keyring holds a key (also when the environment overrides it), or why that
    /// is unknown.
    pub keyring: Result<bool, StoreError>,
}

impl KeyStatus {
    /// Where the key in use comes from.
    #[must_use]
    pub fn source(&self) -> Option<Source> {
        self.active.as_ref().map(|r| r.source)
    }

    /// At most `HRKU-…` plus the last four characters.
    #[must_use]
    pub fn masked(&self) -> Option<String> {
        self.active.as_ref().map(|r| r.key.masked())
    }
}

type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;
type EnvNotUnicode = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// The keys of this run: the environment, the keys given for this run only, the keyring.
#[derive(Clone)]
pub struct Keys {
    store: KeyStore,
    env: EnvLookup,
    /// Whether a variable is set but not to UTF-8 (which `env` reports as unset).
    env_not_unicode: EnvNotUnicode,
    this_run: Arc<Mutex<HashMap<Which, Secret>>>,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let this_run: Vec<Which> = self
            .this_run
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .copied()
            .collect();
        f.debug_struct("Keys")
            .field("store", &self.store)
            .field("this_run", &this_run)
            .finish_non_exhaustive()
    }
}

impl Keys {
    /// Keys from the process environment and `store`.
    #[must_use]
    pub fn new(store: KeyStore) -> Self {
        Self {
            store,
            env: Arc::new(|name| std::env::var(name).ok()),
            env_not_unicode: Arc::new(|name| {
                matches!(std::env::var(name), Err(std::env::VarError::NotUnicode(_)))
            }),
            this_run: Arc::default(),
        }
    }

    /// The same keys with another environment (tests: no process-wide `set_var`).
    #[must_use]
    pub fn with_env(
        mut self,
        env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Arc::new(env);
        self.env_not_unicode = Arc::new(|_| false);
        self
    }

    /// The keyring behind these keys.
    #[must_use]
    pub fn store(&self) -> &KeyStore {
        &self.store
    }

    /// The key from the environment, if set and not blank.
    #[must_use]
    pub fn from_env(&self, which: Which) -> Option<Secret> {
        (self.env)(which.env_var())
            .map(Secret::new)
            .filter(|k| !k.is_empty())
    }

    fn this_run(&self, which: Which) -> Option<Secret> {
        self.this_run
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&which)
            .cloned()
    }

    /// The key to use: environment, then this run, then keyring.
    ///
    /// # Errors
    /// [`ResolveError::Missing`] when there is none; [`ResolveError::Store`] when the
    /// keyring had to be asked and could not answer; [`ResolveError::NotUnicode`] when the
    /// environment variable is set to something that is not UTF-8.
    pub async fn resolve(&self, which: Which) -> Result<Resolved, ResolveError> {
        if (self.env_not_unicode)(which.env_var()) {
            return Err(ResolveError::NotUnicode(which));
        }
        if let Some(key) = self.from_env(which) {
            return Ok(Resolved {
                which,
                key,
                source: Source::Environment,
            });
        }
        if let Some(key) = self.this_run(which) {
            return Ok(Resolved {
                which,
                key,
                source: Source::ThisRunOnly,
            });
        }
        match self.store.get(which).await? {
            Some(key) if !key.is_empty() => Ok(Resolved {
                which,
                key,
                source: Source::Keyring,
            }),
            _ => Err(ResolveError::Missing(which)),
        }
    }

    /// Keeps `key` in memory for this run only (the keyring is unavailable).
    pub fn use_for_this_run(&self, which: Which, key: Secret) {
        self.this_run
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(which, key);
    }

    /// Forgets a key given for this run only.
    pub fn forget_this_run(&self, which: Which) {
        self.this_run
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&which);
    }

    /// Stores `key` in the keyring (validate it first). A key given for this run only is
    /// then forgotten.
    ///
    /// # Errors
    /// When the keyring cannot store it; nothing is stored anywhere else.
    pub async fn save(&self, which: Which, key: &Secret) -> Result<(), StoreError> {
        self.store.set(which, key).await?;
        self.forget_this_run(which);
        Ok(())
    }

    /// Deletes the key from the keyring and forgets any given for this run. `true` when the
    /// keyring held one.
    ///
    /// # Errors
    /// When the keyring cannot be asked.
    pub async fn delete(&self, which: Which) -> Result<bool, StoreError> {
        self.forget_this_run(which);
        self.store.delete(which).await
    }

    /// Each key's source and whether the keyring holds one: the keys view and `status`.
    pub async fn status(&self, which: Which) -> KeyStatus {
        let keyring = self.store.get(which).await;
        let active = if let Some(key) = self.from_env(which) {
            Some(Resolved {
                which,
                key,
                source: Source::Environment,
            })
        } else if let Some(key) = self.this_run(which) {
            Some(Resolved {
                which,
                key,
                source: Source::ThisRunOnly,
            })
        } else {
            match &keyring {
                Ok(Some(key)) if !key.is_empty() => Some(Resolved {
                    which,
                    key: key.clone(),
                    source: Source::Keyring,
                }),
                _ => None,
            }
        };
        KeyStatus {
            which,
            active,
            keyring: keyring.map(|k| k.is_some()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[tokio::test]
    async fn the_environment_wins_then_this_run_then_the_keyring() {
        let keys = Keys::new(KeyStore::mock()).with_env(env(&[]));
        assert_eq!(
            keys.resolve(Which::Heroku).await.unwrap_err(),
            ResolveError::Missing(Which::Heroku)
        );
        keys.save(Which::Heroku, &Secret::new("stored-key-1234"))
            .await
            .unwrap();
        let r = keys.resolve(Which::Heroku).await.unwrap();
        assert_eq!(
            (r.source, r.key.expose()),
            (Source::Keyring, "stored-key-1234")
        );
        assert_eq!(r.describe_source(), "keyring");

        keys.use_for_this_run(Which::Heroku, Secret::new("typed-key-5678"));
        let r = keys.resolve(Which::Heroku).await.unwrap();
        assert_eq!(
            (r.source, r.key.expose()),
            (Source::ThisRunOnly, "typed-key-5678")
        );

        let keys = keys.with_env(env(&[("HEROKU_API_KEY", " env-key-9999\n")]));
        let r = keys.resolve(Which::Heroku).await.unwrap();
        assert_eq!(
            (r.source, r.key.expose()),
            (Source::Environment, "env-key-9999")
        );
        assert_eq!(r.describe_source(), "environment (HEROKU_API_KEY)");
        assert!(!format!("{r:?}").contains("env-key"));

        let status = keys.status(Which::Heroku).await;
        assert_eq!(status.source(), Some(Source::Environment));
        assert_eq!(status.masked().as_deref(), Some("…9999"));
        assert_eq!(status.keyring, Ok(true), "the keyring still holds one");

        // Saving forgets the this-run key; deleting removes the stored one.
        keys.save(Which::Heroku, &Secret::new("stored-key-2222"))
            .await
            .unwrap();
        let keys = keys.with_env(env(&[("HEROKU_API_KEY", "  ")]));
        let r = keys.resolve(Which::Heroku).await.unwrap();
        assert_eq!(
            (r.source, r.key.expose()),
            (Source::Keyring, "stored-key-2222")
        );
        assert!(keys.delete(Which::Heroku).await.unwrap());
        let status = keys.status(Which::Heroku).await;
        assert_eq!((status.source(), status.keyring), (None, Ok(false)));
    }

    #[tokio::test]
    async fn missing_keys_say_how_to_log_in() {
        let keys = Keys::new(KeyStore::mock()).with_env(env(&[]));
        let e = keys.resolve(Which::Heroku).await.unwrap_err();
        for needle in [
            "heroku-j1 login --heroku",
            "HEROKU_API_KEY",
            "--import-heroku-cli",
        ] {
            assert!(e.to_string().contains(needle), "{needle}: {e}");
        }
        let e = keys.resolve(Which::JupiterOne).await.unwrap_err();
        for needle in ["heroku-j1 login --jupiterone", "JUPITERONE_API_KEY"] {
            assert!(e.to_string().contains(needle), "{needle}: {e}");
        }
        assert_eq!(e.which(), Which::JupiterOne);
    }

    #[tokio::test]
    async fn an_environment_key_needs_no_keyring() {
        let store = KeyStore::without_keyring();
        let keys = Keys::new(store).with_env(env(&[("JUPITERONE_API_KEY", "j1-env-key-abcd")]));
        let r = keys.resolve(Which::JupiterOne).await.unwrap();
        assert_eq!(r.source, Source::Environment);
        let e = keys.resolve(Which::Heroku).await.unwrap_err();
        assert!(
            matches!(e, ResolveError::Store(StoreError::Unavailable { .. })),
            "{e:?}"
        );
        assert!(
            e.to_string().contains("Use HEROKU_API_KEY for this run"),
            "{e}"
        );
        // This run only, when the keyring is unavailable.
        keys.use_for_this_run(Which::Heroku, Secret::new("typed-in-key-0000"));
        assert_eq!(
            keys.resolve(Which::Heroku).await.unwrap().source,
            Source::ThisRunOnly
        );
        let status = keys.status(Which::Heroku).await;
        assert_eq!(status.source(), Some(Source::ThisRunOnly));
        assert!(status.keyring.is_err());
        assert!(
            keys.save(Which::Heroku, &Secret::new("x-key-0000"))
                .await
                .is_err()
        );
        assert_eq!(
            keys.resolve(Which::Heroku).await.unwrap().source,
            Source::ThisRunOnly,
            "a failed save keeps the this-run key"
        );
        assert!(!format!("{keys:?}").contains("typed-in"));
    }
}
