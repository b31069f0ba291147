//! The explorer's query line and results across a refresh, actions in and state out (no
//! terminal): `r` runs the active query again on the new graph (rows of the old graph are
//! never shown), and a parse error's caret stays under the character it means however long
//! the query is.

mod common;

use std::sync::Arc;

use heroku_j1::graph::{self, Graph};
use heroku_j1::tui::action::{Action, Command, Effect};
use heroku_j1::tui::app::{App, Endpoints, FILTERS};
use heroku_j1::tui::data::{Data, Loaded};
use heroku_j1::tui::query_results::QueryResults;
use heroku_j1::tui::tree::Markers;
use heroku_j1::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn loaded() -> Loaded {
    let estate = common::estate();
    Loaded {
        graph: Arc::new(graph::build(&estate)),
        failures: estate.failures,
        heroku_user: Some("dana.reyes@acme.example".into()),
        heroku_user_id: Some(common::DANA.into()),
        requests: 11,
        rate_limit_remaining: Some(4489),
    }
}

fn app(width: u16) -> App {
    let mut app = App::new(
        Endpoints {
            heroku_url: "http://127.0.0.1:1".into(),
            jupiterone: None,
            demo: true,
        },
        width,
        30,
    );
    app.load(Data::new(loaded()));
    app
}

fn cmd(app: &mut App, c: Command) -> Option<Effect> {
    app.update(Action::Command(c))
}

fn type_query(app: &mut App, text: &str) {
    cmd(app, Command::StartQuery);
    app.update(Action::QueryPaste(text.into()));
}

/// What the query task does, without the thread: the query's rows, and the graph it ran on.
fn run(effect: Option<Effect>) -> (Action, Arc<Graph>) {
    let Some(Effect::RunQuery {
        title,
        query,
        graph,
        ..
    }) = effect
    else {
        panic!("expected a query to run, got {effect:?}");
    };
    let output = query.run(&graph);
    (
        Action::QueryDone(Box::new(QueryResults { title, output })),
        graph,
    )
}

fn loaded_graph(app: &App) -> Arc<Graph> {
    Arc::clone(&app.data.as_ref().unwrap().loaded.graph)
}

fn query_filter() -> usize {
    FILTERS
        .iter()
        .position(|(m, _)| *m == Markers::QUERY)
        .unwrap()
}

fn refresh(app: &mut App) -> Option<Effect> {
    app.update(Action::CrawlDone(Ok(Box::new(Data::new(loaded())))))
}

const QUERY: &str = "FIND User WITH mfaEnabled != true";

#[test]
fn a_refresh_runs_the_active_query_again_on_the_new_graph() {
    let mut app = app(100);
    type_query(&mut app, QUERY);
    let (done, _) = run(cmd(&mut app, Command::RunQuery));
    app.update(done);
    let rows = app.query.results.as_ref().unwrap().output.clone();
    assert!(!rows.is_empty());
    cmd(&mut app, Command::FilterToResults);
    assert_eq!(app.filter, query_filter());

    // `r` finished: the rows pointed into the old graph; the query runs on the new one.
    let effect = refresh(&mut app);
    assert!(
        app.query.results.is_none(),
        "rows of the old graph are gone"
    );
    assert_ne!(app.filter, query_filter(), "no filter on stale marks");
    let (done, graph) = run(effect);
    assert!(Arc::ptr_eq(&graph, &loaded_graph(&app)), "the new graph");
    // Its rows come, the tree is filtered to them again, then the questions are counted.
    let next = app.update(done);
    let again = &app.query.results.as_ref().unwrap().output;
    assert_eq!(again.rows, rows.rows, "the same estate: the same rows");
    assert_eq!(app.filter, query_filter(), "filtered to the new rows");
    assert!(
        app.tree().unwrap().visible().len() > 1,
        "the tree shows the rows"
    );
    match next {
        Some(Effect::RunQuestions(g)) => assert!(Arc::ptr_eq(&g, &loaded_graph(&app))),
        other => panic!("the questions are counted again after the query: {other:?}"),
    }

    // Without an active query a refresh only counts the questions.
    let mut plain = self::app(100);
    assert!(matches!(refresh(&mut plain), Some(Effect::RunQuestions(_))));
}

#[test]
fn rows_of_a_graph_replaced_while_the_query_ran_are_not_shown() {
    let mut app = app(100);
    type_query(&mut app, QUERY);
    let (stale, old) = run(cmd(&mut app, Command::RunQuery));
    // The crawl finishes while the query runs on the old graph: nothing more to start yet.
    assert!(refresh(&mut app).is_none(), "one query run at a time");
    assert!(!Arc::ptr_eq(&old, &loaded_graph(&app)));
    // The old graph's rows arrive: not shown, the query runs again on the new graph.
    let effect = app.update(stale);
    assert!(app.query.results.is_none(), "stale rows are not shown");
    assert!(app.query.running);
    let (done, graph) = run(effect);
    assert!(Arc::ptr_eq(&graph, &loaded_graph(&app)));
    let next = app.update(done);
    assert!(!app.query.running);
    assert!(!app.query.results.as_ref().unwrap().output.is_empty());
    assert!(matches!(next, Some(Effect::RunQuestions(_))));
}

/// The screen as lines of text.
fn screen(app: &App) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal.draw(|f| view::draw(f, app)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect()
        })
        .collect()
}

/// The character drawn right above the caret of the error line.
fn above_caret(lines: &[String]) -> (String, char) {
    let at = lines
        .iter()
        .position(|l| l.contains('^'))
        .unwrap_or_else(|| panic!("no caret:\n{}", lines.join("\n")));
    let col = lines[at].chars().position(|c| c == '^').expect("the caret");
    let above = lines[at - 1].chars().nth(col).expect("a character above");
    (lines[at - 1].clone(), above)
}

#[test]
fn the_caret_points_at_the_error_in_a_query_longer_than_the_line() {
    for width in [60, 100] {
        let mut app = app(width);
        let query = format!(
            "FIND User WITH {}mfaEnabled == true AND {}name ~= 'x'",
            "isAdmin = true AND ".repeat(6),
            "federated = false AND ".repeat(6)
        );
        assert!(query.len() > usize::from(width));
        type_query(&mut app, &query);
        assert!(
            cmd(&mut app, Command::RunQuery).is_none(),
            "it does not parse"
        );
        let lines = screen(&app);
        let (line, above) = above_caret(&lines);
        assert_eq!(above, '=', "{width} columns:\n{}", lines.join("\n"));
        assert!(line.contains("mfaEnabled =="), "{line}");
        // A key brings the editable line back, the whole query in it.
        app.update(Action::QueryPaste(" ".into()));
        assert!(app.query.error.is_none());
        // A short query that fits is shown whole, its caret under the error too.
        let mut app = self::app(width);
        type_query(&mut app, "FIND User WITH mfaEnabled == true");
        cmd(&mut app, Command::RunQuery);
        let (line, above) = above_caret(&screen(&app));
        assert_eq!(above, '=');
        assert!(
            line.contains(": FIND User WITH mfaEnabled == true"),
            "{line}"
        );
    }
}
