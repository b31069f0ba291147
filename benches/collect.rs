//! Crawl benchmark.
//!
//! 1. The `large` estate (1 enterprise account, 50 teams, 2,000 apps, 4,000 add-ons, 500
//!    users) behind 50 ms of latency per request, concurrency 8, the graph built while the
//!    crawl runs (as `collect` does): requests, wall time (crawl and graph), and the
//!    dependency-aware bound: two dependency rounds (`/account` and `/enterprise-accounts`;
//!    then each account's members and teams) plus the remaining requests packed eight at a
//!    time, × 50 ms. Targets: ≤ 160 requests, wall ≤ 1.10 × the bound. Then the time to the
//!    first tree node after the enterprise accounts answer (target ≤ one round trip; polling
//!    the builder as the explorer does, but every 5 ms), and the
//!    time `collect --out` takes to write the graph.
//! 2. Peak memory (VmHWM) of collecting the `huge` estate (50,000 apps, 100,000 add-ons)
//!    with raw data kept, in a child process so the fake server's own memory is not counted:
//!    the streaming build (what every command does; target ≤ 250 MB), the crawl into an
//!    estate then the batch builder (the tests' oracle, for comparison), and the explorer's model (the graph, its tree fully expanded,
//!    and the preview open; target ≤ 400 MB).
//!
//! `cargo bench --bench collect`

use std::time::{Duration, Instant};

use std::sync::Arc;

use heroku_j1::collect;
use heroku_j1::estate::Sink;
use heroku_j1::fake::heroku::{FakeHeroku, FakeHerokuConfig, Size};
use heroku_j1::graph::{self, StreamBuilder};
use heroku_j1::heroku::{ClientConfig, HerokuClient};
use heroku_j1::jupiterone::{JupiterOneClient, JupiterOneConfig, Target};
use heroku_j1::secrets::Secret;
use heroku_j1::tui::data::{Data, Loaded};
use tokio_util::sync::CancellationToken;

const CHILD: &str = "HEROKU_J1_BENCH_COLLECT_CHILD";

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn client(url: String, token: String, concurrency: usize) -> HerokuClient {
    let mut config = ClientConfig::new(url, Secret::new(token));
    config.concurrency = concurrency;
    HerokuClient::new(config).expect("client")
}

