//! Server-provided text made safe for a terminal or a log: [`clean`] is the one function
//! every printer, log line and error message uses on names, e-mails and messages that Heroku
//! or JupiterOne sent. [`human_bytes`] is the one format of a byte count.

use std::borrow::Cow;

/// What a removed character becomes: U+FFFD, visible, one per removed character.
pub const REPLACEMENT: char = '\u{fffd}';

/// `s` with every control character (C0 including tab and newline, DEL, C1) replaced by
/// [`REPLACEMENT`]. An escape sequence loses its `ESC` (or `CSI`), so what is left (`[2J`,
/// `]0;title`) is inert printable text; printable Unicode is kept as it is. Borrowed when
/// there is nothing to replace.
#[must_use]
pub fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().any(char::is_control) {
        Cow::Owned(
            s.chars()
                .map(|c| if c.is_control() { REPLACEMENT } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// [`clean`] into an owned string (for error fields built from server text).
#[must_use]
pub fn cleaned(s: &str) -> String {
    clean(s).into_owned()
}

/// A byte count in the one human format of the whole program (SI units, e.g. `4.2 MB`).
#[must_use]
pub fn human_bytes(bytes: u64) -> String {
    bytesize::ByteSize(bytes).display().si().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_lose_their_control_bytes() {
        let hostile = "team\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{7f}\nx";
        let out = clean(hostile);
        assert!(!out.chars().any(char::is_control), "{out:?}");
        assert_eq!(
            out,
            "team\u{fffd}]0;pwned\u{fffd}\u{fffd}[2J\u{fffd}31m\u{fffd}\u{fffd}x"
        );
    }

    #[test]
    fn printable_unicode_is_kept_and_borrowed() {
        let s = "équipe 日本 — ok";
        assert!(matches!(clean(s), Cow::Borrowed(x) if x == s));
    }
}
