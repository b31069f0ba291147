//! Everything that can change the explorer's state: commands from the keymap, text typed
//! into the search box, mouse input, and messages from background work.

use std::sync::Arc;

use super::clients::Clients;
use super::data::Data;
use super::layout::Extents;
use super::login_form::{Field, LoginRequest};
use super::query_results::{QueryResults, QuestionCount};

use super::tree::Markers;
use crate::collect::Progress;
use crate::graph::Graph;
use crate::jupiterone::{Plan, Preview, SyncEvent, SyncOutcome};
use crate::query::Query;

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
    /// Preview what a sync would create, change and delete.
    Preview,
    /// Sync to JupiterOne (asking first when the guard says so).
    Sync,
    /// Yes: sync despite what the guard asked about.
    Confirm,
    /// The login form: next and previous field, submit.
    NextField,
    PrevField,
    Submit,
    /// The keys view (`K`).
    ShowKeys,
    /// The login form, to replace the stored keys.
    ShowLogin,
    /// Delete the stored keys (keys view).
    DeleteKeys,
    /// The query line (`:`), running what it holds, and its history.
    StartQuery,
    RunQuery,
    HistoryOlder,
    HistoryNewer,
    /// The saved questions view.
    ShowQuestions,
    /// Filter the tree to the query's rows.
    FilterToResults,

    /// The preview: select the next / previous `_type` row.
    NextType,
    PrevType,
    /// The preview: open the selected type's changes; the review: open an object's diff.
    OpenChanges,
    /// The review list: cycle the kind filter (all, new, changed, deleted).
    CycleKind,
    /// Copy the selected object's `_key` to the clipboard.
    Copy,
    /// Open the selected team's, app's or add-on's `webLink` in the browser.
    OpenLink,
}

/// An input to `App::update` (in `tui::app`).
#[derive(Debug)]
pub enum Action {
    /// The explorer starts: crawl, or open the login form (with this reason) when there is
    /// no Heroku client.
    Start {
        need_login: Option<String>,
    },
    Command(Command),
    SearchInput(char),
    /// Text pasted into the search box (all of it, as if typed).
    SearchPaste(String),
    /// How far the scrolling views can scroll, measured by the last draw.
    Measured(Extents),
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
    /// What the crawl has read so far (`complete` is `false`): the tree fills in.
    CrawlLive(Box<Data>),
    CrawlDone(Result<Box<Data>, String>),
    PreviewReady(Result<Box<(Plan, Preview)>, String>),
    /// The preview prepared in the background when a crawl completed or a sync finished
    /// ([`Effect::Compare`]): kept closed until `p` or `s` asks for it; its change set marks
    /// the tree (through [`Action::ChangeMarks`], sent first).
    Compared(Result<Box<(Plan, Preview)>, String>),
    /// The tree's `[new]` / `[changed]` markers for `graph`: one per entity, in graph order
    /// (computed by the preview task from the preview's change set, never in a draw).
    ChangeMarks {
        graph: Arc<Graph>,
        marks: Vec<Markers>,
    },
    SyncProgress(Box<SyncEvent>),
    SyncDone(Result<Box<SyncOutcome>, String>),
    /// A key typed into the login form.
    LoginInput(crossterm::event::KeyEvent),
    /// Text pasted into the login form.
    LoginPaste(String),
    /// Show the login form (a key is missing or was rejected).
    NeedLogin(String),
    LoginDone(Result<LoginOk, LoginFailure>),
    /// The keys view's text: each key's source and masked value.
    KeysInfo(String),
    /// A key typed into the query line.
    QueryInput(crossterm::event::KeyEvent),
    /// Text pasted into the query line.
    QueryPaste(String),
    /// A query's rows.
    QueryDone(Box<QueryResults>),
    /// The saved questions' counts (or why they could not be loaded).
    QuestionsDone(Result<Vec<QuestionCount>, String>),
}

/// A login that worked.
#[derive(Debug, Clone)]
pub struct LoginOk {
    /// The new clients: `heroku` replaces the old one; `jupiterone`, when set, too.
    pub clients: Clients,
    /// How the keys are kept, for the status line.
    pub stored: String,
}

/// Why a login failed: which field to fix, and what to say.
#[derive(Debug, Clone)]
pub struct LoginFailure {
    pub field: Option<Field>,
    pub message: String,
    /// The keyring could not store the keys (and why): offer this run only.
    pub keyring_unavailable: Option<String>,
}

/// Work `update` asks for (it never blocks): the event loop starts each as a task.
#[derive(Debug)]
pub enum Effect {
    StartCrawl,
    /// The demo: drift the fake estate (a sync happened since the last drift), then crawl.
    DriftAndCrawl,
    /// Compute the preview of the loaded graph against the last sync.
    Preview,
    /// The same preview, prepared in the background as soon as a crawl completes or a sync
    /// finishes (no request to JupiterOne: the last sync is read from the data folder); it
    /// arrives as [`Action::Compared`].
    Compare,
    /// Two tasks at once (e.g. [`Effect::Compare`] and counting the questions after a
    /// crawl); only tasks, never the event loop's own effects.
    Both(Box<Effect>, Box<Effect>),
    /// Upload exactly this plan.
    Sync {
        plan: Arc<Plan>,
        preview: Box<Preview>,
    },
    /// Validate the keys and store them.
    Login(Box<LoginRequest>),
    /// Read where each key comes from, for the keys view.
    KeyStatus,
    /// Remove both keys from the OS keyring.
    DeleteKeys,
    /// Put this text on the clipboard (an OSC 52 sequence to the terminal).
    Copy(String),
    /// Open this `http(s)` URL in the browser.
    OpenUrl(String),
    /// Run a parsed query on the graph; save the query history.
    RunQuery {
        title: String,
        query: Box<Query>,
        graph: Arc<Graph>,
        history: Vec<String>,
    },
    /// Count every saved question on the graph.
    RunQuestions(Arc<Graph>),
    Quit,
}
