//! The status line and the footer of key hints (generated from the keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::App;
use crate::tui::keymap;

pub fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let line = if app.search.active {
        Line::from(vec![
            Span::styled(
                " /",
                Style::default()
                    .fg(Color::Yellow)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::raw(app.search.query.as_str()),
            Span::styled("█", Style::default().fg(Color::Yellow)),
            Span::styled(
                format!("  {} matches", app.search.matches),
                Style::default().fg(Color::DarkGray),
            ),
        ])
    } else {
        Line::from(Span::styled(
            format!(" {}", app.status.as_deref().unwrap_or("")),
            Style::default().fg(Color::DarkGray),
        ))
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Hints dropped first when the footer is too narrow.
const DROP_ORDER: [&str; 5] = ["open", "pane", "raw", "refresh", "findings"];

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let mut hints: Vec<(&str, &str)> = keymap::footer(app.layer()).collect();
    let width = |h: &[(&str, &str)]| {
        h.iter()
            .map(|(k, w)| k.chars().count() + w.chars().count() + 3)
            .sum::<usize>()
    };
    for drop in DROP_ORDER {
        if width(&hints) <= usize::from(area.width) {
            break;
        }
        hints.retain(|(_, what)| *what != drop);
    }
    let mut spans = Vec::new();
    for (keys, what) in hints {
        spans.push(Span::styled(
            format!(" {keys}"),
            Style::default().fg(Color::Black).bg(Color::Gray),
        ));
        spans.push(Span::raw(format!(" {what} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
