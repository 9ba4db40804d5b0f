//! Rates: a token bucket per key (a person's messages, a client address's
//! failed authentications) that holds `per_minute` and refills at that
//! rate. A leaf any module may use: the chat API's and `manage`'s quotas.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    per_minute: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets kept before full ones are forgotten.
const MAX_BUCKETS: usize = 10_000;

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute: per_minute.max(1) as f64,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `key`'s bucket has one left, without taking it; else how long
    /// until it has.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let per_second = self.per_minute / 60.0;
        let buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let Some(bucket) = buckets.get(key) else {
            return Ok(());
        };
        let refilled = now.saturating_duration_since(bucket.at).as_secs_f64() * per_second;
        let tokens = (bucket.tokens + refilled).min(self.per_minute);
        if tokens >= 1.0 {
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - tokens) / per_second))
        }
    }

    /// Takes one message from `user`'s bucket, or says how long until one is
    /// there.
    pub fn take(&self, user: &str, now: Instant) -> Result<(), Duration> {
        self.take_at(user, self.per_minute as u32, now)
    }

    /// [`RateLimiter::take`] at `per_minute` for this key (a person's own
    /// quota) instead of the limiter's.
    pub fn take_at(&self, user: &str, per_minute: u32, now: Instant) -> Result<(), Duration> {
        let per_minute = f64::from(per_minute.max(1));
        let per_second = per_minute / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(user) {
            let full = per_minute;
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.at).as_secs_f64() * per_second < full
            });
            if buckets.len() >= MAX_BUCKETS {
                // Many users all mid-minute (or ids made up to fill the map):
                // start afresh rather than scan this map on every request.
                buckets.clear();
            }
        }
        let bucket = buckets.entry(user.to_string()).or_insert(Bucket {
            tokens: per_minute,
            at: now,
        });
        let refilled = now.saturating_duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.tokens = (bucket.tokens + refilled).min(per_minute);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_gets_a_minute_of_messages_then_waits_and_others_are_unaffected() {
        let limiter = RateLimiter::new(3);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.take("alice", start).is_ok());
        }
        let wait = limiter.take("alice", start).unwrap_err();
        assert!(
            wait > Duration::from_secs(19) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(limiter.take("bob", start).is_ok());
        assert!(limiter
            .take("alice", start + Duration::from_secs(20))
            .is_ok());
    }

    #[test]
    fn checking_a_bucket_takes_nothing_from_it() {
        let limiter = RateLimiter::new(2);
        let start = Instant::now();
        assert!(limiter.check("10.0.0.1", start).is_ok());
        limiter.take("10.0.0.1", start).unwrap();
        assert!(limiter.check("10.0.0.1", start).is_ok());
        assert!(limiter.check("10.0.0.1", start).is_ok());
        limiter.take("10.0.0.1", start).unwrap();
        let wait = limiter.check("10.0.0.1", start).unwrap_err();
        assert!(wait > Duration::from_secs(29), "{wait:?}");
        assert!(limiter
            .check("10.0.0.1", start + Duration::from_secs(30))
            .is_ok());
    }
}
