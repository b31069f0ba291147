//! The one keymap table: it drives dispatch, the footer hints and the help screen. A
//! binding applies in its layers, and within the tree-and-details layer to one pane or both
//! ([`When`]); the footer shows the hints of what applies now ([`Context`]).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Command;
use super::overlay::Layer;

/// A key a binding answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
}

/// One row of the keymap.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub layers: &'static [Layer],
    pub keys: &'static [Key],
    pub command: Command,
    /// How the keys are written in hints, e.g. `j/↓`.
    pub label: &'static str,
    pub help: &'static str,
    /// The word in the footer.
    pub footer: Hint,
    /// Which pane it applies to (in [`Layer::Browse`]; elsewhere always `Any`).
    pub when: When,
}

/// What a binding shows in the footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Nothing: the binding is in the help only.
    None,
    Word(&'static str),
    /// The details view `v` switches to next ([`Context::next_view`]).
    NextView,
}

/// Where a binding applies within its layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Any,
    /// The tree pane has the keyboard.
    Tree,
    /// The details pane has the keyboard.
    Details,
    /// The preview asks before syncing (`y` goes on).
    Asking,
}

/// What the footer and dispatch need to know besides the layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The details pane has the keyboard.
    pub details: bool,
    /// What `v` switches the details to, e.g. `raw JSON`.
    pub next_view: &'static str,
    /// The preview asks before syncing.
    pub asking: bool,
}

impl Context {
    const fn applies(self, when: When) -> bool {
        match when {
            When::Any => true,
            When::Tree => !self.details,
            When::Details => self.details,
            When::Asking => self.asking,
        }
    }
}

const B: &[Layer] = &[Layer::Browse];
const S: &[Layer] = &[Layer::Search];
const P: &[Layer] = &[Layer::Preview];
/// Scrolling in the preview and in the help screen.
const SCROLL: &[Layer] = &[Layer::Preview, Layer::Help];
const L: &[Layer] = &[Layer::Login];
/// The change review (a type's changes, an object's diff).
const R: &[Layer] = &[Layer::Review];
const ANY: &[Layer] = &[
    Layer::Browse,
    Layer::Search,
    Layer::Help,
    Layer::Popup,
    Layer::Preview,
    Layer::Login,
    Layer::Keys,
    Layer::QueryLine,
    Layer::QueryResults,
    Layer::Questions,
    Layer::Review,
    Layer::Confirm,
];
/// The query line.
const QL: &[Layer] = &[Layer::QueryLine];
/// Lists over the tree: the query's rows and the saved questions.
const LISTS: &[Layer] = &[Layer::QueryResults, Layer::Questions];
/// What pages: the lists, the preview and the help screen.
const PAGED: &[Layer] = &[
    Layer::QueryResults,
    Layer::Questions,
    Layer::Preview,
    Layer::Help,
];

