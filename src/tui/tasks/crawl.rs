//! The crawl task: reads Heroku, builds the graph and the tree off the async workers, and
//! reports progress and the result as actions.

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
        let result = collect::crawl(&client, Some(ptx), cancel).await;
        let _ = forward.await;
        let message = match result {
            Ok(estate) => {
                let (requests, rate_limit_remaining) =
                    (client.requests(), client.rate_limit_remaining());
                // Building the graph and the tree is CPU work: keep it off the async workers.
                tokio::task::spawn_blocking(move || {
                    let failures = estate.failures.clone();
                    let user = estate
                        .user
                        .as_ref()
                        .map(|u| (u.email.clone(), u.id.clone()));
                    let graph = graph::build_owned(estate);
                    Box::new(Data::new(Loaded {
                        heroku_user_id: user.as_ref().map(|u| u.1.clone()),
                        heroku_user: user.map(|u| u.0),
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
