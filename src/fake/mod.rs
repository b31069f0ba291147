//! Fake Heroku and JupiterOne APIs, served on 127.0.0.1 for `--demo`, tests and benchmarks.

pub mod heroku;
pub mod jupiterone;
