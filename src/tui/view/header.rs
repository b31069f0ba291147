//! The header: who, where, how much rate limit is left, where uploads go.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::graph::types;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let dim = Style::default().fg(Color::DarkGray);
    let mut first = vec![Span::styled(
        " heroku-j1 ",
        Style::default()
            .fg(Color::Black)
            .bg(Color::Magenta)
            .add_modifier(Modifier::BOLD),
    )];
    if app.endpoints.demo {
        first.push(Span::styled(
            " DEMO ",
            Style::default().fg(Color::Black).bg(Color::Yellow),
        ));
    }
    let data = app.data.as_ref();
    let user = data
        .and_then(|d| d.loaded.heroku_user.as_deref())
        .unwrap_or("…");
    first.push(Span::raw(" Heroku "));
    first.push(Span::styled(user.to_owned(), bold));
    if let Some(d) = data {
        let accounts: Vec<&str> = d
            .loaded
            .graph
            .entities_of_type(types::ACCOUNT)
            .map(|e| e.display_name())
            .collect();
        first.push(Span::styled(" · ", dim));
        first.push(Span::raw(format!("enterprise: {}", accounts.join(", "))));
    }
    let remaining = app
        .crawl
        .as_ref()
        .and_then(|c| c.progress.as_ref())
        .and_then(|p| p.rate_limit_remaining)
        .or_else(|| data.and_then(|d| d.loaded.rate_limit_remaining));
    let mut second = vec![Span::styled(" rate limit ", dim)];
    second.push(Span::raw(
        remaining.map_or_else(|| "?".to_owned(), |r| r.to_string()),
    ));
    second.push(Span::styled(" · JupiterOne ", dim));
    match &app.endpoints.jupiterone {
        Some(t) => second.push(Span::raw(t.clone())),
        None => second.push(Span::styled(
            "not configured",
            Style::default().fg(Color::Yellow),
        )),
    }
    if let Some(d) = data {
        let partial = d.loaded.graph.partial_datasets().len();
        if partial > 0 {
            second.push(Span::styled(" · ", dim));
            second.push(Span::styled(
                format!("⚠ {partial} partial types"),
                Style::default().fg(Color::Red),
            ));
        }
    }
    if let Some(c) = &app.crawl
        && app.data.is_some()
    {
        let (done, total) = c
            .progress
            .as_ref()
            .map_or((0, 0), crate::collect::Progress::lists);
        second.push(Span::styled(
            format!(" · refreshing {done}/{total}"),
            Style::default().fg(Color::Cyan),
        ));
    }
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}
