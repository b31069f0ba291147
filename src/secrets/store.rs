//! The OS keyring: the Heroku and JupiterOne API keys under the service `heroku-j1`.
//!
//! Secret Service on Linux (D-Bus, e.g. gnome-keyring or KeePassXC), the Keychain on macOS,
//! the Credential Manager on Windows, through `keyring-core` and its store crates. Never a
//! plain file: when the keyring is unavailable every call says so, with the reason.
//!
//! Every call runs on tokio's blocking pool (the Secret Service store panics when called
//! on an async worker) and under a timeout (5 s by default), so a locked keyring with an
//! unlock prompt pending never hangs the caller. The futures can be dropped at any time
//! (a keyring call already started then finishes in the background). A timed-out call may
//! keep a blocking thread busy: leave the runtime with `Runtime::shutdown_timeout`, not a
//! plain drop, so the process can still exit.
//!
//! ```no_run
//! # async fn f() -> Result<(), heroku_j1::secrets::StoreError> {
//! use heroku_j1::secrets::{KeyStore, Secret, Which};
//! let store = KeyStore::platform();
//! store.set(Which::Heroku, &Secret::new("HRKU-…")).await?;
//! let key: Option<Secret> = store.get(Which::Heroku).await?;
//! let removed: bool = store.delete(Which::Heroku).await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use keyring_core::{CredentialStore, Entry, Error as KeyringError};
use serde::Serialize;

use super::Secret;

/// The keyring service name.
pub const SERVICE: &str = "heroku-j1";
/// Overrides [`SERVICE`]: tests use it to keep their entries apart from a user's and from
/// each other's. Not meant for users.
pub const SERVICE_ENV: &str = "HEROKU_J1_KEYRING_SERVICE";
/// How long one keyring call may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Which key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Which {
    Heroku,
    JupiterOne,
}

impl Which {
    pub const ALL: [Self; 2] = [Self::Heroku, Self::JupiterOne];

    /// The keyring user name: `heroku-api-key` or `jupiterone-api-key`.
    #[must_use]
    pub const fn keyring_user(self) -> &'static str {
        match self {
            Self::Heroku => "heroku-api-key",
            Self::JupiterOne => "jupiterone-api-key",
        }
    }

    /// The environment variable that overrides the keyring (and is never stored).
    #[must_use]
    pub const fn env_var(self) -> &'static str {
        match self {
            Self::Heroku => "HEROKU_API_KEY",
            Self::JupiterOne => "JUPITERONE_API_KEY",
        }
    }

    /// `Heroku` or `JupiterOne`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Heroku => "Heroku",
            Self::JupiterOne => "JupiterOne",
        }
    }

    /// The `login` flag: `--heroku` or `--jupiterone`.
    #[must_use]
    pub const fn login_flag(self) -> &'static str {
        match self {
            Self::Heroku => "--heroku",
            Self::JupiterOne => "--jupiterone",
        }
    }
}

impl fmt::Display for Which {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a keyring call was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Read,
    Store,
    Delete,
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Read => "read",
            Self::Store => "store",
            Self::Delete => "delete",
        })
    }
}

/// Why the keyring could not do what was asked. The message says what failed, why, and
/// what to do; it never contains a key.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum StoreError {
    /// No keyring to talk to (no Secret Service on the session bus, no store on this
    /// platform).
    #[error(
        "the OS keyring is unavailable: {reason}. Use {} for this run, or start a keyring \
         (gnome-keyring, KeePassXC)",
        .which.env_var()
    )]
    Unavailable { which: Which, reason: String },
    /// The keyring is there but refused (locked, or the unlock prompt was dismissed).
    #[error(
        "the OS keyring refused to {op} the {which} API key: {reason}. Unlock the keyring \
         (e.g. log in to the desktop session, or unlock the login collection) and try again, \
         or use {} for this run",
        .which.env_var()
    )]
    Locked {
        which: Which,
        op: Op,
        reason: String,
    },
    /// No answer in time (typically a locked keyring waiting for an unlock prompt).
    #[error(
        "the OS keyring did not answer within {} s when asked to {op} the {which} API key \
         (is it locked, with an unlock prompt waiting?). Unlock it and try again, or use {} \
         for this run",
        .after.as_secs_f32(),
        .which.env_var()
    )]
    TimedOut {
        which: Which,
        op: Op,
        after: Duration,
    },
    /// Anything else the keyring reported.
    #[error("the OS keyring could not {op} the {which} API key: {reason}")]
    Failed {
        which: Which,
        op: Op,
        reason: String,
    },
}

