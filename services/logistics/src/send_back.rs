//! K-3 and K-4: once the buyer's parcel is on its way, the merchant sends the replacement (an
//! exchange) or the repaired goods (a repair) back, with the tracking number of that parcel.

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_auth::{As, Merchant};
use returns_bus::stage;
use returns_bus::{About, Emitter};
use returns_domain::lifecycle::{BuyerShipmentState, PickupJobState};
use returns_domain::{Remedy, RuleId};
use returns_events::payloads::{GoodsSentBack, RefundOrder};
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;
use uuid::Uuid;

use crate::schema::{buyer_shipments, pickup_jobs, send_backs};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SendBackRequest {
    #[schema(pattern = "^\\s*[A-Za-z0-9_-]([A-Za-z0-9 _-]{0,38}[A-Za-z0-9_-])?\\s*$")]
    carrier: String,
    #[schema(pattern = "^\\s*[A-Za-z0-9]{6,40}\\s*$")]
    tracking_number: String,
}

/// The buyer's parcel for the case: where it is, whether it has left the buyer, and what the
/// case asks for. From a pickup job or from the buyer's own shipment.
async fn parcel_of(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<(String, String, bool, serde_json::Value)>> {
    let job: Option<(String, String, PickupJobState, serde_json::Value)> = pickup_jobs::table
        .filter(pickup_jobs::case_id.eq(id))
        .select((
            pickup_jobs::city,
            pickup_jobs::shard,
            pickup_jobs::status,
            pickup_jobs::refund,
        ))
        .first(conn)
        .await
        .optional()?;
    if let Some((city, shard, status, order)) = job {
        return Ok(Some((
            city,
            shard,
            status == PickupJobState::Collected,
            order,
        )));
    }
    let own: Option<(String, String, BuyerShipmentState, serde_json::Value)> =
        buyer_shipments::table
            .find(id)
            .select((
                buyer_shipments::city,
                buyer_shipments::shard,
                buyer_shipments::status,
                buyer_shipments::refund,
            ))
            .first(conn)
            .await
            .optional()?;
    Ok(own.map(|(city, shard, status, order)| {
        (city, shard, status == BuyerShipmentState::Shipped, order)
    }))
}

/// `POST /merchant/cases/{id}/send-back`. Repeating it with the same tracking number answers
/// as the first time did.
/// Where the goods stand once the merchant sent them back.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SendBack {
    SentBack,
}

#[utoipa::path(post, path = "/merchant/cases/{id}/send-back", tag = "merchant", request_body = SendBackRequest, params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The goods, sent back", body = returns_web::Moved<SendBack>)))]
pub(crate) async fn send_back(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: SendBackRequest = parse_json(&body)?;
    let tracking = returns_web::tracking_number(&req.tracking_number)?;
    let carrier = returns_web::carrier(&req.carrier)?;
    let now = ctx.clock.now();
    let app = ctx.get_ref().clone();
    let t = tracking.clone();
    let () = ctx
        .write(async move |conn| {
            let Some((city, shard, left_buyer, order)) = parcel_of(conn, id).await? else {
                return Err(Problem::not_found("case"));
            };
            let order: RefundOrder = serde_json::from_value(order)?;
            // Another merchant's case answers exactly like a missing one.
            if order.merchant_id != merchant.id {
                return Err(Problem::not_found("case"));
            }
            returns_runtime::tag_case(&root, &id, &city, &shard);
            may_send_back(&order, left_buyer)?;
            if !record_once(conn, id, &order, &carrier, &t, now).await? {
                return Ok(());
            }
            let rule = if order.remedy == Remedy::Repair {
                RuleId::K4
            } else {
                RuleId::K3
            };
            let ev = Emitter::new(crate::SERVICE, now).emit(
                About {
                    case_id: id,
                    city: &city,
                    shard: &shard,
                },
                &GoodsSentBack {
                    rule,
                    remedy: order.remedy,
                    carrier: carrier.clone(),
                    tracking_number: t.clone(),
                    sent_at: now,
                    freight_payer: None,
                    freight_fen: None,
                    buyer_id: order.buyer_id.clone(),
                    merchant_id: order.merchant_id.clone(),
                },
            )?;
            stage(conn, &app.cities, &[ev]).await?;
            tracing::info!(case_id = %id, rule = rule.as_str(), "merchant sent the goods back");
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Ok().json(returns_web::Moved::shipped(
        id,
        SendBack::SentBack,
        tracking,
    )))
}

/// K-3, K-4: a case answered with goods whose parcel already left the buyer.
fn may_send_back(order: &RefundOrder, left_buyer: bool) -> Result<(), Problem> {
    if !order.remedy.merchant_sends_back() {
        return Err(Problem::conflict(
            "this case is answered with a refund; nothing is sent back".to_owned(),
        ));
    }
    if !left_buyer {
        return Err(Problem::conflict(
            "the buyer's parcel has not been collected or shipped yet".to_owned(),
        ));
    }
    Ok(())
}

/// Records the send-back once: true when it is new, false when the same parcel was recorded
/// before; another tracking number after the first is a 409.
async fn record_once(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    order: &RefundOrder,
    carrier: &str,
    tracking: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, Problem> {
    let n = diesel::insert_into(send_backs::table)
        .values((
            send_backs::case_id.eq(id),
            send_backs::merchant_id.eq(&order.merchant_id),
            send_backs::remedy.eq(returns_domain::to_wire(&order.remedy)),
            send_backs::carrier.eq(carrier),
            send_backs::tracking_number.eq(tracking),
            send_backs::sent_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if n == 0 {
        let earlier: String = send_backs::table
            .find(id)
            .select(send_backs::tracking_number)
            .first(conn)
            .await?;
        if earlier != tracking {
            return Err(Problem::conflict(format!(
                "already sent back with tracking number {earlier}"
            )));
        }
        return Ok(false);
    }
    Ok(true)
}
