//! The terminal explorer: an `Action` enum, state changed only in [`app::App::update`],
//! views drawn from `&App`, background work reporting through messages, and one keymap.

pub mod action;
pub mod app;
pub mod keymap;
pub mod keys;
pub mod layout;
pub mod login;
pub mod run;
pub mod tree;
pub mod view;
