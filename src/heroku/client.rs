//! The Heroku Platform API client: headers, Range pagination (with the guards of
//! [`super::pagination`]), the shared rate limiter, a cap on every answer's size, and typed
//! errors. Retries, backoff, `Retry-After` and the deadline are the shared [`crate::http`]
//! layer's; this file only classifies Heroku's answers.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::http::{
    Attempt, BodyError, GaveUp, RetryObserver, RetryPolicy, Retrying, build_client, describe_error,
    failure_cause, header_str, jitter, read_capped, retry_after,
};
use priority_semaphore::{Priority, PrioritySemaphore};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::time::Instant;
use tokio_util::task::AbortOnDropHandle;

use super::error::HerokuError;
use super::model::{Account, ErrorBody, HerokuObject, RateLimits, parse_list, parse_one};
use super::pagination::Pages;
use super::rate_limit::RateLimiter;
use crate::secret::Secret;

/// The media type every request must accept.
pub const ACCEPT: &str = "application/vnd.heroku+json; version=3";
/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.heroku.com";
/// The default cap on one answer's body: far above a real page (1,000 apps are about 3 MB).
pub const DEFAULT_MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;
/// The default overall deadline of a crawl.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(3600);
/// The default longest wait on one `Retry-After`.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(120);
/// The largest page Heroku serves.
pub const PAGE_SIZE: usize = 1000;

/// The permit priority of a first request, and of a list's later pages (which go first).
const FIRST: Priority = 0;
const LATER_PAGE: Priority = 1;

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
    /// The longest wait on one `Retry-After` (a longer one is waited this long, then the
    /// request is tried again within `max_rate_limit_retries`).
    pub max_retry_after: Duration,
    /// The largest answer body read (default [`DEFAULT_MAX_BODY_BYTES`]); a larger one fails
    /// its list, which becomes a partial dataset.
    pub max_body_bytes: u64,
    /// The whole crawl's deadline, from its start (default [`DEFAULT_DEADLINE`]): no request
    /// starts and no retry waits past it; the lists left fail as partial datasets.
    pub deadline: Duration,
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
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            deadline: DEFAULT_DEADLINE,
            pace_below: super::rate_limit::LOW_WATER,
            pace_interval: super::rate_limit::REFILL_INTERVAL,
            concurrency: 8,
        }
    }
}

impl ClientConfig {
    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            service: "Heroku",
            max_retries: self.max_retries,
            max_rate_limit_retries: self.max_rate_limit_retries,
            backoff_base: self.backoff_base,
            backoff_max: self.backoff_max,
            max_retry_after: self.max_retry_after,
        }
    }
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    config: ClientConfig,
    policy: RetryPolicy,
    limiter: RateLimiter,
    /// The concurrency bound. A list's later pages go before lists not yet started: a list's
    /// pages form a chain, one round trip each, that must not wait behind the others.
    permits: Arc<PrioritySemaphore>,
    /// Answers read or being read but not yet taken by the task that asked: twice the
    /// concurrency, so answers read while that task is busy cannot pile up in memory.
    answers: Arc<PrioritySemaphore>,
    requests: AtomicU64,
}

