//! The concurrent crawl of a Heroku Enterprise estate.
//!
//! `GET /account` and `GET /enterprise-accounts` go out together; then, per enterprise
//! account, its members and teams; then, per team as soon as its account's teams are known,
//! its members, apps and add-ons (`/teams/{id}/addons`: one call per team, falling back to
//! `/apps/{id}/addons` per app only when the team call is refused). Beside all of it,
//! `/addon-attachments` says which apps use which add-ons. Every request shares the
//! client's concurrency bound and rate limiter. A list that fails for good is recorded in
//! [`Estate::failures`] and the crawl goes on; only a rejected key stops it.

mod progress;

use std::collections::HashSet;

use futures::future::join_all;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use progress::Tracker;
pub use progress::{Progress, Stage, StageProgress};

use crate::estate::{EnterpriseAccountData, Estate, ListFailure, ListKind, TeamData};
use crate::heroku::model::{AddOn, AddOnAttachment, App, EnterpriseAccount, HerokuObject, Team};
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

/// Reads the whole estate. Progress snapshots (with retries and rate-limit waits as they
/// happen) go to `progress` when given; `cancel` stops the crawl, and the client's
/// `deadline` bounds it: lists not read by then are partial datasets.
///
/// # Errors
/// A rejected key, a failure of the first two calls, no enterprise account, or cancellation.
pub async fn crawl(
    client: &HerokuClient,
    progress: Option<UnboundedSender<Progress>>,
    cancel: CancellationToken,
) -> Result<Estate, CrawlError> {
    let (client, tracker) = Tracker::start(client, progress);
    tokio::select! {
        () = cancel.cancelled() => Err(CrawlError::Cancelled),
        result = run(&client, &tracker) => result,
    }
}

/// The enterprise accounts and everything under them, and beside them the add-on attachments.
async fn run(client: &HerokuClient, tracker: &Tracker) -> Result<Estate, CrawlError> {
    // One account-wide list (a few pages) instead of one call per app: see the README's
    // data model.
    tracker.expect(Stage::Addons, 1);
    let attachments = async {
        let r = client
            .list::<AddOnAttachment>("/addon-attachments", "id", "the add-on attachments")
            .await;
        tracker.done(Stage::Addons, 0, r.is_err());
        r
    };
    let (estate, attachments) = tokio::join!(accounts(client, tracker), attachments);
    let mut estate = estate?;
    let user = estate.user.as_ref();
    let target = format!(
        "the user {}",
        user.map_or_else(|| "of the key".into(), |u| clean(&u.email))
    );
    let owner = Owner {
        key: user.map_or("", |u| u.id.as_str()),
        target: &target,
    };
    estate.attachments = settle(
        attachments,
        ListKind::AddonAttachments,
        owner,
        &mut estate.failures,
    )?;
    Ok(estate)
}

