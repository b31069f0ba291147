//! What a pasted key looks like: a hint for the login form and `login`, never a reason to
//! refuse a key (the API decides).

use super::Secret;
use super::store::Which;

/// The shapes of Heroku API keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HerokuShape {
    /// `HRKU-` and 36 or more URL-safe characters (the current OAuth tokens).
    Prefixed,
    /// A UUID (older OAuth tokens and API keys).
    Uuid,
    /// 40 hexadecimal digits (legacy API keys).
    Hex40,
    /// None of these.
    Unknown,
}

fn is_url_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The shape of a Heroku key.
#[must_use]
pub fn heroku_shape(key: &Secret) -> HerokuShape {
    let k = key.expose();
    if let Some(rest) = k.strip_prefix("HRKU-") {
        if rest.chars().count() >= 36 && rest.chars().all(is_url_safe) {
            return HerokuShape::Prefixed;
        }
        return HerokuShape::Unknown;
    }
    if is_uuid(k) {
        return HerokuShape::Uuid;
    }
    if k.len() == 40 && k.chars().all(|c| c.is_ascii_hexdigit()) {
        return HerokuShape::Hex40;
    }
    HerokuShape::Unknown
}

/// A hint when `key` does not look like a key of `which`; `None` when it does. The hint
/// never quotes the key.
#[must_use]
pub fn hint(which: Which, key: &Secret) -> Option<String> {
    let k = key.expose();
    if k.is_empty() {
        return Some("the key is empty".into());
    }
    if k.chars().any(char::is_whitespace) {
        return Some(
            "the key contains spaces or line breaks: was more than the key pasted?".into(),
        );
    }
    match which {
        Which::Heroku => match heroku_shape(key) {
            HerokuShape::Unknown => Some(
                "this does not look like a Heroku API key (HRKU-… , a UUID, or 40 hex digits); \
                 it will be checked with Heroku anyway"
                    .into(),
            ),
            _ => None,
        },
        Which::JupiterOne => {
            if k.chars().count() < 20 {
                Some(
                    "this looks short for a JupiterOne API key; it will be checked with \
                     JupiterOne anyway"
                        .into(),
                )
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(s: &str) -> HerokuShape {
        heroku_shape(&Secret::new(s))
    }

    #[test]
    fn heroku_shapes() {
        assert_eq!(
            shape("HRKU-AAabcdefghijklmnopqrstuvwxyz0123456789_-ABCDEFGHIJKLMNOPQRSTUV"),
            HerokuShape::Prefixed
        );
        assert_eq!(
            shape("HRKU-57dce771-afad-4c41-a8a5-d10b7fbc743c"),
            HerokuShape::Prefixed
        );
        assert_eq!(shape("HRKU-short"), HerokuShape::Unknown);
        assert_eq!(
            shape("HRKU-57dce771-afad-4c41-a8a5-d10b7fbc743c!"),
            HerokuShape::Unknown
        );
        assert_eq!(
            shape("01234567-89ab-cdef-0123-456789ABCDEF"),
            HerokuShape::Uuid
        );
        assert_eq!(
            shape("0123456789abcdef0123456789abcdef01234567"),
            HerokuShape::Hex40
        );
        assert_eq!(shape("password123"), HerokuShape::Unknown);
    }

    #[test]
    fn hints_never_block_and_never_quote() {
        let k = Secret::new("01234567-89ab-cdef-0123-456789abcdef");
        assert_eq!(hint(Which::Heroku, &k), None);
        let odd = Secret::new("not-a-heroku-key");
        let h = hint(Which::Heroku, &odd).unwrap();
        assert!(h.contains("checked with Heroku anyway") && !h.contains("not-a-heroku"));
        let spaced = Secret::new("abc def");
        assert!(hint(Which::JupiterOne, &spaced).unwrap().contains("spaces"));
        assert!(hint(Which::JupiterOne, &Secret::new("short")).is_some());
        assert_eq!(
            hint(
                Which::JupiterOne,
                &Secret::new("a-long-enough-jupiterone-key-0123")
            ),
            None
        );
        assert!(hint(Which::Heroku, &Secret::new("")).is_some());
    }
}
