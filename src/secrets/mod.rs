//! Secrets: the redacted key type, the OS keyring, where a key comes from, and checks.
//!
//! What the command line and the explorer use:
//!
//! - [`Keys`] ([`resolve`]): the key to use and its [`Source`] (environment, this run only,
//!   keyring); save, delete, and each key's [`KeyStatus`] for the keys view.
//! - [`KeyStore`] ([`store`]): the OS keyring, every call off the async runtime and under a
//!   timeout; [`KeyStore::mock`] for tests.
//! - [`validate`]: ask Heroku / JupiterOne whether a key is accepted before storing it;
//!   [`login::validate_and_store`] does both steps for the login form.
//! - [`shape::hint`]: a hint about a key's shape, never a refusal.
//! - [`netrc`]: the Heroku CLI's token from `~/.netrc`.

pub mod login;
pub mod netrc;
pub mod resolve;
mod secret;
pub mod shape;
pub mod store;
pub mod validate;

pub use login::{Endpoint, LoggedIn, LoginError, validate_and_store};
pub use resolve::{KeyStatus, Keys, ResolveError, Resolved, Source};
pub use secret::Secret;
pub use store::{KeyStore, StoreError, Which};
pub use validate::ValidationError;
