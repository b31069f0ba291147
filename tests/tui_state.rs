//! The explorer's state: actions in, state out (no terminal).

mod common;

use heroku_j1::graph;
use heroku_j1::tui::action::{Action, Command, Effect};
use heroku_j1::tui::app::{App, DetailView, Endpoints, Pane};
use heroku_j1::tui::data::{Data, Loaded};
use heroku_j1::tui::overlay::Layer;
use heroku_j1::tui::tree::{Markers, NodeKind};

fn loaded() -> Loaded {
    let estate = common::estate();
    Loaded {
        graph: std::sync::Arc::new(graph::build(&estate)),
        failures: estate.failures,
        heroku_user: Some("dana.reyes@acme.example".into()),
        heroku_user_id: Some(common::DANA.into()),
        requests: 11,
        rate_limit_remaining: Some(4489),
    }
}

fn app() -> App {
    let mut app = App::new(
        Endpoints {
            heroku_url: "http://127.0.0.1:1".into(),
            jupiterone: None,
            demo: true,
        },
        100,
        30,
    );
    app.load(Data::new(loaded()));
    app
}

fn cmd(app: &mut App, c: Command) -> Option<Effect> {
    app.update(Action::Command(c))
}

fn label(app: &App) -> String {
    let tree = app.tree().unwrap();
    tree.node(app.selected().unwrap()).label.to_string()
}

fn visible_labels(app: &App) -> Vec<String> {
    let tree = app.tree().unwrap();
    tree.visible()
        .iter()
        .map(|&i| {
            format!(
                "{}{}",
                "  ".repeat(tree.node(i).depth as usize),
                tree.node(i).label
            )
        })
        .collect()
}

#[test]
fn the_first_screen_shows_accounts_and_teams() {
    let app = app();
    assert_eq!(
        visible_labels(&app),
        vec![
            "acme",
            "  Members (3)",
            "  Teams (2)",
            "    acme-platform",
            "    acme-web"
        ]
    );
    assert_eq!(label(&app), "acme");
}

#[test]
fn moving_folding_and_unfolding() {
    let mut app = app();
    cmd(&mut app, Command::Down);
    cmd(&mut app, Command::Down);
    cmd(&mut app, Command::Down);
    assert_eq!(label(&app), "acme-platform");
    cmd(&mut app, Command::Unfold);
    assert!(visible_labels(&app).contains(&"      Apps (2)".to_string()));
    // l on an open node moves into it.
    cmd(&mut app, Command::Unfold);
    assert_eq!(label(&app), "Members (3)");
    cmd(&mut app, Command::Enter);
    assert!(
        visible_labels(&app)
            .iter()
            .any(|l| l.contains("Pat") || l.contains("pat@contractor.example"))
    );
    // h on an open node folds it, h again goes to the parent.
    cmd(&mut app, Command::Fold);
    assert!(
        !visible_labels(&app)
            .iter()
            .any(|l| l.contains("pat@contractor.example"))
    );
    cmd(&mut app, Command::Fold);
    assert_eq!(label(&app), "acme-platform");
    cmd(&mut app, Command::Bottom);
    assert_eq!(label(&app), *visible_labels(&app).last().unwrap().trim());
    cmd(&mut app, Command::Top);
    assert_eq!(label(&app), "acme");
    cmd(&mut app, Command::Up);
    assert_eq!(label(&app), "acme", "the cursor stops at the top");
}

#[test]
fn markers_for_what_security_engineers_look_for() {
    let app = app();
    let tree = app.tree().unwrap();
    let find = |needle: &str| {
        tree.nodes()
            .iter()
            .find(|n| n.label.contains(needle))
            .unwrap_or_else(|| panic!("{needle}"))
    };
    assert!(find("lee.park").markers.contains(Markers::NO_2FA));
    assert!(find("dana.reyes").markers.contains(Markers::ADMIN));
    assert!(find("sam.ortiz").markers.contains(Markers::FEDERATED));
    assert!(
        find("pat@contractor")
            .markers
            .contains(Markers::COLLABORATOR)
    );
    assert!(find("acme-api").markers.contains(Markers::MAINTENANCE));
    assert!(find("billing-worker").markers.contains(Markers::ARCHIVED));
    assert!(find("billing-worker").markers.contains(Markers::UNLOCKED));
    assert!(find("papertrail").markers.contains(Markers::DEPROVISIONED));
    let web_members = tree
        .nodes()
        .iter()
        .find(|n| n.id.ends_with(&format!("{}/members", common::WEB)))
        .unwrap();
    assert!(web_members.markers.contains(Markers::PARTIAL));
    assert!(web_members.partial.as_deref().unwrap().contains("global"));
    assert_eq!(web_members.kind, NodeKind::Group);
}

#[test]
fn search_finds_names_emails_and_ids_with_n_and_shift_n() {
    let mut app = app();
    cmd(&mut app, Command::StartSearch);
    assert_eq!(app.layer(), Layer::Search);
    for c in "papertrail".chars() {
        app.update(Action::SearchInput(c));
    }
    assert_eq!(
        label(&app),
        "papertrail-solid-67022",
        "a hidden match is revealed"
    );
    cmd(&mut app, Command::SearchConfirm);
    assert_eq!(app.layer(), Layer::Browse);

    // By e-mail: Lee appears under the account and under a team.
    cmd(&mut app, Command::StartSearch);
    for c in "lee.park@".chars() {
        app.update(Action::SearchInput(c));
    }
    let first = app.selected();
    assert_eq!(app.search.matches, 2);
    cmd(&mut app, Command::SearchConfirm);
    cmd(&mut app, Command::NextMatch);
    assert_ne!(app.selected(), first);
    cmd(&mut app, Command::PrevMatch);
    assert_eq!(app.selected(), first);

    // By id, and Esc goes back to where the search started.
    cmd(&mut app, Command::Top);
    cmd(&mut app, Command::StartSearch);
    for c in common::STOREFRONT.chars() {
        app.update(Action::SearchInput(c));
    }
    assert_eq!(label(&app), "storefront");
    cmd(&mut app, Command::SearchCancel);
    assert_eq!(label(&app), "acme");
}

