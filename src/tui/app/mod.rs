//! The explorer's state, changed only by [`App::update`]: the state types, `update`,
//! loading a crawl, the overlays and the commands. Moving around the tree is in `navigate`,
//! the preview and sync state in `sync`, the change review in `review`, the comparison with
//! the last sync made once a crawl completes (the tree's markers) in `since_sync`, the query line,
//! its results and the questions view in `query`.

mod navigate;
mod query;
mod review;
mod since_sync;
mod sync;

pub use review::{KIND_FILTERS, ReviewState};
pub use since_sync::SinceSync;

use std::collections::HashSet;
use std::sync::Arc;

use super::action::{Action, Command, Effect};
use super::clients::Clients;
use super::data::Data;
use super::keymap;
use super::layout::{self, Extents};
use super::login_form::{Field, LoginForm};
use super::overlay::{Layer, Overlay, Overlays};
use super::tree::{Markers, NodeKind, Tree};
use crate::collect::Progress;
use crate::graph::{Entity, Graph};
use crate::jupiterone::{Plan, Preview, SyncEvent};
pub use query::{QueryState, QuestionsState};
pub use sync::human_bytes;
use sync::sync_summary;

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Tree,
    Details,
}

/// The findings filters `f` cycles through, with their names.
pub const FILTERS: [(Markers, &str); 11] = [
    (Markers(0), "all"),
    (Markers::NO_2FA, "users without 2FA"),
    (Markers::ADMIN, "admins"),
    (
        Markers::COLLABORATOR,
        "collaborators outside the enterprise",
    ),
    (Markers::FEDERATED, "SSO (federated) users"),
    (Markers::MAINTENANCE, "apps in maintenance"),
    (Markers::ARCHIVED, "archived apps"),
    (Markers::DEPROVISIONED, "deprovisioned add-ons"),
    (Markers::PARTIAL, "partial datasets"),
    (Markers::SINCE_SYNC, "changed since last sync"),
    (Markers::QUERY, "the last query's rows"),
];

/// The search box.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub query: String,
    /// Whether the search box has the keyboard (under any popup).
    pub active: bool,
    /// Where the cursor was when the search started (Esc goes back there).
    pub origin: Option<u32>,
    pub matches: usize,
    /// The selected match's position among them (from 1; 0: none selected).
    pub current: usize,
}

/// A crawl in progress.
#[derive(Debug, Clone)]
pub struct Crawl {
    pub progress: Option<Progress>,
}

/// Where the explorer reads from and syncs to, as the header shows it.
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    pub heroku_url: String,
    /// e.g. `fake JupiterOne (demo)`, or `None` when not configured.
    pub jupiterone: Option<String>,
    pub demo: bool,
}

/// One relationship as the details pane lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related<'a> {
    pub outgoing: bool,
    pub verb: &'a str,
    pub other_key: &'a str,
    pub other_type: &'a str,
    pub other_name: &'a str,
    pub role: Option<&'a str>,
}

/// The sync preview on screen.
#[derive(Debug)]
pub struct PreviewState {
    pub preview: Preview,
    /// The exact payloads the uploader will send.
    pub plan: Arc<Plan>,
    /// What the guard asks about; the sync waits for `y` while this is not empty.
    pub confirm: Vec<String>,
    pub offset: usize,
    /// The `_type` row Enter opens (index into `preview.types`).
    pub selected: usize,
}

/// A sync in progress.
#[derive(Debug, Clone, Default)]
pub struct SyncRun {
    pub last: Option<SyncEvent>,
}

/// What the details pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DetailView {
    /// The JupiterOne entity as a table, with its relationships.
    #[default]
    Entity,
    /// The raw Heroku JSON (`_rawData`).
    Raw,
    /// The exact JSON object uploaded to JupiterOne.
    Payload,
}

