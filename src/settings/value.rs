//! Parsing one setting's text, the same way whether it came from a flag, the environment or
//! config.toml: URLs, human durations (humantime: `30s`, `2m`, `1h30m`; a plain number is
//! seconds), counts and percentages. Every refusal says what is accepted.

use std::time::Duration;

/// An `http` or `https` URL with a host, without a trailing `/`.
///
/// # Errors
/// What is wrong with it, e.g. for `banana`.
pub fn url(text: &str) -> Result<String, String> {
    let t = text.trim();
    let hint = "use a full http(s) URL, e.g. https://api.heroku.com";
    let parsed = reqwest::Url::parse(t).map_err(|e| format!("{t:?} is not a URL ({e}): {hint}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!("{t:?} is not an http(s) URL with a host: {hint}"));
    }
    Ok(t.trim_end_matches('/').to_owned())
}

/// A duration greater than zero: `30s`, `2m`, `1h30m`, `250ms`, or plain seconds (`45`).
///
/// # Errors
/// When the text is not such a duration, or is zero.
pub fn duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let d = match t.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => humantime::parse_duration(t).map_err(|e| {
            format!("{t:?} is not a duration ({e}): use e.g. 30s, 2m, 1h30m or plain seconds")
        })?,
    };
    if d.is_zero() {
        return Err(format!(
            "{t:?} is zero: a duration must be greater than 0 (e.g. 30s)"
        ));
    }
    Ok(d)
}

/// Heroku requests in flight at once: 1 to 64.
///
/// # Errors
/// When the text is not a number in that range.
pub fn concurrency(text: &str) -> Result<u16, String> {
    let t = text.trim();
    match t.parse::<u16>() {
        Ok(n) if (1..=64).contains(&n) => Ok(n),
        _ => Err(format!(
            "{t:?} is not a concurrency: use a number from 1 to 64"
        )),
    }
}

/// A size in bytes: `64MiB`, `100MB`, `512kB` or plain bytes (the `bytesize` crate's
/// spelling); more than 0.
///
/// # Errors
/// When the text is not such a size, or is zero.
pub fn byte_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let size = t
        .parse::<bytesize::ByteSize>()
        .map_err(|e| format!("{t:?} is not a size ({e}): use e.g. 64MiB, 100MB or plain bytes"))?
        .as_u64();
    if size == 0 {
        return Err(format!(
            "{t:?} is zero: a size must be greater than 0 (e.g. 64MiB)"
        ));
    }
    Ok(size)
}

/// The guard's deletion threshold in percent (`10` or `10%`): more than 0, at most 100.
///
/// # Errors
/// When the text is not such a percentage.
pub fn percent(text: &str) -> Result<f64, String> {
    let t = text.trim();
    match t.trim_end_matches('%').trim().parse::<f64>() {
        Ok(p) if p > 0.0 && p <= 100.0 => Ok(p),
        _ => Err(format!(
            "{t:?} is not a percentage: use a number above 0 and at most 100, e.g. 10"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            url(" https://api.heroku.com/ "),
            Ok("https://api.heroku.com".into())
        );
        assert_eq!(url("http://127.0.0.1:9"), Ok("http://127.0.0.1:9".into()));
        for bad in ["banana", "", "ftp://x", "https://", "api.heroku.com"] {
            assert!(url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(duration("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(duration("45"), Ok(Duration::from_secs(45)));
        assert!(duration("0").unwrap_err().contains("greater than 0"));
        assert!(duration("0s").unwrap_err().contains("greater than 0"));
        for bad in ["", "h", "1x", "-1m", "m30"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn counts_and_percentages() {
        assert_eq!(concurrency("8"), Ok(8));
        assert!(concurrency("0").is_err() && concurrency("65").is_err());
        assert_eq!(percent("10%"), Ok(10.0));
        assert_eq!(percent("2.5"), Ok(2.5));
        assert!(percent("0").is_err() && percent("101").is_err() && percent("x").is_err());
    }
}
