//! Injected failures, switchable mid-run (`POST /__fake/faults`).

use serde::{Deserialize, Serialize};

/// The faults the fake injects. All off by default. `POST /__fake/faults` replaces the whole
/// set; fields missing from its JSON body are off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Fraction (0..=1) of requests answered 500 `internal_server_error` or 503
    /// `service_unavailable` (half each), with a JSON body.
    pub error_rate: f64,
    /// 403 `forbidden` on `/teams/{id}/members`, with `Oauth-Scope: read` (a key without the
    /// `global` scope).
    pub forbid_team_members: bool,
    /// 403 `forbidden` on `/teams/{id}/addons` and `/apps/{id}/addons` (a member-role key).
    pub forbid_addons: bool,
    /// 403 `forbidden` on `/teams/{id}/addons` only, so a client can fall back to
    /// `/apps/{id}/addons`.
    pub forbid_team_addons_only: bool,
    /// Extra delay on every request, in milliseconds (make it longer than a client timeout).
    pub slow_ms: u64,
    /// The first page of `/teams/{id}/apps` (no Range start) is cut in half: invalid JSON,
    /// status 200.
    pub malformed_page: bool,
    /// Every list answer is a 206 whose `Next-Range` repeats the `Range` that was sent.
    pub repeat_next_range: bool,
    /// Fraction (0..=1) of requests whose connection is closed without an answer.
    pub reset_connection_rate: f64,
    /// Every request is 401 `unauthorized` (an expired key).
    pub unauthorized: bool,
}
