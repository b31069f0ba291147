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

/// Draws, hands the measured scroll limits to `update` (as the event loop does), draws again.
fn render_settled(app: &mut App) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    let mut extents = app.extents;
    terminal
        .draw(|f| extents = view::draw_measured(f, app))
        .unwrap();
    app.update(Action::Measured(extents));
    terminal.draw(|f| view::draw(f, app)).unwrap();
    terminal.backend().clone()
}

fn row_text(backend: &TestBackend, y: u16) -> String {
    let buffer = backend.buffer();
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol())
        .collect()
}

/// The screen row of the tree's cursor: the one whose first cell inside the border is `>`.
fn cursor_rows(backend: &TestBackend) -> Vec<u16> {
    let buffer = backend.buffer();
    (0..buffer.area.height)
        .filter(|&y| buffer[(1, y)].symbol() == ">")
        .collect()
}

/// Asserts the selected row stands out: marked `>`, and every cell of it (inside the tree's
/// border) reversed (no colour) or on the cursor's background (colour).
fn assert_selection_visible(backend: &TestBackend, app: &App) {
    use ratatui::style::{Color, Modifier};
    let rows = cursor_rows(backend);
    assert_eq!(rows.len(), 1, "one cursor row:\n{}", backend);
    let y = rows[0];
    let buffer = backend.buffer();
    let tree_inner = heroku_j1::tui::layout::tree_width(app.width) - 2;
    for x in 1..tree_inner {
        let cell = &buffer[(x, y)];
        if app.color {
            assert_ne!(
                cell.bg,
                Color::Reset,
                "cell {x} of the cursor row has no background"
            );
        } else {
            assert!(
                cell.modifier.contains(Modifier::REVERSED),
                "cell {x} of the cursor row is not reversed"
            );
        }
        assert!(
            cell.modifier.contains(Modifier::BOLD),
            "bold over the whole row"
        );
    }
    if !app.color {
        for cell in &buffer.content {
            assert_eq!(cell.fg, Color::Reset, "no colour anywhere");
            assert_eq!(cell.bg, Color::Reset, "no colour anywhere");
        }
    }
}

fn selected_app_screen(width: u16, height: u16, color: bool) -> (App, TestBackend) {
    let mut app = app(width, height);
    app.color = color;
    search(&mut app, "acme-api");
    cmd(&mut app, Command::SearchConfirm);
    let backend = render_settled(&mut app);
    assert_selection_visible(&backend, &app);
    (app, backend)
}

#[test]
fn app_at_80_by_24_in_colour() {
    let (_, backend) = selected_app_screen(80, 24, true);
    insta::assert_snapshot!(backend);
}

#[test]
fn app_at_80_by_24_without_colour() {
    let (_, backend) = selected_app_screen(80, 24, false);
    insta::assert_snapshot!(backend);
}

#[test]
fn app_at_200_by_50_in_colour() {
    let (_, backend) = selected_app_screen(200, 50, true);
    insta::assert_snapshot!(backend);
}

#[test]
fn app_at_200_by_50_without_colour() {
    let (_, backend) = selected_app_screen(200, 50, false);
    insta::assert_snapshot!(backend);
}

