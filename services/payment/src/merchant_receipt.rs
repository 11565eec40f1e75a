//! PAY-3: the merchant confirms the parcel arrived; a waiting refund is paid from its funds,
//! an advanced one (PAY-1) is recovered from them (PAY-2).

use actix_web::{HttpResponse, web};
use returns_auth::{As, Merchant};
use returns_domain::RuleId;
use returns_domain::lifecycle::RefundState;
use returns_runtime::AppContext;
use returns_web::Problem;

use crate::receipt::{self, Paid};

/// PAY-3: the merchant has the parcel; its funds pay the refund now. No body.
/// What the merchant's receipt did.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Receipt {
    /// PAY-3: the refund waiting for it was paid from the merchant's funds.
    Paid,
    /// PAY-2: the refund was advanced; the merchant's funds repaid the advance.
    Recovered,
}

/// The merchant's receipt, confirmed.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct ReceiptAnswer {
    case_id: uuid::Uuid,
    status: Receipt,
    /// PAY-3 or PAY-2.
    rule: String,
}

#[utoipa::path(post, path = "/merchant/cases/{id}/receipt", tag = "merchant", params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The refund paid (PAY-3) or the advance recovered (PAY-2)", body = ReceiptAnswer)))]
pub(crate) async fn confirm_receipt(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let now = ctx.clock.now();
    let cities = ctx.cities.clone();
    let rule = ctx
        .write(async move |conn| {
            let paid = receipt::pay_from_merchant(
                conn,
                id,
                Some(&merchant.id),
                "merchant confirmed receipt",
                now,
            )
            .await?;
            match paid {
                Paid::Now(out) => {
                    returns_bus::stage(conn, &cities, &out).await?;
                    Ok(RuleId::Pay3)
                }
                // A fast refund was paid from the platform's advance: the merchant's receipt
                // now repays it (PAY-2).
                Paid::NotWaiting(RefundState::Paid) => {
                    let out = crate::recovery::settle(conn, id, "merchant confirmed receipt", now)
                        .await?;
                    if out.is_empty() {
                        return Err(not_waiting(RefundState::Paid));
                    }
                    returns_bus::stage(conn, &cities, &out).await?;
                    Ok(RuleId::Pay2)
                }
                Paid::NotWaiting(status) => Err(not_waiting(status)),
                Paid::NoRefund | Paid::OtherMerchant => {
                    Err(Problem::not_found("refund awaiting receipt"))
                }
            }
        })
        .await?;
    let status = if rule == RuleId::Pay2 {
        Receipt::Recovered
    } else {
        Receipt::Paid
    };
    Ok(HttpResponse::Ok().json(ReceiptAnswer {
        case_id: id,
        status,
        rule: rule.as_str().to_owned(),
    }))
}

fn not_waiting(status: RefundState) -> Problem {
    Problem::conflict(format!(
        "the refund is {status}; only a refund awaiting the merchant's receipt can be confirmed"
    ))
}
