//! The details pane: the selected object as the exact JupiterOne entity, its relationships in
//! and out (Enter jumps), the raw Heroku JSON or the upload payload (`v` cycles); for a group
//! node (`Members (15)`, `Apps (6)`) a table of its children with their markers. Long values
//! and JSON lines wrap (never cut); server text is cleaned of control characters. [`draw`]
//! returns how far the pane can scroll.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use serde_json::Value;

use super::scrolled;
use super::tree::{marker_style, selected_style};
use crate::graph::{Entity, PropRef};
use crate::text::clean;
use crate::tui::app::{App, DetailView, Pane};
use crate::tui::layout::{fit, fit_spans, wrap};
use crate::tui::tree::{Markers, Node, Tree};

fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

fn value_text(v: PropRef<'_>) -> String {
    match v {
        PropRef::Str(s) => clean(s).into_owned(),
        other => clean(&other.to_string()).into_owned(),
    }
}

/// `text` wrapped to `width` in `style` after `head` (a label or an indent), continuation
/// lines indented by `indent` columns.
fn labelled(
    head: Span<'static>,
    text: &str,
    width: usize,
    indent: usize,
    style: Style,
) -> Vec<Line<'static>> {
    let mut head = Some(head);
    wrap(text, width.saturating_sub(indent).max(8))
        .into_iter()
        .map(|part| {
            let first = head.take().unwrap_or_else(|| Span::raw(" ".repeat(indent)));
            Line::from(vec![first, Span::styled(part, style)])
        })
        .collect()
}

fn entity_lines(e: &Entity, key_width: usize, width: usize) -> Vec<Line<'static>> {
    let mut lines = labelled(Span::raw(""), &clean(e.display_name()), width, 0, bold());
    let class = vec![
        Span::styled("_class ", dim()),
        Span::raw(e.class.to_string()),
    ];
    let mut types = vec![
        Span::styled("_type ", dim()),
        Span::raw(e.entity_type.to_string()),
    ];
    // `_class` beside `_type` when both fit, else on a line of its own.
    if Line::from(types.clone()).width() + 2 + Line::from(class.clone()).width() <= width {
        types.push(Span::raw("  "));
        types.extend(class);
        lines.push(Line::from(types));
    } else {
        lines.push(Line::from(types));
        lines.push(Line::from(class));
    }
    lines.extend(labelled(
        Span::styled("_key  ", dim()),
        &clean(e.key.as_str()),
        width,
        6,
        Style::default(),
    ));
    lines.push(Line::default());
    for (name, value) in e.properties.iter() {
        let style = if value.is_null() {
            dim()
        } else {
            Style::default()
        };
        let mut text = value_text(value);
        // Epoch milliseconds read better with the date beside them.
        if name.ends_with("On")
            && let Some(date) = value
                .as_i64()
                .and_then(chrono::DateTime::from_timestamp_millis)
        {
            text.push_str(&format!("  ({})", date.format("%Y-%m-%d %H:%M:%SZ")));
        }
        let name = fit(name, key_width);
        lines.extend(labelled(
            Span::styled(
                format!("{name:<key_width$} "),
                Style::default().fg(Color::Cyan),
            ),
            &text,
            width,
            key_width + 1,
            style,
        ));
    }
    lines
}

/// JSON text as lines, a long line wrapped under its own indentation.
fn json_lines(pretty: &str, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for l in pretty.lines() {
        let indent = (l.len() - l.trim_start().len()).min(width / 2);
        lines.extend(labelled(
            Span::raw(" ".repeat(indent)),
            l.trim_start(),
            width,
            indent + 2,
            Style::default(),
        ));
    }
    lines
}

fn raw_lines(e: &Entity, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for raw in &e.raw_data {
        lines.push(Line::from(Span::styled(
            format!("_rawData \"{}\"", clean(&raw.name)),
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        )));
        // serde_json escapes control characters inside strings.
        let text = raw.raw.get();
        let pretty = serde_json::from_str::<Value>(&text)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| clean(&text).into_owned());
        lines.extend(json_lines(&pretty, width));
        lines.push(Line::default());
    }
    lines
}

fn payload_lines(e: &Entity, width: usize) -> Vec<Line<'static>> {
    // The same serialization the upload plan sends, pretty-printed.
    let pretty = serde_json::to_value(e)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|err| format!("cannot serialize: {err}"));
    json_lines(&pretty, width)
}

/// A group node's children, in order: each child's subtree is stepped over, so this costs
/// the number of children, not of descendants.
fn children(tree: &Tree, index: u32) -> impl Iterator<Item = &Node> {
    let end = tree.node(index).end;
    let mut at = index + 1;
    std::iter::from_fn(move || {
        (at < end).then(|| {
            let child = tree.node(at);
            at = child.end.max(at + 1);
            child
        })
    })
}

