//! One rate limiter shared by every request of a client: it tracks `RateLimit-Remaining`,
//! paces requests as the pool nears empty, and pauses everyone after a 429.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// Below this many remaining tokens, requests are paced at the refill rate.
pub const LOW_WATER: i64 = 100;
/// Heroku refills about 75 tokens a minute: one every 0.8 s.
pub const REFILL_INTERVAL: Duration = Duration::from_millis(800);

#[derive(Debug)]
struct State {
    /// No request starts before this instant.
    next_start: Instant,
    /// The next 429 backoff.
    backoff: Duration,
}

/// The shared limiter.
#[derive(Debug)]
pub struct RateLimiter {
    remaining: AtomicI64,
    state: Mutex<State>,
    min_backoff: Duration,
    max_backoff: Duration,
    low_water: i64,
    pace: Duration,
}

/// `remaining` before any answer has said.
const UNKNOWN: i64 = i64::MIN;

impl RateLimiter {
    /// A limiter with the 429 backoff range, pacing at [`LOW_WATER`] and [`REFILL_INTERVAL`].
    #[must_use]
    pub fn new(min_backoff: Duration, max_backoff: Duration) -> Self {
        Self::with_pacing(min_backoff, max_backoff, LOW_WATER, REFILL_INTERVAL)
    }

    /// A limiter that paces one request per `pace` while fewer than `low_water` tokens remain.
    #[must_use]
    pub fn with_pacing(
        min_backoff: Duration,
        max_backoff: Duration,
        low_water: i64,
        pace: Duration,
    ) -> Self {
        Self {
            remaining: AtomicI64::new(UNKNOWN),
            state: Mutex::new(State {
                next_start: Instant::now(),
                backoff: min_backoff,
            }),
            min_backoff,
            max_backoff,
            low_water,
            pace,
        }
    }

    /// The last `RateLimit-Remaining` seen.
    #[must_use]
    pub fn remaining(&self) -> Option<i64> {
        let r = self.remaining.load(Ordering::Relaxed);
        (r != UNKNOWN).then_some(r)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until a request may start.
    pub async fn acquire(&self) {
        let wait_until = {
            let mut s = self.lock();
            let now = Instant::now();
            let start = s.next_start.max(now);
            if self.remaining().is_some_and(|r| r < self.low_water) {
                // Pace: one request per refill interval while the pool is low.
                s.next_start = start + self.pace;
            }
            start
        };
        tokio::time::sleep_until(wait_until).await;
    }

    /// Records a successful answer's `RateLimit-Remaining`.
    pub fn on_answer(&self, remaining: Option<i64>) {
        if let Some(r) = remaining {
            self.remaining.store(r, Ordering::Relaxed);
        }
    }

    /// Records a non-429 answer: the 429 backoff starts over.
    pub fn on_success(&self) {
        self.lock().backoff = self.min_backoff;
    }

    /// Records a 429: pauses every request for `Retry-After` or the next backoff, whichever
    /// is longer, and returns that pause.
    pub fn on_rate_limited(&self, retry_after: Option<Duration>, jitter: f64) -> Duration {
        self.remaining.store(0, Ordering::Relaxed);
        let mut s = self.lock();
        let backoff = s.backoff.mul_f64(1.0 + 0.25 * jitter.clamp(0.0, 1.0));
        s.backoff = (s.backoff * 2).min(self.max_backoff);
        let pause = retry_after.unwrap_or_default().max(backoff);
        let until = Instant::now() + pause;
        if until > s.next_start {
            s.next_start = until;
        }
        pause
    }
}
