//! The concurrent crawl of a Heroku Enterprise estate.
//!
//! `GET /account` and `GET /enterprise-accounts` go out together; then, per enterprise
//! account, its members and teams; then, per team as soon as its account's teams are known,
//! its members, apps and add-ons (`/teams/{id}/addons`: one call per team, falling back to
//! `/apps/{id}/addons` per app only when the team call is refused). Beside all of it,
//! `/addon-attachments` says which apps use which add-ons. Every request shares the
//! client's concurrency bound (where a list's later pages go before lists not yet started,
//! so the attachments' chain of pages runs beside the team lists) and rate limiter. Each page goes to a [`Sink`] as it arrives
//! (the streaming graph builder, or a [`Collector`] that keeps an [`Estate`]); a list that
//! fails for good is reported to the sink (its pages are void) and the crawl goes on; only a
//! rejected key stops it.

mod progress;

use std::collections::HashSet;

use compact_str::CompactString;
use futures::future::join_all;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use progress::Tracker;
pub use progress::{Progress, Stage, StageProgress};

use crate::estate::{Collector, Estate, ListAt, ListFailure, Page, Sink};
use crate::heroku::model::{
    Account, AddOn, AddOnAttachment, App, EnterpriseAccount, HerokuObject, Team,
};
use crate::heroku::{HerokuClient, HerokuError};
use crate::text::{clean, cleaned};

/// Why a crawl produced no estate.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum CrawlError {
    /// The key was rejected, or `/account` or `/enterprise-accounts` failed.
    #[error(transparent)]
    Heroku(#[from] HerokuError),
    /// The key's user belongs to no enterprise account.
    #[error(
        "the Heroku user {email} is not a member of any Heroku Enterprise account. heroku-j1 \
         reads enterprise accounts, their teams, members, apps and add-ons: use a key of a user \
         in your Heroku Enterprise account (any permission, `view` is enough)"
    )]
    NoEnterpriseAccount { email: String },
    #[error("the crawl was cancelled")]
    Cancelled,
}

impl CrawlError {
    /// Whether the user must fix the key or account (exit code 2) rather than retry.
    #[must_use]
    pub const fn is_usage(&self) -> bool {
        matches!(
            self,
            Self::NoEnterpriseAccount { .. } | Self::Heroku(HerokuError::InvalidKey { .. })
        )
    }
}

/// Reads the whole estate into an [`Estate`]. Progress snapshots (with retries and
/// rate-limit waits as they happen) go to `progress` when given; `cancel` stops the crawl,
/// and the client's `deadline` bounds it: lists not read by then are partial datasets.
///
/// # Errors
/// A rejected key, a failure of the first two calls, no enterprise account, or cancellation.
pub async fn crawl(
    client: &HerokuClient,
    progress: Option<UnboundedSender<Progress>>,
    cancel: CancellationToken,
) -> Result<Estate, CrawlError> {
    let collector = Collector::default();
    let user = crawl_into(client, progress, cancel, &collector).await?;
    Ok(collector.into_estate(Some(user)))
}

/// [`crawl`], handing each page to `sink` as it arrives. Returns the key's user; on an
/// error what the sink holds is a part of the estate only, to be dropped.
///
/// # Errors
/// As [`crawl`].
pub async fn crawl_into(
    client: &HerokuClient,
    progress: Option<UnboundedSender<Progress>>,
    cancel: CancellationToken,
    sink: &dyn Sink,
) -> Result<Account, CrawlError> {
    let (client, tracker) = Tracker::start(client, progress);
    let crawl = Crawl {
        client: &client,
        tracker: &tracker,
        sink,
    };
    tokio::select! {
        () = cancel.cancelled() => Err(CrawlError::Cancelled),
        result = crawl.run() => result,
    }
}

/// An id and a name: what the crawl keeps of an account, team or app to read its lists.
type Head = (CompactString, CompactString);

/// One crawl: the client, its progress and where the pages go.
#[derive(Clone, Copy)]
struct Crawl<'a> {
    client: &'a HerokuClient,
    tracker: &'a Tracker,
    sink: &'a dyn Sink,
}

/// What a list belongs to: the owner's `_key` and how messages name it.
#[derive(Clone, Copy)]
struct Owner<'a> {
    key: &'a str,
    target: &'a str,
}

