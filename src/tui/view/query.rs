//! The query overlay: the J1QL line, a parse error under it with a caret at its position
//! (the line windowed around it when the query is longer than the line), and the rows in a
//! table. Only the rows on screen are turned into cells (a query can
//! return every entity of a large estate).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell as TableCell, Clear, Paragraph, Row, Table};

use crate::graph::Graph;
use crate::query::{Cell, Output};
use crate::tui::app::App;
use crate::tui::query_line::caret_window;

/// Text safe for the terminal, on one line.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, editing: bool) {
    frame.render_widget(Clear, area);
    let block = Block::default().borders(Borders::ALL).title(" J1QL query ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let error_lines = if app.query.error.is_some() { 3 } else { 0 };
    let [line, error, results] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(error_lines),
        Constraint::Min(1),
    ])
    .areas(inner);
    let [prompt, input] =
        Layout::horizontal([Constraint::Length(2), Constraint::Min(1)]).areas(line);
    frame.render_widget(Paragraph::new(": "), prompt);
    if let Some((text, e)) = &app.query.error {
        // Until the next key the line shows the part of the query the error is about (all
        // of it when it fits), so the caret under it is under the character it means however
        // long the query is; typing brings the editable line back.
        let (window, caret) = caret_window(text, e.position, usize::from(input.width));
        frame.render_widget(Paragraph::new(window), input);
        let red = Style::default().fg(Color::Red);
        let lines = vec![
            Line::styled(format!("  {}^", " ".repeat(caret)), red),
            Line::styled(format!("  {}", clean(&e.message)), red),
        ];
        frame.render_widget(Paragraph::new(lines), error);
    } else if editing {
        frame.render_widget(app.query.line.textarea(), input);
    } else {
        frame.render_widget(
            Paragraph::new(clean(&app.query.line.text())).style(Style::default().fg(Color::Gray)),
            input,
        );
    }
    draw_results(frame, results, app);
}

fn draw_results(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let dim = Style::default().fg(Color::DarkGray);
    let (Some(results), Some(graph)) = (&app.query.results, app.graph()) else {
        let text = if app.query.running {
            "Running…"
        } else {
            "Enter runs the query; ↑/↓ recall earlier ones."
        };
        frame.render_widget(Paragraph::new(Line::styled(text, dim)), area);
        return;
    };
    let out = &results.output;
    let [title, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let n = out.len();
    frame.render_widget(
        Paragraph::new(Line::styled(
            format!(
                "{}{} row{} — {}",
                if app.query.running { "running… " } else { "" },
                n,
                if n == 1 { "" } else { "s" },
                clean(&results.title)
            ),
            dim,
        )),
        title,
    );
    let height = usize::from(table.height.saturating_sub(1)).max(1);
    let cursor = app.query.cursor.min(n.saturating_sub(1));
    let first = (cursor + 1).saturating_sub(height);
    let single = single_entity(out);
    let header = if single {
        vec!["name".to_owned(), "_type".to_owned(), "_key".to_owned()]
    } else {
        out.columns.iter().map(|c| clean(c)).collect()
    };
    let widths: Vec<Constraint> = if single {
        vec![
            Constraint::Percentage(40),
            Constraint::Percentage(25),
            Constraint::Percentage(35),
        ]
    } else {
        let share = u16::try_from(100 / header.len().max(1)).unwrap_or(100);
        header
            .iter()
            .map(|_| Constraint::Percentage(share))
            .collect()
    };
    let rows: Vec<Row<'_>> = (first..n.min(first + height))
        .map(|r| {
            let cells = row_cells(out, graph, r, single);
            let style = if r == cursor {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Row::new(cells.into_iter().map(TableCell::from)).style(style)
        })
        .collect();
    let header = Row::new(header).style(Style::default().add_modifier(Modifier::BOLD));
    frame.render_widget(Table::new(rows, widths).header(header), table);
}

/// Whether each row is one entity (shown as name, `_type`, `_key`).
fn single_entity(out: &Output) -> bool {
    out.columns.len() == 1
        && out
            .rows
            .first()
            .is_none_or(|r| matches!(r.as_slice(), [Cell::Entity(_)]))
}

fn row_cells(out: &Output, graph: &Graph, row: usize, single: bool) -> Vec<String> {
    let Some(cells) = out.rows.get(row) else {
        return Vec::new();
    };
    if single && let Some(Cell::Entity(i)) = cells.first() {
        let e = &graph.entities()[*i];
        return vec![
            clean(e.display_name()),
            clean(e.entity_type.as_ref()),
            clean(&e.key),
        ];
    }
    cells
        .iter()
        .map(|c| match c {
            Cell::Entity(i) => clean(graph.entities()[*i].display_name()),
            Cell::Value(_) | Cell::Prop(..) => match c.value(graph) {
                None => "undefined".into(),
                Some(serde_json::Value::String(s)) => clean(&s),
                Some(v) => clean(&v.to_string()),
            },
            Cell::Count(n) => n.to_string(),
        })
        .collect()
}
