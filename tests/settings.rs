//! Settings precedence, one table per setting: a flag beats the environment, which beats
//! config.toml, which beats the default. Built from explicit inputs (a flag set, an
//! environment map, a `Config`), so no test touches the process environment.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use heroku_j1::config::{Config, Region};
use heroku_j1::jupiterone::{InstanceSource, Target};
use heroku_j1::settings::{Flags, Settings, SettingsError, env};

/// Which sources hold a value in one row of a table.
#[derive(Clone, Copy, Debug)]
struct Given {
    flag: bool,
    env: bool,
    file: bool,
}

/// Every combination of the three sources, with the source that must win.
const ROWS: [(Given, &str); 8] = [
    (
        Given {
            flag: true,
            env: true,
            file: true,
        },
        "flag",
    ),
    (
        Given {
            flag: true,
            env: true,
            file: false,
        },
        "flag",
    ),
    (
        Given {
            flag: true,
            env: false,
            file: true,
        },
        "flag",
    ),
    (
        Given {
            flag: true,
            env: false,
            file: false,
        },
        "flag",
    ),
    (
        Given {
            flag: false,
            env: true,
            file: true,
        },
        "env",
    ),
    (
        Given {
            flag: false,
            env: true,
            file: false,
        },
        "env",
    ),
    (
        Given {
            flag: false,
            env: false,
            file: true,
        },
        "file",
    ),
    (
        Given {
            flag: false,
            env: false,
            file: false,
        },
        "default",
    ),
];

fn resolve(flags: &Flags, env: &HashMap<&str, String>, file: &Config) -> Settings {
    try_resolve(flags, env, file).unwrap()
}

fn try_resolve(
    flags: &Flags,
    env: &HashMap<&str, String>,
    file: &Config,
) -> Result<Settings, SettingsError> {
    let lookup = |name: &str| env.get(name).cloned();
    Settings::resolve(flags, &lookup, file, PathBuf::from("/config"))
}

