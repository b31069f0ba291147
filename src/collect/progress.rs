//! Progress of a crawl, per stage, sent as snapshots on a channel, with the latest retry or
//! rate-limit wait as a notice.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;

use crate::heroku::HerokuClient;
use crate::http::RetryEvent;

/// The stages of a crawl, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Account,
    EnterpriseAccounts,
    Members,
    Teams,
    TeamMembers,
    Apps,
    Addons,
}

impl Stage {
    pub const ALL: [Self; 7] = [
        Self::Account,
        Self::EnterpriseAccounts,
        Self::Members,
        Self::Teams,
        Self::TeamMembers,
        Self::Apps,
        Self::Addons,
    ];

    /// The stage's label on screen.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Account => "Account",
            Self::EnterpriseAccounts => "Enterprise accounts",
            Self::Members => "Enterprise members",
            Self::Teams => "Teams",
            Self::TeamMembers => "Team members",
            Self::Apps => "Apps",
            Self::Addons => "Add-ons",
        }
    }

    const fn index(self) -> usize {
        self as usize
    }
}

/// How far one stage is: lists done of lists known, objects read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StageProgress {
    pub done: usize,
    pub total: usize,
    pub objects: usize,
    pub failed: usize,
}

/// A snapshot of the whole crawl.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub stages: [StageProgress; 7],
    pub requests: u64,
    pub rate_limit_remaining: Option<i64>,
    /// The latest retry or rate-limit wait ("retrying 2/4 after a timeout from Heroku …",
    /// "waiting for Heroku's rate limit until 14:05:31 …"), until the next list finishes.
    pub notice: Option<String>,
}

impl Progress {
    #[must_use]
    pub fn stage(&self, stage: Stage) -> StageProgress {
        self.stages[stage.index()]
    }

    /// Objects read so far, over all stages.
    #[must_use]
    pub fn objects(&self) -> usize {
        self.stages.iter().map(|s| s.objects).sum()
    }

    /// Lists done and known, over all stages.
    #[must_use]
    pub fn lists(&self) -> (usize, usize) {
        self.stages
            .iter()
            .fold((0, 0), |(d, t), s| (d + s.done, t + s.total))
    }
}

/// Keeps the counters and sends a snapshot on every change.
pub(crate) struct Tracker {
    stages: Mutex<[StageProgress; 7]>,
    notice: Mutex<Option<String>>,
    sender: Option<UnboundedSender<Progress>>,
    client: HerokuClient,
}

impl Tracker {
    /// A tracker for one crawl, and the crawl's client: it has the crawl's deadline and
    /// tells the tracker of every retry.
    pub(crate) fn start(
        client: &HerokuClient,
        sender: Option<UnboundedSender<Progress>>,
    ) -> (HerokuClient, Arc<Self>) {
        let tracker = Arc::new(Self {
            stages: Mutex::new([StageProgress::default(); 7]),
            notice: Mutex::new(None),
            sender,
            client: client.clone(),
        });
        let t = tracker.clone();
        let crawl_client = client.for_crawl(Some(Arc::new(move |e: &RetryEvent| t.retry(e))));
        (crawl_client, tracker)
    }

    fn update(&self, f: impl FnOnce(&mut [StageProgress; 7])) {
        {
            let mut s = self
                .stages
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut s);
        }
        self.send();
    }

    fn send(&self) {
        if let Some(tx) = &self.sender {
            let _ = tx.send(self.snapshot());
        }
    }

    /// A retry or a rate-limit wait: the notice every snapshot carries until a list finishes.
    fn retry(&self, event: &RetryEvent) {
        *self
            .notice
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(event.to_string());
        self.send();
    }

    /// `lists` more lists of `stage` are known.
    pub(crate) fn expect(&self, stage: Stage, lists: usize) {
        self.update(|s| s[stage.index()].total += lists);
    }

    /// One list of `stage` finished with `objects` objects (or failed).
    pub(crate) fn done(&self, stage: Stage, objects: usize, failed: bool) {
        *self
            .notice
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        self.update(|s| {
            let p = &mut s[stage.index()];
            p.done += 1;
            p.objects += objects;
            p.failed += usize::from(failed);
        });
    }

    pub(crate) fn snapshot(&self) -> Progress {
        Progress {
            stages: *self
                .stages
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            requests: self.client.requests(),
            rate_limit_remaining: self.client.rate_limit_remaining(),
            notice: self
                .notice
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone(),
        }
    }
}
