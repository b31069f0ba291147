//! The help screen, generated from the keymap (its lines from [`keymap::help_lines`]) and
//! the markers. What a key does wraps under its column; [`draw`] returns how far the screen
//! can scroll, so that it stops at its last line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};

use crate::tui::app::App;
use crate::tui::keymap::{self, HelpLine};
use crate::tui::layout::{fit, wrap};
use crate::tui::tree::Markers;

/// The keys' column.
const KEYS: usize = 18;

fn marker_help(tag: &str) -> &'static str {
    match tag {
        "partial" => "a list Heroku did not return completely",
        "no 2FA" => "a user without two-factor authentication",
        "admin" => "enterprise `manage` permission, or team admin/owner",
        "SSO" => "a federated (single sign-on) user",
        "collaborator" => "a team member outside every enterprise account",
        "maintenance" => "an app in maintenance mode",
        "archived" => "an archived app",
        "deprovisioned" => "a deprovisioned add-on",
        "new" => "new since the last sync",
        "changed" => "changed since the last sync",
        _ => "an app other team members may join",
    }
}

/// Every line of the help screen at `width` columns.
fn lines(width: usize) -> Vec<Line<'static>> {
    let section = Style::default().add_modifier(Modifier::BOLD);
    let keys = Style::default().fg(Color::Yellow);
    let mut out = Vec::new();
    for line in keymap::help_lines(width, KEYS) {
        out.push(match line {
            HelpLine::Section(title) => Line::styled(fit(title, width), section),
            HelpLine::Key(label, what) => Line::from(vec![
                Span::styled(format!("  {label:<w$}", w = KEYS - 2), keys),
                Span::raw(what),
            ]),
        });
    }
    out.push(Line::styled("Markers", section));
    for (m, tag) in Markers::ALL {
        for (i, part) in wrap(marker_help(tag), width.saturating_sub(KEYS).max(10))
            .into_iter()
            .enumerate()
        {
            let tag = if i == 0 {
                format!("  [{tag}]")
            } else {
                String::new()
            };
            out.push(Line::from(vec![
                Span::styled(format!("{tag:<KEYS$}"), super::tree::marker_style(m)),
                Span::raw(part),
            ]));
        }
    }
    out
}

/// Draws the help from `app.help_offset` (kept within it); returns the last useful offset.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) -> usize {
    frame.render_widget(Clear, area);
    let block = Block::default().borders(Borders::ALL).title(fit(
        " Help (j/k scroll, ? or Esc to close) ",
        usize::from(area.width.saturating_sub(2)),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = lines(usize::from(inner.width));
    super::scrolled(frame, inner, lines, app.help_offset)
}
