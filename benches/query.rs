//! J1QL on the `huge` estate (1 enterprise account, 200 teams, 50,000 apps, 100,000 add-ons,
//! 5,000 users): parse + run time of 1-, 2- and 3-hop queries, and of the whole saved
//! question set. Targets: ≤ 100 ms per query, ≤ 1 s for all questions.
//!
//! `cargo bench --bench query`

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use heroku_j1::fake::heroku::Size;
use heroku_j1::query::{self, questions};

const RUNS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
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
    println!(
        "\n{:<7} {:>9} {:>8}  query (median of {RUNS} parse + run)",
        "hops", "ms", "rows"
    );
    let mut worst = Duration::ZERO;
    for (hops, q) in queries {
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            let out = query::parse(q).expect("parses").run(&graph);
            times.push(t.elapsed());
            rows = out.len();
        }
        let m = median(times);
        worst = worst.max(m);
        println!("{hops:<7} {:>9.1} {rows:>8}  {q}", ms(m));
    }
    println!("slowest query: {:.1} ms (target ≤ 100 ms)", ms(worst));

    let all = questions::built_in().expect("the shipped questions parse");
    let mut times = Vec::new();
    let mut per_question = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let now = chrono::Utc::now().timestamp_millis();
        per_question.clear();
        for q in &all {
            let t = Instant::now();
            let n = q.query.run_at(&graph, now).len();
            per_question.push((q.id.clone(), n, t.elapsed()));
        }
        times.push(t.elapsed());
    }
    println!("\n{:>9} {:>8}  question (last run)", "ms", "rows");
    for (id, n, d) in &per_question {
        println!("{:>9.1} {n:>8}  {id}", ms(*d));
    }
    println!(
        "all {} questions: {:.1} ms (median of {RUNS}; target ≤ 1000 ms)",
        all.len(),
        ms(median(times))
    );
}
