//! The graph built while the crawl runs equals the batch builder's graph of the same estate:
//! the same entities and relationships in the same order, the same properties and `_rawData`
//! entries, the same content hashes, partial datasets and oddities. Pages are delivered in
//! shuffled orders (as concurrent lists deliver them), and over real HTTP against the fake
//! Heroku with its faults.

mod stream_common;

use std::time::Duration;

use heroku_j1::collect::{self, CrawlError};
use heroku_j1::estate::{Collector, ListAt, ListFailure, Page, Sink};
use heroku_j1::fake::heroku::{Dataset, FakeHeroku, FakeHerokuConfig, Faults, Size};
use heroku_j1::graph::{self, Graph, StreamBuilder, types};
use heroku_j1::heroku::model::EnterpriseAccount;
use heroku_j1::heroku::{ClientConfig, HerokuClient};
use heroku_j1::jupiterone::hash::{entity_hash, relationship_hash};
use heroku_j1::secrets::Secret;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use stream_common::{Script, delivery, script_of};
use tokio_util::sync::CancellationToken;

/// Asserts that two graphs are the same, object by object and in order.
fn assert_same(streamed: &Graph, batch: &Graph, what: &str) {
    assert!(
        !batch.entities().is_empty(),
        "{what}: an empty graph proves nothing"
    );
    assert_eq!(
        streamed.entities().len(),
        batch.entities().len(),
        "{what}: entities"
    );
    for (s, b) in streamed.entities().iter().zip(batch.entities()) {
        assert_eq!(s, b, "{what}: entity {}", b.key);
        let names = |e: &graph::Entity| {
            e.raw_data
                .iter()
                .map(|r| r.name.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(s), names(b), "{what}: _rawData order of {}", b.key);
        assert_eq!(entity_hash(s), entity_hash(b), "{what}: hash of {}", b.key);
    }
    assert_eq!(
        streamed.relationships().len(),
        batch.relationships().len(),
        "{what}: relationships"
    );
    for (s, b) in streamed.relationships().iter().zip(batch.relationships()) {
        assert_eq!(s, b, "{what}: relationship {}", b.key());
        assert_eq!(relationship_hash(s), relationship_hash(b), "{what}");
    }
    assert_eq!(
        streamed.partial_datasets(),
        batch.partial_datasets(),
        "{what}"
    );
    assert_eq!(streamed.oddities(), batch.oddities(), "{what}");
    assert_eq!(streamed.counts(), batch.counts(), "{what}");
}

/// Plays `script` (made twice by `make`) in an order drawn from `seed` into the streaming
/// builder and into a [`Collector`], and compares the streamed graph with the batch graph
/// of the collected estate.
fn check(make: &dyn Fn() -> Script, seed: u64, what: &str) -> Graph {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let builder = StreamBuilder::new();
    let collector = Collector::default();
    make().play(&mut rng, &[&builder, &collector]);
    let estate = collector.into_estate(None);
    let batch = graph::build(&estate);
    let (streamed, failures) = builder.finish();
    assert_eq!(failures, estate.failures, "{what}, seed {seed}");
    assert_same(&streamed, &batch, &format!("{what}, seed {seed}"));
    batch
}

#[test]
fn the_demo_estate_streamed_in_any_order_is_the_batch_graph() {
    let d = Dataset::generate(Size::Demo.counts(), 1);
    for seed in 0..8 {
        let g = check(&|| script_of(&d, 7), seed, "demo");
        assert_eq!(g.counts()[types::ACCOUNT], 2);
    }
}

#[test]
fn the_large_estate_streamed_in_any_order_is_the_batch_graph() {
    let d = Dataset::generate(Size::Large.counts(), 1);
    for seed in [1, 2, 3] {
        let g = check(&|| script_of(&d, 250), seed, "large");
        assert!(g.counts()[types::APPLICATION] > 1_900);
    }
}

// A hand-made estate where order matters: one user in two accounts and three teams who
// says different things in each, a collaborator, a duplicate id, an add-on attached to
// several apps, null permissions, a list that fails after a page, a restarted list.

const A1: &str = "acc-1";
const A2: &str = "acc-2";
const U: &str = "user-uma";
const C: &str = "user-collab";

fn member(user: &str, email: &str, perms: Value, mfa: Value, sso: bool) -> Value {
    json!({"id": format!("m-{user}-{}", perms.to_string().len()), "user": {"id": user, "email": email},
        "permissions": perms, "two_factor_authentication": mfa,
        "identity_provider": if sso { json!({"id": "idp", "name": "sso"}) } else { Value::Null }})
}

fn team_member(user: &str, email: &str, name: Value, role: &str, mfa: Value) -> Value {
    json!({"id": format!("tm-{user}-{role}"), "email": email, "role": role, "federated": null,
        "two_factor_authentication": mfa, "user": {"id": user, "email": email, "name": name}})
}

fn app(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name, "maintenance": false, "locked": true,
        "created_at": "2022-01-18T12:00:03Z"})
}

