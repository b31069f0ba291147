//! What the Heroku and JupiterOne clients share about HTTP.

use reqwest::header::HeaderMap;

/// A reqwest error without its URL (which is ours anyway) but with its causes.
#[must_use]
pub fn describe_error(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "the response was cut off"
    } else {
        "request failed"
    };
    let mut detail = kind.to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    detail
}

/// A header's value, when present and text.
#[must_use]
pub fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// A random fraction in `[0, 1)` for backoff jitter.
#[must_use]
pub fn jitter() -> f64 {
    rand::random::<f64>()
}
