//! What a case's parcel is paid for, kept from the approval payment reads (issue 12 item 4):
//! the pickup and shipment events carry only what happened at the door. The decisions and the
//! pickups topics are read independently, so a parcel may come before its approval; it then
//! waits here and is paid when the approval comes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_bus::HandleError;
use returns_domain::Fen;
use returns_events::payloads::RefundOrder;
use uuid::Uuid;

use crate::parcel_facts::Parcel;
use crate::schema::{parcels_awaiting_order as waiting, refund_orders as ro};

/// Keeps `order` for the case; `replace` for RS-3's conversion, which changes what is asked.
pub(crate) async fn keep(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    order: &RefundOrder,
    replace: bool,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let insert = diesel::insert_into(ro::table).values((
        ro::case_id.eq(case_id),
        ro::buyer_id.eq(&order.buyer_id),
        ro::merchant_id.eq(&order.merchant_id),
        ro::order_line_id.eq(&order.order_line_id),
        ro::amount_fen.eq(order.amount_fen.0),
        ro::fast_return.eq(order.fast_return),
        ro::remedy.eq(returns_domain::to_wire(&order.remedy)),
        ro::recorded_at.eq(now),
    ));
    if replace {
        insert
            .on_conflict(ro::case_id)
            .do_update()
            .set((
                ro::amount_fen.eq(excluded(ro::amount_fen)),
                ro::fast_return.eq(excluded(ro::fast_return)),
                ro::remedy.eq(excluded(ro::remedy)),
            ))
            .execute(conn)
            .await?;
    } else {
        insert.on_conflict_do_nothing().execute(conn).await?;
    }
    Ok(())
}

/// The order kept for the case, if its approval was read.
pub(crate) async fn of_case(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
) -> Result<Option<RefundOrder>, HandleError> {
    type Row = (String, String, String, i64, bool, String);
    let row: Option<Row> = ro::table
        .find(case_id)
        .select((
            ro::buyer_id,
            ro::merchant_id,
            ro::order_line_id,
            ro::amount_fen,
            ro::fast_return,
            ro::remedy,
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((buyer_id, merchant_id, order_line_id, amount, fast_return, remedy)) = row else {
        return Ok(None);
    };
    let remedy = returns_domain::from_wire(&remedy)
        .ok_or_else(|| HandleError::reject(format!("unknown remedy {remedy}")))?;
    Ok(Some(RefundOrder {
        buyer_id,
        merchant_id,
        order_line_id,
        amount_fen: Fen(amount),
        fast_return,
        remedy,
    }))
}

/// The parcel waits for its approval (once, whatever is redelivered).
pub(crate) async fn wait(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    parcel: &Parcel,
    now: DateTime<Utc>,
) -> Result<(), HandleError> {
    diesel::insert_into(waiting::table)
        .values((
            waiting::case_id.eq(case_id),
            waiting::parcel.eq(serde_json::to_value(parcel).map_err(HandleError::reject)?),
            waiting::received_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// The parcel that waited for this case's approval, now taken.
pub(crate) async fn take_waiting(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
) -> Result<Option<Parcel>, HandleError> {
    let parcel: Option<serde_json::Value> = diesel::delete(waiting::table.find(case_id))
        .returning(waiting::parcel)
        .get_result(conn)
        .await
        .optional()?;
    parcel
        .map(|p| serde_json::from_value(p).map_err(HandleError::reject))
        .transpose()
}