/// Runs the table for one setting: `set` puts the source's value in place (`base`: what
/// every row needs, before any source), `get` reads the
/// resolved value, and each row must give the winner's value.
fn table<T: PartialEq + std::fmt::Debug>(
    name: &str,
    values: [(&str, T); 4],
    set: impl Fn(&str, &mut Flags, &mut HashMap<&'static str, String>, &mut Config),
    get: impl Fn(&Settings) -> T,
) {
    for (given, winner) in ROWS {
        let mut flags = Flags::default();
        let mut env = HashMap::new();
        let mut file = Config::default();
        set("base", &mut flags, &mut env, &mut file);
        // The file first, the flag last, so the table also shows that order of setting
        // does not matter.
        if given.file {
            set("file", &mut flags, &mut env, &mut file);
        }
        if given.env {
            set("env", &mut flags, &mut env, &mut file);
        }
        if given.flag {
            set("flag", &mut flags, &mut env, &mut file);
        }
        let want = &values.iter().find(|(w, _)| *w == winner).unwrap().1;
        let got = get(&resolve(&flags, &env, &file));
        assert_eq!(
            &got, want,
            "{name}: {given:?} must take the {winner}'s value"
        );
    }
}

#[test]
fn heroku_api_url() {
    table(
        "Heroku API URL",
        [
            ("flag", "http://flag.example".to_owned()),
            ("env", "http://env.example".to_owned()),
            ("file", "http://file.example".to_owned()),
            ("default", "https://api.heroku.com".to_owned()),
        ],
        |src, f, e, c| match src {
            "flag" => f.heroku_api_url = Some("http://flag.example".into()),
            "env" => {
                e.insert(env::HEROKU_API_URL, "http://env.example/".into());
            }
            "file" => c.heroku.api_url = Some("http://file.example".into()),
            _ => {}
        },
        |s| s.heroku_api_url.clone(),
    );
}

#[test]
fn jupiterone_api_url() {
    table(
        "JupiterOne API URL",
        [
            ("flag", "http://flag.example".to_owned()),
            ("env", "http://env.example".to_owned()),
            ("file", "http://file.example".to_owned()),
            ("default", "https://api.us.jupiterone.io".to_owned()),
        ],
        |src, f, e, c| match src {
            "flag" => f.jupiterone_api_url = Some("http://flag.example".into()),
            "env" => {
                e.insert(env::JUPITERONE_API_URL, "http://env.example".into());
            }
            "file" => c.jupiterone.api_url = Some("http://file.example".into()),
            _ => {}
        },
        |s| s.jupiterone_api_url.clone(),
    );
}

#[test]
fn region_and_the_url_it_implies() {
    // us, eu, us alternate so that each winner differs from the next source.
    table(
        "region",
        [
            ("flag", (Region::Eu, "https://api.eu.jupiterone.io")),
            ("env", (Region::Us, "https://api.us.jupiterone.io")),
            ("file", (Region::Eu, "https://api.eu.jupiterone.io")),
            ("default", (Region::Us, "https://api.us.jupiterone.io")),
        ],
        |src, f, e, c| match src {
            "flag" => f.region = Some(Region::Eu),
            "env" => {
                e.insert(env::REGION, " US ".into());
            }
            "file" => c.jupiterone.region = Some(Region::Eu),
            _ => {}
        },
        |s| {
            let url = match s.region {
                Region::Us => "https://api.us.jupiterone.io",
                Region::Eu => "https://api.eu.jupiterone.io",
            };
            assert_eq!(s.jupiterone_api_url, url, "no URL given: the region's");
            (s.region, url)
        },
    );
}

#[test]
fn account() {
    table(
        "account",
        [
            ("flag", Some("flag-acct".to_owned())),
            ("env", Some("env-acct".to_owned())),
            ("file", Some("file-acct".to_owned())),
            ("default", None),
        ],
        |src, f, e, c| match src {
            "flag" => f.account = Some(" flag-acct ".into()),
            "env" => {
                e.insert(env::ACCOUNT, "env-acct".into());
            }
            "file" => c.jupiterone.account_id = Some("file-acct".into()),
            _ => {}
        },
        |s| s.account.clone(),
    );
}

#[test]
fn sync_target() {
    table(
        "sync target",
        [
            ("flag", Some(Target::Scope("flag-scope".into()))),
            (
                "env",
                Some(Target::Instance {
                    id: "env-instance".into(),
                    source: InstanceSource::Managed,
                }),
            ),
            ("file", Some(Target::Scope("file-scope".into()))),
            ("default", None),
        ],
        |src, f, e, c| match src {
            "flag" => f.scope = Some("flag-scope".into()),
            "env" => {
                e.insert(env::INTEGRATION_INSTANCE_ID, "env-instance".into());
                e.insert(env::INTEGRATION_SOURCE, "managed".into());
            }
            "file" => c.jupiterone.scope = Some("file-scope".into()),
            _ => {}
        },
        |s| s.target.clone(),
    );
}

#[test]
fn integration_source() {
    table(
        "integration source",
        [
            ("flag", InstanceSource::Managed),
            ("env", InstanceSource::External),
            ("file", InstanceSource::Managed),
            ("default", InstanceSource::External),
        ],
        |src, f, e, c| match src {
            "base" => c.jupiterone.integration_instance_id = Some("i".into()),
            "flag" => f.integration_source = Some(InstanceSource::Managed),
            "env" => {
                e.insert(env::INTEGRATION_SOURCE, "external".into());
            }
            "file" => c.jupiterone.integration_source = Some("managed".into()),
            _ => {}
        },
        |s| match &s.target {
            Some(Target::Instance { source, .. }) => *source,
            other => panic!("{other:?}"),
        },
    );
}

#[test]
fn data_dir_and_the_log_file_in_it() {
    table(
        "data folder",
        [
            ("flag", Some(PathBuf::from("/flag/data"))),
            ("env", Some(PathBuf::from("/env/data"))),
            ("file", Some(PathBuf::from("/file/data"))),
            ("default", heroku_j1::settings::platform_data_dir()),
        ],
        |src, f, e, c| match src {
            "flag" => f.data_dir = Some("/flag/data".into()),
            "env" => {
                e.insert(env::DATA_DIR, "/env/data".into());
            }
            "file" => c.files.data_dir = Some("/file/data".into()),
            _ => {}
        },
        |s| {
            // No log file given: it lives in the data folder.
            assert_eq!(
                s.log_file,
                s.data_dir.as_ref().map(|d| d.join("heroku-j1.log"))
            );
            s.data_dir.clone()
        },
    );
}

#[test]
fn log_file() {
    let data = PathBuf::from("/data");
    table(
        "log file",
        [
            ("flag", Some(PathBuf::from("/flag.log"))),
            ("env", Some(PathBuf::from("/env.log"))),
            ("file", Some(PathBuf::from("/file.log"))),
            ("default", Some(data.join("heroku-j1.log"))),
        ],
        |src, f, e, c| match src {
            "base" => f.data_dir = Some("/data".into()),
            "flag" => f.log_file = Some("/flag.log".into()),
            "env" => {
                e.insert(env::LOG_FILE, "/env.log".into());
            }
            "file" => c.files.log_file = Some("/file.log".into()),
            _ => {}
        },
        |s| s.log_file.clone(),
    );
}

#[test]
fn concurrency() {
    table(
        "concurrency",
        [("flag", 3), ("env", 5), ("file", 7), ("default", 8)],
        |src, f, e, c| match src {
            "flag" => f.concurrency = Some(3),
            "env" => {
                e.insert(env::CONCURRENCY, "5".into());
            }
            "file" => c.heroku.concurrency = Some(7),
            _ => {}
        },
        |s| s.concurrency,
    );
}

#[test]
fn timeout() {
    table(
        "timeout",
        [
            ("flag", Duration::from_secs(5)),
            ("env", Duration::from_secs(120)),
            ("file", Duration::from_secs(45)),
            ("default", Duration::from_secs(30)),
        ],
        |src, f, e, c| match src {
            "flag" => f.timeout = Some(Duration::from_secs(5)),
            "env" => {
                e.insert(env::TIMEOUT, "2m".into());
            }
            "file" => c.heroku.timeout = Some("45".into()),
            _ => {}
        },
        |s| s.timeout,
    );
}

#[test]
fn deadline() {
    table(
        "deadline",
        [
            ("flag", Duration::from_secs(600)),
            ("env", Duration::from_secs(5400)),
            ("file", Duration::from_secs(7200)),
            ("default", Duration::from_secs(3600)),
        ],
        |src, f, e, c| match src {
            "flag" => f.deadline = Some(Duration::from_secs(600)),
            "env" => {
                e.insert(env::DEADLINE, "1h30m".into());
            }
            "file" => c.heroku.deadline = Some("2h".into()),
            _ => {}
        },
        |s| s.deadline,
    );
    let mut env = HashMap::new();
    env.insert(env::DEADLINE, "0".to_owned());
    let e = try_resolve(&Flags::default(), &env, &Config::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("deadline") && e.contains("HEROKU_J1_DEADLINE") && e.contains("greater than 0"),
        "{e}"
    );
}

#[test]
fn max_response_size() {
    table(
        "max response size",
        [
            ("flag", 1_000_000),
            ("env", 2 * 1024 * 1024),
            ("file", 100_000_000),
            ("default", 64 * 1024 * 1024),
        ],
        |src, f, e, c| match src {
            "flag" => f.max_response_size = Some(1_000_000),
            "env" => {
                e.insert(env::MAX_RESPONSE_SIZE, "2MiB".into());
            }
            "file" => c.heroku.max_response_size = Some("100MB".into()),
            _ => {}
        },
        |s| s.max_response_size,
    );
    for (text, want) in [("0", "greater than 0"), ("lots", "not a size")] {
        let mut env = HashMap::new();
        env.insert(env::MAX_RESPONSE_SIZE, text.to_owned());
        let e = try_resolve(&Flags::default(), &env, &Config::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("HEROKU_J1_MAX_RESPONSE_SIZE") && e.contains(want),
            "{text}: {e}"
        );
    }
}

#[test]
fn poll_interval() {
    table(
        "poll interval",
        [
            ("flag", Duration::from_millis(20)),
            ("env", Duration::from_secs(1)),
            ("file", Duration::from_secs(10)),
            ("default", Duration::from_secs(2)),
        ],
        |src, f, e, c| match src {
            "flag" => f.poll_interval = Some(Duration::from_millis(20)),
            "env" => {
                e.insert(env::POLL_INTERVAL, "1s".into());
            }
            "file" => c.jupiterone.poll_interval = Some("10s".into()),
            _ => {}
        },
        |s| s.poll_interval,
    );
}

#[test]
fn guard_threshold() {
    table(
        "guard threshold",
        [
            ("flag", 0.5),
            ("env", 0.25),
            ("file", 0.05),
            ("default", 0.10),
        ],
        |src, f, e, c| match src {
            "flag" => f.guard_percent = Some(50.0),
            "env" => {
                e.insert(env::GUARD_PERCENT, "25%".into());
            }
            "file" => c.jupiterone.guard_percent = Some(5.0),
            _ => {}
        },
        |s| s.guard.delete_threshold,
    );
}

#[test]
fn config_dir() {
    let lookup_with = |v: Option<&str>| {
        let v = v.map(str::to_owned);
        move |name: &str| (name == env::CONFIG_DIR).then(|| v.clone()).flatten()
    };
    let flag = Flags {
        config_dir: Some("/flag".into()),
        ..Flags::default()
    };
    assert_eq!(
        Settings::config_dir(&flag, &lookup_with(Some("/env"))).unwrap(),
        PathBuf::from("/flag")
    );
    assert_eq!(
        Settings::config_dir(&Flags::default(), &lookup_with(Some("/env"))).unwrap(),
        PathBuf::from("/env")
    );
    // Blank is unset.
    assert_ne!(
        Settings::config_dir(&Flags::default(), &lookup_with(Some("  "))).ok(),
        Some(PathBuf::from("  "))
    );
}

#[test]
fn a_bad_value_names_the_setting_and_where_it_came_from() {
    let mut env = HashMap::new();
    env.insert(env::HEROKU_API_URL, "banana".to_owned());
    let e = try_resolve(&Flags::default(), &env, &Config::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("Heroku API URL") && e.contains("HEROKU_API_URL") && e.contains("banana"),
        "{e}"
    );

    let mut file = Config::default();
    file.heroku.timeout = Some("0s".into());
    let e = try_resolve(&Flags::default(), &HashMap::new(), &file)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("timeout") && e.contains("config.toml") && e.contains("greater than 0"),
        "{e}"
    );

    let mut env = HashMap::new();
    env.insert(env::REGION, "ap".to_owned());
    let e = try_resolve(&Flags::default(), &env, &Config::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("us or eu") && e.contains("JUPITERONE_REGION"),
        "{e}"
    );

    // A flag wins before a bad environment value is even read.
    let flags = Flags {
        heroku_api_url: Some("http://ok.example".into()),
        ..Flags::default()
    };
    let mut env = HashMap::new();
    env.insert(env::HEROKU_API_URL, "banana".to_owned());
    assert!(try_resolve(&flags, &env, &Config::default()).is_ok());
}

