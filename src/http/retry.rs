//! The retry loop both API clients run: transient failures (network errors, timeouts, 5xx)
//! retried with exponential backoff and jitter, 429s waited out (`Retry-After`, capped), each
//! with its own budget, every wait and every try in flight bounded by an optional deadline,
//! and every retry told to the log and to an observer (the crawl's progress channel).
//!
//! Own loop rather than `reqwest-retry`: that middleware retries inside `send()`, so it could
//! not share Heroku's rate limiter across requests, keep separate budgets for 429s and
//! failures, retry a body cut off mid-read, stop at a crawl deadline, or report each retry as
//! it happens. The backoff schedule itself (exponential, capped, jittered) is `backon`'s.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use tokio::time::Instant;

/// How patiently a client retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The service's name in messages ("Heroku").
    pub service: &'static str,
    /// Tries after the first on 5xx, timeouts and connection errors.
    pub max_retries: u32,
    /// Tries after the first on 429.
    pub max_rate_limit_retries: u32,
    /// The first backoff; each next one doubles, up to `backoff_max`, plus up to as much
    /// again of jitter.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// The longest `Retry-After` honoured; a longer one is waited only this long.
    pub max_retry_after: Duration,
}

impl RetryPolicy {
    fn schedule(&self) -> impl Iterator<Item = Duration> + use<> {
        ExponentialBuilder::default()
            .with_min_delay(self.backoff_base)
            .with_max_delay(self.backoff_max)
            .with_jitter()
            .without_max_times()
            .build()
    }
}

/// What one try came to, as the client classifies the answer.
#[derive(Debug)]
pub enum Attempt<T, F> {
    /// A final answer: success, or an error no retry can fix.
    Done(T),
    /// A transient failure; `cause` in a few words ("a timeout", "503"), `last` what the
    /// client reports if it gives up.
    Failed { cause: String, last: F },
    /// 429, with the server's `Retry-After` if it sent one.
    RateLimited {
        retry_after: Option<Duration>,
        last: F,
    },
}

/// Why the loop stopped without a final answer.
#[derive(Debug, PartialEq, Eq)]
pub enum GaveUp<F> {
    /// `max_retries + 1` transient failures.
    Failures { last: F, attempts: u32 },
    /// `max_rate_limit_retries + 1` 429s.
    RateLimited { last: F, attempts: u32 },
    /// The deadline passed, or the next wait would end after it.
    Deadline { last: Option<F>, attempts: u32 },
}

/// A retry as it happens, for the log and the progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryEvent {
    /// A transient failure; try `retry + 1` goes out after `wait`.
    Retrying {
        service: &'static str,
        what: String,
        retry: u32,
        of: u32,
        cause: String,
        wait: Duration,
    },
    /// A 429: every request waits until `until` (local time, `HH:MM:SS`).
    RateLimited {
        service: &'static str,
        what: String,
        wait: Duration,
        until: String,
        /// The `Retry-After` asked for, when it was longer than the cap.
        capped_from: Option<Duration>,
    },
}

impl fmt::Display for RetryEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Retrying {
                service,
                what,
                retry,
                of,
                cause,
                wait,
            } => write!(
                f,
                "retrying {retry}/{of} after {cause} from {service} ({what}) in {:.1} s…",
                wait.as_secs_f64()
            ),
            Self::RateLimited {
                service,
                what,
                wait,
                until,
                capped_from,
            } => {
                write!(
                    f,
                    "waiting for {service}'s rate limit until {until} ({:.0} s, {what})",
                    wait.as_secs_f64().ceil()
                )?;
                if let Some(asked) = capped_from {
                    write!(
                        f,
                        "; {service} asked for {:.0} s, capped",
                        asked.as_secs_f64()
                    )?;
                }
                Ok(())
            }
        }
    }
}

/// Told of every retry (the crawl sends it on its progress channel).
pub type RetryObserver = Arc<dyn Fn(&RetryEvent) + Send + Sync>;

/// One request's retry loop: the policy, what is being fetched, the deadline and the
/// observer.
pub struct Retrying<'a> {
    pub policy: &'a RetryPolicy,
    /// Names the request in notices ("the apps of team x").
    pub what: &'a str,
    pub deadline: Option<Instant>,
    pub observer: Option<&'a RetryObserver>,
}

