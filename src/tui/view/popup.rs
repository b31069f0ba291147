//! Popups: errors, and notices such as the sync result.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn draw(frame: &mut Frame<'_>, area: Rect, title: &str, message: &str, is_error: bool) {
    frame.render_widget(Clear, area);
    let mut lines: Vec<Line<'_>> = message.lines().map(Line::from).collect();
    lines.push(Line::default());
    lines.push(Line::styled(
        "Esc or Enter to close, q to quit",
        Style::default().fg(Color::DarkGray),
    ));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
        .border_style(Style::default().fg(if is_error { Color::Red } else { Color::Green }));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
