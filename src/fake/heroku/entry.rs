//! A served object and a served list: each object kept as its pre-serialized JSON
//! ([`Entry`]) with its sort keys, and each list sorted once per accepted `Range` field
//! ([`PagedList`]), so that a page is the concatenation of the stored strings.

use std::sync::Arc;

use serde_json::Value;

use super::sort::SortField;

/// A sort key of an [`Entry`]: a span of its JSON text (no copy), or owned when the value
/// does not appear in the text.
#[derive(Debug)]
enum Key {
    Span(u32, u32),
    Owned(Box<str>),
}

/// One object as served: its JSON text and its sort keys.
///
/// The text is `head` followed by `body`: apps share one `head` between their app and
/// team-app shapes, which differ only in a few trailing fields.
#[derive(Debug)]
pub struct Entry {
    head: Option<Arc<str>>,
    body: Box<str>,
    id: Key,
    /// `name`, or the e-mail for members.
    name: Key,
    updated_at: Key,
}

impl Entry {
    pub(super) fn build(
        head: Option<Arc<str>>,
        body: Box<str>,
        id: &str,
        name: &str,
        updated_at: &str,
    ) -> Arc<Self> {
        let mut entry = Self {
            head,
            body,
            id: Key::Span(0, 0),
            name: Key::Span(0, 0),
            updated_at: Key::Span(0, 0),
        };
        entry.id = entry.locate(id);
        entry.name = entry.locate(name);
        entry.updated_at = entry.locate(updated_at);
        Arc::new(entry)
    }

    /// Where `value` appears as a JSON string in the text.
    fn locate(&self, value: &str) -> Key {
        if value.is_empty() {
            return Key::Span(0, 0);
        }
        let quoted = format!("\"{value}\"");
        let head = self.head.as_deref().unwrap_or_default();
        let found = head
            .find(&quoted)
            .or_else(|| self.body.find(&quoted).map(|i| i + head.len()));
        match (found, u32::try_from(value.len())) {
            (Some(at), Ok(len)) => match u32::try_from(at + 1) {
                Ok(at) => Key::Span(at, len),
                Err(_) => Key::Owned(value.into()),
            },
            _ => Key::Owned(value.into()),
        }
    }

    fn resolve<'a>(&'a self, key: &'a Key) -> &'a str {
        match key {
            Key::Owned(s) => s,
            Key::Span(at, len) => {
                let (at, len) = (*at as usize, *len as usize);
                let head = self.head.as_deref().unwrap_or_default();
                if at < head.len() {
                    head.get(at..at + len).unwrap_or_default()
                } else {
                    self.body
                        .get(at - head.len()..at - head.len() + len)
                        .unwrap_or_default()
                }
            }
        }
    }

    pub(super) fn new(value: &Value, name: &str) -> Arc<Self> {
        let s = |k: &str| value.get(k).and_then(Value::as_str).unwrap_or_default();
        Self::build(
            None,
            value.to_string().into_boxed_str(),
            s("id"),
            name,
            s("updated_at"),
        )
    }

    /// Builds the entry of an object whose sort name is its own `name` field.
    pub(super) fn named(value: &Value) -> Arc<Self> {
        let name = value
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Self::new(value, &name)
    }

    /// The object's `id`.
    #[must_use]
    pub fn id(&self) -> &str {
        self.resolve(&self.id)
    }

    /// The object's JSON exactly as served.
    #[must_use]
    pub fn json(&self) -> std::borrow::Cow<'_, str> {
        match &self.head {
            None => std::borrow::Cow::Borrowed(&self.body),
            Some(head) => std::borrow::Cow::Owned(format!("{head}{}", self.body)),
        }
    }

    /// Appends the object's JSON to `out`.
    pub fn write_json(&self, out: &mut String) {
        if let Some(head) = &self.head {
            out.push_str(head);
        }
        out.push_str(&self.body);
    }

    /// The length of the object's JSON.
    #[must_use]
    pub fn json_len(&self) -> usize {
        self.head.as_deref().map_or(0, str::len) + self.body.len()
    }

    /// The value of a sort field.
    #[must_use]
    pub fn key(&self, field: SortField) -> &str {
        match field {
            SortField::Id => self.resolve(&self.id),
            SortField::Name | SortField::Email => self.resolve(&self.name),
            SortField::UpdatedAt => self.resolve(&self.updated_at),
        }
    }

    /// The object parsed.
    #[must_use]
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.json()).unwrap_or(Value::Null)
    }
}

/// A list as an endpoint serves it: sorted once per accepted `Range` field.
#[derive(Debug, Clone, Default)]
pub struct PagedList {
    fields: &'static [SortField],
    sorted: Vec<Vec<Arc<Entry>>>,
}

impl PagedList {
    pub(super) fn new(fields: &'static [SortField], items: Vec<Arc<Entry>>) -> Self {
        let mut sorted = Vec::with_capacity(fields.len());
        let mut items = Some(items);
        for (i, &field) in fields.iter().enumerate() {
            let mut list = if i + 1 == fields.len() {
                items.take().unwrap_or_default()
            } else {
                items.clone().unwrap_or_default()
            };
            list.sort_by(|a, b| {
                a.key(field)
                    .cmp(b.key(field))
                    .then_with(|| a.id().cmp(b.id()))
            });
            sorted.push(list);
        }
        Self { fields, sorted }
    }

    /// An empty list sorted by `fields`.
    pub(crate) fn empty(fields: &'static [SortField]) -> Self {
        Self::new(fields, Vec::new())
    }

    /// The fields of `Accept-Ranges`; the first is the default order.
    #[must_use]
    pub fn fields(&self) -> &'static [SortField] {
        self.fields
    }

    /// The list in ascending order of `field` (empty for a field it does not sort by).
    #[must_use]
    pub fn sorted(&self, field: SortField) -> &[Arc<Entry>] {
        self.fields
            .iter()
            .position(|&f| f == field)
            .and_then(|i| self.sorted.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// The list in its default order.
    #[must_use]
    pub fn entries(&self) -> &[Arc<Entry>] {
        self.sorted.first().map_or(&[], Vec::as_slice)
    }

    /// How many objects it holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether it is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries().is_empty()
    }

    pub(super) fn values(&self) -> Vec<Value> {
        self.entries().iter().map(|e| e.value()).collect()
    }
}