#[test]
fn filters_cycle_through_findings() {
    let mut app = app();
    cmd(&mut app, Command::CycleFilter);
    assert_eq!(app.filter, 1);
    let rows = visible_labels(&app);
    assert!(rows.iter().any(|l| l.contains("lee.park")), "{rows:?}");
    assert!(!rows.iter().any(|l| l.contains("storefront")), "{rows:?}");
    // Every leaf shown has the marker.
    let tree = app.tree().unwrap();
    for &i in tree.visible() {
        assert!(tree.node(i).subtree.contains(Markers::NO_2FA));
    }
    for _ in 1..8 {
        cmd(&mut app, Command::CycleFilter);
    }
    assert_eq!(app.filter, 8, "partial datasets");
    assert!(
        visible_labels(&app)
            .iter()
            .any(|l| l.trim() == "Members (0)")
    );
    cmd(&mut app, Command::Dismiss);
    assert_eq!(app.filter, 0);
}

#[test]
fn details_list_relationships_and_enter_jumps() {
    let mut app = app();
    cmd(&mut app, Command::StartSearch);
    for c in "acme-api".chars() {
        app.update(Action::SearchInput(c));
    }
    cmd(&mut app, Command::SearchConfirm);
    let e = app.selected_entity().unwrap();
    assert_eq!(e.entity_type, "heroku_application");
    let related = app.related();
    assert_eq!(related.len(), 2);
    assert!(
        related
            .iter()
            .any(|r| r.outgoing && r.other_name == "postgresql-rigid-48213")
    );
    assert!(
        related
            .iter()
            .any(|r| !r.outgoing && r.other_name == "acme-platform" && r.verb == "OWNS")
    );
    let target = related.iter().position(|r| !r.outgoing).unwrap();
    cmd(&mut app, Command::SwitchPane);
    assert_eq!(app.focus, Pane::Details);
    for _ in 0..target {
        cmd(&mut app, Command::Down);
    }
    cmd(&mut app, Command::Enter);
    assert_eq!(app.focus, Pane::Tree);
    assert_eq!(label(&app), "acme-platform");
    cmd(&mut app, Command::ToggleRaw);
    assert_eq!(app.view, DetailView::Raw);
    cmd(&mut app, Command::ToggleRaw);
    assert_eq!(app.view, DetailView::Payload);
    cmd(&mut app, Command::ToggleRaw);
    assert_eq!(app.view, DetailView::Entity);
}

#[test]
fn refresh_keeps_selection_and_open_nodes() {
    let mut app = app();
    cmd(&mut app, Command::StartSearch);
    for c in "postgresql".chars() {
        app.update(Action::SearchInput(c));
    }
    cmd(&mut app, Command::SearchConfirm);
    let open_before = app.open_ids();
    assert!(matches!(
        cmd(&mut app, Command::Refresh),
        Some(Effect::StartCrawl)
    ));
    assert!(app.crawl.is_some());
    assert!(
        cmd(&mut app, Command::Refresh).is_none(),
        "one crawl at a time"
    );
    app.update(Action::CrawlDone(Ok(Box::new(Data::new(loaded())))));
    assert!(app.crawl.is_none());
    assert_eq!(label(&app), "postgresql-rigid-48213");
    assert_eq!(app.open_ids(), open_before);
}

#[test]
fn errors_pop_up_and_are_dismissed() {
    let mut app = app();
    cmd(&mut app, Command::Refresh);
    app.update(Action::CrawlDone(Err(
        "Heroku rejected the API key (401 unauthorized).".into(),
    )));
    assert_eq!(app.layer(), Layer::Popup);
    assert!(app.data.is_some(), "the old tree stays");
    cmd(&mut app, Command::Dismiss);
    assert!(app.overlays.error().is_none());
    assert!(matches!(cmd(&mut app, Command::Quit), Some(Effect::Quit)));
}

#[test]
fn help_toggles_and_page_keys_scroll() {
    let mut app = app();
    cmd(&mut app, Command::ToggleHelp);
    assert_eq!(app.layer(), Layer::Help);
    // What the draw measured: the help is 50 lines longer than its box.
    app.update(Action::Measured(heroku_j1::tui::layout::Extents {
        help: 50,
        ..Default::default()
    }));
    // j/k scroll the help, not the tree.
    let cursor = app.cursor;
    cmd(&mut app, Command::Down);
    cmd(&mut app, Command::Down);
    assert_eq!(app.help_offset, 2);
    assert_eq!(app.cursor, cursor);
    cmd(&mut app, Command::Up);
    assert_eq!(app.help_offset, 1);
    cmd(&mut app, Command::Dismiss);
    assert_eq!(app.layer(), Layer::Browse);
    app.tree().unwrap();
    // Open everything visible and page through a short screen.
    app.update(Action::Resize {
        width: 80,
        height: 10,
    });
    for _ in 0..6 {
        cmd(&mut app, Command::Down);
        cmd(&mut app, Command::Unfold);
    }
    cmd(&mut app, Command::Top);
    cmd(&mut app, Command::PageDown);
    assert!(app.cursor > 0);
    assert!(app.offset <= app.cursor);
    cmd(&mut app, Command::PageUp);
    assert_eq!(app.cursor, 0);
}

fn preview_ready(app: &App) -> Action {
    let graph = std::sync::Arc::clone(&app.data.as_ref().unwrap().loaded.graph);
    let target = heroku_j1::jupiterone::Target::default_scope(common::DANA);
    let preview = heroku_j1::jupiterone::preview(&graph, &target, None);
    let plan = heroku_j1::jupiterone::Plan::new(graph, target);
    Action::PreviewReady(Ok(Box::new((plan, preview))))
}

fn configured() -> App {
    let mut app = app();
    app.endpoints.jupiterone = Some("fake JupiterOne".into());
    app
}

