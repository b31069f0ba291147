//! The explorer while the crawl runs: pages are delivered one by one (in shuffled orders)
//! into the streaming builder, each snapshot goes to the explorer as the crawl task sends
//! it, and the tree is checked after every page: nothing duplicated, group counts right,
//! the selection and open nodes kept; a refresh keeps the old tree; a failed crawl leaves
//! nothing to sync.

mod stream_common;

use std::collections::HashSet;
use std::sync::Arc;

use heroku_j1::estate::{Collector, ListFailure};
use heroku_j1::fake::heroku::{Dataset, Size};
use heroku_j1::graph::{self, Graph, StreamBuilder};
use heroku_j1::tui::action::{Action, Command};
use heroku_j1::tui::app::{App, Crawl, Endpoints};
use heroku_j1::tui::data::{Data, Loaded};
use heroku_j1::tui::tree::{NodeKind, Tree};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use stream_common::script_of;

fn loaded(graph: Graph, failures: Vec<ListFailure>) -> Loaded {
    Loaded {
        graph: Arc::new(graph),
        failures,
        heroku_user: None,
        heroku_user_id: None,
        requests: 1,
        rate_limit_remaining: None,
    }
}

fn crawling_app() -> App {
    let mut app = App::new(
        Endpoints {
            heroku_url: "http://127.0.0.1:1".into(),
            jupiterone: Some("fake JupiterOne (demo)".into()),
            demo: true,
        },
        120,
        40,
    );
    app.crawl = Some(Crawl { progress: None });
    app
}

fn selected_id(app: &App) -> Option<Box<str>> {
    let tree = app.tree()?;
    app.selected().map(|i| tree.node(i).id.clone())
}

/// Every node once, and every group's count is the number of nodes under it.
fn assert_sound(tree: &Tree, step: usize) {
    let ids: HashSet<&str> = tree.nodes().iter().map(|n| &*n.id).collect();
    assert_eq!(ids.len(), tree.len(), "step {step}: a node twice");
    let mut children = vec![0u32; tree.len()];
    for n in tree.nodes() {
        if let Some(p) = n.parent {
            children[p as usize] += 1;
        }
    }
    for (i, n) in tree.nodes().iter().enumerate() {
        assert_eq!(n.child_count, children[i], "step {step}: {}", n.label);
        if n.kind == NodeKind::Group {
            let count = n
                .label
                .rsplit_once('(')
                .and_then(|(_, c)| c.trim_end_matches(')').parse::<u32>().ok());
            assert_eq!(count, Some(children[i]), "step {step}: {}", n.label);
        }
    }
}

