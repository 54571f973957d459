//! Which failures are retried, and how long to wait before the next attempt.

use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Bounded retries of transient failures: connect errors, timeouts, `429` and `5xx`.
/// Other statuses (`400`, `401`, `403`, …) are never retried.
///
/// Waits use exponential backoff with full jitter (a random delay between zero and
/// `initial_backoff * 2^(attempt-1)`, capped at `max_backoff`), unless the server sends
/// `Retry-After` (seconds or an HTTP date), which is honoured exactly; a `Retry-After`
/// longer than `max_retry_after` ends the retries and the answer is returned as it is.
///
/// ```
/// use std::time::Duration;
/// use auth_runtime::{HttpOptions, RetryPolicy};
///
/// let retry = RetryPolicy {
///     max_attempts: 5,
///     max_backoff: Duration::from_secs(2),
///     ..RetryPolicy::default()
/// };
/// assert!(retry.backoff(1) <= retry.initial_backoff);
/// assert!(retry.backoff(10) <= Duration::from_secs(2));
/// let options = HttpOptions { retry, ..HttpOptions::default() };
/// assert_eq!(options.retry.max_attempts, 5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (`1` disables retries; `0` counts as `1`).
    pub max_attempts: u32,
    /// The upper bound of the first wait.
    pub initial_backoff: Duration,
    /// The upper bound of any computed wait.
    pub max_backoff: Duration,
    /// The longest `Retry-After` that is waited for.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: one attempt.
    ///
    /// ```
    /// # use auth_runtime::RetryPolicy;
    /// assert_eq!(RetryPolicy::none().max_attempts, 1);
    /// assert_eq!(RetryPolicy::default().max_attempts, 3);
    /// ```
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// A random wait before attempt `attempt + 1`, `attempt` counting from 1.
    pub fn backoff(&self, attempt: u32) -> Duration {
        self.backoff_with(attempt, random_unit())
    }

    /// The wait for a given random `unit` in `[0, 1)`.
    fn backoff_with(&self, attempt: u32, unit: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(31);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * unit.clamp(0.0, 1.0)).unwrap_or(ceiling)
    }
}

/// Whether an answer with this status is worth another attempt.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date (a date in
/// the past means no wait). `None` when absent or unreadable.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A number in `[0, 1)`, different on every call; good enough for jitter.
fn random_unit() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(since_epoch) = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
        hasher.write_u128(since_epoch.as_nanos());
    }
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retryable_statuses() {
        for s in [429, 500, 502, 503, 504, 599] {
            assert!(is_retryable_status(StatusCode::from_u16(s).unwrap()), "{s}");
        }
        for s in [200, 201, 301, 400, 401, 403, 404, 409, 422] {
            assert!(
                !is_retryable_status(StatusCode::from_u16(s).unwrap()),
                "{s}"
            );
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_with(1, 0.0), Duration::ZERO);
        assert_eq!(p.backoff_with(1, 0.5), Duration::from_millis(100));
        assert_eq!(p.backoff_with(2, 0.5), Duration::from_millis(200));
        assert_eq!(p.backoff_with(3, 0.5), Duration::from_millis(400));
        assert_eq!(
            p.backoff_with(30, 0.999_999),
            Duration::from_secs(10).mul_f64(0.999_999)
        );
        assert_eq!(p.backoff_with(u32::MAX, 1.0), Duration::from_secs(10));
        let huge = RetryPolicy {
            max_backoff: Duration::MAX,
            initial_backoff: Duration::MAX,
            ..p
        };
        assert!(huge.backoff_with(5, 1.0) > Duration::from_secs(1 << 60));
    }

    #[test]
    fn jitter_stays_in_range() {
        let p = RetryPolicy::default();
        let mut distinct = std::collections::HashSet::new();
        for _ in 0..1000 {
            let u = random_unit();
            assert!((0.0..1.0).contains(&u));
            distinct.insert(u.to_bits());
            assert!(p.backoff(3) <= Duration::from_millis(800));
        }
        assert!(distinct.len() > 990);
    }

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            retry_after(&headers("2"), now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_after(&headers(" 120 "), now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:50:07 GMT"), now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&headers("-1"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }
}
