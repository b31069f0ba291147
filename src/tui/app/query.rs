//! The query line, its results table and the questions view: the state and what the
//! commands do to it. Parsing happens here (it is fast, and an error shows at once);
//! running is a task (`tasks::query`).

use std::sync::{Arc, Weak};

use super::{App, FILTERS, Pane};
use crate::graph::Graph;
use crate::query::{self, QueryError};
use crate::tui::action::{Action, Command, Effect};
use crate::tui::overlay::{Layer, Overlay};
use crate::tui::query_line::QueryLine;
use crate::tui::query_results::{QueryResults, QuestionCount};
use crate::tui::tree::Markers;

/// The query line and the results table.
#[derive(Debug, Default)]
pub struct QueryState {
    pub line: QueryLine,
    /// The query text that failed to parse, with the error.
    pub error: Option<(String, QueryError)>,
    /// A query is running (its results replace these when they come).
    pub running: bool,
    pub results: Option<QueryResults>,
    /// The selected row of the results.
    pub cursor: usize,
    /// The query whose rows are shown or coming (its title and the parsed query): what a
    /// new crawl re-runs on the new graph.
    pub active: Option<(String, query::Query)>,
    /// The graph the running query was given; rows that come back for a graph that has
    /// been replaced meanwhile are not shown, the query runs again on the new one.
    ran_on: Option<Weak<Graph>>,
    /// The tree was filtered to the rows when the graph was replaced: filter it to the new
    /// rows when they come.
    refilter: bool,
    /// Count the saved questions again once the re-run query is done (a new crawl).
    recount_after: bool,
}

/// The questions view.
#[derive(Debug, Default)]
pub struct QuestionsState {
    /// `None` until the first run after the graph loads.
    pub counts: Option<Result<Vec<QuestionCount>, String>>,
    pub running: bool,
    pub cursor: usize,
}

impl App {
    /// The loaded graph, shared with a task.
    fn shared_graph(&self) -> Option<Arc<crate::graph::Graph>> {
        self.data.as_ref().map(|d| Arc::clone(&d.loaded.graph))
    }

    /// Handles the query and questions commands; `None` when `c` is not one of them here.
    pub(super) fn query_command(&mut self, c: Command) -> Option<Option<Effect>> {
        let layer = self.layer();
        let list = matches!(layer, Layer::QueryResults | Layer::Questions);
        Some(match c {
            Command::StartQuery => {
                if self.data.is_some() {
                    self.open(Overlay::Query { editing: true });
                }
                None
            }
            Command::RunQuery => self.run_query(),
            Command::HistoryOlder => {
                self.query.line.older();
                self.query.error = None;
                None
            }
            Command::HistoryNewer => {
                self.query.line.newer();
                self.query.error = None;
                None
            }
            Command::ShowQuestions => {
                if self.data.is_none() {
                    return Some(None);
                }
                self.open(Overlay::Questions);
                if self.questions.counts.is_none() && !self.questions.running {
                    self.questions.running = true;
                    return Some(self.shared_graph().map(Effect::RunQuestions));
                }
                None
            }
            Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::Top
            | Command::Bottom
                if list =>
            {
                self.move_in_list(layer, c);
                None
            }
            Command::Enter if layer == Layer::QueryResults => {
                self.jump_to_result();
                None
            }
            Command::Enter if layer == Layer::Questions => self.run_question(),
            Command::FilterToResults if layer == Layer::QueryResults => {
                self.filter_to_results();
                None
            }
            _ => return None,
        })
    }

    fn move_in_list(&mut self, layer: Layer, c: Command) {
        let (len, cursor) = if layer == Layer::Questions {
            let len = match &self.questions.counts {
                Some(Ok(q)) => q.len(),
                _ => 0,
            };
            (len, &mut self.questions.cursor)
        } else {
            let len = self.query.results.as_ref().map_or(0, |r| r.output.len());
            (len, &mut self.query.cursor)
        };
        let page = usize::from(self.height).saturating_sub(10).max(1);
        let last = len.saturating_sub(1);
        *cursor = match c {
            Command::Up => cursor.saturating_sub(1),
            Command::Down => (*cursor + 1).min(last),
            Command::PageUp => cursor.saturating_sub(page),
            Command::PageDown => (*cursor + page).min(last),
            Command::Top => 0,
            _ => last,
        };
    }

    /// Enter on the query line: parse (an error shows under the line), then run as a task.
    fn run_query(&mut self) -> Option<Effect> {
        let text = self.query.line.text();
        if text.trim().is_empty() {
            return None;
        }
        match query::parse(&text) {
            Err(e) => {
                self.query.error = Some((text, e));
                None
            }
            Ok(q) => {
                self.query.error = None;
                self.query.line.remember(&text);
                self.status = Some("Running the query…".into());
                let history = self.query.line.history().to_vec();
                self.start_query(text, q, history)
            }
        }
    }

    /// Runs `query` on the loaded graph as a task; it becomes the active query.
    fn start_query(
        &mut self,
        title: String,
        query: query::Query,
        history: Vec<String>,
    ) -> Option<Effect> {
        let graph = self.shared_graph()?;
        self.query.running = true;
        self.query.ran_on = Some(Arc::downgrade(&graph));
        self.query.active = Some((title.clone(), query.clone()));
        Some(Effect::RunQuery {
            title,
            query: Box::new(query),
            graph,
            history,
        })
    }

