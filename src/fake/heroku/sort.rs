//! The fields a served list is sorted and ranged by, and which fields each list accepts
//! (its `Accept-Ranges`).

/// A field a list can be sorted and ranged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortField {
    Id,
    Name,
    UpdatedAt,
    Email,
}

impl SortField {
    /// The field as it appears in `Range` and `Accept-Ranges`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Name => "name",
            Self::UpdatedAt => "updated_at",
            Self::Email => "email",
        }
    }

    pub(super) fn parse(s: &str) -> Option<Self> {
        match s {
            "id" => Some(Self::Id),
            "name" => Some(Self::Name),
            "updated_at" => Some(Self::UpdatedAt),
            "email" => Some(Self::Email),
            _ => None,
        }
    }
}

/// `Accept-Ranges` of the app lists.
pub const APP_FIELDS: &[SortField] = &[SortField::Id, SortField::Name, SortField::UpdatedAt];
/// `Accept-Ranges` of the add-on lists.
pub const ADDON_FIELDS: &[SortField] = &[SortField::Id, SortField::Name];
/// `Accept-Ranges` of `/teams/{id}/members`: `email, id`, as Heroku answers (clients such as
/// heroku-client page every list by `id`); the default order stays `email`.
pub const MEMBER_FIELDS: &[SortField] = &[SortField::Email, SortField::Id];
/// `Accept-Ranges` of every other list.
pub const ID_FIELDS: &[SortField] = &[SortField::Id];

/// The `Accept-Ranges` header value for a set of fields.
#[must_use]
pub fn accept_ranges(fields: &[SortField]) -> String {
    fields
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
