//! A Heroku id held in 16 bytes when it is a UUID written as Heroku writes them (lowercase,
//! with hyphens), and as text otherwise, so that it always reads back exactly as given. The
//! streaming builder holds about a hundred thousand add-on attachments as two ids each until
//! the crawl ends: as text, the ids took 10 MB of the `huge` collect's peak.

use std::borrow::Cow;

use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Id {
    Uuid(uuid::Bytes),
    Text(Box<str>),
}

impl Id {
    pub(super) fn new(id: &str) -> Self {
        match Uuid::try_parse(id) {
            Ok(u) if u.hyphenated().encode_lower(&mut Uuid::encode_buffer()) == id => {
                Self::Uuid(*u.as_bytes())
            }
            _ => Self::Text(id.into()),
        }
    }

    /// The id exactly as it was given.
    pub(super) fn text(&self) -> Cow<'_, str> {
        match self {
            Self::Uuid(bytes) => Cow::Owned(Uuid::from_bytes(*bytes).hyphenated().to_string()),
            Self::Text(text) => Cow::Borrowed(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Id;

    #[test]
    fn an_id_reads_back_exactly_as_given() {
        for id in [
            "01234567-89ab-cdef-0123-456789abcdef",
            "01234567-89AB-CDEF-0123-456789ABCDEF",
            "0123456789abcdef0123456789abcdef",
            "{01234567-89ab-cdef-0123-456789abcdef}",
            "urn:uuid:01234567-89ab-cdef-0123-456789abcdef",
            "app-1",
            "",
        ] {
            assert_eq!(Id::new(id).text(), id);
        }
        assert!(matches!(
            Id::new("01234567-89ab-cdef-0123-456789abcdef"),
            Id::Uuid(_)
        ));
        assert!(matches!(
            Id::new("01234567-89AB-CDEF-0123-456789ABCDEF"),
            Id::Text(_)
        ));
    }
}
