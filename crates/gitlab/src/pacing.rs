//! [`Pacer`]: spreads requests so GitLab's rate limit is not hit.
//!
//! Two inputs: GitLab's `RateLimit-Remaining`/`RateLimit-Reset` headers (when the remaining
//! budget falls to the low watermark, requests are spread evenly until the reset), and an
//! optional fixed requests-per-minute budget (`governor`). A 429 also pauses every request of
//! the client until its wait is over, not just the request that received it.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::HeaderMap;
use tokio::time::Instant;

use crate::retry::{RATELIMIT_REMAINING, ratelimit_reset};

/// Shared pacing state of one client.
#[derive(Debug)]
pub struct Pacer {
    limiter: Option<DefaultDirectRateLimiter>,
    low_watermark: u32,
    max_delay: Duration,
    state: Mutex<PaceState>,
}

#[derive(Debug, Default)]
struct PaceState {
    /// Last `RateLimit-Remaining` seen, with its reset time.
    budget: Option<(u32, SystemTime)>,
    /// No request starts before this instant (set by 429 waits and by spreading).
    not_before: Option<Instant>,
}

impl Pacer {
    /// A pacer with an optional requests-per-minute budget. `max_delay` caps one pacing delay.
    pub fn new(requests_per_minute: Option<u32>, low_watermark: u32, max_delay: Duration) -> Self {
        Pacer {
            limiter: requests_per_minute
                .and_then(NonZeroU32::new)
                .map(|rpm| RateLimiter::direct(Quota::per_minute(rpm))),
            low_watermark,
            max_delay,
            state: Mutex::new(PaceState::default()),
        }
    }

    /// Waits until the next request may start.
    pub async fn wait(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.until_ready().await;
        }
        let start_at = self.reserve_slot(Instant::now(), SystemTime::now());
        if let Some(at) = start_at {
            tracing::debug!(
                delay_ms = at.saturating_duration_since(Instant::now()).as_millis() as u64,
                "pacing"
            );
            tokio::time::sleep_until(at).await;
        }
    }

    /// Computes when a request starting now may go, and books that slot.
    fn reserve_slot(&self, now: Instant, wall: SystemTime) -> Option<Instant> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut start = state.not_before.filter(|t| *t > now).unwrap_or(now);
        if let Some((remaining, reset)) = state.budget {
            let left = reset.duration_since(wall).unwrap_or(Duration::ZERO);
            if remaining <= self.low_watermark && !left.is_zero() {
                let spacing = (left / (remaining + 1)).min(self.max_delay);
                start = start.max(now + spacing);
                state.not_before = Some(start);
                state.budget = Some((remaining.saturating_sub(1), reset));
            }
        }
        (start > now).then_some(start)
    }

    /// Records the rate-limit headers of a response.
    pub fn observe(&self, headers: &HeaderMap) {
        let remaining = headers
            .get(RATELIMIT_REMAINING)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u32>().ok());
        if let (Some(remaining), Some(reset)) = (remaining, ratelimit_reset(headers)) {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.budget = Some((remaining, reset));
        }
    }

    /// Holds every request back for `wait` (after a 429).
    pub fn pause_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.not_before = Some(state.not_before.map_or(until, |t| t.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_budget_does_not_delay() {
        let pacer = Pacer::new(None, 5, Duration::from_secs(60));
        let wall = SystemTime::now();
        pacer.state.lock().expect("lock").budget = Some((100, wall + Duration::from_secs(60)));
        assert_eq!(pacer.reserve_slot(Instant::now(), wall), None);
    }

    #[test]
    fn low_budget_spreads_requests_until_reset() {
        let pacer = Pacer::new(None, 5, Duration::from_secs(60));
        let wall = SystemTime::now();
        let now = Instant::now();
        pacer.state.lock().expect("lock").budget = Some((3, wall + Duration::from_secs(40)));
        let first = pacer.reserve_slot(now, wall).expect("delayed");
        assert_eq!(first - now, Duration::from_secs(10));
        let second = pacer.reserve_slot(now, wall).expect("delayed");
        assert!(second > first, "slots are booked one after the other");
    }

    #[test]
    fn pause_holds_requests_back() {
        let pacer = Pacer::new(None, 5, Duration::from_secs(60));
        pacer.pause_for(Duration::from_secs(5));
        let at = pacer
            .reserve_slot(Instant::now(), SystemTime::now())
            .expect("paused");
        assert!(at > Instant::now() + Duration::from_secs(4));
    }
}
