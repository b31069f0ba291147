//! The JupiterOne synchronization API client: headers, retries with backoff (network errors,
//! 429 with `Retry-After`, 5xx; never another 4xx), and typed errors that say what to do.
//! The key is sent as a sensitive header and appears in no error, log line or output.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::http::{
    Attempt, GaveUp, RetryPolicy, Retrying, build_client, describe_error, failure_cause,
    retry_after,
};
use axum::body::Bytes;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};

use super::target::Target;
use crate::secret::Secret;

/// The US region (JupiterOne's default).
pub const US_API_URL: &str = "https://api.us.jupiterone.io";
/// The EU region.
pub const EU_API_URL: &str = "https://api.eu.jupiterone.io";
/// The base path of the synchronization API.
pub const JOBS_PATH: &str = "/persister/synchronization/jobs";
/// A job id that never exists: `GET` of it answers 404 to a valid key, 401 to a bad one.
pub const PROBE_JOB_ID: &str = "00000000-0000-0000-0000-000000000000";

/// Where and as whom to talk to JupiterOne, and how patiently.
#[derive(Debug, Clone)]
pub struct JupiterOneConfig {
    /// The base URL, e.g. [`US_API_URL`].
    pub api_url: String,
    /// The JupiterOne account id (sent as `JupiterOne-Account`).
    pub account_id: String,
    pub api_key: Secret,
    /// Per request, connect to last byte.
    pub timeout: Duration,
    /// Tries after the first on 5xx, timeouts and connection errors.
    pub max_retries: u32,
    /// Tries after the first on 429.
    pub max_rate_limit_retries: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// The longest `Retry-After` honoured.
    pub max_retry_after: Duration,
}

impl JupiterOneConfig {
    /// Production defaults.
    #[must_use]
    pub fn new(api_url: impl Into<String>, account_id: impl Into<String>, api_key: Secret) -> Self {
        Self {
            api_url: api_url.into(),
            account_id: account_id.into(),
            api_key,
            timeout: Duration::from_secs(120),
            max_retries: 4,
            max_rate_limit_retries: 8,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl JupiterOneConfig {
    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            service: "JupiterOne",
            max_retries: self.max_retries,
            max_rate_limit_retries: self.max_rate_limit_retries,
            backoff_base: self.backoff_base,
            backoff_max: self.backoff_max,
            max_retry_after: self.max_retry_after,
        }
    }
}

/// An error of the JupiterOne API, each with what to do. No message contains the key.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum JupiterOneError {
    /// 401.
    #[error(
        "JupiterOne rejected the API key for account {account} at {api_url} (401 Unauthorized): \
         check the account id (JUPITERONE_ACCOUNT) and the region (us: {US_API_URL}, eu: \
         {EU_API_URL}; set JUPITERONE_REGION or --jupiterone-api-url), and that the key \
         (JUPITERONE_API_KEY) has not expired or been revoked"
    )]
    Unauthorized { account: String, api_url: String },
    /// 403.
    #[error(
        "JupiterOne refused {what} (403 {code}: {message}): the key needs the \
         `persister:Synchronize` permission (an account-level key with that action, a user key \
         with Integrations admin, or an integration key for that instance)"
    )]
    Forbidden {
        what: String,
        code: String,
        message: String,
    },
    /// `JOB_NOT_AWAITING_UPLOADS`: the job was finalized, aborted or closed by JupiterOne.
    #[error(
        "JupiterOne closed synchronization job {job_id} ({message}); nothing more can be \
         uploaded to it. Run the sync again to start a new job"
    )]
    JobNotAwaitingUploads { job_id: String, message: String },
    /// 413 `RequestEntityTooLargeException`.
    #[error("JupiterOne refused {what}: the request of {bytes} bytes is too large (413)")]
    TooLarge { what: String, bytes: usize },
    /// `SYNC_JOB_INVALID_INTEGRATION_INSTANCE`.
    #[error(
        "JupiterOne has no integration instance {id} in account {account}: copy the instance id \
         from the integration's page (a Custom integration's configuration), or sync to a \
         scope with --scope"
    )]
    InvalidInstance { id: String, account: String },
    /// 404.
    #[error("JupiterOne has no {what} (404 {code}: {message})")]
    NotFound {
        what: String,
        code: String,
        message: String,
    },
    /// Another 4xx.
    #[error("JupiterOne refused {what} ({status} {code}: {message})")]
    Request {
        what: String,
        status: u16,
        code: String,
        message: String,
    },
    /// 429 more times than we retry.
    #[error(
        "JupiterOne's rate limit stayed exhausted for {what} after {attempts} tries; wait a few \
         minutes and run again"
    )]
    RateLimited { what: String, attempts: u32 },
    /// 5xx after retries.
    #[error(
        "JupiterOne answered {status} for {what} after {attempts} tries ({code}: {message}); \
         JupiterOne may be having trouble, try again later"
    )]
    Server {
        what: String,
        status: u16,
        attempts: u32,
        code: String,
        message: String,
    },
    /// A connection error or timeout after retries.
    #[error(
        "cannot reach JupiterOne at {api_url} for {what} after {attempts} tries: {detail}. \
         Check the network and the region or --jupiterone-api-url"
    )]
    Network {
        what: String,
        api_url: String,
        attempts: u32,
        detail: String,
    },
    /// A body that is not the JSON we expect.
    #[error("JupiterOne sent an answer to {what} that heroku-j1 cannot read: {detail}")]
    Unreadable { what: String, detail: String },
    /// The HTTP client could not be built.
    #[error("cannot set up the JupiterOne client: {0}")]
    Setup(String),
}