#[test]
fn sync_without_jupiterone_opens_the_login_form_for_its_key_then_previews() {
    use heroku_j1::jupiterone::{JupiterOneClient, JupiterOneConfig, UploadOptions};
    use heroku_j1::secrets::Secret;
    use heroku_j1::tui::action::LoginOk;
    use heroku_j1::tui::clients::{Clients, JupiterOneSetup};
    use heroku_j1::tui::login_form::Field;
    let mut app = app();
    assert!(cmd(&mut app, Command::Sync).is_none());
    assert_eq!(app.layer(), Layer::Login, "not an error: the form");
    let form = app.overlays.login_form().unwrap();
    assert!(form.jupiterone_only);
    assert_eq!(form.focus, Field::JupiterOneAccount);
    assert!(!form.fields().contains(&Field::HerokuKey));
    assert!(form.reason.contains("JupiterOne"), "{}", form.reason);
    // Submitting without the account names the field to fix.
    assert!(cmd(&mut app, Command::Submit).is_none());
    let form = app.overlays.login_form().unwrap();
    assert!(form.errors[Field::JupiterOneAccount as usize].is_some());
    // The key checked and stored: on to the preview, then the sync `s` asked for.
    let client = JupiterOneClient::new(JupiterOneConfig::new(
        "http://127.0.0.1:1",
        "account",
        Secret::new("j1-key".to_owned()),
    ))
    .unwrap();
    let effect = app.update(Action::LoginDone(Ok(LoginOk {
        clients: Clients {
            heroku: None,
            jupiterone: Some(JupiterOneSetup {
                client,
                data_dir: std::env::temp_dir(),
                target: None,
                options: UploadOptions::default(),
            }),
        },
        stored: "Keys checked and stored in the OS keyring".into(),
    })));
    assert!(matches!(effect, Some(Effect::Preview)), "{effect:?}");
    assert!(app.crawl.is_none(), "Heroku is not read again");
    assert!(app.endpoints.jupiterone.is_some());
    let ready = preview_ready(&app);
    app.update(ready);
    assert!(
        !app.preview.as_ref().unwrap().confirm.is_empty(),
        "s went on to the sync, which asks first on a first sync"
    );
}

#[test]
fn esc_on_the_jupiterone_form_closes_it_and_forgets_the_sync() {
    let mut app = app();
    cmd(&mut app, Command::Preview);
    assert_eq!(app.layer(), Layer::Login);
    assert!(cmd(&mut app, Command::Dismiss).is_none(), "never quits");
    assert_eq!(app.layer(), Layer::Browse);
}

#[test]
fn without_a_keyring_to_log_in_with_sync_says_how_to_configure_jupiterone() {
    let mut app = app();
    app.can_login = false;
    assert!(cmd(&mut app, Command::Sync).is_none());
    assert!(app.overlays.error().unwrap().contains("JUPITERONE_API_KEY"));
}

#[test]
fn s_previews_first_and_a_first_sync_asks_for_confirmation() {
    let mut app = configured();
    assert!(matches!(
        cmd(&mut app, Command::Sync),
        Some(Effect::Preview)
    ));
    let ready = preview_ready(&app);
    // The demo estate has partial datasets and this is a first sync: the guard asks.
    assert!(app.update(ready).is_none());
    assert_eq!(app.layer(), Layer::Preview);
    let confirm = &app.preview.as_ref().unwrap().confirm;
    assert!(
        confirm.iter().any(|r| r.contains("first sync")),
        "{confirm:?}"
    );
    assert!(confirm.iter().any(|r| r.contains("partial")), "{confirm:?}");
    // The footer offers y only while the preview asks.
    let hints: Vec<_> = heroku_j1::tui::keymap::footer(app.layer(), app.keymap_context()).collect();
    assert!(hints.contains(&("y", "yes, sync")), "{hints:?}");
    assert!(app.syncing.is_none());
    // y syncs exactly the previewed plan.
    let effect = cmd(&mut app, Command::Confirm);
    let Some(Effect::Sync { plan, .. }) = effect else {
        panic!("expected a sync")
    };
    assert!(std::sync::Arc::ptr_eq(
        plan.graph(),
        &app.data.as_ref().unwrap().loaded.graph
    ));
    assert!(app.syncing.is_some());
    assert!(cmd(&mut app, Command::Sync).is_none(), "one sync at a time");
}

#[test]
fn esc_cancels_the_confirmation_and_p_reopens_the_fresh_preview() {
    let mut app = configured();
    assert!(matches!(
        cmd(&mut app, Command::Preview),
        Some(Effect::Preview)
    ));
    let ready = preview_ready(&app);
    assert!(app.update(ready).is_none(), "p alone never syncs");
    assert!(app.preview.as_ref().unwrap().confirm.is_empty());
    let hints: Vec<_> = heroku_j1::tui::keymap::footer(app.layer(), app.keymap_context()).collect();
    assert!(
        !hints.contains(&("y", "yes, sync")),
        "nothing to say yes to: {hints:?}"
    );
    cmd(&mut app, Command::Sync);
    assert!(!app.preview.as_ref().unwrap().confirm.is_empty());
    cmd(&mut app, Command::Dismiss);
    assert_eq!(app.layer(), Layer::Browse);
    assert!(app.syncing.is_none());
    assert!(
        cmd(&mut app, Command::Confirm).is_none(),
        "nothing to confirm any more"
    );
    // The preview is still fresh: p shows it without recomputing.
    assert!(cmd(&mut app, Command::Preview).is_none());
    assert_eq!(app.layer(), Layer::Preview);
    // After a refresh the graph is new, so the preview is recomputed.
    cmd(&mut app, Command::Dismiss);
    cmd(&mut app, Command::Refresh);
    app.update(Action::CrawlDone(Ok(Box::new(Data::new(loaded())))));
    assert!(!app.preview_is_fresh());
    assert!(matches!(
        cmd(&mut app, Command::Preview),
        Some(Effect::Preview)
    ));
}

