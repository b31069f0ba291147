//! The crawl against the fake Heroku over real HTTP on 127.0.0.1: exactness, pagination and
//! every fault mode.

use std::collections::BTreeMap;
use std::time::Duration;

use heroku_j1::collect::{self, CrawlError};
use heroku_j1::estate::{EnterpriseAccountData, Estate, TeamData};
use heroku_j1::fake::heroku::{Counts, Dataset, FakeHeroku, FakeHerokuConfig, Faults, Size};
use heroku_j1::graph::{self, Graph, types, validate::validate};
use heroku_j1::heroku::model::{HerokuObject, parse_one};
use heroku_j1::heroku::{ClientConfig, HerokuClient, HerokuError};
use heroku_j1::secrets::Secret;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

fn client_for(fake: &FakeHeroku) -> HerokuClient {
    client_with(fake, |_| {})
}

fn client_with(fake: &FakeHeroku, tweak: impl FnOnce(&mut ClientConfig)) -> HerokuClient {
    let mut config = ClientConfig::new(fake.url(), Secret::new(fake.token()));
    config.timeout = Duration::from_secs(5);
    config.backoff_base = Duration::from_millis(5);
    config.backoff_max = Duration::from_millis(40);
    config.rate_limit_backoff_min = Duration::from_millis(20);
    config.rate_limit_backoff_max = Duration::from_millis(200);
    config.max_rate_limit_retries = 50;
    tweak(&mut config);
    HerokuClient::new(config).unwrap()
}

fn parse_all<T: HerokuObject>(mut values: Vec<Value>, sort: &str) -> Vec<T> {
    values.sort_by(|a, b| a[sort].as_str().cmp(&b[sort].as_str()));
    values
        .into_iter()
        .map(|v| parse_one(&v.to_string()).unwrap())
        .collect()
}

/// The estate the fake holds, read from its data directly (not over HTTP), sorted as the
/// API serves it.
fn truth(d: &Dataset) -> Estate {
    let mut accounts = Vec::new();
    for ea in
        parse_all::<heroku_j1::heroku::model::EnterpriseAccount>(d.enterprise_accounts(), "id")
    {
        let members = parse_all(d.enterprise_account_members(&ea.id).unwrap(), "id");
        let mut teams = Vec::new();
        for team in parse_all::<heroku_j1::heroku::model::Team>(
            d.enterprise_account_teams(&ea.id).unwrap(),
            "id",
        ) {
            teams.push(TeamData {
                members: parse_all(d.team_members(&team.id).unwrap(), "email"),
                apps: parse_all(d.team_apps(&team.id).unwrap(), "id"),
                addons: parse_all(d.team_addons(&team.id).unwrap(), "id"),
                team,
            });
        }
        accounts.push(EnterpriseAccountData {
            account: ea,
            members,
            teams,
        });
    }
    Estate {
        user: Some(parse_one(&d.account().to_string()).unwrap()),
        enterprise_accounts: accounts,
        attachments: parse_all(d.attachments(), "id"),
        failures: vec![],
    }
}

fn by_key(g: &Graph) -> BTreeMap<String, Value> {
    g.entities()
        .iter()
        .map(|e| (e.key.clone(), serde_json::to_value(e).unwrap()))
        .chain(
            g.relationships()
                .iter()
                .map(|r| (r.key().to_owned(), serde_json::to_value(r).unwrap())),
        )
        .collect()
}

