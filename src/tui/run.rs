//! The event loop: terminal input from crossterm's `EventStream`, results of background work
//! from a channel, one `update` per action, and a redraw only when something arrived.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream, KeyEventKind, MouseButton, MouseEventKind,
};
use futures::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc::{self, UnboundedSender};
use tokio_util::sync::CancellationToken;

use super::action::{Action, Command, Effect, Loaded};
use super::app::{App, Crawl, Target};
use super::keymap::{self, Mode};
use super::keys::{
    Clients, LoginContext, SharedClients, current, spawn_delete, spawn_login, spawn_status,
};
use super::tree::Tree;
use super::view;
use crate::collect;
use crate::graph;
use crate::heroku::HerokuClient;
use crate::jupiterone::{self, JupiterOneClient, Plan, Preview, UploadOptions};

/// Turns a terminal event into an action for the current mode.
#[must_use]
pub fn action_for(app: &App, event: &Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => {
            let mode = app.key_mode();
            if let Some(c) = keymap::lookup(mode, key) {
                return Some(Action::Command(c));
            }
            if mode == Mode::Search
                && let crossterm::event::KeyCode::Char(c) = key.code
            {
                return Some(Action::SearchInput(c));
            }
            if mode == Mode::Login {
                return Some(Action::LoginInput(*key));
            }
            None
        }
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Scroll {
                down: true,
                column: m.column,
            }),
            MouseEventKind::ScrollUp => Some(Action::Scroll {
                down: false,
                column: m.column,
            }),
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                column: m.column,
                row: m.row,
            }),
            _ => None,
        },
        Event::Resize(width, height) => Some(Action::Resize {
            width: *width,
            height: *height,
        }),
        Event::Paste(text) if app.key_mode() == Mode::Login => {
            Some(Action::LoginPaste(text.clone()))
        }
        Event::Paste(text) if app.mode == Mode::Search => {
            text.chars().next().map(Action::SearchInput)
        }
        _ => None,
    }
}

/// Crawls in a background task; progress and the result come back as actions. A rejected
/// key opens the login form when `can_login`.
pub fn spawn_crawl(
    client: HerokuClient,
    tx: UnboundedSender<Action>,
    cancel: CancellationToken,
    can_login: bool,
) {
    tokio::spawn(async move {
        let (ptx, mut prx) = mpsc::unbounded_channel();
        let forward = {
            let tx = tx.clone();
            tokio::spawn(async move {
                while let Some(p) = prx.recv().await {
                    if tx.send(Action::CrawlProgress(Box::new(p))).is_err() {
                        break;
                    }
                }
            })
        };
        let result = collect::crawl(&client, Some(ptx), cancel).await;
        let _ = forward.await;
        let message = match result {
            Ok(estate) => {
                // Building the graph is CPU work: keep it off the async workers.
                let built = tokio::task::spawn_blocking(move || {
                    let failures = estate.failures.clone();
                    let user = estate
                        .user
                        .as_ref()
                        .map(|u| (u.email.clone(), u.id.clone()));
                    let graph = graph::build_owned(estate);
                    let tree = Tree::build(&graph, &failures);
                    (graph, tree, failures, user)
                })
                .await;
                match built {
                    Ok((graph, tree, failures, user)) => Ok(Box::new(Loaded {
                        heroku_user_id: user.as_ref().map(|u| u.1.clone()),
                        heroku_user: user.map(|u| u.0),
                        graph: std::sync::Arc::new(graph),
                        tree: Some(tree),
                        failures,
                        requests: client.requests(),
                        rate_limit_remaining: client.rate_limit_remaining(),
                    })),
                    Err(e) => Err(format!("building the graph failed: {e}")),
                }
            }
            Err(crate::collect::CrawlError::Heroku(e)) if can_login && e.is_invalid_key() => {
                let _ = tx.send(Action::NeedLogin(e.to_string()));
                return;
            }
            Err(e) => Err(e.to_string()),
        };
        let _ = tx.send(Action::CrawlDone(message));
    });
}

/// Where and how the explorer syncs to JupiterOne.
#[derive(Debug, Clone)]
pub struct JupiterOneSetup {
    pub client: JupiterOneClient,
    /// Where the last successful sync per target is kept.
    pub data_dir: PathBuf,
    /// The target; `None` is the default scope derived from the Heroku user.
    pub target: Option<jupiterone::Target>,
    pub options: UploadOptions,
}

impl JupiterOneSetup {
    fn target_for(
        &self,
        heroku_user_id: Option<&str>,
    ) -> Result<jupiterone::Target, crate::settings::NoTarget> {
        crate::settings::sync_target(self.target.as_ref(), heroku_user_id)
    }
}

