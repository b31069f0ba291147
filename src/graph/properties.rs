//! The properties of a graph object, stored compactly.
//!
//! A graph of the `huge` estate holds about three million properties. As
//! `Vec<(name, serde_json::Value)>` they cost 56 bytes each plus one allocation per string,
//! which made the graph several times larger than the JSON it came from. Here the
//! properties of one object are one byte buffer: a name is one byte when it is one of ours
//! (an index into `NAMES`) and inline otherwise, a value is a tag byte followed by its
//! payload, strings stored unescaped so that [`Properties::str`] borrows them.
//!
//! Reading gives [`PropRef`], a borrowed view that serializes exactly as the
//! `serde_json::Value` it was made from, so the JSON sent to JupiterOne is unchanged. A
//! reader of many objects (a query) gets several names in one scan
//! ([`Properties::get_many`]) and can fetch the buffers of several objects at once
//! ([`Properties::touch`]).

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};

/// A property name: our own names are static, imported ones are owned.
pub type Name = Cow<'static, str>;

/// The property names heroku-j1 emits, encoded as their index (one byte).
const NAMES: &[&str] = &[
    "id",
    "name",
    "displayName",
    "createdOn",
    "updatedOn",
    "vendor",
    "trial",
    "partnerBenefits",
    "permissions",
    "ssoEnabled",
    "identityProviderName",
    "enterpriseAccountId",
    "teamType",
    "membershipLimit",
    "defaultTeam",
    "webLink",
    "releasedOn",
    "archivedOn",
    "teamId",
    "teamName",
    "owner",
    "productionURL",
    "gitUrl",
    "region",
    "stack",
    "buildStack",
    "buildpack",
    "maintenance",
    "locked",
    "joined",
    "internalRouting",
    "acm",
    "spaceName",
    "slugSize",
    "repoSize",
    "category",
    "function",
    "endpoints",
    "applicationId",
    "applicationName",
    "service",
    "plan",
    "state",
    "configVars",
    "billedPriceCents",
    "billedPriceUnit",
    "billingEntityType",
    "username",
    "email",
    "shortLoginId",
    "emailDomain",
    "firstName",
    "lastName",
    "mfaEnabled",
    "isMfaEnabled",
    "federated",
    "isAdmin",
    "enterprisePermissions",
    "enterpriseAccountIds",
    "canView",
    "canCreate",
    "canManage",
    "canBilling",
    "role",
];

/// The name byte announcing an inline name (length, then UTF-8 bytes).
const INLINE_NAME: u8 = u8::MAX;

/// The one-byte code of one of our names.
fn name_code(name: &str) -> Option<u8> {
    NAMES
        .iter()
        .position(|n| *n == name)
        .and_then(|i| u8::try_from(i).ok())
}

/// A property name resolved once for many lookups ([`Properties::get_by`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropName {
    code: Option<u8>,
    name: Box<str>,
}

impl PropName {
    #[must_use]
    pub fn new(name: &str) -> Self {
        Self {
            code: name_code(name),
            name: name.into(),
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.name
    }
}

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const I64: u8 = 3;
const U64: u8 = 4;
const F64: u8 = 5;
const STR: u8 = 6;
const ARRAY: u8 = 7;
/// An object value, kept as its JSON text (our properties never are objects; an imported
/// graph may hold them, and the validator reports them).
const JSON: u8 = 8;

/// The properties of one entity or relationship, in the order they were set (the order they
/// are sent in).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Properties {
    buf: Vec<u8>,
    len: u32,
}

