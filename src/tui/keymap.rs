//! The one keymap table: it drives dispatch, the footer hints and the help screen.

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
    /// The word in the footer; `None` keeps the binding out of the footer.
    pub footer: Option<&'static str>,
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
];
/// The query line.
const QL: &[Layer] = &[Layer::QueryLine];
/// Lists over the tree: the query's rows and the saved questions.
const LISTS: &[Layer] = &[Layer::QueryResults, Layer::Questions];

/// Every binding, in help order.
pub const KEYMAP: &[Binding] = &[
    Binding {
        layers: B,
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        command: Command::Down,
        label: "j/↓",
        help: "move down",
        footer: None,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        command: Command::Up,
        label: "k/↑",
        help: "move up",
        footer: None,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('h'), Key::Code(KeyCode::Left)],
        command: Command::Fold,
        label: "h/←",
        help: "fold, or go to the parent",
        footer: None,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('l'), Key::Code(KeyCode::Right)],
        command: Command::Unfold,
        label: "l/→",
        help: "unfold",
        footer: None,
    },
    Binding {
        layers: B,
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::Enter,
        label: "Enter",
        help: "open or close; in details, jump to the related entity",
        footer: Some("open"),
    },
    Binding {
        layers: B,
        keys: &[Key::Char('g'), Key::Code(KeyCode::Home)],
        command: Command::Top,
        label: "g",
        help: "go to the top",
        footer: None,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('G'), Key::Code(KeyCode::End)],
        command: Command::Bottom,
        label: "G",
        help: "go to the bottom",
        footer: None,
    },
    Binding {
        layers: B,
        keys: &[Key::Code(KeyCode::PageDown), Key::Ctrl('d')],
        command: Command::PageDown,
        label: "PgDn",
        help: "page down",
        footer: None,
    },
    Binding {
        layers: B,
        keys: &[Key::Code(KeyCode::PageUp), Key::Ctrl('u')],
        command: Command::PageUp,
        label: "PgUp",
        help: "page up",
        footer: None,
    },
    Binding {
        layers: B,
        keys: &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::BackTab)],
        command: Command::SwitchPane,
        label: "Tab",
        help: "switch between tree and details",
        footer: Some("pane"),
    },
    Binding {
        layers: B,
        keys: &[Key::Char('/')],
        command: Command::StartSearch,
        label: "/",
        help: "search names, e-mails and ids",
        footer: Some("search"),
    },
    Binding {
        layers: B,
        keys: &[Key::Char('n')],
        command: Command::NextMatch,
        label: "n",
        help: "next match",
        footer: None,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('N')],
        command: Command::PrevMatch,
        label: "N",
        help: "previous match",
        footer: None,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('f')],
        command: Command::CycleFilter,
        label: "f",
        help: "cycle findings: no 2FA, admins, collaborators, SSO, maintenance, archived, deprovisioned, partial, the last query's rows",
        footer: Some("findings"),
    },
    Binding {
        layers: B,
        keys: &[Key::Char('v')],
        command: Command::ToggleRaw,
        label: "v",
        help: "details: JupiterOne entity / raw Heroku JSON",
        footer: Some("raw"),
    },
    Binding {
        layers: B,
        keys: &[Key::Char('r')],
        command: Command::Refresh,
        label: "r",
        help: "re-read Heroku in the background",
        footer: Some("refresh"),
    },
    Binding {
        layers: B,
        keys: &[Key::Char('p')],
        command: Command::Preview,
        label: "p",
        help: "preview the JupiterOne sync: new, changed, unchanged, deleted per _type",
        footer: Some("preview"),
    },
    Binding {
        layers: &[Layer::Browse, Layer::Preview],
        keys: &[Key::Char('s')],
        command: Command::Sync,
        label: "s",
        help: "sync to JupiterOne (asks first on a first sync, partial data or mass deletes)",
        footer: Some("sync"),
    },
    Binding {
        layers: P,
        keys: &[Key::Char('y')],
        command: Command::Confirm,
        label: "y",
        help: "yes: sync despite what the preview warns about",
        footer: Some("yes, sync"),
    },
    Binding {
        layers: SCROLL,
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        command: Command::Down,
        label: "j/↓",
        help: "scroll",
        footer: None,
    },
    Binding {
        layers: SCROLL,
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        command: Command::Up,
        label: "k/↑",
        help: "scroll",
        footer: None,
    },
    Binding {
        layers: B,
        keys: &[Key::Char('K')],
        command: Command::ShowKeys,
        label: "K",
        help: "keys: where each comes from, replace or log in again",
        footer: None,
    },
    Binding {
        layers: &[Layer::Keys],
        keys: &[Key::Char('L'), Key::Char('l')],
        command: Command::ShowLogin,
        label: "L",
        help: "log in with other keys (replaces the stored ones after checking them)",
        footer: Some("replace"),
    },
    Binding {
        layers: &[Layer::Keys],
        keys: &[Key::Char('D'), Key::Char('d')],
        command: Command::DeleteKeys,
        label: "D",
        help: "delete the stored keys from the OS keyring",
        footer: Some("delete"),
    },
    Binding {
        layers: L,
        keys: &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::Down)],
        command: Command::NextField,
        label: "Tab/↓",
        help: "next field",
        footer: Some("next"),
    },
    Binding {
        layers: L,
        keys: &[Key::Code(KeyCode::BackTab), Key::Code(KeyCode::Up)],
        command: Command::PrevField,
        label: "S-Tab/↑",
        help: "previous field",
        footer: None,
    },
    Binding {
        layers: L,
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::Submit,
        label: "Enter",
        help: "check the keys with the APIs and store them in the OS keyring",
        footer: Some("check and store"),
    },
    Binding {
        layers: L,
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::Dismiss,
        label: "Esc",
        help: "close (quit when no key is set)",
        footer: Some("close"),
    },
    Binding {
        layers: B,
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::Dismiss,
        label: "Esc",
        help: "clear the filter",
        footer: None,
    },
    Binding {
        layers: S,
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::SearchConfirm,
        label: "Enter",
        help: "keep this match",
        footer: Some("keep"),
    },
    Binding {
        layers: S,
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::SearchCancel,
        label: "Esc",
        help: "cancel the search",
        footer: Some("cancel"),
    },
    Binding {
        layers: S,
        keys: &[Key::Code(KeyCode::Down)],
        command: Command::NextMatch,
        label: "↓",
        help: "next match",
        footer: Some("next"),
    },
    Binding {
        layers: S,
        keys: &[Key::Code(KeyCode::Up)],
        command: Command::PrevMatch,
        label: "↑",
        help: "previous match",
        footer: None,
    },
    Binding {
        layers: S,
        keys: &[Key::Code(KeyCode::Backspace)],
        command: Command::SearchBackspace,
        label: "Bksp",
        help: "delete a character",
        footer: None,
    },
    Binding {
        layers: &[Layer::Browse, Layer::QueryResults],
        keys: &[Key::Char(':')],
        command: Command::StartQuery,
        label: ":",
        help: "J1QL query, e.g. FIND User WITH mfaEnabled != true",
        footer: Some("query"),
    },
    Binding {
        layers: &[Layer::Browse, Layer::QueryResults],
        keys: &[Key::Char('Q')],
        command: Command::ShowQuestions,
        label: "Q",
        help: "saved questions with their counts and a chart",
        footer: None,
    },
    Binding {
        layers: QL,
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::RunQuery,
        label: "Enter",
        help: "run the query (an error shows under it with a caret)",
        footer: Some("run"),
    },
    Binding {
        layers: QL,
        keys: &[Key::Code(KeyCode::Up)],
        command: Command::HistoryOlder,
        label: "↑/↓",
        help: "earlier / later queries (kept across runs)",
        footer: Some("history"),
    },
    Binding {
        layers: QL,
        keys: &[Key::Code(KeyCode::Down)],
        command: Command::HistoryNewer,
        label: "↓",
        help: "later query",
        footer: None,
    },
    Binding {
        layers: QL,
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::Dismiss,
        label: "Esc",
        help: "close the query line",
        footer: Some("close"),
    },
    Binding {
        layers: LISTS,
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        command: Command::Down,
        label: "j/↓",
        help: "next row",
        footer: None,
    },
    Binding {
        layers: LISTS,
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        command: Command::Up,
        label: "k/↑",
        help: "previous row",
        footer: None,
    },
    Binding {
        layers: LISTS,
        keys: &[Key::Code(KeyCode::PageDown), Key::Ctrl('d')],
        command: Command::PageDown,
        label: "PgDn",
        help: "page down",
        footer: None,
    },
    Binding {
        layers: LISTS,
        keys: &[Key::Code(KeyCode::PageUp), Key::Ctrl('u')],
        command: Command::PageUp,
        label: "PgUp",
        help: "page up",
        footer: None,
    },
    Binding {
        layers: LISTS,
        keys: &[Key::Char('g'), Key::Code(KeyCode::Home)],
        command: Command::Top,
        label: "g",
        help: "first row",
        footer: None,
    },
    Binding {
        layers: LISTS,
        keys: &[Key::Char('G'), Key::Code(KeyCode::End)],
        command: Command::Bottom,
        label: "G",
        help: "last row",
        footer: None,
    },
    Binding {
        layers: &[Layer::QueryResults],
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::Enter,
        label: "Enter",
        help: "jump to the row's entity in the tree",
        footer: Some("jump"),
    },
    Binding {
        layers: &[Layer::QueryResults],
        keys: &[Key::Char('F'), Key::Char('f')],
        command: Command::FilterToResults,
        label: "F",
        help: "filter the tree to these rows (Esc clears it)",
        footer: Some("filter tree"),
    },
    Binding {
        layers: &[Layer::Questions],
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::Enter,
        label: "Enter",
        help: "run the question: its rows in the results table",
        footer: Some("rows"),
    },
    Binding {
        layers: LISTS,
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::Dismiss,
        label: "Esc",
        help: "back to the tree",
        footer: Some("back"),
    },
    Binding {
        layers: P,
        keys: &[Key::Code(KeyCode::Tab)],
        command: Command::NextType,
        label: "Tab",
        help: "select the next _type row",
        footer: Some("type"),
    },
    Binding {
        layers: P,
        keys: &[Key::Code(KeyCode::BackTab)],
        command: Command::PrevType,
        label: "S-Tab",
        help: "select the previous _type row",
        footer: None,
    },
    Binding {
        layers: &[Layer::Preview, Layer::Review],
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::OpenChanges,
        label: "Enter",
        help: "open the selected _type's (or the warned-about) changes; in the list, an object's diff",
        footer: Some("open"),
    },
    Binding {
        layers: R,
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        command: Command::Down,
        label: "j/↓",
        help: "next object (scroll the diff)",
        footer: None,
    },
    Binding {
        layers: R,
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        command: Command::Up,
        label: "k/↑",
        help: "previous object (scroll the diff)",
        footer: None,
    },
    Binding {
        layers: R,
        keys: &[Key::Code(KeyCode::PageDown)],
        command: Command::PageDown,
        label: "PgDn",
        help: "page down",
        footer: None,
    },
    Binding {
        layers: R,
        keys: &[Key::Code(KeyCode::PageUp)],
        command: Command::PageUp,
        label: "PgUp",
        help: "page up",
        footer: None,
    },
    Binding {
        layers: R,
        keys: &[Key::Char('t')],
        command: Command::CycleKind,
        label: "t",
        help: "changes list: show all, new, changed or deleted objects",
        footer: Some("kind"),
    },
    Binding {
        layers: R,
        keys: &[Key::Char('/')],
        command: Command::StartSearch,
        label: "/",
        help: "changes list: search by name or key",
        footer: Some("search"),
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
        footer: Some("close"),
    },
    Binding {
        layers: &[Layer::Browse, Layer::Help],
        keys: &[Key::Char('?')],
        command: Command::ToggleHelp,
        label: "?",
        help: "help",
        footer: Some("help"),
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
        footer: Some("quit"),
    },
    Binding {
        layers: ANY,
        keys: &[Key::Ctrl('c')],
        command: Command::Quit,
        label: "Ctrl-C",
        help: "quit",
        footer: None,
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
pub fn lookup(layer: Layer, event: &KeyEvent) -> Option<Command> {
    KEYMAP
        .iter()
        .filter(|b| b.layers.contains(&layer))
        .find(|b| b.keys.iter().any(|k| matches(*k, event)))
        .map(|b| b.command)
}

/// The footer hints of `layer`: `(keys, what)`.
pub fn footer(layer: Layer) -> impl Iterator<Item = (&'static str, &'static str)> {
    KEYMAP
        .iter()
        .filter(move |b| b.layers.contains(&layer))
        .filter_map(|b| b.footer.map(|hint| (b.label, hint)))
}
