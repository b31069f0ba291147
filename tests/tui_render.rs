//! Render snapshots of the explorer's main screens on ratatui's `TestBackend`.

mod common;

use heroku_j1::collect::{Progress, StageProgress};
use heroku_j1::graph;
use heroku_j1::tui::action::{Action, Command};
use heroku_j1::tui::app::{App, Crawl, Endpoints};
use heroku_j1::tui::data::{Data, Loaded};
use heroku_j1::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn target() -> Endpoints {
    Endpoints {
        heroku_url: "http://127.0.0.1:5555".into(),
        jupiterone: None,
        demo: true,
    }
}

fn app(width: u16, height: u16) -> App {
    let estate = common::estate();
    let mut app = App::new(target(), width, height);
    app.load(Data::new(Loaded {
        graph: std::sync::Arc::new(graph::build(&estate)),
        failures: estate.failures,
        heroku_user: Some("dana.reyes@acme.example".into()),
        heroku_user_id: Some(common::DANA.into()),
        requests: 11,
        rate_limit_remaining: Some(4489),
    }));
    app
}

fn render(app: &App) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal.draw(|f| view::draw(f, app)).unwrap();
    terminal.backend().clone()
}

fn cmd(app: &mut App, c: Command) {
    app.update(Action::Command(c));
}

fn search(app: &mut App, text: &str) {
    cmd(app, Command::StartSearch);
    for c in text.chars() {
        app.update(Action::SearchInput(c));
    }
}

