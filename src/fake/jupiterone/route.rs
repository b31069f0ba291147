//! The endpoints of the synchronization API the fake serves, as the handlers tell them apart.

/// One endpoint; its [`name`](Route::name) keys the request counts of the stats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Route {
    Start,
    Get,
    Entities,
    Relationships,
    Upload,
    Finalize,
    Abort,
    Events,
}

impl Route {
    pub(super) const fn name(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Get => "get",
            Self::Entities => "entities",
            Self::Relationships => "relationships",
            Self::Upload => "upload",
            Self::Finalize => "finalize",
            Self::Abort => "abort",
            Self::Events => "events",
        }
    }

    pub(super) const fn is_upload(self) -> bool {
        matches!(self, Self::Entities | Self::Relationships | Self::Upload)
    }
}
