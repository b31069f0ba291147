//! One token bucket per user, refilled continuously (Heroku's GCRA behaves like this).

use std::time::{Duration, Instant};

/// A token bucket.
#[derive(Debug, Clone)]
pub struct Bucket {
    capacity: f64,
    per_second: f64,
    tokens: f64,
    last: Instant,
}

/// What taking a token gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// Allowed; this many whole tokens remain.
    Allowed { remaining: u64 },
    /// Refused (429); retry after this many whole seconds.
    Refused { retry_after_secs: u64 },
}

impl Bucket {
    /// A full bucket of `capacity` tokens, refilled at `per_minute` tokens a minute.
    #[must_use]
    pub fn new(capacity: u32, per_minute: f64) -> Self {
        Self::new_at(capacity, per_minute, Instant::now())
    }

    fn new_at(capacity: u32, per_minute: f64, now: Instant) -> Self {
        let per_minute = if per_minute.is_finite() {
            per_minute.max(0.0)
        } else {
            0.0
        };
        Self {
            capacity: f64::from(capacity),
            per_second: per_minute / 60.0,
            tokens: f64::from(capacity),
            last: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.last = now;
    }

    /// Whole tokens left, without taking one.
    pub fn remaining(&mut self) -> u64 {
        self.remaining_at(Instant::now())
    }

    fn remaining_at(&mut self, now: Instant) -> u64 {
        self.refill(now);
        whole(self.tokens)
    }

    /// Takes one token.
    pub fn take(&mut self) -> Take {
        self.take_at(Instant::now())
    }

    fn take_at(&mut self, now: Instant) -> Take {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Take::Allowed {
                remaining: whole(self.tokens),
            }
        } else {
            let wait = if self.per_second > 0.0 {
                Duration::from_secs_f64(((1.0 - self.tokens) / self.per_second).min(86_400.0))
            } else {
                Duration::from_secs(3600)
            };
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            Take::Refused {
                retry_after_secs: secs.max(1),
            }
        }
    }
}

fn whole(tokens: f64) -> u64 {
    // Tokens stay within 0..=u32::MAX, so the truncation is exact after `floor`.
    tokens.max(0.0).floor() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drains_refuses_and_refills() {
        let t0 = Instant::now();
        let mut b = Bucket::new_at(3, 60.0, t0);
        assert_eq!(b.take_at(t0), Take::Allowed { remaining: 2 });
        assert_eq!(b.take_at(t0), Take::Allowed { remaining: 1 });
        assert_eq!(b.take_at(t0), Take::Allowed { remaining: 0 });
        assert_eq!(
            b.take_at(t0),
            Take::Refused {
                retry_after_secs: 1
            }
        );
        let later = t0 + Duration::from_millis(2500);
        assert_eq!(b.remaining_at(later), 2);
        assert_eq!(
            b.take_at(later + Duration::from_secs(100)),
            Take::Allowed { remaining: 2 }
        );
    }

    #[test]
    fn whole_counts() {
        assert_eq!(whole(4500.0), 4500);
        assert_eq!(whole(0.99), 0);
        assert_eq!(whole(-3.0), 0);
        assert_eq!(whole(7.5), 7);
    }
}