#[test]
fn a_missing_key_opens_the_login_form_which_checks_before_storing() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use heroku_j1::tui::action::{LoginFailure, LoginOk};
    use heroku_j1::tui::clients::Clients;
    use heroku_j1::tui::login_form::Field;
    let mut app = App::new(
        Endpoints {
            heroku_url: "http://127.0.0.1:1".into(),
            jupiterone: None,
            demo: false,
        },
        100,
        30,
    );
    app.update(Action::NeedLogin(
        "no Heroku API key: run `heroku-j1 login --heroku`".into(),
    ));
    assert_eq!(app.layer(), Layer::Login);
    // An empty form is not submitted.
    assert!(cmd(&mut app, Command::Submit).is_none());
    assert!(app.overlays.login_form().unwrap().errors[0].is_some());
    // Typing and pasting go into the focused field; Tab moves on.
    for c in "HRKU-AAbad".chars() {
        app.update(Action::LoginInput(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
    cmd(&mut app, Command::NextField);
    app.update(Action::LoginPaste(
        "fa4e0000-j1ac-4000-8000-000000000001\n".into(),
    ));
    cmd(&mut app, Command::NextField);
    cmd(&mut app, Command::NextField);
    app.update(Action::LoginPaste("eu".into()));
    let Some(Effect::Login(request)) = cmd(&mut app, Command::Submit) else {
        panic!("submitted")
    };
    assert_eq!(request.heroku_key.as_ref().unwrap().expose(), "HRKU-AAbad");
    assert_eq!(
        request.jupiterone_account.as_deref(),
        Some("fa4e0000-j1ac-4000-8000-000000000001")
    );
    assert_eq!(request.jupiterone_region.as_deref(), Some("eu"));
    assert!(request.jupiterone_key.is_none());
    assert!(
        !format!("{request:?}").contains("HRKU-AAbad"),
        "Debug shows no key"
    );
    assert!(app.overlays.login_form().unwrap().busy);
    // Rejected: the key is cleared, the rest is kept, the error is inline.
    app.update(Action::LoginDone(Err(LoginFailure {
        field: Some(Field::HerokuKey),
        message: "Heroku rejected the API key (401 unauthorized)".into(),
        keyring_unavailable: None,
    })));
    let form = app.overlays.login_form().unwrap();
    assert!(!form.busy);
    assert!(
        form.textarea(Field::HerokuKey).lines().join("").is_empty(),
        "the rejected key is not kept"
    );
    assert_eq!(
        form.textarea(Field::JupiterOneAccount).lines().join(""),
        "fa4e0000-j1ac-4000-8000-000000000001"
    );
    assert!(form.errors[0].as_deref().unwrap().contains("rejected"));
    // The keyring is unavailable: the next submit is for this run only.
    for c in "HRKU-AAgood".chars() {
        app.update(Action::LoginInput(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
    app.update(Action::LoginDone(Err(LoginFailure {
        field: None,
        message: "The keys are correct, but the OS keyring cannot store them.".into(),
        keyring_unavailable: Some("no Secret Service".into()),
    })));
    let Some(Effect::Login(request)) = cmd(&mut app, Command::Submit) else {
        panic!("submitted")
    };
    assert!(request.this_run_only);
    let effect = app.update(Action::LoginDone(Ok(LoginOk {
        clients: Clients::default(),
        stored: "Keys kept for this run only".into(),
    })));
    assert!(matches!(effect, Some(Effect::StartCrawl)));
    assert!(app.overlays.login_form().is_none());
    assert!(app.crawl.is_some());
}

#[test]
fn esc_on_the_login_form_without_any_data_quits() {
    let mut app = App::new(Endpoints::default(), 100, 30);
    app.update(Action::NeedLogin("no key".into()));
    assert!(matches!(
        cmd(&mut app, Command::Dismiss),
        Some(Effect::Quit)
    ));
}

#[test]
fn the_keys_view_offers_replace_and_delete() {
    let mut app = app();
    assert!(matches!(
        cmd(&mut app, Command::ShowKeys),
        Some(Effect::KeyStatus)
    ));
    app.update(Action::KeysInfo(
        "Heroku API key: HRKU-…abcd from keyring".into(),
    ));
    assert_eq!(app.layer(), Layer::Keys);
    cmd(&mut app, Command::ShowLogin);
    assert_eq!(app.layer(), Layer::Login);
    cmd(&mut app, Command::Dismiss);
    assert_eq!(
        app.layer(),
        Layer::Browse,
        "with data loaded, Esc only closes the form"
    );
    cmd(&mut app, Command::ShowKeys);
    app.update(Action::KeysInfo("…".into()));
    // D asks first: Esc keeps the keys, y deletes them.
    assert!(cmd(&mut app, Command::DeleteKeys).is_none());
    assert_eq!(app.layer(), Layer::Confirm);
    assert!(cmd(&mut app, Command::Dismiss).is_none());
    assert_eq!(app.layer(), Layer::Browse);
    cmd(&mut app, Command::ShowKeys);
    app.update(Action::KeysInfo("…".into()));
    cmd(&mut app, Command::DeleteKeys);
    assert!(matches!(
        cmd(&mut app, Command::Confirm),
        Some(Effect::DeleteKeys)
    ));
    assert_eq!(app.layer(), Layer::Browse);
}

#[test]
fn the_confirmation_answers_to_y_and_n_from_the_keymap() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use heroku_j1::tui::keymap::{self, Context};
    let ctx = Context {
        details: false,
        next_view: "raw JSON",
        asking: false,
    };
    let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert_eq!(
        keymap::lookup(Layer::Confirm, ctx, &key('y')),
        Some(Command::Confirm)
    );
    assert_eq!(
        keymap::lookup(Layer::Confirm, ctx, &key('n')),
        Some(Command::Dismiss)
    );
    assert_eq!(keymap::lookup(Layer::Confirm, ctx, &key('d')), None);
}

#[test]
fn in_the_demo_d_says_nothing_is_stored() {
    let mut app = app();
    app.can_login = false;
    app.update(Action::KeysInfo("Demo: …".into()));
    assert!(cmd(&mut app, Command::DeleteKeys).is_none());
    assert_eq!(app.layer(), Layer::Popup, "not a silent close");
    let notice = app
        .overlays
        .iter()
        .find_map(|o| match o {
            heroku_j1::tui::overlay::Overlay::Notice { text, .. } => Some(text.clone()),
            _ => None,
        })
        .unwrap();
    assert!(notice.contains("nothing to delete"), "{notice}");
}

#[test]
fn footer_hints_follow_the_pane_and_the_view() {
    use heroku_j1::tui::keymap;
    let mut app = app();
    let hints = |app: &App| -> Vec<(&str, &str)> {
        keymap::footer(app.layer(), app.keymap_context()).collect()
    };
    assert!(hints(&app).contains(&("Enter", "open")));
    assert!(!hints(&app).contains(&("Enter", "jump")));
    assert!(hints(&app).contains(&("v", "raw JSON")));
    cmd(&mut app, Command::ToggleRaw);
    assert!(hints(&app).contains(&("v", "payload")));
    cmd(&mut app, Command::ToggleRaw);
    assert!(hints(&app).contains(&("v", "entity")));
    cmd(&mut app, Command::SwitchPane);
    assert!(hints(&app).contains(&("Enter", "jump")));
    assert!(!hints(&app).contains(&("Enter", "open")));
    // The help says v cycles three views.
    let v = keymap::KEYMAP
        .iter()
        .find(|b| b.command == Command::ToggleRaw)
        .unwrap();
    assert!(v.help.contains("three"), "{}", v.help);
}

#[test]
fn pasting_into_search_keeps_the_whole_text_and_counts_the_matches() {
    let mut app = app();
    cmd(&mut app, Command::StartSearch);
    app.update(Action::SearchPaste("acme-\u{1b}[2Jweb\nsecond line".into()));
    assert_eq!(
        app.search.query, "acme-[2Jweb",
        "first line, no control characters"
    );
    cmd(&mut app, Command::SearchCancel);
    cmd(&mut app, Command::StartSearch);
    app.update(Action::SearchPaste("acme-".into()));
    assert_eq!(app.search.query, "acme-");
    assert!(app.search.matches >= 2, "{}", app.search.matches);
    assert_eq!(app.search.current, 1);
    cmd(&mut app, Command::NextMatch);
    assert_eq!(app.search.current, 2);
    cmd(&mut app, Command::PrevMatch);
    assert_eq!(app.search.current, 1);
    cmd(&mut app, Command::PrevMatch);
    assert_eq!(
        app.search.current, app.search.matches,
        "wraps to the last match"
    );
}

#[test]
fn help_reopens_at_the_top_and_scrolling_stops_at_the_measured_end() {
    use heroku_j1::tui::layout::Extents;
    let mut app = app();
    cmd(&mut app, Command::ToggleHelp);
    app.update(Action::Measured(Extents {
        help: 7,
        preview: 0,
        details: 0,
    }));
    for _ in 0..20 {
        cmd(&mut app, Command::Down);
    }
    assert_eq!(app.help_offset, 7, "never past the end");
    cmd(&mut app, Command::PageDown);
    assert_eq!(app.help_offset, 7);
    cmd(&mut app, Command::Up);
    assert_eq!(app.help_offset, 6, "one key back up");
    cmd(&mut app, Command::ToggleHelp);
    cmd(&mut app, Command::ToggleHelp);
    assert_eq!(app.help_offset, 0, "help reopens at its top");
    cmd(&mut app, Command::Bottom);
    assert_eq!(app.help_offset, 7);
}

#[test]
fn the_mouse_wheel_scrolls_the_details_pane_under_it() {
    use heroku_j1::tui::layout::{self, Extents};
    let mut app = app();
    cmd(&mut app, Command::ToggleRaw);
    app.update(Action::Measured(Extents {
        help: 0,
        preview: 0,
        details: 5,
    }));
    let over_details = layout::tree_width(app.width) + 3;
    let cursor = app.cursor;
    app.update(Action::Scroll {
        down: true,
        column: over_details,
    });
    assert_eq!(app.details_offset, 3);
    assert_eq!(app.cursor, cursor, "the tree did not move");
    app.update(Action::Scroll {
        down: true,
        column: over_details,
    });
    assert_eq!(app.details_offset, 5, "stops at the end");
    app.update(Action::Scroll {
        down: false,
        column: over_details,
    });
    assert_eq!(app.details_offset, 2);
    // Over the tree, the wheel moves the cursor.
    app.update(Action::Scroll {
        down: true,
        column: 1,
    });
    assert_eq!(app.cursor, cursor + 3);
}

fn select(app: &mut App, text: &str) {
    cmd(app, Command::StartSearch);
    app.update(Action::SearchPaste(text.into()));
    cmd(app, Command::SearchConfirm);
}

#[test]
fn c_copies_the_selected_key_and_o_opens_an_apps_web_link() {
    let mut app = app();
    select(&mut app, "acme-api");
    let key = app.selected_entity().unwrap().key.to_string();
    match cmd(&mut app, Command::Copy) {
        Some(Effect::Copy(text)) => assert_eq!(text, key),
        other => panic!("expected a copy, got {other:?}"),
    }
    match cmd(&mut app, Command::OpenLink) {
        Some(Effect::OpenUrl(url)) => assert!(url.starts_with("https://"), "{url}"),
        other => panic!("expected a link, got {other:?}"),
    }
    // A group has no key and no link: a status line says so, nothing happens.
    cmd(&mut app, Command::Top);
    cmd(&mut app, Command::Down);
    assert!(cmd(&mut app, Command::Copy).is_none());
    assert!(cmd(&mut app, Command::OpenLink).is_none());
    assert!(app.status.as_deref().unwrap().contains("No Heroku page"));
}

#[test]
fn the_clipboard_sequence_is_osc_52_with_base64() {
    assert_eq!(
        heroku_j1::tui::event_loop::osc52("abc"),
        "\u{1b}]52;c;YWJj\u{7}"
    );
}

#[test]
fn overlays_stack_and_esc_closes_the_top_one() {
    let mut app = configured();
    cmd(&mut app, Command::Preview);
    let ready = preview_ready(&app);
    app.update(ready);
    assert_eq!(app.layer(), Layer::Preview);
    // A failed refresh pops up over the preview; Esc returns to the preview.
    cmd(&mut app, Command::Refresh);
    app.update(Action::CrawlDone(Err("Heroku is down".into())));
    assert_eq!(app.layer(), Layer::Popup);
    cmd(&mut app, Command::Dismiss);
    assert_eq!(app.layer(), Layer::Preview);
    cmd(&mut app, Command::Dismiss);
    assert_eq!(app.layer(), Layer::Browse);
    // The search box keeps the keyboard under a popup, and gets it back.
    cmd(&mut app, Command::StartSearch);
    app.update(Action::KeysInfo("…".into()));
    assert_eq!(app.layer(), Layer::Keys);
    cmd(&mut app, Command::Dismiss);
    assert_eq!(app.layer(), Layer::Search);
}

#[test]
fn start_crawls_with_a_heroku_client_and_asks_for_a_key_without_one() {
    let mut app = App::new(Endpoints::default(), 100, 30);
    app.update(Action::Start {
        need_login: Some("no Heroku API key".into()),
    });
    assert_eq!(app.layer(), Layer::Login);
    assert_eq!(
        app.overlays.login_form().unwrap().reason,
        "no Heroku API key"
    );

    let mut app = App::new(Endpoints::default(), 100, 30);
    app.clients.heroku = Some(
        heroku_j1::heroku::HerokuClient::new(heroku_j1::heroku::ClientConfig::new(
            "http://127.0.0.1:1",
            heroku_j1::secrets::Secret::new("HRKU-unused"),
        ))
        .unwrap(),
    );
    assert!(matches!(
        app.update(Action::Start { need_login: None }),
        Some(Effect::StartCrawl)
    ));
    assert!(app.crawl.is_some());
    assert_eq!(app.layer(), Layer::Browse);
}

/// The login task checks and stores both keys (through `secrets::validate_and_store`), and
/// the JupiterOne setup it builds keeps its sync state in the data folder the explorer was
/// started with; `update` installs the clients it carries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_task_stores_the_keys_and_uses_the_startup_data_folder() {
    use heroku_j1::fake::heroku::{FakeHeroku, FakeHerokuConfig};
    use heroku_j1::fake::jupiterone::{FakeJupiterOne, FakeJupiterOneConfig};
    use heroku_j1::secrets::{KeyStore, Keys, Secret, Which};
    use heroku_j1::tui::login_form::LoginRequest;
    use heroku_j1::tui::{LoginContext, tasks};

    let heroku = FakeHeroku::start(FakeHerokuConfig::default())
        .await
        .unwrap();
    let j1 = FakeJupiterOne::start(FakeJupiterOneConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let keys = Keys::new(KeyStore::mock()).with_env(|_| None);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let ctx = tasks::Context {
        tx,
        cancel: tokio_util::sync::CancellationToken::new(),
        login: Some(LoginContext {
            keys: keys.clone(),
            config_dir: dir.path().join("config"),
            heroku: heroku_j1::settings::HerokuClientSettings {
                api_url: heroku.url(),
                concurrency: heroku_j1::settings::DEFAULT_CONCURRENCY,
                timeout: heroku_j1::settings::DEFAULT_TIMEOUT,
                deadline: heroku_j1::settings::DEFAULT_DEADLINE,
                max_response_size: heroku_j1::settings::DEFAULT_MAX_RESPONSE_SIZE,
            },
            jupiterone_api_url: Some(j1.url()),
        }),
        data_dir: Some(data_dir.clone()),
        drift: None,
    };
    let mut app = App::new(Endpoints::default(), 100, 30);
    app.update(Action::NeedLogin("no key".into()));
    let request = LoginRequest {
        heroku_key: Some(Secret::new(heroku.token())),
        jupiterone_account: Some(j1.account().to_owned()),
        jupiterone_key: Some(Secret::new(j1.token())),
        jupiterone_region: None,
        this_run_only: false,
    };
    tasks::start(Effect::Login(Box::new(request)), &app, &ctx);
    let Some(Action::LoginDone(Ok(ok))) = rx.recv().await else {
        panic!("the login task reports LoginDone(Ok)")
    };
    let setup = ok.clients.jupiterone.as_ref().expect("a JupiterOne setup");
    assert_eq!(setup.data_dir, data_dir);
    assert!(
        ok.stored.contains("stored in the OS keyring"),
        "{}",
        ok.stored
    );
    for which in [Which::Heroku, Which::JupiterOne] {
        assert!(
            keys.store().get(which).await.unwrap().is_some(),
            "{which:?} stored"
        );
    }
    assert!(matches!(
        app.update(Action::LoginDone(Ok(ok))),
        Some(Effect::StartCrawl)
    ));
    assert!(app.overlays.login_form().is_none());
    assert!(app.clients.heroku.is_some());
    assert_eq!(app.clients.jupiterone.as_ref().unwrap().data_dir, data_dir);
    assert!(
        app.endpoints
            .jupiterone
            .as_deref()
            .unwrap()
            .contains(&j1.url())
    );
    j1.shutdown();
    heroku.shutdown().await;
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::QueryInput(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char(c),
        )));
    }
}

fn backspace(app: &mut App, n: usize) {
    for _ in 0..n {
        app.update(Action::QueryInput(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Backspace,
        )));
    }
}