#[test]
fn the_tree_fills_in_page_by_page_and_the_selection_never_jumps() {
    let d = Dataset::generate(Size::Demo.counts(), 1);
    for seed in 0..4 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut app = crawling_app();
        let builder = StreamBuilder::new();
        let collector = Collector::default();
        let mut step = 0;
        let mut chosen: Option<Box<str>> = None;
        let mut opened: Option<Box<str>> = None;
        let mut entities = 0;
        script_of(&d, 4).play_with(&mut rng, &[&builder, &collector], || {
            let (graph, failures) = builder.snapshot();
            app.update(Action::CrawlLive(Box::new(Data::live(loaded(
                graph, failures,
            )))));
            let tree = app.tree().expect("a tree as soon as the accounts are read");
            if step == 0 {
                // The enterprise accounts come first, alone (with their groups, empty).
                let accounts = tree.nodes().iter().filter(|n| n.kind == NodeKind::Account);
                assert_eq!(accounts.count(), 2);
                assert!(
                    tree.nodes().iter().all(|n| n.kind == NodeKind::Account
                        || (n.kind == NodeKind::Group && n.child_count == 0)),
                    "{:?}",
                    tree.nodes().iter().map(|n| &n.label).collect::<Vec<_>>()
                );
            }
            assert_sound(tree, step);
            let graph = &app.data.as_ref().unwrap().loaded.graph;
            assert!(graph.entities().len() >= entities, "step {step}");
            entities = graph.entities().len();
            let len = tree.len();
            let first_parent = tree
                .nodes()
                .iter()
                .find(|n| n.has_children())
                .map(|n| n.id.clone());
            match &chosen {
                // Once there are a few nodes, pick one and keep it.
                None if len > 8 => {
                    for _ in 0..3 {
                        app.update(Action::Command(Command::Down));
                    }
                    app.update(Action::Command(Command::Unfold));
                    chosen = selected_id(&app);
                }
                None => {}
                Some(id) => {
                    assert_eq!(selected_id(&app).as_ref(), Some(id), "step {step}");
                }
            }
            // The first node with children is opened once, and stays open.
            match &opened {
                None => {
                    if let Some(id) = first_parent {
                        let mut ids = app.open_ids();
                        ids.insert(id.clone());
                        app.data.as_mut().unwrap().tree.restore_open(&ids);
                        opened = Some(id);
                    }
                }
                Some(id) => assert!(app.open_ids().contains(id), "step {step}: closed again"),
            }
            // Preview and sync wait for the whole estate.
            assert!(app.update(Action::Command(Command::Preview)).is_none());
            assert!(app.update(Action::Command(Command::Sync)).is_none());
            step += 1;
        });
        assert!(step > 50, "{step} steps");
        let chosen = chosen.expect("a node was chosen");
        // The crawl ends: the complete tree replaces the live one, selection kept.
        let (graph, failures) = builder.finish();
        app.update(Action::CrawlDone(Ok(Box::new(Data::new(loaded(
            graph, failures,
        ))))));
        assert!(app.data.as_ref().unwrap().complete);
        assert_eq!(selected_id(&app), Some(chosen));
        let estate = collector.into_estate(None);
        let batch = Tree::build(&graph::build(&estate), &estate.failures);
        let ids = |t: &Tree| t.nodes().iter().map(|n| n.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(app.tree().unwrap()), ids(&batch));
    }
}

/// Plays the estate (in the order of `seed`) and gives `app` the snapshot taken after
/// `calls` calls, as the crawl task would.
fn live_after(app: &mut App, d: &Dataset, seed: u64, calls: usize) {
    let builder = StreamBuilder::new();
    let mut n = 0;
    script_of(d, 10).play_with(&mut ChaCha8Rng::seed_from_u64(seed), &[&builder], || {
        n += 1;
        if n == calls {
            let (graph, failures) = builder.snapshot();
            app.update(Action::CrawlLive(Box::new(Data::live(loaded(
                graph, failures,
            )))));
        }
    });
}

#[test]
fn a_refresh_keeps_the_old_tree_until_the_new_one_is_complete() {
    let d = Dataset::generate(Size::Demo.counts(), 1);
    let collector = Collector::default();
    script_of(&d, 10).play(&mut ChaCha8Rng::seed_from_u64(7), &[&collector]);
    let estate = collector.into_estate(None);
    let mut app = crawling_app();
    app.update(Action::CrawlDone(Ok(Box::new(Data::new(loaded(
        graph::build(&estate),
        estate.failures.clone(),
    ))))));
    let before = app.tree().unwrap().len();
    // `r`: a new crawl whose first pages arrive.
    app.update(Action::Command(Command::Refresh));
    assert!(app.crawl.is_some());
    live_after(&mut app, &d, 8, 5);
    assert!(app.data.as_ref().unwrap().complete);
    assert_eq!(app.tree().unwrap().len(), before);
}

#[test]
fn a_crawl_that_fails_leaves_no_half_read_tree() {
    let d = Dataset::generate(Size::Demo.counts(), 1);
    let mut app = crawling_app();
    live_after(&mut app, &d, 3, 20);
    assert!(app.data.as_ref().is_some_and(|d| !d.complete));
    app.update(Action::CrawlDone(Err("the crawl was cancelled".into())));
    assert!(app.data.is_none());
    assert!(app.update(Action::Command(Command::Sync)).is_none());
}
