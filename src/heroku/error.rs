//! What can go wrong talking to Heroku, each with a message that tells the user what to do.
//! No message ever contains the key.

use super::pagination::PaginationRule;

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
    /// Pagination stopped by one of the guards of [`super::pagination`].
    #[error(
        "Heroku's pagination for {what} was stopped after {pages} pages because {rule} \
         (next range {range:?}); the list is incomplete"
    )]
    PaginationLoop {
        what: String,
        range: String,
        pages: usize,
        rule: PaginationRule,
    },
    /// An answer larger than the client's `max_body_bytes`.
    #[error(
        "Heroku's answer for {what} is larger than {}, the most heroku-j1 reads; the list \
         is incomplete (allow more with --max-response-size or HEROKU_J1_MAX_RESPONSE_SIZE)",
        crate::text::human_bytes(*limit)
    )]
    TooLarge { what: String, limit: u64 },
    /// The crawl's deadline passed before this request could finish.
    #[error(
        "the crawl's deadline passed before {what} could be read ({attempts} tries); the list \
         is incomplete. Allow more time with --deadline (HEROKU_J1_DEADLINE)"
    )]
    Deadline { what: String, attempts: u32 },
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