/// Runs the effect as the explorer's task does (on a blocking thread) and feeds the result
/// back into the app.
async fn run_query_task(
    app: &mut App,
    effect: Option<Effect>,
    data_dir: Option<std::path::PathBuf>,
) {
    let Some(Effect::RunQuery {
        title,
        query,
        graph,
        history,
    }) = effect
    else {
        panic!("expected a query to run, got {effect:?}");
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    heroku_j1::tui::tasks::query::spawn_query(title, *query, graph, history, data_dir, tx);
    let done = rx.recv().await.unwrap();
    assert!(matches!(done, Action::QueryDone(_)));
    app.update(done);
}

#[tokio::test]
async fn the_query_line_shows_a_caret_runs_and_jumps_to_the_entity() {
    let mut app = app();
    let dir = tempfile::tempdir().unwrap();
    assert!(cmd(&mut app, Command::StartQuery).is_none());
    assert_eq!(app.layer(), Layer::QueryLine);
    type_text(&mut app, "FIND User WTH email ^= 'dana'");
    assert!(cmd(&mut app, Command::RunQuery).is_none());
    let (text, error) = app.query.error.clone().expect("a parse error");
    assert_eq!(text, "FIND User WTH email ^= 'dana'");
    // The caret is under the typo.
    let rendered = error.render_with_caret(&text);
    let caret = rendered.lines().nth(1).unwrap();
    assert_eq!(caret.find('^'), Some(10), "{rendered}");
    assert_eq!(app.layer(), Layer::QueryLine);
    // Fix the typo: delete back to it and type the rest again.
    backspace(&mut app, "WTH email ^= 'dana'".len());
    assert!(app.query.error.is_none(), "typing clears the error");
    type_text(&mut app, "WITH email ^= 'dana'");
    let effect = cmd(&mut app, Command::RunQuery);
    assert!(app.query.error.is_none());
    assert!(app.query.running);
    run_query_task(&mut app, effect, Some(dir.path().to_owned())).await;
    assert_eq!(app.layer(), Layer::QueryResults);
    let results = app.query.results.as_ref().unwrap();
    assert_eq!(results.output.len(), 1);
    let graph = app.graph().unwrap();
    let entity = graph.entities()[results.output.row_entity(0).unwrap()].clone();
    assert_eq!(entity.display_name(), "Dana Reyes");
    // The history was written to the data folder, readable only by the user.
    let path = dir.path().join("query-history");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "FIND User WITH email ^= 'dana'\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // Enter jumps to the entity in the tree and closes the results.
    assert!(cmd(&mut app, Command::Enter).is_none());
    assert_eq!(app.layer(), Layer::Browse);
    assert_eq!(app.selected_entity().unwrap().key, entity.key);
}

#[test]
fn the_query_history_walks_with_up_and_down_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let queries: Vec<String> = (0..105).map(|i| format!("FIND User LIMIT {i}")).collect();
    heroku_j1::tui::query_line::save_history(dir.path(), &queries).unwrap();
    let history = heroku_j1::tui::query_line::load_history(dir.path());
    assert_eq!(history.len(), 100, "only the last 100 are kept");
    assert_eq!(history.last().unwrap(), "FIND User LIMIT 104");
    let mut app = app();
    app.query.line = heroku_j1::tui::query_line::QueryLine::new(history);
    cmd(&mut app, Command::StartQuery);
    type_text(&mut app, "FIND Te");
    cmd(&mut app, Command::HistoryOlder);
    assert_eq!(app.query.line.text(), "FIND User LIMIT 104");
    cmd(&mut app, Command::HistoryOlder);
    assert_eq!(app.query.line.text(), "FIND User LIMIT 103");
    cmd(&mut app, Command::HistoryNewer);
    cmd(&mut app, Command::HistoryNewer);
    assert_eq!(
        app.query.line.text(),
        "FIND Te",
        "back to what was being typed"
    );
    // A pasted query of several lines becomes one line.
    app.update(Action::QueryPaste("am\n WITH name = 'acme-web'".into()));
    assert_eq!(app.query.line.text(), "FIND Team WITH name = 'acme-web'");
    cmd(&mut app, Command::Dismiss);
    assert_eq!(app.layer(), Layer::Browse);
}

