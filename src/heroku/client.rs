//! The Heroku Platform API client: headers, Range pagination, the shared rate limiter,
//! retries with backoff, a timeout on every request, and typed errors.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::http::{describe_error, header_str, jitter};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::sync::Semaphore;

use super::error::{HerokuError, backoff};
use super::model::{Account, ErrorBody, HerokuObject, RateLimits, parse_list, parse_one};
use super::rate_limit::RateLimiter;
use crate::secrets::Secret;

/// The media type every request must accept.
pub const ACCEPT: &str = "application/vnd.heroku+json; version=3";
/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.heroku.com";
/// A safety net against a server that never stops paginating.
pub const MAX_PAGES: usize = 10_000;
/// The largest page Heroku serves.
pub const PAGE_SIZE: usize = 1000;

/// How the client behaves. [`ClientConfig::new`] gives production defaults.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: String,
    pub api_key: Secret,
    /// Per request, connect to last byte.
    pub timeout: Duration,
    /// Tries after the first on 5xx, timeouts and connection errors.
    pub max_retries: u32,
    /// Tries after the first on 429.
    pub max_rate_limit_retries: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub rate_limit_backoff_min: Duration,
    pub rate_limit_backoff_max: Duration,
    /// Below this many remaining tokens, requests are paced at `pace_interval`.
    pub pace_below: i64,
    /// One request per this interval while pacing (Heroku refills a token every 0.8 s).
    pub pace_interval: Duration,
    /// Requests in flight at once, across everything using this client.
    pub concurrency: usize,
}

impl ClientConfig {
    #[must_use]
    pub fn new(base_url: impl Into<String>, api_key: Secret) -> Self {
        Self {
            base_url: base_url.into(),
            api_key,
            timeout: Duration::from_secs(30),
            max_retries: 4,
            max_rate_limit_retries: 8,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(8),
            rate_limit_backoff_min: Duration::from_secs(1),
            rate_limit_backoff_max: Duration::from_secs(60),
            pace_below: super::rate_limit::LOW_WATER,
            pace_interval: super::rate_limit::REFILL_INTERVAL,
            concurrency: 8,
        }
    }
}

/// The `User-Agent` we send.
#[must_use]
pub fn user_agent() -> String {
    format!(
        "heroku-j1/{} ({}; {})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    config: ClientConfig,
    limiter: RateLimiter,
    permits: Semaphore,
    requests: AtomicU64,
}

/// A Heroku API client. Cloning is cheap; clones share the rate limiter, the concurrency
/// bound and the request counter.
#[derive(Clone)]
pub struct HerokuClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for HerokuClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HerokuClient")
            .field("base_url", &self.inner.base_url)
            .finish_non_exhaustive()
    }
}

struct Page {
    status: StatusCode,
    body: String,
    next_range: Option<String>,
}

enum GetError {
    Heroku(HerokuError),
    /// 416: the server does not sort by the field we asked for.
    RangeRefused,
}

impl From<HerokuError> for GetError {
    fn from(e: HerokuError) -> Self {
        Self::Heroku(e)
    }
}

/// Why a 403 happened and what to do, from the path and Heroku's OAuth headers.
fn forbidden_advice(path: &str, headers: &HeaderMap) -> String {
    let scope = header_str(headers, "oauth-scope")
        .map(|s| format!(" (this key has the `{s}` scope)"))
        .unwrap_or_default();
    if path.starts_with("/teams/") && path.ends_with("/members") {
        format!(
            "Listing team members needs a key with the `global` OAuth scope{scope}: create one \
             with `heroku authorizations:create --scope global`"
        )
    } else if path.ends_with("/addons") {
        format!(
            "Listing add-ons needs the admin role in the team{scope}: use a key of a team admin \
             or of an enterprise user with the `manage` permission"
        )
    } else {
        format!(
            "The key's user has no access to it{scope}: use a key of an enterprise account \
             member with at least the `view` permission"
        )
    }
}

fn error_body(body: &str) -> ErrorBody {
    serde_json::from_str(body).unwrap_or_default()
}