/// The child process: crawls the estate at `url` the way `mode` says and prints
/// `entities relationships requests crawl-seconds peak-kB`.
async fn child(url: String, token: String, mode: &str) {
    let client = client(url, token, 8);
    let t = Instant::now();
    let graph = if mode == "batch" {
        // The crawl into an Estate, then the batch builder: the tests' oracle, for comparison.
        let estate = collect::crawl(&client, None, CancellationToken::new())
            .await
            .expect("crawl");
        let after_crawl = rss_kb();
        let graph = graph::build_owned(estate);
        eprintln!(
            "rss after crawl {} MB, after building the graph {} MB",
            after_crawl / 1024,
            rss_kb() / 1024
        );
        graph
    } else if mode == "explorer" {
        // The explorer's model: the streamed graph and its tree, every node open.
        let builder = StreamBuilder::new();
        collect::crawl_into(&client, None, CancellationToken::new(), &builder)
            .await
            .expect("crawl");
        let (graph, failures) = builder.finish();
        let mut data = Data::new(Loaded {
            graph: Arc::new(graph),
            failures,
            heroku_user: None,
            heroku_user_id: None,
            requests: 0,
            rate_limit_remaining: None,
        });
        data.tree.open_all();
        eprintln!(
            "rss with the graph and the tree ({} nodes) {} MB (peak so far {} MB)",
            data.tree.len(),
            rss_kb() / 1024,
            peak_rss_kb().unwrap_or(0) / 1024
        );
        // The preview open (`p`), as the explorer holds it (`tui::tasks::jupiterone`): what
        // `prepare` returns, the plan and its preview, against an empty data folder (nothing
        // synced yet: every object new, the longest lists).
        let j1 = JupiterOneClient::new(JupiterOneConfig::new(
            "http://127.0.0.1:1",
            "bench",
            Secret::new("bench".to_owned()),
        ))
        .expect("client");
        let dir = tempfile::tempdir().expect("tempdir");
        let (plan, preview) = heroku_j1::jupiterone::prepare(
            &j1,
            Arc::clone(&data.loaded.graph),
            Target::default_scope("bench"),
            dir.path(),
        )
        .expect("prepare");
        eprintln!(
            "  rss with the preview open ({} _types, {} objects new) {} MB (peak so far {} MB)",
            preview.types.len(),
            preview.totals.entities.created + preview.totals.relationships.created,
            rss_kb() / 1024,
            peak_rss_kb().unwrap_or(0) / 1024
        );
        drop((plan, preview));
        let graph = Arc::clone(&data.loaded.graph);
        drop(data);
        Arc::try_unwrap(graph).expect("one owner")
    } else {
        // The graph built while the crawl runs (what `collect` and the explorer do).
        let builder = graph::StreamBuilder::new();
        collect::crawl_into(&client, None, CancellationToken::new(), &builder)
            .await
            .expect("crawl");
        let after_crawl = rss_kb();
        let (graph, _) = builder.finish();
        eprintln!(
            "rss after crawl {} MB, after finishing the graph {} MB",
            after_crawl / 1024,
            rss_kb() / 1024
        );
        graph
    };
    let crawl = t.elapsed();
    let raw: usize = graph
        .entities()
        .iter()
        .flat_map(|e| &e.raw_data)
        .map(|r| r.raw.len())
        .sum();
    let stored: usize = graph
        .entities()
        .iter()
        .flat_map(|e| &e.raw_data)
        .map(|r| r.raw.stored_len())
        .sum();
    let json: usize = graph.entities().iter().map(graph::Entity::json_len).sum();
    eprintln!(
        "  raw JSON kept {} MB, held compressed in {} MB; entities as JSON (raw data included) {} MB",
        raw >> 20,
        stored >> 20,
        json >> 20
    );
    // Where the graph's memory goes, besides the raw JSON.
    let entity_structs = std::mem::size_of_val(graph.entities());
    let entity_heap: usize = graph
        .entities()
        .iter()
        .map(|e| {
            e.key.capacity()
                + e.properties.heap_size()
                + e.raw_data.capacity() * std::mem::size_of::<graph::RawData>()
        })
        .sum();
    let rel_structs = std::mem::size_of_val(graph.relationships());
    let rel_heap: usize = graph
        .relationships()
        .iter()
        .map(|r| r.key().len() + r.properties.heap_size())
        .sum();
    eprintln!(
        "  entities: structs {} MB, keys + properties + raw lists {} MB; relationships: structs {} MB, keys + properties {} MB",
        entity_structs >> 20,
        entity_heap >> 20,
        rel_structs >> 20,
        rel_heap >> 20
    );
    println!(
        "{} {} {} {:.1} {}",
        graph.entities().len(),
        graph.relationships().len(),
        client.requests(),
        crawl.as_secs_f64(),
        peak_rss_kb().unwrap_or(0)
    );
}

