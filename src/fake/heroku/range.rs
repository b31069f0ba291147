//! `Range` header parsing and paging, as the Heroku Platform API does it.
//!
//! Grammar (reference §3): `field SP [ "]" ] [start] ".." [end] [ ";" SP params ] [ ";" ]`,
//! params `max=N` and `order=asc|desc` separated by `,` or `;`. `]` makes the start exclusive.
//! The default page is 200 items, `max` is clamped to 1000.

use std::sync::Arc;

use super::entry::{Entry, PagedList};
pub use super::sort::SortField;

/// The default page size.
pub const DEFAULT_MAX: usize = 200;
/// The largest page served; a larger `max` is clamped to it.
pub const MAX_MAX: usize = 1000;

/// A parsed `Range` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeSpec {
    pub field: SortField,
    /// The start value, if any.
    pub start: Option<String>,
    /// `]start`: strictly after the start value.
    pub exclusive: bool,
    /// An end value (inclusive); Heroku documents these as unsupported, the fake honours them.
    pub end: Option<String>,
    /// Page size, 1..=1000.
    pub max: usize,
    pub desc: bool,
}

/// Why a `Range` header was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeError {
    /// 400 `bad_request`: the header does not parse.
    Malformed,
    /// 416 `requested_range_not_satisfiable`: no field, or a field not in `Accept-Ranges`.
    FieldNotAllowed,
}

/// The message of the 400 answer (Heroku's own text, trailing space included).
pub const MALFORMED_MESSAGE: &str =
    "Invalid `Range` header. Please use format like `id ..; max=10, order=desc`. ";
/// The message of the 416 answer.
pub const NOT_ALLOWED_MESSAGE: &str = "Requested range order is not allowed, please try `id` or another specified in `Accept-Ranges`.";

/// Parses a `Range` header for a list that sorts by `accepted` (the first is the default).
///
/// # Errors
/// [`RangeError::FieldNotAllowed`] for a missing or unsupported field (e.g. a bare
/// `max=1000`), [`RangeError::Malformed`] for anything else that does not parse.
pub fn parse(header: Option<&str>, accepted: &[SortField]) -> Result<RangeSpec, RangeError> {
    let default_field = accepted.first().copied().unwrap_or(SortField::Id);
    let mut spec = RangeSpec {
        field: default_field,
        start: None,
        exclusive: false,
        end: None,
        max: DEFAULT_MAX,
        desc: false,
    };
    let Some(header) = header.map(str::trim).filter(|h| !h.is_empty()) else {
        return Ok(spec);
    };
    let (range, params) = header.split_once(';').unwrap_or((header, ""));
    let range = range.trim();
    let (field, bounds) = range
        .split_once(char::is_whitespace)
        .map_or((range, ""), |(f, b)| (f, b.trim()));
    spec.field = SortField::parse(field)
        .filter(|f| accepted.contains(f))
        .ok_or(RangeError::FieldNotAllowed)?;
    let (start, end) = bounds.rsplit_once("..").ok_or(RangeError::Malformed)?;
    let (exclusive, start) = match start.strip_prefix(']') {
        Some(rest) => (true, rest),
        None => (false, start),
    };
    if start.contains(char::is_whitespace) || end.contains(char::is_whitespace) {
        return Err(RangeError::Malformed);
    }
    if exclusive && start.is_empty() {
        return Err(RangeError::Malformed);
    }
    spec.exclusive = exclusive;
    spec.start = (!start.is_empty()).then(|| start.to_owned());
    spec.end = (!end.is_empty()).then(|| end.to_owned());
    for param in params.split([',', ';']).map(str::trim) {
        if param.is_empty() {
            continue;
        }
        let (key, value) = param.split_once('=').ok_or(RangeError::Malformed)?;
        match (key.trim(), value.trim()) {
            ("max", v) => {
                let max: usize = v.parse().map_err(|_| RangeError::Malformed)?;
                if max == 0 {
                    return Err(RangeError::Malformed);
                }
                spec.max = max.min(MAX_MAX);
            }
            ("order", "asc") => spec.desc = false,
            ("order", "desc") => spec.desc = true,
            _ => return Err(RangeError::Malformed),
        }
    }
    Ok(spec)
}

/// One page of a list.
#[derive(Debug)]
pub struct Page<'a> {
    pub items: Vec<&'a Arc<Entry>>,
    /// `Content-Range`.
    pub content_range: String,
    /// `Next-Range` when more items remain (the answer is then 206).
    pub next_range: Option<String>,
}

