//! The one HTTP layer under the Heroku and JupiterOne clients: the client builder (user agent,
//! timeouts, sensitive default headers), the retry loop with backoff, jitter, `Retry-After`
//! and an overall deadline ([`retry`]), a size-capped streaming body reader ([`body`]), and
//! error description. Each API client keeps only its own classification of answers.

pub mod body;
pub mod retry;

use std::time::Duration;

use reqwest::header::HeaderMap;

pub use body::{BodyError, read_capped};
pub use retry::{Attempt, GaveUp, RetryEvent, RetryObserver, RetryPolicy, Retrying};

/// The `User-Agent` both clients send.
#[must_use]
pub fn user_agent() -> String {
    format!(
        "heroku-j1/{} ({}; {})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// A reqwest client with our user agent, `timeout` per request (connect to last byte; the
/// connect phase at most 10 s) and `headers` on every request.
///
/// # Errors
/// When the TLS stack cannot start.
pub fn build_client(headers: HeaderMap, timeout: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(user_agent())
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .build()
        .map_err(|e| describe_error(&e))
}

/// A reqwest error without its URL (which is ours anyway) but with its causes, control
/// characters removed ([`crate::text::clean`]).
#[must_use]
pub fn describe_error(e: &reqwest::Error) -> String {
    let mut detail = error_kind(e).to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&crate::text::clean(&s.to_string()));
        source = s.source();
    }
    detail
}

fn error_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "the response was cut off"
    } else {
        "request failed"
    }
}

/// What went wrong in a few words for a retry notice ("a timeout").
#[must_use]
pub fn failure_cause(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "a timeout"
    } else if e.is_connect() {
        "a connection failure"
    } else if e.is_body() || e.is_decode() {
        "a cut-off answer"
    } else {
        "a failed request"
    }
}

/// A header's value, when present and text.
#[must_use]
pub fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The first of `names` that holds a wait in seconds (`Retry-After: 30`). The HTTP-date form
/// is not read: neither Heroku nor JupiterOne sends it.
#[must_use]
pub fn retry_after(headers: &HeaderMap, names: &[&str]) -> Option<Duration> {
    names
        .iter()
        .find_map(|n| header_str(headers, n))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(86_400.0)))
}

/// A random fraction in `[0, 1)` for jitter.
#[must_use]
pub fn jitter() -> f64 {
    rand::random::<f64>()
}