impl StoreError {
    /// The key the failed call was about.
    #[must_use]
    pub const fn which(&self) -> Which {
        match self {
            Self::Unavailable { which, .. }
            | Self::Locked { which, .. }
            | Self::TimedOut { which, .. }
            | Self::Failed { which, .. } => *which,
        }
    }

    /// Whether no keyring can be used right now (so offer "use for this run only").
    #[must_use]
    pub const fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Self::Unavailable { .. } | Self::Locked { .. } | Self::TimedOut { .. }
        )
    }
}

/// A platform error and its causes, one line. Platform errors carry no secrets.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// What the platform store is called, for messages.
const fn platform_store_name() -> &'static str {
    if cfg!(target_os = "linux") {
        "no Secret Service on the session bus"
    } else if cfg!(target_os = "macos") {
        "the macOS Keychain cannot be opened"
    } else if cfg!(target_os = "windows") {
        "the Windows Credential Manager cannot be opened"
    } else {
        "heroku-j1 has no keyring support on this platform"
    }
}

/// Opens the platform's store. Blocking: call it off the async runtime.
fn open_platform() -> Result<Arc<CredentialStore>, String> {
    let opened: keyring_core::Result<Arc<CredentialStore>> = {
        #[cfg(target_os = "linux")]
        {
            zbus_secret_service_keyring_store::Store::new().map(|s| s as Arc<CredentialStore>)
        }
        #[cfg(target_os = "macos")]
        {
            apple_native_keyring_store::keychain::Store::new().map(|s| s as Arc<CredentialStore>)
        }
        #[cfg(target_os = "windows")]
        {
            windows_native_keyring_store::Store::new().map(|s| s as Arc<CredentialStore>)
        }
        #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
        {
            // No store crate is wired up for this platform: keys come from the environment.
            Err(KeyringError::NoDefaultStore)
        }
    };
    opened.map_err(|e| match e {
        KeyringError::NoDefaultStore => platform_store_name().to_owned(),
        e => format!("{} ({})", platform_store_name(), describe(&e)),
    })
}

/// A keyring error as text, without anything that could hold a secret (`BadEncoding`,
/// `BadDataFormat` and `Ambiguous` carry stored data).
fn describe(e: &KeyringError) -> String {
    match e {
        KeyringError::PlatformFailure(p) | KeyringError::NoStorageAccess(p) => chain(p.as_ref()),
        KeyringError::NoEntry => "no such entry".to_owned(),
        KeyringError::BadEncoding(_) => "the stored key is not valid UTF-8".to_owned(),
        KeyringError::BadDataFormat(..) => "the stored key is malformed".to_owned(),
        KeyringError::BadStoreFormat(why) => format!("the keyring's data is malformed: {why}"),
        KeyringError::TooLong(what, max) => format!("{what} is longer than {max} characters"),
        KeyringError::Invalid(what, why) => format!("{what} is invalid: {why}"),
        KeyringError::Ambiguous(entries) => format!(
            "{} entries match; remove the extra ones with the keyring's own tool",
            entries.len()
        ),
        KeyringError::NoDefaultStore => "no keyring store is set up".to_owned(),
        KeyringError::NotSupportedByStore(why) => format!("not supported by the keyring: {why}"),
        // A variant added later might carry stored data: say nothing about it.
        _ => "an unexpected keyring error".to_owned(),
    }
}

fn map_error(which: Which, op: Op, e: &KeyringError) -> StoreError {
    match e {
        KeyringError::NoStorageAccess(_) => StoreError::Locked {
            which,
            op,
            reason: describe(e),
        },
        KeyringError::NoDefaultStore => StoreError::Unavailable {
            which,
            reason: platform_store_name().to_owned(),
        },
        _ => StoreError::Failed {
            which,
            op,
            reason: describe(e),
        },
    }
}