#[test]
fn the_selection_stays_visible_without_colour_when_the_details_pane_has_the_keyboard() {
    use ratatui::style::Modifier;
    let mut app = app(80, 24);
    app.color = false;
    search(&mut app, "lee.park");
    cmd(&mut app, Command::SearchConfirm);
    cmd(&mut app, Command::SwitchPane);
    let backend = render_settled(&mut app);
    assert_selection_visible(&backend, &app);
    // The selected relationship in the details pane: `>` and reversed too.
    let buffer = backend.buffer();
    let x = heroku_j1::tui::layout::tree_width(80) + 1;
    let y = (0..24)
        .find(|&y| buffer[(x, y)].symbol() == ">")
        .expect("the selected relationship is marked");
    assert!(buffer[(x + 2, y)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn a_terminal_too_small_gets_a_notice() {
    let app = app(30, 8);
    let screen = render(&app).to_string();
    assert!(screen.contains("Terminal too"), "{screen}");
    assert!(screen.contains("30×8"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn help_at_80_by_24_wraps_and_stops_at_its_last_line() {
    let mut app = app(80, 24);
    cmd(&mut app, Command::ToggleHelp);
    let first = render_settled(&mut app);
    assert!(first.to_string().contains("Browsing"), "opens at the top");
    cmd(&mut app, Command::Bottom);
    for _ in 0..5 {
        cmd(&mut app, Command::Down);
    }
    let screen = render_settled(&mut app);
    // The last line of the help sits on the row above the box's bottom border.
    let area = heroku_j1::tui::layout::help_area(80, 24);
    let last = row_text(&screen, area.y + area.height - 2);
    assert!(last.contains("[unlocked]"), "{screen}");
    // Nothing is cut: each line of help text ends within the box (a word is never split).
    insta::assert_snapshot!(screen);
}

#[test]
fn a_group_node_shows_its_children_with_their_markers() {
    let mut app = app(100, 30);
    search(&mut app, "acme-platform");
    cmd(&mut app, Command::SearchConfirm);
    cmd(&mut app, Command::Unfold);
    cmd(&mut app, Command::Down);
    let screen = render_settled(&mut app).to_string();
    assert!(screen.contains("Members (3)"), "{screen}");
    assert!(screen.contains("markers"), "the table's header: {screen}");
    assert!(screen.contains("[no 2FA]"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn long_values_wrap_in_the_details_at_80_by_24() {
    let mut app = app(80, 24);
    search(&mut app, "postgresql-rigid");
    cmd(&mut app, Command::SearchConfirm);
    let screen = render_settled(&mut app);
    insta::assert_snapshot!(screen);
}

#[test]
fn the_filter_title_keeps_its_count_whole() {
    let mut app = app(80, 24);
    for _ in 0..3 {
        cmd(&mut app, Command::CycleFilter);
    }
    let screen = render_settled(&mut app).to_string();
    let title = screen.lines().nth(2).unwrap();
    assert!(title.contains(" rows)"), "{title}");
    assert!(title.contains('…'), "the name gives way: {title}");
}

#[test]
fn a_long_error_wraps_whole_at_80_by_24() {
    let mut app = app(80, 24);
    let message = "The keys are correct, but they cannot be stored: no OS keyring is running (such as gnome-keyring or KeePassXC). Enter again to use them for this run only.";
    app.update(Action::CrawlDone(Err(message.into())));
    let screen = render_settled(&mut app).to_string();
    let flat: String = screen
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' ').to_owned() + " ")
        .collect();
    for word in message.split(' ') {
        assert!(
            flat.contains(word),
            "{word:?} is on screen whole:\n{screen}"
        );
    }
    assert!(screen.contains("Esc or Enter: close"), "{screen}");
}

#[test]
fn preview_columns_are_as_wide_as_their_numbers() {
    let mut app = app(100, 40);
    app.endpoints.jupiterone = Some("fake JupiterOne".into());
    cmd(&mut app, Command::Preview);
    let graph = std::sync::Arc::clone(&app.data.as_ref().unwrap().loaded.graph);
    let target = heroku_j1::jupiterone::Target::default_scope(common::DANA);
    let mut preview = heroku_j1::jupiterone::preview(&graph, &target, None);
    // The `huge` estate's counts.
    preview.totals.entities.to_upload = 154_503;
    preview.totals.entities.created = 154_503;
    preview.types[0].to_upload = 123_456;
    preview.types[0].new = 123_456;
    let plan = heroku_j1::jupiterone::Plan::new(graph, target);
    app.update(Action::PreviewReady(Ok(Box::new((plan, preview)))));
    let screen = render_settled(&mut app).to_string();
    let entities = screen
        .lines()
        .find(|l| l.contains("entities  "))
        .expect("the totals row");
    assert!(!entities.contains("154503154503"), "{entities}");
    let numbers: Vec<&str> = entities
        .split_whitespace()
        .filter(|w| w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(numbers[..2], ["154503", "154503"], "{entities}");
    assert!(
        screen.contains(" kB") || screen.contains(" MB"),
        "human sizes: {screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn search_matches_are_underlined_in_the_tree() {
    use ratatui::style::Modifier;
    let mut app = app(100, 30);
    search(&mut app, "acme-");
    let backend = render_settled(&mut app);
    let buffer = backend.buffer();
    let tree_width = heroku_j1::tui::layout::tree_width(100);
    let underlined: String = (0..30)
        .flat_map(|y| (0..tree_width).map(move |x| (x, y)))
        .filter(|&p| buffer[p].modifier.contains(Modifier::UNDERLINED))
        .map(|p| buffer[p].symbol().to_owned())
        .collect();
    assert!(underlined.starts_with("acme-acme-"), "{underlined:?}");
    assert!(
        underlined.chars().count().is_multiple_of(5),
        "only the match: {underlined:?}"
    );
}

#[test]
fn a_rejected_key_message_wraps_whole_in_the_login_form_at_80_by_24() {
    use heroku_j1::tui::action::LoginFailure;
    use heroku_j1::tui::login_form::Field;
    let mut app = App::new(target(), 80, 24);
    app.update(Action::NeedLogin("No Heroku API key.".into()));
    let message = "Heroku rejected this key (401 unauthorized): check that it is a current \
                   API key, e.g. from `heroku authorizations:create --scope global`";
    app.update(Action::LoginDone(Err(LoginFailure {
        field: Some(Field::HerokuKey),
        message: message.into(),
        keyring_unavailable: None,
    })));
    let screen = render_settled(&mut app).to_string();
    for word in message.split(' ') {
        assert!(screen.contains(word), "{word:?} whole on screen:\n{screen}");
    }
    assert!(
        screen.contains("Esc: quit"),
        "the form's last line shows:\n{screen}"
    );
}

#[test]
fn the_sync_progress_wraps_and_says_what_happens_at_80_by_24() {
    let mut app = app(80, 24);
    let job: heroku_j1::jupiterone::SyncJob = serde_json::from_value(serde_json::json!({
        "id": "0f8c2a54-1111-4a8b-9e6c-0d1f2a3b4c5d", "status": "FINALIZE_PENDING",
        "numEntitiesCreated": 127, "numEntitiesUpdated": 3, "numEntitiesDeleted": 1
    }))
    .unwrap();
    app.syncing = Some(heroku_j1::tui::app::SyncRun {
        last: Some(heroku_j1::jupiterone::SyncEvent::Processing {
            job_id: job.id.clone(),
            job,
        }),
    });
    let screen = render_settled(&mut app).to_string();
    assert!(screen.contains("finalizing the job"), "{screen}");
    assert!(!screen.contains("FINALIZE_PENDING"), "{screen}");
    for word in ["127", "entities", "created,", "updated,", "deleted"] {
        assert!(screen.contains(word), "{word:?}:\n{screen}");
    }
}

#[test]
fn server_text_shows_its_control_characters_as_replacement_marks() {
    // ratatui would silently drop the escape bytes; text::clean makes them visible marks, so
    // "team]0;pwned" can never pass for a clean name.
    let mut app = app(100, 30);
    app.update(Action::CrawlDone(Err(
        "Heroku said: team\u{1b}]0;pwned\u{7} is gone".into(),
    )));
    app.status = Some("status from \u{1b}[2Jserver".into());
    let screen = render_settled(&mut app).to_string();
    assert!(
        screen.contains("team\u{fffd}]0;pwned\u{fffd} is gone"),
        "{screen}"
    );
    assert!(screen.contains("status from \u{fffd}[2Jserver"), "{screen}");
    let mut app = App::new(target(), 100, 30);
    app.update(Action::NeedLogin("rejected: \u{1b}[31mred\u{1b}[0m".into()));
    let screen = render_settled(&mut app).to_string();
    assert!(screen.contains("\u{fffd}[31mred\u{fffd}[0m"), "{screen}");
}
