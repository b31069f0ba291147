//! The Heroku Platform API: serde models, and the client that reads them.

pub mod client;
pub mod error;
pub mod model;
pub mod rate_limit;

pub use client::{ClientConfig, HerokuClient};
pub use error::HerokuError;