/// Prepares the preview off the async workers (it hashes every object).
fn spawn_preview(setup: &JupiterOneSetup, app: &App, tx: UnboundedSender<Action>) {
    let Some(data) = app.data.as_ref() else {
        return;
    };
    let graph = Arc::clone(&data.loaded.graph);
    let target = match setup.target_for(data.loaded.heroku_user_id.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            let _ = tx.send(Action::PreviewReady(Err(e.to_string())));
            return;
        }
    };
    let setup = setup.clone();
    tokio::spawn(async move {
        let result = tokio::task::spawn_blocking(move || {
            jupiterone::prepare(&setup.client, graph, target, &setup.data_dir)
        })
        .await;
        let message = match result {
            Ok(Ok(ready)) => Ok(Box::new(ready)),
            Ok(Err(e)) => Err(format!("cannot prepare the preview: {e}")),
            Err(e) => Err(format!("preparing the preview failed: {e}")),
        };
        let _ = tx.send(Action::PreviewReady(message));
    });
}

/// Uploads in the background; progress and the outcome come back as actions.
fn spawn_sync(
    setup: &JupiterOneSetup,
    plan: Arc<Plan>,
    preview: Box<Preview>,
    tx: UnboundedSender<Action>,
    cancel: CancellationToken,
) {
    let setup = setup.clone();
    tokio::spawn(async move {
        let (etx, mut erx) = mpsc::unbounded_channel();
        let forward = {
            let tx = tx.clone();
            tokio::spawn(async move {
                while let Some(e) = erx.recv().await {
                    if tx.send(Action::SyncProgress(Box::new(e))).is_err() {
                        break;
                    }
                }
            })
        };
        let mut options = setup.options.clone();
        options.cancel = cancel;
        let result = jupiterone::sync(
            &setup.client,
            &plan,
            &preview,
            &setup.data_dir,
            &options,
            Some(etx),
        )
        .await;
        let _ = forward.await;
        let _ = tx.send(Action::SyncDone(
            result.map(Box::new).map_err(|e| e.to_string()),
        ));
    });
}

/// Runs the explorer until the user quits. The terminal is restored on return and on panic.
///
/// # Errors
/// When the terminal cannot be set up or drawn.
pub async fn run(
    clients: Clients,
    target: Target,
    login: Option<LoginContext>,
    need_login: Option<String>,
) -> io::Result<()> {
    // ratatui's hook (installed by try_init) restores the screen, then calls this one, which
    // turns mouse reporting off before the panic message is printed.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
        previous(info);
    }));
    let mut terminal = ratatui::try_init()?;
    crossterm::execute!(io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
    let result = event_loop(&mut terminal, clients, target, login, need_login).await;
    let _ = crossterm::execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    clients: Clients,
    target: Target,
    login: Option<LoginContext>,
    need_login: Option<String>,
) -> io::Result<()> {
    let clients: SharedClients = Arc::new(std::sync::Mutex::new(clients));
    let size = terminal.size()?;
    let mut app = App::new(target, size.width, size.height);
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let cancel = CancellationToken::new();
    let can_login = login.is_some();
    match (current(&clients).heroku, need_login) {
        (Some(client), _) => {
            app.crawl = Some(Crawl { progress: None });
            spawn_crawl(client, tx.clone(), cancel.child_token(), can_login);
        }
        (None, reason) => {
            app.update(Action::NeedLogin(
                reason.unwrap_or_else(|| "No Heroku API key.".into()),
            ));
        }
    }
    let mut events = EventStream::new();
    terminal.draw(|f| view::draw(f, &app))?;
    loop {
        let first = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => action_for(&app, &event),
                Some(Err(e)) => return Err(e),
                None => Some(Action::Command(Command::Quit)),
            },
            Some(action) = rx.recv() => Some(action),
        };
        let mut pending: Vec<Action> = first.into_iter().collect();
        // Take everything already waiting, then draw once.
        while let Ok(a) = rx.try_recv() {
            pending.push(a);
        }
        if pending.is_empty() {
            continue;
        }
        for action in pending {
            match app.update(action) {
                Some(Effect::Quit) => {
                    cancel.cancel();
                    if app.syncing.is_some() {
                        // Let the uploader abort its job (so JupiterOne changes nothing).
                        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), async {
                            while let Some(a) = rx.recv().await {
                                if matches!(a, Action::SyncDone(_)) {
                                    break;
                                }
                            }
                        })
                        .await;
                    }
                    return Ok(());
                }
                Some(Effect::Preview) => {
                    if let Some(setup) = &current(&clients).jupiterone {
                        spawn_preview(setup, &app, tx.clone());
                    }
                }
                Some(Effect::Sync { plan, preview }) => {
                    if let Some(setup) = &current(&clients).jupiterone {
                        spawn_sync(setup, plan, preview, tx.clone(), cancel.child_token());
                    }
                }
                Some(Effect::StartCrawl) => match current(&clients).heroku {
                    Some(client) => {
                        spawn_crawl(client, tx.clone(), cancel.child_token(), can_login)
                    }
                    None => app.crawl = None,
                },
                Some(Effect::Login(request)) => match &login {
                    Some(ctx) => {
                        spawn_login(ctx.clone(), *request, Arc::clone(&clients), tx.clone())
                    }
                    None => {
                        app.login = None;
                    }
                },
                Some(Effect::KeyStatus) => spawn_status(login.clone(), tx.clone()),
                Some(Effect::DeleteKeys) => spawn_delete(login.clone(), tx.clone()),
                None => {}
            }
        }
        terminal.draw(|f| view::draw(f, &app))?;
    }
}