/// Every binding, in help order.
pub const KEYMAP: &[Binding] = &[
    Binding {
        layers: B,
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        command: Command::Down,
        label: "j/↓",
        help: "move down",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        command: Command::Up,
        label: "k/↑",
        help: "move up",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('h'), Key::Code(KeyCode::Left)],
        command: Command::Fold,
        label: "h/←",
        help: "fold, or go to the parent",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('l'), Key::Code(KeyCode::Right)],
        command: Command::Unfold,
        label: "l/→",
        help: "unfold",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::Enter,
        label: "Enter",
        help: "tree: open or close the node (on an object: its details)",
        footer: Hint::Word("open"),
        when: When::Tree,
    },
    Binding {
        layers: B,
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::Enter,
        label: "Enter",
        help: "details: jump to the selected relationship's other end",
        footer: Hint::Word("jump"),
        when: When::Details,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('g'), Key::Code(KeyCode::Home)],
        command: Command::Top,
        label: "g",
        help: "go to the top",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('G'), Key::Code(KeyCode::End)],
        command: Command::Bottom,
        label: "G",
        help: "go to the bottom",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Code(KeyCode::PageDown), Key::Ctrl('d')],
        command: Command::PageDown,
        label: "PgDn",
        help: "page down",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Code(KeyCode::PageUp), Key::Ctrl('u')],
        command: Command::PageUp,
        label: "PgUp",
        help: "page up",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::BackTab)],
        command: Command::SwitchPane,
        label: "Tab",
        help: "switch between tree and details",
        footer: Hint::Word("pane"),
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('/')],
        command: Command::StartSearch,
        label: "/",
        help: "search names, e-mails and ids",
        footer: Hint::Word("search"),
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('n')],
        command: Command::NextMatch,
        label: "n",
        help: "next match",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('N')],
        command: Command::PrevMatch,
        label: "N",
        help: "previous match",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('f')],
        command: Command::CycleFilter,
        label: "f",
        help: "cycle findings: no 2FA, admins, collaborators, SSO, maintenance, archived, deprovisioned, partial, changed since last sync, the last query's rows",
        footer: Hint::Word("findings"),
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('v')],
        command: Command::ToggleRaw,
        label: "v",
        help: "details: cycle three views, JupiterOne entity → raw Heroku JSON → upload payload",
        footer: Hint::NextView,
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('r')],
        command: Command::Refresh,
        label: "r",
        help: "re-read Heroku in the background",
        footer: Hint::Word("refresh"),
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('c')],
        command: Command::Copy,
        label: "c",
        help: "copy the selected object's _key (its Heroku id) to the clipboard (OSC 52: works over SSH)",
        footer: Hint::Word("copy"),
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('o')],
        command: Command::OpenLink,
        label: "o",
        help: "open the selected team's, app's or add-on's Heroku page (webLink) in the browser",
        footer: Hint::Word("web page"),
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('p')],
        command: Command::Preview,
        label: "p",
        help: "preview the JupiterOne sync: new, changed, unchanged, deleted per _type",
        footer: Hint::Word("preview"),
        when: When::Any,
    },
    Binding {
        layers: &[Layer::Browse, Layer::Preview],
        keys: &[Key::Char('s')],
        command: Command::Sync,
        label: "s",
        help: "sync to JupiterOne (asks first on a first sync, partial data or mass deletes)",
        footer: Hint::Word("sync"),
        when: When::Any,
    },
    Binding {
        layers: P,
        keys: &[Key::Char('y')],
        command: Command::Confirm,
        label: "y",
        help: "yes: sync despite what the preview warns about",
        footer: Hint::Word("yes, sync"),
        when: When::Asking,
    },
    Binding {
        layers: SCROLL,
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        command: Command::Down,
        label: "j/↓",
        help: "scroll",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: SCROLL,
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        command: Command::Up,
        label: "k/↑",
        help: "scroll",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('K')],
        command: Command::ShowKeys,
        label: "K",
        help: "keys: where each comes from, replace or log in again",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: &[Layer::Keys],
        keys: &[Key::Char('L'), Key::Char('l')],
        command: Command::ShowLogin,
        label: "L",
        help: "log in with other keys (replaces the stored ones after checking them)",
        footer: Hint::Word("replace"),
        when: When::Any,
    },
    Binding {
        layers: &[Layer::Keys],
        keys: &[Key::Char('D'), Key::Char('d')],
        command: Command::DeleteKeys,
        label: "D",
        help: "delete the stored keys from the OS keyring (asks first)",
        footer: Hint::Word("delete"),
        when: When::Any,
    },
    Binding {
        layers: &[Layer::Confirm],
        keys: &[Key::Char('y'), Key::Char('Y')],
        command: Command::Confirm,
        label: "y",
        help: "yes, delete them",
        footer: Hint::Word("yes, delete"),
        when: When::Any,
    },
    Binding {
        layers: &[Layer::Confirm],
        keys: &[Key::Code(KeyCode::Esc), Key::Char('n'), Key::Char('N')],
        command: Command::Dismiss,
        label: "Esc/n",
        help: "no, keep them",
        footer: Hint::Word("keep"),
        when: When::Any,
    },
    Binding {
        layers: L,
        keys: &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::Down)],
        command: Command::NextField,
        label: "Tab/↓",
        help: "next field",
        footer: Hint::Word("next"),
        when: When::Any,
    },
    Binding {
        layers: L,
        keys: &[Key::Code(KeyCode::BackTab), Key::Code(KeyCode::Up)],
        command: Command::PrevField,
        label: "S-Tab/↑",
        help: "previous field",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: L,
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::Submit,
        label: "Enter",
        help: "check the keys with the APIs and store them in the OS keyring",
        footer: Hint::Word("check and store"),
        when: When::Any,
    },
    Binding {
        layers: L,
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::Dismiss,
        label: "Esc",
        help: "close (quit when no key is set)",
        footer: Hint::Word("close"),
        when: When::Any,
    },
    Binding {
        layers: B,
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::Dismiss,
        label: "Esc",
        help: "clear the filter",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: S,
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::SearchConfirm,
        label: "Enter",
        help: "keep this match",
        footer: Hint::Word("keep"),
        when: When::Any,
    },
    Binding {
        layers: S,
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::SearchCancel,
        label: "Esc",
        help: "cancel the search",
        footer: Hint::Word("cancel"),
        when: When::Any,
    },
    Binding {
        layers: S,
        keys: &[Key::Code(KeyCode::Down)],
        command: Command::NextMatch,
        label: "↓",
        help: "next match",
        footer: Hint::Word("next"),
        when: When::Any,
    },
    Binding {
        layers: S,
        keys: &[Key::Code(KeyCode::Up)],
        command: Command::PrevMatch,
        label: "↑",
        help: "previous match",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: S,
        keys: &[Key::Code(KeyCode::Backspace)],
        command: Command::SearchBackspace,
        label: "Bksp",
        help: "delete a character",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: &[Layer::Browse, Layer::QueryResults],
        keys: &[Key::Char(':')],
        command: Command::StartQuery,
        label: ":",
        help: "J1QL query, e.g. FIND User WITH mfaEnabled != true",
        footer: Hint::Word("query"),
        when: When::Any,
    },
    Binding {
        layers: &[Layer::Browse, Layer::QueryResults],
        keys: &[Key::Char('Q')],
        command: Command::ShowQuestions,
        label: "Q",
        help: "saved questions with their counts and a chart",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: QL,
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::RunQuery,
        label: "Enter",
        help: "run the query (an error shows under it with a caret)",
        footer: Hint::Word("run"),
        when: When::Any,
    },
    Binding {
        layers: QL,
        keys: &[Key::Code(KeyCode::Up)],
        command: Command::HistoryOlder,
        label: "↑/↓",
        help: "earlier / later queries (kept across runs)",
        footer: Hint::Word("history"),
        when: When::Any,
    },
    Binding {
        layers: QL,
        keys: &[Key::Code(KeyCode::Down)],
        command: Command::HistoryNewer,
        label: "↓",
        help: "later query",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: QL,
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::Dismiss,
        label: "Esc",
        help: "close the query line",
        footer: Hint::Word("close"),
        when: When::Any,
    },
    Binding {
        layers: LISTS,
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        command: Command::Down,
        label: "j/↓",
        help: "next row",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: LISTS,
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        command: Command::Up,
        label: "k/↑",
        help: "previous row",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: PAGED,
        keys: &[Key::Code(KeyCode::PageDown), Key::Ctrl('d'), Key::Char(' ')],
        command: Command::PageDown,
        label: "PgDn",
        help: "page down",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: PAGED,
        keys: &[Key::Code(KeyCode::PageUp), Key::Ctrl('u')],
        command: Command::PageUp,
        label: "PgUp",
        help: "page up",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: PAGED,
        keys: &[Key::Char('g'), Key::Code(KeyCode::Home)],
        command: Command::Top,
        label: "g",
        help: "top (the first row)",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: PAGED,
        keys: &[Key::Char('G'), Key::Code(KeyCode::End)],
        command: Command::Bottom,
        label: "G",
        help: "bottom (the last row)",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: &[Layer::QueryResults],
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::Enter,
        label: "Enter",
        help: "jump to the row's entity in the tree",
        footer: Hint::Word("jump"),
        when: When::Any,
    },
    Binding {
        layers: &[Layer::QueryResults],
        keys: &[Key::Char('F'), Key::Char('f')],
        command: Command::FilterToResults,
        label: "F",
        help: "filter the tree to these rows (Esc clears it)",
        footer: Hint::Word("filter tree"),
        when: When::Any,
    },
    Binding {
        layers: &[Layer::Questions],
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::Enter,
        label: "Enter",
        help: "run the question: its rows in the results table",
        footer: Hint::Word("rows"),
        when: When::Any,
    },
    Binding {
        layers: LISTS,
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::Dismiss,
        label: "Esc",
        help: "back to the tree",
        footer: Hint::Word("back"),
        when: When::Any,
    },
    Binding {
        layers: P,
        keys: &[Key::Code(KeyCode::Tab)],
        command: Command::NextType,
        label: "Tab",
        help: "select the next _type row",
        footer: Hint::Word("type"),
        when: When::Any,
    },
    Binding {
        layers: P,
        keys: &[Key::Code(KeyCode::BackTab)],
        command: Command::PrevType,
        label: "S-Tab",
        help: "select the previous _type row",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: &[Layer::Preview, Layer::Review],
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::OpenChanges,
        label: "Enter",
        help: "open the selected _type's (or the warned-about) changes; in the list, an object's diff",
        footer: Hint::Word("open"),
        when: When::Any,
    },
    Binding {
        layers: R,
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        command: Command::Down,
        label: "j/↓",
        help: "next object (scroll the diff)",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: R,
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        command: Command::Up,
        label: "k/↑",
        help: "previous object (scroll the diff)",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: R,
        keys: &[Key::Code(KeyCode::PageDown)],
        command: Command::PageDown,
        label: "PgDn",
        help: "page down",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: R,
        keys: &[Key::Code(KeyCode::PageUp)],
        command: Command::PageUp,
        label: "PgUp",
        help: "page up",
        footer: Hint::None,
        when: When::Any,
    },
    Binding {
        layers: R,
        keys: &[Key::Char('t')],
        command: Command::CycleKind,
        label: "t",
        help: "changes list: show all, new, changed or deleted objects",
        footer: Hint::Word("kind"),
        when: When::Any,
    },
    Binding {
        layers: R,
        keys: &[Key::Char('/')],
        command: Command::StartSearch,
        label: "/",
        help: "changes list: search by name or key",
        footer: Hint::Word("search"),
        when: When::Any,
    },
    Binding {
        layers: &[
            Layer::Popup,
            Layer::Help,
            Layer::Preview,
            Layer::Keys,
            Layer::Review,
        ],
        keys: &[Key::Code(KeyCode::Esc), Key::Code(KeyCode::Enter)],
        command: Command::Dismiss,
        label: "Esc",
        help: "close",
        footer: Hint::Word("close"),
        when: When::Any,
    },
    Binding {
        layers: &[Layer::Browse, Layer::Help],
        keys: &[Key::Char('?')],
        command: Command::ToggleHelp,
        label: "?",
        help: "help",
        footer: Hint::Word("help"),
        when: When::Any,
    },
    Binding {
        layers: &[
            Layer::Browse,
            Layer::Help,
            Layer::Popup,
            Layer::Preview,
            Layer::Keys,
            Layer::QueryResults,
            Layer::Questions,
            Layer::Review,
        ],
        keys: &[Key::Char('q')],
        command: Command::Quit,
        label: "q",
        help: "quit",
        footer: Hint::Word("quit"),
        when: When::Any,
    },
    Binding {
        layers: ANY,
        keys: &[Key::Ctrl('c')],
        command: Command::Quit,
        label: "Ctrl-C",
        help: "quit",
        footer: Hint::None,
        when: When::Any,
    },
];