impl HerokuClient {
    /// Builds a client.
    ///
    /// # Errors
    /// When the key cannot be sent as a header or the TLS stack cannot start.
    pub fn new(config: ClientConfig) -> Result<Self, HerokuError> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT));
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", config.api_key.expose()))
            .map_err(|_| {
                HerokuError::Setup("the API key contains characters that cannot be sent".into())
            })?;
        auth.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, auth);
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(user_agent())
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| HerokuError::Setup(e.to_string()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url: config.base_url.trim_end_matches('/').to_owned(),
                limiter: RateLimiter::with_pacing(
                    config.rate_limit_backoff_min,
                    config.rate_limit_backoff_max,
                    config.pace_below,
                    config.pace_interval,
                ),
                permits: Semaphore::new(config.concurrency.max(1)),
                requests: AtomicU64::new(0),
                config,
            }),
        })
    }

    /// Requests sent so far (every try counts).
    #[must_use]
    pub fn requests(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// The last `RateLimit-Remaining` Heroku sent.
    #[must_use]
    pub fn rate_limit_remaining(&self) -> Option<i64> {
        self.inner.limiter.remaining()
    }

    /// The base URL requests go to.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// `GET /account`: validates the key and says whose it is.
    ///
    /// # Errors
    /// [`HerokuError::InvalidKey`] for a rejected key, or any transport error.
    pub async fn account(&self) -> Result<Account, HerokuError> {
        let page = self.get_one("/account", "your account").await?;
        parse_one(&page.body).map_err(|e| HerokuError::Unreadable {
            what: "your account".into(),
            detail: e.to_string(),
        })
    }

    /// `GET /account/rate-limits` (free: it costs no token).
    ///
    /// # Errors
    /// Any transport or API error.
    pub async fn rate_limits(&self) -> Result<RateLimits, HerokuError> {
        let what = "the rate limit";
        let page = self.get_one("/account/rate-limits", what).await?;
        serde_json::from_str(&page.body).map_err(|e| HerokuError::Unreadable {
            what: what.into(),
            detail: e.to_string(),
        })
    }

    async fn get_one(&self, path: &str, what: &str) -> Result<Page, HerokuError> {
        match self.get(path, what, None).await {
            Ok(page) => Ok(page),
            Err(GetError::Heroku(e)) => Err(e),
            Err(GetError::RangeRefused) => Err(HerokuError::Request {
                what: what.into(),
                status: 416,
                id: "requested_range_not_satisfiable".into(),
                message: "range refused".into(),
            }),
        }
    }

    /// Every object of a list endpoint, following `Range`/`Next-Range` pagination.
    ///
    /// `sort_field` is the first field of the `Range` header (`id`, or `email` for team
    /// members); `what` names the list in messages.
    ///
    /// # Errors
    /// A typed [`HerokuError`]; a repeating `Next-Range` is [`HerokuError::PaginationLoop`].
    pub async fn list<T: HerokuObject>(
        &self,
        path: &str,
        sort_field: &str,
        what: &str,
    ) -> Result<Vec<T>, HerokuError> {
        let mut range = Some(format!("{sort_field} ..; max={PAGE_SIZE}"));
        let mut items = Vec::new();
        let mut pages = 0usize;
        loop {
            let page = match self.get(path, what, range.as_deref()).await {
                Ok(page) => page,
                Err(GetError::RangeRefused) if pages == 0 && range.is_some() => {
                    tracing::info!(path, "416 for our Range; retrying without one");
                    range = None;
                    continue;
                }
                Err(GetError::RangeRefused) => {
                    return Err(HerokuError::Request {
                        what: what.into(),
                        status: 416,
                        id: "requested_range_not_satisfiable".into(),
                        message: format!("Heroku refused its own Next-Range {range:?}"),
                    });
                }
                Err(GetError::Heroku(e)) => return Err(e),
            };
            pages += 1;
            let list = parse_list::<T>(&page.body).map_err(|e| HerokuError::Unreadable {
                what: what.into(),
                detail: e.to_string(),
            })?;
            items.extend(list);
            if page.status != StatusCode::PARTIAL_CONTENT {
                return Ok(items);
            }
            match page.next_range {
                None => return Ok(items),
                Some(next) if range.as_deref() == Some(next.as_str()) || pages >= MAX_PAGES => {
                    return Err(HerokuError::PaginationLoop {
                        what: what.into(),
                        range: next,
                    });
                }
                Some(next) => range = Some(next),
            }
        }
    }

    /// One GET with the rate limiter, the concurrency bound and retries.
    async fn get(&self, path: &str, what: &str, range: Option<&str>) -> Result<Page, GetError> {
        let inner = &*self.inner;
        let cfg = &inner.config;
        let url = format!("{}{path}", inner.base_url);
        let mut failures = 0u32;
        let mut rate_limited = 0u32;
        loop {
            inner.limiter.acquire().await;
            let permit = inner
                .permits
                .acquire()
                .await
                .map_err(|_| HerokuError::Setup("the client was shut down".into()))?;
            inner.requests.fetch_add(1, Ordering::Relaxed);
            let mut request = inner.http.get(&url);
            if let Some(r) = range {
                request = request.header(header::RANGE, r);
            }
            let sent = request.send().await;
            let transient = match sent {
                Err(e) => describe_error(&e),
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let remaining = header_str(&headers, "ratelimit-remaining")
                        .and_then(|v| v.trim().parse().ok());
                    inner.limiter.on_answer(remaining);
                    let body = response.text().await;
                    drop(permit);
                    let body = match body {
                        Ok(b) => b,
                        Err(e) => {
                            failures += 1;
                            if failures > cfg.max_retries {
                                return Err(HerokuError::Network {
                                    what: what.into(),
                                    attempts: failures,
                                    detail: describe_error(&e),
                                }
                                .into());
                            }
                            tokio::time::sleep(backoff(
                                cfg.backoff_base,
                                cfg.backoff_max,
                                failures,
                                jitter(),
                            ))
                            .await;
                            continue;
                        }
                    };
                    tracing::debug!(path, status = status.as_u16(), ?remaining, "heroku answer");
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        rate_limited += 1;
                        if rate_limited > cfg.max_rate_limit_retries {
                            return Err(HerokuError::RateLimited {
                                what: what.into(),
                                attempts: rate_limited,
                            }
                            .into());
                        }
                        let retry_after = header_str(&headers, "retry-after")
                            .and_then(|v| v.trim().parse::<f64>().ok())
                            .filter(|s| s.is_finite() && *s >= 0.0)
                            .map(|s| Duration::from_secs_f64(s.min(3600.0)));
                        let pause = inner.limiter.on_rate_limited(retry_after, jitter());
                        tracing::warn!(path, ?pause, "429 from Heroku; pausing");
                        continue;
                    }
                    inner.limiter.on_success();
                    if status.is_server_error() {
                        let b = error_body(&body);
                        let message = b.message.or(b.error).unwrap_or_else(|| status.to_string());
                        failures += 1;
                        if failures > cfg.max_retries {
                            return Err(HerokuError::Server {
                                what: what.into(),
                                status: status.as_u16(),
                                attempts: failures,
                                message,
                            }
                            .into());
                        }
                        tracing::warn!(
                            path,
                            status = status.as_u16(),
                            failures,
                            "server error; retrying"
                        );
                        tokio::time::sleep(backoff(
                            cfg.backoff_base,
                            cfg.backoff_max,
                            failures,
                            jitter(),
                        ))
                        .await;
                        continue;
                    }
                    if status.is_success() {
                        let next_range = header_str(&headers, "next-range").map(str::to_owned);
                        return Ok(Page {
                            status,
                            body,
                            next_range,
                        });
                    }
                    return Err(classify(status, path, what, &headers, &body));
                }
            };
            drop(permit);
            failures += 1;
            if failures > cfg.max_retries {
                return Err(HerokuError::Network {
                    what: what.into(),
                    attempts: failures,
                    detail: transient,
                }
                .into());
            }
            tracing::warn!(path, failures, error = %transient, "request failed; retrying");
            tokio::time::sleep(backoff(
                cfg.backoff_base,
                cfg.backoff_max,
                failures,
                jitter(),
            ))
            .await;
        }
    }
}

fn classify(
    status: StatusCode,
    path: &str,
    what: &str,
    headers: &HeaderMap,
    body: &str,
) -> GetError {
    let b = error_body(body);
    let id = b.id.clone().unwrap_or_else(|| status.as_u16().to_string());
    let message = b.message.or(b.error).unwrap_or_else(|| status.to_string());
    let e = match status {
        StatusCode::RANGE_NOT_SATISFIABLE => return GetError::RangeRefused,
        StatusCode::UNAUTHORIZED => HerokuError::InvalidKey { status: 401, id },
        StatusCode::FORBIDDEN if path == "/account" => HerokuError::InvalidKey { status: 403, id },
        StatusCode::FORBIDDEN => HerokuError::Forbidden {
            what: what.into(),
            id,
            message,
            advice: forbidden_advice(path, headers),
        },
        StatusCode::NOT_FOUND => HerokuError::NotFound {
            what: what.into(),
            message,
        },
        _ => HerokuError::Request {
            what: what.into(),
            status: status.as_u16(),
            id,
            message,
        },
    };
    GetError::Heroku(e)
}