impl Retrying<'_> {
    /// Runs `attempt` until it is [`Attempt::Done`] or a budget or the deadline runs out.
    /// On a 429, `rate_limit_pause` gets the (capped) `Retry-After` and returns the pause the
    /// client wants (Heroku's shared limiter), or `None` for the backoff schedule.
    ///
    /// # Errors
    /// [`GaveUp`] with the client's record of the last failure.
    pub async fn run<T, F, Op, Fut>(
        &self,
        mut attempt: Op,
        mut rate_limit_pause: impl FnMut(Option<Duration>) -> Option<Duration>,
    ) -> Result<T, GaveUp<F>>
    where
        Op: FnMut() -> Fut,
        Fut: Future<Output = Attempt<T, F>>,
    {
        let policy = self.policy;
        let mut failure_waits = policy.schedule();
        let mut rate_limit_waits = policy.schedule();
        let mut failures = 0u32;
        let mut rate_limited = 0u32;
        let mut last: Option<F> = None;
        loop {
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(GaveUp::Deadline {
                    last,
                    attempts: failures + rate_limited,
                });
            }
            // A try in flight is cut at the deadline too: a server that never answers
            // cannot hold the crawl past it.
            let outcome = match self.deadline {
                Some(d) => match tokio::time::timeout_at(d, attempt()).await {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        tracing::warn!(
                            service = policy.service,
                            what = self.what,
                            "the deadline passed during a request; giving up"
                        );
                        return Err(GaveUp::Deadline {
                            last,
                            attempts: failures + rate_limited + 1,
                        });
                    }
                },
                None => attempt().await,
            };
            let (wait, event) = match outcome {
                Attempt::Done(t) => return Ok(t),
                Attempt::Failed { cause, last: l } => {
                    failures += 1;
                    if failures > policy.max_retries {
                        return Err(GaveUp::Failures {
                            last: l,
                            attempts: failures,
                        });
                    }
                    last = Some(l);
                    let wait = failure_waits.next().unwrap_or(policy.backoff_max);
                    let event = RetryEvent::Retrying {
                        service: policy.service,
                        what: self.what.to_owned(),
                        retry: failures,
                        of: policy.max_retries,
                        cause,
                        wait,
                    };
                    (wait, event)
                }
                Attempt::RateLimited {
                    retry_after,
                    last: l,
                } => {
                    rate_limited += 1;
                    if rate_limited > policy.max_rate_limit_retries {
                        return Err(GaveUp::RateLimited {
                            last: l,
                            attempts: rate_limited,
                        });
                    }
                    last = Some(l);
                    let capped = retry_after.map(|d| d.min(policy.max_retry_after));
                    let wait = rate_limit_pause(capped)
                        .unwrap_or_else(|| {
                            capped.unwrap_or_else(|| {
                                rate_limit_waits.next().unwrap_or(policy.backoff_max)
                            })
                        })
                        .min(policy.max_retry_after);
                    let until =
                        chrono::Local::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                    let event = RetryEvent::RateLimited {
                        service: policy.service,
                        what: self.what.to_owned(),
                        wait,
                        until: until.format("%H:%M:%S").to_string(),
                        capped_from: retry_after.filter(|d| *d > policy.max_retry_after),
                    };
                    (wait, event)
                }
            };
            if self.deadline.is_some_and(|d| Instant::now() + wait > d) {
                tracing::warn!(
                    service = policy.service,
                    what = self.what,
                    "{event}: past the deadline; giving up"
                );
                return Err(GaveUp::Deadline {
                    last,
                    attempts: failures + rate_limited,
                });
            }
            tracing::warn!(service = policy.service, what = self.what, "{event}");
            if let Some(observe) = self.observer {
                observe(&event);
            }
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            service: "Test",
            max_retries: 2,
            max_rate_limit_retries: 3,
            backoff_base: Duration::from_millis(1),
            backoff_max: Duration::from_millis(4),
            max_retry_after: Duration::from_millis(20),
        }
    }

    #[tokio::test]
    async fn failures_are_retried_then_given_up_with_every_retry_told() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let observer: RetryObserver = Arc::new(move |e| s.lock().unwrap().push(e.to_string()));
        let policy = policy();
        let r = Retrying {
            policy: &policy,
            what: "the apps",
            deadline: None,
            observer: Some(&observer),
        };
        let out: Result<(), _> = r
            .run(
                || async {
                    Attempt::Failed {
                        cause: "a timeout".into(),
                        last: 7,
                    }
                },
                |_| None,
            )
            .await;
        assert_eq!(
            out,
            Err(GaveUp::Failures {
                last: 7,
                attempts: 3
            })
        );
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert!(
            seen[1].starts_with("retrying 2/2 after a timeout from Test (the apps)"),
            "{seen:?}"
        );
    }

    #[tokio::test]
    async fn a_long_retry_after_is_capped_and_the_deadline_stops_the_wait() {
        let policy = policy();
        let r = Retrying {
            policy: &policy,
            what: "x",
            deadline: None,
            observer: None,
        };
        let started = std::time::Instant::now();
        let mut tries = 0;
        let out: Result<u8, GaveUp<()>> = r
            .run(
                || {
                    tries += 1;
                    let t = tries;
                    async move {
                        if t < 3 {
                            Attempt::RateLimited {
                                retry_after: Some(Duration::from_secs(3600)),
                                last: (),
                            }
                        } else {
                            Attempt::Done(1)
                        }
                    }
                },
                |_| None,
            )
            .await;
        assert_eq!(out, Ok(1));
        assert!(started.elapsed() < Duration::from_secs(2));

        let r = Retrying {
            deadline: Some(Instant::now() + Duration::from_millis(10)),
            ..r
        };
        let out: Result<u8, GaveUp<()>> = r
            .run(
                || async {
                    Attempt::RateLimited {
                        retry_after: Some(Duration::from_secs(3600)),
                        last: (),
                    }
                },
                |_| None,
            )
            .await;
        assert_eq!(
            out,
            Err(GaveUp::Deadline {
                last: Some(()),
                attempts: 1
            })
        );
    }

    #[tokio::test]
    async fn a_try_that_never_ends_is_cut_at_the_deadline() {
        let policy = policy();
        let r = Retrying {
            policy: &policy,
            what: "x",
            deadline: Some(Instant::now() + Duration::from_millis(200)),
            observer: None,
        };
        let started = std::time::Instant::now();
        let out: Result<u8, GaveUp<()>> = r
            .run(std::future::pending::<Attempt<u8, ()>>, |_| None)
            .await;
        assert_eq!(
            out,
            Err(GaveUp::Deadline {
                last: None,
                attempts: 1
            })
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
