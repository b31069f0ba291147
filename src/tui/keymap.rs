//! The one keymap table: it drives dispatch, the footer hints and the help screen.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Command;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Browsing the tree and the details.
    Browse,
    /// Typing a search.
    Search,
    /// The help screen.
    Help,
    /// An error popup.
    Popup,
    /// The sync preview.
    Preview,
    /// The login form.
    Login,
    /// The keys view.
    Keys,
}

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
    pub modes: &'static [Mode],
    pub keys: &'static [Key],
    pub command: Command,
    /// How the keys are written in hints, e.g. `j/↓`.
    pub label: &'static str,
    pub help: &'static str,
    /// The word in the footer; `None` keeps the binding out of the footer.
    pub footer: Option<&'static str>,
}

const B: &[Mode] = &[Mode::Browse];
const S: &[Mode] = &[Mode::Search];
const P: &[Mode] = &[Mode::Preview];
/// Scrolling in the preview and in the help screen.
const SCROLL: &[Mode] = &[Mode::Preview, Mode::Help];
const L: &[Mode] = &[Mode::Login];
const ANY: &[Mode] = &[
    Mode::Browse,
    Mode::Search,
    Mode::Help,
    Mode::Popup,
    Mode::Preview,
    Mode::Login,
    Mode::Keys,
];

