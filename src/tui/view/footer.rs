//! The status line (or the search box with its `match 2/4` counter) and the footer of key
//! hints, generated from the keymap for the layer, the focused pane and the details view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::text::clean;
use crate::tui::app::App;
use crate::tui::keymap;
use crate::tui::layout::fit;

/// The search box's counter: `match 2/4`, `4 matches`, or `no match`.
#[must_use]
pub fn match_counter(matches: usize, current: usize, query: &str) -> String {
    match (matches, current) {
        _ if query.is_empty() => "type to search".to_owned(),
        (0, _) => "no match".to_owned(),
        (n, 0) => format!("{n} matches"),
        (n, c) => format!("match {c}/{n}"),
    }
}

pub fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let width = usize::from(area.width);
    let line = if app.search.active {
        let counter = format!(
            "  {}  (Enter keep, Esc cancel)",
            match_counter(app.search.matches, app.search.current, &app.search.query)
        );
        // The end of a long query stays in view, as in a text field.
        let room = width.saturating_sub(counter.chars().count() + 3);
        let query: String = clean(&app.search.query).into_owned();
        let shown = query.chars().count();
        let query = if shown > room {
            let tail: String = query.chars().skip(shown - room.saturating_sub(1)).collect();
            format!("…{tail}")
        } else {
            query
        };
        Line::from(vec![
            Span::styled(
                " /",
                Style::default()
                    .fg(Color::Yellow)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::raw(query),
            Span::styled("█", Style::default().fg(Color::Yellow)),
            Span::styled(counter, Style::default().fg(Color::DarkGray)),
        ])
    } else {
        Line::from(Span::styled(
            fit(
                &format!(" {}", clean(app.status.as_deref().unwrap_or(""))),
                width,
            ),
            Style::default().fg(Color::DarkGray),
        ))
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Hints dropped first when the footer is too narrow.
const DROP_ORDER: [&str; 12] = [
    "web page", "copy", "pane", "refresh", "findings", "preview", "entity", "payload", "raw JSON",
    "search", "open", "jump",
];

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let mut hints: Vec<(&str, &str)> = keymap::footer(app.layer(), app.keymap_context()).collect();
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
    // Still too wide: whole hints go (never half of one), help and quit (the last two) stay.
    while width(&hints) > usize::from(area.width) && hints.len() > 1 {
        hints.remove(hints.len().saturating_sub(3));
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
