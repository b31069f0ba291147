//! heroku-j1: read a Heroku Enterprise estate, build it as a JupiterOne graph, browse it,
//! preview the upload and sync it.
// Unsafe code is refused everywhere but in `memory`, which sets one allocator parameter.
#![deny(unsafe_code)]

pub mod cli;
pub mod collect;
pub mod config;
pub mod estate;
pub mod fake;
pub mod graph;
pub mod heroku;
pub mod http;
pub mod jupiterone;
pub mod logging;
pub mod memory;
pub mod query;
pub mod secret;
pub mod secrets;
pub mod settings;
pub mod text;
pub mod tui;
