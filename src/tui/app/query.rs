//! The query line, its results table and the questions view: the state and what the
//! commands do to it. Parsing happens here (it is fast, and an error shows at once);
//! running is a task (`tasks::query`).

use std::sync::Arc;

use super::{App, FILTERS, Pane};
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
                None
            }
            Command::HistoryNewer => {
                self.query.line.newer();
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
                let graph = self.shared_graph()?;
                self.query.running = true;
                self.status = Some("Running the query…".into());
                Some(Effect::RunQuery {
                    title: text,
                    query: Box::new(q),
                    graph,
                    history: self.query.line.history().to_vec(),
                })
            }
        }
    }

    /// Enter in the questions view: the question's rows in the results table.
    fn run_question(&mut self) -> Option<Effect> {
        let Some(Ok(counts)) = &self.questions.counts else {
            return None;
        };
        let q = counts.get(self.questions.cursor)?.clone();
        let graph = self.shared_graph()?;
        self.query.line.set_text(q.query.text());
        self.query.error = None;
        self.query.running = true;
        self.open(Overlay::Query { editing: false });
        Some(Effect::RunQuery {
            title: q.title,
            query: Box::new(q.query),
            graph,
            history: Vec::new(),
        })
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
                self.query.running = false;
                self.query.cursor = 0;
                let n = results.output.len();
                self.status = Some(format!("{n} row{}", if n == 1 { "" } else { "s" }));
                self.query.results = Some(*results);
                if self
                    .overlays
                    .contains(|o| matches!(o, Overlay::Query { .. }))
                {
                    self.open(Overlay::Query { editing: false });
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
        let entities = match &self.query.results {
            Some(r) => r.output.entities(),
            None => return,
        };
        if let Some(data) = self.data.as_mut() {
            data.tree.mark_entities(&entities, Markers::QUERY);
        }
        self.overlays.close(|o| matches!(o, Overlay::Query { .. }));
        self.focus = Pane::Tree;
        let at = FILTERS
            .iter()
            .position(|(m, _)| *m == Markers::QUERY)
            .unwrap_or(0);
        self.set_filter(at);
    }

    /// A new crawl replaced the graph: the rows pointed into the old one.
    pub(super) fn forget_query_rows(&mut self) {
        if self.query.results.take().is_some() {
            self.query.cursor = 0;
        }
        if FILTERS[self.filter].0 == Markers::QUERY {
            self.set_filter(0);
        }
    }

    /// After a crawl loads: count the questions again.
    pub(super) fn recount_questions(&mut self) -> Option<Effect> {
        self.questions.running = true;
        self.shared_graph().map(Effect::RunQuestions)
    }
}
