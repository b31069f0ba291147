//! What can go wrong talking to Heroku, each with a message that tells the user what to do.
//! No message ever contains the key.

use std::time::Duration;

/// An error from the Heroku Platform API.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum HerokuError {
    /// 401, or 403 on `/account`: the key is wrong, expired or revoked.
    #[error(
        "Heroku rejected the API key ({status} {id}). Check the key, or create a new one with \
         `heroku authorizations:create --scope global` (or print the CLI's with `heroku auth:token`)"
    )]
    InvalidKey { status: u16, id: String },
    /// 403 on a list: the key lacks a scope or a role.
    #[error("Heroku refused {what} (403 {id}: {message}). {advice}")]
    Forbidden {
        what: String,
        id: String,
        message: String,
        advice: String,
    },
    /// 404.
    #[error("Heroku has no {what} (404: {message})")]
    NotFound { what: String, message: String },
    /// 429 more times than we retry.
    #[error(
        "Heroku's rate limit stayed exhausted for {what} after {attempts} tries; wait a few \
         minutes (the limit refills at about 75 requests a minute) and run again"
    )]
    RateLimited { what: String, attempts: u32 },
    /// 5xx after retries.
    #[error(
        "Heroku answered {status} for {what} after {attempts} tries: {message}. Heroku may be having trouble (status.heroku.com); try again later"
    )]
    Server {
        what: String,
        status: u16,
        attempts: u32,
        message: String,
    },
    /// A connection error or timeout after retries.
    #[error(
        "cannot reach Heroku for {what} after {attempts} tries: {detail}. Check the network and --heroku-api-url"
    )]
    Network {
        what: String,
        attempts: u32,
        detail: String,
    },
    /// Another 4xx.
    #[error("Heroku refused the request for {what} ({status} {id}: {message})")]
    Request {
        what: String,
        status: u16,
        id: String,
        message: String,
    },
    /// A body that is not the JSON we expect.
    #[error("Heroku sent a response for {what} that heroku-j1 cannot read: {detail}")]
    Unreadable { what: String, detail: String },
    /// `Next-Range` repeated the range just sent.
    #[error("Heroku's pagination for {what} repeated the range {range:?}; stopped to avoid a loop")]
    PaginationLoop { what: String, range: String },
    /// The HTTP client could not be built.
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
}

impl HerokuError {
    /// Whether the key itself is the problem (so every further call would fail too).
    #[must_use]
    pub const fn is_invalid_key(&self) -> bool {
        matches!(self, Self::InvalidKey { .. })
    }

    /// Whether Heroku refused access (so a different call might still work).
    #[must_use]
    pub const fn is_forbidden(&self) -> bool {
        matches!(self, Self::Forbidden { .. })
    }
}

/// How long to wait before try `attempt` (1-based) after a transient failure.
#[must_use]
pub fn backoff(base: Duration, max: Duration, attempt: u32, jitter: f64) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(max);
    // Full jitter in [50 %, 100 %] of the capped delay.
    capped.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}
