//! Server-side token bucket, so client code can be tested against a real
//! 429 + Retry-After source.

use std::sync::Mutex;
use std::time::Instant;

use serde::Deserialize;

/// Body of `POST /__admin/rate_limit`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSpec {
    /// Refill rate in tokens per second; null (or absent) disables the limit.
    #[serde(default)]
    pub per_second: Option<f64>,
    /// Bucket capacity; defaults to max(1, per_second).
    #[serde(default)]
    pub burst: Option<f64>,
    #[serde(default)]
    pub path_prefix: Option<String>,
}

struct Bucket {
    per_second: f64,
    burst: f64,
    path_prefix: Option<String>,
    tokens: f64,
    last: Instant,
}

#[derive(Default)]
pub struct RateLimiter {
    bucket: Mutex<Option<Bucket>>,
}

impl RateLimiter {
    /// Installs (or with `per_second: null` removes) the limit; the bucket
    /// starts full. Returns the effective settings as JSON.
    pub fn configure(&self, spec: RateLimitSpec) -> Result<serde_json::Value, String> {
        let mut g = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
        let Some(per_second) = spec.per_second else {
            *g = None;
            return Ok(serde_json::json!({"per_second": null}));
        };
        if !(per_second.is_finite() && per_second > 0.0) {
            return Err("per_second must be a positive number or null".into());
        }
        let burst = spec.burst.unwrap_or(per_second.max(1.0));
        if !(burst.is_finite() && burst >= 1.0) {
            return Err("burst must be a number >= 1".into());
        }
        let out = serde_json::json!({
            "per_second": per_second, "burst": burst, "path_prefix": spec.path_prefix,
        });
        *g = Some(Bucket {
            per_second,
            burst,
            path_prefix: spec.path_prefix,
            tokens: burst,
            last: Instant::now(),
        });
        Ok(out)
    }

    pub fn clear(&self) {
        *self.bucket.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Takes a token for a request to `path`. Err carries the Retry-After
    /// value in whole seconds (at least 1, as clients treat 0 as "now").
    pub fn check(&self, path: &str) -> Result<(), u64> {
        let mut g = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
        let Some(b) = g.as_mut() else { return Ok(()) };
        if b.path_prefix
            .as_deref()
            .is_some_and(|p| !path.starts_with(p))
        {
            return Ok(());
        }
        let now = Instant::now();
        let elapsed = now.duration_since(b.last).as_secs_f64();
        b.last = now;
        b.tokens = (b.tokens + elapsed * b.per_second).min(b.burst);
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            return Ok(());
        }
        let wait = (1.0 - b.tokens) / b.per_second;
        Err((wait.ceil() as u64).max(1))
    }
}
