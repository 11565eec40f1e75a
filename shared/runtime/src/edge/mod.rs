//! The public API's edge, as middleware around every route, outermost first:
//! [`problems`] turns any error answer that is not yet `application/problem+json` (an unknown
//! route, a wrong method, a body over the cap) into one; [`rate_limit`] gives each caller a
//! token bucket (429 with `Retry-After`); [`body_cap`] refuses declared bodies over the cap
//! before they are read (413); [`idempotency`] answers a POST retried with the same
//! `Idempotency-Key` with the first answer (422 if the body differs).

pub(crate) mod body_cap;
pub(crate) mod idempotency;
pub(crate) mod problems;
pub(crate) mod rate_limit;

use actix_web::HttpResponse;
use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use returns_web::Problem;

/// Answers `req` with `problem` without calling the route.
pub(crate) fn refuse(req: ServiceRequest, problem: Problem) -> ServiceResponse<BoxBody> {
    let answer: HttpResponse = actix_web::ResponseError::error_response(&problem);
    req.into_response(answer)
}
