//! The tree pane. It reads only the rows it shows. The cursor's row is marked `>` and drawn
//! in reverse video (readable without colour); search matches in labels are underlined;
//! labels (server text) are cleaned of control characters.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState,
};

use crate::text::clean;
use crate::tui::app::{App, Pane};
use crate::tui::layout::fit;
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

/// The style of the cursor's row: reverse video and bold over the whole row, so that it
/// shows without colour and the bold is even; with colour, cyan when the tree has the
/// keyboard.
pub fn selected_style(focused: bool) -> Style {
    let style = Style::default().add_modifier(Modifier::BOLD);
    if focused {
        style.bg(Color::Cyan).fg(Color::Black)
    } else {
        style.add_modifier(Modifier::REVERSED)
    }
}

/// A pane title `name (suffix)` within `width` columns: the name gives way (`…`), the
/// suffix (a count) stays whole.
pub fn pane_title(name: &str, suffix: &str, width: u16) -> String {
    let room = usize::from(width.saturating_sub(4));
    let suffix = format!(" ({suffix})");
    let name = fit(name, room.saturating_sub(suffix.chars().count()));
    format!(" {} ", fit(&format!("{name}{suffix}"), room))
}

/// `label` split into spans, the parts matching `query` (case-insensitive) underlined.
fn highlighted(label: String, query: &str, style: Style) -> Vec<Span<'static>> {
    let lower = label.to_lowercase();
    let q = query.to_lowercase();
    if q.is_empty() || lower.len() != label.len() || !lower.contains(&q) {
        return vec![Span::styled(label, style)];
    }
    let mark = style
        .add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
        .fg(Color::Yellow);
    let mut spans = Vec::new();
    let mut at = 0;
    for (start, part) in lower.match_indices(&q) {
        if start > at {
            spans.push(Span::styled(label[at..start].to_owned(), style));
        }
        spans.push(Span::styled(
            label[start..start + part.len()].to_owned(),
            mark,
        ));
        at = start + part.len();
    }
    if at < label.len() {
        spans.push(Span::styled(label[at..].to_owned(), style));
    }
    spans
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let Some(tree) = app.tree() else { return };
    let focused = app.focus == Pane::Tree;
    let title = if app.filter == 0 {
        pane_title("Estate", &format!("{} nodes", tree.len()), area.width)
    } else {
        pane_title(
            &app.filter_name(app.filter),
            &format!("{} rows", tree.visible().len()),
            area.width,
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
    // One column is left for the scrollbar, two for the cursor's mark.
    let width = usize::from(inner.width).saturating_sub(3);
    let query = if app.search.query.is_empty() {
        ""
    } else {
        app.search.query.as_str()
    };
    let rows = tree.visible();
    let end = (app.offset + height).min(rows.len());
    let lines: Vec<Line<'_>> = rows[app.offset.min(end)..end]
        .iter()
        .enumerate()
        .map(|(i, &index)| {
            let node = tree.node(index);
            let selected = app.offset + i == app.cursor;
            let mut spans = vec![
                Span::raw(if selected { "> " } else { "  " }),
                Span::raw("  ".repeat(usize::from(node.depth))),
            ];
            let arrow = if !node.has_children() {
                "  "
            } else if tree.is_open(index) {
                "▾ "
            } else {
                "▸ "
            };
            spans.push(Span::styled(arrow, Style::default().fg(Color::DarkGray)));
            // The note gives way first, then the markers (whole tags, then `…`), then the
            // label, which keeps at least a few characters.
            let label = clean(&node.label);
            let indent = usize::from(node.depth) * 2 + 2;
            let keep = label.chars().count().min(10);
            let mut marker_room = width.saturating_sub(indent + keep);
            let mut markers: Vec<Span<'_>> = Vec::new();
            for (m, tag) in node.markers.tags() {
                let tag = format!(" [{tag}]");
                let w = tag.chars().count();
                if w > marker_room {
                    if marker_room >= 2 {
                        markers.push(Span::styled(" …", marker_style(m)));
                    }
                    break;
                }
                marker_room -= w;
                markers.push(Span::styled(tag, marker_style(m)));
            }
            let used = indent + markers.iter().map(Span::width).sum::<usize>();
            let room = width.saturating_sub(used);
            let label = fit(&label, room);
            let room = room.saturating_sub(label.chars().count());
            spans.extend(highlighted(label, query, kind_style(node.kind)));
            if let Some(note) = &node.note
                && room > 3
            {
                spans.push(Span::styled(
                    fit(&format!(" ({})", clean(note)), room),
                    Style::default().fg(Color::DarkGray),
                ));
            }
            spans.extend(markers);
            let mut line = Line::from(spans);
            if selected {
                // The highlight runs to the pane's edge, not just under the text.
                let rest = (width + 2).saturating_sub(line.width());
                line.push_span(Span::raw(" ".repeat(rest)));
                line = line.style(selected_style(focused));
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
