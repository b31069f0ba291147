//! The tree's `[new]` / `[changed]` markers against the last sync appear as soon as a crawl
//! completes, without opening the preview: the explorer's own tasks compare with the state a
//! real first sync (to the fake JupiterOne) left in the data folder, without a request to
//! JupiterOne; the findings filter "changed since last sync" lists exactly the objects that
//! differ, and `p` opens the preview made from the same change set (no second computation).

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use heroku_j1::estate::Estate;
use heroku_j1::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig};
use heroku_j1::graph::{self, Graph};
use heroku_j1::jupiterone::{JupiterOneClient, JupiterOneConfig, Kind, UploadOptions};
use heroku_j1::secrets::Secret;
use heroku_j1::tui::action::{Action, Command, Effect};
use heroku_j1::tui::app::{App, Crawl, Endpoints, FILTERS, SinceSync};
use heroku_j1::tui::clients::JupiterOneSetup;
use heroku_j1::tui::data::{Data, Loaded};
use heroku_j1::tui::overlay::Layer;
use heroku_j1::tui::tasks;
use heroku_j1::tui::tree::Markers;
use tokio::sync::mpsc::UnboundedReceiver;

fn loaded(estate: Estate) -> Loaded {
    Loaded {
        graph: Arc::new(graph::build(&estate)),
        failures: estate.failures,
        heroku_user: None,
        heroku_user_id: Some(common::DANA.into()),
        requests: 1,
        rate_limit_remaining: None,
    }
}

/// Starts `effect` as the event loop does, then applies every action the tasks send (and
/// starts the effects they return) until one matching `stop` has been applied.
async fn run(
    app: &mut App,
    ctx: &tasks::Context,
    rx: &mut UnboundedReceiver<Action>,
    effect: Option<Effect>,
    stop: fn(&Action) -> bool,
) {
    if let Some(e) = effect {
        tasks::start(e, app, ctx);
    }
    loop {
        let action = tokio::time::timeout(Duration::from_secs(60), rx.recv())
            .await
            .expect("the tasks answer")
            .expect("the channel stays open");
        let done = stop(&action);
        if let Some(e) = app.update(action) {
            tasks::start(e, app, ctx);
        }
        if done {
            return;
        }
    }
}

fn compared(a: &Action) -> bool {
    matches!(a, Action::Compared(_))
}

/// A crawl that completes with `estate`; returns what `update` asks for.
fn crawl_done(app: &mut App, estate: Estate) -> Option<Effect> {
    app.crawl = Some(Crawl { progress: None });
    app.update(Action::CrawlDone(Ok(Box::new(Data::new(loaded(estate))))))
}

/// Keys of the entities that are new in `after` or differ (as uploaded JSON) from `before`:
/// worked out here from the two graphs, independently of the change set.
fn differing(before: &Graph, after: &Graph) -> BTreeSet<String> {
    after
        .entities()
        .iter()
        .filter(|e| {
            before.entity(&e.key).is_none_or(|old| {
                serde_json::to_value(old).unwrap() != serde_json::to_value(e).unwrap()
            })
        })
        .map(|e| e.key.to_string())
        .collect()
}

