//! Bodies declared larger than `api.body_limit_bytes` are refused before they are read. A body
//! sent without a length is capped while it is read (`web::PayloadConfig`).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, web};
use returns_web::Problem;

use crate::AppContext;

pub(crate) async fn body_cap(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let limit = req
        .app_data::<web::Data<AppContext>>()
        .map(|c| c.settings.api.body_limit_bytes)
        .unwrap_or(usize::MAX);
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        let problem = Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            "Body too large",
            format!("the request body is larger than {limit} bytes"),
        );
        return Ok(super::refuse(req, problem));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
