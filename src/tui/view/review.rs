//! The change review: one `_type`'s new / changed / deleted objects (only the rows on screen
//! are laid out), and one object's diff: properties old → new with `+` added, `-` removed,
//! `~` changed (readable without colour), `_rawData` as a JSON diff, a relationship's ends by
//! name, for a new object the payload it uploads, and for a deleted one what JupiterOne
//! holds of it (the stored object's members).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use serde_json::Value;

use crate::jupiterone::{Kind, ObjectChange};
use crate::tui::app::{App, KIND_FILTERS, ReviewState};

/// Widest value shown in a diff row; longer ones are cut with `…`.
const VALUE_WIDTH: usize = 120;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let Some(r) = &app.review else { return };
    frame.render_widget(Clear, area);
    let type_name = r
        .set
        .types
        .get(r.type_index)
        .map_or("?", |t| t.object_type.as_str());
    let (title, lines) = match r.opened() {
        Some(o) => (
            format!(
                " {} {} (Esc back to the list) ",
                o.change.sign(),
                clean(&o.name)
            ),
            diff_lines(app, r, &o),
        ),
        None => (
            format!(" Changes of {type_name} (Enter diff, t kind, / search, Esc back) "),
            list_lines(app, r),
        ),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(Style::default().fg(Color::Cyan));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

const fn kind_style(kind: Kind) -> Style {
    Style::new().fg(match kind {
        Kind::New => Color::Green,
        Kind::Changed => Color::Yellow,
        Kind::Deleted => Color::Red,
    })
}

fn list_lines<'a>(app: &App, r: &'a ReviewState) -> Vec<Line<'a>> {
    let dim = Style::default().fg(Color::DarkGray);
    let mut lines = Vec::new();
    let t = r.set.types.get(r.type_index);
    let kind = KIND_FILTERS[r.kind].map_or("all", Kind::as_str);
    lines.push(Line::from(vec![
        Span::styled("Showing ", dim),
        Span::raw(format!(
            "{kind} ({} shown) · {} new, {} changed, {} deleted",
            r.rows.len(),
            t.map_or(0, |t| t.count(Kind::New)),
            t.map_or(0, |t| t.count(Kind::Changed)),
            t.map_or(0, |t| t.count(Kind::Deleted)),
        )),
    ]));
    lines.push(if r.searching || !r.query.is_empty() {
        Line::from(vec![
            Span::styled("Search  ", dim),
            Span::raw(format!(
                "/{}{}",
                clean(&r.query),
                if r.searching { "▏" } else { "" }
            )),
        ])
    } else {
        Line::default()
    });
    lines.push(match &r.set.details_missing {
        Some(why) => Line::styled(
            format!("Details missing: {why}"),
            Style::default().fg(Color::Yellow),
        ),
        None => Line::default(),
    });
    if r.rows.is_empty() {
        lines.push(Line::styled("  (nothing)", dim));
    }
    // Only the rows on screen.
    for (i, row) in r
        .rows
        .iter()
        .enumerate()
        .skip(r.offset)
        .take(app.review_page())
    {
        let Some(o) = r.object(*row) else { continue };
        let mut style = kind_style(o.change);
        if i == r.cursor {
            style = style.add_modifier(Modifier::REVERSED);
        }
        let detail = if o.change == Kind::Changed && !o.properties.is_empty() {
            let names: Vec<&str> = o.properties.iter().map(|p| p.name.as_str()).collect();
            format!("  ({})", names.join(", "))
        } else {
            String::new()
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{} {:<8} {}",
                    o.change.sign(),
                    o.change.as_str(),
                    clean(&o.name)
                ),
                style,
            ),
            Span::styled(clean(&detail).into_owned(), dim),
        ]));
    }
    lines
}

