//! Every error answer is RFC 9457 `application/problem+json`, including those actix gives
//! before a route runs (unknown route, method not allowed, payload too large).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use returns_web::Problem;

pub(crate) async fn problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    let is_problem = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/problem+json"));
    if status.as_u16() < 400 || is_problem {
        return Ok(res);
    }
    let problem = problem_for(status);
    let answer: HttpResponse = actix_web::ResponseError::error_response(&problem);
    Ok(res.into_response(answer))
}

/// The problem a bare status stands for.
pub(crate) fn problem_for(status: StatusCode) -> Problem {
    let (kind, title, detail) = match status.as_u16() {
        404 => ("not-found", "Not found", "no such route"),
        405 => (
            "method-not-allowed",
            "Method not allowed",
            "this route does not take that method",
        ),
        413 => (
            "body-too-large",
            "Body too large",
            "the request body is larger than the API accepts (api.body_limit_bytes)",
        ),
        415 => (
            "unsupported-media-type",
            "Unsupported media type",
            "send application/json",
        ),
        s if s < 500 => (
            "bad-request",
            "Bad request",
            "the request could not be read",
        ),
        _ => (
            "internal",
            "Internal error",
            "the service failed; the request may be retried",
        ),
    };
    Problem::new(status, kind, title, detail)
}
