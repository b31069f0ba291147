//! The Heroku Platform API: serde models, and the client that reads them.

pub mod model;