fn addon(id: &str, billing_app: &str) -> Value {
    json!({"id": id, "name": format!("{id}-name"), "addon_service": {"id": "s", "name": "heroku-postgresql"},
        "plan": {"id": "p", "name": "essential-0"}, "app": {"id": billing_app, "name": "x"},
        "state": "provisioned"})
}

fn attachment(id: &str, addon: &str, billing: &str, app: &str) -> Value {
    json!({"id": id, "name": "DATABASE", "addon": {"id": addon, "name": "n", "app": {"id": billing, "name": "b"}},
        "app": {"id": app, "name": "a"}})
}

fn failure(at: ListAt, owner: &str) -> ListFailure {
    ListFailure {
        list: at.kind(),
        owner: owner.into(),
        target: format!("the owner {owner}"),
        reason: "Heroku answered 403 forbidden".into(),
    }
}

fn tangled() -> Script {
    let t = |account, team| (account, team);
    let accounts = vec![
        json!({"id": A1, "name": "one", "permissions": ["view"]}),
        json!({"id": A2, "name": "two"}),
    ];
    let mut lists = vec![
        delivery(
            ListAt::AccountMembers { account: 0 },
            vec![
                member(
                    U,
                    "uma@x.example",
                    json!([{"name": "view"}, null]),
                    Value::Null,
                    false,
                ),
                member(
                    "user-ann",
                    "ann@x.example",
                    json!([{"name": "manage"}]),
                    json!(true),
                    true,
                ),
            ],
            1,
        ),
        delivery(
            ListAt::AccountMembers { account: 1 },
            vec![member(
                U,
                "uma@x.example",
                json!([{"name": "billing"}]),
                json!(false),
                false,
            )],
            1,
        ),
        delivery(
            ListAt::AccountTeams { account: 0 },
            vec![
                json!({"id": "team-1", "name": "t1"}),
                json!({"id": "team-2", "name": "t2"}),
            ],
            1,
        ),
        delivery(
            ListAt::AccountTeams { account: 1 },
            vec![json!({"id": "team-3", "name": "t3"})],
            1,
        ),
        delivery(
            ListAt::Attachments,
            vec![
                attachment("at-1", "addon-shared", "app-outside", "app-1"),
                attachment("at-2", "addon-shared", "app-outside", "app-3"),
                attachment("at-3", "addon-shared", "app-outside", "app-outside"),
                attachment("at-4", "addon-pg", "app-1", "app-1"),
                attachment("at-5", "addon-pg", "app-1", "app-2"),
                attachment("at-6", "addon-pg", "app-1", "app-3"),
            ],
            2,
        ),
    ];
    let team_lists = [
        (
            t(0, 0),
            vec![team_member(
                U,
                "uma@x.example",
                Value::Null,
                "member",
                Value::Null,
            )],
            vec![app("app-1", "one"), app("app-dup", "dup-a")],
            vec![
                addon("addon-pg", "app-1"),
                addon("addon-shared", "app-outside"),
            ],
        ),
        (
            t(0, 1),
            vec![
                team_member(
                    U,
                    "uma@x.example",
                    json!("Uma Quill"),
                    "admin",
                    json!(false),
                ),
                team_member(
                    C,
                    "cole@outside.example",
                    json!("Cole"),
                    "collaborator",
                    json!(true),
                ),
            ],
            vec![app("app-2", "two"), app("app-dup", "dup-b")],
            vec![addon("addon-pg", "app-1")],
        ),
        (
            t(1, 0),
            vec![team_member(
                U,
                "uma@x.example",
                json!("Someone Else"),
                "viewer",
                json!(true),
            )],
            vec![app("app-3", "three"), app("app-4", "four")],
            vec![addon("addon-3", "app-3")],
        ),
    ];
    for ((account, team), members, apps, addons) in team_lists {
        lists.push(delivery(ListAt::TeamMembers { account, team }, members, 1));
        let mut apps = delivery(ListAt::TeamApps { account, team }, apps, 1);
        if (account, team) == (1, 0) {
            // A page arrives, then the list fails: the page is void.
            apps.failure = Some(failure(apps.at, "team-3"));
        }
        lists.push(apps);
        let mut addons = delivery(ListAt::TeamAddons { account, team }, addons, 1);
        if (account, team) == (0, 0) {
            // The team's list gave a page, then was refused and read again per app.
            addons.restart_after = Some(1);
            addons.pages.push_front(vec![addon("addon-void", "app-1")]);
        }
        lists.push(addons);
    }
    Script { accounts, lists }
}

