//! Popups: errors, notices such as the sync result, the keys view and confirmations. The
//! box grows with its text (wrapped, never cut) up to the screen; server text is cleaned.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::text::clean;
use crate::tui::layout::{fit, wrap};

/// Draws a popup centred in `screen`: 70 % of its width, as tall as its text (the
/// way out is in the bottom border, always visible).
pub fn draw(frame: &mut Frame<'_>, screen: Rect, title: &str, message: &str, is_error: bool) {
    draw_with_hint(
        frame,
        screen,
        title,
        message,
        is_error,
        " Esc or Enter: close · q: quit ",
    );
}

/// [`draw`] with another way out in the bottom border.
pub fn draw_with_hint(
    frame: &mut Frame<'_>,
    screen: Rect,
    title: &str,
    message: &str,
    is_error: bool,
    hint: &str,
) {
    let width = (screen.width * 7 / 10).max(screen.width.min(40));
    let inner_width = usize::from(width.saturating_sub(2));
    let lines: Vec<Line<'_>> = message
        .lines()
        .flat_map(|l| wrap(&clean(l), inner_width))
        .map(Line::from)
        .collect();
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(screen.height);
    let area = Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(fit(&format!(" {} ", clean(title)), inner_width))
        // The way out stays on screen however long the text.
        .title_bottom(Line::styled(
            fit(hint, inner_width),
            Style::default().fg(Color::DarkGray),
        ))
        .border_style(Style::default().fg(if is_error { Color::Red } else { Color::Green }));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
