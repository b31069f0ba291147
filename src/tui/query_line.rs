//! The query line (`:`): one line of J1QL (ratatui-textarea), paste, and the history that
//! ↑/↓ walk through, kept across runs in the data folder (`query-history`, the last
//! [`HISTORY_MAX`] queries, written atomically, readable only by the user).

use std::io::Write as _;
use std::path::Path;

use crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

/// How many queries the history keeps.
pub const HISTORY_MAX: usize = 100;
/// The history's file name in the data folder.
pub const HISTORY_FILE: &str = "query-history";

/// The query line's text and history.
#[derive(Debug, Clone, Default)]
pub struct QueryLine {
    text: TextArea<'static>,
    /// Oldest first.
    history: Vec<String>,
    /// Where ↑/↓ are in the history (`None`: the line being typed).
    position: Option<usize>,
    /// What was typed before ↑ was first pressed.
    draft: String,
}

fn area(text: &str) -> TextArea<'static> {
    let mut t = TextArea::new(vec![text.to_owned()]);
    t.set_placeholder_text("FIND User WITH mfaEnabled != true");
    t.move_cursor(ratatui_textarea::CursorMove::End);
    t
}

impl QueryLine {
    #[must_use]
    pub fn new(history: Vec<String>) -> Self {
        Self {
            text: area(""),
            history,
            position: None,
            draft: String::new(),
        }
    }

    /// The query as typed.
    #[must_use]
    pub fn text(&self) -> String {
        self.text.lines().join(" ")
    }

    #[must_use]
    pub fn textarea(&self) -> &TextArea<'static> {
        &self.text
    }

    #[must_use]
    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// Replaces the text (history recall, a saved question).
    pub fn set_text(&mut self, text: &str) {
        self.text = area(text);
    }

    /// A key typed into the line (Enter and ↑/↓ are the keymap's).
    pub fn input(&mut self, key: KeyEvent) {
        if key.code == crossterm::event::KeyCode::Enter {
            return;
        }
        self.text.input_without_shortcuts(key);
    }

    /// Pasted text: its lines joined by spaces (the query line has one line).
    pub fn paste(&mut self, text: &str) {
        let line: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let line: String = line
            .join(" ")
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        self.text.insert_str(line);
    }

    /// ↑: the previous query in the history.
    pub fn older(&mut self) {
        let at = match self.position {
            None if self.history.is_empty() => return,
            None => {
                self.draft = self.text();
                self.history.len() - 1
            }
            Some(p) => p.saturating_sub(1),
        };
        self.position = Some(at);
        let text = self.history[at].clone();
        self.set_text(&text);
    }

    /// ↓: the next query, then what was being typed.
    pub fn newer(&mut self) {
        let Some(p) = self.position else { return };
        if p + 1 < self.history.len() {
            self.position = Some(p + 1);
            let text = self.history[p + 1].clone();
            self.set_text(&text);
        } else {
            self.position = None;
            let draft = std::mem::take(&mut self.draft);
            self.set_text(&draft);
        }
    }

    /// Adds a query that ran to the history (moving a repeat to the end).
    pub fn remember(&mut self, query: &str) {
        let query = query.trim();
        if query.is_empty() {
            return;
        }
        self.history.retain(|h| h != query);
        self.history.push(query.to_owned());
        let extra = self.history.len().saturating_sub(HISTORY_MAX);
        self.history.drain(..extra);
        self.position = None;
    }
}

/// The part of a query to show in `width` columns so that the byte `position` (a parse
/// error's) is on screen, and the column of that position in it: what the caret under the
/// line points at. The whole query when it fits; otherwise a window around the position,
/// `…` marking each cut end. Columns are display widths (a wide character takes two),
/// control characters show as spaces.
#[must_use]
pub fn caret_window(text: &str, position: usize, width: usize) -> (String, usize) {
    let chars: Vec<(usize, char, usize)> = text
        .char_indices()
        .map(|(at, c)| {
            let c = if c.is_control() { ' ' } else { c };
            (at, c, ratatui::text::Span::raw(c.to_string()).width())
        })
        .collect();
    // The index of the character at the position (the end when past it).
    let at = chars
        .iter()
        .position(|(b, _, _)| *b >= position)
        .unwrap_or(chars.len());
    let cols = |range: std::ops::Range<usize>| -> usize { chars[range].iter().map(|c| c.2).sum() };
    let total = cols(0..chars.len());
    let width = width.max(8);
    // The caret may sit one past the end, so the whole query fits when one column is spare.
    if total < width {
        let line = chars.iter().map(|c| c.1).collect();
        return (line, cols(0..at));
    }
    // Up to half the width of context before the position, `…` in the first column.
    let mut first = at;
    while first > 0 && cols(first - 1..at) < width / 2 {
        first -= 1;
    }
    let lead = usize::from(first > 0);
    let caret = lead + cols(first..at);
    let mut line = String::new();
    if first > 0 {
        line.push('…');
    }
    let mut used = lead;
    let mut last = first;
    while last < chars.len() && used + chars[last].2 < width {
        used += chars[last].2;
        line.push(chars[last].1);
        last += 1;
    }
    if last < chars.len() {
        line.push('…');
    }
    (line, caret)
}

