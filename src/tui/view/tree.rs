//! The tree pane. It reads only the rows it shows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState,
};

use crate::tui::app::{App, FILTERS, Pane};
use crate::tui::tree::{Markers, NodeKind};

/// The colour of a marker tag.
pub fn marker_style(m: Markers) -> Style {
    let color = if m == Markers::PARTIAL || m == Markers::NO_2FA || m == Markers::DEPROVISIONED {
        Color::Red
    } else if m == Markers::ADMIN || m == Markers::MAINTENANCE || m == Markers::COLLABORATOR {
        Color::Yellow
    } else {
        Color::Cyan
    };
    Style::default().fg(color)
}

fn kind_style(kind: NodeKind) -> Style {
    match kind {
        NodeKind::Account => Style::default()
            .fg(Color::Magenta)
            .add_modifier(Modifier::BOLD),
        NodeKind::Team => Style::default()
            .fg(Color::Blue)
            .add_modifier(Modifier::BOLD),
        NodeKind::Group => Style::default().fg(Color::DarkGray),
        NodeKind::App => Style::default().fg(Color::Green),
        NodeKind::User | NodeKind::Addon => Style::default(),
    }
}

/// `text` cut to `room` characters, ending in `…` when cut.
fn fit(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_owned();
    }
    if room == 0 {
        return String::new();
    }
    let mut cut: String = text.chars().take(room - 1).collect();
    cut.push('…');
    cut
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let Some(tree) = app.tree() else { return };
    let focused = app.focus == Pane::Tree;
    let title = if app.filter == 0 {
        format!(" Estate ({} nodes) ", tree.len())
    } else {
        format!(
            " {} ({} rows) ",
            FILTERS[app.filter].1,
            tree.visible().len()
        )
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
    // One column is left for the scrollbar.
    let width = usize::from(inner.width).saturating_sub(1);
    let rows = tree.visible();
    let end = (app.offset + height).min(rows.len());
    let lines: Vec<Line<'_>> = rows[app.offset.min(end)..end]
        .iter()
        .enumerate()
        .map(|(i, &index)| {
            let node = tree.node(index);
            let mut spans = vec![Span::raw("  ".repeat(usize::from(node.depth)))];
            let arrow = if !node.has_children() {
                "  "
            } else if tree.is_open(index) {
                "▾ "
            } else {
                "▸ "
            };
            spans.push(Span::styled(arrow, Style::default().fg(Color::DarkGray)));
            // Markers always show: the label and note give way first.
            let markers: Vec<Span<'_>> = node
                .markers
                .tags()
                .map(|(m, tag)| Span::styled(format!(" [{tag}]"), marker_style(m)))
                .collect();
            let used =
                usize::from(node.depth) * 2 + 2 + markers.iter().map(Span::width).sum::<usize>();
            let room = width.saturating_sub(used);
            let label = fit(&node.label, room);
            let room = room.saturating_sub(label.chars().count());
            spans.push(Span::styled(label, kind_style(node.kind)));
            if let Some(note) = &node.note
                && room > 3
            {
                spans.push(Span::styled(
                    fit(&format!(" ({note})"), room),
                    Style::default().fg(Color::DarkGray),
                ));
            }
            spans.extend(markers);
            let mut line = Line::from(spans);
            if app.offset + i == app.cursor {
                let style = if focused {
                    Style::default().bg(Color::Cyan).fg(Color::Black)
                } else {
                    Style::default().bg(Color::DarkGray)
                };
                line = line.style(style);
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    if rows.len() > height {
        let mut state = ScrollbarState::new(rows.len().saturating_sub(height)).position(app.offset);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight),
            area,
            &mut state,
        );
    }
}