#[test]
fn tree_and_details() {
    let mut app = app(100, 30);
    search(&mut app, "acme-api");
    cmd(&mut app, Command::SearchConfirm);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn tree_at_80_by_24() {
    let mut app = app(80, 24);
    cmd(&mut app, Command::Down);
    cmd(&mut app, Command::Enter);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn user_details_with_relationships_focused() {
    let mut app = app(100, 30);
    search(&mut app, "lee.park");
    cmd(&mut app, Command::SearchConfirm);
    cmd(&mut app, Command::SwitchPane);
    cmd(&mut app, Command::Down);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn raw_json() {
    let mut app = app(100, 30);
    search(&mut app, "postgresql-rigid");
    cmd(&mut app, Command::SearchConfirm);
    cmd(&mut app, Command::ToggleRaw);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn search_in_progress() {
    let mut app = app(100, 30);
    search(&mut app, "bill");
    insta::assert_snapshot!(render(&app));
}

#[test]
fn help() {
    let mut app = app(100, 40);
    cmd(&mut app, Command::ToggleHelp);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn error_popup() {
    let mut app = app(100, 30);
    cmd(&mut app, Command::Refresh);
    app.update(Action::CrawlDone(Err(
        "Heroku rejected the API key (401 unauthorized). Check the key, or create a new one with `heroku authorizations:create --scope global`".into(),
    )));
    insta::assert_snapshot!(render(&app));
}

#[test]
fn partial_dataset_filter() {
    let mut app = app(100, 30);
    for _ in 0..8 {
        cmd(&mut app, Command::CycleFilter);
    }
    cmd(&mut app, Command::Bottom);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn loading() {
    let mut app = App::new(target(), 100, 30);
    let mut stages = [StageProgress::default(); 7];
    stages[0] = StageProgress {
        done: 1,
        total: 1,
        objects: 1,
        failed: 0,
    };
    stages[1] = StageProgress {
        done: 1,
        total: 1,
        objects: 2,
        failed: 0,
    };
    stages[2] = StageProgress {
        done: 2,
        total: 2,
        objects: 31,
        failed: 0,
    };
    stages[3] = StageProgress {
        done: 2,
        total: 2,
        objects: 6,
        failed: 0,
    };
    stages[4] = StageProgress {
        done: 3,
        total: 6,
        objects: 14,
        failed: 1,
    };
    stages[5] = StageProgress {
        done: 1,
        total: 6,
        objects: 7,
        failed: 0,
    };
    stages[6] = StageProgress {
        done: 0,
        total: 6,
        objects: 0,
        failed: 0,
    };
    app.crawl = Some(Crawl {
        progress: Some(Progress {
            stages,
            requests: 17,
            rate_limit_remaining: Some(4483),
            notice: None,
        }),
    });
    insta::assert_snapshot!(render(&app));
}

#[test]
fn sync_preview_with_confirmation() {
    let mut app = app(100, 40);
    app.endpoints.jupiterone = Some("fake JupiterOne".into());
    cmd(&mut app, Command::Sync);
    let graph = std::sync::Arc::clone(&app.data.as_ref().unwrap().loaded.graph);
    let target = heroku_j1::jupiterone::Target::default_scope(common::DANA);
    let preview = heroku_j1::jupiterone::preview(&graph, &target, None);
    let plan = heroku_j1::jupiterone::Plan::new(graph, target);
    app.update(Action::PreviewReady(Ok(Box::new((plan, preview)))));
    insta::assert_snapshot!(render(&app));
}

#[test]
fn upload_payload_view() {
    let mut app = app(100, 30);
    search(&mut app, "acme-api");
    cmd(&mut app, Command::SearchConfirm);
    cmd(&mut app, Command::ToggleRaw);
    cmd(&mut app, Command::ToggleRaw);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn login_form() {
    let mut app = App::new(
        Endpoints {
            heroku_url: "https://api.heroku.com".into(),
            jupiterone: None,
            demo: false,
        },
        100,
        30,
    );
    app.update(Action::NeedLogin(
        "no Heroku API key: run `heroku-j1 login --heroku` to store one in the OS keyring, or set HEROKU_API_KEY.".into(),
    ));
    for c in "HRKU-AAsecret-value-never-shown".chars() {
        app.update(Action::LoginInput(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        )));
    }
    let screen = render(&app).to_string();
    assert!(
        !screen.contains("secret-value"),
        "the key is masked on screen"
    );
    insta::assert_snapshot!(screen);
}

fn type_query(app: &mut App, text: &str) {
    cmd(app, Command::StartQuery);
    app.update(Action::QueryPaste(text.into()));
}

/// Runs the query as the task does, without the thread.
fn finish_query(app: &mut App, effect: Option<heroku_j1::tui::action::Effect>) {
    let Some(heroku_j1::tui::action::Effect::RunQuery {
        title,
        query,
        graph,
        ..
    }) = effect
    else {
        panic!("expected a query to run");
    };
    let output = query.run(&graph);
    app.update(Action::QueryDone(Box::new(
        heroku_j1::tui::query_results::QueryResults { title, output },
    )));
}

#[test]
fn query_error_with_caret() {
    let mut app = app(100, 30);
    type_query(&mut app, "FIND User WITH mfaEnabled == true");
    cmd(&mut app, Command::RunQuery);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn query_results_table() {
    let mut app = app(100, 30);
    type_query(&mut app, "FIND User");
    let effect = app.update(Action::Command(Command::RunQuery));
    finish_query(&mut app, effect);
    cmd(&mut app, Command::Down);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn query_results_with_returned_columns() {
    let mut app = app(100, 30);
    type_query(
        &mut app,
        "FIND User AS u THAT RELATES TO heroku_team AS t RETURN u.email, t.name, COUNT(t)",
    );
    let effect = app.update(Action::Command(Command::RunQuery));
    finish_query(&mut app, effect);
    insta::assert_snapshot!(render(&app));
}

/// 2026-12-01T00:00:00Z: `date.now` for the questions, so their counts never drift.
const NOW_MS: i64 = 1_796_083_200_000;

#[test]
fn questions_view_with_chart() {
    let mut app = app(110, 50);
    let graph = std::sync::Arc::clone(&app.data.as_ref().unwrap().loaded.graph);
    let counts = heroku_j1::tui::tasks::query::count_questions(&graph, None, NOW_MS);
    cmd(&mut app, Command::ShowQuestions);
    app.update(Action::QuestionsDone(counts));
    insta::assert_snapshot!(render(&app));
}

fn review_type(app: &mut App, object_type: &str) {
    let p = app.preview.as_ref().unwrap();
    let at = p
        .preview
        .types
        .iter()
        .position(|t| t.object_type == object_type)
        .unwrap();
    for _ in 0..at {
        cmd(app, Command::NextType);
    }
    cmd(app, Command::OpenChanges);
}

#[test]
fn change_review_type_list() {
    let mut app = common::review::app(100, 30);
    review_type(&mut app, "heroku_application");
    insta::assert_snapshot!(render(&app));
}

#[test]
fn change_review_entity_diff() {
    let mut app = common::review::app(110, 34);
    review_type(&mut app, "heroku_application");
    // The kind filter: changed ones only; the first one's diff.
    cmd(&mut app, Command::CycleKind);
    cmd(&mut app, Command::CycleKind);
    cmd(&mut app, Command::OpenChanges);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn change_review_relationship_diff_names_both_ends() {
    let mut app = common::review::app(110, 30);
    review_type(&mut app, "heroku_team_owns_application");
    cmd(&mut app, Command::OpenChanges);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn guard_lists_the_deletions() {
    let mut app = common::review::app(110, 40);
    cmd(&mut app, Command::Sync);
    insta::assert_snapshot!(render(&app));
}
