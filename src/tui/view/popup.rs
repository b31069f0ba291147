//! The error popup.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn draw(frame: &mut Frame<'_>, area: Rect, message: &str) {
    frame.render_widget(Clear, area);
    let mut lines: Vec<Line<'_>> = message.lines().map(Line::from).collect();
    lines.push(Line::default());
    lines.push(Line::styled(
        "Esc or Enter to close, q to quit",
        Style::default().fg(Color::DarkGray),
    ));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Error ")
        .border_style(Style::default().fg(Color::Red));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