#[tokio::test]
async fn the_questions_view_counts_after_the_load_and_enter_runs_one() {
    let mut app = app();
    // A crawl that loads (the first or a refresh) counts the questions again.
    assert!(matches!(
        app.update(Action::CrawlDone(Ok(Box::new(Data::new(loaded()))))),
        Some(Effect::RunQuestions(_))
    ));
    app.questions.running = false;
    let Some(Effect::RunQuestions(graph)) = cmd(&mut app, Command::ShowQuestions) else {
        panic!("the questions view counts the questions");
    };
    assert_eq!(app.layer(), Layer::Questions);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    heroku_j1::tui::tasks::query::spawn_questions(graph, None, tx);
    app.update(rx.recv().await.unwrap());
    let counts = match &app.questions.counts {
        Some(Ok(c)) => c.clone(),
        other => panic!("{other:?}"),
    };
    assert!(counts.len() >= 10);
    // Each count is what the question's query returns on this graph.
    let graph = app.graph().unwrap();
    for q in &counts {
        assert_eq!(q.count, q.query.run(graph).len(), "{}", q.id);
    }
    let (at, with_rows) = counts
        .iter()
        .enumerate()
        .find(|(_, q)| q.count > 0)
        .expect("some question has rows on the demo estate");
    for _ in 0..at {
        cmd(&mut app, Command::Down);
    }
    assert_eq!(app.questions.cursor, at);
    let effect = cmd(&mut app, Command::Enter);
    assert_eq!(app.layer(), Layer::QueryResults);
    run_query_task(&mut app, effect, None).await;
    let results = app.query.results.as_ref().unwrap();
    assert_eq!(results.title, with_rows.title);
    assert_eq!(results.output.len(), with_rows.count);
}

