//! Where a sync goes: a scope (`source: "api"`, `syncMode: "DIFF"`) or an integration
//! instance. Each target has its own complete state in JupiterOne: a DIFF job deletes the
//! objects of its target that it did not upload.

use std::fmt;

use serde::Serialize;

/// The prefix of the default scope.
pub const DEFAULT_SCOPE_PREFIX: &str = "heroku-j1:";

/// The `source` of a job for an integration instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum InstanceSource {
    /// `integration-external`: a Custom integration instance (the documented choice).
    #[default]
    External,
    /// `integration-managed`.
    Managed,
}

impl InstanceSource {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::External => "integration-external",
            Self::Managed => "integration-managed",
        }
    }
}

/// The target of a sync. Serialized as `{"scope": …}` or
/// `{"integrationInstanceId": …, "source": …}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `{"source": "api", "scope": …, "syncMode": "DIFF"}`.
    Scope(String),
    /// `{"source": "integration-…", "integrationInstanceId": …}`.
    Instance { id: String, source: InstanceSource },
}

impl Target {
    /// The stable default scope for the Heroku user the key belongs to:
    /// `heroku-j1:<Heroku user id>`. The same user always syncs to the same scope, so a later
    /// sync replaces (and deletes from) what the earlier one uploaded.
    #[must_use]
    pub fn default_scope(heroku_user_id: &str) -> Self {
        Self::Scope(format!("{DEFAULT_SCOPE_PREFIX}{heroku_user_id}"))
    }

    /// The start-job body.
    #[must_use]
    pub fn start_body(&self) -> Vec<u8> {
        let v = match self {
            Self::Scope(scope) => {
                serde_json::json!({"source": "api", "scope": scope, "syncMode": "DIFF"})
            }
            Self::Instance { id, source } => {
                serde_json::json!({"source": source.as_str(), "integrationInstanceId": id})
            }
        };
        serde_json::to_vec(&v).unwrap_or_default()
    }

    /// `scope:<scope>` or `instance:<id>`: the target in state files and logs.
    #[must_use]
    pub fn id(&self) -> String {
        match self {
            Self::Scope(s) => format!("scope:{s}"),
            Self::Instance { id, .. } => format!("instance:{id}"),
        }
    }
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = serializer.serialize_map(None)?;
        match self {
            Self::Scope(scope) => {
                m.serialize_entry("source", "api")?;
                m.serialize_entry("scope", scope)?;
            }
            Self::Instance { id, source } => {
                m.serialize_entry("source", source.as_str())?;
                m.serialize_entry("integrationInstanceId", id)?;
            }
        }
        m.end()
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Scope(s) => write!(f, "scope {s}"),
            Self::Instance { id, source } => {
                write!(f, "integration instance {id} ({})", source.as_str())
            }
        }
    }
}
