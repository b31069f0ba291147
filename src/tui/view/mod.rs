//! Views: everything on screen is drawn from `&App`. [`draw`] also reports how far each
//! scrolling view can scroll ([`Extents`]), which the event loop hands back to `update` so
//! that scrolling stops at the end. Without colour (`--color never`, `NO_COLOR`) the drawn
//! screen loses its colours, and whatever was marked by a background (the selected row, the
//! footer's keys) is shown in reverse video instead.

mod details;
mod footer;
mod header;
mod help;
mod loading;
mod login_form;
mod popup;
mod preview;
mod query;
mod questions;

mod review;
mod sync;
mod tree;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::app::App;
use super::layout::{self, Extents, centered};
use super::overlay::Overlay;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    draw_measured(frame, app);
}

/// Draws the whole screen and returns how far its scrolling views can scroll.
pub fn draw_measured(frame: &mut Frame<'_>, app: &App) -> Extents {
    let area = frame.area();
    let mut extents = Extents::default();
    if layout::too_small(area.width, area.height) {
        draw_too_small(frame, area);
        // Nothing was measured: the scroll positions wait for a usable size.
        extents = app.extents;
    } else {
        draw_screen(frame, area, app, &mut extents);
    }
    if !app.color {
        strip_colour(frame.buffer_mut());
    }
    extents
}

fn draw_too_small(frame: &mut Frame<'_>, area: Rect) {
    let text = format!(
        "Terminal too small ({}×{}): heroku-j1 needs at least {}×{}. Enlarge the window, or press q to quit.",
        area.width,
        area.height,
        layout::MIN_WIDTH,
        layout::MIN_HEIGHT
    );
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(Line::from(text)).wrap(Wrap { trim: true }),
        area,
    );
}

fn draw_screen(frame: &mut Frame<'_>, area: Rect, app: &App, extents: &mut Extents) {
    let [header, body, status, footer] = Layout::vertical([
        Constraint::Length(layout::BODY_TOP),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::draw(frame, header, app);
    match app.data.as_ref() {
        Some(data) => {
            let [left, right] = Layout::horizontal([
                Constraint::Length(layout::tree_width(area.width)),
                Constraint::Min(10),
            ])
            .areas(body);
            tree::draw(frame, left, app);
            if data.complete || app.crawl.is_none() {
                extents.details = details::draw(frame, right, app);
            } else {
                // The tree fills in while the crawl runs: its gauges stay, above the details.
                let [gauges, right] =
                    Layout::vertical([Constraint::Length(loading::HEIGHT), Constraint::Min(3)])
                        .areas(right);
                loading::draw(frame, gauges, app);
                extents.details = details::draw(frame, right, app);
            }
        }
        None => loading::draw(frame, body, app),
    }
    footer::draw_status(frame, status, app);
    footer::draw(frame, footer, app);
    // The help screen and the preview lie under the sync's progress, the rest above it.
    for overlay in app.overlays.iter().filter(|o| o.rank() == 0) {
        draw_overlay(frame, area, app, overlay, extents);
    }
    if let Some(run) = &app.syncing {
        sync::draw(frame, centered(area, 70, 30), run);
    }
    for overlay in app.overlays.iter().filter(|o| o.rank() > 0) {
        draw_overlay(frame, area, app, overlay, extents);
    }
}

fn draw_overlay(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    overlay: &Overlay,
    extents: &mut Extents,
) {
    let full = layout::overlay_area(area.width, area.height);
    match overlay {
        Overlay::Preview => extents.preview = preview::draw(frame, full, app),
        Overlay::Review => review::draw(frame, full, app),
        Overlay::Help => {
            extents.help = help::draw(frame, layout::help_area(area.width, area.height), app);
        }
        Overlay::Query { editing } => query::draw(frame, full, app, *editing),
        Overlay::Questions => questions::draw(frame, full, app),
        Overlay::Login(form) => login_form::draw(frame, centered(area, 80, 96), form),
        Overlay::Keys(text) => popup::draw(
            frame,
            area,
            "Keys (L replace, D delete, Esc close)",
            text,
            false,
        ),
        Overlay::ConfirmDelete => popup::draw_with_hint(
            frame,
            area,
            "Delete the stored keys?",
            "Delete the Heroku and JupiterOne keys from the OS keyring? The keys in use stay \
             in memory until you quit.",
            true,
            " y: delete · Esc: keep them ",
        ),
        Overlay::Notice { title, text } => popup::draw(frame, area, title, text, false),
        Overlay::Error(message) => popup::draw(frame, area, "Error", message, true),
    }
}

/// Removes every colour; a cell that stood out by its background is reversed instead, so
/// that the selected row and the footer's keys stay visible.
fn strip_colour(buffer: &mut Buffer) {
    for cell in &mut buffer.content {
        if cell.bg != Color::Reset {
            cell.modifier.insert(Modifier::REVERSED);
        }
        cell.fg = Color::Reset;
        cell.bg = Color::Reset;
    }
}

/// Draws `lines` in `area` from `offset` (kept within them); returns the last useful offset.
fn scrolled(frame: &mut Frame<'_>, area: Rect, lines: Vec<Line<'_>>, offset: usize) -> usize {
    let max = lines.len().saturating_sub(usize::from(area.height));
    let offset = offset.min(max);
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(offset).collect::<Vec<_>>()),
        area,
    );
    max
}
