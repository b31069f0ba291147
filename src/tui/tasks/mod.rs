//! All background work of the explorer: the crawl, the preview (on `p`, or in the
//! background after a crawl for the tree's `[new]` / `[changed]` markers), the sync, the login, the
//! keys view, deleting the stored keys, J1QL queries and the saved questions' counts.
//! [`start`] turns an [`Effect`] returned by `App::update` into a task; each task reports through the action channel, its result
//! inside the message. Tasks read what they need from the app when they start and never
//! change it.

mod crawl;
mod credentials;
mod jupiterone;
pub mod query;

use std::path::PathBuf;

use tokio::sync::mpsc::{self, UnboundedSender};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::action::{Action, Effect};
use super::app::App;
use super::startup::{DriftHook, LoginContext};

/// What every task may need besides the app: where to report, when to stop, how to log in.
#[derive(Debug, Clone)]
pub struct Context {
    pub tx: UnboundedSender<Action>,
    /// Cancelled when the explorer quits.
    pub cancel: CancellationToken,
    /// `None` (the demo): nothing is read from or stored in the keyring.
    pub login: Option<LoginContext>,
    /// The data folder of a JupiterOne setup made by a login.
    pub data_dir: Option<PathBuf>,
    /// The demo's drift (see [`Effect::DriftAndCrawl`]).
    pub drift: Option<DriftHook>,
}

/// Spawns the task for `effect`. [`Effect::Quit`], [`Effect::Copy`] and [`Effect::OpenUrl`]
/// are the event loop's and start nothing here.
pub fn start(effect: Effect, app: &App, ctx: &Context) {
    match effect {
        Effect::StartCrawl => match &app.clients.heroku {
            Some(client) => crawl::spawn(
                client.clone(),
                ctx.tx.clone(),
                ctx.cancel.child_token(),
                ctx.login.is_some(),
            ),
            None => {
                let _ = ctx.tx.send(Action::NeedLogin("No Heroku API key.".into()));
            }
        },
        Effect::DriftAndCrawl => {
            if let Some(hook) = &ctx.drift {
                (hook.0)();
            }
            start(Effect::StartCrawl, app, ctx);
        }
        Effect::Preview | Effect::Compare => {
            if let (Some(setup), Some(data)) = (&app.clients.jupiterone, &app.data) {
                let done = if matches!(effect, Effect::Preview) {
                    Action::PreviewReady
                } else {
                    Action::Compared
                };
                jupiterone::spawn_preview(setup, &data.loaded, ctx.tx.clone(), done);
            }
        }
        Effect::Both(first, second) => {
            start(*first, app, ctx);
            start(*second, app, ctx);
        }
        Effect::Sync { plan, preview } => {
            if let Some(setup) = &app.clients.jupiterone {
                jupiterone::spawn_sync(
                    setup,
                    plan,
                    preview,
                    ctx.tx.clone(),
                    ctx.cancel.child_token(),
                );
            }
        }
        Effect::Login(request) => {
            if let Some(login) = &ctx.login {
                credentials::spawn_login(
                    login.clone(),
                    ctx.data_dir.clone(),
                    *request,
                    ctx.tx.clone(),
                );
            }
        }
        Effect::KeyStatus => credentials::spawn_status(ctx.login.clone(), ctx.tx.clone()),
        Effect::DeleteKeys => credentials::spawn_delete(ctx.login.clone(), ctx.tx.clone()),
        Effect::RunQuery {
            title,
            query,
            graph,
            history,
        } => query::spawn_query(
            title,
            *query,
            graph,
            history,
            ctx.data_dir.clone(),
            ctx.tx.clone(),
        ),
        Effect::RunQuestions(graph) => query::spawn_questions(
            graph,
            ctx.login.as_ref().map(|l| l.config_dir.clone()),
            ctx.tx.clone(),
        ),
        // The event loop's own: quitting, and writes to the terminal or the browser.
        Effect::Quit | Effect::Copy(_) | Effect::OpenUrl(_) => {}
    }
}

/// A channel whose messages are forwarded as actions (`wrap`) until either side closes:
/// how the crawl and the upload report progress. Await the handle after the work is done so
/// that every progress message arrives before the result.
fn forward<T: Send + 'static>(
    tx: &UnboundedSender<Action>,
    wrap: fn(T) -> Action,
) -> (UnboundedSender<T>, JoinHandle<()>) {
    let (ptx, mut prx) = mpsc::unbounded_channel();
    let tx = tx.clone();
    let handle = tokio::spawn(async move {
        while let Some(p) = prx.recv().await {
            if tx.send(wrap(p)).is_err() {
                break;
            }
        }
    });
    (ptx, handle)
}