impl Properties {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name`, replacing an existing value in place.
    pub fn set(&mut self, name: impl Into<Name>, value: impl Into<Value>) {
        let name = name.into();
        let value = value.into();
        if self.get_ref(&name).is_some() {
            let entries: Vec<(String, Value)> = self
                .iter()
                .map(|(n, v)| {
                    let v = if n == name {
                        value.clone()
                    } else {
                        v.to_value()
                    };
                    (n.to_owned(), v)
                })
                .collect();
            *self = entries.into_iter().collect();
        } else {
            encode_name(&name, &mut self.buf);
            encode_value(&value, &mut self.buf);
            self.len += 1;
        }
    }

    /// Sets `name` only when `value` is `Some`.
    pub fn set_opt<V: Into<Value>>(&mut self, name: &'static str, value: Option<V>) {
        if let Some(v) = value {
            self.set(name, v);
        }
    }

    /// The value of `name`, as a `serde_json::Value`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<Value> {
        self.get_ref(name).map(|v| v.to_value())
    }

    /// The value of `name`, borrowed.
    #[must_use]
    pub fn get_ref(&self, name: &str) -> Option<PropRef<'_>> {
        self.find(name_code(name), name)
    }

    /// The value of a name resolved once ([`PropName`]): what a query reading the same
    /// property of many objects uses.
    #[must_use]
    pub fn get_by(&self, name: &PropName) -> Option<PropRef<'_>> {
        self.find(name.code, &name.name)
    }

    /// Several values in one scan of the buffer: `out[i]` becomes the value of `names[i]`
    /// (`None` when absent). What a query reading a few properties of each of many objects
    /// uses: one pass over the bytes instead of one per name.
    pub fn get_many<'a>(&'a self, names: &[&PropName], out: &mut [Option<PropRef<'a>>]) {
        out.iter_mut().for_each(|v| *v = None);
        let buf = self.buf.as_slice();
        let mut left = names.len().min(out.len());
        let mut at = 0;
        for _ in 0..self.len {
            if left == 0 {
                return;
            }
            let Some((inline, code, value_at)) = name_at(buf, at) else {
                return;
            };
            for (name, slot) in names.iter().zip(out.iter_mut()) {
                let hit = match inline {
                    Some(bytes) => name.code.is_none() && bytes == name.name.as_bytes(),
                    None => name.code == Some(code),
                };
                if hit && slot.is_none() {
                    *slot = buf.get(value_at..).and_then(|rest| Reader(rest).value());
                    left -= 1;
                }
            }
            match skip_at(buf, value_at) {
                Some(next) => at = next,
                None => return,
            }
        }
    }

    /// Walks the names and skips the values it passes without decoding them (no UTF-8
    /// check, no array items built): a lookup costs a scan of bytes, not a decode of every
    /// property before the one asked for. The scan works on positions, the common one-byte
    /// lengths read directly: it runs for every object a query filters.
    fn find(&self, code: Option<u8>, name: &str) -> Option<PropRef<'_>> {
        let buf = self.buf.as_slice();
        let mut at = 0;
        for _ in 0..self.len {
            let (inline, b, value_at) = name_at(buf, at)?;
            let hit = match inline {
                // One of ours is never written inline, so only an imported name can match.
                Some(bytes) => code.is_none() && bytes == name.as_bytes(),
                None => code == Some(b),
            };
            if hit {
                return Reader(buf.get(value_at..)?).value();
            }
            at = skip_at(buf, value_at)?;
        }
        None
    }

    /// Reads one byte of each cache line of the buffer and returns them combined, to be
    /// passed to [`std::hint::black_box`]: the loads are independent, so the lines of
    /// several objects arrive in parallel instead of one miss after another during the
    /// scans that follow.
    #[must_use]
    pub fn touch(&self) -> u8 {
        self.buf.iter().step_by(64).fold(0, |a, b| a ^ b)
    }

    /// The value of `name` when it is a string.
    #[must_use]
    pub fn str(&self, name: &str) -> Option<&str> {
        self.get_ref(name).and_then(|v| v.as_str())
    }

    /// The value of `name` when it is a boolean.
    #[must_use]
    pub fn bool(&self, name: &str) -> Option<bool> {
        self.get_ref(name).and_then(|v| v.as_bool())
    }

    /// Every property, in order.
    #[must_use]
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            rest: &self.buf,
            left: self.len,
        }
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.len as usize
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Drops spare capacity (a graph holds hundreds of thousands of these).
    pub fn shrink_to_fit(&mut self) {
        self.buf.shrink_to_fit();
    }

    /// The bytes this object holds on the heap.
    #[must_use]
    pub fn heap_size(&self) -> usize {
        self.buf.capacity()
    }
}

impl<N: Into<Name>> FromIterator<(N, Value)> for Properties {
    fn from_iter<T: IntoIterator<Item = (N, Value)>>(iter: T) -> Self {
        let mut p = Self::new();
        for (n, v) in iter {
            p.set(n, v);
        }
        p
    }
}

impl fmt::Debug for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Properties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (name, value) in self.iter() {
            map.serialize_entry(name, &value)?;
        }
        map.end()
    }
}

/// The properties in order.
#[derive(Clone)]
pub struct Iter<'a> {
    rest: &'a [u8],
    left: u32,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, PropRef<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        let mut r = Reader(self.rest);
        let item = (|| {
            let name = r.name()?;
            let value = r.value()?;
            Some((name, value))
        })();
        self.rest = r.0;
        self.left = if item.is_some() { self.left - 1 } else { 0 };
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left as usize))
    }
}

/// A borrowed property value.
#[derive(Clone, Copy)]
pub enum PropRef<'a> {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Str(&'a str),
    Array(ArrayRef<'a>),
    /// An object, as JSON text.
    Json(&'a str),
}

/// A borrowed array value.
#[derive(Clone, Copy)]
pub struct ArrayRef<'a> {
    count: u32,
    bytes: &'a [u8],
}

impl<'a> ArrayRef<'a> {
    #[must_use]
    pub fn len(&self) -> usize {
        self.count as usize
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = PropRef<'a>> + use<'a> {
        let mut r = Reader(self.bytes);
        (0..self.count).map_while(move |_| r.value())
    }
}

impl<'a> PropRef<'a> {
    /// The same value as a `serde_json::Value`.
    #[must_use]
    pub fn to_value(&self) -> Value {
        match *self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(b),
            Self::I64(n) => Value::from(n),
            Self::U64(n) => Value::from(n),
            Self::F64(n) => Number::from_f64(n).map_or(Value::Null, Value::Number),
            Self::Str(s) => Value::String(s.to_owned()),
            Self::Array(a) => Value::Array(a.iter().map(|v| v.to_value()).collect()),
            Self::Json(text) => serde_json::from_str(text).unwrap_or(Value::Null),
        }
    }

    #[must_use]
    pub fn as_str(&self) -> Option<&'a str> {
        match *self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Self::Bool(b) => Some(b),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Self::I64(n) => Some(n),
            Self::U64(n) => i64::try_from(n).ok(),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_array(&self) -> Option<ArrayRef<'a>> {
        match *self {
            Self::Array(a) => Some(a),
            _ => None,
        }
    }

    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    #[must_use]
    pub fn is_string(&self) -> bool {
        matches!(self, Self::Str(_))
    }

    #[must_use]
    pub fn is_array(&self) -> bool {
        matches!(self, Self::Array(_))
    }
}

impl Serialize for PropRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Self::Null => serializer.serialize_unit(),
            Self::Bool(b) => serializer.serialize_bool(b),
            Self::I64(n) => serializer.serialize_i64(n),
            Self::U64(n) => serializer.serialize_u64(n),
            Self::F64(n) => {
                if n.is_finite() {
                    serializer.serialize_f64(n)
                } else {
                    serializer.serialize_unit()
                }
            }
            Self::Str(s) => serializer.serialize_str(s),
            Self::Array(a) => {
                let mut seq = serializer.serialize_seq(Some(a.len()))?;
                for v in a.iter() {
                    seq.serialize_element(&v)?;
                }
                seq.end()
            }
            Self::Json(_) => self.to_value().serialize(serializer),
        }
    }
}

/// The value as JSON text.
impl fmt::Display for PropRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

impl fmt::Debug for PropRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl PartialEq<Value> for PropRef<'_> {
    fn eq(&self, other: &Value) -> bool {
        self.to_value() == *other
    }
}

fn encode_len(n: usize, out: &mut Vec<u8>) {
    // LEB128.
    let mut n = n as u64;
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn encode_name(name: &str, out: &mut Vec<u8>) {
    match NAMES.iter().position(|n| *n == name) {
        Some(i) => out.push(u8::try_from(i).unwrap_or(INLINE_NAME)),
        None => {
            out.push(INLINE_NAME);
            encode_len(name.len(), out);
            out.extend_from_slice(name.as_bytes());
        }
    }
}

fn encode_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.push(U64);
                out.extend_from_slice(&u.to_le_bytes());
            } else if let Some(i) = n.as_i64() {
                out.push(I64);
                out.extend_from_slice(&i.to_le_bytes());
            } else {
                out.push(F64);
                out.extend_from_slice(&n.as_f64().unwrap_or(0.0).to_le_bytes());
            }
        }
        Value::String(s) => {
            out.push(STR);
            encode_len(s.len(), out);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(items) => {
            out.push(ARRAY);
            encode_len(items.len(), out);
            for item in items {
                encode_value(item, out);
            }
        }
        Value::Object(_) => {
            let text = value.to_string();
            out.push(JSON);
            encode_len(text.len(), out);
            out.extend_from_slice(text.as_bytes());
        }
    }
}

/// The name at `at`: its inline bytes (or `None` and its code) and where its value starts.
fn name_at(buf: &[u8], at: usize) -> Option<(Option<&[u8]>, u8, usize)> {
    let b = *buf.get(at)?;
    if b == INLINE_NAME {
        let (n, start) = len_at(buf, at + 1)?;
        let end = start.checked_add(n)?;
        Some((Some(buf.get(start..end)?), b, end))
    } else {
        Some((None, b, at + 1))
    }
}

/// A length written at `at`, and where what follows it starts.
fn len_at(buf: &[u8], at: usize) -> Option<(usize, usize)> {
    let b = *buf.get(at)?;
    if b < 0x80 {
        return Some((usize::from(b), at + 1));
    }
    let rest = buf.get(at..)?;
    let mut r = Reader(rest);
    let n = r.len()?;
    Some((n, at + rest.len() - r.0.len()))
}

/// Where the value written at `at` ends. Its bytes are not checked here: past the end of a
/// short buffer, the next read finds nothing (it cannot happen, the buffer is only ever ours).
fn skip_at(buf: &[u8], at: usize) -> Option<usize> {
    match *buf.get(at)? {
        NULL | FALSE | TRUE => Some(at + 1),
        I64 | U64 | F64 => Some(at + 9),
        STR | JSON => {
            let (n, start) = len_at(buf, at + 1)?;
            start.checked_add(n)
        }
        ARRAY => {
            let (count, mut next) = len_at(buf, at + 1)?;
            for _ in 0..count {
                next = skip_at(buf, next)?;
            }
            Some(next)
        }
        _ => None,
    }
}

/// Reads what the encoder wrote. Every read checks its bounds: a short buffer ends the
/// iteration instead of panicking (it cannot happen, the buffer is only ever ours).
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn len(&mut self) -> Option<usize> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return usize::try_from(n).ok();
            }
        }
        None
    }

    fn text(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    fn eight(&mut self) -> Option<[u8; 8]> {
        self.take(8)?.try_into().ok()
    }

    fn name(&mut self) -> Option<&'a str> {
        match self.byte()? {
            INLINE_NAME => self.text(),
            i => NAMES.get(usize::from(i)).copied(),
        }
    }

    fn value(&mut self) -> Option<PropRef<'a>> {
        Some(match self.byte()? {
            NULL => PropRef::Null,
            FALSE => PropRef::Bool(false),
            TRUE => PropRef::Bool(true),
            I64 => PropRef::I64(i64::from_le_bytes(self.eight()?)),
            U64 => PropRef::U64(u64::from_le_bytes(self.eight()?)),
            F64 => PropRef::F64(f64::from_le_bytes(self.eight()?)),
            STR => PropRef::Str(self.text()?),
            ARRAY => {
                let count = u32::try_from(self.len()?).ok()?;
                let start = self.0;
                for _ in 0..count {
                    self.value()?;
                }
                let used = start.len() - self.0.len();
                PropRef::Array(ArrayRef {
                    count,
                    bytes: &start[..used],
                })
            }
            JSON => PropRef::Json(self.text()?),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Properties {
        let mut p = Properties::new();
        p.set("name", "a \"quoted\" name é");
        p.set("createdOn", 1_700_000_000_123_i64);
        p.set("negative", -5);
        p.set("big", u64::MAX);
        p.set("ratio", 25.0);
        p.set("category", vec!["platform"]);
        p.set("mixed", json!([1, "two", null, [true]]));
        p.set("nested", json!({"b": 1, "a": [3, {"z": null}]}));
        p.set("firstName", Value::Null);
        p.set("isAdmin", false);
        p.set("a name that is not ours", true);
        p
    }

    #[test]
    fn values_read_back_exactly_in_order() {
        let p = sample();
        assert_eq!(p.len(), 11);
        let back: Vec<(String, Value)> = p
            .iter()
            .map(|(n, v)| (n.to_owned(), v.to_value()))
            .collect();
        let expected = vec![
            ("name", json!("a \"quoted\" name é")),
            ("createdOn", json!(1_700_000_000_123_i64)),
            ("negative", json!(-5)),
            ("big", json!(u64::MAX)),
            ("ratio", json!(25.0)),
            ("category", json!(["platform"])),
            ("mixed", json!([1, "two", null, [true]])),
            ("nested", json!({"b": 1, "a": [3, {"z": null}]})),
            ("firstName", Value::Null),
            ("isAdmin", json!(false)),
            ("a name that is not ours", json!(true)),
        ];
        let expected: Vec<(String, Value)> = expected
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v))
            .collect();
        assert_eq!(back, expected);
        assert_eq!(p.str("name"), Some("a \"quoted\" name é"));
        assert_eq!(p.bool("isAdmin"), Some(false));
        assert_eq!(p.bool("name"), None);
        assert_eq!(p.get("createdOn"), Some(json!(1_700_000_000_123_i64)));
        assert_eq!(p.get("missing"), None);
    }

    #[test]
    fn serializes_like_the_values_it_was_made_from() {
        let p = sample();
        let as_values: serde_json::Map<String, Value> = p
            .iter()
            .map(|(n, v)| (n.to_owned(), v.to_value()))
            .collect();
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            serde_json::to_string(&as_values).unwrap()
        );
        let ratio = p.get_ref("ratio").unwrap();
        assert_eq!(ratio.to_string(), "25.0");
    }

    #[test]
    fn set_replaces_in_place() {
        let mut p = sample();
        p.set("createdOn", "now");
        p.set("a name that is not ours", 7);
        assert_eq!(p.len(), 11);
        assert_eq!(
            p.iter().nth(1).map(|(n, v)| (n, v.to_value())),
            Some(("createdOn", json!("now")))
        );
        assert_eq!(p.get("a name that is not ours"), Some(json!(7)));
        assert_eq!(p.str("name"), Some("a \"quoted\" name é"));
    }

    #[test]
    fn equal_values_compare_equal() {
        assert_eq!(sample(), sample());
        let mut other = sample();
        other.set("isAdmin", true);
        assert_ne!(sample(), other);
    }

    #[test]
    fn lookups_find_what_iteration_finds() {
        let p = sample();
        let mut names: Vec<&str> = p.iter().map(|(n, _)| n).collect();
        names.extend(["missing", "id", "email", "a name"]);
        for name in names {
            let by_iter = p
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_value());
            assert_eq!(p.get_ref(name).map(|v| v.to_value()), by_iter, "{name}");
            assert_eq!(
                p.get_by(&PropName::new(name)).map(|v| v.to_value()),
                by_iter,
                "{name}"
            );
        }
    }

    #[test]
    fn one_scan_finds_what_lookups_find() {
        let p = sample();
        let mut names: Vec<&str> = p.iter().map(|(n, _)| n).collect();
        names.extend(["missing", "id", "a name"]);
        names.reverse();
        let resolved: Vec<PropName> = names.iter().map(|n| PropName::new(n)).collect();
        let refs: Vec<&PropName> = resolved.iter().collect();
        let mut out = vec![Some(PropRef::Null); refs.len()];
        p.get_many(&refs, &mut out);
        for (name, got) in names.iter().zip(&out) {
            assert_eq!(
                got.map(|v| v.to_value()),
                p.get_ref(name).map(|v| v.to_value()),
                "{name}"
            );
        }
        // A name asked twice gets its value twice; an empty object gives nothing.
        let name = PropName::new("name");
        let twice = [&name, &name];
        let mut out = [None, None];
        p.get_many(&twice, &mut out);
        assert_eq!(out[0].map(|v| v.to_value()), out[1].map(|v| v.to_value()));
        assert_eq!(out[0].and_then(|v| v.as_str()), p.str("name"));
        let empty = Properties::new();
        let mut out = [Some(PropRef::Null)];
        empty.get_many(&twice[..1], &mut out);
        assert!(out[0].is_none());
    }

    #[test]
    fn every_name_fits_one_byte() {
        assert!(NAMES.len() < usize::from(INLINE_NAME));
    }
}
