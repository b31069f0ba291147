//! The estate the explorer shows: what a crawl delivers ([`Loaded`]; while it runs, what it
//! read so far) and the tree built from it ([`Data`]).

use std::sync::Arc;

use super::tree::Tree;
use crate::estate::ListFailure;
use crate::graph::Graph;

/// What a crawl delivers.
#[derive(Debug)]
pub struct Loaded {
    pub graph: Arc<Graph>,
    pub failures: Vec<ListFailure>,
    pub heroku_user: Option<String>,
    /// The Heroku user's id: the default JupiterOne scope is derived from it.
    pub heroku_user_id: Option<String>,
    pub requests: u64,
    pub rate_limit_remaining: Option<i64>,
}

/// A crawl's result with its tree.
#[derive(Debug)]
pub struct Data {
    pub loaded: Loaded,
    pub tree: Tree,
    /// `false` while the crawl that delivers it still runs (the tree filling in): such a
    /// graph is shown, never previewed or synced.
    pub complete: bool,
}

impl Data {
    /// Builds the tree (about a second for 150,000 nodes: the crawl task does this off the
    /// UI thread).
    #[must_use]
    pub fn new(loaded: Loaded) -> Self {
        let tree = Tree::build(&loaded.graph, &loaded.failures);
        Self {
            loaded,
            tree,
            complete: true,
        }
    }

    /// What a crawl still running has read so far.
    #[must_use]
    pub fn live(loaded: Loaded) -> Self {
        Self {
            complete: false,
            ..Self::new(loaded)
        }
    }
}
