//! The explorer's state, changed only by [`App::update`]: the state types, `update`,
//! loading a crawl and the commands. Moving around the tree is in `navigate`, the preview
//! and sync state in `sync`.

mod navigate;
mod sync;

use std::collections::HashSet;
use std::sync::Arc;

use super::action::{Action, Command, Effect, Loaded};
use super::keymap::Mode;
use super::layout;
use super::login::{Field, LoginForm};
use super::tree::{Markers, NodeKind, Tree};
use crate::collect::Progress;
use crate::graph::{Entity, Graph};
use crate::jupiterone::{Plan, Preview, SyncEvent};
use sync::sync_summary;

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Tree,
    Details,
}

/// The findings filters `f` cycles through, with their names.
pub const FILTERS: [(Markers, &str); 9] = [
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
];

/// The search box.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub query: String,
    /// Where the cursor was when the search started (Esc goes back there).
    pub origin: Option<u32>,
    pub matches: usize,
}

/// A crawl in progress.
#[derive(Debug, Clone)]
pub struct Crawl {
    pub progress: Option<Progress>,
}

/// What the header shows.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub heroku_url: String,
    /// e.g. `fake JupiterOne (demo)`, or `None` when not configured.
    pub jupiterone: Option<String>,
    pub demo: bool,
}

/// The loaded estate: the graph and the tree built from it.
#[derive(Debug)]
pub struct Data {
    pub loaded: Loaded,
    pub tree: Tree,
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
    pub target: Target,
    pub data: Option<Data>,
    pub crawl: Option<Crawl>,
    pub mode: Mode,
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
    pub error: Option<String>,
    /// A message that is not an error (the sync result): title and text.
    pub notice: Option<(String, String)>,
    pub status: Option<String>,
    pub preview: Option<PreviewState>,
    /// `s` was pressed before the preview existed: sync when it arrives.
    pub sync_after_preview: bool,
    pub syncing: Option<SyncRun>,
    pub login: Option<LoginForm>,
    /// The keys view's text.
    pub keys: Option<String>,
    /// First row of the help screen.
    pub help_offset: usize,
    pub width: u16,
    pub height: u16,
    pub should_quit: bool,
}

impl App {
    #[must_use]
    pub fn new(target: Target, width: u16, height: u16) -> Self {
        Self {
            target,
            data: None,
            crawl: None,
            mode: Mode::Browse,
            focus: Pane::Tree,
            cursor: 0,
            offset: 0,
            details_cursor: 0,
            details_offset: 0,
            view: DetailView::Entity,
            search: Search::default(),
            filter: 0,
            error: None,
            notice: None,
            status: None,
            preview: None,
            sync_after_preview: false,
            syncing: None,
            login: None,
            keys: None,
            help_offset: 0,
            width,
            height,
            should_quit: false,
        }
    }

