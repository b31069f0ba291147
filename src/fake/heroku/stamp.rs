//! The deterministic values the generated objects carry: timestamps in the API's format and
//! ids derived from a label (the same for every estate).

use sha2::{Digest, Sha256};

/// `YYYY-MM-DDTHH:MM:SSZ`.
pub(super) fn ts(secs: i64) -> String {
    use chrono::{Datelike as _, Timelike as _};
    let t = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A UUID that depends only on `label` (for objects that are the same for every Heroku
/// customer: regions, stacks, add-on services and plans, provider actions).
pub(super) fn stable_uuid(label: &str) -> String {
    let digest = Sha256::digest(format!("heroku-j1 fake heroku: {label}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}
