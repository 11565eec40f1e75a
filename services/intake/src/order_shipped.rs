//! RS-3 on the order feed: when the order of an open refund before shipment is shipped, intake
//! tells audit, which owns the decision and may turn the case into a return.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_bus::{HandleError, Outgoing};
use returns_domain::{CaseKind, CaseStatus};
use returns_events::payloads::OrderShippedDuringRefund;
use returns_runtime::AppContext;
use uuid::Uuid;

use crate::order_store;
use crate::schema::cases;
use returns_domain::to_wire;

/// One `case.order_shipped` per refund before shipment still open on the order.
pub(crate) async fn convert_refunds(
    conn: &mut AsyncPgConnection,
    order_id: &str,
    at: DateTime<Utc>,
    ctx: &AppContext,
) -> Result<Vec<Outgoing>, HandleError> {
    let open: Vec<(Uuid, String, String)> = cases::table
        .filter(cases::order_id.eq(order_id))
        .filter(cases::kind.eq(to_wire(&CaseKind::RefundOnly)))
        // A withdrawn request is closed; a rejected one is closing.
        .filter(cases::status.ne_all([CaseStatus::Closed.as_str(), CaseStatus::Rejected.as_str()]))
        .select((cases::id, cases::city, cases::shard))
        .load(conn)
        .await?;
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let order = order_store::order_by_id(conn, order_id).await?;
    let (carrier, tracking_number) = order
        .map(|o| {
            (
                o.carrier.unwrap_or_default(),
                o.tracking_number.unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    let now = ctx.clock.now();
    open.iter()
        .map(|(case_id, city, shard)| {
            returns_bus::Emitter::new(ctx.service, now)
                .emit(
                    returns_bus::About {
                        case_id: *case_id,
                        city,
                        shard,
                    },
                    &OrderShippedDuringRefund {
                        order_id: order_id.to_owned(),
                        carrier: carrier.clone(),
                        tracking_number: tracking_number.clone(),
                        shipped_at: at,
                    },
                )
                .map_err(HandleError::from)
        })
        .collect()
}