#[test]
fn no_target_is_refused_never_guessed() {
    let s = resolve(&Flags::default(), &HashMap::new(), &Config::default());
    assert_eq!(
        s.sync_target(Some("u-1")).unwrap(),
        Target::Scope("heroku-j1:u-1".into())
    );
    let e = s.sync_target(None).unwrap_err().to_string();
    assert!(
        e.contains("--scope") && e.contains("--integration-instance-id"),
        "{e}"
    );
    assert!(!e.contains("unknown-user"), "{e}");
    assert!(s.sync_target(Some("  ")).is_err());
}

fn heroku_j1(args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_heroku-j1"));
    c.args(args);
    for var in [
        env::HEROKU_API_URL,
        env::JUPITERONE_API_URL,
        env::DATA_DIR,
        env::LOG_FILE,
        env::CONFIG_DIR,
        env::TIMEOUT,
    ] {
        c.env_remove(var);
    }
    c
}

fn help(args: &[&str]) -> String {
    let out = heroku_j1(args).output().unwrap();
    assert!(out.status.success(), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_groups_the_global_options_and_lists_only_what_a_command_uses() {
    let top = help(&["--help"]);
    let global = top.split("Global options:").nth(1).expect(&top);
    for flag in [
        "--heroku-api-url",
        "--jupiterone-api-url",
        "--config-dir",
        "--data-dir",
        "--log-file",
    ] {
        assert!(global.contains(flag), "{flag} under Global options:\n{top}");
    }
    for args in [&["document", "--help"][..], &["fake-api", "--help"]] {
        let h = help(args);
        for flag in [
            "--heroku-api-url",
            "--jupiterone-api-url",
            "--config-dir",
            "--data-dir",
            "--log-file",
        ] {
            assert!(!h.contains(flag), "{args:?} lists {flag}:\n{h}");
        }
    }
    let collect = help(&["collect", "--help"]);
    assert!(collect.contains("--heroku-api-url") && collect.contains("--timeout"));
    assert!(!collect.contains("--jupiterone-api-url"), "{collect}");
    let logout = help(&["logout", "--help"]);
    assert!(!logout.contains("--heroku-api-url"), "{logout}");
    assert!(logout.contains("--config-dir"), "{logout}");
    let sync = help(&["sync", "--help"]);
    for flag in [
        "--jupiterone-api-url",
        "--data-dir",
        "--scope",
        "--guard-percent",
    ] {
        assert!(sync.contains(flag), "{flag}:\n{sync}");
    }
}

#[test]
fn a_global_option_before_the_command_still_counts() {
    let dir = tempfile::tempdir().unwrap();
    let out = heroku_j1(&["--heroku-api-url", "banana", "status", "--no-check"])
        .arg("--config-dir")
        .arg(dir.path())
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("banana"));
}

#[test]
fn the_log_file_defaults_to_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = heroku_j1(&["status", "--no-check", "--json"])
        .arg("--config-dir")
        .arg(dir.path().join("config"))
        .arg("--data-dir")
        .arg(&data)
        .env("HEROKU_J1_KEYRING_SERVICE", "heroku-j1-settings-test")
        .env("HEROKU_J1_LOG", "debug")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        data.join("heroku-j1.log").exists(),
        "the log went to the data folder"
    );
    // And HEROKU_J1_DATA_DIR does the same.
    let other = dir.path().join("other");
    let out = heroku_j1(&["status", "--no-check"])
        .arg("--config-dir")
        .arg(dir.path().join("config"))
        .env(env::DATA_DIR, &other)
        .env("HEROKU_J1_KEYRING_SERVICE", "heroku-j1-settings-test")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(other.join("heroku-j1.log").exists());
}