impl Page<'_> {
    /// The JSON array of the page, built from the pre-serialized objects.
    #[must_use]
    pub fn body(&self) -> String {
        let len: usize = self.items.iter().map(|e| e.json_len() + 1).sum();
        let mut body = String::with_capacity(len + 2);
        body.push('[');
        for (i, e) in self.items.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            e.write_json(&mut body);
        }
        body.push(']');
        body
    }
}

/// Cuts the page `spec` asks for out of `list`.
#[must_use]
pub fn page<'a>(list: &'a PagedList, spec: &RangeSpec) -> Page<'a> {
    let field = spec.field;
    let sorted = list.sorted(field);
    let key = |e: &Arc<Entry>| e.key(field).to_owned();
    let start = spec.start.as_deref();
    let end = spec.end.as_deref();
    let mut items: Vec<&'a Arc<Entry>> = Vec::with_capacity(spec.max.min(sorted.len()));
    let mut more = false;
    if spec.desc {
        let hi = match start {
            None => sorted.len(),
            Some(v) if spec.exclusive => sorted.partition_point(|e| e.key(field) < v),
            Some(v) => sorted.partition_point(|e| e.key(field) <= v),
        };
        for e in sorted[..hi].iter().rev() {
            if end.is_some_and(|end| e.key(field) < end) {
                break;
            }
            if items.len() == spec.max {
                more = true;
                break;
            }
            items.push(e);
        }
    } else {
        let lo = match start {
            None => 0,
            Some(v) if spec.exclusive => sorted.partition_point(|e| e.key(field) <= v),
            Some(v) => sorted.partition_point(|e| e.key(field) < v),
        };
        for e in &sorted[lo..] {
            if end.is_some_and(|end| e.key(field) > end) {
                break;
            }
            if items.len() == spec.max {
                more = true;
                break;
            }
            items.push(e);
        }
    }
    let name = field.as_str();
    let max = spec.max;
    let content_range = match (items.first(), items.last()) {
        (Some(first), Some(last)) => {
            format!("{name} {}..{}; max={max}", key(first), key(last))
        }
        _ => format!("{name} ..; max={max}"),
    };
    let order = if spec.desc { ", order=desc" } else { "" };
    let next_range = items
        .last()
        .filter(|_| more)
        .map(|last| format!("{name} ]{}..; max={max}{order}", key(last)));
    Page {
        items,
        content_range,
        next_range,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::heroku::sort::{APP_FIELDS, ID_FIELDS, MEMBER_FIELDS};

    fn ok(h: &str) -> RangeSpec {
        parse(Some(h), APP_FIELDS).unwrap_or_else(|e| panic!("{h:?}: {e:?}"))
    }

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(ok("id ..; max=1000").max, 1000);
        assert_eq!(ok("id ..; max=1000;").max, 1000);
        let s = ok("id ]abc..; max=10, order=desc");
        assert!(s.exclusive && s.desc && s.max == 10 && s.start.as_deref() == Some("abc"));
        assert!(ok("id ..; max=1000,order=desc").desc);
        assert_eq!(ok("name ..; max=5000").max, 1000);
        assert_eq!(ok("updated_at ..").max, DEFAULT_MAX);
        assert_eq!(
            parse(Some("email ]a.b@c.example..; max=3"), MEMBER_FIELDS)
                .map(|s| s.start)
                .ok()
                .flatten()
                .as_deref(),
            Some("a.b@c.example")
        );
        assert_eq!(
            parse(None, MEMBER_FIELDS).map(|s| s.field),
            Ok(SortField::Email)
        );
    }

    #[test]
    fn refuses_bad_ranges() {
        let e = |h: &str| parse(Some(h), ID_FIELDS).err();
        assert_eq!(e("max=1000"), Some(RangeError::FieldNotAllowed));
        assert_eq!(e("name ..; max=10"), Some(RangeError::FieldNotAllowed));
        assert_eq!(e("id"), Some(RangeError::Malformed));
        assert_eq!(e("id ..; max=abc"), Some(RangeError::Malformed));
        assert_eq!(e("id ..; max=0"), Some(RangeError::Malformed));
        assert_eq!(e("id ..; order=sideways"), Some(RangeError::Malformed));
        assert_eq!(e("id ..; colour=blue"), Some(RangeError::Malformed));
        assert_eq!(e("id ]..; max=10"), Some(RangeError::Malformed));
    }
}