#[tokio::test]
async fn f_in_the_results_filters_the_tree_to_the_rows_and_esc_clears_it() {
    let mut app = app();
    cmd(&mut app, Command::StartQuery);
    type_text(&mut app, "FIND heroku_team WITH name = 'acme-web'");
    let effect = cmd(&mut app, Command::RunQuery);
    run_query_task(&mut app, effect, None).await;
    assert_eq!(app.query.results.as_ref().unwrap().output.len(), 1);
    cmd(&mut app, Command::FilterToResults);
    assert_eq!(app.layer(), Layer::Browse);
    assert_eq!(
        visible_labels(&app),
        vec!["acme", "  Teams (2)", "    acme-web"],
        "only the row's entity and its ancestors"
    );
    cmd(&mut app, Command::Dismiss);
    assert_eq!(app.filter, 0);
    assert!(visible_labels(&app).len() > 3);
    // A refresh replaces the graph: the old rows are forgotten, not shown against it.
    app.update(Action::CrawlDone(Ok(Box::new(Data::new(loaded())))));
    assert!(app.query.results.is_none());
}

fn review_app() -> App {
    common::review::app(100, 30)
}

fn review_names(app: &App) -> Vec<String> {
    let r = app.review.as_ref().unwrap();
    r.rows
        .iter()
        .map(|row| {
            let o = r.object(*row).unwrap();
            format!("{} {}", o.change.sign(), o.name)
        })
        .collect()
}