/// The whole explorer state.
#[derive(Debug)]
pub struct App {
    pub endpoints: Endpoints,
    /// The clients the tasks use (a login replaces them).
    pub clients: Clients,
    /// Whether the login form can check and store keys (not in the demo).
    pub can_login: bool,
    pub data: Option<Data>,
    pub crawl: Option<Crawl>,
    /// What lies over the tree; the top one has the keyboard.
    pub overlays: Overlays,
    pub focus: Pane,
    /// Row of the cursor among the visible rows.
    pub cursor: usize,
    /// First visible row on screen.
    pub offset: usize,
    pub details_cursor: usize,
    pub details_offset: usize,
    pub view: DetailView,
    pub search: Search,
    pub filter: usize,
    pub status: Option<String>,
    pub preview: Option<PreviewState>,
    /// The change review opened from the preview.
    pub review: Option<ReviewState>,
    /// `s` was pressed before the preview existed: sync when it arrives.
    pub sync_after_preview: bool,
    /// `p` or `s` was pressed while the background comparison ran: open its preview.
    pub preview_wanted: bool,
    /// What the tree's `[new]` / `[changed]` markers are compared with.
    pub since_sync: SinceSync,
    pub syncing: Option<SyncRun>,
    /// First row of the help screen.
    pub help_offset: usize,
    /// The query line and its results.
    pub query: QueryState,
    /// The saved questions and their counts.
    pub questions: QuestionsState,

    /// A sync finished since the last refresh: the demo drifts its estate on the next `r`.
    pub synced_since_refresh: bool,
    /// Whether the screen may use colour (`--color`, `NO_COLOR`); without it the views mark
    /// the selection with reverse video and `>`.
    pub color: bool,
    /// How far the help, the preview and the details can scroll (measured by the last draw).
    pub extents: Extents,
    pub width: u16,
    pub height: u16,
}

impl App {
    #[must_use]
    pub fn new(endpoints: Endpoints, width: u16, height: u16) -> Self {
        Self {
            endpoints,
            clients: Clients::default(),
            can_login: true,
            data: None,
            crawl: None,
            overlays: Overlays::default(),
            focus: Pane::Tree,
            cursor: 0,
            offset: 0,
            details_cursor: 0,
            details_offset: 0,
            view: DetailView::Entity,
            search: Search::default(),
            filter: 0,
            status: None,
            preview: None,
            review: None,
            sync_after_preview: false,
            preview_wanted: false,
            since_sync: SinceSync::Unknown,
            syncing: None,
            help_offset: 0,
            query: QueryState::default(),
            questions: QuestionsState::default(),

            synced_since_refresh: false,
            color: true,
            extents: Extents::default(),
            width,
            height,
        }
    }

    /// The layer whose keymap applies now: the top overlay, else the search box or the tree.
    #[must_use]
    pub fn layer(&self) -> Layer {
        if self.review_searching() {
            return Layer::Search;
        }
        match self.overlays.top() {
            Some(o) => o.layer(),
            None if self.search.active => Layer::Search,
            None => Layer::Browse,
        }
    }

    /// What the keymap needs besides the layer: the focused pane, the next details view.
    #[must_use]
    pub fn keymap_context(&self) -> keymap::Context {
        keymap::Context {
            details: self.focus == Pane::Details,
            next_view: match self.view {
                DetailView::Entity => "raw JSON",
                DetailView::Raw => "payload",
                DetailView::Payload => "entity",
            },
            asking: self.preview.as_ref().is_some_and(|p| !p.confirm.is_empty()),
        }
    }

    /// Shows an overlay. Help and the preview take the search box's place.
    pub(crate) fn open(&mut self, overlay: Overlay) {
        if overlay.rank() == 0 {
            self.search.active = false;
        }
        self.overlays.open(overlay);
    }

    fn error(&mut self, message: String) {
        self.open(Overlay::Error(message));
    }

    /// Closes the help screen or the preview.
    fn close_view(&mut self) {
        self.overlays
            .close(|o| matches!(o, Overlay::Help | Overlay::Preview));
    }

    #[must_use]
    pub fn tree(&self) -> Option<&Tree> {
        self.data.as_ref().map(|d| &d.tree)
    }

    #[must_use]
    pub fn graph(&self) -> Option<&Graph> {
        self.data.as_ref().map(|d| &*d.loaded.graph)
    }

    /// The node under the cursor.
    #[must_use]
    pub fn selected(&self) -> Option<u32> {
        self.tree()
            .and_then(|t| t.visible().get(self.cursor).copied())
    }

    /// The entity under the cursor.
    #[must_use]
    pub fn selected_entity(&self) -> Option<&Entity> {
        let data = self.data.as_ref()?;
        let node = data.tree.node(self.selected()?);
        node.entity
            .map(|e| &data.loaded.graph.entities()[e as usize])
    }