/// Every binding, in help order.
pub const KEYMAP: &[Binding] = &[
    Binding {
        modes: B,
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        command: Command::Down,
        label: "j/↓",
        help: "move down",
        footer: None,
    },
    Binding {
        modes: B,
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        command: Command::Up,
        label: "k/↑",
        help: "move up",
        footer: None,
    },
    Binding {
        modes: B,
        keys: &[Key::Char('h'), Key::Code(KeyCode::Left)],
        command: Command::Fold,
        label: "h/←",
        help: "fold, or go to the parent",
        footer: None,
    },
    Binding {
        modes: B,
        keys: &[Key::Char('l'), Key::Code(KeyCode::Right)],
        command: Command::Unfold,
        label: "l/→",
        help: "unfold",
        footer: None,
    },
    Binding {
        modes: B,
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::Enter,
        label: "Enter",
        help: "open or close; in details, jump to the related entity",
        footer: Some("open"),
    },
    Binding {
        modes: B,
        keys: &[Key::Char('g'), Key::Code(KeyCode::Home)],
        command: Command::Top,
        label: "g",
        help: "go to the top",
        footer: None,
    },
    Binding {
        modes: B,
        keys: &[Key::Char('G'), Key::Code(KeyCode::End)],
        command: Command::Bottom,
        label: "G",
        help: "go to the bottom",
        footer: None,
    },
    Binding {
        modes: B,
        keys: &[Key::Code(KeyCode::PageDown), Key::Ctrl('d')],
        command: Command::PageDown,
        label: "PgDn",
        help: "page down",
        footer: None,
    },
    Binding {
        modes: B,
        keys: &[Key::Code(KeyCode::PageUp), Key::Ctrl('u')],
        command: Command::PageUp,
        label: "PgUp",
        help: "page up",
        footer: None,
    },
    Binding {
        modes: B,
        keys: &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::BackTab)],
        command: Command::SwitchPane,
        label: "Tab",
        help: "switch between tree and details",
        footer: Some("pane"),
    },
    Binding {
        modes: B,
        keys: &[Key::Char('/')],
        command: Command::StartSearch,
        label: "/",
        help: "search names, e-mails and ids",
        footer: Some("search"),
    },
    Binding {
        modes: B,
        keys: &[Key::Char('n')],
        command: Command::NextMatch,
        label: "n",
        help: "next match",
        footer: None,
    },
    Binding {
        modes: B,
        keys: &[Key::Char('N')],
        command: Command::PrevMatch,
        label: "N",
        help: "previous match",
        footer: None,
    },
    Binding {
        modes: B,
        keys: &[Key::Char('f')],
        command: Command::CycleFilter,
        label: "f",
        help: "cycle findings: no 2FA, admins, collaborators, SSO, maintenance, archived, deprovisioned, partial",
        footer: Some("findings"),
    },
    Binding {
        modes: B,
        keys: &[Key::Char('v')],
        command: Command::ToggleRaw,
        label: "v",
        help: "details: JupiterOne entity / raw Heroku JSON",
        footer: Some("raw"),
    },
    Binding {
        modes: B,
        keys: &[Key::Char('r')],
        command: Command::Refresh,
        label: "r",
        help: "re-read Heroku in the background",
        footer: Some("refresh"),
    },
    Binding {
        modes: B,
        keys: &[Key::Char('p')],
        command: Command::Preview,
        label: "p",
        help: "preview the JupiterOne sync: new, changed, unchanged, deleted per _type",
        footer: Some("preview"),
    },
    Binding {
        modes: &[Mode::Browse, Mode::Preview],
        keys: &[Key::Char('s')],
        command: Command::Sync,
        label: "s",
        help: "sync to JupiterOne (asks first on a first sync, partial data or mass deletes)",
        footer: Some("sync"),
    },
    Binding {
        modes: P,
        keys: &[Key::Char('y')],
        command: Command::Confirm,
        label: "y",
        help: "yes: sync despite what the preview warns about",
        footer: Some("yes, sync"),
    },
    Binding {
        modes: SCROLL,
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        command: Command::Down,
        label: "j/↓",
        help: "scroll",
        footer: None,
    },
    Binding {
        modes: SCROLL,
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        command: Command::Up,
        label: "k/↑",
        help: "scroll",
        footer: None,
    },
    Binding {
        modes: B,
        keys: &[Key::Char('K')],
        command: Command::ShowKeys,
        label: "K",
        help: "keys: where each comes from, replace or log in again",
        footer: None,
    },
    Binding {
        modes: &[Mode::Keys],
        keys: &[Key::Char('L'), Key::Char('l')],
        command: Command::ShowLogin,
        label: "L",
        help: "log in with other keys (replaces the stored ones after checking them)",
        footer: Some("replace"),
    },
    Binding {
        modes: &[Mode::Keys],
        keys: &[Key::Char('D'), Key::Char('d')],
        command: Command::DeleteKeys,
        label: "D",
        help: "delete the stored keys from the OS keyring",
        footer: Some("delete"),
    },
    Binding {
        modes: L,
        keys: &[Key::Code(KeyCode::Tab), Key::Code(KeyCode::Down)],
        command: Command::NextField,
        label: "Tab/↓",
        help: "next field",
        footer: Some("next"),
    },
    Binding {
        modes: L,
        keys: &[Key::Code(KeyCode::BackTab), Key::Code(KeyCode::Up)],
        command: Command::PrevField,
        label: "S-Tab/↑",
        help: "previous field",
        footer: None,
    },
    Binding {
        modes: L,
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::Submit,
        label: "Enter",
        help: "check the keys with the APIs and store them in the OS keyring",
        footer: Some("check and store"),
    },
    Binding {
        modes: L,
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::Dismiss,
        label: "Esc",
        help: "close (quit when no key is set)",
        footer: Some("close"),
    },
    Binding {
        modes: B,
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::Dismiss,
        label: "Esc",
        help: "clear the filter",
        footer: None,
    },
    Binding {
        modes: S,
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::SearchConfirm,
        label: "Enter",
        help: "keep this match",
        footer: Some("keep"),
    },
    Binding {
        modes: S,
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::SearchCancel,
        label: "Esc",
        help: "cancel the search",
        footer: Some("cancel"),
    },
    Binding {
        modes: S,
        keys: &[Key::Code(KeyCode::Down)],
        command: Command::NextMatch,
        label: "↓",
        help: "next match",
        footer: Some("next"),
    },
    Binding {
        modes: S,
        keys: &[Key::Code(KeyCode::Up)],
        command: Command::PrevMatch,
        label: "↑",
        help: "previous match",
        footer: None,
    },
    Binding {
        modes: S,
        keys: &[Key::Code(KeyCode::Backspace)],
        command: Command::SearchBackspace,
        label: "Bksp",
        help: "delete a character",
        footer: None,
    },
    Binding {
        modes: &[Mode::Popup, Mode::Help, Mode::Preview, Mode::Keys],
        keys: &[Key::Code(KeyCode::Esc), Key::Code(KeyCode::Enter)],
        command: Command::Dismiss,
        label: "Esc",
        help: "close",
        footer: Some("close"),
    },
    Binding {
        modes: &[Mode::Browse, Mode::Help],
        keys: &[Key::Char('?')],
        command: Command::ToggleHelp,
        label: "?",
        help: "help",
        footer: Some("help"),
    },
    Binding {
        modes: &[
            Mode::Browse,
            Mode::Help,
            Mode::Popup,
            Mode::Preview,
            Mode::Keys,
        ],
        keys: &[Key::Char('q')],
        command: Command::Quit,
        label: "q",
        help: "quit",
        footer: Some("quit"),
    },
    Binding {
        modes: ANY,
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

/// The command bound to `event` in `mode`.
#[must_use]
pub fn lookup(mode: Mode, event: &KeyEvent) -> Option<Command> {
    KEYMAP
        .iter()
        .filter(|b| b.modes.contains(&mode))
        .find(|b| b.keys.iter().any(|k| matches(*k, event)))
        .map(|b| b.command)
}

/// The footer hints of `mode`: `(keys, what)`.
pub fn footer(mode: Mode) -> impl Iterator<Item = (&'static str, &'static str)> {
    KEYMAP
        .iter()
        .filter(move |b| b.modes.contains(&mode))
        .filter_map(|b| b.footer.map(|hint| (b.label, hint)))
}
