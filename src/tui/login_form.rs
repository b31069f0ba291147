//! The login form: masked key fields (ratatui-textarea), paste, shape hints, errors inline.
//! The keys are validated against the APIs before they are stored (by the login task). Opened
//! for the JupiterOne key alone (`p` or `s` without one), it leaves the Heroku key out.

use std::fmt;

use crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

use crate::secrets::Secret;

/// The fields, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    HerokuKey,
    JupiterOneAccount,
    JupiterOneKey,
    JupiterOneRegion,
}

impl Field {
    pub const ALL: [Self; 4] = [
        Self::HerokuKey,
        Self::JupiterOneAccount,
        Self::JupiterOneKey,
        Self::JupiterOneRegion,
    ];

    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::HerokuKey => "Heroku API key",
            Self::JupiterOneAccount => "JupiterOne account id",
            Self::JupiterOneKey => "JupiterOne API key",
            Self::JupiterOneRegion => "JupiterOne region (us or eu)",
        }
    }

    const fn secret(self) -> bool {
        matches!(self, Self::HerokuKey | Self::JupiterOneKey)
    }

    const fn index(self) -> usize {
        self as usize
    }
}

/// What the form submits.
pub struct LoginRequest {
    /// `None` only from the JupiterOne-only form: the Heroku key in use stays.
    pub heroku_key: Option<Secret>,
    pub jupiterone_account: Option<String>,
    pub jupiterone_key: Option<Secret>,
    pub jupiterone_region: Option<String>,
    /// Store nothing: use the keys for this run only (the keyring is unavailable).
    pub this_run_only: bool,
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("jupiterone_account", &self.jupiterone_account)
            .field("jupiterone_region", &self.jupiterone_region)
            .field("this_run_only", &self.this_run_only)
            .finish_non_exhaustive()
    }
}

/// The form's state. Its `Debug` shows no key.
pub struct LoginForm {
    fields: Vec<TextArea<'static>>,
    pub focus: Field,
    pub errors: [Option<String>; 4],
    /// Why the form is shown (a missing or rejected key).
    pub reason: String,
    pub busy: bool,
    /// The keyring is unavailable (in plain words): submitting again uses the keys for this
    /// run only.
    pub offer_this_run: Option<String>,
    /// Only the JupiterOne account and key are asked for (the Heroku key is in use).
    pub jupiterone_only: bool,
}

impl fmt::Debug for LoginForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginForm")
            .field("focus", &self.focus)
            .field("busy", &self.busy)
            .finish_non_exhaustive()
    }
}

fn field(field: Field) -> TextArea<'static> {
    let mut t = TextArea::default();
    if field.secret() {
        t.set_mask_char('•');
        // No undo history or yank buffer may keep a key.
        t.set_max_histories(0);
    }
    t.set_placeholder_text(match field {
        Field::HerokuKey => "HRKU-… (heroku authorizations:create --scope global)",
        Field::JupiterOneAccount => "optional: the JupiterOne account id",
        Field::JupiterOneKey => "optional: a key with persister:Synchronize",
        Field::JupiterOneRegion => "us",
    });
    t
}

impl LoginForm {
    #[must_use]
    pub fn new(reason: impl Into<String>, account: Option<&str>, region: Option<&str>) -> Self {
        let mut fields: Vec<TextArea<'static>> = Field::ALL.iter().map(|f| field(*f)).collect();
        if let Some(a) = account {
            fields[Field::JupiterOneAccount.index()].insert_str(a);
        }
        if let Some(r) = region {
            fields[Field::JupiterOneRegion.index()].insert_str(r);
        }
        Self {
            fields,
            focus: Field::HerokuKey,
            errors: Default::default(),
            reason: reason.into(),
            busy: false,
            offer_this_run: None,
            jupiterone_only: false,
        }
    }

    /// The form for the JupiterOne account and key only.
    #[must_use]
    pub fn for_jupiterone(reason: impl Into<String>) -> Self {
        let mut form = Self::new(reason, None, None);
        form.jupiterone_only = true;
        form.focus = Field::JupiterOneAccount;
        form
    }

