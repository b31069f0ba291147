//! Everything that can change the explorer's state: commands from the keymap, text typed
//! into the search box, mouse input, and messages from background work.

use super::tree::Tree;
use crate::collect::Progress;
use crate::estate::ListFailure;
use crate::graph::Graph;

/// A command a key can be bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Fold,
    Unfold,
    Enter,
    SwitchPane,
    StartSearch,
    NextMatch,
    PrevMatch,
    CycleFilter,
    Refresh,
    ToggleRaw,
    ToggleHelp,
    Dismiss,
    Quit,
    SearchConfirm,
    SearchCancel,
    SearchBackspace,
}

/// What a finished crawl delivers.
#[derive(Debug)]
pub struct Loaded {
    pub graph: std::sync::Arc<Graph>,
    pub failures: Vec<ListFailure>,
    pub heroku_user: Option<String>,
    pub requests: u64,
    pub rate_limit_remaining: Option<i64>,
    /// The tree, when built off the UI thread (it takes a second for 150,000 nodes).
    pub tree: Option<Tree>,
}

/// An input to [`super::app::App::update`].
#[derive(Debug)]
pub enum Action {
    Command(Command),
    SearchInput(char),
    /// Mouse wheel over the pane at `column`.
    Scroll {
        down: bool,
        column: u16,
    },
    /// A left click at a screen cell.
    Click {
        column: u16,
        row: u16,
    },
    Resize {
        width: u16,
        height: u16,
    },
    CrawlProgress(Box<Progress>),
    CrawlDone(Result<Box<Loaded>, String>),
}

/// Work the event loop does for `update`, which never blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    StartCrawl,
    Quit,
}
