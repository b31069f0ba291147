//! The faults that can be injected into the fake's answers.

/// Injected faults. Setting them resets the 429 burst and the upload counter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Fraction (0.0–1.0) of authenticated requests answered `503`.
    pub error_rate: f64,
    /// Seeds the choice of the requests `error_rate` fails (the same seed, the same ones).
    pub seed: u64,
    /// The next this-many authenticated requests answer `429`.
    pub rate_limit_burst: u32,
    /// `Retry-After` seconds sent with a 429.
    pub retry_after_secs: u64,
    /// Every answer waits this long first.
    pub delay_ms: u64,
    /// The Nth upload request (1-based, counted from when the faults were set) and every
    /// later one answer `fail_upload_status`.
    pub fail_uploads_from: Option<u64>,
    /// The status of a failed upload (500 when 0).
    pub fail_upload_status: u16,
    /// Every upload that does not fail waits this long more before it is handled (a failed
    /// one answers at once), so uploads are still in flight when another one fails.
    pub slow_upload_ms: u64,
}

pub(super) enum Fault {
    RateLimited(u64),
    Unavailable,
    FailUpload(u16),
}