impl Crawl<'_> {
    /// The enterprise accounts and everything under them, and beside them the add-on
    /// attachments.
    async fn run(self) -> Result<Account, CrawlError> {
        // One account-wide list (a few pages) instead of one call per app: see the README's
        // data model.
        self.tracker.expect(Stage::Addons, 1);
        let attachments = async {
            let r = self
                .client
                .list_pages::<AddOnAttachment>(
                    "/addon-attachments",
                    "id",
                    "the add-on attachments",
                    |page| self.sink.page(ListAt::Attachments, Page::Attachments(page)),
                )
                .await;
            self.tracker.done(Stage::Addons, 0, r.is_err());
            r
        };
        let (user, attachments) = tokio::join!(self.accounts(), attachments);
        let user = user?;
        let target = format!("the user {}", clean(&user.email));
        let owner = Owner {
            key: &user.id,
            target: &target,
        };
        self.settle(attachments, ListAt::Attachments, owner)?;
        Ok(user)
    }

    async fn accounts(self) -> Result<Account, CrawlError> {
        let tracker = self.tracker;
        tracker.expect(Stage::Account, 1);
        tracker.expect(Stage::EnterpriseAccounts, 1);
        let (user, accounts) = tokio::join!(
            async {
                let r = self.client.account().await;
                tracker.done(Stage::Account, usize::from(r.is_ok()), r.is_err());
                r
            },
            async {
                let r = self
                    .client
                    .list::<EnterpriseAccount>(
                        "/enterprise-accounts",
                        "id",
                        "the enterprise accounts",
                    )
                    .await;
                tracker.done(
                    Stage::EnterpriseAccounts,
                    r.as_ref().map_or(0, Vec::len),
                    r.is_err(),
                );
                r
            }
        );
        let user = user?;
        let accounts = accounts?;
        if accounts.is_empty() {
            return Err(CrawlError::NoEnterpriseAccount {
                email: cleaned(&user.email),
            });
        }
        let heads: Vec<Head> = accounts
            .iter()
            .map(|a| (a.id.clone(), a.name.clone()))
            .collect();
        self.sink.accounts(accounts);
        tracker.expect(Stage::Members, heads.len());
        tracker.expect(Stage::Teams, heads.len());
        let results = join_all(
            heads
                .iter()
                .enumerate()
                .map(|(i, head)| self.account(i, head)),
        )
        .await;
        for result in results {
            result?;
        }
        Ok(user)
    }

    /// A list result: reported to the sink as complete or failed. A rejected key stops
    /// everything.
    fn settle<T>(
        self,
        result: Result<T, HerokuError>,
        list: ListAt,
        owner: Owner<'_>,
    ) -> Result<(), CrawlError> {
        let target = owner.target;
        match result {
            Ok(_) => {
                self.sink.end(list, None);
                Ok(())
            }
            Err(e) if e.is_invalid_key() => Err(e.into()),
            Err(e) => {
                let kind = list.kind();
                tracing::warn!(list = kind.label(), target, error = %e, "list failed");
                self.sink.end(
                    list,
                    Some(ListFailure {
                        list: kind,
                        owner: owner.key.to_owned(),
                        target: target.to_owned(),
                        reason: e.to_string(),
                    }),
                );
                Ok(())
            }
        }
    }

    /// Reads one list into the sink, page by page (`wrap` makes each page a [`Page`]), and
    /// counts it in `stage`.
    async fn read<T: HerokuObject>(
        self,
        stage: Stage,
        list: ListAt,
        path: String,
        sort: &str,
        what: &str,
        mut wrap: impl FnMut(Vec<T>) -> Page,
    ) -> Result<usize, HerokuError> {
        let r = self
            .client
            .list_pages::<T>(&path, sort, what, |page| self.sink.page(list, wrap(page)))
            .await;
        self.tracker
            .done(stage, r.as_ref().map_or(0, |n| *n), r.is_err());
        r
    }

    async fn account(self, account: usize, (id, name): &Head) -> Result<(), CrawlError> {
        let target = format!("enterprise account {}", clean(name));
        let owner = Owner {
            key: id,
            target: &target,
        };
        let members_what = format!("the members of {target}");
        let teams_what = format!("the teams of {target}");
        let members = self.read(
            Stage::Members,
            ListAt::AccountMembers { account },
            format!("/enterprise-accounts/{id}/members"),
            "id",
            &members_what,
            Page::AccountMembers,
        );
        let teams = async {
            let at = ListAt::AccountTeams { account };
            let mut heads: Vec<Head> = Vec::new();
            let r = self
                .read(
                    Stage::Teams,
                    at,
                    format!("/enterprise-accounts/{id}/teams"),
                    "id",
                    &teams_what,
                    |page: Vec<Team>| {
                        heads.extend(page.iter().map(|t| (t.id.clone(), t.name.clone())));
                        Page::Teams(page)
                    },
                )
                .await;
            let ok = r.is_ok();
            self.settle(r, at, owner)?;
            if !ok {
                return Ok(());
            }
            let tracker = self.tracker;
            tracker.expect(Stage::TeamMembers, heads.len());
            tracker.expect(Stage::Apps, heads.len());
            tracker.expect(Stage::Addons, heads.len());
            let results = join_all(
                heads
                    .iter()
                    .enumerate()
                    .map(|(team, head)| self.team(account, team, head)),
            )
            .await;
            results.into_iter().collect::<Result<(), CrawlError>>()
        };
        let (members, teams) = tokio::join!(members, teams);
        self.settle(members, ListAt::AccountMembers { account }, owner)?;
        teams
    }

    async fn team(self, account: usize, team: usize, (id, name): &Head) -> Result<(), CrawlError> {
        let target = format!("team {}", clean(name));
        let owner = Owner {
            key: id,
            target: &target,
        };
        let members_what = format!("the members of {target}");
        let apps_what = format!("the apps of {target}");
        let addons_what = format!("the add-ons of {target}");
        let members_at = ListAt::TeamMembers { account, team };
        let apps_at = ListAt::TeamApps { account, team };
        let addons_at = ListAt::TeamAddons { account, team };
        let members = self.read(
            Stage::TeamMembers,
            members_at,
            format!("/teams/{id}/members"),
            "email",
            &members_what,
            Page::TeamMembers,
        );
        let addons_path = format!("/teams/{id}/addons");
        let apps_and_addons = async {
            let mut apps_read: Vec<Head> = Vec::new();
            let (apps, addons) = tokio::join!(
                self.read(
                    Stage::Apps,
                    apps_at,
                    format!("/teams/{id}/apps"),
                    "id",
                    &apps_what,
                    |page: Vec<App>| {
                        apps_read.extend(page.iter().map(|a| (a.id.clone(), a.name.clone())));
                        Page::Apps(page)
                    },
                ),
                self.client
                    .list_pages::<AddOn>(&addons_path, "id", &addons_what, |page| {
                        self.sink.page(addons_at, Page::Addons(page));
                    })
            );
            let addons = match (addons, &apps) {
                (Err(e), Ok(_)) if e.is_forbidden() => {
                    tracing::info!(team = %clean(name), "team add-ons refused; reading add-ons per app");
                    self.sink.restart(addons_at);
                    match addons_per_app(self.client, &apps_read, &target).await {
                        Ok(addons) => {
                            let n = addons.len();
                            self.sink.page(addons_at, Page::Addons(addons));
                            Ok(n)
                        }
                        Err(per_app) => Err((e, per_app)),
                    }
                }
                (other, _) => other.map_err(|e| (e, None)),
            };
            self.tracker.done(
                Stage::Addons,
                addons.as_ref().map_or(0, |n| *n),
                addons.is_err(),
            );
            (apps, addons)
        };
        let (members, (apps, addons)) = tokio::join!(members, apps_and_addons);
        self.settle(members, members_at, owner)?;
        self.settle(apps, apps_at, owner)?;
        // The per-app fallback's own error says more when it exists.
        let addons = addons.map_err(|(team_error, per_app)| per_app.unwrap_or(team_error));
        self.settle(addons, addons_at, owner)
    }
}

/// `/apps/{id}/addons` for every app, deduplicated by add-on id.
async fn addons_per_app(
    client: &HerokuClient,
    apps: &[Head],
    target: &str,
) -> Result<Vec<AddOn>, Option<HerokuError>> {
    let lists = join_all(apps.iter().map(|(id, name)| {
        let what = format!("the add-ons of app {} in {target}", clean(name));
        async move {
            client
                .list::<AddOn>(&format!("/apps/{id}/addons"), "id", &what)
                .await
        }
    }))
    .await;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for list in lists {
        for addon in list.map_err(Some)? {
            if seen.insert(addon.id.clone()) {
                out.push(addon);
            }
        }
    }
    Ok(out)
}