    /// The mode whose keymap applies now.
    #[must_use]
    pub fn key_mode(&self) -> Mode {
        if self.error.is_some() || self.notice.is_some() {
            Mode::Popup
        } else if self.login.is_some() {
            Mode::Login
        } else if self.keys.is_some() {
            Mode::Keys
        } else {
            self.mode
        }
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
            Action::Command(c) => return self.command(c),
            Action::SearchInput(c) => {
                self.search.query.push(c);
                self.search_step(false, true);
            }
            Action::Scroll { down, column } => {
                let delta = if down { 3 } else { -3 };
                if column < layout::tree_width(self.width) {
                    self.move_cursor(delta);
                } else {
                    self.details_offset = self.details_offset.saturating_add_signed(delta);
                }
            }
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
            Action::CrawlDone(result) => {
                self.crawl = None;
                match result {
                    Ok(loaded) => self.load(*loaded),
                    Err(message) => self.error = Some(message),
                }
            }
            Action::PreviewReady(result) => match result {
                Ok(ready) => {
                    let (plan, preview) = *ready;
                    self.preview = Some(PreviewState {
                        preview,
                        plan: Arc::new(plan),
                        confirm: Vec::new(),
                        offset: 0,
                    });
                    self.mode = Mode::Preview;
                    self.status = None;
                    if std::mem::take(&mut self.sync_after_preview) {
                        return self.try_sync(false);
                    }
                }
                Err(message) => {
                    self.sync_after_preview = false;
                    self.error = Some(message);
                }
            },
            Action::NeedLogin(reason) => {
                self.crawl = None;
                self.login = Some(LoginForm::new(reason, None, None));
            }
            Action::LoginInput(key) => {
                if let Some(form) = self.login.as_mut().filter(|f| !f.busy) {
                    form.input(key);
                }
            }
            Action::LoginPaste(text) => {
                if let Some(form) = self.login.as_mut().filter(|f| !f.busy) {
                    form.paste(&text);
                }
            }
            Action::LoginDone(Ok(ok)) => {
                self.login = None;
                if ok.jupiterone.is_some() {
                    self.target.jupiterone = ok.jupiterone;
                }
                self.status = Some(ok.stored);
                self.crawl = Some(Crawl { progress: None });
                return Some(Effect::StartCrawl);
            }
            Action::LoginDone(Err(failure)) => {
                if let Some(form) = self.login.as_mut() {
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
            Action::KeysInfo(text) => self.keys = Some(text),
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
                        if self.mode == Mode::Preview {
                            self.mode = Mode::Browse;
                        }
                        self.status = Some(format!("Synced: job {}", outcome.upload.job_id));
                        self.notice = Some(("Sync finished".into(), sync_summary(&outcome)));
                    }
                    Err(message) => self.error = Some(message),
                }
            }
        }
        None
    }

    /// Installs a freshly crawled estate, keeping the selection and open nodes.
    pub fn load(&mut self, mut loaded: Loaded) {
        let mut tree = loaded
            .tree
            .take()
            .unwrap_or_else(|| Tree::build(&loaded.graph, &loaded.failures));
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
            "{} entities, {} relationships from {} requests{}",
            loaded.graph.entities().len(),
            loaded.graph.relationships().len(),
            loaded.requests,
            if partial > 0 {
                format!("; {partial} types partial")
            } else {
                String::new()
            }
        ));
        self.data = Some(Data { loaded, tree });
        self.cursor = 0;
        self.offset = 0;
        if let Some((_, Some(id))) = previous
            && let Some(index) = self.tree().and_then(|t| t.find_id(&id))
        {
            self.select_node(index);
        }
        self.scroll_to_cursor();
    }

    fn command(&mut self, c: Command) -> Option<Effect> {
        match c {
            Command::Quit => {
                self.should_quit = true;
                return Some(Effect::Quit);
            }
            Command::Preview => {
                if self.data.is_none() || self.jupiterone_missing() {
                    return None;
                }
                if self.preview_is_fresh() {
                    self.mode = Mode::Preview;
                } else {
                    self.sync_after_preview = false;
                    self.status = Some("Preparing the preview…".into());
                    return Some(Effect::Preview);
                }
            }
            Command::Sync => {
                if self.data.is_none() || self.jupiterone_missing() {
                    return None;
                }
                if self.preview_is_fresh() {
                    return self.try_sync(false);
                }
                self.sync_after_preview = true;
                self.status = Some("Preparing the preview…".into());
                return Some(Effect::Preview);
            }
            Command::NextField | Command::PrevField => {
                if let Some(form) = self.login.as_mut() {
                    form.next(c == Command::NextField);
                }
            }
            Command::Submit => {
                if let Some(form) = self.login.as_mut().filter(|f| !f.busy)
                    && let Some(request) = form.request()
                {
                    form.busy = true;
                    return Some(Effect::Login(Box::new(request)));
                }
            }
            Command::ShowKeys => return Some(Effect::KeyStatus),
            Command::ShowLogin => {
                self.keys = None;
                self.login = Some(LoginForm::new(
                    "Enter the keys to use: they are checked with Heroku and JupiterOne, then replace the stored ones.",
                    None,
                    None,
                ));
            }
            Command::DeleteKeys => {
                self.keys = None;
                return Some(Effect::DeleteKeys);
            }
            Command::Confirm => {
                if self.preview.as_ref().is_some_and(|p| !p.confirm.is_empty()) {
                    return self.try_sync(true);
                }
            }
            Command::Dismiss if self.login.is_some() && self.error.is_none() => {
                if self.data.is_none() && self.crawl.is_none() {
                    // Nothing to show without a key.
                    self.should_quit = true;
                    return Some(Effect::Quit);
                }
                self.login = None;
            }
            Command::Dismiss
                if self.keys.is_some() && self.error.is_none() && self.notice.is_none() =>
            {
                self.keys = None;
            }
            Command::Dismiss => {
                if self.error.take().is_none() && self.notice.take().is_none() {
                    if self.mode == Mode::Help || self.mode == Mode::Preview {
                        if let Some(p) = self.preview.as_mut() {
                            p.confirm.clear();
                        }
                        self.mode = Mode::Browse;
                    } else if self.filter != 0 {
                        self.set_filter(0);
                    }
                }
            }
            Command::ToggleHelp => {
                self.mode = if self.mode == Mode::Help {
                    Mode::Browse
                } else {
                    Mode::Help
                };
            }
            Command::Refresh => {
                if self.crawl.is_none() {
                    self.crawl = Some(Crawl { progress: None });
                    self.status = Some("Reading Heroku…".into());
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
                    self.mode = Mode::Search;
                    self.search = Search {
                        query: String::new(),
                        origin: self.selected(),
                        matches: 0,
                    };
                }
            }
            Command::SearchBackspace => {
                self.search.query.pop();
                self.search_step(false, true);
            }
            Command::SearchConfirm => {
                self.mode = Mode::Browse;
            }
            Command::SearchCancel => {
                self.mode = Mode::Browse;
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
        }
        None
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
