//! Crawl benchmark.
//!
//! 1. The `large` estate (1 enterprise account, 50 teams, 2,000 apps, 4,000 add-ons, 500
//!    users) behind 50 ms of latency per request, concurrency 8: requests, wall time, and the
//!    critical-path bound `max(4, ceil(requests / 8)) × 50 ms`. Targets: ≤ 160 requests, wall
//!    time ≤ 1.3 × the bound.
//! 2. Peak memory of collecting the `huge` estate (50,000 apps, 100,000 add-ons) and building
//!    its graph with raw data kept, measured in a child process so the fake server's own
//!    memory is not counted. Target ≤ 400 MB.
//!
//! `cargo bench --bench collect`

use std::time::{Duration, Instant};

use heroku_j1::collect;
use heroku_j1::fake::heroku::{FakeHeroku, FakeHerokuConfig, Size};
use heroku_j1::graph;
use heroku_j1::heroku::{ClientConfig, HerokuClient};
use heroku_j1::secrets::Secret;
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
        // The crawl into an Estate, then the batch builder (what `sync` does).
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
    println!(
        "{} {} {} {:.1} {}",
        graph.entities().len(),
        graph.relationships().len(),
        client.requests(),
        crawl.as_secs_f64(),
        peak_rss_kb().unwrap_or(0)
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
    for _ in 0..3 {
        fake.reset_stats();
        let client = client(fake.url(), fake.token(), 8);
        let t = Instant::now();
        let estate = collect::crawl(&client, None, CancellationToken::new())
            .await
            .expect("crawl");
        let wall = t.elapsed();
        let g = graph::build(&estate);
        runs.push((wall, client.requests(), g.entities().len()));
    }
    runs.sort();
    let (wall, requests, entities) = runs[runs.len() / 2];
    let bound = latency * u32::try_from(requests.div_ceil(8).max(4)).unwrap_or(u32::MAX);
    println!("large estate, 50 ms latency, concurrency 8 (median of 3):");
    println!("  entities         {entities}");
    println!("  requests         {requests} (target ≤ 160; graph-heroku makes about 2,100)");
    println!("  wall time        {:.0} ms", wall.as_secs_f64() * 1e3);
    println!(
        "  critical path    {:.0} ms = max(4, ceil({requests} / 8)) × 50 ms",
        bound.as_secs_f64() * 1e3
    );
    println!(
        "  ratio            {:.2} (target ≤ 1.30)",
        wall.as_secs_f64() / bound.as_secs_f64()
    );
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
        "collect: the graph built while the crawl runs; target ≤ 250 MB",
    )
    .await;
    measure(
        &fake,
        "batch",
        "the crawl into an estate, then the batch builder",
    )
    .await;
}