/// A group node: why it is partial, then its children in a small table (name, markers,
/// role), drawn from `offset`. Only the rows on screen are built (a group can hold
/// thousands); returns the last useful offset.
fn draw_group(frame: &mut Frame<'_>, area: Rect, tree: &Tree, index: u32, offset: usize) -> usize {
    let width = usize::from(area.width);
    let height = usize::from(area.height);
    let node = tree.node(index);
    let mut lines = vec![Line::styled(clean(&node.label).into_owned(), bold())];
    if let Some(reason) = &node.partial {
        lines.push(Line::default());
        lines.push(Line::styled(
            "Partial dataset: this list could not be read completely.",
            marker_style(Markers::PARTIAL),
        ));
        lines.extend(wrap(&clean(reason), width).into_iter().map(Line::from));
        lines.extend(
            wrap(
                "JupiterOne will delete nothing of the affected types when this graph is uploaded.",
                width,
            )
            .into_iter()
            .map(Line::from),
        );
    }
    let count = node.child_count as usize;
    if count > 0 {
        lines.push(Line::default());
    }
    let head = lines.len() + usize::from(count > 0);
    let max = (head + count).saturating_sub(height);
    let offset = offset.min(max);
    let first = offset.saturating_sub(head);
    let window: Vec<&Node> = children(tree, index).skip(first).take(height).collect();
    let name_width = window
        .iter()
        .map(|n| n.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(width / 2)
        .max(4);
    if count > 0 {
        lines.push(Line::styled(
            fit(&format!("{:<name_width$}  markers, role", "name"), width),
            bold().add_modifier(Modifier::UNDERLINED),
        ));
    }
    let mut visible: Vec<Line<'static>> = lines.into_iter().skip(offset).collect();
    for child in window {
        let mut spans = vec![Span::raw(format!(
            "{:<name_width$} ",
            fit(&clean(&child.label), name_width)
        ))];
        let mut room = width.saturating_sub(name_width + 1);
        // Whole markers first (what matters), then the role if there is room.
        for (m, tag) in child.markers.tags() {
            let tag = format!(" [{tag}]");
            if tag.chars().count() > room {
                spans.push(Span::raw(" …"));
                room = 0;
                break;
            }
            room -= tag.chars().count();
            spans.push(Span::styled(tag, marker_style(m)));
        }
        if let Some(note) = &child.note
            && room > 4
        {
            spans.push(Span::styled(
                fit(&format!("  {}", clean(note)), room),
                dim(),
            ));
        }
        visible.push(Line::from(spans));
    }
    visible.truncate(height);
    frame.render_widget(Paragraph::new(visible), area);
    max
}

/// The pane's title for the view, fitted to `width`.
fn title(view: DetailView, width: u16) -> String {
    let long = match view {
        DetailView::Entity => " JupiterOne entity (v: raw JSON) ",
        DetailView::Raw => " Raw Heroku JSON (v: payload) ",
        DetailView::Payload => " Upload payload, exactly as sent (v: entity) ",
    };
    let short = match view {
        DetailView::Entity => " Entity ",
        DetailView::Raw => " Raw JSON ",
        DetailView::Payload => " Payload ",
    };
    let room = usize::from(width.saturating_sub(2));
    if long.chars().count() <= room {
        long.to_owned()
    } else {
        fit(short, room)
    }
}

/// Draws the pane; returns the last useful scroll offset.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) -> usize {
    let focused = app.focus == Pane::Details;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title(app.view, area.width))
        .border_style(if focused {
            Style::default().fg(Color::Cyan)
        } else {
            Style::default().fg(Color::DarkGray)
        });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height);
    let width = usize::from(inner.width);
    let Some(tree) = app.tree() else { return 0 };
    let Some(index) = app.selected() else {
        frame.render_widget(Paragraph::new("Nothing to show."), inner);
        return 0;
    };
    let Some(entity) = app.selected_entity() else {
        return draw_group(frame, inner, tree, index, app.details_offset);
    };
    if app.view != DetailView::Entity {
        let lines = if app.view == DetailView::Raw {
            raw_lines(entity, width)
        } else {
            payload_lines(entity, width)
        };
        return scrolled(frame, inner, lines, app.details_offset);
    }
    let key_width = entity
        .properties
        .iter()
        .map(|(n, _)| n.len())
        .max()
        .unwrap_or(8)
        .min(24)
        .min(width / 3);
    let mut lines = entity_lines(entity, key_width, width);
    let related_count = app.related_count();
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        fit(
            &format!(
                "Relationships ({}){}",
                related_count,
                if focused {
                    "  Enter: jump"
                } else {
                    "  Tab, then Enter: jump"
                }
            ),
            width,
        ),
        bold(),
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
    let max = total.saturating_sub(height.max(1));
    offset = offset.min(max);
    // Only the relationships on screen are turned into lines.
    let first_rel = offset.saturating_sub(head);
    let last_rel = (offset + height).saturating_sub(head).min(related_count);
    let window = app.related_window(first_rel, last_rel.saturating_sub(first_rel));
    for (i, r) in (first_rel..).zip(window.iter()) {
        let arrow = if r.outgoing { "→" } else { "←" };
        let selected = focused && i == app.details_cursor;
        let mut spans = vec![
            Span::raw(if selected { "> " } else { "  " }),
            Span::styled(
                format!("{arrow} {:<4} ", r.verb),
                Style::default().fg(Color::Yellow),
            ),
            Span::raw(clean(r.other_name).into_owned()),
            Span::styled(format!("  {}", clean(r.other_type)), dim()),
        ];
        if let Some(role) = r.role {
            spans.push(Span::styled(format!("  role {}", clean(role)), dim()));
        }
        let mut line = fit_spans(spans, width);
        if selected {
            let rest = width.saturating_sub(line.width());
            line.push_span(Span::raw(" ".repeat(rest)));
            line = line.style(selected_style(true));
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
    max
}
