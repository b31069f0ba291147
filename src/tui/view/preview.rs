//! The sync preview: per `_type`, what the upload will create, change, leave and delete,
//! compared with the last successful sync to the same target; findings, partial datasets and
//! what the guard asks about. It is computed by the same code that uploads.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::tui::app::App;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let Some(state) = &app.preview else { return };
    let p = &state.preview;
    frame.render_widget(Clear, area);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let dim = Style::default().fg(Color::DarkGray);
    let red = Style::default().fg(Color::Red);
    let mut lines: Vec<Line<'_>> = Vec::new();
    if !state.confirm.is_empty() {
        lines.push(Line::styled(
            "Confirm before syncing:",
            red.add_modifier(Modifier::BOLD),
        ));
        for reason in &state.confirm {
            lines.push(Line::styled(format!("  • {reason}"), red));
        }
        lines.push(Line::styled(
            if p.deletions.is_empty() {
                "  y: sync anyway   Esc: cancel"
            } else {
                "  y: sync anyway   Enter: list what it deletes   Esc: cancel"
            },
            bold,
        ));
        lines.push(Line::default());
    }
    let target = p.target.id();
    lines.push(Line::from(vec![
        Span::styled("Target  ", dim),
        Span::raw(target),
    ]));
    lines.push(Line::from(match &p.last_sync {
        Some(last) => vec![
            Span::styled("Against ", dim),
            Span::raw(format!(
                "the last sync from here, job {} at {}",
                last.job_id, last.synced_at
            )),
        ],
        None => vec![
            Span::styled("Against ", dim),
            Span::styled(
                "nothing: first sync to this target from here",
                Style::default().fg(Color::Yellow),
            ),
        ],
    }));
    let batches = state.plan.batches().len();
    lines.push(Line::from(vec![
        Span::styled("Upload  ", dim),
        Span::raw(format!(
            "{} requests, {:.2} MB (at most {:.1} MB each), then finalize{}",
            batches,
            state.plan.total_bytes() as f64 / 1e6,
            state.plan.max_batch_bytes() as f64 / 1e6,
            if state.plan.partial_types().is_empty() {
                String::new()
            } else {
                " with partial datasets".into()
            }
        )),
    ]));
    lines.push(Line::default());
    lines.push(Line::styled(
        format!(
            "{:<31}{:>7}{:>6}{:>8}{:>10}{:>7}",
            "_type", "upload", "new", "changed", "unchanged", "delete"
        ),
        bold,
    ));
    for (i, t) in p.types.iter().enumerate() {
        let mut style = if t.to_delete > 0 {
            Style::default().fg(Color::Yellow)
        } else {
            Style::default()
        };
        if i == state.selected {
            // The row Enter opens (Tab moves it).
            style = style.add_modifier(Modifier::REVERSED);
        }
        // The selected row is marked `›` (readable without colour).
        let name = if i == state.selected {
            format!("› {}", t.object_type)
        } else {
            t.object_type.clone()
        };
        let mut spans = vec![Span::styled(
            format!(
                "{:<31}{:>7}{:>6}{:>8}{:>10}{:>7}",
                name, t.to_upload, t.new, t.changed, t.unchanged, t.to_delete
            ),
            style,
        )];
        if t.partial {
            spans.push(Span::styled(" (partial)", red));
        }
        lines.push(Line::from(spans));
    }
    let e = p.totals.entities;
    let r = p.totals.relationships;
    lines.push(Line::styled(
        format!(
            "{:<31}{:>7}{:>6}{:>8}{:>10}{:>7}",
            "entities", e.to_upload, e.created, e.updated, e.unchanged, e.deleted
        ),
        bold,
    ));
    lines.push(Line::styled(
        format!(
            "{:<31}{:>7}{:>6}{:>8}{:>10}{:>7}",
            "relationships", r.to_upload, r.created, r.updated, r.unchanged, r.deleted
        ),
        bold,
    ));
    if !p.partial_datasets.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled(
            "Partial datasets (sent as partialDatasets: JupiterOne deletes nothing of them)",
            red,
        ));
        for (t, reasons) in &p.partial_datasets {
            for reason in reasons {
                lines.push(Line::from(format!("  {t}: {reason}")));
            }
        }
    }
    lines.push(Line::default());
    if p.findings.is_empty() {
        lines.push(Line::styled(
            "Validation: no findings.",
            Style::default().fg(Color::Green),
        ));
    } else {
        lines.push(Line::styled(
            format!("Validation findings block the sync ({}):", p.findings.len()),
            red,
        ));
        for f in &p.findings {
            lines.push(Line::from(format!("  {f}")));
        }
    }
    if !p.deletions.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled(
            format!("To delete in JupiterOne ({}):", p.deletions.len()),
            Style::default().fg(Color::Yellow),
        ));
        for d in &p.deletions {
            lines.push(Line::from(format!("  {}  {}", d.object_type, d.key)));
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "Any object's exact payload: Esc, select it in the tree, press v twice.",
        dim,
    ));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Sync preview (s sync, Tab/Enter changes of a _type, Esc close) ")
        .border_style(Style::default().fg(Color::Cyan));
    let offset = u16::try_from(state.offset).unwrap_or(u16::MAX);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((offset, 0)),
        area,
    );
}
