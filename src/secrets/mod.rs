//! Secrets: the redacted key type (and, with the credentials work, the OS keyring).

mod secret;

pub use secret::Secret;
