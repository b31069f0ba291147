//! The explorer's change review of a deleted object: its diff shows what JupiterOne holds
//! of it (the members of the object the last sync stored), not only its name and key.

mod common;

use heroku_j1::jupiterone::Kind;
use heroku_j1::tui::action::{Action, Command};
use heroku_j1::tui::app::App;
use heroku_j1::tui::overlay::Layer;
use heroku_j1::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn cmd(app: &mut App, c: Command) {
    app.update(Action::Command(c));
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal.draw(|f| view::draw(f, app)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_deleted_objects_diff_shows_what_jupiterone_holds() {
    let mut app = common::review::app(120, 50);
    assert_eq!(app.layer(), Layer::Preview);
    // The first type with a deletion (the member this crawl lacks).
    let types = app.preview.as_ref().unwrap().preview.types.clone();
    let at = types
        .iter()
        .position(|t| t.to_delete > 0)
        .expect("a deletion");
    for _ in 0..at {
        cmd(&mut app, Command::NextType);
    }
    cmd(&mut app, Command::OpenChanges);
    assert_eq!(app.layer(), Layer::Review);
    // `t` until only the deleted ones are listed.
    for _ in 0..4 {
        let r = app.review.as_ref().unwrap();
        let kinds: Vec<Kind> = r
            .rows
            .iter()
            .map(|row| r.object(*row).unwrap().change)
            .collect();
        if !kinds.is_empty() && kinds.iter().all(|k| *k == Kind::Deleted) {
            break;
        }
        cmd(&mut app, Command::CycleKind);
    }
    cmd(&mut app, Command::OpenChanges);
    let o = app.review.as_ref().unwrap().opened().unwrap().clone();
    assert_eq!(o.change, Kind::Deleted);
    // The change set carries the stored object's members, each as removed.
    let key = o.properties.iter().find(|p| p.name == "_key").unwrap();
    assert_eq!(key.old.as_ref().unwrap(), &serde_json::json!(o.key));
    assert!(o.properties.iter().all(|p| p.new.is_none()));
    assert!(o.properties.len() >= 4, "{:?}", o.properties);
    // The screen lists them.
    let text = screen(&app);
    assert!(text.contains("What JupiterOne holds"), "{text}");
    for p in &o.properties {
        assert!(
            text.contains(&format!("- {}", p.name)),
            "{} is listed:\n{text}",
            p.name
        );
    }
}
