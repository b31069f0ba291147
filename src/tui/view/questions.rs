//! The saved questions view: each question with its severity and current count, and a bar
//! chart of the counts (people would rather look than read).

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Clear, Paragraph, Row, Table};

use crate::query::questions::Severity;
use crate::tui::app::App;

const fn severity_color(s: Severity) -> Color {
    match s {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Blue,
        Severity::Info => Color::Gray,
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Saved questions ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let counts = match &app.questions.counts {
        Some(Ok(c)) => c,
        Some(Err(message)) => {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    message.as_str(),
                    Style::default().fg(Color::Red),
                )),
                inner,
            );
            return;
        }
        None => {
            frame.render_widget(Paragraph::new("Counting…"), inner);
            return;
        }
    };
    let chart_height = u16::try_from(counts.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let [list, chart] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(chart_height.min(inner.height / 2)),
    ])
    .areas(inner);
    let height = usize::from(list.height.saturating_sub(1)).max(1);
    let cursor = app.questions.cursor.min(counts.len().saturating_sub(1));
    let first = (cursor + 1).saturating_sub(height);
    let rows: Vec<Row<'_>> = counts
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, q)| {
            let mut style = Style::default().fg(severity_color(q.severity));
            if q.count == 0 {
                style = Style::default().fg(Color::DarkGray);
            }
            if i == cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            Row::new(vec![
                q.count.to_string(),
                q.severity.to_string(),
                q.id.clone(),
                q.title.clone(),
            ])
            .style(style)
        })
        .collect();
    let header = Row::new(vec!["count", "severity", "id", "question"])
        .style(Style::default().add_modifier(Modifier::BOLD));
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(6),
                Constraint::Length(9),
                Constraint::Length(42),
                Constraint::Min(10),
            ],
        )
        .header(header),
        list,
    );
    let bars: Vec<Bar<'_>> = counts
        .iter()
        .map(|q| {
            Bar::default()
                .label(Line::from(q.id.as_str()))
                .value(u64::try_from(q.count).unwrap_or(u64::MAX))
                .style(Style::default().fg(severity_color(q.severity)))
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .title(" rows per question "),
            )
            .direction(Direction::Horizontal)
            .bar_width(1)
            .bar_gap(0)
            .data(BarGroup::default().bars(&bars)),
        chart,
    );
}
