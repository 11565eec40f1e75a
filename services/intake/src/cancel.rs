//! The buyer withdraws a request nobody decided yet: `POST /buyer/cases/{id}/cancel`. Audit
//! decides whether it still can (the merchant may be deciding at the same moment): it answers
//! `case.cancelled`, which closes the case, or `case.cancel_refused`, which the timeline shows.

use actix_web::{HttpResponse, web};
use returns_auth::{As, Buyer};
use returns_domain::CaseStatus;
use returns_events::payloads::CancelRequested;
use returns_runtime::{AppContext, RootSpan};
use returns_web::Problem;

use crate::announce::announce;
use crate::store;
use crate::timeline::Entry;
use returns_domain::machine::Reach;

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum CancelState {
    Requested,
}

/// The withdrawal, asked; audit's answer arrives on the case's timeline.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct CancelAsked {
    case_id: uuid::Uuid,
    cancel: CancelState,
}

#[utoipa::path(post, path = "/buyer/cases/{id}/cancel", tag = "buyer",
    params(("id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 202, description = "Withdrawal asked; the timeline shows the answer", body = CancelAsked)))]
pub(crate) async fn cancel(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let now = ctx.clock.now();
    let app = ctx.get_ref().clone();
    ctx.write(async move |conn| {
        let case = store::own_case_for_update(conn, id, |c| c.buyer_id == buyer.id)
            .await?
            .ok_or_else(|| Problem::not_found("case"))?;
        returns_runtime::tag_case(&root, &id, &case.city, &case.shard);
        let open = [CaseStatus::Requested, CaseStatus::AwaitingMerchant];
        if !open.contains(&case.status) {
            return Err(Problem::conflict(format!(
                "the case is {}; a request is withdrawn before it is decided",
                case.status
            )));
        }
        let line = Entry {
            status: None,
            reach: Reach::Step,
            rule: None,
            reason: "You asked to withdraw the request.".to_owned(),
        };
        let asked = CancelRequested { requested_at: now };
        announce(conn, &app, &case, now, &asked, line).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Accepted().json(CancelAsked {
        case_id: id,
        cancel: CancelState::Requested,
    }))
}
