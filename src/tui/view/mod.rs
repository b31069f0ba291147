//! Views: everything on screen is drawn from `&App`.

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
use ratatui::layout::{Constraint, Layout, Rect};

use super::app::App;
use super::layout;
use super::overlay::Overlay;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
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
                details::draw(frame, right, app);
            } else {
                // The tree fills in while the crawl runs: its gauges stay, above the details.
                let [gauges, right] =
                    Layout::vertical([Constraint::Length(loading::HEIGHT), Constraint::Min(3)])
                        .areas(right);
                loading::draw(frame, gauges, app);
                details::draw(frame, right, app);
            }
        }
        None => loading::draw(frame, body, app),
    }
    footer::draw_status(frame, status, app);
    footer::draw(frame, footer, app);
    // The help screen and the preview lie under the sync's progress, the rest above it.
    for overlay in app.overlays.iter().filter(|o| o.rank() == 0) {
        draw_overlay(frame, area, app, overlay);
    }
    if let Some(run) = &app.syncing {
        sync::draw(
            frame,
            centered(area, 70, 20).union(Rect {
                height: 5,
                ..centered(area, 70, 20)
            }),
            run,
        );
    }
    for overlay in app.overlays.iter().filter(|o| o.rank() > 0) {
        draw_overlay(frame, area, app, overlay);
    }
}

fn draw_overlay(frame: &mut Frame<'_>, area: Rect, app: &App, overlay: &Overlay) {
    match overlay {
        Overlay::Preview => preview::draw(frame, centered(area, 94, 84), app),
        Overlay::Review => review::draw(frame, centered(area, 94, 84), app),
        Overlay::Help => help::draw(frame, centered(area, 90, 90), app),
        Overlay::Query { editing } => query::draw(frame, centered(area, 94, 84), app, *editing),
        Overlay::Questions => questions::draw(frame, centered(area, 94, 84), app),
        Overlay::Login(form) => login_form::draw(frame, centered(area, 80, 90), form),
        Overlay::Keys(text) => popup::draw(
            frame,
            centered(area, 70, 50),
            "Keys (L replace, D delete, Esc close)",
            text,
            false,
        ),
        Overlay::Notice { title, text } => {
            popup::draw(frame, centered(area, 70, 60), title, text, false);
        }
        Overlay::Error(message) => {
            popup::draw(frame, centered(area, 70, 50), "Error", message, true);
        }
    }
}

/// A rectangle of `percent_x` × `percent_y` of `area`, centred.
fn centered(area: Rect, percent_x: u16, percent_y: u16) -> Rect {
    let w = area.width * percent_x / 100;
    let h = area.height * percent_y / 100;
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
