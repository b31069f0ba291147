//! What lies over the tree: the overlays (help, preview, login form, keys view, the
//! question before deleting the stored keys, notice, error) and the [`Layer`] that has the keyboard, which the keymap looks bindings up by.

use super::login_form::LoginForm;

/// Where a key binding applies: the top overlay, the search box, or the tree and details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// Browsing the tree and the details.
    Browse,
    /// Typing a search.
    Search,
    /// The help screen.
    Help,
    /// An error or notice popup.
    Popup,
    /// The sync preview.
    Preview,
    /// The login form.
    Login,
    /// The keys view.
    Keys,
    /// Typing a J1QL query.
    QueryLine,
    /// The rows of a query.
    QueryResults,
    /// The saved questions.
    Questions,

    /// The change review (a type's changes, an object's diff).
    Review,
    /// A yes/no question (deleting the stored keys).
    Confirm,
}

/// One thing shown over the tree. The preview's content lives in the app (it stays fresh
/// when closed); `Preview` only shows it.
#[derive(Debug)]
pub enum Overlay {
    Help,
    Preview,
    /// The query line and its results (`editing`: the line has the keyboard).
    Query {
        editing: bool,
    },
    /// The saved questions with their counts.
    Questions,

    /// The change review; its content lives in the app.
    Review,
    Login(LoginForm),
    /// The keys view's text: each key's source and masked value.
    Keys(String),
    /// Asks before deleting the stored keys (`y` deletes).
    ConfirmDelete,
    /// A message that is not an error (the sync result).
    Notice {
        title: String,
        text: String,
    },
    Error(String),
}

impl Overlay {
    /// Stacking order: a higher rank lies above a lower one and has the keyboard. Two
    /// overlays of one rank never coexist: opening one replaces the other (help, preview,
    /// review, query and questions share the bottom rank).
    #[must_use]
    pub const fn rank(&self) -> u8 {
        match self {
            Self::Help | Self::Preview | Self::Review | Self::Query { .. } | Self::Questions => 0,
            Self::Login(_) => 1,
            Self::Keys(_) => 2,
            Self::ConfirmDelete => 3,
            Self::Notice { .. } => 4,
            Self::Error(_) => 5,
        }
    }

    /// The layer whose bindings apply while this overlay is on top.
    #[must_use]
    pub const fn layer(&self) -> Layer {
        match self {
            Self::Help => Layer::Help,
            Self::Preview => Layer::Preview,
            Self::Query { editing: true } => Layer::QueryLine,
            Self::Query { editing: false } => Layer::QueryResults,
            Self::Questions => Layer::Questions,

            Self::Review => Layer::Review,
            Self::Login(_) => Layer::Login,
            Self::Keys(_) => Layer::Keys,
            Self::ConfirmDelete => Layer::Confirm,
            Self::Notice { .. } | Self::Error(_) => Layer::Popup,
        }
    }
}

/// The overlays on screen, lowest first.
#[derive(Debug, Default)]
pub struct Overlays(Vec<Overlay>);

impl Overlays {
    /// Shows `overlay` at its rank, replacing one of the same rank.
    pub fn open(&mut self, overlay: Overlay) {
        let rank = overlay.rank();
        self.0.retain(|o| o.rank() != rank);
        let at = self
            .0
            .iter()
            .position(|o| o.rank() > rank)
            .unwrap_or(self.0.len());
        self.0.insert(at, overlay);
    }

    /// Removes the overlays `which` selects.
    pub fn close(&mut self, which: impl Fn(&Overlay) -> bool) {
        self.0.retain(|o| !which(o));
    }

    /// Removes the top overlay.
    pub fn pop(&mut self) -> Option<Overlay> {
        self.0.pop()
    }

    #[must_use]
    pub fn top(&self) -> Option<&Overlay> {
        self.0.last()
    }

    #[must_use]
    pub fn contains(&self, which: impl Fn(&Overlay) -> bool) -> bool {
        self.0.iter().any(which)
    }

    /// Lowest first, the order they are drawn in.
    pub fn iter(&self) -> impl Iterator<Item = &Overlay> {
        self.0.iter()
    }

    #[must_use]
    pub fn login_form(&self) -> Option<&LoginForm> {
        self.0.iter().find_map(|o| match o {
            Overlay::Login(form) => Some(form),
            _ => None,
        })
    }

    pub fn login_form_mut(&mut self) -> Option<&mut LoginForm> {
        self.0.iter_mut().find_map(|o| match o {
            Overlay::Login(form) => Some(form),
            _ => None,
        })
    }

    /// The error popup's text.
    #[must_use]
    pub fn error(&self) -> Option<&str> {
        self.0.iter().find_map(|o| match o {
            Overlay::Error(text) => Some(text.as_str()),
            _ => None,
        })
    }
}