/// A Heroku API client. Cloning is cheap; clones share the rate limiter, the concurrency
/// bound and the request counter. [`HerokuClient::for_crawl`] gives a clone with a deadline
/// and a retry observer.
#[derive(Clone)]
pub struct HerokuClient {
    inner: Arc<Inner>,
    deadline: Option<Instant>,
    observer: Option<RetryObserver>,
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

/// The error fields of an answer, control characters removed ([`crate::text::clean`]): they
/// end up in messages and logs.
fn error_body(body: &str) -> ErrorBody {
    let b: ErrorBody = serde_json::from_str(body).unwrap_or_default();
    let clean = |s: Option<String>| s.map(|s| crate::text::cleaned(&s));
    ErrorBody {
        id: clean(b.id),
        message: clean(b.message),
        error: clean(b.error),
        url: clean(b.url),
        resource: clean(b.resource),
    }
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
        let http = build_client(headers, config.timeout).map_err(HerokuError::Setup)?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                policy: config.retry_policy(),
                base_url: config.base_url.trim_end_matches('/').to_owned(),
                limiter: RateLimiter::with_pacing(
                    config.rate_limit_backoff_min,
                    config.rate_limit_backoff_max,
                    config.pace_below,
                    config.pace_interval,
                ),
                permits: Arc::new(PrioritySemaphore::new(config.concurrency.max(1))),
                answers: Arc::new(PrioritySemaphore::new(2 * config.concurrency.max(1))),
                requests: AtomicU64::new(0),
                config,
            }),
            deadline: None,
            observer: None,
        })
    }

    /// A clone for one crawl: no request starts and no retry waits past the configured
    /// deadline from now, and every retry is told to `observer`.
    #[must_use]
    pub fn for_crawl(&self, observer: Option<RetryObserver>) -> Self {
        Self {
            inner: self.inner.clone(),
            deadline: Some(Instant::now() + self.inner.config.deadline),
            observer,
        }
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
        match self.get(path, what, None, FIRST).await {
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
    /// A typed [`HerokuError`]; pagination that repeats a range, stops making progress or runs
    /// past what its items justify is [`HerokuError::PaginationLoop`].
    pub async fn list<T: HerokuObject>(
        &self,
        path: &str,
        sort_field: &str,
        what: &str,
    ) -> Result<Vec<T>, HerokuError> {
        let mut items = Vec::new();
        self.list_pages(path, sort_field, what, |page| items.extend(page))
            .await?;
        Ok(items)
    }

    /// [`Self::list`], handing each page's objects (those not on an earlier page) to `each`
    /// as it arrives, so a caller keeps only what it needs of them. Returns how many objects
    /// the list had. When it fails, the pages already handed over are void.
    ///
    /// # Errors
    /// As [`Self::list`].
    pub async fn list_pages<T: HerokuObject>(
        &self,
        path: &str,
        sort_field: &str,
        what: &str,
        mut each: impl FnMut(Vec<T>),
    ) -> Result<usize, HerokuError> {
        let mut range = Some(format!("{sort_field} ..; max={PAGE_SIZE}"));
        let mut pages = Pages::new(range.clone());
        let mut total = 0;
        loop {
            let later = if pages.count() == 0 {
                FIRST
            } else {
                LATER_PAGE
            };
            let page = match self.get(path, what, range.as_deref(), later).await {
                Ok(page) => page,
                Err(GetError::RangeRefused) if pages.count() == 0 && range.is_some() => {
                    tracing::info!(path, "416 for our Range; retrying without one");
                    range = None;
                    pages = Pages::new(None);
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
            let list = parse_list::<T>(&page.body).map_err(|e| HerokuError::Unreadable {
                what: what.into(),
                detail: e.to_string(),
            })?;
            let mut fresh = Vec::with_capacity(list.len());
            pages.add_page(list, HerokuObject::identity, &mut fresh);
            total += fresh.len();
            each(fresh);
            let next = match page.next_range {
                Some(next) if page.status == StatusCode::PARTIAL_CONTENT => next,
                _ => return Ok(total),
            };
            if let Some(rule) = pages.stop_before(&next) {
                return Err(HerokuError::PaginationLoop {
                    what: what.into(),
                    range: next,
                    pages: pages.count(),
                    rule,
                });
            }
            range = Some(next);
        }
    }

    /// One GET with the rate limiter, the concurrency bound and the shared retry loop.
    async fn get(
        &self,
        path: &str,
        what: &str,
        range: Option<&str>,
        priority: Priority,
    ) -> Result<Page, GetError> {
        let inner = &*self.inner;
        let url = format!("{}{path}", inner.base_url);
        let retrying = Retrying {
            policy: &inner.policy,
            what,
            deadline: self.deadline,
            observer: self.observer.as_ref(),
        };
        let result = retrying
            .run(
                || self.try_get_in_task(&url, path, what, range, priority),
                |retry_after| Some(inner.limiter.on_rate_limited(retry_after, jitter())),
            )
            .await;
        result.unwrap_or_else(|gave_up| Err(GetError::Heroku(gave_up_error(gave_up, what))))
    }

    /// [`Self::try_get`] as a task of its own, so the exchange (waiting for a permit,
    /// sending, reading the answer) goes on while the task that asked is busy parsing and
    /// building earlier pages: a permit comes back, and the next request goes out, as soon as
    /// an answer is read. At most [`Inner::answers`] such exchanges wait to be taken. Dropping
    /// the future (cancellation, the deadline) aborts the task.
    async fn try_get_in_task(
        &self,
        url: &str,
        path: &str,
        what: &str,
        range: Option<&str>,
        priority: Priority,
    ) -> Attempt<Result<Page, GetError>, Transient> {
        let Ok(_answer) = self.inner.answers.acquire(priority).await else {
            return Attempt::Done(Err(
                HerokuError::Setup("the client was shut down".into()).into()
            ));
        };
        let this = self.clone();
        let (url, path, what) = (url.to_owned(), path.to_owned(), what.to_owned());
        let range = range.map(str::to_owned);
        let task = AbortOnDropHandle::new(tokio::spawn(async move {
            this.try_get(&url, &path, &what, range.as_deref(), priority)
                .await
        }));
        match task.await {
            Ok(attempt) => attempt,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Attempt::Done(Err(
                HerokuError::Setup("the request was cancelled".into()).into()
            )),
        }
    }

    /// One try: the answer classified as final, transient or rate-limited.
    async fn try_get(
        &self,
        url: &str,
        path: &str,
        what: &str,
        range: Option<&str>,
        priority: Priority,
    ) -> Attempt<Result<Page, GetError>, Transient> {
        let inner = &*self.inner;
        inner.limiter.acquire().await;
        let Ok(_permit) = inner.permits.acquire(priority).await else {
            return Attempt::Done(Err(
                HerokuError::Setup("the client was shut down".into()).into()
            ));
        };
        inner.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = inner.http.get(url);
        if let Some(r) = range {
            request = request.header(header::RANGE, r);
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return network_failure(&e),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let remaining =
            header_str(&headers, "ratelimit-remaining").and_then(|v| v.trim().parse().ok());
        inner.limiter.on_answer(remaining);
        let body = match read_capped(response, inner.config.max_body_bytes).await {
            Ok(b) => b,
            Err(BodyError::Cut(e)) => return network_failure(&e),
            Err(BodyError::TooLarge { limit }) => {
                return Attempt::Done(Err(HerokuError::TooLarge {
                    what: what.into(),
                    limit,
                }
                .into()));
            }
            Err(BodyError::NotText) => {
                return Attempt::Done(Err(HerokuError::Unreadable {
                    what: what.into(),
                    detail: "the answer is not UTF-8 text".into(),
                }
                .into()));
            }
        };
        tracing::debug!(path, status = status.as_u16(), ?remaining, "heroku answer");
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Attempt::RateLimited {
                retry_after: retry_after(&headers, &["retry-after"]),
                last: Transient::RateLimited,
            };
        }
        inner.limiter.on_success();
        if status.is_server_error() {
            let b = error_body(&body);
            let message = b.message.or(b.error).unwrap_or_else(|| status.to_string());
            return Attempt::Failed {
                cause: format!("a {} answer", status.as_u16()),
                last: Transient::Server {
                    status: status.as_u16(),
                    message,
                },
            };
        }
        if status.is_success() {
            let next_range = header_str(&headers, "next-range").map(str::to_owned);
            return Attempt::Done(Ok(Page {
                status,
                body,
                next_range,
            }));
        }
        Attempt::Done(Err(classify(status, path, what, &headers, &body)))
    }
}

/// The last transient failure of a request, for the message when retries run out.
enum Transient {
    Network(String),
    Server { status: u16, message: String },
    RateLimited,
}

fn network_failure<T>(e: &reqwest::Error) -> Attempt<T, Transient> {
    Attempt::Failed {
        cause: failure_cause(e).to_owned(),
        last: Transient::Network(describe_error(e)),
    }
}

fn gave_up_error(gave_up: GaveUp<Transient>, what: &str) -> HerokuError {
    let what = what.to_owned();
    match gave_up {
        GaveUp::RateLimited { attempts, .. } => HerokuError::RateLimited { what, attempts },
        GaveUp::Failures {
            last: Transient::Server { status, message },
            attempts,
        } => HerokuError::Server {
            what,
            status,
            attempts,
            message,
        },
        GaveUp::Failures {
            last: Transient::Network(detail),
            attempts,
        } => HerokuError::Network {
            what,
            attempts,
            detail,
        },
        GaveUp::Failures {
            last: Transient::RateLimited,
            attempts,
        } => HerokuError::RateLimited { what, attempts },
        GaveUp::Deadline { attempts, .. } => HerokuError::Deadline { what, attempts },
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
