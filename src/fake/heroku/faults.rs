//! Injected failures, switchable mid-run (`POST /__fake/faults`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    /// `/teams/{id}/apps`: every page is a 206 whose `Next-Range` alternates between two
    /// ranges (`max=N` → `max=N-1` → `max=N` …), a cycle A → B → A.
    pub alternate_next_range: bool,
    /// `/teams/{id}/apps`: every page is a 206 with a new `Next-Range` (`max` one less each
    /// time) and the same objects: pagination that makes no progress.
    pub stalled_pages: bool,
    /// `/teams/{id}/apps`: every page is a 206 with a new `Next-Range` and one object more
    /// than the last (the list's first 1, 2, 3 … objects): progress by one object a page.
    pub creeping_pages: bool,
    /// `/teams/{id}/apps`: a 200 whose body is this many bytes (a JSON array padded with
    /// spaces); 0 is off.
    pub giant_body_bytes: u64,
    /// `/teams/{id}/apps`: 429 with this `Retry-After` in seconds; 0 is off.
    pub retry_after_secs: u64,
    /// Hostile text (e.g. terminal escapes): when set, appended to every `name` and `email`
    /// of a successful answer, and to the `message` of every error answer.
    pub hostile_text: String,
    /// `/enterprise-accounts/{id}/teams`: the second team carries the first one's id.
    pub duplicate_team_id: bool,
    /// `/enterprise-accounts/{id}/members`: the first member's `permissions` gains a `null`.
    pub null_permission: bool,
    /// `/teams/{id}/apps`: the first app of each page gets a `name` of this many bytes
    /// (`huge-app-aaa…`); 0 is off.
    pub huge_app_name_bytes: usize,
}

/// How a paging fault reshapes a page: the list's first `first` objects instead of the
/// page asked for (when set), and the `Next-Range` to send.
pub(super) struct Reshape {
    pub first: Option<usize>,
    pub next_range: String,
}

impl Faults {
    /// The paging fault in force for a `/teams/{id}/apps` page asked with `field` and `max`.
    pub(super) fn reshape_page(&self, field: &str, max: usize) -> Option<Reshape> {
        let range = |max: usize| format!("{field} ..; max={}", max.clamp(1, 1000));
        if self.alternate_next_range {
            let other = if max.is_multiple_of(2) {
                max - 1
            } else {
                max + 1
            };
            return Some(Reshape {
                first: None,
                next_range: range(other),
            });
        }
        if self.stalled_pages || self.creeping_pages {
            return Some(Reshape {
                first: self
                    .creeping_pages
                    .then(|| 1 + 1000usize.saturating_sub(max)),
                next_range: range(max - 1),
            });
        }
        None
    }

    /// `body` with [`Faults::hostile_text`] applied (`None` when that fault is off or the
    /// body is not JSON).
    pub(super) fn taint(&self, body: &str, error: bool) -> Option<String> {
        if self.hostile_text.is_empty() {
            return None;
        }
        let mut value: Value = serde_json::from_str(body).ok()?;
        let fields: &[&str] = if error {
            &["message"]
        } else {
            &["name", "email"]
        };
        taint_value(&mut value, fields, &self.hostile_text);
        Some(value.to_string())
    }

    /// `body` (a successful answer on the route `template`) with the data oddities in force
    /// (`None` when none applies).
    pub(super) fn oddify(&self, template: &str, body: &str) -> Option<String> {
        let dup = self.duplicate_team_id && template == "/enterprise-accounts/{id}/teams";
        let null = self.null_permission && template == "/enterprise-accounts/{id}/members";
        let huge = self.huge_app_name_bytes > 0 && template == "/teams/{id}/apps";
        if !dup && !null && !huge {
            return None;
        }
        let mut list: Vec<Value> = serde_json::from_str(body).ok()?;
        if dup && list.len() >= 2 {
            list[1]["id"] = list[0]["id"].clone();
        }
        if let (true, Some(Value::Array(p))) = (
            null,
            list.first_mut().and_then(|m| m.get_mut("permissions")),
        ) {
            p.push(Value::Null);
        }
        if let (true, Some(app)) = (huge, list.first_mut()) {
            let mut name = String::from("huge-app-");
            name.extend(std::iter::repeat_n(
                'a',
                self.huge_app_name_bytes.saturating_sub(9),
            ));
            app["name"] = Value::String(name);
        }
        Some(Value::Array(list).to_string())
    }

    /// The giant body, when that fault is on.
    pub(super) fn giant_body(&self) -> Option<String> {
        let n = usize::try_from(self.giant_body_bytes)
            .ok()
            .filter(|n| *n >= 2)?;
        let mut body = String::with_capacity(n);
        body.push('[');
        body.extend(std::iter::repeat_n(' ', n - 2));
        body.push(']');
        Some(body)
    }
}

/// Appends `text` to every string field named in `fields`, at any depth.
fn taint_value(value: &mut Value, fields: &[&str], text: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if fields.contains(&k.as_str()) => s.push_str(text),
                    _ => taint_value(v, fields, text),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| taint_value(v, fields, text)),
        _ => {}
    }
}
