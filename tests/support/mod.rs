//! Builds graphs of the fake estates without HTTP: the generator's lists turned into an
//! [`Estate`] the way `collect` would read them, then the graph builder.

#![allow(dead_code)]

use heroku_j1::estate::{EnterpriseAccountData, Estate, TeamData};
use heroku_j1::fake::heroku::{Dataset, Size};
use heroku_j1::graph::{self, Graph};
use heroku_j1::heroku::model::{HerokuObject, parse_one};
use serde_json::Value;

fn objs<T: HerokuObject>(v: Option<Vec<Value>>) -> Vec<T> {
    v.unwrap_or_default()
        .iter()
        .map(|x| parse_one(&x.to_string()).unwrap())
        .collect()
}
fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

pub fn graph_of(size: Size) -> Graph {
    let d = Dataset::generate(size.counts(), 1);
    let eas = d
        .enterprise_accounts()
        .iter()
        .map(|ea| {
            let eid = id(ea);
            EnterpriseAccountData {
                account: parse_one(&ea.to_string()).unwrap(),
                members: objs(d.enterprise_account_members(&eid)),
                teams: d
                    .enterprise_account_teams(&eid)
                    .unwrap_or_default()
                    .iter()
                    .map(|t| {
                        let tid = id(t);
                        TeamData {
                            team: parse_one(&t.to_string()).unwrap(),
                            members: objs(d.team_members(&tid)),
                            apps: objs(d.team_apps(&tid)),
                            addons: objs(d.team_addons(&tid)),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    graph::build_owned(Estate {
        user: Some(parse_one(&d.account().to_string()).unwrap()),
        enterprise_accounts: eas,
        attachments: d
            .attachments()
            .iter()
            .map(|x| parse_one(&x.to_string()).unwrap())
            .collect(),
        failures: vec![],
    })
}
