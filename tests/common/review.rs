//! The explorer's change review: the shared estate's graph against a last sync where an
//! app had another name and lacked another app, and this crawl lacks a member.

use heroku_j1::graph;
use heroku_j1::tui::action::{Action, Command};
use heroku_j1::tui::app::{App, Endpoints};
use heroku_j1::tui::data::{Data, Loaded};

/// An app against the last sync where it had another name, a member the last sync had but
/// this crawl lacks (deleted), and an app the last sync lacked (new).
pub fn app(width: u16, height: u16) -> App {
    use heroku_j1::jupiterone::{Plan, Target, preview};
    let mut before = super::estate();
    before.enterprise_accounts[0].teams[0].apps[0].name = "old-name".into();
    before.enterprise_accounts[0].teams[0].apps.pop();
    let before = std::sync::Arc::new(graph::build(&before));
    let target = Target::default_scope(super::DANA);
    let mut state =
        preview(&before, &target, None).state_after(&before, "http://j1", "acct", "job-1");
    state.synced_at = "2026-07-01T09:00:00Z".into();
    let mut now = super::estate();
    let gone = now.enterprise_accounts[0].members.pop().unwrap();
    assert!(!gone.user.email.is_empty());
    let graph = std::sync::Arc::new(graph::build(&now));
    let mut app = App::new(
        Endpoints {
            heroku_url: "http://127.0.0.1:1".into(),
            jupiterone: Some("fake JupiterOne".into()),
            demo: true,
        },
        width,
        height,
    );
    app.load(Data::new(Loaded {
        graph: std::sync::Arc::clone(&graph),
        failures: now.failures,
        heroku_user: None,
        heroku_user_id: Some(super::DANA.into()),
        requests: 1,
        rate_limit_remaining: None,
    }));
    app.update(Action::Command(Command::Preview));
    let p = preview(&graph, &target, Some(&state));
    let plan = Plan::new(graph, target);
    app.update(Action::PreviewReady(Ok(Box::new((plan, p)))));
    app
}