    /// The relationships of the selected entity, outgoing first.
    #[must_use]
    pub fn related(&self) -> Vec<Related<'_>> {
        self.related_window(0, usize::MAX)
    }

    /// How many relationships the selected entity has.
    #[must_use]
    pub fn related_count(&self) -> usize {
        match (self.graph(), self.selected_entity()) {
            (Some(g), Some(e)) => g.outgoing(&e.key).count() + g.incoming(&e.key).count(),
            _ => 0,
        }
    }

    /// `take` relationships of the selected entity from the `skip`th: only those are looked
    /// up (an enterprise account has thousands).
    #[must_use]
    pub fn related_window(&self, skip: usize, take: usize) -> Vec<Related<'_>> {
        fn describe<'g>(
            graph: &'g Graph,
            outgoing: bool,
            r: &'g crate::graph::Relationship,
        ) -> Related<'g> {
            let other_key = if outgoing { r.to_key() } else { r.from_key() };
            let other = graph.entity(other_key);
            Related {
                outgoing,
                verb: r.class.as_ref(),
                other_key,
                other_type: other.map_or("?", |o| o.entity_type.as_ref()),
                other_name: other.map_or(other_key, Entity::display_name),
                role: r.properties.str("role"),
            }
        }
        let (Some(graph), Some(e)) = (self.graph(), self.selected_entity()) else {
            return Vec::new();
        };
        graph
            .outgoing(&e.key)
            .map(|r| (true, r))
            .chain(graph.incoming(&e.key).map(|r| (false, r)))
            .skip(skip)
            .take(take)
            .map(|(outgoing, r)| describe(graph, outgoing, r))
            .collect()
    }

    fn details_len(&self) -> usize {
        self.related_count()
    }

    /// Applies one action. Returns work for the event loop, if any.
    pub fn update(&mut self, action: Action) -> Option<Effect> {
        match action {
            a @ (Action::QueryInput(_)
            | Action::QueryPaste(_)
            | Action::QueryDone(_)
            | Action::QuestionsDone(_)) => return self.query_update(a),
            Action::Start { need_login } => {
                if self.clients.heroku.is_some() {
                    self.crawl = Some(Crawl { progress: None });
                    return Some(Effect::StartCrawl);
                }
                self.open(Overlay::Login(LoginForm::new(
                    need_login.unwrap_or_else(|| "No Heroku API key.".into()),
                    None,
                    None,
                )));
            }
            Action::Command(c) => return self.command(c),
            Action::SearchInput(c) if self.review_searching() => self.review_input(c),
            Action::SearchInput(c) => {
                self.search.query.push(c);
                self.search_step(false, true);
            }
            Action::SearchPaste(text) => self.search_paste(&text),
            Action::Measured(extents) => self.measured(extents),
            Action::Scroll { down, column } => self.scroll(down, column),
            Action::Click { column, row } => {
                let top = layout::BODY_TOP + 1;
                if column < layout::tree_width(self.width) && row >= top {
                    let target = self.offset + usize::from(row - top);
                    if target < self.rows() {
                        self.focus = Pane::Tree;
                        self.select_row(target);
                    }
                } else {
                    self.focus = Pane::Details;
                }
            }
            Action::Resize { width, height } => {
                self.width = width;
                self.height = height;
                self.scroll_to_cursor();
            }
            Action::CrawlProgress(p) => {
                if let Some(c) = self.crawl.as_mut() {
                    c.progress = Some(*p);
                }
            }
            Action::CrawlLive(data) => {
                // The first crawl fills the tree in; a refresh keeps the old tree until the
                // new one is complete.
                if self.crawl.is_some() && self.data.as_ref().is_none_or(|d| !d.complete) {
                    self.load(*data);
                }
            }
            Action::CrawlDone(result) => {
                self.crawl = None;
                match result {
                    Ok(data) => {
                        self.load(*data);
                        let other = self.graph_replaced();
                        return self.compare_with(other);
                    }
                    Err(message) => {
                        self.drop_live_data();
                        self.error(message);
                    }
                }
            }
            Action::PreviewReady(result) => match result {
                Ok(ready) => {
                    let (plan, preview) = *ready;
                    if self
                        .data
                        .as_ref()
                        .is_some_and(|d| Arc::ptr_eq(plan.graph(), &d.loaded.graph))
                    {
                        self.note_comparison(&preview);
                    }
                    self.preview = Some(PreviewState {
                        preview,
                        plan: Arc::new(plan),
                        confirm: Vec::new(),
                        offset: 0,
                        selected: 0,
                    });
                    self.review = None;
                    self.open(Overlay::Preview);
                    self.status = None;
                    if std::mem::take(&mut self.sync_after_preview) {
                        return self.try_sync(false);
                    }
                }
                Err(message) => {
                    self.sync_after_preview = false;
                    self.error(message);
                }
            },
            Action::Compared(result) => return self.compared(result),
            Action::ChangeMarks { graph, marks } => {
                if let Some(d) = self.data.as_mut()
                    && Arc::ptr_eq(&d.loaded.graph, &graph)
                {
                    d.tree.set_change_marks(&marks);
                    self.scroll_to_cursor();
                }
            }
            Action::NeedLogin(reason) => {
                self.crawl = None;
                self.drop_live_data();
                self.open(Overlay::Login(LoginForm::new(reason, None, None)));
            }
            Action::LoginInput(key) => {
                if let Some(form) = self.overlays.login_form_mut().filter(|f| !f.busy) {
                    form.input(key);
                }
            }
            Action::LoginPaste(text) => {
                if let Some(form) = self.overlays.login_form_mut().filter(|f| !f.busy) {
                    form.paste(&text);
                }
            }
            Action::LoginDone(Ok(ok)) => {
                let jupiterone_only = self
                    .overlays
                    .login_form()
                    .is_some_and(|f| f.jupiterone_only);
                self.overlays.close(|o| matches!(o, Overlay::Login(_)));
                if let Some(setup) = &ok.clients.jupiterone {
                    self.endpoints.jupiterone = Some(setup.describe());
                    self.clients.jupiterone = ok.clients.jupiterone;
                }
                self.status = Some(ok.stored);
                if jupiterone_only {
                    // Only the JupiterOne key (asked for by `p` or `s`): on to the preview.
                    return self.after_jupiterone_login();
                }
                self.clients.heroku = ok.clients.heroku;
                self.crawl = Some(Crawl { progress: None });
                return Some(Effect::StartCrawl);
            }
            Action::LoginDone(Err(failure)) => {
                if let Some(form) = self.overlays.login_form_mut() {
                    form.busy = false;
                    form.offer_this_run = failure.keyring_unavailable.clone();
                    if let Some(field) = failure.field {
                        if matches!(field, Field::HerokuKey | Field::JupiterOneKey) {
                            // A rejected key is not kept; the rest of the form is.
                            form.clear(field);
                        }
                        form.focus = field;
                        form.errors[field as usize] = Some(failure.message);
                    } else {
                        form.reason = failure.message;
                    }
                }
            }
            Action::KeysInfo(text) => self.open(Overlay::Keys(text)),
            Action::SyncProgress(event) => {
                if let Some(run) = self.syncing.as_mut() {
                    run.last = Some(*event);
                }
            }
            Action::SyncDone(result) => {
                self.syncing = None;
                match result {
                    Ok(outcome) => {
                        // The preview compared with the sync before this one.
                        self.preview = None;
                        self.review = None;
                        self.synced_since_refresh = true;
                        // Marks against the sync before this one are stale.
                        if let Some(d) = self.data.as_mut() {
                            d.tree.set_change_marks(&[]);
                        }
                        self.overlays
                            .close(|o| matches!(o, Overlay::Preview | Overlay::Review));
                        self.status = Some(format!("Synced: job {}", outcome.upload.job_id));
                        self.open(Overlay::Notice {
                            title: "Sync finished".into(),
                            text: sync_summary(&outcome),
                        });
                        // Markers (none yet) and the next preview against this sync.
                        return self.compare_with(None);
                    }
                    Err(message) => self.error(message),
                }
            }
        }
        None
    }

    /// A crawl that failed leaves no half-read tree behind.
    fn drop_live_data(&mut self) {
        if self.data.as_ref().is_some_and(|d| !d.complete) {
            self.data = None;
            self.cursor = 0;
            self.offset = 0;
        }
    }

    /// Installs a crawled estate (or, while the crawl runs, what it read so far), keeping
    /// the selection and open nodes.
    pub fn load(&mut self, data: Data) {
        let Data {
            loaded,
            mut tree,
            complete,
        } = data;
        let previous = self.data.as_ref().map(|d| {
            let sel = self.selected().map(|i| d.tree.node(i).id.clone());
            (d.tree.open_ids(), sel)
        });
        if let Some((open, _)) = &previous {
            tree.restore_open(open);
        }
        tree.set_filter(FILTERS[self.filter].0);
        let partial = loaded.graph.partial_datasets().len();
        self.status = Some(format!(
            "{}{} entities, {} relationships from {} requests{}",
            if complete { "" } else { "Reading Heroku… " },
            loaded.graph.entities().len(),
            loaded.graph.relationships().len(),
            loaded.requests,
            if partial > 0 {
                format!("; {partial} types partial")
            } else {
                String::new()
            }
        ));
        self.data = Some(Data {
            loaded,
            tree,
            complete,
        });
        self.cursor = 0;
        self.offset = 0;
        if let Some((_, Some(id))) = previous
            && let Some(index) = self.tree().and_then(|t| t.find_id(&id))
        {
            self.select_node(index);
        }
        self.scroll_to_cursor();
    }

    /// Esc: closes the top overlay, or clears the filter when there is none.
    fn dismiss(&mut self) -> Option<Effect> {
        match self.overlays.top() {
            Some(Overlay::Login(_)) if self.data.is_none() && self.crawl.is_none() => {
                // Nothing to show without a key.
                return Some(Effect::Quit);
            }
            Some(Overlay::Login(form)) if form.jupiterone_only => {
                self.sync_after_preview = false;
                self.overlays.pop();
            }
            Some(Overlay::Help | Overlay::Preview) => {
                if let Some(p) = self.preview.as_mut() {
                    p.confirm.clear();
                }
                self.overlays.pop();
            }
            Some(Overlay::Review) => self.review_back(),
            Some(_) => {
                self.overlays.pop();
            }
            None if self.filter != 0 => self.set_filter(0),
            None => {}
        }
        None
    }

    fn command(&mut self, c: Command) -> Option<Effect> {
        if let Some(effect) = self.query_command(c) {
            return effect;
        }
        if matches!(self.overlays.top(), Some(Overlay::Review)) {
            match c {
                Command::SearchConfirm | Command::OpenChanges => self.review_enter(),
                Command::SearchCancel => self.review_back(),
                Command::Dismiss | Command::Quit | Command::ToggleHelp => {}
                _ => self.review_command(c),
            }
            if c != Command::Dismiss && c != Command::Quit && c != Command::ToggleHelp {
                return None;
            }
        }
        match c {
            Command::NextType | Command::PrevType => {
                if let Some(p) = self.preview.as_mut() {
                    let last = p.preview.types.len().saturating_sub(1);
                    p.selected = if c == Command::NextType {
                        (p.selected + 1).min(last)
                    } else {
                        p.selected.saturating_sub(1)
                    };
                }
            }
            Command::OpenChanges => self.open_review(),
            Command::CycleKind => {}
            Command::Quit => return Some(Effect::Quit),
            Command::Preview => {
                if !self.complete_data() || self.jupiterone_missing(false) {
                    return None;
                }
                if self.preview_is_fresh() {
                    self.open(Overlay::Preview);
                } else if !self.wait_for_comparison(false) {
                    self.sync_after_preview = false;
                    self.status = Some("Preparing the preview…".into());
                    return Some(Effect::Preview);
                }
            }
            Command::Sync => {
                if !self.complete_data() || self.jupiterone_missing(true) {
                    return None;
                }
                if self.preview_is_fresh() {
                    return self.try_sync(false);
                }
                if self.wait_for_comparison(true) {
                    return None;
                }
                self.sync_after_preview = true;
                self.status = Some("Preparing the preview…".into());
                return Some(Effect::Preview);
            }
            Command::NextField | Command::PrevField => {
                if let Some(form) = self.overlays.login_form_mut() {
                    form.next(c == Command::NextField);
                }
            }
            Command::Submit => {
                if let Some(form) = self.overlays.login_form_mut().filter(|f| !f.busy)
                    && let Some(request) = form.request()
                {
                    if !self.can_login {
                        // Nothing can be stored here (the demo): the form just closes.
                        self.overlays.close(|o| matches!(o, Overlay::Login(_)));
                        return None;
                    }
                    form.busy = true;
                    return Some(Effect::Login(Box::new(request)));
                }
            }
            Command::ShowKeys => return Some(Effect::KeyStatus),
            Command::ShowLogin => {
                self.overlays.close(|o| matches!(o, Overlay::Keys(_)));
                self.open(Overlay::Login(LoginForm::new(
                    "Enter the keys to use: they are checked with Heroku and JupiterOne, then replace the stored ones.",
                    None,
                    None,
                )));
            }
            Command::DeleteKeys => return self.delete_keys(false),
            Command::Confirm if self.layer() == Layer::Confirm => return self.delete_keys(true),
            Command::Copy => return self.copy_key(),
            Command::OpenLink => return self.open_link(),
            Command::Confirm => {
                if self.preview.as_ref().is_some_and(|p| !p.confirm.is_empty()) {
                    return self.try_sync(true);
                }
            }
            Command::Dismiss => return self.dismiss(),
            Command::ToggleHelp => {
                if self.overlays.contains(|o| matches!(o, Overlay::Help)) {
                    self.close_view();
                } else {
                    // Help always opens at its top.
                    self.help_offset = 0;
                    self.open(Overlay::Help);
                }
            }
            Command::Refresh => {
                if self.crawl.is_none() {
                    self.crawl = Some(Crawl { progress: None });
                    self.status = Some("Reading Heroku…".into());
                    if std::mem::take(&mut self.synced_since_refresh) && self.endpoints.demo {
                        return Some(Effect::DriftAndCrawl);
                    }
                    return Some(Effect::StartCrawl);
                }
                self.status = Some("Already reading Heroku…".into());
            }
            Command::SwitchPane => {
                self.focus = if self.focus == Pane::Tree {
                    Pane::Details
                } else {
                    Pane::Tree
                };
            }
            Command::ToggleRaw => {
                self.view = match self.view {
                    DetailView::Entity => DetailView::Raw,
                    DetailView::Raw => DetailView::Payload,
                    DetailView::Payload => DetailView::Entity,
                };
                self.details_offset = 0;
            }
            Command::CycleFilter => self.set_filter((self.filter + 1) % FILTERS.len()),
            Command::StartSearch => {
                if self.data.is_some() {
                    self.close_view();
                    self.search = Search {
                        query: String::new(),
                        active: true,
                        origin: self.selected(),
                        matches: 0,
                        current: 0,
                    };
                }
            }
            Command::SearchBackspace => {
                self.search.query.pop();
                self.search_step(false, true);
            }
            Command::SearchConfirm => {
                self.search.active = false;
            }
            Command::SearchCancel => {
                self.search.active = false;
                if let Some(origin) = self.search.origin {
                    self.select_node(origin);
                }
                self.search.query.clear();
            }
            Command::NextMatch => self.search_step(false, false),
            Command::PrevMatch => self.search_step(true, false),
            Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::Top
            | Command::Bottom => {
                self.navigate(c);
            }
            Command::Fold => self.fold(),
            Command::Unfold => self.unfold(),
            Command::Enter => self.enter(),
            Command::StartQuery
            | Command::RunQuery
            | Command::HistoryOlder
            | Command::HistoryNewer
            | Command::ShowQuestions
            | Command::FilterToResults => {}
        }
        None
    }

    /// Whether a complete estate is loaded (not one still being read): only such a graph
    /// is previewed or synced.
    fn complete_data(&mut self) -> bool {
        if self.data.as_ref().is_some_and(|d| !d.complete) {
            self.status =
                Some("Still reading Heroku: preview and sync wait for the whole estate.".into());
        }
        self.data.as_ref().is_some_and(|d| d.complete)
    }

    /// Whether the node has a kind whose details show an entity.
    #[must_use]
    pub fn node_kind(&self, index: u32) -> Option<NodeKind> {
        self.tree().map(|t| t.node(index).kind)
    }

    /// Open node ids (for tests).
    #[must_use]
    pub fn open_ids(&self) -> HashSet<Box<str>> {
        self.tree().map(Tree::open_ids).unwrap_or_default()
    }
}