/// The time from the crawl's start to the first node of a tree built from what was read,
/// checking the builder every 5 ms.
async fn first_node(fake: &FakeHeroku, latency: Duration) {
    let client = client(fake.url(), fake.token(), 8);
    let builder = Arc::new(StreamBuilder::new());
    let t = Instant::now();
    let watch = {
        let builder = Arc::clone(&builder);
        async move {
            // When the builder first holds something: the enterprise accounts' answer.
            let mut answered = None;
            loop {
                if builder.changes() > 0 {
                    let read = *answered.get_or_insert_with(|| t.elapsed());
                    let (graph, failures) = builder.snapshot();
                    let tree = heroku_j1::tui::tree::Tree::build(&graph, &failures);
                    if !tree.is_empty() {
                        return (read, t.elapsed());
                    }
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    };
    let sink: &dyn Sink = &*builder;
    let ((read, first), _) = tokio::join!(
        watch,
        collect::crawl_into(&client, None, CancellationToken::new(), sink)
    );
    println!(
        "  first tree node  {:.0} ms after the start; the enterprise accounts were read at \
         {:.0} ms (one round trip): {:.0} ms after their answer (target ≤ one round trip, \
         {:.0} ms)",
        first.as_secs_f64() * 1e3,
        read.as_secs_f64() * 1e3,
        first.saturating_sub(read).as_secs_f64() * 1e3,
        latency.as_secs_f64() * 1e3
    );
}

/// Runs the child in `mode` against the fake and prints its figures.
async fn measure(fake: &FakeHeroku, mode: &'static str, what: &str) {
    let exe = std::env::current_exe().expect("exe");
    let arg = format!("{} {} {mode}", fake.url(), fake.token());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(exe).env(CHILD, arg).output()
    })
    .await
    .expect("join")
    .expect("child");
    let line = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = line.split_whitespace().collect();
    if f.len() == 5 {
        println!(
            "huge estate ({what}): {} entities, {} relationships, {} requests, crawl {} s",
            f[0], f[1], f[2], f[3]
        );
        let mb = f[4].parse::<f64>().unwrap_or(0.0) / 1024.0;
        println!("  peak memory (raw data kept): {mb:.0} MB");
        print!("  {}", String::from_utf8_lossy(&out.stderr));
    } else {
        println!(
            "huge estate ({what}): the child failed: {line} {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    // As the binary does first thing (`cli::main`).
    heroku_j1::memory::return_large_allocations_when_freed();
    if let Ok(args) = std::env::var(CHILD) {
        let mut it = args.split(' ');
        let (url, token, mode) = (
            it.next().unwrap_or_default().to_owned(),
            it.next().unwrap_or_default().to_owned(),
            it.next().unwrap_or_default().to_owned(),
        );
        child(url, token, &mode).await;
        return;
    }

    // 1. Large at 50 ms.
    let latency = Duration::from_millis(50);
    let fake = FakeHeroku::start(FakeHerokuConfig {
        size: Size::Large,
        latency,
        ..FakeHerokuConfig::default()
    })
    .await
    .expect("fake");
    let mut runs = Vec::new();
    let mut graph = None;
    for _ in 0..3 {
        fake.reset_stats();
        let client = client(fake.url(), fake.token(), 8);
        let t = Instant::now();
        let builder = StreamBuilder::new();
        collect::crawl_into(&client, None, CancellationToken::new(), &builder)
            .await
            .expect("crawl");
        let (g, _) = builder.finish();
        let wall = t.elapsed();
        runs.push((wall, client.requests(), g.entities().len()));
        graph = Some(g);
    }
    runs.sort();
    let (wall, requests, entities) = runs[runs.len() / 2];
    // Round 1: /account and /enterprise-accounts; round 2: the account's members and teams.
    let accounts = 1;
    let rest = requests.saturating_sub(2 + 2 * accounts);
    let rounds = 2 + rest.div_ceil(8);
    let bound = latency * u32::try_from(rounds).unwrap_or(u32::MAX);
    println!(
        "large estate, 50 ms latency, concurrency 8, graph built while crawling (median of 3):"
    );
    println!("  entities         {entities}");
    println!("  requests         {requests} (target ≤ 160; graph-heroku makes about 2,100)");
    println!(
        "  wall time        {:.0} ms (crawl and graph)",
        wall.as_secs_f64() * 1e3
    );
    println!(
        "  bound            {:.0} ms = (2 dependency rounds + ceil({rest} / 8)) × 50 ms",
        bound.as_secs_f64() * 1e3
    );
    println!(
        "  ratio            {:.2} (target ≤ 1.10)",
        wall.as_secs_f64() / bound.as_secs_f64()
    );
    first_node(&fake, latency).await;
    if let Some(g) = graph {
        // What `collect --out` does after the last answer: write the files, validate, look
        // for objects too large to upload; the writing overlaps the checks.
        let dir = tempfile::tempdir().expect("tempdir");
        let t = Instant::now();
        graph::export::write(&g, dir.path()).expect("write");
        let write = t.elapsed();
        let t = Instant::now();
        let _ = (
            graph::validate::validate(&g),
            heroku_j1::jupiterone::plan::oversized(&g),
        );
        let checks = t.elapsed();
        // A fresh folder: writing over the first one would first delete its files.
        let dir = tempfile::tempdir().expect("tempdir");
        let t = Instant::now();
        let (written, _, _) = heroku_j1::cli::collect::write_and_check(&g, dir.path());
        written.expect("write");
        println!(
            "  after the crawl  {:.0} ms: writing {:.0} ms overlapped with the checks {:.0} ms",
            t.elapsed().as_secs_f64() * 1e3,
            write.as_secs_f64() * 1e3,
            checks.as_secs_f64() * 1e3
        );
    }
    fake.shutdown().await;

    // 2. Huge, peak memory of the collector alone.
    let t = Instant::now();
    let fake = FakeHeroku::start(FakeHerokuConfig {
        size: Size::Huge,
        ..FakeHerokuConfig::default()
    })
    .await
    .expect("fake");
    println!(
        "huge estate generated in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    measure(
        &fake,
        "stream",
        "collect, sync, diff, query: the graph built while the crawl runs; target ≤ 250 MB",
    )
    .await;
    measure(
        &fake,
        "batch",
        "batch: the crawl into an estate, then the batch builder (the tests' oracle)",
    )
    .await;
    measure(
        &fake,
        "explorer",
        "explorer model: the graph, its tree fully expanded and the preview open; target ≤ 400 MB",
    )
    .await;
}
