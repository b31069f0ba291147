//! The Heroku CLI's token in `~/.netrc` (`machine api.heroku.com … password <token>`), for
//! `heroku-j1 login --heroku --import-heroku-cli`.
//!
//! The tokens may be laid out in any way (one line or many), `#` starts a comment, `default`
//! entries are ignored (they are not Heroku's), and `macdef` bodies are skipped. Nothing read
//! here is ever printed: errors name the file and the line, not the text.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::Secret;

/// The machine the Heroku CLI writes.
pub const HEROKU_MACHINE: &str = "api.heroku.com";

/// A netrc entry's login and password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetrcEntry {
    pub login: Option<String>,
    pub password: Secret,
}

/// Why no token could be imported.
#[derive(Debug, thiserror::Error)]
pub enum NetrcError {
    #[error("cannot find your home folder to read ~/.netrc")]
    NoHome,
    #[error(
        "{} does not exist: the Heroku CLI keeps its token there only on older versions or \
         with HEROKU_NETRC_WRITE=true. Print the CLI's token with `heroku auth:token` and pipe \
         it to `heroku-j1 login --heroku --stdin`",
        .0.display()
    )]
    NotFound(PathBuf),
    #[error("cannot read {}: {}", .0.display(), .1)]
    Unreadable(PathBuf, std::io::Error),
    #[error(
        "{} has no `machine {HEROKU_MACHINE}` entry with a password (current Heroku CLIs keep \
         the token in the OS keychain). Print it with `heroku auth:token` and pipe it to \
         `heroku-j1 login --heroku --stdin`",
        .0.display()
    )]
    NoHerokuEntry(PathBuf),
}

/// `~/.netrc` (`%HOME%\_netrc` on Windows when there is no `.netrc`).
#[must_use]
pub fn default_path() -> Option<PathBuf> {
    let home = directories::BaseDirs::new()?.home_dir().to_path_buf();
    let dot = home.join(".netrc");
    if cfg!(windows) && !dot.exists() {
        return Some(home.join("_netrc"));
    }
    Some(dot)
}

/// Reads the Heroku CLI's token from the netrc file at `path`.
///
/// # Errors
/// When the file is missing or unreadable, or has no `api.heroku.com` password.
pub fn read_heroku_token(path: &Path) -> Result<NetrcEntry, NetrcError> {
    let text = match std::fs::read(path) {
        Ok(bytes) => Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(NetrcError::NotFound(path.to_path_buf()));
        }
        Err(e) => return Err(NetrcError::Unreadable(path.to_path_buf(), e)),
    };
    find(&text, HEROKU_MACHINE).ok_or_else(|| NetrcError::NoHerokuEntry(path.to_path_buf()))
}

/// The tokens of a netrc text, without comments and `macdef` bodies.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let mut words = line.split_whitespace();
        while let Some(word) = words.next() {
            if word.starts_with('#') {
                break;
            }
            if word == "macdef" {
                // `macdef NAME` then the body up to an empty line.
                let _name = words.next();
                for body in lines.by_ref() {
                    if body.trim().is_empty() {
                        break;
                    }
                }
                break;
            }
            out.push(word);
        }
    }
    out
}

/// The login and password of `machine` in a netrc text (the first such entry).
#[must_use]
pub fn find(text: &str, machine: &str) -> Option<NetrcEntry> {
    let tokens = tokens(text);
    let mut i = 0;
    // The entry being read: Some(true) for `machine`, Some(false) for another machine or
    // `default`, None before the first entry.
    let mut current: Option<bool> = None;
    let mut login = None;
    let mut password: Option<Secret> = None;
    while i < tokens.len() {
        let token = tokens[i];
        let value = tokens.get(i + 1).copied();
        match token {
            "machine" => {
                if current == Some(true) && password.is_some() {
                    break;
                }
                current = Some(value.is_some_and(|v| v.eq_ignore_ascii_case(machine)));
                login = None;
                password = None;
                i += 2;
            }
            "default" => {
                if current == Some(true) && password.is_some() {
                    break;
                }
                current = Some(false);
                i += 1;
            }
            "login" | "password" | "account" | "port" => {
                if current == Some(true)
                    && let Some(v) = value
                {
                    match token {
                        "login" => login = Some(v.to_owned()),
                        "password" => password = Some(Secret::new(v)),
                        _ => {}
                    }
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    if current != Some(true) {
        return None;
    }
    let password = password.filter(|p| !p.is_empty())?;
    Some(NetrcEntry { login, password })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "HRKU-AAnetrc-token-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";

    #[test]
    fn the_heroku_cli_layout() {
        let text = format!(
            "machine api.heroku.com\n  login me@example.com\n  password {TOKEN}\nmachine git.heroku.com\n  login me@example.com\n  password other-token\n"
        );
        let e = find(&text, HEROKU_MACHINE).unwrap();
        assert_eq!(e.login.as_deref(), Some("me@example.com"));
        assert_eq!(e.password.expose(), TOKEN);
        assert!(!format!("{e:?}").contains(TOKEN));
    }

    #[test]
    fn any_layout_comments_default_and_macdef() {
        let text = format!(
            "# my netrc\ndefault login anon password default-token\n\
             machine example.com login x password not-this # trailing comment password nope\n\
             macdef init\nmachine api.heroku.com password macro-body-token\n\n\
             machine API.HEROKU.COM password {TOKEN} login dana@acme.example\n"
        );
        let e = find(&text, HEROKU_MACHINE).unwrap();
        assert_eq!(e.password.expose(), TOKEN);
        assert_eq!(e.login.as_deref(), Some("dana@acme.example"));
        // On one line, password first.
        let e = find(
            &format!("machine api.heroku.com password {TOKEN}"),
            HEROKU_MACHINE,
        )
        .unwrap();
        assert_eq!(e.password.expose(), TOKEN);
        assert_eq!(e.login, None);
    }

    #[test]
    fn no_heroku_entry() {
        assert_eq!(find("", HEROKU_MACHINE), None);
        assert_eq!(find("default login a password b", HEROKU_MACHINE), None);
        assert_eq!(
            find(
                "machine api.heroku.com login me@example.com",
                HEROKU_MACHINE
            ),
            None,
            "no password"
        );
        assert_eq!(
            find("machine git.heroku.com password x", HEROKU_MACHINE),
            None
        );
        assert_eq!(
            find("# machine api.heroku.com password x", HEROKU_MACHINE),
            None,
            "a comment"
        );
    }

    #[test]
    fn reading_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".netrc");
        let e = read_heroku_token(&path).unwrap_err();
        assert!(matches!(e, NetrcError::NotFound(_)));
        assert!(e.to_string().contains("heroku auth:token"), "{e}");
        std::fs::write(&path, "machine other password secret-value\n").unwrap();
        let e = read_heroku_token(&path).unwrap_err();
        assert!(matches!(e, NetrcError::NoHerokuEntry(_)));
        assert!(!e.to_string().contains("secret-value"));
        std::fs::write(
            &path,
            format!("machine api.heroku.com\n password {TOKEN}\n"),
        )
        .unwrap();
        assert_eq!(read_heroku_token(&path).unwrap().password.expose(), TOKEN);
    }
}