fn matches(key: Key, event: &KeyEvent) -> bool {
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    match key {
        Key::Char(c) => !ctrl && event.code == KeyCode::Char(c),
        Key::Ctrl(c) => ctrl && event.code == KeyCode::Char(c),
        Key::Code(code) => event.code == code,
    }
}

/// The command bound to `event` in `layer`.
#[must_use]
pub fn lookup(layer: Layer, ctx: Context, event: &KeyEvent) -> Option<Command> {
    KEYMAP
        .iter()
        .filter(|b| b.layers.contains(&layer) && ctx.applies(b.when))
        .find(|b| b.keys.iter().any(|k| matches(*k, event)))
        .map(|b| b.command)
}

/// The footer hints of `layer` in `ctx`: `(keys, what)`.
pub fn footer(layer: Layer, ctx: Context) -> impl Iterator<Item = (&'static str, &'static str)> {
    KEYMAP
        .iter()
        .filter(move |b| b.layers.contains(&layer) && ctx.applies(b.when))
        .filter_map(move |b| match b.footer {
            Hint::None => None,
            Hint::Word(what) => Some((b.label, what)),
            Hint::NextView => Some((b.label, ctx.next_view)),
        })
}

/// The help screen's sections: a title and the layer whose bindings it lists.
pub const HELP_SECTIONS: [(Layer, &str); 10] = [
    (Layer::Browse, "Browsing"),
    (Layer::Search, "Searching"),
    (Layer::Preview, "Sync preview"),
    (Layer::Review, "Change review (Enter in the preview)"),
    (Layer::Keys, "Keys view (K)"),
    (
        Layer::Confirm,
        "Deleting the stored keys (D in the keys view)",
    ),
    (Layer::Login, "Login form"),
    (Layer::QueryLine, "Query line (:)"),
    (Layer::QueryResults, "Query results"),
    (Layer::Questions, "Saved questions (Q)"),
];

/// One line of the help screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpLine {
    Section(&'static str),
    /// Keys (empty on a continuation line) and what they do.
    Key(&'static str, String),
}

/// The help screen's key lines, what they do wrapped to `width` columns after the keys'
/// column of `key_width`.
#[must_use]
pub fn help_lines(width: usize, key_width: usize) -> Vec<HelpLine> {
    let room = width.saturating_sub(key_width).max(10);
    let mut lines = Vec::new();
    for (layer, title) in HELP_SECTIONS {
        lines.push(HelpLine::Section(title));
        for b in KEYMAP.iter().filter(|b| b.layers.contains(&layer)) {
            for (i, part) in super::layout::wrap(b.help, room).into_iter().enumerate() {
                lines.push(HelpLine::Key(if i == 0 { b.label } else { "" }, part));
            }
        }
    }
    lines
}
