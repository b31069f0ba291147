//! A secret string: redacted in `Debug` and `Display`, zeroed when dropped.

use std::fmt;

use zeroize::Zeroizing;

/// An API key. It never prints itself: `Debug` and `Display` show `[redacted]`, and
/// [`Secret::masked`] shows at most the `HRKU-` prefix and the last four characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps `value`, trimming surrounding white space (a pasted key often has a newline).
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        let mut s: String = value.into();
        let trimmed = s.trim();
        if trimmed.len() != s.len() {
            let t = trimmed.to_owned();
            zeroize::Zeroize::zeroize(&mut s);
            s = t;
        }
        Self(Zeroizing::new(s))
    }

    /// The secret itself, for the one place that must send it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `HRKU-…abcd`, `…abcd`, or `…` for a key of eight characters or fewer.
    #[must_use]
    pub fn masked(&self) -> String {
        let s = self.0.as_str();
        let chars: Vec<char> = s.chars().collect();
        let prefix = if s.starts_with("HRKU-") { "HRKU-" } else { "" };
        if chars.len() <= 8 {
            return format!("{prefix}…");
        }
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{prefix}…{tail}")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn never_prints_itself() {
        let s = Secret::new(
            " HRKU-AAabcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvw9xyz\n",
        );
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        assert_eq!(s.masked(), "HRKU-…9xyz");
        assert!(s.expose().starts_with("HRKU-AA"), "trimmed");
        assert_eq!(
            Secret::new("01234567-89ab-cdef-0123-456789abcdef").masked(),
            "…cdef"
        );
        assert_eq!(Secret::new("short").masked(), "…");
    }
}