async fn crawl(client: &HerokuClient) -> Result<Estate, CrawlError> {
    collect::crawl(client, None, CancellationToken::new()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_estate_is_collected_exactly() {
    let fake = FakeHeroku::start(FakeHerokuConfig::default())
        .await
        .unwrap();
    let client = client_for(&fake);
    let estate = crawl(&client).await.unwrap();
    let graph = graph::build(&estate);
    let expected = graph::build(&truth(&fake.data()));
    assert!(validate(&graph).is_empty(), "{:#?}", validate(&graph));
    assert!(!graph.is_partial(), "{:?}", graph.partial_datasets());
    assert_eq!(graph.counts(), expected.counts());
    // Every object, field by field (raw data included).
    assert_eq!(by_key(&graph), by_key(&expected));
    // Both enterprise accounts and the users shared between them.
    assert_eq!(graph.counts()[types::ACCOUNT], 2);
    assert!(graph.entities_of_type(types::USER).any(|u| {
        u.properties
            .get("enterpriseAccountIds")
            .and_then(|v| v.as_array().map(Vec::len))
            == Some(2)
    }));
    // One call per team for add-ons, never one per app.
    let stats = fake.stats();
    assert_eq!(
        stats
            .per_route
            .get("/apps/{id}/addons")
            .copied()
            .unwrap_or(0),
        0,
        "{stats:?}"
    );
    assert_eq!(client.requests(), stats.requests);
    assert!(client.rate_limit_remaining().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_pages_are_followed() {
    // More than 1,000 apps in one team and 1,000 members in the account: several pages each.
    let counts = Counts {
        enterprise_accounts: 1,
        teams: 1,
        apps: 2_300,
        addons: 2_500,
        users: 1_200,
    };
    let fake = FakeHeroku::start(FakeHerokuConfig {
        counts: Some(counts),
        ..FakeHerokuConfig::default()
    })
    .await
    .unwrap();
    let client = client_for(&fake);
    let graph = graph::build(&crawl(&client).await.unwrap());
    let expected = graph::build(&truth(&fake.data()));
    assert_eq!(graph.counts(), expected.counts());
    assert_eq!(graph.counts()[types::APPLICATION], 2_300);
    let stats = fake.stats();
    assert!(stats.per_route["/teams/{id}/apps"] >= 3, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_errors_and_429_bursts_end_in_a_complete_graph() {
    let config = FakeHerokuConfig {
        rate_limit_capacity: 6,
        rate_limit_refill_per_minute: 1_200.0,
        faults: Faults {
            error_rate: 0.2,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    };
    let fake = FakeHeroku::start(config).await.unwrap();
    // No pacing, so the small bucket runs dry and 429s come back.
    let client = client_with(&fake, |c| {
        c.max_retries = 12;
        c.pace_below = 0;
    });
    let graph = graph::build(&crawl(&client).await.unwrap());
    let expected = graph::build(&truth(&fake.data()));
    assert!(!graph.is_partial(), "{:?}", graph.partial_datasets());
    assert_eq!(by_key(&graph), by_key(&expected));
    let stats = fake.stats();
    assert!(
        stats.rate_limited > 0,
        "the bucket ran dry at least once: {stats:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_low_rate_limit_paces_requests_instead_of_hitting_429() {
    let config = FakeHerokuConfig {
        rate_limit_capacity: 30,
        rate_limit_refill_per_minute: 1_200.0,
        ..FakeHerokuConfig::default()
    };
    let fake = FakeHeroku::start(config).await.unwrap();
    // Pace below 25 remaining at one request per 60 ms (the bucket refills one per 50 ms).
    let client = client_with(&fake, |c| {
        c.pace_below = 25;
        c.pace_interval = Duration::from_millis(60);
    });
    let graph = graph::build(&crawl(&client).await.unwrap());
    assert!(!graph.is_partial());
    let stats = fake.stats();
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    assert!(client.rate_limit_remaining().is_some_and(|r| r < 30));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_resets_are_retried() {
    let config = FakeHerokuConfig {
        faults: Faults {
            reset_connection_rate: 0.2,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    };
    let fake = FakeHeroku::start(config).await.unwrap();
    let client = client_with(&fake, |c| c.max_retries = 12);
    let graph = graph::build(&crawl(&client).await.unwrap());
    assert!(!graph.is_partial(), "{:?}", graph.partial_datasets());
    assert_eq!(graph.counts(), graph::build(&truth(&fake.data())).counts());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_team_members_make_exactly_those_types_partial() {
    let config = FakeHerokuConfig {
        faults: Faults {
            forbid_team_members: true,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    };
    let fake = FakeHeroku::start(config).await.unwrap();
    let estate = crawl(&client_for(&fake)).await.unwrap();
    let graph = graph::build(&estate);
    let partial: Vec<&str> = graph
        .partial_datasets()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(partial, vec![types::USER, types::TEAM_HAS_MEMBER]);
    let reason = &graph.partial_datasets()[types::TEAM_HAS_MEMBER][0];
    assert!(reason.contains("global"), "{reason}");
    assert!(
        reason.contains("heroku authorizations:create --scope global"),
        "{reason}"
    );
    // Everything else was still read.
    assert!(graph.counts()[types::APPLICATION] > 0);
    assert!(graph.counts()[types::ADDON] > 0);
    assert!(validate(&graph).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_addons_make_addons_partial() {
    let config = FakeHerokuConfig {
        faults: Faults {
            forbid_addons: true,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    };
    let fake = FakeHeroku::start(config).await.unwrap();
    let graph = graph::build(&crawl(&client_for(&fake)).await.unwrap());
    let partial: Vec<&str> = graph
        .partial_datasets()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(partial, vec![types::ADDON, types::APPLICATION_HAS_ADDON]);
    assert!(
        graph.partial_datasets()[types::ADDON][0].contains("admin role"),
        "{:?}",
        graph.partial_datasets()
    );
    assert_eq!(graph.counts().get(types::ADDON), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_team_addons_fall_back_to_per_app_addons() {
    let config = FakeHerokuConfig {
        faults: Faults {
            forbid_team_addons_only: true,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    };
    let fake = FakeHeroku::start(config).await.unwrap();
    let graph = graph::build(&crawl(&client_for(&fake)).await.unwrap());
    assert!(!graph.is_partial(), "{:?}", graph.partial_datasets());
    let expected = graph::build(&truth(&fake.data()));
    assert_eq!(
        graph.counts()[types::ADDON],
        expected.counts()[types::ADDON]
    );
    assert_eq!(
        graph.counts()[types::APPLICATION_HAS_ADDON],
        expected.counts()[types::APPLICATION_HAS_ADDON]
    );
    assert!(fake.stats().per_route["/apps/{id}/addons"] > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_key_stops_with_the_key_message() {
    let fake = FakeHeroku::start(FakeHerokuConfig::default())
        .await
        .unwrap();
    let mut config = ClientConfig::new(
        fake.url(),
        Secret::new("HRKU-AAnot-the-right-key-0000000000000000000000000000000000000000"),
    );
    config.backoff_base = Duration::from_millis(5);
    let client = HerokuClient::new(config).unwrap();
    let err = crawl(&client).await.unwrap_err();
    assert!(err.is_usage());
    assert!(
        matches!(
            err,
            CrawlError::Heroku(HerokuError::InvalidKey { status: 401, .. })
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("rejected the API key"), "{text}");
    assert!(
        !text.contains("not-the-right-key"),
        "the key never appears: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeating_next_range_is_caught() {
    let config = FakeHerokuConfig {
        faults: Faults {
            repeat_next_range: true,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    };
    let fake = FakeHeroku::start(config).await.unwrap();
    let err = crawl(&client_for(&fake)).await.unwrap_err();
    // /enterprise-accounts itself loops: the crawl cannot start, and says why.
    assert!(
        matches!(err, CrawlError::Heroku(HerokuError::PaginationLoop { .. })),
        "{err:?}"
    );
    assert!(
        fake.stats().requests < 20,
        "stopped quickly: {:?}",
        fake.stats()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_page_is_reported() {
    let config = FakeHerokuConfig {
        faults: Faults {
            malformed_page: true,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    };
    let fake = FakeHeroku::start(config).await.unwrap();
    let graph = graph::build(&crawl(&client_for(&fake)).await.unwrap());
    let reasons = &graph.partial_datasets()[types::APPLICATION];
    assert!(reasons[0].contains("cannot read"), "{reasons:?}");
    assert!(
        graph
            .partial_datasets()
            .contains_key(types::TEAM_OWNS_APPLICATION)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_answers_time_out_and_are_reported() {
    let config = FakeHerokuConfig {
        faults: Faults {
            slow_ms: 1_500,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    };
    let fake = FakeHeroku::start(config).await.unwrap();
    let client = client_with(&fake, |c| {
        c.timeout = Duration::from_millis(300);
        c.max_retries = 1;
    });
    let err = crawl(&client).await.unwrap_err();
    assert!(
        matches!(
            err,
            CrawlError::Heroku(HerokuError::Network { attempts: 2, .. })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_enterprise_account_is_a_clear_usage_error() {
    let non_enterprise = "HRKU-AAnon-enterprise-token-000000000000000000000000000000000000000";
    let config = FakeHerokuConfig {
        non_enterprise_tokens: vec![non_enterprise.into()],
        ..FakeHerokuConfig::default()
    };
    let fake = FakeHeroku::start(config).await.unwrap();
    let client =
        HerokuClient::new(ClientConfig::new(fake.url(), Secret::new(non_enterprise))).unwrap();
    let err = crawl(&client).await.unwrap_err();
    assert!(err.is_usage());
    assert!(err.to_string().contains("Heroku Enterprise"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_reaches_every_stage_and_the_crawl_can_be_cancelled() {
    let fake = FakeHeroku::start(FakeHerokuConfig::default())
        .await
        .unwrap();
    let client = client_for(&fake);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    collect::crawl(&client, Some(tx), CancellationToken::new())
        .await
        .unwrap();
    let mut last = None;
    while let Ok(p) = rx.try_recv() {
        last = Some(p);
    }
    let last = last.unwrap();
    for stage in collect::Stage::ALL {
        let s = last.stage(stage);
        assert!(s.total > 0 && s.done == s.total, "{stage:?}: {s:?}");
    }
    assert!(last.requests > 0);

    let slow = FakeHeroku::start(FakeHerokuConfig {
        latency: Duration::from_millis(200),
        ..FakeHerokuConfig::default()
    })
    .await
    .unwrap();
    let client = client_for(&slow);
    let cancel = CancellationToken::new();
    let c = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        c.cancel();
    });
    let err = collect::crawl(&client, None, cancel).await.unwrap_err();
    assert_eq!(err, CrawlError::Cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_estate_in_about_150_requests() {
    let fake = FakeHeroku::start(FakeHerokuConfig {
        size: Size::Large,
        ..FakeHerokuConfig::default()
    })
    .await
    .unwrap();
    let client = client_for(&fake);
    let graph = graph::build(&crawl(&client).await.unwrap());
    let expected = graph::build(&truth(&fake.data()));
    assert_eq!(graph.counts(), expected.counts());
    assert!(
        graph.counts()[types::APPLICATION] > 1_900,
        "{:?}",
        graph.counts()
    );
    assert!(client.requests() <= 160, "{} requests", client.requests());
    assert!(validate(&graph).is_empty());
}

/// A list's later pages go before lists not yet started: the add-on attachments (five pages
/// of the `large` estate, one round trip each) are read while the 150 team lists wait their
/// turn, not after them. With a plain first-come queue their third page waited behind every
/// team list, and the crawl took those pages' round trips more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lists_later_pages_go_before_lists_not_yet_started() {
    let fake = FakeHeroku::start(FakeHerokuConfig {
        size: Size::Large,
        latency: Duration::from_millis(10),
        ..FakeHerokuConfig::default()
    })
    .await
    .unwrap();
    let client = client_with(&fake, |c| c.concurrency = 2);
    crawl(&client).await.unwrap();
    let arrivals = fake.stats().arrivals;
    let attachments: Vec<usize> = arrivals
        .iter()
        .enumerate()
        .filter(|(_, r)| r.as_str() == "/addon-attachments")
        .map(|(i, _)| i)
        .collect();
    let team_lists: Vec<usize> = arrivals
        .iter()
        .enumerate()
        .filter(|(_, r)| r.starts_with("/teams/"))
        .map(|(i, _)| i)
        .collect();
    assert!(
        attachments.len() >= 3,
        "{} attachment pages",
        attachments.len()
    );
    assert!(team_lists.len() >= 100, "{} team lists", team_lists.len());
    let last_page = *attachments.last().unwrap();
    let half = team_lists[team_lists.len() / 2];
    assert!(
        last_page < half,
        "the last attachments page was request {last_page}, after half the team lists \
         (request {half}): {arrivals:?}"
    );
}

/// Every add-on entity has an incoming `heroku_application_has_addon`, and exactly one with
/// `billingApp: true` when its billing app is in the graph (none otherwise).
fn assert_addons_reached(graph: &Graph) {
    let mut shared = 0;
    let mut billed_outside = 0;
    for addon in graph.entities_of_type(types::ADDON) {
        let incoming: Vec<_> = graph
            .incoming(&addon.key)
            .filter(|r| r.relationship_type == types::APPLICATION_HAS_ADDON)
            .collect();
        assert!(!incoming.is_empty(), "{} has no app", addon.key);
        let billing: Vec<_> = incoming
            .iter()
            .filter(|r| r.properties.bool("billingApp") == Some(true))
            .collect();
        let billing_app = addon.properties.str("applicationId").unwrap();
        if graph.entity(billing_app).is_some() {
            assert_eq!(billing.len(), 1, "{}", addon.key);
            assert_eq!(billing[0].from_key(), billing_app);
        } else {
            assert!(billing.is_empty(), "{}", addon.key);
            billed_outside += 1;
        }
        assert!(
            incoming
                .iter()
                .all(|r| r.properties.bool("billingApp").is_some())
        );
        if incoming.len() > 1 {
            shared += 1;
        }
    }
    assert!(shared > 0, "no add-on attached to several apps");
    assert!(
        billed_outside > 0,
        "no add-on billed to an app outside the graph"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_addon_is_reached_from_the_apps_it_is_attached_to() {
    for size in [Size::Demo, Size::Large] {
        let fake = FakeHeroku::start(FakeHerokuConfig {
            size,
            ..FakeHerokuConfig::default()
        })
        .await
        .unwrap();
        let client = client_for(&fake);
        let graph = graph::build(&crawl(&client).await.unwrap());
        assert!(validate(&graph).is_empty(), "{:#?}", validate(&graph));
        assert_addons_reached(&graph);
        // One account-wide list, a few pages, never one call per app or add-on.
        let stats = fake.stats();
        let calls = |route: &str| stats.per_route.get(route).copied().unwrap_or(0);
        assert!((1..=5).contains(&calls("/addon-attachments")), "{stats:?}");
        assert_eq!(calls("/apps/{id}/addons"), 0, "{stats:?}");
        // An add-on used by an app in the graph is in the graph.
        let data = fake.data();
        for a in data.attachments() {
            if graph.entity(a["app"]["id"].as_str().unwrap()).is_some() {
                let addon = a["addon"]["id"].as_str().unwrap();
                assert!(graph.entity(addon).is_some(), "{size:?}: {addon}");
            }
        }
        if size == Size::Large {
            assert!(client.requests() < 160, "{} requests", client.requests());
        }
    }
}

/// The crawl with one fault on `/teams/{id}/apps`, the client tweaked, and every progress
/// notice it sent.
async fn crawl_with_fault(
    faults: Faults,
    tweak: impl FnOnce(&mut ClientConfig),
) -> (FakeHeroku, Graph, Vec<String>, Duration) {
    let fake = FakeHeroku::start(FakeHerokuConfig {
        faults,
        ..FakeHerokuConfig::default()
    })
    .await
    .unwrap();
    let client = client_with(&fake, tweak);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let started = std::time::Instant::now();
    let estate = collect::crawl(&client, Some(tx), CancellationToken::new())
        .await
        .unwrap();
    let took = started.elapsed();
    let mut notices = Vec::new();
    while let Ok(p) = rx.try_recv() {
        if let Some(n) = p.notice
            && notices.last() != Some(&n)
        {
            notices.push(n);
        }
    }
    (fake, graph::build(&estate), notices, took)
}

/// The apps lists failed (a partial dataset, like any list failure) and the rest is whole.
fn apps_partial(graph: &Graph) -> Vec<String> {
    let partial = graph.partial_datasets();
    assert!(
        partial.contains_key(types::TEAM_OWNS_APPLICATION),
        "{partial:?}"
    );
    assert!(!partial.contains_key(types::USER), "{partial:?}");
    partial[types::APPLICATION].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alternating_next_ranges_stop_at_the_first_repeat() {
    let faults = Faults {
        alternate_next_range: true,
        ..Faults::default()
    };
    let (fake, graph, _, _) = crawl_with_fault(faults, |_| {}).await;
    let reasons = apps_partial(&graph);
    assert!(
        reasons
            .iter()
            .all(|r| r.contains("repeated a range already sent") && r.contains("after 2 pages")),
        "{reasons:?}"
    );
    // Two pages per team (A, B), then the repeat of A is never sent.
    let teams = graph.counts()[types::TEAM] as u64;
    assert_eq!(fake.stats().per_route["/teams/{id}/apps"], 2 * teams);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_without_new_objects_stop_the_list() {
    let faults = Faults {
        stalled_pages: true,
        ..Faults::default()
    };
    let (fake, graph, _, _) = crawl_with_fault(faults, |_| {}).await;
    let reasons = apps_partial(&graph);
    assert!(
        reasons
            .iter()
            .all(|r| r.contains("no object not already read") && r.contains("after 2 pages")),
        "{reasons:?}"
    );
    let teams = graph.counts()[types::TEAM] as u64;
    assert_eq!(fake.stats().per_route["/teams/{id}/apps"], 2 * teams);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_beyond_what_the_objects_justify_stop_the_list() {
    let faults = Faults {
        creeping_pages: true,
        ..Faults::default()
    };
    let (fake, graph, _, _) = crawl_with_fault(faults, |_| {}).await;
    let reasons = apps_partial(&graph);
    // A page of 1, 2, 3 objects (one new each): 3 objects justify 1 page + 2.
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("more pages than its 3 objects justify")),
        "{reasons:?}"
    );
    // Teams with fewer than three apps run out of new objects first.
    assert!(
        reasons
            .iter()
            .all(|r| r.contains("justify") || r.contains("no object not already read")),
        "{reasons:?}"
    );
    let teams = graph.counts()[types::TEAM] as u64;
    assert!(fake.stats().per_route["/teams/{id}/apps"] <= 3 * teams);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_giant_body_fails_its_list_at_the_cap() {
    let faults = Faults {
        giant_body_bytes: 8 * 1024 * 1024,
        ..Faults::default()
    };
    let (_, graph, _, _) = crawl_with_fault(faults, |c| c.max_body_bytes = 1024 * 1024).await;
    let reasons = apps_partial(&graph);
    assert!(
        reasons
            .iter()
            .all(|r| r.contains("larger than 1.0 MB") && r.contains("--max-response-size")),
        "{reasons:?}"
    );
    // Members and teams stay whole (add-ons hang off apps, so they are partial too).
    assert!(graph.counts()[types::USER] > 0);
    assert!(graph.counts()[types::TEAM] > 0);
}

#[test]
fn the_body_cap_defaults_to_64_mb() {
    let c = ClientConfig::new("http://127.0.0.1:1", Secret::new("k"));
    assert_eq!(c.max_body_bytes, 64 * 1024 * 1024);
    assert_eq!(c.deadline, Duration::from_secs(3600));
    assert_eq!(c.max_retry_after, Duration::from_secs(120));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_retry_after_is_capped_and_the_wait_is_reported() {
    let faults = Faults {
        retry_after_secs: 3600,
        ..Faults::default()
    };
    let (_, graph, notices, took) = crawl_with_fault(faults, |c| {
        c.max_retry_after = Duration::from_millis(150);
        c.max_rate_limit_retries = 2;
    })
    .await;
    let reasons = apps_partial(&graph);
    assert!(
        reasons.iter().all(|r| r.contains("rate limit")),
        "{reasons:?}"
    );
    assert!(took < Duration::from_secs(30), "{took:?}");
    let waiting = notices
        .iter()
        .find(|n| n.starts_with("waiting for Heroku's rate limit until "))
        .unwrap_or_else(|| panic!("{notices:?}"));
    assert!(
        waiting.contains("Heroku asked for 3600 s, capped"),
        "{waiting}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_ends_a_rate_limit_wait_and_the_crawl() {
    let faults = Faults {
        retry_after_secs: 3600,
        ..Faults::default()
    };
    let (_, graph, _, took) = crawl_with_fault(faults, |c| {
        c.max_retry_after = Duration::from_secs(60);
        // Room for the rest of the crawl on a loaded machine (2 s failed once in a parallel
        // run, the members lists cut too); the 3,600 s wait is what must not happen.
        c.deadline = Duration::from_secs(5);
    })
    .await;
    let reasons = apps_partial(&graph);
    assert!(
        reasons.iter().all(|r| r.contains("deadline passed")),
        "{reasons:?}"
    );
    assert!(took < Duration::from_secs(15), "{took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_are_reported_as_they_happen() {
    let fake = FakeHeroku::start(FakeHerokuConfig {
        faults: Faults {
            slow_ms: 1_500,
            ..Faults::default()
        },
        ..FakeHerokuConfig::default()
    })
    .await
    .unwrap();
    let client = client_with(&fake, |c| {
        c.timeout = Duration::from_millis(300);
        c.max_retries = 2;
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    collect::crawl(&client, Some(tx), CancellationToken::new())
        .await
        .unwrap_err();
    let mut notices = Vec::new();
    while let Ok(p) = rx.try_recv() {
        notices.extend(p.notice);
    }
    for n in [
        "retrying 1/2 after a timeout",
        "retrying 2/2 after a timeout",
    ] {
        assert!(notices.iter().any(|s| s.starts_with(n)), "{n}: {notices:?}");
    }
}
