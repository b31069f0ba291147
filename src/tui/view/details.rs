//! The details pane: the selected object as the exact JupiterOne entity, its relationships in
//! and out (Enter jumps), or the raw Heroku JSON.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use serde_json::Value;

use super::tree::marker_style;
use crate::graph::{Entity, PropRef};
use crate::tui::app::{App, DetailView, Pane};

fn value_text(v: PropRef<'_>) -> String {
    match v {
        PropRef::Str(s) => s.to_owned(),
        other => other.to_string(),
    }
}

fn entity_lines<'a>(e: &'a Entity, key_width: usize) -> Vec<Line<'a>> {
    let dim = Style::default().fg(Color::DarkGray);
    let mut lines = vec![
        Line::from(Span::styled(
            e.display_name(),
            Style::default().add_modifier(Modifier::BOLD),
        )),
        Line::from(vec![
            Span::styled("_type ", dim),
            Span::raw(e.entity_type.as_ref()),
            Span::styled("  _class ", dim),
            Span::raw(e.class.as_ref()),
        ]),
        Line::from(vec![Span::styled("_key  ", dim), Span::raw(e.key.as_str())]),
        Line::default(),
    ];
    for (name, value) in e.properties.iter() {
        let style = if value.is_null() {
            dim
        } else {
            Style::default()
        };
        let mut spans = vec![
            Span::styled(
                format!("{name:<key_width$} "),
                Style::default().fg(Color::Cyan),
            ),
            Span::styled(value_text(value), style),
        ];
        // Epoch milliseconds read better with the date beside them.
        if name.ends_with("On")
            && let Some(date) = value
                .as_i64()
                .and_then(chrono::DateTime::from_timestamp_millis)
        {
            spans.push(Span::styled(
                format!("  {}", date.format("%Y-%m-%d %H:%M:%SZ")),
                dim,
            ));
        }
        lines.push(Line::from(spans));
    }
    lines
}

fn raw_lines(e: &Entity) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for raw in &e.raw_data {
        lines.push(Line::from(Span::styled(
            format!("_rawData \"{}\"", raw.name),
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        )));
        let pretty = serde_json::from_str::<Value>(raw.raw.get())
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| raw.raw.get().to_owned());
        lines.extend(pretty.lines().map(|l| Line::from(l.to_owned())));
        lines.push(Line::default());
    }
    lines
}

fn payload_lines(e: &Entity) -> Vec<Line<'static>> {
    // The same serialization the upload plan sends, pretty-printed.
    let pretty = serde_json::to_value(e)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|err| format!("cannot serialize: {err}"));
    pretty.lines().map(|l| Line::from(l.to_owned())).collect()
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let focused = app.focus == Pane::Details;
    let title = match app.view {
        DetailView::Entity => " JupiterOne entity (v: raw JSON, payload) ",
        DetailView::Raw => " Raw Heroku JSON (v: payload) ",
        DetailView::Payload => " Upload payload: exactly what JupiterOne receives (v: entity) ",
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(if focused {
            Style::default().fg(Color::Cyan)
        } else {
            Style::default().fg(Color::DarkGray)
        });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height);
    let Some(tree) = app.tree() else { return };
    let Some(index) = app.selected() else {
        frame.render_widget(Paragraph::new("Nothing to show."), inner);
        return;
    };
    let node = tree.node(index);
    let Some(entity) = app.selected_entity() else {
        // A group: what it holds, and why it is partial.
        let mut lines = vec![Line::from(Span::styled(
            node.label.as_ref(),
            Style::default().add_modifier(Modifier::BOLD),
        ))];
        if let Some(reason) = &node.partial {
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                "Partial dataset: this list could not be read completely.",
                marker_style(crate::tui::tree::Markers::PARTIAL),
            )));
            lines.push(Line::from(reason.as_ref()));
            lines.push(Line::from(
                "JupiterOne will delete nothing of the affected types when this graph is uploaded.",
            ));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    };
    if app.view != DetailView::Entity {
        let lines = if app.view == DetailView::Raw {
            raw_lines(entity)
        } else {
            payload_lines(entity)
        };
        let offset = app.details_offset.min(lines.len().saturating_sub(1));
        frame.render_widget(
            Paragraph::new(lines).scroll((u16::try_from(offset).unwrap_or(u16::MAX), 0)),
            inner,
        );
        return;
    }
    let key_width = entity
        .properties
        .iter()
        .map(|(n, _)| n.len())
        .max()
        .unwrap_or(8)
        .min(24);
    let mut lines = entity_lines(entity, key_width);
    let related_count = app.related_count();
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!(
            "Relationships ({}){}",
            related_count,
            if focused {
                "  Enter: jump"
            } else {
                "  Tab, then Enter: jump"
            }
        ),
        Style::default().add_modifier(Modifier::BOLD),
    )));
    let head = lines.len();
    // Scroll so the selected relationship stays in view when the pane has the keyboard.
    let mut offset = app.details_offset;
    if focused && related_count > 0 {
        let cursor_line = head + app.details_cursor;
        if cursor_line >= offset + height {
            offset = cursor_line + 1 - height;
        } else if cursor_line < offset {
            offset = cursor_line;
        }
    }
    let total = head + related_count;
    offset = offset.min(total.saturating_sub(height.max(1)));
    // Only the relationships on screen are turned into lines.
    let first_rel = offset.saturating_sub(head);
    let last_rel = (offset + height).saturating_sub(head).min(related_count);
    let window = app.related_window(first_rel, last_rel.saturating_sub(first_rel));
    for (i, r) in (first_rel..).zip(window.iter()) {
        let arrow = if r.outgoing { "→" } else { "←" };
        let mut spans = vec![
            Span::styled(
                format!("{arrow} {:<4} ", r.verb),
                Style::default().fg(Color::Yellow),
            ),
            Span::raw(r.other_name),
            Span::styled(
                format!("  {}", r.other_type),
                Style::default().fg(Color::DarkGray),
            ),
        ];
        if let Some(role) = r.role {
            spans.push(Span::styled(
                format!("  role {role}"),
                Style::default().fg(Color::DarkGray),
            ));
        }
        let mut line = Line::from(spans);
        if focused && i == app.details_cursor {
            line = line.style(Style::default().bg(Color::Cyan).fg(Color::Black));
        }
        lines.push(line);
    }
    let visible: Vec<Line<'_>> = if offset < head {
        lines.into_iter().skip(offset).take(height).collect()
    } else {
        let mut v: Vec<Line<'_>> = Vec::new();
        v.extend(lines.into_iter().skip(head));
        v.truncate(height);
        v
    };
    frame.render_widget(Paragraph::new(visible), inner);
}
