//! The fake Heroku Platform API (being written).
