//! The Heroku Platform API: serde models, the client that reads them, its rate limiter and
//! its pagination guards.

pub mod client;
pub mod error;
pub mod model;
pub mod pagination;
pub mod rate_limit;

pub use client::{ClientConfig, HerokuClient};
pub use error::HerokuError;
