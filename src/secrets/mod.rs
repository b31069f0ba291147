//! Secrets: the OS keyring, where a key comes from, and checks. The redacted key type
//! itself is [`crate::secret::Secret`] (re-exported here), which the API clients use
//! without depending on this folder.
//!
//! What the command line and the explorer use:
//!
//! - [`Keys`] ([`resolve`]): the key to use and its [`Source`] (environment, this run only,
//!   keyring); save, delete, and each key's [`KeyStatus`] for the keys view.
//! - [`KeyStore`] ([`store`]): the OS keyring, every call off the async runtime and under a
//!   timeout; [`KeyStore::mock`] for tests.
//! - [`validate`]: ask Heroku / JupiterOne whether a key is accepted;
//!   [`validate_and_store`] ([`enroll`]) checks then stores, for `heroku-j1 login` and the
//!   explorer's login form.
//! - [`Secret`]: a key that never prints itself.
//! - [`shape::hint`]: a hint about a key's shape, never a refusal.
//! - [`netrc`]: the Heroku CLI's token from `~/.netrc`.

pub mod enroll;
pub mod netrc;
pub mod resolve;
pub mod shape;
pub mod store;
pub mod validate;

pub use crate::secret::Secret;
pub use enroll::{Endpoint, LoggedIn, LoginError, validate_and_store};
pub use resolve::{KeyStatus, Keys, ResolveError, Resolved, Source};
pub use store::{KeyStore, StoreError, Which};
pub use validate::ValidationError;
