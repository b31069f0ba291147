//! The first crawl: a gauge per stage with counts as they arrive (the whole body until the
//! first objects are read, then above the details while the tree fills in).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Gauge, Paragraph};

use crate::collect::Stage;
use crate::tui::app::App;

/// The rows the gauges need: one per stage, a blank, the requests line and the borders.
pub const HEIGHT: u16 = Stage::ALL.len() as u16 + 4;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Reading Heroku ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(crawl) = &app.crawl else {
        let text = if app.overlays.error().is_some() {
            "Nothing loaded. Press r to try again."
        } else {
            "Starting…"
        };
        frame.render_widget(Paragraph::new(text), inner);
        return;
    };
    let mut constraints = vec![Constraint::Length(1); Stage::ALL.len() + 2];
    constraints.push(Constraint::Min(0));
    let rows = Layout::vertical(constraints).split(inner);
    let progress = crawl.progress.as_ref();
    for (i, stage) in Stage::ALL.iter().enumerate() {
        let p = progress.map(|p| p.stage(*stage)).unwrap_or_default();
        let ratio = if p.total == 0 {
            0.0
        } else {
            p.done as f64 / p.total as f64
        };
        let failed = if p.failed > 0 {
            format!(", {} failed", p.failed)
        } else {
            String::new()
        };
        let label = format!(
            "{:<20} {:>4}/{:<4} lists  {:>7} objects{failed}",
            stage.label(),
            p.done,
            p.total,
            p.objects
        );
        let color = if p.failed > 0 {
            Color::Red
        } else if p.total > 0 && p.done == p.total {
            Color::Green
        } else {
            Color::Cyan
        };
        frame.render_widget(
            Gauge::default()
                .gauge_style(Style::default().fg(color))
                .ratio(ratio.clamp(0.0, 1.0))
                .label(label),
            rows[i],
        );
    }
    if let Some(p) = progress {
        let remaining = p
            .rate_limit_remaining
            .map_or_else(|| "?".into(), |r| r.to_string());
        frame.render_widget(
            Paragraph::new(Line::from(format!(
                "{} requests · rate limit remaining {remaining}",
                p.requests
            ))),
            rows[Stage::ALL.len() + 1],
        );
    }
}
