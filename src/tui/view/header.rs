//! The header: who, where, how much rate limit is left, where uploads go. Each line fits the
//! width: the enterprise names give way first (`…`), server text is cleaned.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use crate::graph::types;
use crate::text::clean;
use crate::tui::app::App;
use crate::tui::layout::fit_spans as fitted;

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
    first.push(Span::styled(clean(user).into_owned(), bold));
    if let Some(d) = data {
        let accounts: Vec<String> = d
            .loaded
            .graph
            .entities_of_type(types::ACCOUNT)
            .map(|e| clean(e.display_name()).into_owned())
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
    let mut second = Vec::new();
    // A refresh's progress comes first: the rest can give way.
    if let Some(c) = &app.crawl
        && app.data.is_some()
    {
        let (done, total) = c
            .progress
            .as_ref()
            .map_or((0, 0), crate::collect::Progress::lists);
        second.push(Span::styled(
            format!(" refreshing {done}/{total} ·"),
            Style::default().fg(Color::Cyan),
        ));
    }
    second.push(Span::styled(" rate limit ", dim));
    second.push(Span::raw(
        remaining.map_or_else(|| "?".to_owned(), |r| r.to_string()),
    ));
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
    second.push(Span::styled(" · JupiterOne ", dim));
    match &app.endpoints.jupiterone {
        Some(t) => second.push(Span::raw(clean(t).into_owned())),
        None => second.push(Span::styled(
            "not set up (s sets it up)",
            Style::default().fg(Color::Yellow),
        )),
    }
    let width = usize::from(area.width);
    frame.render_widget(
        Paragraph::new(vec![fitted(first, width), fitted(second, width)]),
        area,
    );
}
