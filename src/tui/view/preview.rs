//! The sync preview: per `_type`, what the upload will create, change, leave and delete,
//! compared with the last successful sync to the same target; findings, partial datasets and
//! what the guard asks about. It is computed by the same code that uploads. The table's
//! columns are as wide as their largest number; sizes are in the program's one byte format;
//! text wraps (never cut), server text is cleaned. [`draw`] returns how far it can scroll.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};

use crate::text::clean;
use crate::tui::app::{App, PreviewState, human_bytes};
use crate::tui::layout::{fit, wrap};

/// `text` wrapped to `width` in `style`, continuation lines indented by `indent`.
fn para(lines: &mut Vec<Line<'static>>, text: &str, width: usize, indent: usize, style: Style) {
    for (i, part) in wrap(&clean(text), width.saturating_sub(indent).max(10))
        .into_iter()
        .enumerate()
    {
        let pad = if i == 0 { 0 } else { indent };
        lines.push(Line::styled(format!("{}{part}", " ".repeat(pad)), style));
    }
}

/// The table: one row per `_type`, then the totals; each number column as wide as its
/// header or its widest number, two spaces apart.
fn table(state: &PreviewState, width: usize, lines: &mut Vec<Line<'static>>) {
    let p = &state.preview;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let e = p.totals.entities;
    let r = p.totals.relationships;
    let mut rows: Vec<(String, [usize; 5])> = p
        .types
        .iter()
        .map(|t| {
            (
                t.object_type.clone(),
                [t.to_upload, t.new, t.changed, t.unchanged, t.to_delete],
            )
        })
        .collect();
    rows.push((
        "entities".into(),
        [e.to_upload, e.created, e.updated, e.unchanged, e.deleted],
    ));
    rows.push((
        "relationships".into(),
        [r.to_upload, r.created, r.updated, r.unchanged, r.deleted],
    ));
    let heads = ["upload", "new", "changed", "unchanged", "delete"];
    let mut widths = heads.map(str::len);
    for (_, numbers) in &rows {
        for (w, n) in widths.iter_mut().zip(numbers) {
            *w = (*w).max(n.to_string().len());
        }
    }
    let numbers_width: usize = widths.iter().map(|w| w + 2).sum();
    let name_width = rows
        .iter()
        .map(|(n, _)| n.chars().count() + 2)
        .max()
        .unwrap_or(5)
        .min(width.saturating_sub(numbers_width).max(8));
    let format_row = |name: &str, cells: &[String]| {
        let mut s = format!("{:<name_width$}", fit(name, name_width));
        for (cell, w) in cells.iter().zip(widths) {
            s.push_str(&format!("  {cell:>w$}"));
        }
        s
    };
    lines.push(Line::styled(
        format_row("_type", &heads.map(str::to_owned)),
        bold,
    ));
    let types = p.types.len();
    for (i, (name, numbers)) in rows.iter().enumerate() {
        let cells = numbers.map(|n| n.to_string());
        if i >= types {
            lines.push(Line::styled(format_row(name, &cells), bold));
            continue;
        }
        let t = &p.types[i];
        let selected = i == state.selected;
        let mut style = if t.to_delete > 0 {
            Style::default().fg(Color::Yellow)
        } else {
            Style::default()
        };
        if selected {
            // The row Enter opens (Tab moves it), marked `›` too: readable without colour.
            style = style.add_modifier(Modifier::REVERSED);
        }
        let name = if selected {
            format!("› {name}")
        } else {
            format!("  {name}")
        };
        let mut spans = vec![Span::styled(format_row(&name, &cells), style)];
        if t.partial {
            spans.push(Span::styled(" (partial)", Style::default().fg(Color::Red)));
        }
        lines.push(Line::from(spans));
    }
}