/// Reads the history from `dir` (empty when there is none or it cannot be read).
#[must_use]
pub fn load_history(dir: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(dir.join(HISTORY_FILE)) else {
        return Vec::new();
    };
    let lines: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    let skip = lines.len().saturating_sub(HISTORY_MAX);
    lines.into_iter().skip(skip).collect()
}

/// Writes the history to `dir`: a new file (mode 0600) renamed over the old one, so a crash
/// never leaves half a history.
///
/// # Errors
/// When the folder cannot be created or written.
pub fn save_history(dir: &Path, history: &[String]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{HISTORY_FILE}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        let skip = history.len().saturating_sub(HISTORY_MAX);
        for line in &history[skip..] {
            writeln!(file, "{line}")?;
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, dir.join(HISTORY_FILE))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::caret_window;

    /// The character the caret points at in the window.
    fn under_caret(line: &str, caret: usize) -> Option<char> {
        let mut col = 0;
        for c in line.chars() {
            if col == caret {
                return Some(c);
            }
            col += ratatui::text::Span::raw(c.to_string()).width();
        }
        None
    }

    #[test]
    fn a_query_that_fits_is_shown_whole_with_the_caret_at_its_column() {
        let q = "FIND User WITH mfaEnabled == true";
        let at = q.find("== ").unwrap() + 1;
        let (line, caret) = caret_window(q, at, 80);
        assert_eq!(line, q);
        assert_eq!(caret, at);
        assert_eq!(under_caret(&line, caret), Some('='));
        // At the very end (a missing value).
        let (line, caret) = caret_window("FIND User WITH", 14, 80);
        assert_eq!((line.as_str(), caret), ("FIND User WITH", 14));
    }

    #[test]
    fn a_long_query_is_windowed_around_the_error_and_the_caret_stays_on_it() {
        let q = format!(
            "FIND User WITH {} AND email ~= 'x' AND mfaEnabled == true AND {}",
            "isAdmin = true AND ".repeat(10),
            "federated = false AND ".repeat(10)
        );
        let at = q.find("== true").unwrap() + 1;
        for width in [20, 40, 61, 100] {
            let (line, caret) = caret_window(&q, at, width);
            assert!(
                line.chars().count() <= width,
                "{width}: {line:?} is wider than the line"
            );
            assert!(caret < width, "{width}: caret {caret}");
            assert_eq!(under_caret(&line, caret), Some('='), "{width}: {line:?}");
            assert!(line.starts_with('…') && line.ends_with('…'), "{line:?}");
            assert!(line.contains("Enabled =="), "context before: {line:?}");
        }
        // An error at the end shows the end of the query.
        let (line, caret) = caret_window(&q, q.len(), 40);
        assert!(line.starts_with('…') && line.ends_with("AND "), "{line:?}");
        assert_eq!(caret, line.chars().count());
    }

    #[test]
    fn wide_characters_take_two_columns() {
        let q = "FIND User WITH name = '日本語' AND == 1";
        let at = q.find("==").unwrap();
        let (line, caret) = caret_window(q, at, 80);
        assert_eq!(line, q);
        assert_eq!(caret, q[..at].chars().count() + 3, "three wide characters");
        assert_eq!(under_caret(&line, caret), Some('='));
        let long = format!("{}{q}", "日本語 ".repeat(30));
        let at = long.find("==").unwrap();
        let (line, caret) = caret_window(&long, at, 30);
        assert_eq!(under_caret(&line, caret), Some('='), "{line:?}");
        assert!(caret < 30);
    }
}
