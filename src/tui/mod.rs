//! The terminal explorer. [`run`] takes one [`Startup`] and runs until the user quits.
//!
//! - `action`: every input (`Action`), the keymap's `Command`s, and the `Effect`s `update`
//!   asks for; `keymap`: the one table of key bindings (dispatch, footer, help).
//! - `app`: the state, changed only by `App::update`; `overlay`: what lies over the tree and
//!   which layer has the keyboard; `data`: the crawled estate and its `tree`.
//! - `tasks`: all background work (crawl, preview, sync, login, keys), reporting through
//!   messages that carry the results; `clients`: the API clients those tasks use.
//! - `event_loop`: reads events, dispatches them to `update`, starts tasks, draws `view`
//!   (drawn from `&App`); `login_form`: the login form's fields; `query_line`: the J1QL
//!   line and its history, `query_results`: what queries deliver; `startup`, `layout`.

pub mod action;
pub mod app;
pub mod clients;
pub mod data;
pub mod event_loop;
pub mod keymap;
pub mod layout;
pub mod login_form;
pub mod overlay;
pub mod query_line;
pub mod query_results;
pub mod startup;
pub mod tasks;
pub mod tree;
pub mod view;

pub use event_loop::run;
pub use startup::{DriftHook, LoginContext, Startup};