    /// The fields on screen, in order.
    #[must_use]
    pub fn fields(&self) -> &'static [Field] {
        if self.jupiterone_only {
            &Field::ALL[1..]
        } else {
            &Field::ALL
        }
    }

    #[must_use]
    pub fn textarea(&self, f: Field) -> &TextArea<'static> {
        &self.fields[f.index()]
    }

    fn text(&self, f: Field) -> String {
        self.fields[f.index()].lines().join("").trim().to_owned()
    }

    /// A key field's content never leaves except through here, into a [`Secret`].
    fn secret(&self, f: Field) -> Option<Secret> {
        let s = Secret::new(self.text(f));
        (!s.is_empty()).then_some(s)
    }

    pub fn next(&mut self, forward: bool) {
        let fields = self.fields();
        let i = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        let n = fields.len();
        self.focus = fields[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
    }

    /// A key typed into the focused field.
    pub fn input(&mut self, key: KeyEvent) {
        let f = self.focus;
        self.fields[f.index()].input_without_shortcuts(key);
        self.errors[f.index()] = None;
        self.offer_this_run = None;
    }

    /// Pasted text: one line, surrounding white space dropped.
    pub fn paste(&mut self, text: &str) {
        let line = text.lines().next().unwrap_or_default().trim();
        let f = self.focus;
        self.fields[f.index()].insert_str(line);
        self.errors[f.index()] = None;
    }

    /// Clears a field (a rejected key is not kept).
    pub fn clear(&mut self, f: Field) {
        self.fields[f.index()] = field(f);
    }

    /// A hint about the key's shape (never blocking).
    #[must_use]
    pub fn hint(&self, f: Field) -> Option<&'static str> {
        let text = self.text(f);
        if text.is_empty() {
            return None;
        }
        match f {
            Field::HerokuKey if !heroku_shape_ok(&text) => Some(
                "does not look like a Heroku key (a UUID, 40 hex digits or HRKU-…); it will be checked anyway",
            ),
            Field::JupiterOneRegion if !matches!(text.as_str(), "us" | "eu") => Some("us or eu"),
            _ => None,
        }
    }

    /// The request, or the field to fix first.
    pub fn request(&mut self) -> Option<LoginRequest> {
        let heroku_key = self.secret(Field::HerokuKey);
        let account = Some(self.text(Field::JupiterOneAccount)).filter(|s| !s.is_empty());
        let j1_key = self.secret(Field::JupiterOneKey);
        let region = Some(self.text(Field::JupiterOneRegion)).filter(|s| !s.is_empty());
        if self.jupiterone_only {
            if account.is_none() {
                self.errors[Field::JupiterOneAccount.index()] =
                    Some("enter the JupiterOne account id".into());
                self.focus = Field::JupiterOneAccount;
                return None;
            }
            if j1_key.is_none() {
                self.errors[Field::JupiterOneKey.index()] =
                    Some("enter a JupiterOne API key".into());
                self.focus = Field::JupiterOneKey;
                return None;
            }
        } else if heroku_key.is_none() {
            self.errors[Field::HerokuKey.index()] = Some("enter a Heroku API key".into());
            self.focus = Field::HerokuKey;
            return None;
        }
        if j1_key.is_some() && account.is_none() {
            self.errors[Field::JupiterOneAccount.index()] =
                Some("the JupiterOne key needs its account id".into());
            self.focus = Field::JupiterOneAccount;
            return None;
        }
        if let Some(r) = &region
            && !matches!(r.as_str(), "us" | "eu")
        {
            self.errors[Field::JupiterOneRegion.index()] = Some("us or eu".into());
            self.focus = Field::JupiterOneRegion;
            return None;
        }
        Some(LoginRequest {
            heroku_key,
            jupiterone_account: account,
            jupiterone_key: j1_key,
            jupiterone_region: region,
            this_run_only: self.offer_this_run.is_some(),
        })
    }
}

/// UUID, 40 hex digits, or `HRKU-` and at least 36 url-safe characters.
#[must_use]
pub fn heroku_shape_ok(key: &str) -> bool {
    let hex = |s: &str| s.chars().all(|c| c.is_ascii_hexdigit());
    let uuid = key.len() == 36
        && key.split('-').map(str::len).eq([8, 4, 4, 4, 12])
        && key.split('-').all(hex);
    let legacy = key.len() == 40 && hex(key);
    let prefixed = key.strip_prefix("HRKU-").is_some_and(|rest| {
        rest.len() >= 36
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    });
    uuid || legacy || prefixed
}
