//! The help screen, generated from the keymap.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Clear, Row, Table, TableState};

use crate::tui::app::App;
use crate::tui::keymap::KEYMAP;
use crate::tui::overlay::Layer;
use crate::tui::tree::Markers;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    frame.render_widget(Clear, area);
    let mut rows = Vec::new();
    for (layer, title) in [
        (Layer::Browse, "Browsing"),
        (Layer::Search, "Searching"),
        (Layer::Preview, "Sync preview"),
        (Layer::Review, "Change review (Enter in the preview)"),
        (Layer::Keys, "Keys view (K)"),
        (Layer::Login, "Login form"),
        (Layer::QueryLine, "Query line (:)"),
        (Layer::QueryResults, "Query results"),
        (Layer::Questions, "Saved questions (Q)"),
    ] {
        rows.push(Row::new(vec![Cell::from(Line::styled(
            title,
            Style::default().add_modifier(Modifier::BOLD),
        ))]));
        for b in KEYMAP.iter().filter(|b| b.layers.contains(&layer)) {
            rows.push(Row::new(vec![
                Cell::from(Line::styled(
                    format!("  {}", b.label),
                    Style::default().fg(Color::Yellow),
                )),
                Cell::from(b.help),
            ]));
        }
    }
    rows.push(Row::new(vec![Cell::from(Line::styled(
        "Markers",
        Style::default().add_modifier(Modifier::BOLD),
    ))]));
    for (m, tag) in Markers::ALL {
        let what = match tag {
            "partial" => "a list Heroku did not return completely",
            "no 2FA" => "a user without two-factor authentication",
            "admin" => "enterprise `manage` permission, or team admin/owner",
            "SSO" => "a federated (single sign-on) user",
            "collaborator" => "a team member outside every enterprise account",
            "maintenance" => "an app in maintenance mode",
            "archived" => "an archived app",
            "deprovisioned" => "a deprovisioned add-on",
            _ => "an app other team members may join",
        };
        rows.push(Row::new(vec![
            Cell::from(Line::styled(
                format!("  [{tag}]"),
                super::tree::marker_style(m),
            )),
            Cell::from(what),
        ]));
    }
    let table = Table::new(rows, [Constraint::Length(16), Constraint::Min(20)]).block(
        Block::default()
            .borders(Borders::ALL)
            .title(" Help (j/k scroll, ? or Esc to close) "),
    );
    let mut state = TableState::default().with_offset(app.help_offset);
    frame.render_stateful_widget(table, area, &mut state);
}