/// Keys of the entities the tree marks `[new]` / `[changed]`, and those the visible rows
/// show with a marker.
fn marked(app: &App, visible_only: bool) -> BTreeSet<String> {
    let data = app.data.as_ref().unwrap();
    let tree = &data.tree;
    let rows: Vec<u32> = if visible_only {
        tree.visible().to_vec()
    } else {
        (0..u32::try_from(tree.len()).unwrap()).collect()
    };
    rows.into_iter()
        .map(|i| tree.node(i))
        .filter(|n| n.markers.0 & Markers::SINCE_SYNC.0 != 0)
        .filter_map(|n| n.entity)
        .map(|e| data.loaded.graph.entities()[e as usize].key.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markers_appear_after_the_crawl_without_opening_the_preview() {
    let j1 = tokio::task::spawn_blocking(|| FakeJupiterOne::start(FakeJupiterOneConfig::default()))
        .await
        .unwrap()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let ctx = tasks::Context {
        tx,
        cancel: tokio_util::sync::CancellationToken::new(),
        login: None,
        data_dir: None,
        drift: None,
    };
    let mut app = App::new(
        Endpoints {
            heroku_url: "http://127.0.0.1:1".into(),
            jupiterone: Some("fake JupiterOne".into()),
            demo: false,
        },
        120,
        40,
    );
    app.clients.jupiterone = Some(JupiterOneSetup {
        client: JupiterOneClient::new(JupiterOneConfig::new(
            j1.url(),
            j1.account(),
            Secret::new(j1.token().to_owned()),
        ))
        .unwrap(),
        data_dir: dir.path().join("data"),
        target: None,
        options: UploadOptions {
            poll_interval: Duration::from_millis(20),
            ..UploadOptions::default()
        },
    });
    let since_sync = FILTERS
        .iter()
        .position(|(m, _)| *m == Markers::SINCE_SYNC)
        .unwrap();

    // The estate at the first sync: one app with its old name, another not there yet.
    let mut before = common::estate();
    before.enterprise_accounts[0].teams[0].apps[0].name = "old-name".into();
    let later_app = before.enterprise_accounts[0].teams[0].apps.pop().unwrap();
    let before_graph = graph::build(&before);
    let effect = crawl_done(&mut app, before);
    assert!(
        matches!(effect, Some(Effect::Both(..) | Effect::Compare)),
        "{effect:?}"
    );
    assert_eq!(app.since_sync, SinceSync::Comparing);
    run(&mut app, &ctx, &mut rx, effect, compared).await;
    // No stored state yet: said once, not an error, and nothing marked.
    assert!(matches!(app.since_sync, SinceSync::NoSync { .. }));
    let status = app.status.clone().unwrap_or_default();
    assert!(status.contains("No sync to scope heroku-j1:"), "{status}");
    assert_eq!(app.layer(), Layer::Browse, "no popup");
    assert!(
        app.filter_name(since_sync)
            .ends_with("(no sync to this target yet)"),
        "{}",
        app.filter_name(since_sync)
    );
    assert!(marked(&app, false).is_empty());

    // The real first sync: `s` uses the preview prepared in the background (no new one),
    // asks first (a first sync), `y` uploads to the fake JupiterOne.
    assert!(app.update(Action::Command(Command::Sync)).is_none());
    assert_eq!(app.layer(), Layer::Preview, "{:?}", app.status);
    assert!(!app.preview.as_ref().unwrap().confirm.is_empty(), "it asks");
    let effect = app.update(Action::Command(Command::Confirm));
    assert!(matches!(effect, Some(Effect::Sync { .. })), "{effect:?}");
    run(&mut app, &ctx, &mut rx, effect, compared).await;
    assert!(
        matches!(
            app.since_sync,
            SinceSync::Marked {
                new: 0,
                changed: 0,
                details_missing: None
            }
        ),
        "{:?}",
        app.since_sync
    );
    assert!(dir.path().join("data/jupiterone-sync").is_dir());
    let requests_after_sync = j1.stats().total_requests;
    assert_eq!(app.layer(), Layer::Popup, "the sync's result");
    app.update(Action::Command(Command::Dismiss));

    // The estate drifts: the app renamed back, the other app added, Dana's 2FA turned off.
    let mut after = common::estate();
    after.enterprise_accounts[0].members[0].two_factor_authentication = Some(false);
    assert_eq!(
        after.enterprise_accounts[0].teams[0]
            .apps
            .last()
            .unwrap()
            .id,
        later_app.id
    );
    let after_graph = graph::build(&after);
    let expected = differing(&before_graph, &after_graph);
    for key in [common::API, common::DANA, &*later_app.id] {
        assert!(expected.contains(key), "{key} differs: {expected:?}");
    }

    // `r`: once the crawl completes the markers come, without `p`.
    let effect = crawl_done(&mut app, after);
    run(&mut app, &ctx, &mut rx, effect, compared).await;
    assert_eq!(app.layer(), Layer::Browse, "the preview stays closed");
    assert_eq!(marked(&app, false), expected);
    let data = app.data.as_ref().unwrap();
    let label_of = |key: &str| {
        let tree = &data.tree;
        tree.nodes()
            .iter()
            .filter(|n| {
                n.entity
                    .is_some_and(|e| &*data.loaded.graph.entities()[e as usize].key == key)
            })
            .map(|n| n.markers)
            .collect::<Vec<_>>()
    };
    assert!(
        label_of(&later_app.id)
            .iter()
            .all(|m| m.0 & Markers::NEW.0 != 0)
    );
    assert!(
        label_of(common::API)
            .iter()
            .all(|m| m.0 & Markers::CHANGED.0 != 0)
    );
    assert!(
        label_of(common::DANA)
            .iter()
            .all(|m| m.0 & Markers::CHANGED.0 != 0)
    );
    assert!(
        // The app and its add-on (billed to it, so not in the graph before) are new.
        matches!(
            app.since_sync,
            SinceSync::Marked {
                new: 2,
                changed: 2,
                ..
            }
        ),
        "{:?}",
        app.since_sync
    );

    // The filter entry lists exactly them.
    while app.filter != since_sync {
        app.update(Action::Command(Command::CycleFilter));
    }
    assert_eq!(app.filter_name(since_sync), "changed since last sync");
    assert_eq!(marked(&app, true), expected);

    // `p` opens the preview made from the same change set at once: no second computation.
    assert!(app.update(Action::Command(Command::Preview)).is_none());
    assert_eq!(app.layer(), Layer::Preview);
    let set = app.preview.as_ref().unwrap().preview.change_set();
    let in_preview: BTreeSet<String> = set
        .types
        .iter()
        .filter(|t| !t.relationship)
        .flat_map(|t| set.list(t, Kind::New).chain(set.list(t, Kind::Changed)))
        .map(|o| o.key)
        .collect();
    assert_eq!(in_preview, expected);
    // Comparing read the data folder only: nothing reached JupiterOne since the sync.
    assert_eq!(j1.stats().total_requests, requests_after_sync);
    tokio::task::spawn_blocking(move || drop(j1)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_without_stored_objects_still_marks_and_says_why_details_are_missing() {
    use heroku_j1::jupiterone::hash::{entity_hash, relationship_hash};
    use heroku_j1::jupiterone::{Target, preview, state, state_path_for};
    let dir = tempfile::tempdir().unwrap();
    let client = JupiterOneClient::new(JupiterOneConfig::new(
        "http://127.0.0.1:1",
        "account",
        Secret::new("j1-key".to_owned()),
    ))
    .unwrap();
    let data_dir = dir.path().join("data");
    let target = Target::default_scope(common::DANA);
    // The last sync, recorded by an older heroku-j1: hashes, no objects.
    let mut before = common::estate();
    before.enterprise_accounts[0].teams[0].apps[0].name = "old-name".into();
    let before_graph = Arc::new(graph::build(&before));
    let mut old = preview(&before_graph, &target, None).state_after(
        &before_graph,
        client.api_url(),
        client.account(),
        "job-1",
    );
    for (o, e) in old.entities.iter_mut().zip(before_graph.entities()) {
        assert_eq!(o.key, e.key.as_str());
        o.object = None;
        o.hash = Some(entity_hash(e));
    }
    for (o, r) in old
        .relationships
        .iter_mut()
        .zip(before_graph.relationships())
    {
        assert_eq!(o.key, r.key());
        o.object = None;
        o.hash = Some(relationship_hash(r));
    }
    let path = state_path_for(&client, &data_dir, &target);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    state::save(&path, &old).unwrap();

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let ctx = tasks::Context {
        tx,
        cancel: tokio_util::sync::CancellationToken::new(),
        login: None,
        data_dir: None,
        drift: None,
    };
    let mut app = App::new(Endpoints::default(), 120, 40);
    app.endpoints.jupiterone = Some("JupiterOne".into());
    app.clients.jupiterone = Some(JupiterOneSetup {
        client,
        data_dir,
        target: None,
        options: UploadOptions::default(),
    });
    let after = common::estate();
    let expected = differing(&before_graph, &graph::build(&common::estate()));
    assert!(expected.contains(common::API), "{expected:?}");
    let effect = crawl_done(&mut app, after);
    run(&mut app, &ctx, &mut rx, effect, compared).await;
    assert_eq!(marked(&app, false), expected, "{:?}", app.since_sync);
    let status = app.status.clone().unwrap_or_default();
    assert!(status.contains("older heroku-j1"), "{status}");
    assert_eq!(app.layer(), Layer::Browse, "not an error");
    let at = FILTERS
        .iter()
        .position(|(m, _)| *m == Markers::SINCE_SYNC)
        .unwrap();
    assert_eq!(
        app.filter_name(at),
        "changed since last sync (stored state without objects)"
    );
}