    /// Whether `graph` is the loaded graph.
    fn is_loaded(&self, graph: Option<&Weak<Graph>>) -> bool {
        match (graph, &self.data) {
            (Some(g), Some(d)) => std::ptr::eq(g.as_ptr(), Arc::as_ptr(&d.loaded.graph)),
            _ => false,
        }
    }

    /// Enter in the questions view: the question's rows in the results table.
    fn run_question(&mut self) -> Option<Effect> {
        let Some(Ok(counts)) = &self.questions.counts else {
            return None;
        };
        let q = counts.get(self.questions.cursor)?.clone();
        self.shared_graph()?;
        self.query.line.set_text(q.query.text());
        self.query.error = None;
        self.open(Overlay::Query { editing: false });
        self.start_query(q.title, q.query, Vec::new())
    }

    /// Enter in the results: select the row's entity in the tree.
    fn jump_to_result(&mut self) {
        let Some(entity) = self
            .query
            .results
            .as_ref()
            .and_then(|r| r.output.row_entity(self.query.cursor))
        else {
            return;
        };
        let Some(node) = self.tree().and_then(|t| t.node_of_entity(entity)) else {
            self.status = Some("That entity is not in the tree".into());
            return;
        };
        if self
            .tree()
            .is_some_and(|t| t.filter().0 != 0 && !t.node(node).subtree.intersects(t.filter()))
        {
            self.set_filter(0);
        }
        self.overlays.close(|o| matches!(o, Overlay::Query { .. }));
        self.select_node(node);
        self.focus = Pane::Tree;
    }

    /// The query and questions messages (others are `update`'s).
    pub(super) fn query_update(&mut self, action: Action) -> Option<Effect> {
        match action {
            Action::QueryInput(key) => {
                self.query.line.input(key);
                self.query.error = None;
            }
            Action::QueryPaste(text) => {
                self.query.line.paste(&text);
                self.query.error = None;
            }
            Action::QueryDone(results) => {
                if !self.is_loaded(self.query.ran_on.as_ref()) {
                    // Rows of a graph a crawl replaced meanwhile: run it on the new one.
                    return self.rerun_query();
                }
                self.query.running = false;
                self.query.cursor = self
                    .query
                    .cursor
                    .min(results.output.len().saturating_sub(1));
                let n = results.output.len();
                self.status = Some(format!("{n} row{}", if n == 1 { "" } else { "s" }));
                self.query.results = Some(*results);
                if std::mem::take(&mut self.query.refilter) {
                    self.filter_tree_to_results();
                }
                if self
                    .overlays
                    .contains(|o| matches!(o, Overlay::Query { .. }))
                {
                    self.open(Overlay::Query { editing: false });
                }
                if std::mem::take(&mut self.query.recount_after) {
                    return self.recount_questions();
                }
            }
            Action::QuestionsDone(result) => {
                self.questions.running = false;
                if let Ok(q) = &result {
                    self.questions.cursor = self.questions.cursor.min(q.len().saturating_sub(1));
                }
                self.questions.counts = Some(result);
            }
            _ => {}
        }
        None
    }

    /// `F` in the results: the tree shows only the rows' entities (the findings filter's
    /// last entry; Esc clears it).
    fn filter_to_results(&mut self) {
        if self.query.results.is_none() {
            return;
        }
        self.filter_tree_to_results();
        self.overlays.close(|o| matches!(o, Overlay::Query { .. }));
        self.focus = Pane::Tree;
    }

    /// Marks the rows' entities in the tree and shows only them.
    fn filter_tree_to_results(&mut self) {
        let entities = match &self.query.results {
            Some(r) => r.output.entities(),
            None => return,
        };
        if let Some(data) = self.data.as_mut() {
            data.tree.mark_entities(&entities, Markers::QUERY);
        }
        let at = FILTERS
            .iter()
            .position(|(m, _)| *m == Markers::QUERY)
            .unwrap_or(0);
        self.set_filter(at);
    }

    /// A new crawl replaced the graph: the rows pointed into the old one, so the active
    /// query runs again on the new graph (the tree filtered to its rows again if it was),
    /// then the saved questions are counted again.
    pub(super) fn graph_replaced(&mut self) -> Option<Effect> {
        let had_rows = self.query.results.take().is_some();
        if FILTERS[self.filter].0 == Markers::QUERY {
            self.query.refilter = had_rows;
            self.set_filter(0);
        }
        if self.query.running && self.query.active.is_some() {
            // Its rows come for the old graph; it runs again then (one run at a time).
            self.query.recount_after = true;
            return None;
        }
        if had_rows && self.query.active.is_some() {
            self.query.recount_after = true;
            return self.rerun_query().or_else(|| self.recount_questions());
        }
        self.query.refilter = false;
        self.recount_questions()
    }

    /// The active query again, on the loaded graph.
    fn rerun_query(&mut self) -> Option<Effect> {
        let (title, query) = self.query.active.clone()?;
        self.status = Some("Running the query again on the new data…".into());
        self.start_query(title, query, Vec::new())
    }

    /// Counts the saved questions on the loaded graph.
    fn recount_questions(&mut self) -> Option<Effect> {
        self.questions.running = true;
        self.shared_graph().map(Effect::RunQuestions)
    }
}