/// The platform store, opened on first use (and again after a failed open, so a keyring
/// started later is found), shared by the whole process and never dropped: dropping the
/// Secret Service store on an async thread panics (its D-Bus connection blocks on close).
static PLATFORM: Mutex<Option<Arc<CredentialStore>>> = Mutex::new(None);

enum Backend {
    /// The platform store ([`PLATFORM`]).
    Platform,
    /// A given store: the mock in tests.
    Fixed(Arc<CredentialStore>),
}

struct Inner {
    service: String,
    timeout: Duration,
    backend: Backend,
}

/// The credential store. Cheap to clone; clones share the opened keyring.
#[derive(Clone)]
pub struct KeyStore {
    inner: Arc<Inner>,
}

impl fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyStore")
            .field("service", &self.inner.service)
            .field("timeout", &self.inner.timeout)
            .field(
                "backend",
                &match self.inner.backend {
                    Backend::Platform => "platform",
                    Backend::Fixed(_) => "fixed",
                },
            )
            .finish()
    }
}

impl KeyStore {
    /// The OS keyring, service [`SERVICE`] (or `HEROKU_J1_KEYRING_SERVICE`), opened lazily.
    #[must_use]
    pub fn platform() -> Self {
        let service = std::env::var(SERVICE_ENV)
            .ok()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| SERVICE.to_owned());
        Self::new(service, Backend::Platform)
    }

    /// A store over the given `keyring-core` store: the test seam.
    #[must_use]
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        Self::new(SERVICE.to_owned(), Backend::Fixed(store))
    }

    /// A fresh in-memory store (`keyring_core::mock::Store`) for tests and demos.
    ///
    /// # Panics
    /// Never: the mock store cannot fail to build.
    #[must_use]
    pub fn mock() -> Self {
        let store = keyring_core::mock::Store::new().expect("the mock store always builds");
        Self::with_store(store)
    }

    /// A store on a machine with no keyring at all: every call fails as
    /// [`StoreError::Unavailable`]. For tests of the fallbacks.
    #[cfg(test)]
    #[must_use]
    pub(crate) fn without_keyring() -> Self {
        Self::with_store(Arc::new(NoKeyring))
    }

    fn new(service: String, backend: Backend) -> Self {
        Self {
            inner: Arc::new(Inner {
                service,
                timeout: DEFAULT_TIMEOUT,
                backend,
            }),
        }
    }

    /// The same store with another per-call timeout.
    #[must_use]
    pub fn with_timeout(self, timeout: Duration) -> Self {
        self.rebuild(|i| i.timeout = timeout)
    }

    /// The same store under another service name.
    #[must_use]
    pub fn with_service(self, service: impl Into<String>) -> Self {
        let service = service.into();
        self.rebuild(|i| i.service = service)
    }

    fn rebuild(self, change: impl FnOnce(&mut Inner)) -> Self {
        let inner = match Arc::try_unwrap(self.inner) {
            Ok(inner) => inner,
            Err(shared) => Inner {
                service: shared.service.clone(),
                timeout: shared.timeout,
                backend: match &shared.backend {
                    Backend::Platform => Backend::Platform,
                    Backend::Fixed(s) => Backend::Fixed(Arc::clone(s)),
                },
            },
        };
        let mut inner = inner;
        change(&mut inner);
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The keyring service name.
    #[must_use]
    pub fn service(&self) -> &str {
        &self.inner.service
    }

    /// The per-call timeout.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The stored key, or `None` when there is none.
    ///
    /// # Errors
    /// When the keyring is unavailable, locked, does not answer in time, or fails.
    pub async fn get(&self, which: Which) -> Result<Option<Secret>, StoreError> {
        self.call(which, Op::Read, move |entry| match entry.get_password() {
            Ok(password) => Ok(Some(Secret::new(password))),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
        .await
    }

    /// Stores `key`, replacing any stored one.
    ///
    /// # Errors
    /// As [`KeyStore::get`]; an empty key is refused.
    pub async fn set(&self, which: Which, key: &Secret) -> Result<(), StoreError> {
        if key.is_empty() {
            return Err(StoreError::Failed {
                which,
                op: Op::Store,
                reason: "the key is empty".into(),
            });
        }
        let key = key.clone();
        self.call(which, Op::Store, move |entry| {
            entry.set_password(key.expose())
        })
        .await
    }

    /// Deletes the stored key. `true` when one was deleted, `false` when there was none.
    ///
    /// # Errors
    /// As [`KeyStore::get`].
    pub async fn delete(&self, which: Which) -> Result<bool, StoreError> {
        self.call(which, Op::Delete, move |entry| {
            match entry.delete_credential() {
                Ok(()) => Ok(true),
                Err(KeyringError::NoEntry) => Ok(false),
                Err(e) => Err(e),
            }
        })
        .await
    }

    /// Opens the keyring without touching any key: whether it can be used at all. The error
    /// names `which` (the key the caller is about to read or store).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] or [`StoreError::TimedOut`].
    pub async fn check(&self, which: Which) -> Result<(), StoreError> {
        self.call(which, Op::Read, |_| Ok(())).await
    }

    /// Runs `f` on the entry of `which` on the blocking pool, under the timeout.
    async fn call<T: Send + 'static>(
        &self,
        which: Which,
        op: Op,
        f: impl FnOnce(&Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        let this = self.clone();
        let task = tokio::task::spawn_blocking(move || -> Result<T, StoreError> {
            let store = this.open(which)?;
            let entry = Entry::new_in_store(&store, &this.inner.service, which.keyring_user())
                .map_err(|e| map_error(which, op, &e))?;
            f(&entry).map_err(|e| map_error(which, op, &e))
        });
        let after = self.inner.timeout;
        match tokio::time::timeout(after, task).await {
            Ok(Ok(result)) => {
                if let Err(e) = &result {
                    tracing::warn!(%which, %op, error = %e, "keyring call failed");
                } else {
                    tracing::debug!(%which, %op, "keyring call done");
                }
                result
            }
            Ok(Err(join)) => Err(StoreError::Failed {
                which,
                op,
                reason: if join.is_panic() {
                    "the keyring library panicked".into()
                } else {
                    "the keyring call was cancelled".into()
                },
            }),
            Err(_) => {
                tracing::warn!(%which, %op, ?after, "keyring call timed out");
                Err(StoreError::TimedOut { which, op, after })
            }
        }
    }

    /// The store to use: blocking (the platform store connects to D-Bus).
    fn open(&self, which: Which) -> Result<Arc<CredentialStore>, StoreError> {
        match &self.inner.backend {
            Backend::Fixed(store) => Ok(Arc::clone(store)),
            Backend::Platform => {
                let mut guard = PLATFORM.lock().map_err(|_| StoreError::Failed {
                    which,
                    op: Op::Read,
                    reason: "an earlier keyring call panicked".into(),
                })?;
                if let Some(store) = guard.as_ref() {
                    return Ok(Arc::clone(store));
                }
                match open_platform() {
                    Ok(store) => {
                        *guard = Some(Arc::clone(&store));
                        Ok(store)
                    }
                    Err(reason) => Err(StoreError::Unavailable { which, reason }),
                }
            }
        }
    }
}

/// The `keyring-core` store behind [`KeyStore::without_keyring`].
#[cfg(test)]
struct NoKeyring;

#[cfg(test)]
impl keyring_core::api::CredentialStoreApi for NoKeyring {
    fn vendor(&self) -> String {
        "none".into()
    }
    fn id(&self) -> String {
        "none".into()
    }
    fn build(
        &self,
        _: &str,
        _: &str,
        _: Option<&std::collections::HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        Err(KeyringError::NoDefaultStore)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::mpsc;

    use keyring_core::api::{CredentialApi, CredentialStoreApi};
    use keyring_core::mock;

    use super::*;

    const KEY: &str = "HRKU-AAunit-test-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH";

    #[tokio::test]
    async fn set_get_delete_round_trip_on_the_mock() {
        let store = KeyStore::mock();
        assert_eq!(store.get(Which::Heroku).await.unwrap(), None);
        store.set(Which::Heroku, &Secret::new(KEY)).await.unwrap();
        let got = store.get(Which::Heroku).await.unwrap().unwrap();
        assert_eq!(got.expose(), KEY);
        assert_eq!(store.get(Which::JupiterOne).await.unwrap(), None, "apart");
        store
            .set(Which::Heroku, &Secret::new("replaced-key-0000"))
            .await
            .unwrap();
        let got = store.get(Which::Heroku).await.unwrap().unwrap();
        assert_eq!(got.expose(), "replaced-key-0000");
        assert!(store.delete(Which::Heroku).await.unwrap());
        assert!(!store.delete(Which::Heroku).await.unwrap(), "already gone");
        assert_eq!(store.get(Which::Heroku).await.unwrap(), None);
        store.check(Which::Heroku).await.unwrap();
    }

    #[tokio::test]
    async fn an_empty_key_is_not_stored() {
        let store = KeyStore::mock();
        let e = store
            .set(Which::Heroku, &Secret::new("  \n"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
        assert_eq!(store.get(Which::Heroku).await.unwrap(), None);
    }

    fn inject(store: &Arc<mock::Store>, which: Which, error: KeyringError) {
        let entry = Entry::new_in_store(
            &(Arc::clone(store) as Arc<CredentialStore>),
            SERVICE,
            which.keyring_user(),
        )
        .unwrap();
        let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(error);
    }

    #[tokio::test]
    async fn errors_are_mapped_to_messages_that_say_what_to_do() {
        let raw = mock::Store::new().unwrap();
        let store = KeyStore::with_store(Arc::clone(&raw) as Arc<CredentialStore>);
        store.set(Which::Heroku, &Secret::new(KEY)).await.unwrap();

        inject(
            &raw,
            Which::Heroku,
            KeyringError::NoStorageAccess("collection is locked".into()),
        );
        let e = store.get(Which::Heroku).await.unwrap_err();
        assert!(
            matches!(e, StoreError::Locked { op: Op::Read, .. }),
            "{e:?}"
        );
        assert!(e.is_unavailable());
        let msg = e.to_string();
        for needle in [
            "refused to read the Heroku API key",
            "collection is locked",
            "HEROKU_API_KEY",
        ] {
            assert!(msg.contains(needle), "{needle}: {msg}");
        }

        inject(
            &raw,
            Which::JupiterOne,
            KeyringError::PlatformFailure("org.freedesktop.DBus.Error.NoReply".into()),
        );
        let e = store
            .set(Which::JupiterOne, &Secret::new("j1-key-000000000000"))
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Failed { op: Op::Store, .. }),
            "{e:?}"
        );
        assert!(!e.is_unavailable());
        assert!(
            e.to_string().contains(
                "could not store the JupiterOne API key: org.freedesktop.DBus.Error.NoReply"
            ),
            "{e}"
        );

        // Errors that carry stored bytes never show them.
        inject(
            &raw,
            Which::Heroku,
            KeyringError::BadEncoding(KEY.as_bytes().to_vec()),
        );
        let e = store.get(Which::Heroku).await.unwrap_err();
        assert!(!format!("{e} {e:?}").contains(KEY), "{e}");
        inject(
            &raw,
            Which::Heroku,
            KeyringError::BadDataFormat(KEY.as_bytes().to_vec(), KEY.into()),
        );
        let e = store.get(Which::Heroku).await.unwrap_err();
        assert!(!format!("{e} {e:?}").contains("unit-test-key"), "{e}");

        // The failures were one-shot; the key is intact.
        assert_eq!(
            store.get(Which::Heroku).await.unwrap().unwrap().expose(),
            KEY
        );
        inject(&raw, Which::Heroku, KeyringError::NoDefaultStore);
        let e = store.delete(Which::Heroku).await.unwrap_err();
        assert!(matches!(e, StoreError::Unavailable { .. }), "{e:?}");
        assert!(
            e.to_string().starts_with("the OS keyring is unavailable: "),
            "{e}"
        );
    }

    #[test]
    fn the_unavailable_message_names_the_reason_and_the_remedies() {
        let e = StoreError::Unavailable {
            which: Which::Heroku,
            reason: "no Secret Service on the session bus (D-Bus error: socket not found)".into(),
        };
        assert_eq!(
            e.to_string(),
            "the OS keyring is unavailable: no Secret Service on the session bus (D-Bus error: \
             socket not found). Use HEROKU_API_KEY for this run, or start a keyring \
             (gnome-keyring, KeePassXC)"
        );
        let e = StoreError::TimedOut {
            which: Which::JupiterOne,
            op: Op::Store,
            after: Duration::from_secs(5),
        };
        assert!(e.to_string().contains("within 5 s"), "{e}");
        assert!(e.to_string().contains("JUPITERONE_API_KEY"), "{e}");
    }

    /// A store whose every call waits until released (a locked keyring with a prompt).
    #[derive(Debug)]
    struct Stuck {
        release: Mutex<mpsc::Receiver<()>>,
    }

    #[derive(Debug)]
    struct StuckCred(Arc<Stuck>);

    impl Stuck {
        fn wait(&self) -> keyring_core::Result<()> {
            if let Ok(rx) = self.release.lock() {
                let _ = rx.recv_timeout(Duration::from_secs(10));
            }
            Ok(())
        }
    }

    impl CredentialApi for StuckCred {
        fn set_secret(&self, _: &[u8]) -> keyring_core::Result<()> {
            self.0.wait()
        }
        fn get_secret(&self) -> keyring_core::Result<Vec<u8>> {
            self.0.wait()?;
            Err(KeyringError::NoEntry)
        }
        fn delete_credential(&self) -> keyring_core::Result<()> {
            self.0.wait()
        }
        fn get_credential(&self) -> keyring_core::Result<Option<Arc<keyring_core::Credential>>> {
            Ok(None)
        }
        fn get_specifiers(&self) -> Option<(String, String)> {
            None
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    struct StuckStore(Arc<Stuck>);

    impl CredentialStoreApi for StuckStore {
        fn vendor(&self) -> String {
            "stuck".into()
        }
        fn id(&self) -> String {
            "stuck".into()
        }
        fn build(
            &self,
            _: &str,
            _: &str,
            _: Option<&HashMap<&str, &str>>,
        ) -> keyring_core::Result<Entry> {
            Ok(Entry::new_with_credential(Arc::new(StuckCred(Arc::clone(
                &self.0,
            )))))
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    #[tokio::test]
    async fn a_keyring_that_never_answers_times_out() {
        let (tx, rx) = mpsc::channel();
        let stuck = Arc::new(Stuck {
            release: Mutex::new(rx),
        });
        let store = KeyStore::with_store(Arc::new(StuckStore(stuck)))
            .with_timeout(Duration::from_millis(150));
        let started = std::time::Instant::now();
        let e = store.get(Which::Heroku).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(3));
        assert_eq!(
            e,
            StoreError::TimedOut {
                which: Which::Heroku,
                op: Op::Read,
                after: Duration::from_millis(150)
            }
        );
        assert!(e.is_unavailable());
        // The next call queues behind the stuck one and times out too.
        let e = store
            .set(Which::Heroku, &Secret::new(KEY))
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::TimedOut { op: Op::Store, .. }),
            "{e:?}"
        );
        // Release the blocked threads so the runtime can shut down.
        for _ in 0..4 {
            let _ = tx.send(());
        }
    }

    #[tokio::test]
    async fn clones_and_settings_share_the_store() {
        let store = KeyStore::mock().with_timeout(Duration::from_secs(1));
        let other = store.clone().with_service("heroku-j1-test");
        assert_eq!(store.service(), SERVICE);
        assert_eq!(other.service(), "heroku-j1-test");
        assert_eq!(other.timeout(), Duration::from_secs(1));
        other.set(Which::Heroku, &Secret::new(KEY)).await.unwrap();
        assert_eq!(
            store.get(Which::Heroku).await.unwrap(),
            None,
            "another service"
        );
        assert!(format!("{store:?}").contains("heroku-j1"));
    }
}
