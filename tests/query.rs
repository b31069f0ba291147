//! J1QL on the demo estate: a table of queries whose expected rows are computed here, by
//! plain Rust filters over the entities' JSON and the relationships' ends (not by the
//! engine); the error messages with their carets (snapshots); random `WITH` filters against
//! a naive filter (proptest); the saved questions on `demo` and `large`.

mod support;

use std::collections::HashMap;

use heroku_j1::fake::heroku::Size;
use heroku_j1::graph::Graph;
use heroku_j1::query::{self, Cell, questions};
use serde_json::{Value, json};
use support::graph_of;

/// `date.now` for every run here: 2026-05-28T20:26:40Z.
const NOW: i64 = 1_780_000_000_000;
const DAY: i64 = 86_400_000;

/// The graph as plain JSON: what the tests compute the expected rows from.
struct Model {
    entities: Vec<Value>,
    /// (from, verb, to).
    edges: Vec<(String, String, String)>,
    at: HashMap<String, usize>,
}

#[derive(Clone, Copy, PartialEq)]
enum Dir {
    Out,
    In,
    Both,
}

impl Model {
    fn new(graph: &Graph) -> Self {
        let entities: Vec<Value> = graph
            .entities()
            .iter()
            .map(|e| serde_json::to_value(e).unwrap())
            .collect();
        let edges = graph
            .relationships()
            .iter()
            .map(|r| {
                let v = serde_json::to_value(r).unwrap();
                (
                    v["_fromEntityKey"].as_str().unwrap().to_owned(),
                    v["_class"].as_str().unwrap().to_owned(),
                    v["_toEntityKey"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let at = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (key(e).to_owned(), i))
            .collect();
        Self {
            entities,
            edges,
            at,
        }
    }

    /// Keys of the entities satisfying `f`, in graph order.
    fn keys(&self, f: impl Fn(&Value) -> bool) -> Vec<String> {
        self.entities
            .iter()
            .filter(|e| f(e))
            .map(|e| key(e).to_owned())
            .collect()
    }

    /// Entities linked to `e` by `verb` (any when `None`), in the given direction.
    fn nb(&self, e: &Value, verb: Option<&str>, dir: Dir) -> Vec<&Value> {
        let k = key(e);
        let mut out = Vec::new();
        for (from, v, to) in &self.edges {
            if verb.is_some_and(|want| want != v) {
                continue;
            }
            if from == k && dir != Dir::In {
                out.push(&self.entities[self.at[to]]);
            }
            if to == k && dir != Dir::Out {
                out.push(&self.entities[self.at[from]]);
            }
        }
        out
    }

    fn any(&self, e: &Value, verb: Option<&str>, dir: Dir, f: impl Fn(&Value) -> bool) -> bool {
        self.nb(e, verb, dir).into_iter().any(f)
    }
}

fn key(e: &Value) -> &str {
    e["_key"].as_str().unwrap()
}
fn is(e: &Value, class: &str) -> bool {
    e["_class"][0] == class
}
fn ty(e: &Value, t: &str) -> bool {
    e["_type"] == t
}
fn text<'a>(e: &'a Value, p: &str) -> Option<&'a str> {
    e.get(p).and_then(Value::as_str)
}
fn flag(e: &Value, p: &str) -> Option<bool> {
    e.get(p).and_then(Value::as_bool)
}
fn num(e: &Value, p: &str) -> Option<f64> {
    e.get(p).and_then(Value::as_f64)
}
/// Absent or null.
fn undefined(e: &Value, p: &str) -> bool {
    e.get(p).is_none_or(Value::is_null)
}
/// A string property, or any string of an array property, satisfies `f`.
fn any_str(e: &Value, p: &str, f: impl Fn(&str) -> bool) -> bool {
    match e.get(p) {
        Some(Value::String(s)) => f(s),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).any(f),
        _ => false,
    }
}

fn demo() -> (Graph, Model) {
    let g = graph_of(Size::Demo);
    let m = Model::new(&g);
    (g, m)
}

fn run(g: &Graph, q: &str) -> query::Output {
    query::parse(q)
        .unwrap_or_else(|e| panic!("{}", e.render_with_caret(q)))
        .run_at(g, NOW)
}

/// The keys of the first entity of each row.
fn row_keys(g: &Graph, q: &str) -> Vec<String> {
    let out = run(g, q);
    (0..out.len())
        .map(|r| {
            g.entities()[out.row_entity(r).expect("an entity row")]
                .key
                .clone()
        })
        .collect()
}

fn rows_json(g: &Graph, q: &str) -> Vec<Value> {
    let out = run(g, q);
    (0..out.len()).map(|r| out.row_json(g, r)).collect()
}

fn sorted(mut v: Vec<Value>) -> Vec<Value> {
    v.sort_by_key(Value::to_string);
    v
}