impl JupiterOneError {
    /// Whether the key, account or region is wrong (exit code 2 rather than 1).
    #[must_use]
    pub const fn is_auth(&self) -> bool {
        matches!(self, Self::Unauthorized { .. } | Self::Forbidden { .. })
    }

    /// Whether a retry of the same request can never succeed (the job is closed).
    #[must_use]
    pub const fn is_fatal(&self) -> bool {
        matches!(
            self,
            Self::JobNotAwaitingUploads { .. } | Self::Unauthorized { .. }
        )
    }
}

/// A synchronization job as the API reports it. Unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SyncJob {
    pub id: String,
    pub status: String,
    pub source: Option<String>,
    pub scope: Option<String>,
    pub integration_instance_id: Option<String>,
    pub done: Option<bool>,
    pub num_entities_uploaded: u64,
    pub num_entities_created: u64,
    pub num_entities_updated: u64,
    pub num_entities_deleted: u64,
    pub num_relationships_uploaded: u64,
    pub num_relationships_created: u64,
    pub num_relationships_updated: u64,
    pub num_relationships_deleted: u64,
    pub num_entity_create_errors: u64,
    pub num_entity_update_errors: u64,
    pub num_entity_delete_errors: u64,
    pub num_relationship_create_errors: u64,
    pub num_relationship_update_errors: u64,
    pub num_relationship_delete_errors: u64,
}

/// Statuses after which a job never changes.
pub const TERMINAL_STATUSES: [&str; 7] = [
    "FINISHED",
    "ABORTED",
    "ABORTED_DUE_TO_INVALID_CONFIGURATION",
    "ERROR_BAD_DATA",
    "ERROR_UNEXPECTED_FAILURE",
    // Seen only in examples; treated as terminal if they ever come.
    "COMPLETED",
    "FAILED",
];

impl SyncJob {
    /// Whether the job reached a terminal status.
    #[must_use]
    pub fn is_terminal(&self) -> bool {
        self.done == Some(true) || TERMINAL_STATUSES.contains(&self.status.as_str())
    }

    /// Whether the job finished well.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        matches!(self.status.as_str(), "FINISHED" | "COMPLETED")
    }
}

#[derive(Deserialize)]
struct JobAnswer {
    job: SyncJob,
}

#[derive(Debug, Default, Deserialize)]
struct ErrorEnvelope {
    #[serde(default)]
    error: Option<ErrorDetail>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

fn error_of(status: StatusCode, body: &str) -> (String, String) {
    let env: ErrorEnvelope = serde_json::from_str(body).unwrap_or_default();
    let (code, message) = match env.error {
        Some(d) => (d.code, d.message),
        None => (env.code, env.message),
    };
    let code = code.unwrap_or_else(|| status.as_u16().to_string());
    let message =
        message.unwrap_or_else(|| status.canonical_reason().unwrap_or("no message").to_owned());
    // Both end up in messages and logs: no control characters.
    (crate::text::cleaned(&code), crate::text::cleaned(&message))
}

/// Which upload endpoint a body goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UploadKind {
    /// `POST …/{id}/entities` with `{"entities": [...]}`.
    Entities,
    /// `POST …/{id}/relationships` with `{"relationships": [...]}`.
    Relationships,
    /// `POST …/{id}/upload` with either or both.
    Both,
}