/// Every line of the preview at `width` columns.
fn lines(state: &PreviewState, width: usize) -> Vec<Line<'static>> {
    let p = &state.preview;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let dim = Style::default().fg(Color::DarkGray);
    let red = Style::default().fg(Color::Red);
    let yellow = Style::default().fg(Color::Yellow);
    let mut lines: Vec<Line<'static>> = Vec::new();
    if !state.confirm.is_empty() {
        lines.push(Line::styled(
            "Confirm before syncing:",
            red.add_modifier(Modifier::BOLD),
        ));
        for reason in &state.confirm {
            para(&mut lines, &format!("  • {reason}"), width, 4, red);
        }
        para(
            &mut lines,
            if p.deletions.is_empty() {
                "  y: sync anyway   Esc: cancel"
            } else {
                "  y: sync anyway   Enter: list what it deletes   Esc: cancel"
            },
            width,
            2,
            bold,
        );
        lines.push(Line::default());
    }
    para(
        &mut lines,
        &format!("Target  {}", p.target.id()),
        width,
        8,
        Style::default(),
    );
    match &p.last_sync {
        Some(last) => para(
            &mut lines,
            &format!(
                "Against the last sync from here, job {} at {}",
                last.job_id, last.synced_at
            ),
            width,
            8,
            Style::default(),
        ),
        None => para(
            &mut lines,
            "Against nothing: first sync to this target from here",
            width,
            8,
            yellow,
        ),
    }
    if let Some(why) = &p.details_missing {
        para(
            &mut lines,
            &format!("Details missing: {why}"),
            width,
            8,
            yellow,
        );
    }
    let batches = state.plan.batches().len();
    para(
        &mut lines,
        &format!(
            "Upload  {} requests, {} (at most {} each), then finalize{}",
            batches,
            human_bytes(state.plan.total_bytes()),
            human_bytes(state.plan.max_batch_bytes() as u64),
            if state.plan.partial_types().is_empty() {
                ""
            } else {
                " with partial datasets"
            }
        ),
        width,
        8,
        Style::default(),
    );
    lines.push(Line::default());
    table(state, width, &mut lines);
    if !p.partial_datasets.is_empty() {
        lines.push(Line::default());
        para(
            &mut lines,
            "Partial datasets (sent as partialDatasets: JupiterOne deletes nothing of them)",
            width,
            0,
            red,
        );
        for (t, reasons) in &p.partial_datasets {
            for reason in reasons {
                para(
                    &mut lines,
                    &format!("  {t}: {reason}"),
                    width,
                    4,
                    Style::default(),
                );
            }
        }
    }
    if !p.oversized.is_empty() {
        lines.push(Line::default());
        para(
            &mut lines,
            &format!(
                "Too large for a request, uploaded shrunk ({}):",
                p.oversized.len()
            ),
            width,
            0,
            yellow,
        );
        for o in &p.oversized {
            para(&mut lines, &format!("  {o}"), width, 4, Style::default());
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
            para(&mut lines, &format!("  {f}"), width, 4, Style::default());
        }
    }
    if !p.deletions.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled(
            format!("To delete in JupiterOne ({}):", p.deletions.len()),
            yellow,
        ));
        for d in &p.deletions {
            para(
                &mut lines,
                &format!("  {}  {}", d.object_type, d.key),
                width,
                4,
                Style::default(),
            );
        }
    }
    lines.push(Line::default());
    para(
        &mut lines,
        "Any object's exact payload: Esc, select it in the tree, press v twice.",
        width,
        0,
        dim,
    );
    lines
}

/// Draws the preview from its offset (kept within it); returns the last useful offset.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) -> usize {
    let Some(state) = &app.preview else { return 0 };
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(fit(
            " Sync preview (s sync, Tab/Enter changes of a _type, Esc close) ",
            usize::from(area.width.saturating_sub(2)),
        ))
        .border_style(Style::default().fg(Color::Cyan));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = lines(state, usize::from(inner.width));
    super::scrolled(frame, inner, lines, state.offset)
}
