//! The crawl task: reads Heroku while building the graph, sends the tree of what was read so
//! far now and then, builds the final tree off the async workers, and reports progress and
//! the result as actions.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::collect::{self, CrawlError};
use crate::graph;
use crate::heroku::HerokuClient;
use crate::tui::action::Action;
use crate::tui::data::{Data, Loaded};

/// Crawls in a background task; progress and the result come back as actions. A rejected
/// key opens the login form when `can_login`.
pub(super) fn spawn(
    client: HerokuClient,
    tx: UnboundedSender<Action>,
    cancel: CancellationToken,
    can_login: bool,
) {
    tokio::spawn(async move {
        let (ptx, forward) = super::forward(&tx, |p| Action::CrawlProgress(Box::new(p)));
        // The graph is built while the crawl runs: each page becomes graph objects as it
        // arrives. A cancelled or failed crawl drops the builder, and with it what was read.
        let builder = Arc::new(graph::StreamBuilder::new());
        let stop = CancellationToken::new();
        let (result, ()) = tokio::join!(
            async {
                let r = collect::crawl_into(&client, Some(ptx), cancel, &*builder).await;
                stop.cancel();
                r
            },
            live(&builder, &client, &tx, &stop)
        );
        let _ = forward.await;
        let message = match result {
            Ok(user) => {
                let (requests, rate_limit_remaining) =
                    (client.requests(), client.rate_limit_remaining());
                // Finishing the graph and building the tree is CPU work: keep it off the
                // async workers.
                tokio::task::spawn_blocking(move || {
                    let builder = Arc::try_unwrap(builder)
                        .map_err(|_| "the live view still holds the graph".to_owned())?;
                    let (graph, failures) = builder.finish();
                    Ok(Box::new(Data::new(Loaded {
                        heroku_user_id: Some(user.id.clone()),
                        heroku_user: Some(user.email),
                        graph: Arc::new(graph),
                        failures,
                        requests,
                        rate_limit_remaining,
                    })))
                })
                .await
                .map_err(|e| format!("building the graph failed: {e}"))
                .and_then(|r| r)
            }
            Err(CrawlError::Heroku(e)) if can_login && e.is_invalid_key() => {
                let _ = tx.send(Action::NeedLogin(e.to_string()));
                return;
            }
            Err(e) => Err(e.to_string()),
        };
        let _ = tx.send(Action::CrawlDone(message));
    });
}

/// How often, at most, the tree of what was read so far is sent while the crawl runs.
const LIVE_EVERY: Duration = Duration::from_millis(100);
/// How often the crawl is looked at until the first objects are read: the accounts show
/// as soon as Heroku names them.
const FIRST_LOOK: Duration = Duration::from_millis(10);
/// Past this many objects read, no more snapshots: each copies what was read, and on an
/// estate this big the copies would cost more memory than the estate itself. The tree
/// then stays as last sent (the gauges go on) until the crawl is complete.
const LIVE_OBJECTS: u64 = 40_000;

/// Until `stop`: now and then, when something new was read, the graph and tree read so far
/// as [`Action::CrawlLive`]. A snapshot copies what was read, so on a big estate they come
/// less often (four times the time the last one took), and none past [`LIVE_OBJECTS`].
async fn live(
    builder: &Arc<graph::StreamBuilder>,
    client: &HerokuClient,
    tx: &UnboundedSender<Action>,
    stop: &CancellationToken,
) {
    let mut seen = 0;
    let mut wait = FIRST_LOOK;
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
        }
        let changes = builder.changes();
        if changes == seen {
            continue;
        }
        if builder.objects() > LIVE_OBJECTS {
            return;
        }
        seen = changes;
        let started = Instant::now();
        let b = Arc::clone(builder);
        let requests = client.requests();
        let rate_limit_remaining = client.rate_limit_remaining();
        let data = tokio::task::spawn_blocking(move || {
            let (graph, failures) = b.snapshot();
            Data::live(Loaded {
                graph: Arc::new(graph),
                failures,
                heroku_user: None,
                heroku_user_id: None,
                requests,
                rate_limit_remaining,
            })
        })
        .await;
        if stop.is_cancelled() {
            return;
        }
        if let Ok(data) = data {
            let _ = tx.send(Action::CrawlLive(Box::new(data)));
        }
        wait = LIVE_EVERY.max(started.elapsed() * 4);
    }
}
