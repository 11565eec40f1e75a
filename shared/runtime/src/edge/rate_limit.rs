//! Per-caller rate limits: a token bucket per caller (its role and id, or its address when it
//! sent no valid token) refilled at `api.rate_per_second` up to `api.rate_burst`. Each
//! instance counts its own callers; behind N replicas a caller gets up to N times the rate.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, web};
use returns_auth::Tokens;
use returns_web::Problem;

use crate::AppContext;

/// Buckets untouched this long are dropped when the table grows large.
const IDLE: Duration = Duration::from_secs(600);
const MAX_CALLERS: usize = 100_000;

#[derive(Default)]
pub(crate) struct Buckets {
    inner: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Buckets {
    /// Takes a token for `caller`; on refusal answers the seconds until one is back.
    pub(crate) fn take(
        &self,
        caller: &str,
        rate: f64,
        burst: f64,
        now: Instant,
    ) -> Result<(), u64> {
        let mut map = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > MAX_CALLERS {
            map.retain(|_, (_, at)| now.duration_since(*at) < IDLE);
        }
        let (tokens, at) = map.entry(caller.to_owned()).or_insert((burst, now));
        let refilled = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(burst);
        *at = now;
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            Ok(())
        } else {
            *tokens = refilled;
            Err(((1.0 - refilled) / rate).ceil().max(1.0) as u64)
        }
    }
}

pub(crate) async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let (Some(ctx), Some(buckets), Some(tokens)) = (
        req.app_data::<web::Data<AppContext>>().cloned(),
        req.app_data::<web::Data<Buckets>>().cloned(),
        req.app_data::<web::Data<Tokens>>().cloned(),
    ) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Health probes are never limited.
    if req.path().starts_with("/health/") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let caller = match returns_auth::caller_of(req.request(), &tokens) {
        Ok(c) => format!("{}:{}", c.role, c.id),
        Err(_) => format!(
            "addr:{}",
            req.peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default()
        ),
    };
    let api = &ctx.settings.api;
    if let Err(wait) = buckets.take(
        &caller,
        f64::from(api.rate_per_second),
        f64::from(api.rate_burst),
        Instant::now(),
    ) {
        let problem = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            format!(
                "at most {} requests a second (bursts of {}) per caller; retry after {wait} s",
                api.rate_per_second, api.rate_burst
            ),
        )
        .with_header("Retry-After", wait.to_string());
        return Ok(super::refuse(req, problem));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_the_rate() {
        let b = Buckets::default();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(b.take("c", 1.0, 3.0, t0).is_ok());
        }
        assert_eq!(b.take("c", 1.0, 3.0, t0), Err(1));
        assert!(b.take("other", 1.0, 3.0, t0).is_ok(), "callers are apart");
        assert!(
            b.take("c", 1.0, 3.0, t0 + Duration::from_millis(1100))
                .is_ok()
        );
    }
}
