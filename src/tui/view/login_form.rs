//! The login form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::tui::login_form::{Field, LoginForm};

pub fn draw(frame: &mut Frame<'_>, area: Rect, form: &LoginForm) {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Keys: stored in the OS keyring, never in a file ")
        .border_style(Style::default().fg(Color::Cyan));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut constraints = vec![Constraint::Length(3)];
    constraints.extend([Constraint::Length(4); 4]);
    constraints.push(Constraint::Min(2));
    let rows = Layout::vertical(constraints).split(inner);
    frame.render_widget(
        Paragraph::new(form.reason.as_str())
            .wrap(Wrap { trim: true })
            .style(Style::default().fg(Color::Yellow)),
        rows[0],
    );
    for (i, field) in Field::ALL.iter().enumerate() {
        let [label, input, note] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(rows[i + 1]);
        let focused = form.focus == *field;
        let style = if focused {
            Style::default()
                .add_modifier(Modifier::BOLD)
                .fg(Color::Cyan)
        } else {
            Style::default()
        };
        frame.render_widget(Paragraph::new(Line::styled(field.label(), style)), label);
        frame.render_widget(form.textarea(*field), input);
        let note_line = if let Some(e) = &form.errors[i] {
            Line::styled(e.as_str(), Style::default().fg(Color::Red))
        } else if let Some(h) = form.hint(*field) {
            Line::styled(h, Style::default().fg(Color::Yellow))
        } else {
            Line::default()
        };
        frame.render_widget(Paragraph::new(note_line), note);
    }
    let footer = if form.busy {
        "Checking the keys with Heroku and JupiterOne…".to_owned()
    } else if let Some(why) = &form.offer_this_run {
        format!(
            "The OS keyring is unavailable ({why}). Enter again: use these keys for this run only (nothing is stored). Esc: quit."
        )
    } else {
        "Enter: check the keys and store them · Tab/↑/↓: next field · paste works · Esc: quit"
            .to_owned()
    };
    frame.render_widget(
        Paragraph::new(footer)
            .wrap(Wrap { trim: true })
            .style(Style::default().fg(Color::DarkGray)),
        rows[5],
    );
}
