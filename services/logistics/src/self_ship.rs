//! CT-2: where there is no door pickup (an uncovered city, or the buyer's choice), the buyer
//! ships the parcel and enters its tracking number; from then on the case goes on as if a
//! courier had collected it (PAY-1 or PAY-3 in payment).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_auth::{As, Buyer};
use returns_bus::stage;
use returns_bus::{About, Emitter};
use returns_domain::RuleId;
use returns_domain::lifecycle::BuyerShipmentState;
use returns_events::payloads::{ParcelShipped, RefundOrder};
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;
use tracing::Instrument;
use uuid::Uuid;

use crate::schema::buyer_shipments;

/// The case waits for the buyer's tracking number (once, whatever is redelivered).
pub(crate) async fn await_buyer(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    city: &str,
    shard: &str,
    refund: &RefundOrder,
    now: DateTime<Utc>,
) -> Result<(), returns_bus::BusError> {
    diesel::insert_into(buyer_shipments::table)
        .values((
            buyer_shipments::case_id.eq(case_id),
            buyer_shipments::city.eq(city),
            buyer_shipments::shard.eq(shard),
            buyer_shipments::buyer_id.eq(&refund.buyer_id),
            buyer_shipments::status.eq(BuyerShipmentState::Awaiting),
            buyer_shipments::refund.eq(serde_json::to_value(refund)?),
            buyer_shipments::traceparent.eq(returns_telemetry::current_traceparent()),
            buyer_shipments::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ShipmentRequest {
    #[schema(pattern = "^\\s*[A-Za-z0-9_-]([A-Za-z0-9 _-]{0,38}[A-Za-z0-9_-])?\\s*$")]
    carrier: String,
    #[schema(pattern = "^\\s*[A-Za-z0-9]{6,40}\\s*$")]
    tracking_number: String,
}

type Row = (
    String,
    String,
    String,
    BuyerShipmentState,
    Option<String>,
    Option<String>,
);

/// `POST /buyer/cases/{id}/shipment`: the buyer's own tracking number. Repeating it answers as
/// the first time did; a different number once shipped is a 409.
#[utoipa::path(post, path = "/buyer/cases/{id}/shipment", tag = "buyer", request_body = ShipmentRequest, params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The buyer's shipment (CT-2)", body = returns_web::Moved<BuyerShipmentState>)))]
pub(crate) async fn enter_tracking(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: ShipmentRequest = parse_json(&body)?;
    let tracking = returns_web::tracking_number(&req.tracking_number)?;
    let carrier = returns_web::carrier(&req.carrier)?;
    let now = ctx.clock.now();
    let app = ctx.get_ref().clone();
    let t = tracking.clone();
    let () = ctx
        .write(async move |conn| {
            let row: Option<Row> = buyer_shipments::table
                .find(id)
                .select((
                    buyer_shipments::city,
                    buyer_shipments::shard,
                    buyer_shipments::buyer_id,
                    buyer_shipments::status,
                    buyer_shipments::tracking_number,
                    buyer_shipments::traceparent,
                ))
                .for_update()
                .first(conn)
                .await
                .optional()?;
            // Someone else's case answers exactly like a missing one.
            let (city, shard, buyer, status, entered, traceparent) = row
                .filter(|r| r.2 == buyer.id)
                .ok_or_else(|| Problem::not_found("shipment awaited for this case"))?;
            let _ = buyer;
            returns_runtime::tag_case(&root, &id, &city, &shard);
            if status == BuyerShipmentState::Shipped {
                if entered.as_deref() != Some(t.as_str()) {
                    return Err(Problem::conflict(
                        "a different tracking number was already entered for this case",
                    ));
                }
                return Ok(());
            }
            let span = tracing::info_span!("logistics.buyer_shipped", case_id = %id, city = %city, shard = %shard);
            returns_telemetry::continue_trace(&span, traceparent.as_deref());
            async {
                diesel::update(buyer_shipments::table.find(id))
                    .set((
                        buyer_shipments::status.eq(BuyerShipmentState::Shipped),
                        buyer_shipments::carrier.eq(&carrier),
                        buyer_shipments::tracking_number.eq(&t),
                        buyer_shipments::shipped_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
                let ev = Emitter::new(crate::SERVICE, now).emit(About { case_id: id, city: &city, shard: &shard }, &ParcelShipped {
                        rule: RuleId::Ct2,
                        carrier: carrier.clone(),
                        tracking_number: t.clone(),
                        shipped_at: now,
                        refund_v1: None,
                    })?;
                stage(conn, &app.cities, &[ev]).await?;
                tracing::info!("buyer entered the tracking number");
                Ok(())
            }
            .instrument(span)
            .await
        })
        .await?;
    Ok(HttpResponse::Ok().json(returns_web::Moved::shipped(
        id,
        BuyerShipmentState::Shipped,
        tracking,
    )))
}
