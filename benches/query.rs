//! J1QL on the `huge` estate (1 enterprise account, 200 teams, 50,000 apps, 100,000 add-ons,
//! 5,000 users): parse + run time of 1-, 2- and 3-hop queries, and of the whole saved
//! question set. Targets: ≤ 100 ms per query, ≤ 1 s for all questions.
//!
//! Each figure is given twice: wall time, and the CPU time of the thread that ran it
//! (`/proc/thread-self/schedstat`, nanoseconds; the engine runs on one thread), which a
//! machine shared with other work inflates much less than the wall time.
//!
//! `cargo bench --bench query`; to profile one query or question, `QUERY_BENCH_ONLY=<part of
//! its text or id> QUERY_BENCH_RUNS=<n>` runs only those, `n` times each.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use heroku_j1::fake::heroku::Size;
use heroku_j1::query::{self, questions};

const RUNS: usize = 5;

/// How many times each is run (`QUERY_BENCH_RUNS`, else [`RUNS`]).
fn runs() -> usize {
    std::env::var("QUERY_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(RUNS)
}

/// Whether a query or question is run (`QUERY_BENCH_ONLY`: a part of its text or id).
fn selected(text: &str) -> bool {
    std::env::var("QUERY_BENCH_ONLY").map_or(true, |only| text.contains(&only))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The CPU time this thread has run (Linux; zero where unknown).
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// Runs `f`, giving its wall and CPU time.
fn timed<R>(f: impl FnOnce() -> R) -> (R, Duration, Duration) {
    let (c, t) = (thread_cpu(), Instant::now());
    let r = f();
    (r, t.elapsed(), thread_cpu().saturating_sub(c))
}

fn main() {
    let t = Instant::now();
    let graph = support::graph_of(Size::Huge);
    println!(
        "huge estate: {} entities, {} relationships (generated and built in {:.1} s)",
        graph.entities().len(),
        graph.relationships().len(),
        t.elapsed().as_secs_f64()
    );
    let queries = [
        ("1 hop", "FIND User WITH mfaEnabled != true"),
        (
            "1 hop",
            "FIND Application WITH maintenance = true OR locked = false",
        ),
        ("1 hop", "FIND * WITH name ~= 'hooks'"),
        ("1 hop", "FIND Application ORDER BY slugSize DESC LIMIT 10"),
        (
            "2 hops",
            "FIND Team THAT OWNS Application WITH maintenance = true",
        ),
        ("2 hops", "FIND User THAT !HAS << Account"),
        (
            "2 hops",
            "FIND Team AS t THAT OWNS Application AS a RETURN t.name, COUNT(a)",
        ),
        (
            "2 hops",
            "FIND Application AS a THAT HAS Service AS s WHERE s.applicationName = a.name RETURN COUNT(s)",
        ),
        (
            "3 hops",
            "FIND User WITH isAdmin = true AND mfaEnabled != true THAT HAS << Team THAT OWNS >> Application WITH maintenance = true",
        ),
        (
            "3 hops",
            "FIND Account THAT HAS Team THAT OWNS Application THAT HAS Service WITH state = 'deprovisioned'",
        ),
        (
            "3 hops",
            "FIND Team AS t THAT OWNS Application THAT HAS Service AS s RETURN t.name, COUNT(s)",
        ),
        (
            "3 hops",
            "FIND User THAT HAS << Team THAT OWNS Application THAT HAS Service WITH service = 'heroku-postgresql' RETURN COUNT(User)",
        ),
    ];
    let runs = runs();
    println!(
        "\n{:<7} {:>9} {:>9} {:>8}  query (median of {runs} parse + run)",
        "hops", "wall ms", "cpu ms", "rows"
    );
    let mut worst = (Duration::ZERO, Duration::ZERO);
    for (hops, q) in queries.into_iter().filter(|(_, q)| selected(q)) {
        let mut walls = Vec::new();
        let mut cpus = Vec::new();
        let mut rows = 0;
        for _ in 0..runs {
            let (out, wall, cpu) = timed(|| query::parse(q).expect("parses").run(&graph));
            walls.push(wall);
            cpus.push(cpu);
            rows = out.len();
        }
        let (w, c) = (median(walls), median(cpus));
        worst = (worst.0.max(w), worst.1.max(c));
        println!("{hops:<7} {:>9.1} {:>9.1} {rows:>8}  {q}", ms(w), ms(c));
    }
    println!(
        "slowest query: {:.1} ms wall, {:.1} ms CPU (target ≤ 100 ms)",
        ms(worst.0),
        ms(worst.1)
    );

    let mut all = questions::built_in().expect("the shipped questions parse");
    all.retain(|q| selected(&q.id) || selected(q.query.text()));
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    let mut per_question = Vec::new();
    for _ in 0..runs {
        let now = chrono::Utc::now().timestamp_millis();
        per_question.clear();
        let ((), wall, cpu) = timed(|| {
            for q in &all {
                let (n, wall, cpu) = timed(|| q.query.run_at(&graph, now).len());
                per_question.push((q.id.clone(), n, wall, cpu));
            }
        });
        walls.push(wall);
        cpus.push(cpu);
    }
    println!(
        "\n{:>9} {:>9} {:>8}  question (last run)",
        "wall ms", "cpu ms", "rows"
    );
    for (id, n, w, c) in &per_question {
        println!("{:>9.1} {:>9.1} {n:>8}  {id}", ms(*w), ms(*c));
    }
    println!(
        "all {} questions: {:.1} ms wall, {:.1} ms CPU (medians of {runs}; target ≤ 1000 ms)",
        all.len(),
        ms(median(walls)),
        ms(median(cpus))
    );
}
