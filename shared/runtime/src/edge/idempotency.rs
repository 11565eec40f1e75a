//! `Idempotency-Key` on every POST: the first request with a key is served and its answer kept
//! for `api.idempotency_hours`; a retry with the same key and the same request gets that answer
//! again (with `Idempotent-Replayed: true`); the same key with another request is a 422; a
//! retry while the first is still being served is a 409. Keys belong to the caller (role and
//! id), so two callers cannot collide. Answers of 5xx are not kept: the retry runs again.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpResponse, web};
use returns_auth::Tokens;
use returns_store::idempotency::{self, Answer, Claim};
use returns_web::Problem;

use crate::AppContext;

pub(crate) const HEADER: &str = "Idempotency-Key";

pub(crate) async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(raw) = req.headers().get(HEADER).cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if req.method() != Method::POST {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let key = match raw.to_str().ok().filter(|k| valid_key(k)) {
        Some(k) => k.to_owned(),
        None => {
            let p = Problem::invalid(HEADER, "1-255 visible ASCII characters, e.g. a UUID");
            return Ok(super::refuse(req, p));
        }
    };
    let (Some(ctx), Some(tokens)) = (
        req.app_data::<web::Data<AppContext>>().cloned(),
        req.app_data::<web::Data<Tokens>>().cloned(),
    ) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Without a valid token the route answers 401 itself; there is nothing to remember.
    let Ok(caller) = returns_auth::caller_of(req.request(), &tokens) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let caller = format!("{}:{}", caller.role, caller.id);
    let body: Bytes = match req.extract::<Bytes>().await {
        Ok(b) => b,
        Err(e) => return Err(e),
    };
    req.set_payload(payload_of(body.clone()));
    let request = canonical(req.method(), &req.uri().to_string(), &body);
    let now = ctx.clock.now();
    let expires = now + chrono::Duration::hours(ctx.settings.api.idempotency_hours);
    let mut conn = match ctx.conn().await {
        Ok(c) => c,
        Err(p) => return Ok(super::refuse(req, p)),
    };
    match idempotency::claim(&mut conn, &caller, &key, &request, now, expires).await {
        Err(e) => return Ok(super::refuse(req, e.into())),
        Ok(Claim::Answered(a)) => return Ok(req.into_response(replay(a))),
        Ok(Claim::Mismatch) => return Ok(super::refuse(req, reused())),
        Ok(Claim::InFlight) => return Ok(super::refuse(req, in_flight())),
        Ok(Claim::First) => {}
    }
    drop(conn);
    let res = next.call(req).await?.map_into_boxed_body();
    Ok(keep(&ctx, &caller, &key, res).await)
}

/// The first answer to a key, kept for its retries; a 5xx releases the key so a retry runs
/// again. A store failure here is logged: the caller still gets its answer.
async fn keep(
    ctx: &AppContext,
    caller: &str,
    key: &str,
    res: ServiceResponse<BoxBody>,
) -> ServiceResponse<BoxBody> {
    let status = res.status();
    let content_type = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (http_req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body).await.unwrap_or_default();
    let kept = match ctx.pool.get().await {
        Ok(mut conn) if status.is_server_error() => {
            idempotency::release(&mut conn, caller, key).await
        }
        Ok(mut conn) => {
            let a = Answer {
                status: status.as_u16(),
                content_type,
                body: bytes.to_vec(),
            };
            idempotency::answer(&mut conn, caller, key, &a).await
        }
        Err(e) => Err(returns_store::StoreError::from(e)),
    };
    if let Err(e) = kept {
        tracing::warn!(error = %e, "the answer to an idempotent request was not kept");
    }
    let res = head.set_body(BoxBody::new(bytes));
    ServiceResponse::new(http_req, res)
}

/// A retry's answer: the first one, marked as replayed.
fn replay(a: Answer) -> HttpResponse {
    let mut answer = HttpResponse::build(StatusCode::from_u16(a.status).unwrap_or(StatusCode::OK));
    if let Some(ct) = &a.content_type {
        answer.content_type(ct.as_str());
    }
    answer.insert_header(("Idempotent-Replayed", "true"));
    answer.body(a.body)
}

fn reused() -> Problem {
    Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency-key-reused",
        "Idempotency key reused",
        "this Idempotency-Key was used with a different request; use a new key",
    )
    .with_field(HEADER)
}

fn in_flight() -> Problem {
    Problem::new(
        StatusCode::CONFLICT,
        "idempotency-key-in-flight",
        "Request in progress",
        "the first request with this Idempotency-Key is still being served; retry shortly",
    )
    .with_field(HEADER)
    .with_header("Retry-After", "1")
}

fn valid_key(k: &str) -> bool {
    !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic())
}

/// The request as the key remembers it: method, path and query, and the body (JSON compared by
/// value, so the order of its keys does not matter).
fn canonical(method: &Method, uri: &str, body: &[u8]) -> String {
    let body = serde_json::from_slice::<serde_json::Value>(body)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| body.escape_ascii().to_string());
    format!("{method} {uri}\n{body}")
}

fn payload_of(bytes: Bytes) -> actix_web::dev::Payload {
    let (_, mut pl) = actix_http::h1::Payload::create(true);
    pl.unread_data(bytes);
    actix_web::dev::Payload::from(pl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_json_in_another_key_order_is_the_same_request() {
        let a = canonical(&Method::POST, "/x", br#"{"a":1,"b":2}"#);
        let b = canonical(&Method::POST, "/x", br#"{ "b": 2, "a": 1 }"#);
        assert_eq!(a, b);
        assert_ne!(a, canonical(&Method::POST, "/x", br#"{"a":1,"b":3}"#));
        assert_ne!(a, canonical(&Method::POST, "/y", br#"{"a":1,"b":2}"#));
    }

    #[test]
    fn keys_are_visible_ascii() {
        assert!(valid_key("0b7e2a9c-1f1e-4a7b-9d2e-2c1a5b6d7e8f"));
        assert!(!valid_key(""));
        assert!(!valid_key("with space"));
        assert!(!valid_key(&"k".repeat(256)));
    }
}