#[test]
fn a_member_of_two_accounts_and_three_teams_is_one_user_whatever_the_order() {
    for seed in 0..40 {
        let g = check(&tangled, seed, "tangled");
        let uma = g.entity(U).unwrap();
        // Both accounts' and all three teams' raw data, one entity.
        assert_eq!(uma.raw_data.len(), 5, "seed {seed}");
        assert_eq!(
            uma.properties.get("enterpriseAccountIds"),
            Some(json!([A1, A2]))
        );
        assert_eq!(uma.properties.str("displayName"), Some("Uma Quill"));
        // The collaborator (a team member outside every account) is kept.
        assert!(g.entity(C).is_some());
        // The add-on billed outside is related to every app of the graph using it.
        let from: Vec<&str> = g.incoming("addon-shared").map(|r| r.from_key()).collect();
        assert_eq!(from, vec!["app-1"], "seed {seed}");
        assert_eq!(g.incoming("addon-pg").count(), 2);
        // The void pages left nothing.
        assert!(g.entity("addon-void").is_none() && g.entity("app-3").is_none());
        assert_eq!(
            g.oddities().iter().filter(|(k, _)| k == "app-dup").count(),
            1
        );
        assert!(g.partial_datasets().contains_key(types::APPLICATION));
    }
}

// Over HTTP: the crawl into an estate and the batch builder, against the crawl into the
// streaming builder, on the same fake.

fn client_for(fake: &FakeHeroku, tweak: impl FnOnce(&mut ClientConfig)) -> HerokuClient {
    let mut config = ClientConfig::new(fake.url(), Secret::new(fake.token()));
    config.timeout = Duration::from_secs(5);
    config.backoff_base = Duration::from_millis(5);
    config.backoff_max = Duration::from_millis(40);
    config.max_retries = 12;
    tweak(&mut config);
    HerokuClient::new(config).unwrap()
}

async fn both(config: FakeHerokuConfig, tweak: fn(&mut ClientConfig)) -> (Graph, Graph) {
    let fake = FakeHeroku::start(config).await.unwrap();
    let estate = collect::crawl(&client_for(&fake, tweak), None, CancellationToken::new())
        .await
        .unwrap();
    let batch = graph::build(&estate);
    let builder = StreamBuilder::new();
    let user = collect::crawl_into(
        &client_for(&fake, tweak),
        None,
        CancellationToken::new(),
        &builder,
    )
    .await
    .unwrap();
    assert_eq!(Some(&user.id), estate.user.as_ref().map(|u| &u.id));
    let (streamed, failures) = builder.finish();
    assert_eq!(failures, estate.failures);
    (streamed, batch)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_crawls_equal_batch_crawls_under_every_fault() {
    let faults = [
        ("no fault", Faults::default()),
        (
            "403 team members",
            Faults {
                forbid_team_members: true,
                ..Faults::default()
            },
        ),
        (
            "403 add-ons",
            Faults {
                forbid_addons: true,
                ..Faults::default()
            },
        ),
        (
            "403 team add-ons, read per app",
            Faults {
                forbid_team_addons_only: true,
                ..Faults::default()
            },
        ),
        (
            "5xx bursts",
            Faults {
                error_rate: 0.2,
                ..Faults::default()
            },
        ),
        (
            "apps lists that loop after two pages",
            Faults {
                alternate_next_range: true,
                ..Faults::default()
            },
        ),
    ];
    for (what, faults) in faults {
        let (streamed, batch) = both(
            FakeHerokuConfig {
                faults,
                ..FakeHerokuConfig::default()
            },
            |_| {},
        )
        .await;
        assert_same(&streamed, &batch, what);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_large_estate_streamed_over_http_is_the_batch_graph() {
    let (streamed, batch) = both(
        FakeHerokuConfig {
            size: Size::Large,
            ..FakeHerokuConfig::default()
        },
        |_| {},
    )
    .await;
    assert_same(&streamed, &batch, "large");
}

/// A sink that counts the pages it was given.
#[derive(Default)]
struct Counting(std::sync::atomic::AtomicUsize, StreamBuilder);

impl Sink for Counting {
    fn accounts(&self, accounts: Vec<EnterpriseAccount>) {
        self.1.accounts(accounts);
    }
    fn page(&self, list: ListAt, page: Page) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.1.page(list, page);
    }
    fn restart(&self, list: ListAt) {
        self.1.restart(list);
    }
    fn end(&self, list: ListAt, failure: Option<ListFailure>) {
        self.1.end(list, failure);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_crawl_yields_no_graph() {
    let fake = FakeHeroku::start(FakeHerokuConfig {
        latency: Duration::from_millis(100),
        ..FakeHerokuConfig::default()
    })
    .await
    .unwrap();
    let client = client_for(&fake, |_| {});
    let cancel = CancellationToken::new();
    let sink = Counting::default();
    let c = cancel.clone();
    let (_, result) = tokio::join!(
        async move {
            tokio::time::sleep(Duration::from_millis(350)).await;
            c.cancel();
        },
        collect::crawl_into(&client, None, cancel, &sink)
    );
    // Cancelled mid-way: some pages were in, and the crawl says it was cancelled, so no
    // caller finishes the builder.
    assert_eq!(result.unwrap_err(), CrawlError::Cancelled);
    assert!(sink.0.load(std::sync::atomic::Ordering::Relaxed) > 0);
}