#[test]
fn queries_return_what_plain_filters_compute() {
    let (g, m) = demo();
    let users = |f: &dyn Fn(&Value) -> bool| m.keys(|e| is(e, "User") && f(e));
    let apps = |f: &dyn Fn(&Value) -> bool| m.keys(|e| is(e, "Application") && f(e));
    let addons = |f: &dyn Fn(&Value) -> bool| m.keys(|e| is(e, "Service") && f(e));
    let teams = |f: &dyn Fn(&Value) -> bool| m.keys(|e| is(e, "Team") && f(e));
    let cutoff = 1_700_000_000_000.0;
    let table: Vec<(&str, Vec<String>)> = vec![
        // FIND: class, _type, *, (A|B), keywords in any case.
        ("FIND User", users(&|_| true)),
        ("find User", users(&|_| true)),
        ("FIND heroku_team", m.keys(|e| ty(e, "heroku_team"))),
        ("FIND *", m.keys(|_| true)),
        (
            "FIND (Account|Team)",
            m.keys(|e| is(e, "Account") || is(e, "Team")),
        ),
        (
            "FIND (heroku_account|Service)",
            m.keys(|e| ty(e, "heroku_account") || is(e, "Service")),
        ),
        (
            "FIND * WITH _type = 'heroku_account'",
            m.keys(|e| ty(e, "heroku_account")),
        ),
        ("FIND * WITH _class = 'Service'", addons(&|_| true)),
        ("FIND NoSuchClass", vec![]),
        // Every comparison operator.
        (
            "FIND Application WITH region = 'eu'",
            apps(&|e| text(e, "region") == Some("eu")),
        ),
        (
            "FIND Application WITH region != 'eu'",
            apps(&|e| text(e, "region") != Some("eu")),
        ),
        (
            "FIND Application WITH maintenance = true",
            apps(&|e| flag(e, "maintenance") == Some(true)),
        ),
        (
            "FIND Application WITH locked = false",
            apps(&|e| flag(e, "locked") == Some(false)),
        ),
        (
            "FIND User WITH mfaEnabled != true",
            users(&|e| flag(e, "mfaEnabled") != Some(true)),
        ),
        (
            "FIND Application WITH slugSize > 200000000",
            apps(&|e| num(e, "slugSize").is_some_and(|n| n > 2e8)),
        ),
        (
            "FIND Application WITH slugSize >= 50491274",
            apps(&|e| num(e, "slugSize").is_some_and(|n| n >= 50_491_274.0)),
        ),
        (
            "FIND Application WITH slugSize < 50491274",
            apps(&|e| num(e, "slugSize").is_some_and(|n| n < 50_491_274.0)),
        ),
        (
            "FIND Application WITH slugSize <= 50491274",
            apps(&|e| num(e, "slugSize").is_some_and(|n| n <= 50_491_274.0)),
        ),
        (
            "FIND Service WITH billedPriceCents > 0.5",
            addons(&|e| num(e, "billedPriceCents").is_some_and(|n| n > 0.5)),
        ),
        (
            "FIND Service WITH billedPriceCents = 0",
            addons(&|e| num(e, "billedPriceCents") == Some(0.0)),
        ),
        (
            "FIND Application WITH name ~= 'hooks'",
            apps(&|e| any_str(e, "name", |s| s.contains("hooks"))),
        ),
        (
            "FIND Application WITH name ^= 'stark-'",
            apps(&|e| any_str(e, "name", |s| s.starts_with("stark-"))),
        ),
        (
            "FIND Application WITH name $= '-bot'",
            apps(&|e| any_str(e, "name", |s| s.ends_with("-bot"))),
        ),
        (
            "FIND Application WITH name !~= 'hooks'",
            apps(&|e| !any_str(e, "name", |s| s.contains("hooks"))),
        ),
        (
            "FIND Application WITH name !^= 'stark-'",
            apps(&|e| !any_str(e, "name", |s| s.starts_with("stark-"))),
        ),
        (
            "FIND Application WITH name !$= '-bot'",
            apps(&|e| !any_str(e, "name", |s| s.ends_with("-bot"))),
        ),
        (
            "FIND Team WITH name < 'b'",
            teams(&|e| text(e, "name").is_some_and(|s| s < "b")),
        ),
        ("FIND Application WITH name = \"wallet-\\\"web\"", vec![]),
        (
            "FIND Application WITH name = \"wallet-web\"",
            apps(&|e| text(e, "name") == Some("wallet-web")),
        ),
        ("FIND Application WITH name = 'it\\'s'", vec![]),
        ("FIND Application WITH maintenance > true", vec![]),
        // Array properties: any element.
        (
            "FIND User WITH email ~= '@aperture'",
            users(&|e| any_str(e, "email", |s| s.contains("@aperture"))),
        ),
        (
            "FIND User WITH email = 'pat.smith@gmail.example'",
            users(&|e| any_str(e, "email", |s| s == "pat.smith@gmail.example")),
        ),
        (
            "FIND User WITH enterprisePermissions = 'manage'",
            users(&|e| any_str(e, "enterprisePermissions", |s| s == "manage")),
        ),
        (
            "FIND User WITH enterprisePermissions != 'manage'",
            users(&|e| !any_str(e, "enterprisePermissions", |s| s == "manage")),
        ),
        (
            "FIND Service WITH function = 'database'",
            addons(&|e| any_str(e, "function", |s| s == "database")),
        ),
        (
            "FIND Service WITH configVars ^= 'MAILGUN'",
            addons(&|e| any_str(e, "configVars", |s| s.starts_with("MAILGUN"))),
        ),
        (
            "FIND User WITH emailDomain !$= '.example'",
            users(&|e| !any_str(e, "emailDomain", |s| s.ends_with(".example"))),
        ),
        // undefined: absent or null.
        (
            "FIND Application WITH archivedOn = undefined",
            apps(&|e| undefined(e, "archivedOn")),
        ),
        (
            "FIND Application WITH archivedOn != undefined",
            apps(&|e| !undefined(e, "archivedOn")),
        ),
        (
            "FIND Application WITH slugSize = undefined",
            apps(&|e| undefined(e, "slugSize")),
        ),
        (
            "FIND User WITH firstName = undefined",
            users(&|e| undefined(e, "firstName")),
        ),
        // Dates.
        (
            "FIND Application WITH createdOn > date(2023-11-14)",
            apps(&|e| num(e, "createdOn").is_some_and(|n| n > 1_699_920_000_000.0)),
        ),
        (
            "FIND Application WITH createdOn >= date(2023-11-14T22:13:20Z)",
            apps(&|e| num(e, "createdOn").is_some_and(|n| n >= cutoff)),
        ),
        (
            "FIND Application WITH updatedOn < date.now - 365 days",
            apps(&|e| num(e, "updatedOn").is_some_and(|n| n < (NOW - 365 * DAY) as f64)),
        ),
        (
            "FIND Application WITH updatedOn > date.now + 1 day",
            apps(&|e| num(e, "updatedOn").is_some_and(|n| n > (NOW + DAY) as f64)),
        ),
        (
            "FIND Application WITH releasedOn > date.now - 6 months",
            apps(&|e| num(e, "releasedOn").is_some_and(|n| n > (NOW - 180 * DAY) as f64)),
        ),
        // AND, OR, parentheses; AND binds tighter.
        (
            "FIND Application WITH (maintenance = true OR locked = true) AND region = 'us'",
            apps(&|e| {
                (flag(e, "maintenance") == Some(true) || flag(e, "locked") == Some(true))
                    && text(e, "region") == Some("us")
            }),
        ),
        (
            "FIND Application WITH maintenance = true OR locked = true AND region = 'us'",
            apps(&|e| {
                flag(e, "maintenance") == Some(true)
                    || (flag(e, "locked") == Some(true) && text(e, "region") == Some("us"))
            }),
        ),
        // THAT, both directions, verb lists, RELATES TO.
        (
            "FIND Team THAT HAS User",
            teams(&|e| m.any(e, Some("HAS"), Dir::Both, |o| is(o, "User"))),
        ),
        (
            "FIND Team THAT HAS >> User",
            teams(&|e| m.any(e, Some("HAS"), Dir::Out, |o| is(o, "User"))),
        ),
        ("FIND User THAT HAS >> Team", vec![]),
        (
            "FIND User THAT HAS << Team",
            users(&|e| m.any(e, Some("HAS"), Dir::In, |o| is(o, "Team"))),
        ),
        (
            "FIND Team THAT HAS Account",
            teams(&|e| m.any(e, Some("HAS"), Dir::Both, |o| is(o, "Account"))),
        ),
        (
            "FIND Team THAT OWNS Application WITH maintenance = true",
            teams(&|e| {
                m.any(e, Some("OWNS"), Dir::Out, |o| {
                    flag(o, "maintenance") == Some(true)
                })
            }),
        ),
        (
            "FIND Team THAT (HAS|OWNS) (Application|User)",
            teams(&|e| {
                ["HAS", "OWNS"].iter().any(|v| {
                    m.any(e, Some(v), Dir::Both, |o| {
                        is(o, "Application") || is(o, "User")
                    })
                })
            }),
        ),
        ("FIND Team that owns application", vec![]),
        (
            "FIND Service THAT RELATES TO Application WITH region = 'eu'",
            addons(&|e| m.any(e, None, Dir::Both, |o| text(o, "region") == Some("eu"))),
        ),
        (
            "FIND * THAT OWNS >> *",
            m.keys(|e| m.any(e, Some("OWNS"), Dir::Out, |_| true)),
        ),
        // Negation.
        (
            "FIND User THAT !HAS << Account",
            users(&|e| !m.any(e, Some("HAS"), Dir::In, |o| is(o, "Account"))),
        ),
        (
            "FIND Team THAT !HAS User WITH isAdmin = true",
            teams(&|e| {
                !m.any(e, Some("HAS"), Dir::Both, |o| {
                    is(o, "User") && flag(o, "isAdmin") == Some(true)
                })
            }),
        ),
        (
            "FIND Application THAT !HAS Service WITH state = 'provisioned'",
            apps(&|e| {
                !m.any(e, Some("HAS"), Dir::Both, |o| {
                    text(o, "state") == Some("provisioned")
                })
            }),
        ),
        // Multi-hop.
        (
            "FIND Account THAT HAS Team THAT OWNS Application WITH maintenance = true",
            m.keys(|a| {
                is(a, "Account")
                    && m.any(a, Some("HAS"), Dir::Both, |t| {
                        is(t, "Team")
                            && m.any(t, Some("OWNS"), Dir::Both, |x| {
                                is(x, "Application") && flag(x, "maintenance") == Some(true)
                            })
                    })
            }),
        ),
        (
            "FIND User THAT HAS << Team THAT OWNS Application THAT HAS Service WITH state = 'deprovisioned'",
            users(&|u| {
                m.any(u, Some("HAS"), Dir::In, |t| {
                    is(t, "Team")
                        && m.any(t, Some("OWNS"), Dir::Both, |a| {
                            is(a, "Application")
                                && m.any(a, Some("HAS"), Dir::Both, |s| {
                                    is(s, "Service") && text(s, "state") == Some("deprovisioned")
                                })
                        })
                })
            }),
        ),
        (
            "FIND User WITH isAdmin = true AND mfaEnabled != true THAT HAS << Team THAT OWNS >> Application WITH maintenance = true",
            users(&|u| {
                flag(u, "isAdmin") == Some(true)
                    && flag(u, "mfaEnabled") != Some(true)
                    && m.any(u, Some("HAS"), Dir::In, |t| {
                        is(t, "Team")
                            && m.any(t, Some("OWNS"), Dir::Out, |a| {
                                is(a, "Application") && flag(a, "maintenance") == Some(true)
                            })
                    })
            }),
        ),
        (
            "FIND Application AS a THAT HAS Service AS s WHERE s.state = 'deprovisioned' RETURN a",
            apps(&|a| {
                m.any(a, Some("HAS"), Dir::Both, |s| {
                    is(s, "Service") && text(s, "state") == Some("deprovisioned")
                })
            }),
        ),
        (
            "FIND User THAT HAS << Team AS t WHERE t.ssoEnabled = true",
            users(&|u| {
                m.any(u, Some("HAS"), Dir::In, |t| {
                    is(t, "Team") && flag(t, "ssoEnabled") == Some(true)
                })
            }),
        ),
    ];
    assert!(table.len() >= 60, "{} queries", table.len());
    let mut non_trivial = 0;
    for (q, expected) in &table {
        assert_eq!(&row_keys(&g, q), expected, "{q}");
        if !expected.is_empty() && expected.len() < m.entities.len() {
            non_trivial += 1;
        }
    }
    // The table is not a set of empty or everything answers.
    assert!(non_trivial >= 55, "{non_trivial}");
}