fn diff_lines<'a>(app: &App, r: &ReviewState, o: &ObjectChange) -> Vec<Line<'a>> {
    let dim = Style::default().fg(Color::DarkGray);
    let green = Style::default().fg(Color::Green);
    let red = Style::default().fg(Color::Red);
    let yellow = Style::default().fg(Color::Yellow);
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Change  ", dim),
            Span::styled(
                format!("{} {}", o.change.sign(), o.change.as_str()),
                kind_style(o.change),
            ),
        ]),
        Line::from(vec![
            Span::styled("_type   ", dim),
            Span::raw(clean(&o.object_type).into_owned()),
        ]),
        Line::from(vec![
            Span::styled("_key    ", dim),
            Span::raw(clean(&o.key).into_owned()),
        ]),
    ];
    for (label, end) in [("from    ", &o.from), ("to      ", &o.to)] {
        if let Some(end) = end {
            lines.push(Line::from(vec![
                Span::styled(label, dim),
                Span::raw(format!(
                    "{}  ({})",
                    clean(end.name.as_deref().unwrap_or("(unknown name)")),
                    clean(&end.key)
                )),
            ]));
        }
    }
    lines.push(Line::default());
    match o.change {
        Kind::Changed if o.properties.is_empty() => lines.push(Line::styled(
            r.set
                .details_missing
                .clone()
                .unwrap_or_else(|| "No property list: the stored state has no details.".into()),
            yellow,
        )),
        Kind::Changed => {
            for p in &o.properties {
                let (style, text) = match (&p.old, &p.new) {
                    (None, new) => (green, format!("+ {:<24} {}", p.name, short(new.as_ref()))),
                    (old, None) => (red, format!("- {:<24} {}", p.name, short(old.as_ref()))),
                    (old, new) => (
                        yellow,
                        format!(
                            "~ {:<24} {} → {}",
                            p.name,
                            short(old.as_ref()),
                            short(new.as_ref())
                        ),
                    ),
                };
                if p.diff.is_empty() {
                    lines.push(Line::styled(clean(&text).into_owned(), style));
                    continue;
                }
                lines.push(Line::styled(format!("~ {} (JSON diff)", p.name), yellow));
                for d in &p.diff {
                    let (style, text) = match (&d.old, &d.new) {
                        (None, new) => (green, format!("    + {} {}", d.path, short(new.as_ref()))),
                        (old, None) => (red, format!("    - {} {}", d.path, short(old.as_ref()))),
                        (old, new) => (
                            yellow,
                            format!(
                                "    ~ {} {} → {}",
                                d.path,
                                short(old.as_ref()),
                                short(new.as_ref())
                            ),
                        ),
                    };
                    lines.push(Line::styled(clean(&text).into_owned(), style));
                }
            }
        }
        Kind::New => {
            lines.push(Line::styled("Uploaded as new:", dim));
            let payload = app
                .preview
                .as_ref()
                .and_then(|p| p.plan.payload_of(&o.key))
                .and_then(|s| serde_json::from_str::<Value>(&s).ok());
            if let Some(Value::Object(map)) = payload {
                for (k, v) in map {
                    let text = format!("+ {k:<24} {}", short(Some(&v)));
                    lines.push(Line::styled(clean(&text).into_owned(), green));
                }
            }
        }
        Kind::Deleted => {
            lines.push(Line::styled(
                "JupiterOne holds this object from the last sync; this sync deletes it.",
                red,
            ));
            lines.push(Line::styled(
                format!("- {}", clean(&o.name)),
                red.add_modifier(Modifier::BOLD),
            ));
            if !o.properties.is_empty() {
                lines.push(Line::styled("What JupiterOne holds (removed):", dim));
            }
            for p in &o.properties {
                let text = format!("- {:<24} {}", p.name, short(p.old.as_ref()));
                lines.push(Line::styled(clean(&text).into_owned(), red));
            }
            if let Some(why) = &r.set.details_missing {
                lines.push(Line::styled(format!("Details missing: {why}"), yellow));
            }
        }
    }
    lines.into_iter().skip(r.diff_offset).collect()
}

/// A JSON value on one line, cut at [`VALUE_WIDTH`] characters (JSON escapes control
/// characters).
fn short(v: Option<&Value>) -> String {
    let text = v.map_or_else(|| "(none)".to_owned(), Value::to_string);
    if text.chars().count() <= VALUE_WIDTH {
        text
    } else {
        let mut cut: String = text.chars().take(VALUE_WIDTH - 1).collect();
        cut.push('…');
        cut
    }
}

/// Server-provided text without control characters.
fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| if c.is_control() { '\u{fffd}' } else { c })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}
