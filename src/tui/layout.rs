//! The screen's geometry and how text fits it, shared by the views and by `update`
//! (scrolling, mouse clicks): the fixed rows, the tree pane's width, the overlays' boxes,
//! the smallest usable terminal, and cutting (`…`) or wrapping text to a width.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Rows above the body: the header.
pub const BODY_TOP: u16 = 2;
/// Rows below the body: the status line and the footer.
pub const BOTTOM: u16 = 2;
/// The smallest terminal the explorer draws in; below it, a notice says so.
pub const MIN_WIDTH: u16 = 50;
pub const MIN_HEIGHT: u16 = 12;

/// How far each scrolling view can scroll (its last useful first row), measured by the
/// views as they draw and handed to `update`, which keeps the offsets within them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extents {
    pub help: usize,
    pub preview: usize,
    pub details: usize,
}

/// Whether the terminal is too small to draw the explorer.
#[must_use]
pub const fn too_small(width: u16, height: u16) -> bool {
    width < MIN_WIDTH || height < MIN_HEIGHT
}

/// Rows of tree content (inside the pane's border).
#[must_use]
pub fn body_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(BODY_TOP + BOTTOM + 2))
}

/// Columns of the tree pane, border included.
#[must_use]
pub fn tree_width(width: u16) -> u16 {
    if width < 100 {
        width * 9 / 20
    } else {
        (width * 2 / 5).max(45)
    }
}

/// A rectangle of `percent_x` × `percent_y` of `area`, centred.
#[must_use]
pub fn centered(area: Rect, percent_x: u16, percent_y: u16) -> Rect {
    let w = area.width * percent_x / 100;
    let h = area.height * percent_y / 100;
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// The help screen's box on a `width` × `height` screen.
#[must_use]
pub fn help_area(width: u16, height: u16) -> Rect {
    centered(Rect::new(0, 0, width, height), 90, 90)
}

/// The box of the preview (and the other full overlays) on a `width` × `height` screen.
#[must_use]
pub fn overlay_area(width: u16, height: u16) -> Rect {
    centered(Rect::new(0, 0, width, height), 94, 84)
}

/// The details pane's content width (inside its border) on a screen `width` wide.
#[must_use]
pub fn details_inner_width(width: u16) -> usize {
    usize::from(width.saturating_sub(tree_width(width)).saturating_sub(2))
}

/// `text` cut to `room` columns, ending in `…` when cut.
#[must_use]
pub fn fit(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_owned();
    }
    if room == 0 {
        return String::new();
    }
    let mut cut: String = text.chars().take(room - 1).collect();
    cut.push('…');
    cut
}

/// `spans` cut to `width` columns: the span that crosses the edge ends in `…`.
#[must_use]
pub fn fit_spans(spans: Vec<Span<'static>>, width: usize) -> Line<'static> {
    let mut used = 0;
    let mut out = Vec::new();
    for span in spans {
        let w = span.content.chars().count();
        if used + w <= width {
            used += w;
            out.push(span);
        } else {
            let room = width - used;
            if room > 0 {
                out.push(Span::styled(fit(&span.content, room), span.style));
            }
            break;
        }
    }
    Line::from(out)
}

/// `text` broken into lines of at most `width` columns, at spaces where it can (a word
/// longer than a line is split). Every character counts as one column, which holds for the
/// explorer's own text; wider characters in names are clipped by ratatui. Hand-written
/// because the views need the line count before drawing (to stop scrolling at the end) and
/// hanging indents, which ratatui's `Wrap` gives neither of.
#[must_use]
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        // Leading spaces (an indent) are kept on the first line.
        let body = paragraph.trim_start_matches(' ');
        let mut len = (paragraph.len() - body.len()).min(width - 1);
        let mut line = " ".repeat(len);
        let mut words = false;
        for word in body.split(' ') {
            let mut word: Vec<char> = word.chars().collect();
            let gap = usize::from(words);
            if words && len + gap + word.len() > width {
                lines.push(std::mem::take(&mut line));
                len = 0;
            } else if words {
                line.push(' ');
                len += 1;
            }
            while word.len() > width - len {
                let rest = word.split_off(width - len);
                line.extend(word);
                lines.push(std::mem::take(&mut line));
                len = 0;
                word = rest;
            }
            len += word.len();
            line.extend(word);
            words = true;
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_splits_long_words() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\nb", 10), ["a", "b"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("  ab cd", 5), ["  ab", "cd"]);
        for line in wrap("the quick brown fox jumps over the lazy dog", 9) {
            assert!(line.chars().count() <= 9, "{line:?}");
        }
    }

    #[test]
    fn fit_ends_in_an_ellipsis_when_cut() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit("abc", 0), "");
    }
}
