//! The login form: the reason it is shown, each field with its error or hint, and what Enter
//! does. Every text is wrapped to the box (never cut); server text is cleaned.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::text::clean;
use crate::tui::layout::{fit, wrap};
use crate::tui::login_form::LoginForm;

fn lines(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    wrap(&clean(text), width)
        .into_iter()
        .map(|l| Line::styled(l, style))
        .collect()
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, form: &LoginForm) {
    frame.render_widget(Clear, area);
    let title = if form.jupiterone_only {
        " JupiterOne key: stored in the OS keyring, never in a file "
    } else {
        " Keys: stored in the OS keyring, never in a file "
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(fit(title, usize::from(area.width.saturating_sub(2))))
        .border_style(Style::default().fg(Color::Cyan));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let reason = lines(&form.reason, width, Style::default().fg(Color::Yellow));
    let footer = if form.busy {
        "Checking the keys…".to_owned()
    } else if form.offer_this_run.is_some() {
        "Enter: use these keys for this run only (nothing is stored) · Esc: close".to_owned()
    } else if form.jupiterone_only {
        "Enter: check and store · Tab/↑/↓: next field · paste works · Esc: close".to_owned()
    } else {
        "Enter: check and store · Tab/↑/↓: next field · paste works · Esc: quit".to_owned()
    };
    let footer = lines(&footer, width, Style::default().fg(Color::DarkGray));
    let fields = form.fields();
    let notes: Vec<Vec<Line<'static>>> = fields
        .iter()
        .map(|field| {
            if let Some(e) = &form.errors[*field as usize] {
                lines(e, width, Style::default().fg(Color::Red))
            } else if let Some(h) = form.hint(*field) {
                lines(h, width, Style::default().fg(Color::Yellow))
            } else {
                Vec::new()
            }
        })
        .collect();
    // A blank row between the parts when they fit, none when they do not.
    let needed = reason.len() + footer.len() + notes.iter().map(|n| n.len() + 2).sum::<usize>();
    let gap = u16::from(needed + fields.len() < usize::from(inner.height));
    let mut constraints = vec![Constraint::Length(len(&reason) + gap)];
    for note in &notes {
        constraints.push(Constraint::Length(2 + len(note) + gap));
    }
    constraints.push(Constraint::Min(len(&footer)));
    let rows = Layout::vertical(constraints).split(inner);
    frame.render_widget(Paragraph::new(reason), rows[0]);
    for (i, (field, note)) in fields.iter().zip(notes).enumerate() {
        let [label, input, note_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(rows[i + 1]);
        let style = if form.focus == *field {
            Style::default()
                .add_modifier(Modifier::BOLD)
                .fg(Color::Cyan)
        } else {
            Style::default()
        };
        // The focused field is marked `>` too, which reads without colour.
        let mark = if form.focus == *field { "> " } else { "  " };
        frame.render_widget(
            Paragraph::new(Line::styled(format!("{mark}{}", field.label()), style)),
            label,
        );
        frame.render_widget(form.textarea(*field), input);
        frame.render_widget(Paragraph::new(note), note_area);
    }
    frame.render_widget(Paragraph::new(footer), rows[fields.len() + 1]);
}

fn len(lines: &[Line<'_>]) -> u16 {
    u16::try_from(lines.len()).unwrap_or(u16::MAX)
}