#[test]
fn the_mouse_wheel_moves_the_change_list_not_the_tree_under_it() {
    let mut app = review_app();
    let p = app.preview.as_ref().unwrap();
    let at = p
        .preview
        .types
        .iter()
        .position(|t| t.object_type == "heroku_application")
        .unwrap();
    for _ in 0..at {
        cmd(&mut app, Command::NextType);
    }
    cmd(&mut app, Command::OpenChanges);
    assert_eq!(app.layer(), Layer::Review);
    let cursor = app.cursor;
    let names = review_names(&app);
    app.update(Action::Scroll {
        down: true,
        column: 1,
    });
    assert_eq!(app.cursor, cursor, "the tree under the list stays");
    let selected = app.review.as_ref().unwrap().cursor;
    assert_eq!(selected, 3.min(names.len() - 1), "{names:?}");
}

#[test]
fn enter_on_a_type_lists_its_changes_and_enter_on_one_shows_its_diff() {
    use heroku_j1::jupiterone::Kind;
    let mut app = review_app();
    assert_eq!(app.layer(), Layer::Preview);
    // Tab to the app type's row, Enter opens its changes.
    let types: Vec<String> = app
        .preview
        .as_ref()
        .unwrap()
        .preview
        .types
        .iter()
        .map(|t| t.object_type.clone())
        .collect();
    let at = types
        .iter()
        .position(|t| t == "heroku_application")
        .unwrap();
    for _ in 0..at {
        cmd(&mut app, Command::NextType);
    }
    cmd(&mut app, Command::OpenChanges);
    assert_eq!(app.layer(), Layer::Review);
    let names = review_names(&app);
    assert!(names.iter().any(|n| n.starts_with("+ ")), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("~ ")), "{names:?}");
    // t filters by kind: changed only.
    cmd(&mut app, Command::CycleKind);
    cmd(&mut app, Command::CycleKind);
    let changed = review_names(&app);
    assert!(!changed.is_empty());
    assert!(changed.iter().all(|n| n.starts_with("~ ")), "{changed:?}");
    // Enter: the diff names the changed property, old → new.
    cmd(&mut app, Command::OpenChanges);
    let o = app.review.as_ref().unwrap().opened().unwrap();
    assert_eq!(o.change, Kind::Changed);
    let name = o.properties.iter().find(|p| p.name == "name").unwrap();
    assert_eq!(name.old.as_ref().unwrap(), "old-name");
    // Esc: back to the list, then to the preview.
    cmd(&mut app, Command::Dismiss);
    assert!(app.review.as_ref().unwrap().open.is_none());
    assert_eq!(app.layer(), Layer::Review);
    cmd(&mut app, Command::Dismiss);
    assert_eq!(app.layer(), Layer::Preview);
}

#[test]
fn the_review_search_narrows_the_list_by_name() {
    let mut app = review_app();
    let at = app
        .preview
        .as_ref()
        .unwrap()
        .preview
        .types
        .iter()
        .position(|t| t.object_type == "heroku_application")
        .unwrap();
    app.preview.as_mut().unwrap().selected = at;
    cmd(&mut app, Command::OpenChanges);
    let all = review_names(&app);
    assert!(all.len() >= 2, "{all:?}");
    let wanted = all[1][2..].to_owned();
    cmd(&mut app, Command::StartSearch);
    assert_eq!(app.layer(), Layer::Search);
    for c in wanted.to_uppercase().chars() {
        app.update(Action::SearchInput(c));
    }
    let found = review_names(&app);
    assert_eq!(found, vec![all[1].clone()]);
    cmd(&mut app, Command::SearchConfirm);
    assert_eq!(app.layer(), Layer::Review);
    // Enter now opens the one match's diff.
    cmd(&mut app, Command::OpenChanges);
    assert!(app.review.as_ref().unwrap().opened().is_some());
}

#[test]
fn the_guard_names_the_deletions_and_enter_lists_them() {
    let mut app = review_app();
    // Removing one of few members deletes more than 10 % of them: the guard asks.
    cmd(&mut app, Command::Sync);
    let confirm = app.preview.as_ref().unwrap().confirm.join("\n");
    assert!(confirm.contains("would be deleted"), "{confirm}");
    cmd(&mut app, Command::OpenChanges);
    assert_eq!(app.layer(), Layer::Review);
    let names = review_names(&app);
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| n.starts_with("- ")), "{names:?}");
    // Every name the guard lists is in the list.
    for n in &names {
        assert!(confirm.contains(&n[2..]), "{n} not in {confirm}");
    }
}

#[test]
fn change_marks_show_in_the_tree_and_filter_it() {
    use heroku_j1::jupiterone::diff::Change;
    let mut app = review_app();
    let graph = std::sync::Arc::clone(&app.data.as_ref().unwrap().loaded.graph);
    let p = &app.preview.as_ref().unwrap().preview;
    let marks: Vec<Markers> = graph
        .entities()
        .iter()
        .map(|e| match p.change_of(&e.key) {
            Some(Change::New) => Markers::NEW,
            Some(Change::Changed) => Markers::CHANGED,
            _ => Markers::default(),
        })
        .collect();
    app.update(Action::ChangeMarks { graph, marks });
    cmd(&mut app, Command::Dismiss);
    // The findings filter's last entry: only what changed since the last sync, and the
    // nodes above it.
    let at = heroku_j1::tui::app::FILTERS
        .iter()
        .position(|(_, name)| *name == "changed since last sync")
        .unwrap();
    for _ in 0..at {
        cmd(&mut app, Command::CycleFilter);
    }
    let tree = app.tree().unwrap();
    let marked: Vec<(String, Markers)> = tree
        .visible()
        .iter()
        .map(|i| tree.node(*i))
        .filter(|n| n.markers.intersects(Markers::SINCE_SYNC))
        .map(|n| (n.label.to_string(), n.markers))
        .collect();
    assert!(
        marked
            .iter()
            .any(|(l, m)| l.contains("acme-api") && m.contains(Markers::CHANGED)),
        "{marked:?}"
    );
    assert!(
        marked
            .iter()
            .any(|(l, m)| l.contains("billing-worker") && m.contains(Markers::NEW)),
        "{marked:?}"
    );
    // Every visible node is marked or lies above a marked one.
    for i in tree.visible() {
        assert!(tree.node(*i).subtree.intersects(Markers::SINCE_SYNC));
    }
}