async fn accounts(client: &HerokuClient, tracker: &Tracker) -> Result<Estate, CrawlError> {
    tracker.expect(Stage::Account, 1);
    tracker.expect(Stage::EnterpriseAccounts, 1);
    let (user, accounts) = tokio::join!(
        async {
            let r = client.account().await;
            tracker.done(Stage::Account, usize::from(r.is_ok()), r.is_err());
            r
        },
        async {
            let r = client
                .list::<EnterpriseAccount>("/enterprise-accounts", "id", "the enterprise accounts")
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
    tracker.expect(Stage::Members, accounts.len());
    tracker.expect(Stage::Teams, accounts.len());
    let results = join_all(
        accounts
            .into_iter()
            .map(|a| crawl_account(client, tracker, a)),
    )
    .await;
    let mut estate = Estate {
        user: Some(user),
        enterprise_accounts: Vec::new(),
        attachments: Vec::new(),
        failures: Vec::new(),
    };
    for result in results {
        let (data, failures) = result?;
        estate.enterprise_accounts.push(data);
        estate.failures.extend(failures);
    }
    Ok(estate)
}

type Outcome<T> = Result<(T, Vec<ListFailure>), CrawlError>;

/// What a list belongs to: the owner's `_key` and how messages name it.
#[derive(Clone, Copy)]
struct Owner<'a> {
    key: &'a str,
    target: &'a str,
}

/// A list result: the objects, or a failure record. A rejected key stops everything.
fn settle<T>(
    result: Result<Vec<T>, HerokuError>,
    list: ListKind,
    owner: Owner<'_>,
    failures: &mut Vec<ListFailure>,
) -> Result<Vec<T>, CrawlError> {
    let target = owner.target;
    match result {
        Ok(items) => Ok(items),
        Err(e) if e.is_invalid_key() => Err(e.into()),
        Err(e) => {
            tracing::warn!(list = list.label(), target, error = %e, "list failed");
            failures.push(ListFailure {
                list,
                owner: owner.key.to_owned(),
                target: target.to_owned(),
                reason: e.to_string(),
            });
            Ok(Vec::new())
        }
    }
}

async fn tracked<T: HerokuObject>(
    client: &HerokuClient,
    tracker: &Tracker,
    stage: Stage,
    path: String,
    sort: &str,
    what: &str,
) -> Result<Vec<T>, HerokuError> {
    let r = client.list::<T>(&path, sort, what).await;
    tracker.done(stage, r.as_ref().map_or(0, Vec::len), r.is_err());
    r
}

async fn crawl_account(
    client: &HerokuClient,
    tracker: &Tracker,
    account: EnterpriseAccount,
) -> Outcome<EnterpriseAccountData> {
    let target = format!("enterprise account {}", clean(&account.name));
    let id = &account.id;
    let members_what = format!("the members of {target}");
    let teams_what = format!("the teams of {target}");
    let members = tracked(
        client,
        tracker,
        Stage::Members,
        format!("/enterprise-accounts/{id}/members"),
        "id",
        &members_what,
    );
    let teams = async {
        let teams: Result<Vec<Team>, HerokuError> = tracked(
            client,
            tracker,
            Stage::Teams,
            format!("/enterprise-accounts/{id}/teams"),
            "id",
            &teams_what,
        )
        .await;
        let teams = match teams {
            Ok(t) => t,
            Err(e) => return (Err(e), Vec::new()),
        };
        tracker.expect(Stage::TeamMembers, teams.len());
        tracker.expect(Stage::Apps, teams.len());
        tracker.expect(Stage::Addons, teams.len());
        let data = join_all(teams.into_iter().map(|t| crawl_team(client, tracker, t))).await;
        (Ok(()), data)
    };
    let (members, (teams_ok, team_results)) = tokio::join!(members, teams);
    let mut failures = Vec::new();
    let owner = Owner {
        key: &account.id,
        target: &target,
    };
    let members = settle(
        members,
        ListKind::EnterpriseAccountMembers,
        owner,
        &mut failures,
    )?;
    settle(
        teams_ok.map(|()| Vec::<()>::new()),
        ListKind::EnterpriseAccountTeams,
        owner,
        &mut failures,
    )?;
    let mut teams = Vec::new();
    for r in team_results {
        let (team, f) = r?;
        teams.push(team);
        failures.extend(f);
    }
    Ok((
        EnterpriseAccountData {
            account,
            members,
            teams,
        },
        failures,
    ))
}

async fn crawl_team(client: &HerokuClient, tracker: &Tracker, team: Team) -> Outcome<TeamData> {
    let target = format!("team {}", clean(&team.name));
    let id = team.id.clone();
    let members_what = format!("the members of {target}");
    let apps_what = format!("the apps of {target}");
    let addons_what = format!("the add-ons of {target}");
    let members = tracked(
        client,
        tracker,
        Stage::TeamMembers,
        format!("/teams/{id}/members"),
        "email",
        &members_what,
    );
    let addons_path = format!("/teams/{id}/addons");
    let apps_and_addons = async {
        let (apps, addons) = tokio::join!(
            tracked::<App>(
                client,
                tracker,
                Stage::Apps,
                format!("/teams/{id}/apps"),
                "id",
                &apps_what
            ),
            client.list::<AddOn>(&addons_path, "id", &addons_what)
        );
        let addons = match (addons, &apps) {
            (Err(e), Ok(apps)) if e.is_forbidden() => {
                tracing::info!(team = %clean(&team.name), "team add-ons refused; reading add-ons per app");
                addons_per_app(client, apps, &target)
                    .await
                    .map_err(|per_app| (e, per_app))
            }
            (other, _) => other.map_err(|e| (e, None)),
        };
        tracker.done(
            Stage::Addons,
            addons.as_ref().map_or(0, Vec::len),
            addons.is_err(),
        );
        (apps, addons)
    };
    let (members, (apps, addons)) = tokio::join!(members, apps_and_addons);
    let mut failures = Vec::new();
    let owner = Owner {
        key: &team.id,
        target: &target,
    };
    let members = settle(members, ListKind::TeamMembers, owner, &mut failures)?;
    let apps = settle(apps, ListKind::TeamApps, owner, &mut failures)?;
    let addons = match addons {
        Ok(a) => a,
        // The per-app fallback's own error says more when it exists.
        Err((team_error, per_app)) => settle::<AddOn>(
            Err(per_app.unwrap_or(team_error)),
            ListKind::TeamAddons,
            owner,
            &mut failures,
        )?,
    };
    Ok((
        TeamData {
            team,
            members,
            apps,
            addons,
        },
        failures,
    ))
}

/// `/apps/{id}/addons` for every app, deduplicated by add-on id.
async fn addons_per_app(
    client: &HerokuClient,
    apps: &[App],
    target: &str,
) -> Result<Vec<AddOn>, Option<HerokuError>> {
    let lists = join_all(apps.iter().map(|app| {
        let what = format!("the add-ons of app {} in {target}", clean(&app.name));
        async move {
            client
                .list::<AddOn>(&format!("/apps/{}/addons", app.id), "id", &what)
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