impl UploadKind {
    #[must_use]
    pub const fn path(self) -> &'static str {
        match self {
            Self::Entities => "entities",
            Self::Relationships => "relationships",
            Self::Both => "upload",
        }
    }
}

struct Inner {
    http: reqwest::Client,
    config: JupiterOneConfig,
    api_url: String,
    requests: AtomicU64,
}

/// A JupiterOne client. Cloning is cheap; clones share the connection pool and counters.
#[derive(Clone)]
pub struct JupiterOneClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for JupiterOneClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JupiterOneClient")
            .field("api_url", &self.inner.api_url)
            .field("account", &self.inner.config.account_id)
            .finish_non_exhaustive()
    }
}

impl JupiterOneClient {
    /// Builds a client.
    ///
    /// # Errors
    /// When the key or account cannot be sent as a header, or TLS cannot start.
    pub fn new(config: JupiterOneConfig) -> Result<Self, JupiterOneError> {
        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", config.api_key.expose()))
            .map_err(|_| {
                JupiterOneError::Setup(
                    "the JupiterOne API key contains characters that cannot be sent".into(),
                )
            })?;
        auth.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, auth);
        let account = HeaderValue::from_str(config.account_id.trim()).map_err(|_| {
            JupiterOneError::Setup(
                "the JupiterOne account id contains characters that cannot be sent".into(),
            )
        })?;
        headers.insert("jupiterone-account", account);
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        let http = build_client(headers, config.timeout).map_err(JupiterOneError::Setup)?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                api_url: config.api_url.trim_end_matches('/').to_owned(),
                config,
                requests: AtomicU64::new(0),
            }),
        })
    }

    /// The base URL requests go to.
    #[must_use]
    pub fn api_url(&self) -> &str {
        &self.inner.api_url
    }

    /// The account id.
    #[must_use]
    pub fn account(&self) -> &str {
        &self.inner.config.account_id
    }

    /// Requests sent so far (every try counts).
    #[must_use]
    pub fn requests(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// Checks the key, account and region: `GET` of a job that cannot exist answers 404 to a
    /// valid key and 401 to a bad one.
    ///
    /// # Errors
    /// [`JupiterOneError::Unauthorized`] for a rejected key, or any transport error.
    pub async fn validate(&self) -> Result<(), JupiterOneError> {
        // Messages name what the user asked for (a key check), never the probe's job id.
        let path = format!("{JOBS_PATH}/{PROBE_JOB_ID}");
        let what = "a check of the API key and account";
        match self.call(Method::GET, &path, None, what, None).await {
            Ok(_) | Err(JupiterOneError::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// `POST /persister/synchronization/jobs`.
    ///
    /// # Errors
    /// Any API or transport error.
    pub async fn start_job(&self, target: &Target) -> Result<SyncJob, JupiterOneError> {
        let body = Bytes::from(target.start_body());
        self.job_call(
            Method::POST,
            JOBS_PATH.to_owned(),
            Some(body),
            "starting a synchronization job",
            target,
        )
        .await
    }

    /// `POST …/{id}/{entities|relationships|upload}` with a body as serialized by the plan.
    ///
    /// # Errors
    /// Any API or transport error; [`JupiterOneError::TooLarge`] on 413.
    pub async fn upload(
        &self,
        job_id: &str,
        kind: UploadKind,
        body: Bytes,
    ) -> Result<SyncJob, JupiterOneError> {
        let path = format!("{JOBS_PATH}/{job_id}/{}", kind.path());
        let what = format!("an upload of {} to job {job_id}", kind.path());
        self.call(Method::POST, &path, Some(body), &what, Some(job_id))
            .await
            .and_then(|b| parse_job(&b, &what))
    }

    /// `POST …/{id}/finalize` with the plan's body (`partialDatasets`).
    ///
    /// # Errors
    /// Any API or transport error.
    pub async fn finalize(&self, job_id: &str, body: Bytes) -> Result<SyncJob, JupiterOneError> {
        let path = format!("{JOBS_PATH}/{job_id}/finalize");
        let what = format!("finalizing job {job_id}");
        self.call(Method::POST, &path, Some(body), &what, Some(job_id))
            .await
            .and_then(|b| parse_job(&b, &what))
    }

    /// `POST …/{id}/abort` with `{"reason": …}`.
    ///
    /// # Errors
    /// Any API or transport error.
    pub async fn abort(&self, job_id: &str, reason: &str) -> Result<SyncJob, JupiterOneError> {
        let path = format!("{JOBS_PATH}/{job_id}/abort");
        let what = format!("aborting job {job_id}");
        let body = serde_json::to_vec(&serde_json::json!({ "reason": reason }))
            .map_err(|e| JupiterOneError::Setup(e.to_string()))?;
        self.call(
            Method::POST,
            &path,
            Some(Bytes::from(body)),
            &what,
            Some(job_id),
        )
        .await
        .and_then(|b| parse_job(&b, &what))
    }

    /// `GET …/{id}`.
    ///
    /// # Errors
    /// Any API or transport error; [`JupiterOneError::NotFound`] for an unknown job.
    pub async fn get_job(&self, job_id: &str) -> Result<SyncJob, JupiterOneError> {
        let path = format!("{JOBS_PATH}/{job_id}");
        let what = format!("synchronization job {job_id}");
        self.call(Method::GET, &path, None, &what, Some(job_id))
            .await
            .and_then(|b| parse_job(&b, &what))
    }

    async fn job_call(
        &self,
        method: Method,
        path: String,
        body: Option<Bytes>,
        what: &str,
        target: &Target,
    ) -> Result<SyncJob, JupiterOneError> {
        match self.call(method, &path, body, what, None).await {
            Ok(b) => parse_job(&b, what),
            Err(JupiterOneError::Request { code, .. } | JupiterOneError::NotFound { code, .. })
                if code == "SYNC_JOB_INVALID_INTEGRATION_INSTANCE" =>
            {
                Err(JupiterOneError::InvalidInstance {
                    id: match target {
                        Target::Instance { id, .. } => id.clone(),
                        Target::Scope(s) => s.clone(),
                    },
                    account: self.account().to_owned(),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// One request through the shared retry loop; the body of a 2xx answer.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Bytes>,
        what: &str,
        job_id: Option<&str>,
    ) -> Result<String, JupiterOneError> {
        let inner = &*self.inner;
        let url = format!("{}{path}", inner.api_url);
        let correlation = uuid::Uuid::new_v4().to_string();
        let policy = inner.config.retry_policy();
        let retrying = Retrying {
            policy: &policy,
            what,
            deadline: None,
            observer: None,
        };
        let attempt = || {
            self.try_call(
                &method,
                &url,
                path,
                body.as_ref(),
                what,
                job_id,
                &correlation,
            )
        };
        match retrying.run(attempt, |_| None).await {
            Ok(result) => result,
            Err(GaveUp::RateLimited { attempts, .. }) => Err(JupiterOneError::RateLimited {
                what: what.into(),
                attempts,
            }),
            Err(GaveUp::Failures {
                last:
                    Transient::Server {
                        status,
                        code,
                        message,
                    },
                attempts,
            }) => Err(JupiterOneError::Server {
                what: what.into(),
                status,
                attempts,
                code,
                message,
            }),
            Err(
                GaveUp::Failures { last, attempts }
                | GaveUp::Deadline {
                    last: Some(last),
                    attempts,
                },
            ) => Err(JupiterOneError::Network {
                what: what.into(),
                api_url: inner.api_url.clone(),
                attempts,
                detail: last.detail(),
            }),
            Err(GaveUp::Deadline {
                last: None,
                attempts,
            }) => Err(JupiterOneError::Network {
                what: what.into(),
                api_url: inner.api_url.clone(),
                attempts,
                detail: "the deadline passed".into(),
            }),
        }
    }

    /// One try: the answer classified as final, transient or rate-limited.
    #[allow(clippy::too_many_arguments)]
    async fn try_call(
        &self,
        method: &Method,
        url: &str,
        path: &str,
        body: Option<&Bytes>,
        what: &str,
        job_id: Option<&str>,
        correlation: &str,
    ) -> Attempt<Result<String, JupiterOneError>, Transient> {
        let inner = &*self.inner;
        inner.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = inner
            .http
            .request(method.clone(), url)
            .header("jupiterone-correlation-id", correlation);
        if let Some(b) = body {
            request = request.body(b.clone());
        }
        let bytes = body.map_or(0, Bytes::len);
        let network = |e: &reqwest::Error| Attempt::Failed {
            cause: failure_cause(e).to_owned(),
            last: Transient::Network(describe_error(e)),
        };
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return network(&e),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let text = match response.text().await {
            Ok(t) => t,
            Err(e) => return network(&e),
        };
        tracing::debug!(%method, path, status = status.as_u16(), bytes, "jupiterone answer");
        if status.is_success() {
            return Attempt::Done(Ok(text));
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Attempt::RateLimited {
                retry_after: retry_after(&headers, &["retry-after", "ratelimit-reset"]),
                last: Transient::RateLimited,
            };
        }
        if status.is_server_error() {
            let (code, message) = error_of(status, &text);
            return Attempt::Failed {
                cause: format!("a {} answer", status.as_u16()),
                last: Transient::Server {
                    status: status.as_u16(),
                    code,
                    message,
                },
            };
        }
        Attempt::Done(Err(self.classify(status, &text, what, bytes, job_id)))
    }

    fn classify(
        &self,
        status: StatusCode,
        body: &str,
        what: &str,
        bytes: usize,
        job_id: Option<&str>,
    ) -> JupiterOneError {
        let (code, message) = error_of(status, body);
        tracing::warn!(status = status.as_u16(), %code, %message, what, "JupiterOne refused a request");
        if code == "JOB_NOT_AWAITING_UPLOADS" {
            return JupiterOneError::JobNotAwaitingUploads {
                job_id: job_id.unwrap_or_default().to_owned(),
                message,
            };
        }
        match status {
            StatusCode::UNAUTHORIZED => JupiterOneError::Unauthorized {
                account: self.account().to_owned(),
                api_url: self.api_url().to_owned(),
            },
            StatusCode::FORBIDDEN => JupiterOneError::Forbidden {
                what: what.into(),
                code,
                message,
            },
            StatusCode::PAYLOAD_TOO_LARGE => JupiterOneError::TooLarge {
                what: what.into(),
                bytes,
            },
            StatusCode::NOT_FOUND => JupiterOneError::NotFound {
                what: what.into(),
                code,
                message,
            },
            _ if code == "RequestEntityTooLargeException" => JupiterOneError::TooLarge {
                what: what.into(),
                bytes,
            },
            _ => JupiterOneError::Request {
                what: what.into(),
                status: status.as_u16(),
                code,
                message,
            },
        }
    }
}

/// The last transient failure of a request, for the message when retries run out.
enum Transient {
    Network(String),
    Server {
        status: u16,
        code: String,
        message: String,
    },
    RateLimited,
}

impl Transient {
    fn detail(self) -> String {
        match self {
            Self::Network(d) => d,
            Self::Server { code, message, .. } => format!("{code}: {message}"),
            Self::RateLimited => "rate limited".into(),
        }
    }
}

fn parse_job(body: &str, what: &str) -> Result<SyncJob, JupiterOneError> {
    serde_json::from_str::<JobAnswer>(body)
        .map(|a| a.job)
        .map_err(|e| JupiterOneError::Unreadable {
            what: what.into(),
            detail: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_envelopes() {
        let (code, message) = error_of(
            StatusCode::BAD_REQUEST,
            r#"{"error":{"code":"ENTITY_IS_NOT_ARRAY","message":"\"entities\" should be an array"}}"#,
        );
        assert_eq!(code, "ENTITY_IS_NOT_ARRAY");
        assert_eq!(message, "\"entities\" should be an array");
        let (code, message) = error_of(StatusCode::BAD_GATEWAY, "<html>");
        assert_eq!((code.as_str(), message.as_str()), ("502", "Bad Gateway"));
    }

    #[test]
    fn the_config_never_prints_the_key() {
        let c = JupiterOneConfig::new(US_API_URL, "acct", Secret::new("j1-key-abcdef-123456"));
        assert!(!format!("{c:?}").contains("j1-key-abcdef"));
    }
}
