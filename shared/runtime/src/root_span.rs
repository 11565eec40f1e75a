//! The root span of every HTTP request declares `case_id`, `city` and `shard`, so that a handler
//! that learns which case a request is about can put them on it (CT-3: the shard on every span).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpan, RootSpanBuilder};

pub(crate) struct CaseRootSpan;

impl RootSpanBuilder for CaseRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        tracing_actix_web::root_span!(
            request,
            case_id = tracing::field::Empty,
            city = tracing::field::Empty,
            shard = tracing::field::Empty
        )
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// Puts the case's identity on the request's root span.
pub fn tag_case(root: &RootSpan, case_id: &dyn std::fmt::Display, city: &str, shard: &str) {
    root.record("case_id", tracing::field::display(case_id));
    root.record("city", city);
    root.record("shard", shard);
}