/// The arrows as JupiterOne's J1QL documentation defines them ("Relationship direction
/// operators": `FIND User THAT HAS >> Device` and `Find Device THAT HAS << User` both find a
/// `HAS` relationship from User to Device): `>>` after the verb makes the entity on its left
/// the relationship's source (`_fromEntityKey`), `<<` its target. Checked pair by pair
/// against the relationships' own ends, for each verb of the graph and for `RELATES TO`.
#[test]
fn direction_arrows_follow_the_j1ql_documentation() {
    let (g, m) = demo();
    let class_of = |k: &str| {
        m.entities[m.at[k]]["_class"][0]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // Every (from class, verb, to class) in the graph, plus RELATES TO for each class pair.
    let mut shapes: Vec<(String, Option<String>, String)> = Vec::new();
    for (from, verb, to) in &m.edges {
        for v in [Some(verb.clone()), None] {
            let shape = (class_of(from), v, class_of(to));
            if !shapes.contains(&shape) {
                shapes.push(shape);
            }
        }
    }
    assert!(shapes.len() >= 8, "{shapes:?}");
    let pairs = |q: &str| -> Vec<(String, String)> {
        let out = run(&g, q);
        let mut v: Vec<(String, String)> = (0..out.len())
            .map(|r| match out.rows[r].as_slice() {
                [Cell::Entity(a), Cell::Entity(b)] => {
                    (g.entities()[*a].key.clone(), g.entities()[*b].key.clone())
                }
                other => panic!("{q}: {other:?}"),
            })
            .collect();
        v.sort();
        v
    };
    for (from, verb, to) in &shapes {
        let that = verb.as_deref().unwrap_or("RELATES TO");
        // Expected: the (source, target) pairs of the relationships of this shape.
        let mut expected: Vec<(String, String)> = m
            .edges
            .iter()
            .filter(|(f, v, t)| {
                class_of(f) == *from
                    && class_of(t) == *to
                    && verb.as_ref().is_none_or(|want| want == v)
            })
            .map(|(f, _, t)| (f.clone(), t.clone()))
            .collect();
        expected.sort();
        expected.dedup();
        let forward = format!("FIND {from} AS a THAT {that} >> {to} AS b RETURN a, b");
        assert_eq!(pairs(&forward), expected, "{forward}");
        let mut swapped: Vec<(String, String)> = expected
            .iter()
            .map(|(f, t)| (t.clone(), f.clone()))
            .collect();
        swapped.sort();
        let backward = format!("FIND {to} AS b THAT {that} << {from} AS a RETURN b, a");
        assert_eq!(pairs(&backward), swapped, "{backward}");
        if from != to {
            // The wrong way round finds none of them.
            let wrong = format!("FIND {from} AS a THAT {that} << {to} AS b RETURN a, b");
            let found = pairs(&wrong);
            assert!(
                found.iter().all(|p| !expected.contains(p)),
                "{wrong}: {found:?}"
            );
        }
    }
    // The documentation's own pair of examples, on this graph's HAS from Team to User.
    assert_eq!(
        row_keys(&g, "FIND Team THAT HAS >> User"),
        m.keys(|e| is(e, "Team") && m.any(e, Some("HAS"), Dir::Out, |o| is(o, "User")))
    );
    assert_eq!(
        row_keys(&g, "FIND User THAT HAS << Team"),
        m.keys(|e| is(e, "User") && m.any(e, Some("HAS"), Dir::In, |o| is(o, "Team")))
    );
    assert!(row_keys(&g, "FIND Team THAT HAS << User").is_empty());
}

#[test]
fn return_aliases_properties_and_where_between_aliases() {
    let (g, m) = demo();
    // Each team with each app it owns.
    let mut expected = Vec::new();
    for t in m.entities.iter().filter(|e| is(e, "Team")) {
        for a in m.nb(t, Some("OWNS"), Dir::Out) {
            if text(a, "region") == Some("eu") {
                expected.push(json!({"t.name": t["name"], "a.name": a["name"]}));
            }
        }
    }
    assert!(!expected.is_empty());
    assert_eq!(
        sorted(rows_json(
            &g,
            "FIND Team AS t THAT OWNS Application WITH region = 'eu' AS a RETURN t.name, a.name"
        )),
        sorted(expected)
    );

    // WHERE alias-to-alias: the add-on's billing app is the app (=) or another one (!=).
    let pairs = |same: bool| {
        let mut out = Vec::new();
        for a in m.entities.iter().filter(|e| is(e, "Application")) {
            for s in m.nb(a, Some("HAS"), Dir::Out) {
                if (text(s, "applicationName") == text(a, "name")) == same {
                    out.push(json!({"a.name": a["name"], "s.name": s["name"]}));
                }
            }
        }
        sorted(out)
    };
    let billing = pairs(true);
    assert!(!billing.is_empty());
    let q = "FIND Application AS a THAT HAS Service AS s WHERE s.applicationName = a.name RETURN a.name, s.name";
    assert_eq!(sorted(rows_json(&g, q)), billing);
    let q = "FIND Application AS a THAT HAS Service AS s WHERE s.applicationName != a.name RETURN a.name, s.name";
    assert_eq!(sorted(rows_json(&g, q)), pairs(false));
    // Numbers across aliases: add-ons updated after / not after their app.
    let later = |after: bool| {
        let mut out = Vec::new();
        for a in m.entities.iter().filter(|e| is(e, "Application")) {
            for s in m.nb(a, Some("HAS"), Dir::Out) {
                if (num(s, "updatedOn") > num(a, "updatedOn")) == after {
                    out.push(json!({"a.name": a["name"], "s.name": s["name"]}));
                }
            }
        }
        sorted(out)
    };
    let (after, not_after) = (later(true), later(false));
    assert!(!after.is_empty() && !not_after.is_empty());
    let q = "FIND Application AS a THAT HAS Service AS s WHERE s.updatedOn > a.updatedOn RETURN a.name, s.name";
    assert_eq!(sorted(rows_json(&g, q)), after);
    let q = "FIND Application AS a THAT HAS Service AS s WHERE s.updatedOn <= a.updatedOn RETURN a.name, s.name";
    assert_eq!(sorted(rows_json(&g, q)), not_after);
    // OR across aliases.
    let mut expected = Vec::new();
    for a in m.entities.iter().filter(|e| is(e, "Application")) {
        for s in m.nb(a, Some("HAS"), Dir::Out) {
            if flag(a, "maintenance") == Some(true) || text(s, "state") == Some("deprovisioned") {
                expected.push(json!({"a.name": a["name"], "s.name": s["name"]}));
            }
        }
    }
    let q = "FIND Application AS a THAT HAS Service AS s WHERE a.maintenance = true OR s.state = 'deprovisioned' RETURN a.name, s.name";
    assert_eq!(sorted(rows_json(&g, q)), sorted(expected));

    // Implicit aliases: the selector's name.
    let mut expected = Vec::new();
    for u in m.entities.iter().filter(|e| is(e, "User")) {
        for t in m.nb(u, Some("HAS"), Dir::In) {
            if is(t, "Team") {
                expected.push(json!({"User.name": u["name"], "Team.name": t["name"]}));
            }
        }
    }
    let q = "FIND User THAT HAS << Team RETURN User.name, Team.name";
    assert_eq!(sorted(rows_json(&g, q)), sorted(expected));

    // RETURN of two entity aliases: whole entities.
    let out = run(&g, "FIND Team AS t THAT OWNS Application AS a RETURN t, a");
    assert_eq!(out.columns, ["t", "a"]);
    assert_eq!(out.len(), m.edges.iter().filter(|e| e.1 == "OWNS").count());
    let row = out.row_json(&g, 0);
    assert!(row["t"]["_key"].is_string() && row["a"]["_type"] == "heroku_application");

    // A property the entity lacks is null.
    let rows = rows_json(
        &g,
        "FIND Application WITH archivedOn = undefined AS a RETURN a.archivedOn",
    );
    assert!(!rows.is_empty() && rows.iter().all(|r| r["a.archivedOn"].is_null()));
}

#[test]
fn count_groups_and_counts_distinct_entities() {
    let (g, m) = demo();
    let users = m.keys(|e| is(e, "User")).len();
    assert_eq!(
        rows_json(&g, "FIND User RETURN COUNT(User)"),
        [json!({"COUNT(User)": users})]
    );
    assert_eq!(
        rows_json(&g, "FIND User WITH name = 'nobody' AS u RETURN COUNT(u)"),
        [json!({"COUNT(u)": 0})]
    );
    let mut expected = Vec::new();
    for t in m.entities.iter().filter(|e| is(e, "Team")) {
        let n = m.nb(t, Some("OWNS"), Dir::Out).len();
        if n > 0 {
            expected.push(json!({"t.name": t["name"], "COUNT(a)": n}));
        }
    }
    let q = "FIND Team AS t THAT OWNS Application AS a RETURN t.name, COUNT(a)";
    assert_eq!(sorted(rows_json(&g, q)), sorted(expected));
    // The distinct users in some team.
    let in_teams = m.keys(|u| is(u, "User") && m.any(u, Some("HAS"), Dir::In, |t| is(t, "Team")));
    let q = "FIND Team AS t THAT HAS User AS u RETURN COUNT(u)";
    assert_eq!(rows_json(&g, q), [json!({"COUNT(u)": in_teams.len()})]);
}

#[test]
fn order_by_skip_and_limit() {
    let (g, m) = demo();
    let mut apps: Vec<&Value> = m.entities.iter().filter(|e| is(e, "Application")).collect();
    apps.sort_by(|a, b| text(a, "name").cmp(&text(b, "name")));
    let names: Vec<&str> = apps.iter().filter_map(|a| text(a, "name")).collect();
    let got = |q: &str| -> Vec<String> {
        rows_json(&g, q)
            .iter()
            .map(|r| {
                r["name"]
                    .as_str()
                    .or(r["a.name"].as_str())
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(got("FIND Application ORDER BY name"), names);
    let mut desc = names.clone();
    desc.reverse();
    assert_eq!(got("FIND Application ORDER BY name DESC"), desc);
    assert_eq!(
        got("FIND Application ORDER BY name ASC LIMIT 3"),
        names[..3]
    );
    assert_eq!(
        got("FIND Application ORDER BY name SKIP 2 LIMIT 3"),
        names[2..5]
    );
    assert_eq!(
        got("FIND Application ORDER BY name SKIP 1000"),
        Vec::<String>::new()
    );
    assert_eq!(got("FIND Application LIMIT 0"), Vec::<String>::new());
    assert_eq!(
        got("FIND Application AS a ORDER BY a.name RETURN a.name LIMIT 4"),
        names[..4]
    );
    // Numbers order numerically; absent values last.
    let mut by_size: Vec<&Value> = m.entities.iter().filter(|e| is(e, "Application")).collect();
    by_size.sort_by(|a, b| match (num(a, "slugSize"), num(b, "slugSize")) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let keys: Vec<String> = by_size.iter().map(|e| key(e).to_owned()).collect();
    assert_eq!(row_keys(&g, "FIND Application ORDER BY slugSize"), keys);
    // Without ORDER BY, LIMIT keeps graph order.
    let first: Vec<String> = m.keys(|e| is(e, "User")).into_iter().take(5).collect();
    assert_eq!(row_keys(&g, "FIND User LIMIT 5"), first);
}

#[test]
fn return_tree_is_the_traversal() {
    let (g, m) = demo();
    let out = run(
        &g,
        "FIND Team WITH name = 'stark-sales' THAT OWNS Application RETURN TREE",
    );
    let tree = out.tree.as_ref().expect("a tree");
    let team = m.keys(|e| text(e, "name") == Some("stark-sales"));
    let team_v = &m.entities[m.at[&team[0]]];
    let owned: Vec<&Value> = m.nb(team_v, Some("OWNS"), Dir::Out);
    assert_eq!(tree.vertices.len(), owned.len() + 1);
    assert_eq!(tree.edges.len(), owned.len());
    for &r in &tree.edges {
        let rel = &g.relationships()[r];
        assert_eq!(rel.from_key(), team[0]);
        assert_eq!(&*rel.class, "OWNS");
    }
    // One row per vertex.
    assert_eq!(out.len(), tree.vertices.len());
    assert!(
        out.rows
            .iter()
            .all(|r| matches!(r.as_slice(), [Cell::Entity(_)]))
    );
    let json = out.to_json(&g);
    assert_eq!(json["tree"]["edges"].as_array().unwrap().len(), owned.len());
}

/// Every unsupported construct and syntax error, with its caret.
#[test]
fn errors_point_at_the_problem() {
    let cases = [
        // Syntax.
        "",
        "SELECT * FROM users",
        "FIND",
        "FIND User WITH",
        "FIND User WITH mfaEnabled",
        "FIND User WITH mfaEnabled == true",
        "FIND User WITH mfaEnabled = ",
        "FIND User WITH mfaEnabled = yes",
        "FIND User WITH name = 'unterminated",
        "FIND User WITH (mfaEnabled = true",
        "FIND User THAT",
        "FIND User THAT HAS",
        "FIND User THAT RELATES Team",
        "FIND (User|Team",
        "FIND User AS",
        "FIND User AS WITH",
        "FIND User RETURN",
        "FIND User ORDER name",
        "FIND User LIMIT ten",
        "FIND User LIMIT 5 extra",
        "FIND User LIMIT 5 RETURN User LIMIT 6",
        "FIND User WITH createdOn > date.now - 3 fortnights",
        "FIND User WITH createdOn > date(yesterday)",
        "FIND User AS u WHERE email = 'x'",
        // Resolution.
        "FIND User RETURN nobody",
        "FIND User AS u THAT HAS Team AS u",
        "FIND User AS u WHERE v.name = 'x'",
        "FIND User THAT HAS << Team THAT HAS User RETURN User",
        "FIND User THAT !HAS Team AS t",
        // Unsupported, by name.
        "FIND 'alice'",
        "FIND User WITH name = /alice/i",
        "FIND User WITH name = ('a' OR 'b')",
        "FIND User WITH name = {{who}}",
        "FIND User (THAT IS Person)?",
        "FIND User THAT HAS AS r Team",
        "FIND User THAT HAS WITH role = 'admin' Team",
        "FIND User THAT (!HAS|OWNS) Team",
        "FIND User AS u RETURN MAX(u.createdOn)",
        "FIND User AS u RETURN CONCAT(u.firstName, u.lastName)",
        "FIND User AS u RETURN u.name AS n",
        "FIND User AS u RETURN UNIQUE u.name",
        "FIND User AS u THAT HAS << Team AS t WHERE u.createdOn + 1 > t.createdOn",
    ];
    let mut report = String::new();
    for q in cases {
        let e = query::parse(q).expect_err(q);
        assert!(e.position <= q.len(), "{q}");
        report.push_str(&format!("{}\n\n", e.render_with_caret(q)));
    }
    insta::assert_snapshot!(report);
}

mod random_filters {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn shared() -> &'static (Graph, Model) {
        static DEMO: OnceLock<(Graph, Model)> = OnceLock::new();
        DEMO.get_or_init(demo)
    }

    #[derive(Debug, Clone)]
    enum Lit {
        Str(String),
        Num(i64),
        Bool(bool),
        Undefined,
    }

    #[derive(Debug, Clone)]
    enum F {
        Cmp(&'static str, &'static str, Lit),
        And(Box<F>, Box<F>),
        Or(Box<F>, Box<F>),
    }

    const PROPS: [&str; 10] = [
        "name",
        "region",
        "mfaEnabled",
        "slugSize",
        "email",
        "state",
        "maintenance",
        "billedPriceCents",
        "enterprisePermissions",
        "archivedOn",
    ];
    const OPS: [&str; 12] = [
        "=", "!=", "<", "<=", ">", ">=", "~=", "^=", "$=", "!~=", "!^=", "!$=",
    ];

    fn lit() -> impl Strategy<Value = Lit> {
        prop_oneof![
            prop::sample::select(vec![
                "eu",
                "us",
                "a",
                "stark",
                "-bot",
                "view",
                "manage",
                "provisioned",
                "z",
                "hooks"
            ])
            .prop_map(|s| Lit::Str(s.to_owned())),
            (0i64..300_000_000).prop_map(Lit::Num),
            prop::sample::select(vec![0i64, 300, 5000, 50_491_274]).prop_map(Lit::Num),
            any::<bool>().prop_map(Lit::Bool),
            Just(Lit::Undefined),
        ]
    }

    fn filter() -> impl Strategy<Value = F> {
        let leaf = (
            prop::sample::select(PROPS.to_vec()),
            prop::sample::select(OPS.to_vec()),
            lit(),
        )
            .prop_map(|(p, o, l)| F::Cmp(p, o, l));
        leaf.prop_recursive(3, 8, 2, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| F::And(Box::new(a), Box::new(b))),
                (inner.clone(), inner).prop_map(|(a, b)| F::Or(Box::new(a), Box::new(b))),
            ]
        })
    }

    fn text_of(f: &F) -> String {
        match f {
            F::Cmp(p, o, l) => {
                let v = match l {
                    Lit::Str(s) => format!("'{s}'"),
                    Lit::Num(n) => n.to_string(),
                    Lit::Bool(b) => b.to_string(),
                    Lit::Undefined => "undefined".to_owned(),
                };
                format!("{p} {o} {v}")
            }
            F::And(a, b) => format!("({} AND {})", text_of(a), text_of(b)),
            F::Or(a, b) => format!("({} OR {})", text_of(a), text_of(b)),
        }
    }

    /// The naive meaning: scalar test per element of an array, negations the complement.
    fn holds(e: &Value, f: &F) -> bool {
        match f {
            F::And(a, b) => holds(e, a) && holds(e, b),
            F::Or(a, b) => holds(e, a) || holds(e, b),
            F::Cmp(p, o, l) => {
                let negated = o.starts_with('!');
                let base = if *o == "!=" {
                    "="
                } else {
                    o.trim_start_matches('!')
                };
                let value = e.get(*p).filter(|v| !v.is_null());
                let positive = match (l, value) {
                    (Lit::Undefined, v) => base == "=" && v.is_none(),
                    (_, None) => false,
                    (l, Some(Value::Array(items))) => items.iter().any(|v| scalar(v, base, l)),
                    (l, Some(v)) => scalar(v, base, l),
                };
                positive != negated
            }
        }
    }

    fn scalar(v: &Value, base: &str, l: &Lit) -> bool {
        use std::cmp::Ordering::*;
        let ord = |o: std::cmp::Ordering| match base {
            "=" => o == Equal,
            "<" => o == Less,
            "<=" => o != Greater,
            ">" => o == Greater,
            ">=" => o != Less,
            _ => false,
        };
        match (v, l) {
            (Value::String(s), Lit::Str(n)) => match base {
                "~=" => s.contains(n.as_str()),
                "^=" => s.starts_with(n.as_str()),
                "$=" => s.ends_with(n.as_str()),
                _ => ord(s.as_str().cmp(n.as_str())),
            },
            (Value::Number(x), Lit::Num(n)) => ord(x.as_f64().unwrap().total_cmp(&(*n as f64))),
            (Value::Bool(b), Lit::Bool(n)) => base == "=" && b == n,
            _ => false,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]
        #[test]
        fn with_filters_agree_with_a_naive_filter(f in filter()) {
            let (g, m) = shared();
            let q = format!("FIND * WITH {}", text_of(&f));
            let expected = m.keys(|e| holds(e, &f));
            prop_assert_eq!(row_keys(g, &q), expected, "{}", q);
        }
    }
}

/// An independent count for some saved questions.
fn independent_count(m: &Model, id: &str) -> Option<usize> {
    let count = |f: &dyn Fn(&Value) -> bool| m.entities.iter().filter(|e| f(e)).count();
    Some(match id {
        "admins-without-2fa" => count(&|e| {
            is(e, "User") && flag(e, "isAdmin") == Some(true) && flag(e, "mfaEnabled") != Some(true)
        }),
        "users-without-2fa" => count(&|e| is(e, "User") && flag(e, "mfaEnabled") != Some(true)),
        "collaborators-outside-enterprise" => {
            count(&|e| is(e, "User") && !m.any(e, Some("HAS"), Dir::In, |a| is(a, "Account")))
        }
        "apps-in-maintenance" => {
            count(&|e| is(e, "Application") && flag(e, "maintenance") == Some(true))
        }
        "teams-without-admin" => count(&|e| {
            is(e, "Team")
                && !m.any(e, Some("HAS"), Dir::Out, |u| {
                    is(u, "User") && flag(u, "isAdmin") == Some(true)
                })
        }),
        "unlocked-apps-in-enterprise-teams" => count(&|e| {
            is(e, "Application")
                && flag(e, "locked") == Some(false)
                && m.any(e, Some("OWNS"), Dir::In, |t| {
                    is(t, "Team") && text(t, "teamType") == Some("enterprise")
                })
        }),
        "addons-deprovisioned-or-failed" => count(&|e| {
            is(e, "Service")
                && matches!(
                    text(e, "state"),
                    Some("deprovisioned" | "deprovisioning" | "failed" | "provisioning")
                )
        }),
        "non-federated-users-in-sso-accounts" => count(&|e| {
            is(e, "User")
                && flag(e, "federated") != Some(true)
                && m.any(e, Some("HAS"), Dir::In, |a| {
                    is(a, "Account") && flag(a, "ssoEnabled") == Some(true)
                })
        }),
        "end-of-life-stacks" => count(&|e| {
            is(e, "Application")
                && text(e, "stack").is_some_and(|s| {
                    matches!(s, "heroku-20" | "heroku-18" | "heroku-16") || s.starts_with("cedar")
                })
        }),
        "stale-apps" => count(&|e| {
            is(e, "Application")
                && num(e, "updatedOn").is_some_and(|n| n < (NOW - 365 * DAY) as f64)
        }),
        "users-in-many-teams" => {
            count(&|e| is(e, "User") && m.any(e, Some("HAS"), Dir::In, |t| is(t, "Team")))
        }
        _ => return None,
    })
}

fn check_questions(size: Size) {
    let g = graph_of(size);
    let m = Model::new(&g);
    let all = questions::built_in().expect("the shipped questions parse");
    assert!(all.len() >= 15);
    let mut checked = 0;
    let mut firing = 0;
    for answer in questions::run_all(&all, &g, NOW) {
        let id = &answer.question.id;
        if let Some(n) = independent_count(&m, id) {
            assert_eq!(answer.output.len(), n, "{size}: {id}");
            checked += 1;
        }
        firing += usize::from(!answer.output.is_empty());
    }
    assert!(checked >= 10, "{checked}");
    // The estate has findings for most questions.
    assert!(firing * 2 > all.len(), "{firing} of {}", all.len());
}

#[test]
fn saved_questions_on_demo() {
    check_questions(Size::Demo);
}

#[test]
fn saved_questions_on_large() {
    check_questions(Size::Large);
}

#[test]
fn shipped_questions_are_well_formed() {
    let all = questions::built_in().unwrap();
    let mut ids = std::collections::HashSet::new();
    for q in &all {
        assert!(ids.insert(q.id.clone()), "duplicate {}", q.id);
        assert!(!q.title.is_empty() && !q.description.is_empty(), "{}", q.id);
        assert!(
            q.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        );
    }
}

#[test]
fn a_users_file_adds_and_replaces_questions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("questions.toml"),
        r#"
[[question]]
id = "apps-in-maintenance"
title = "Mine"
severity = "critical"
query = "FIND Application WITH maintenance = true AND region = 'eu'"

[[question]]
id = "eu-apps"
title = "EU apps"
description = "Apps in the EU region."
severity = "info"
query = "FIND Application WITH region = 'eu'"
"#,
    )
    .unwrap();
    let built_in = questions::built_in().unwrap();
    let all = questions::load(Some(dir.path())).unwrap();
    assert_eq!(all.len(), built_in.len() + 1);
    let replaced = all.iter().find(|q| q.id == "apps-in-maintenance").unwrap();
    assert_eq!(replaced.title, "Mine");
    assert_eq!(replaced.severity, questions::Severity::Critical);
    assert!(all.iter().any(|q| q.id == "eu-apps"));
    // No file: the shipped ones.
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        questions::load(Some(empty.path())).unwrap().len(),
        built_in.len()
    );

    // A broken query names the question and points at the problem.
    std::fs::write(
        dir.path().join("questions.toml"),
        "[[question]]\nid = \"bad\"\ntitle = \"Bad\"\nseverity = \"low\"\nquery = \"FIND User WITH x ==\"\n",
    )
    .unwrap();
    let e = questions::load(Some(dir.path())).unwrap_err().to_string();
    assert!(e.contains("question `bad`") && e.contains('^'), "{e}");
    std::fs::write(dir.path().join("questions.toml"), "[[question]]\nid = 1\n").unwrap();
    assert!(questions::load(Some(dir.path())).is_err());
    std::fs::write(
        dir.path().join("questions.toml"),
        "[[question]]\nid = \"x\"\ntitle = \"X\"\nseverity = \"urgent\"\nquery = \"FIND User\"\n",
    )
    .unwrap();
    assert!(
        questions::load(Some(dir.path()))
            .unwrap_err()
            .to_string()
            .contains("urgent")
    );
}
