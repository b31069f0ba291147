//! The crawl task: reads Heroku while building the graph, builds the tree off the async
//! workers, and reports progress and the result as actions.

use std::sync::Arc;

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
        let builder = graph::StreamBuilder::new();
        let result = collect::crawl_into(&client, Some(ptx), cancel, &builder).await;
        let _ = forward.await;
        let message = match result {
            Ok(user) => {
                let (requests, rate_limit_remaining) =
                    (client.requests(), client.rate_limit_remaining());
                // Finishing the graph and building the tree is CPU work: keep it off the
                // async workers.
                tokio::task::spawn_blocking(move || {
                    let (graph, failures) = builder.finish();
                    Box::new(Data::new(Loaded {
                        heroku_user_id: Some(user.id.clone()),
                        heroku_user: Some(user.email),
                        graph: Arc::new(graph),
                        failures,
                        requests,
                        rate_limit_remaining,
                    }))
                })
                .await
                .map_err(|e| format!("building the graph failed: {e}"))
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
