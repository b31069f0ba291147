//! Estates as the lists a crawl delivers, played page by page into sinks in shuffled
//! orders (as concurrent lists deliver them), for the streaming builder's tests.
#![allow(dead_code)]

use std::collections::VecDeque;

use heroku_j1::estate::{ListAt, ListFailure, Page, Sink};
use heroku_j1::fake::heroku::Dataset;
use heroku_j1::heroku::model::{EnterpriseAccount, HerokuObject, parse_one};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

pub fn obj<T: HerokuObject>(v: &Value) -> T {
    parse_one(&v.to_string()).expect("a valid object")
}

/// One list as the crawl would deliver it: its pages (JSON), then its end.
pub struct Delivery {
    pub at: ListAt,
    pub pages: VecDeque<Vec<Value>>,
    /// Void the pages so far before the rest (the per-app add-ons fallback): after this
    /// many pages.
    pub restart_after: Option<usize>,
    delivered: usize,
    pub failure: Option<ListFailure>,
}

pub fn delivery(at: ListAt, items: Vec<Value>, page_size: usize) -> Delivery {
    Delivery {
        at,
        pages: items
            .chunks(page_size.max(1))
            .map(<[Value]>::to_vec)
            .collect(),
        restart_after: None,
        delivered: 0,
        failure: None,
    }
}

pub fn page_of(at: ListAt, items: &[Value]) -> Page {
    match at {
        ListAt::AccountMembers { .. } => Page::AccountMembers(items.iter().map(obj).collect()),
        ListAt::AccountTeams { .. } => Page::Teams(items.iter().map(obj).collect()),
        ListAt::TeamMembers { .. } => Page::TeamMembers(items.iter().map(obj).collect()),
        ListAt::TeamApps { .. } => Page::Apps(items.iter().map(obj).collect()),
        ListAt::TeamAddons { .. } => Page::Addons(items.iter().map(obj).collect()),
        ListAt::Attachments => Page::Attachments(items.iter().map(obj).collect()),
    }
}

/// An estate as lists to deliver.
pub struct Script {
    pub accounts: Vec<Value>,
    pub lists: Vec<Delivery>,
}

impl Script {
    /// Delivers everything to each sink in one order drawn from `rng`: the accounts first; a
    /// team's lists only after its account's teams list ended; each list's pages in order.
    /// Every sink sees the same calls.
    pub fn play(self, rng: &mut ChaCha8Rng, sinks: &[&dyn Sink]) {
        self.play_with(rng, sinks, || {});
    }

    /// [`Script::play`], calling `after` after each call to the sinks.
    pub fn play_with(mut self, rng: &mut ChaCha8Rng, sinks: &[&dyn Sink], mut after: impl FnMut()) {
        for s in sinks {
            s.accounts(self.accounts.iter().map(obj::<EnterpriseAccount>).collect());
        }
        after();
        let mut ended: Vec<ListAt> = Vec::new();
        loop {
            let ready: Vec<usize> = (0..self.lists.len())
                .filter(|&i| {
                    let at = self.lists[i].at;
                    let parent = match at {
                        ListAt::TeamMembers { account, .. }
                        | ListAt::TeamApps { account, .. }
                        | ListAt::TeamAddons { account, .. } => {
                            Some(ListAt::AccountTeams { account })
                        }
                        _ => None,
                    };
                    parent.is_none_or(|p| ended.contains(&p))
                })
                .collect();
            let Some(&i) = ready.get(rng.random_range(0..ready.len().max(1))) else {
                break;
            };
            let d = &mut self.lists[i];
            if d.restart_after == Some(d.delivered) {
                d.restart_after = None;
                for s in sinks {
                    s.restart(d.at);
                }
            }
            match d.pages.pop_front() {
                Some(items) => {
                    d.delivered += 1;
                    for s in sinks {
                        s.page(d.at, page_of(d.at, &items));
                    }
                    after();
                }
                None => {
                    let d = self.lists.swap_remove(i);
                    for s in sinks {
                        s.end(d.at, d.failure.clone());
                    }
                    ended.push(d.at);
                    after();
                }
            }
        }
    }
}

/// The fake's estate as lists of `page_size` objects, sorted as the API serves them.
pub fn script_of(d: &Dataset, page_size: usize) -> Script {
    let sorted = |mut v: Vec<Value>, field: &str| {
        v.sort_by(|a, b| a[field].as_str().cmp(&b[field].as_str()));
        v
    };
    let accounts = sorted(d.enterprise_accounts(), "id");
    let mut lists = Vec::new();
    for (account, ea) in accounts.iter().enumerate() {
        let id = ea["id"].as_str().unwrap();
        lists.push(delivery(
            ListAt::AccountMembers { account },
            sorted(d.enterprise_account_members(id).unwrap(), "id"),
            page_size,
        ));
        let teams = sorted(d.enterprise_account_teams(id).unwrap(), "id");
        for (team, t) in teams.iter().enumerate() {
            let tid = t["id"].as_str().unwrap();
            lists.push(delivery(
                ListAt::TeamMembers { account, team },
                sorted(d.team_members(tid).unwrap(), "email"),
                page_size,
            ));
            lists.push(delivery(
                ListAt::TeamApps { account, team },
                sorted(d.team_apps(tid).unwrap(), "id"),
                page_size,
            ));
            lists.push(delivery(
                ListAt::TeamAddons { account, team },
                sorted(d.team_addons(tid).unwrap(), "id"),
                page_size,
            ));
        }
        lists.push(delivery(ListAt::AccountTeams { account }, teams, page_size));
    }
    lists.push(delivery(
        ListAt::Attachments,
        sorted(d.attachments(), "id"),
        page_size,
    ));
    Script { accounts, lists }
}
